"""Opening and migrating the SQLite log: named migrations with checksums, refusals, and
databases made before migrations were recorded by name."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import aiosqlite
import pytest
from cryptography.fernet import Fernet

from bot.engine.state import ChatState
from bot.questionlog.migrations import (
    MIGRATIONS,
    Migration,
    apply_migrations,
    user_version,
)
from bot.questionlog.records import MigrationError, StoreError
from bot.questionlog.store import Store
from tests.questionlog_helpers import KEY, open_store, state


async def test_open_creates_the_folder_and_applies_every_migration(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"meta", "questions", "chat_states", "questions_by_chat"} <= tables


async def test_the_log_runs_in_wal_mode(store: Store, db_path: Path) -> None:
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_migrating_from_version_1_keeps_the_records(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS[:1]) == 1
        token = Fernet(KEY).encrypt(b"Written by version 1")
        await db.execute(
            "INSERT INTO questions VALUES "
            "(1, '2030-01-01 10:00:00.000', 'telegram', 'k', 'en', 'question', ?, "
            "'fallback', NULL, NULL, 0.0, '[]', 1.0, 'k0')",
            (token,),
        )

    store = await open_store(db_path)
    try:
        [row] = await store.recent(5)
        await store.save_chat_state(1, state(posting="unesco-clt"))
    finally:
        await store.close()
    assert row.question == "Written by version 1"
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


async def test_failing_migration_rolls_back(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    broken = Migration(
        "half_done", ("CREATE TABLE half_done (x)", "INSERT INTO no_such_table VALUES (1)")
    )
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        with pytest.raises(MigrationError, match="half_done"):
            await apply_migrations(db, (*MIGRATIONS, broken))
        assert await user_version(db) == len(MIGRATIONS)
        tables = {row[0] for row in await db.execute_fetchall("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert "questions" in tables


async def test_a_database_newer_than_the_program_is_refused_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer than this program"):
        await open_store(db_path)
    assert db_path.read_bytes() == before


# --- named migrations: what was applied is what the program has -------------------------


def _edited(number: int) -> tuple[Migration, ...]:
    """The migrations with migration `number` changed after it was applied."""
    changed = list(MIGRATIONS)
    old = changed[number - 1]
    changed[number - 1] = Migration(old.name, (*old.statements, "CREATE TABLE sneaked_in (x)"))
    return tuple(changed)


async def test_open_records_each_migration_by_name_and_checksum(
    store: Store, db_path: Path
) -> None:
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT number, name, checksum FROM schema_migrations ORDER BY number")
        recorded = rows.fetchall()
    assert recorded == [
        (number, migration.name, migration.checksum)
        for number, migration in enumerate(MIGRATIONS, start=1)
    ]


async def test_an_edited_migration_is_refused_at_open_with_one_line(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await open_store(db_path)).close()
    before = db_path.read_bytes()
    monkeypatch.setattr("bot.questionlog.opening.MIGRATIONS", _edited(2))

    with pytest.raises(MigrationError) as refused:
        await open_store(db_path)

    message = str(refused.value)
    assert message == (
        f"migration 2 (create_chat_states) was edited after it was applied to the question "
        f"log {db_path}: restore it and add a new migration instead"
    )
    assert "\n" not in message
    assert db_path.read_bytes() == before


async def test_an_edited_migration_is_refused_read_only_too(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await open_store(db_path)).close()
    monkeypatch.setattr("bot.questionlog.opening.MIGRATIONS", _edited(1))
    with pytest.raises(MigrationError, match="migration 1 \\(create_question_log\\) was edited"):
        await open_store(db_path, read_only=True)


async def test_reordered_migrations_are_refused_at_open(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await open_store(db_path)).close()
    first, second, third, *later = MIGRATIONS
    monkeypatch.setattr("bot.questionlog.opening.MIGRATIONS", (first, third, second, *later))
    with pytest.raises(MigrationError, match="reordered or renamed") as refused:
        await open_store(db_path)
    assert "'create_chat_states'" in str(refused.value)
    assert "'index_questions_by_chat'" in str(refused.value)


async def test_reformatting_a_migration_is_not_an_edit() -> None:
    statement = "CREATE TABLE  t (\n    x INTEGER\n)"
    assert (
        Migration("m", (statement,)).checksum
        == Migration("m", ("CREATE TABLE t ( x INTEGER )",)).checksum
    )
    assert Migration("m", (statement,)).checksum != Migration("m", ("CREATE TABLE t (y)",)).checksum


async def test_a_migration_added_later_is_applied_and_recorded(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    later = Migration("add_a_later_table", ("CREATE TABLE later (x)",))
    async with aiosqlite.connect(db_path, isolation_level=None) as db:
        assert await apply_migrations(db, MIGRATIONS) == len(MIGRATIONS)
        assert await apply_migrations(db, (*MIGRATIONS, later)) == len(MIGRATIONS) + 1
        rows = await db.execute_fetchall("SELECT name FROM schema_migrations ORDER BY number")
    assert [row[0] for row in rows][-1] == "add_a_later_table"


# --- databases made before migrations were recorded by name ------------------------------


def _legacy_database(path: Path, version: int) -> None:
    """A log as the earlier program made it: migrations counted in user_version only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path, isolation_level=None) as db:
        for number, migration in enumerate(MIGRATIONS[:version], start=1):
            db.execute("BEGIN IMMEDIATE")
            for statement in migration.statements:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        token = Fernet(KEY).encrypt(b"Written before named migrations")
        db.execute(
            # Named columns: later migrations add more (NULL in older rows).
            "INSERT INTO questions (id, asked_at, channel, chat_key, lang, kind, question, "
            "status, posting, topic, score, suggestions, latency_ms, knowledge_version) VALUES "
            "(1, '2030-01-01 10:00:00.000', 'telegram', 'k', 'en', 'question', ?, "
            "'fallback', NULL, NULL, 0.0, '[]', 1.0, 'k0')",
            (token,),
        )


@pytest.mark.parametrize("version", [1, len(MIGRATIONS)])
async def test_a_database_numbered_by_user_version_still_opens_and_is_recorded(
    db_path: Path, version: int
) -> None:
    _legacy_database(db_path, version)

    store = await open_store(db_path)
    try:
        [row] = await store.recent(5)
        await store.save_chat_state(1, state(posting="unesco-clt"))
        await store.flush()
        assert ChatState.from_json(await store.load_chat_state(1) or "") == ChatState(
            posting="unesco-clt"
        )
    finally:
        await store.close()

    assert row.question == "Written before named migrations"
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        recorded = db.execute("SELECT name, checksum FROM schema_migrations ORDER BY number")
        assert recorded.fetchall() == [(m.name, m.checksum) for m in MIGRATIONS]
    reopened = await open_store(db_path)  # the recorded checksums now match on every open
    await reopened.close()


async def test_a_fully_migrated_numbered_database_opens_read_only_unchanged(db_path: Path) -> None:
    _legacy_database(db_path, len(MIGRATIONS))
    before = db_path.read_bytes()
    store = await open_store(db_path, read_only=True)
    try:
        assert [row.question for row in await store.recent(5)] == [
            "Written before named migrations"
        ]
    finally:
        await store.close()
    assert db_path.read_bytes() == before
