"""Files holding questions are created 0600: the database, its WAL and SHM, exports."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.private_files import ensure_private_database, write_private_text
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store

KEY = new_encryption_key()
SECRET = new_hash_secret()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """The usual umask 022, which alone would give 0644 files."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def question(text: str) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=42,
        lang="en",
        question=text,
        kind="question",
        status="answered",
        posting="unesco-clt",
        topic="salary",
        score=90.0,
        suggestions=(),
        latency_ms=1.0,
        knowledge_version="k1",
        asked_at=datetime.now(UTC),
    )


async def test_a_new_database_its_wal_and_its_shm_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "log.sqlite3"
    store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
    try:
        store.log(question("What is the salary?"))
        await store.flush()
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert {file.name: mode(file) for file in files} == {file.name: 0o600 for file in files}
    finally:
        await store.close()


async def test_an_existing_world_readable_database_and_wal_become_0600(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    await (await Store.open(path, hash_secret=SECRET, encryption_key=KEY)).close()
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")
    for file in (path, wal):
        file.chmod(0o644)
    store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
    await store.close()
    assert mode(path) == 0o600
    assert not wal.exists() or mode(wal) == 0o600


def test_log_export_writes_a_0600_file_even_over_a_world_readable_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "log.sqlite3"

    async def populate() -> None:
        store = await Store.open(database, hash_secret=SECRET, encryption_key=KEY)
        store.log(question("Is there a housing allowance?"))
        await store.close()

    asyncio.run(populate())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(database))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    fresh, existing = tmp_path / "fresh.csv", tmp_path / "existing.csv"
    existing.write_text("old content\n", encoding="utf-8")
    existing.chmod(0o644)
    for target in (fresh, existing):
        assert main(["log", "export", "--output", str(target)]) == 0
        assert "Is there a housing allowance?" in target.read_text(encoding="utf-8")
        assert mode(target) == 0o600
    capsys.readouterr()


def test_ensure_private_database_tightens_the_companions_already_there(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    for file in companions:
        file.write_bytes(b"")
        file.chmod(0o644)
    ensure_private_database(path)
    assert [mode(file) for file in (path, *companions)] == [0o600, 0o600, 0o600]
    assert path.read_bytes() == b""


def test_write_private_text_replaces_the_content(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_private_text(target, "a much longer first text\n")
    write_private_text(target, "é\n")
    assert target.read_text(encoding="utf-8") == "é\n"
    assert mode(target) == 0o600
