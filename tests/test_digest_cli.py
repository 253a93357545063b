"""`jpo-bot log digest [--date YYYY-MM-DD] [--lang L]` through `bot.cli.main`, on a real log."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from tests.questionlog_helpers import KEY, SECRET, open_store, record

DAY = date(2026, 11, 27)


def populate(path: Path, records: list[object]) -> None:
    async def write() -> None:
        store = await open_store(path)
        for item in records:
            store.log(item)  # type: ignore[arg-type]
        await store.close()

    asyncio.run(write())


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "log.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    monkeypatch.delenv("DIGEST_TIMEZONE", raising=False)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def asked(day: date, hour: int, text: str, chat: int, status: str) -> object:
    when = datetime(day.year, day.month, day.day, hour, tzinfo=UTC)
    score = 92.0 if status == "answered" else 0.0
    return record(text, chat_id=chat, status=status, score=score, asked_at=when)


def test_the_digest_of_a_given_day(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    populate(
        env,
        [
            asked(DAY, 9, "How long is the contract?", 1, "answered"),
            asked(DAY, 10, "Is there a housing allowance?", 2, "fallback"),
            asked(DAY, 11, "Is there a housing allowance?", 3, "fallback"),
            asked(DAY + timedelta(days=1), 9, "The day after", 4, "fallback"),
        ],
    )

    code, out, err = run(capsys, "log", "digest", "--date", "2026-11-27")

    assert code == 0, err
    assert out == (
        "Daily digest for 2026-11-27 (UTC)\n"
        "Questions: 3 from 3 chats\n"
        "Answered 33 % · not stated 0 % · fallback 67 %\n"
        "👎 on that day's answers: 0\n"
        "\n"
        "New unanswered groups: 1\n"
        "1. 2× “Is there a housing allowance?” (likely unep-car-rcu / salary)\n"
    )


def test_without_a_date_it_is_yesterdays_in_the_digest_time_zone(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_TIMEZONE", "Pacific/Kiritimati")  # UTC+14: its own calendar
    local_yesterday = datetime.now(ZoneInfo("Pacific/Kiritimati")).date() - timedelta(days=1)
    populate(env, [])

    code, out, _ = run(capsys, "log", "digest")

    assert code == 0
    assert out.splitlines()[0] == f"Daily digest for {local_yesterday} (Pacific/Kiritimati)"


def test_the_digest_in_another_language(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    populate(env, [asked(DAY, 9, "¿Cuánto dura el contrato?", 1, "answered")])
    code, out, _ = run(capsys, "log", "digest", "--date", "2026-11-27", "--lang", "es")
    assert code == 0
    assert out.splitlines()[:2] == [
        "Resumen diario del 2026-11-27 (UTC)",
        "Preguntas: 1 de 1 chats",
    ]


@pytest.mark.parametrize("argv", [["--date", "27.11.2026"], ["--lang", "it"]])
def test_a_bad_argument_is_refused(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    populate(env, [])
    with pytest.raises(SystemExit) as stopped:
        main(["log", "digest", *argv])
    assert stopped.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_a_missing_log_is_one_line_and_exit_1(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "log", "digest", "--date", "2026-11-27")
    assert code == 1 and out == ""
    assert err.startswith("error: ") and err.count("\n") == 1
