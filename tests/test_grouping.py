"""Grouping the unanswered wordings: normalisation and similarity (pure, no store)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rapidfuzz import fuzz, process

from bot.questionlog.grouping import group_newest, group_unanswered, normalise_wording
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


def _every_pair(records: list[LoggedQuestion]) -> list[tuple[int, str]]:
    """The groups of comparing every wording with every representative (the reference)."""
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for item in records:
        by_wording.setdefault(normalise_wording(item.question), []).append(item)
    ordered = sorted(by_wording.items(), key=lambda item: (-len(item[1]), item[0]))
    representatives: list[str] = []
    sizes: list[list[str]] = []
    for wording, members in ordered:
        match = process.extractOne(
            wording, representatives, scorer=fuzz.token_sort_ratio, score_cutoff=85
        )
        if match is None:
            representatives.append(wording)
            sizes.append([member.question for member in members])
        else:
            sizes[match[2]] += [member.question for member in members]
    return sorted((len(texts), min(texts)) for texts in sizes)


def test_blocking_finds_the_groups_of_comparing_every_pair() -> None:
    stems = [
        "where is the office",
        "how long is the contract",
        "is there a housing allowance",
        "what is the salary",
        "can my family come with me",
        "wie hoch ist das gehalt",
    ]
    variants = []
    for stem in stems:
        variants += [stem, stem.upper() + "?", stem.replace("e", "", 1), f"{stem} please"]
        variants += [" ".join(reversed(stem.split())), stem[:-1], stem + " exactly"]
    noise = [f"question number {n} about topic {n * 7919 % 1000}" for n in range(300)]
    records = [_asked(text, minutes) for minutes, text in enumerate(variants * 3 + noise)]
    got = sorted((group.count, min(group.wordings)) for group in group_unanswered(records))
    assert [count for count, _ in got] == [count for count, _ in _every_pair(records)]
    assert len(got) < len(set(variants)) + len(noise)


def test_only_the_newest_rows_are_grouped_and_the_rest_are_counted() -> None:
    records = [_asked(f"distinct question {n}", minutes_ago=n) for n in range(10)]
    grouping = group_newest(records, max_rows=4, left_out=3)
    assert (grouping.considered, grouping.left_out, grouping.complete) == (4, 9, True)
    assert sum(group.count for group in grouping.groups) == 4
    wordings = {wording for group in grouping.groups for wording in group.wordings}
    assert wordings == {f"distinct question {n}" for n in range(4)}


def test_past_the_time_budget_the_remaining_wordings_stand_alone() -> None:
    records = [
        _asked(text, n) for n, text in enumerate(["Where is it?", "where is it", "wher is it"])
    ]
    grouping = group_newest(records, budget=-1.0)
    assert not grouping.complete
    assert sorted(group.count for group in grouping.groups) == [1, 2]
