"""`jpo-bot log ...` and `jpo-bot keygen` through `bot.cli.main`, on a real log file."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store

KEY = new_encryption_key()
SECRET = new_hash_secret()
NOW = datetime.now(UTC)

RECORDS = [
    # question, status, posting, topic, score, days ago
    ("How long is the contract?", "answered", "unesco-clt", "duration", 93.0, 1),
    ("Is there a housing allowance?", "fallback", "unep-car-rcu", None, 0.0, 2),
    ("is there a housing allowance", "not_stated", "unep-car-rcu", "benefits", 80.0, 3),
    ("Wie hoch ist das Gehalt?", "answered", "unep-car-rcu", "salary", 88.0, 4),
    ("An old question", "fallback", None, None, 0.0, 60),
]


def populate(path: Path) -> None:
    async def write() -> None:
        store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
        for i, (text, status, posting, topic, score, days) in enumerate(RECORDS):
            store.log(
                QuestionRecord(
                    channel="telegram",
                    chat_id=100 + i,
                    lang="de" if text.startswith("Wie") else "en",
                    question=text,
                    kind="question",
                    status=status,
                    posting=posting,
                    topic=topic,
                    score=score,
                    suggestions=(),
                    latency_ms=2.0,
                    knowledge_version="k1",
                    asked_at=NOW - timedelta(days=days),
                )
            )
        await store.close()

    asyncio.run(write())


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "log.sqlite3"
    populate(path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_log_stats_as_json_counts_the_period(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "log", "stats", "--days", "30", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert (stats["total"], stats["answered"]) == (4, 2)
    assert stats["by_lang"] == [{"key": "en", "records": 3}, {"key": "de", "records": 1}]


def test_log_stats_table_is_the_default(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "log", "stats")
    assert code == 0
    assert "Answered: 2 of 4 (50.0 %)" in out
    assert "unep-car-rcu" in out


def test_log_stats_and_unanswered_show_the_answer_ratings(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async def rate() -> None:
        store = await Store.open(log_file, hash_secret=SECRET, encryption_key=KEY)
        for chat_id, key, verdict in [(200, "rated-up-1", "up"), (201, "rated-down-1", "down")]:
            store.log(
                QuestionRecord(
                    "telegram",
                    chat_id,
                    "en",
                    f"Rated {verdict}",
                    "question",
                    "answered",
                    None,
                    "duration",
                    100.0,
                    (),
                    2.0,
                    "k1",
                    reply_key=key,
                )
            )
            assert await store.give_feedback(chat_id, key, verdict) == "recorded"
        assert await store.give_feedback(200, "rated-up-1", "down") == "already_given"
        assert await store.give_feedback(201, "rated-up-1", "down") == "unknown"
        await store.close()

    asyncio.run(rate())
    code, out, _ = run(capsys, "log", "stats")
    assert code == 0 and "Feedback: 👍 1 · 👎 1" in out
    code, out, _ = run(capsys, "log", "stats", "--format", "json")
    assert (json.loads(out)["helpful"], json.loads(out)["unhelpful"]) == (1, 1)
    code, out, _ = run(capsys, "log", "unanswered")
    assert "Rated down" in out and "Rated up" not in out


def test_log_unanswered_groups_wordings_with_the_likely_posting(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "log", "unanswered", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1
    assert rows[0]["count"] == "2"
    assert rows[0]["likely_posting"] == "unep-car-rcu"
    assert rows[0]["likely_topic"] == "benefits"


def test_log_unanswered_counts_low_scores_below_the_threshold(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "log", "unanswered", "--low-score", "90", "--format", "json")
    assert code == 0
    examples = {group["example"] for group in json.loads(out)}
    assert "Wie hoch ist das Gehalt?" in examples
    assert "How long is the contract?" not in examples


def test_log_recent_lists_the_latest_newest_first(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "log", "recent", "-n", "2", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["question"] for row in rows] == [
        "How long is the contract?",
        "Is there a housing allowance?",
    ]


def test_log_export_writes_every_record_decrypted_to_a_file(
    log_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "export.csv"
    code, out, err = run(capsys, "log", "export", "--output", str(target))
    assert (code, out) == (0, "")
    assert "wrote" in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["question"] for row in rows] == [record[0] for record in reversed(RECORDS)]


def test_log_export_as_json_for_the_last_days(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "log", "export", "--days", "3", "--format", "json")
    assert code == 0
    assert [row["question"] for row in json.loads(out)] == [
        "Is there a housing allowance?",
        "How long is the contract?",
    ]


def test_a_missing_log_is_one_line_and_exit_1_and_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "nowhere" / "log.sqlite3"))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    code, out, err = run(capsys, "log", "stats")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and "no question log at" in err
    assert not (tmp_path / "nowhere").exists()


def test_a_missing_key_is_one_line_naming_the_variable_and_exit_2(
    log_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", "")
    code, _, err = run(capsys, "log", "recent")
    assert code == 2
    assert err.count("\n") == 1 and "LOG_ENCRYPTION_KEY is not set" in err


def test_a_wrong_key_is_one_line_and_exit_2_and_leaves_the_log_alone(
    log_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = log_file.read_bytes()
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", new_encryption_key())
    code, _, err = run(capsys, "log", "export")
    assert code == 2
    assert "Traceback" not in err
    assert "does not match the key the log was written with" in err
    assert log_file.read_bytes() == before


def test_keygen_prints_a_fresh_fernet_key_and_hash_secret(
    capsys: pytest.CaptureFixture[str],
) -> None:
    values = []
    for _ in range(2):
        code, out, _ = run(capsys, "keygen")
        assert code == 0
        settings = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        Fernet(settings["LOG_ENCRYPTION_KEY"])  # raises if malformed
        assert len(settings["LOG_HASH_SECRET"]) >= 32
        values.append(settings)
    assert values[0] != values[1]


def test_a_days_value_below_one_is_refused_by_the_parser(
    log_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["log", "stats", "--days", "0"])
    assert stop.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
