"""The admin views as text: tables, CSV, JSON and Telegram messages show the same figures."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from bot.questionlog.records import Count, LoggedQuestion, LogStats, UnansweredGroup
from bot.questionlog.views import (
    QUESTION_FIELDS,
    export_csv,
    questions_view,
    recent_message,
    split_message,
    stats_message,
    stats_view,
    unanswered_message,
    unanswered_view,
)

WHEN = datetime(2030, 5, 17, 9, 30, tzinfo=UTC)

STATS = LogStats(
    days=30,
    since=datetime(2030, 4, 17, 9, 30, tzinfo=UTC),
    total=8,
    questions=6,
    button_presses=2,
    answered=6,
    avg_latency_ms=12.25,
    by_status=(Count("answered", 6), Count("fallback", 2)),
    by_posting=(Count("unep-car-rcu", 5), Count(None, 3)),
    by_topic=(Count("salary", 4), Count(None, 4)),
    by_lang=(Count("en", 7), Count("de", 1)),
)

GROUPS = (
    UnansweredGroup(
        count=3,
        example="Is there a housing allowance?",
        wordings=("Is there a housing allowance?", "housing allowance??"),
        statuses=(Count("fallback", 2), Count("clarify", 1)),
        likely_posting="unep-car-rcu",
        likely_topic="benefits",
        last_asked=WHEN,
    ),
    UnansweredGroup(
        count=1,
        example="Gibt es Zuschüsse?",
        wordings=("Gibt es Zuschüsse?",),
        statuses=(Count("fallback", 1),),
        likely_posting=None,
        likely_topic=None,
        last_asked=WHEN,
    ),
)


def question(text: str, **changes: object) -> LoggedQuestion:
    values: dict[str, object] = {
        "id": 1,
        "asked_at": WHEN,
        "channel": "telegram",
        "chat_key": "ab" * 16,
        "lang": "en",
        "kind": "question",
        "question": text,
        "status": "answered",
        "posting": "unesco-clt",
        "topic": "duration",
        "score": 88.0,
        "suggestions": ("Salary", "Location"),
        "latency_ms": 3.5,
        "knowledge_version": "k1",
    }
    values.update(changes)
    return LoggedQuestion(**values)  # type: ignore[arg-type]


def test_the_stats_table_shows_totals_share_and_every_breakdown() -> None:
    text = stats_view(STATS, "table")
    assert "Records: 8 (6 questions, 2 button presses)" in text
    assert "Answered: 6 of 8 (75.0 %)" in text
    for header in ("status", "posting", "topic", "language"):
        assert f"\n\n{header} " in text
    assert "unep-car-rcu        5  62.5 %" in text
    assert "–                   3  37.5 %" in text  # records without a posting


def test_stats_as_csv_and_json_carry_the_same_figures() -> None:
    rows = list(csv.DictReader(io.StringIO(stats_view(STATS, "csv"))))
    assert rows[0] == {"breakdown": "total", "key": "", "records": "8", "share": "1.0"}
    assert {"breakdown": "posting", "key": "", "records": "3", "share": "0.375"} in rows
    data = json.loads(stats_view(STATS, "json"))
    assert data["answered_share"] == 0.75
    assert data["by_posting"] == [
        {"key": "unep-car-rcu", "records": 5},
        {"key": None, "records": 3},
    ]


def test_the_stats_message_is_plain_text_with_each_breakdown() -> None:
    text = stats_message(STATS)
    assert "By posting: unep-car-rcu 5 · – 3" in text
    assert "By language: en 7 · de 1" in text
    assert "<" not in text


def test_unanswered_views_show_count_example_and_likely_posting_and_topic() -> None:
    table = unanswered_view(GROUPS, "table")
    assert "Is there a housing allowance?" in table
    assert "unep-car-rcu" in table and "benefits" in table
    [first, _] = json.loads(unanswered_view(GROUPS, "json"))
    assert first["likely_posting"] == "unep-car-rcu"
    assert first["statuses"] == {"fallback": 2, "clarify": 1}
    rows = list(csv.DictReader(io.StringIO(unanswered_view(GROUPS, "csv"))))
    assert rows[0]["wordings"] == "Is there a housing allowance? | housing allowance??"


def test_the_unanswered_message_closes_the_loop() -> None:
    text = unanswered_message(GROUPS, days=30)
    assert text.startswith("Unanswered, last 30 days: 4 questions in 2 groups")
    assert '1. 3× "Is there a housing allowance?" (fallback 2, clarify 1)' in text
    assert "likely: unep-car-rcu / benefits" in text
    assert "likely: – / –" in text
    assert "/reload" in text


def test_empty_results_say_so() -> None:
    assert unanswered_message((), days=7) == "No unanswered questions in the last 7 days."
    assert "No unanswered" in unanswered_view((), "table")
    assert recent_message(()) == "The question log is empty."
    assert json.loads(questions_view((), "json")) == []


def test_export_csv_has_every_field_and_defuses_spreadsheet_formulas() -> None:
    rows = [question('=HYPERLINK("http://x")'), question("-1 + 2"), question("I <3 UNEP")]
    parsed = list(csv.reader(io.StringIO(export_csv(rows))))
    assert parsed[0] == list(QUESTION_FIELDS)
    texts = [row[QUESTION_FIELDS.index("question")] for row in parsed[1:]]
    assert texts == ['\'=HYPERLINK("http://x")', "'-1 + 2", "I <3 UNEP"]
    assert parsed[1][QUESTION_FIELDS.index("suggestions")] == "Salary | Location"


def test_json_keeps_the_text_exactly() -> None:
    [row] = json.loads(questions_view([question("=1+1 <b>")], "json"))
    assert row["question"] == "=1+1 <b>"
    assert row["suggestions"] == ["Salary", "Location"]
    assert set(row) == set(QUESTION_FIELDS)


def test_the_table_shortens_long_questions() -> None:
    text = questions_view([question("word " * 40)], "table")
    line = text.splitlines()[2]
    assert line.endswith("…")
    assert len(line) < 160


def test_the_recent_message_shows_status_posting_and_text() -> None:
    text = recent_message([question("How long?", kind="button", status="clarify")])
    assert "2030-05-17 09:30 · en · clarify · unesco-clt / duration · 88 · button" in text
    assert "\n  How long?" in text


@pytest.mark.parametrize("limit", [25, 100, 4096])
def test_split_message_keeps_every_part_under_the_limit_and_loses_nothing(limit: int) -> None:
    text = "\n".join(f"line {i} " + "x" * (i % 13) for i in range(200))
    parts = split_message(text, limit)
    assert all(len(part) <= limit for part in parts)
    assert "\n".join(parts) == text


def test_split_message_cuts_a_line_longer_than_the_limit() -> None:
    parts = split_message("a" * 25, 10)
    assert parts == ["a" * 10, "a" * 10, "a" * 5]
