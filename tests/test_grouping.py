"""Grouping the unanswered wordings: normalisation and similarity (pure, no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.questionlog.grouping import group_unanswered, normalise_wording
from bot.questionlog.records import LoggedQuestion


def test_normalising_a_wording_folds_case_accents_and_punctuation() -> None:
    assert normalise_wording("  Où est   le BUREAU?! ") == "ou est le bureau"
    assert normalise_wording("Größe—Zuschüsse") == "grosse zuschusse"


def _asked(question: str, minutes_ago: int, **fields: object) -> LoggedQuestion:
    values: dict[str, object] = {
        "id": minutes_ago,
        "asked_at": datetime(2030, 1, 1, tzinfo=UTC) - timedelta(minutes=minutes_ago),
        "channel": "telegram",
        "chat_key": "k",
        "lang": "en",
        "kind": "question",
        "question": question,
        "status": "fallback",
        "posting": None,
        "topic": None,
        "score": 0.0,
        "suggestions": (),
        "latency_ms": 1.0,
        "knowledge_version": "k1",
    }
    values.update(fields)
    return LoggedQuestion(**values)  # type: ignore[arg-type]


def test_a_group_is_named_after_its_most_frequent_wording_and_counts_every_member() -> None:
    groups = group_unanswered(
        [
            _asked("Où est le bureau ?", 5, posting="unesco-clt"),
            _asked("ou est le bureau", 4, posting="unesco-clt", status="not_stated"),
            _asked("ou est le bureau", 3, topic="duty_station"),
            _asked("Is there parking?", 2),
        ]
    )
    assert [(group.count, group.example) for group in groups] == [
        (3, "ou est le bureau"),
        (1, "Is there parking?"),
    ]
    office = groups[0]
    assert office.wordings == ("ou est le bureau", "Où est le bureau ?")
    assert [(c.key, c.count) for c in office.statuses] == [("fallback", 2), ("not_stated", 1)]
    assert (office.likely_posting, office.likely_topic) == ("unesco-clt", "duty_station")
    assert office.last_asked == datetime(2030, 1, 1, tzinfo=UTC) - timedelta(minutes=3)
