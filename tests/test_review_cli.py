"""`jpo-bot review`: the unanswered inbox on the command line, choices read from stdin."""

from __future__ import annotations

import asyncio
import io
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.editing import list_edits
from bot.knowledge.loader import load_knowledge
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from tests.conftest import KNOWLEDGE_DIR

KEY = new_encryption_key()
SECRET = new_hash_secret()
DOG = "Can I bring my dog along?"
SNORKEL = "Is snorkeling possible on weekends?"


def _question(text: str, topic: str | None = None, *, minutes_ago: int = 1) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=7,
        lang="en",
        question=text,
        kind="question",
        status="fallback",
        posting=None,
        topic=topic,
        score=0.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
        asked_at=datetime.now(UTC) - timedelta(minutes=minutes_ago),
    )


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A log with two groups (the dog question twice, its topic logged) and a knowledge copy."""
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    database = tmp_path / "log.sqlite3"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(folder))
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)

    async def fill() -> None:
        store = await Store.open(database, hash_secret=SECRET, encryption_key=KEY)
        # Distinct times: the group's first wording (the one added) is the latest asked.
        records = (
            _question(DOG, "family", minutes_ago=1),
            _question(DOG.lower(), minutes_ago=2),
            _question(SNORKEL, minutes_ago=3),
        )
        for record in records:
            store.log(record)
        await store.close()

    asyncio.run(fill())
    return folder


def _review(monkeypatch: pytest.MonkeyPatch, choices: str, *args: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(choices))
    return main(["review", *args])


def _unanswered(capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["log", "unanswered"]) == 0
    return capsys.readouterr().out


def test_review_adds_a_group_to_its_suggested_topic_and_shows_the_answers_now(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _review(monkeypatch, "a\nq\n") == 0

    out = capsys.readouterr().out
    assert "Group 1 of 2: 2× asked" in out
    assert f'  "{DOG}"' in out and "  answered as: fallback 2" in out
    assert "suggested topic: family (Family and dependants)" in out
    [edit] = list_edits(setup)
    assert f"added to family (Family and dependants) as edit {edit.id}" in out
    assert f'    "{DOG}" -> not_stated, family, score' in out
    assert DOG in load_knowledge(setup).topics["family"].examples.en
    assert edit.author.startswith("admin-")
    unanswered = _unanswered(capsys)
    assert "dog" not in unanswered and "snorkeling" in unanswered


def test_review_takes_another_topic_skips_and_dismisses(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _review(monkeypatch, "o\nno_such_topic\nhealth\nd\n") == 0

    out = capsys.readouterr().out
    assert "there is no topic 'no_such_topic'" in out
    assert "added to health (Health and medical care)" in out
    assert "dismissed: these questions no longer show as unanswered" in out
    assert out.rstrip().endswith("Done.")
    assert DOG in load_knowledge(setup).topics["health"].examples.en
    unanswered = _unanswered(capsys)
    assert "dog" not in unanswered and "snorkeling" not in unanswered


def test_review_without_choices_changes_nothing(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (setup / "topics.yaml").read_bytes()

    assert _review(monkeypatch, "x\ns\n") == 0  # an unknown choice, a skip, then the end

    out = capsys.readouterr().out
    assert "> x\n  unknown choice 'x'" in out and "Group 2 of 2" in out  # piped choices echoed
    assert (setup / "topics.yaml").read_bytes() == before
    assert list_edits(setup) == []
    unanswered = _unanswered(capsys)
    assert "dog" in unanswered and "snorkeling" in unanswered


def test_review_of_an_empty_inbox(
    setup: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _review(monkeypatch, "", "--low-score", "0", "--days", "1") == 0
    assert "Group 1 of 2" in capsys.readouterr().out  # the end of input quits at once
    monkeypatch.setenv("DATABASE_PATH", str(setup.parent / "empty.sqlite3"))
    assert _review(monkeypatch, "") == 0
    assert "the inbox is empty" in capsys.readouterr().out
