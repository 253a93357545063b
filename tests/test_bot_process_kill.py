"""A bot process killed mid-burst loses at most what it had not committed.

The real `python -m bot run` runs as its own OS process against the fake Bot API server.
While it answers a burst of questions from many chats it is killed with SIGKILL (no
shutdown hook runs). The database must then pass SQLite's integrity check and open with
`Store.open`; a restarted bot on the same file must keep every row committed before the
kill, log new questions, and stop cleanly on SIGTERM.

Telegram's delivery rule shapes the assertions: the killed process acknowledged some
updates it never handled (lost, as on Telegram) and may have handled some it never
acknowledged (delivered again after the restart). So the rows before the kill are a
lower bound afterwards, never an exact count.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import LoggedQuestion
from bot.questionlog.store import Store
from tests.fake_bot_api import FakeBotApi, FakeUser

REPO = Path(__file__).resolve().parents[1]
CHATS = 30
QUESTIONS_PER_CHAT = 10
BURST = CHATS * QUESTIONS_PER_CHAT
REPLIES_BEFORE_KILL = 100
TIMEOUT = 30.0  # seconds, for every wait
POLL_INTERVAL = 0.02
QUESTION = "How long is the assignment in Kingston?"

pytestmark = pytest.mark.slow


# --- helpers ---


async def eventually(
    predicate: Callable[[], bool],
    what: str,
    process: asyncio.subprocess.Process | None = None,
    timeout: float = TIMEOUT,
) -> None:
    """Polls `predicate` until it holds; fails early when the bot process has died."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if process is not None and process.returncode is not None:
            raise AssertionError(f"the bot exited ({process.returncode}) before: {what}")
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(POLL_INTERVAL)


@asynccontextmanager
async def bot_process(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """Runs `python -m bot run` in its own process; kills it if the test leaves it running."""
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=env["HOME"],  # no .env there: nothing of a developer's configuration
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
        try:
            yield process
        finally:
            if process.returncode is None:
                process.kill()
                await asyncio.wait_for(process.wait(), TIMEOUT)


async def exit_code(process: asyncio.subprocess.Process, log: Path) -> int:
    try:
        return await asyncio.wait_for(process.wait(), TIMEOUT)
    except TimeoutError:
        raise AssertionError(f"the bot did not exit; its log:\n{log.read_text()}") from None


async def read_log(path: Path, env: dict[str, str]) -> tuple[LoggedQuestion, ...]:
    """Every row, decrypted, through the real store (which must open cleanly)."""
    store = await Store.open(
        path, hash_secret=env["LOG_HASH_SECRET"], encryption_key=env["LOG_ENCRYPTION_KEY"]
    )
    try:
        return await store.export_rows()
    finally:
        await store.close()


def sqlite_check(path: Path) -> tuple[str, int]:
    """SQLite's own verdict on the file and its number of question rows."""
    db = sqlite3.connect(path)
    try:
        [(verdict,)] = db.execute("PRAGMA integrity_check").fetchall()
        [(rows,)] = db.execute("SELECT count(*) FROM questions").fetchall()
        return verdict, rows
    finally:
        db.close()


# --- the test ---


async def test_a_killed_bot_restarts_on_a_clean_database_that_kept_every_commit(
    tmp_path: Path,
) -> None:
    database = tmp_path / "log.sqlite3"
    async with FakeBotApi() as api:
        env = {
            "TELEGRAM_BOT_TOKEN": api.token,  # the fake answers 401 to any other token
            "TELEGRAM_BASE_URL": api.base_url,
            "KNOWLEDGE_DIR": str(REPO / "knowledge"),
            "DATABASE_PATH": str(database),
            "LOG_HASH_SECRET": new_hash_secret(),
            "LOG_ENCRYPTION_KEY": new_encryption_key(),
            "PYTHONPATH": str(REPO),
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
        }
        users = [api.user(30_000 + n, f"User{n}", "de" if n % 2 else "en") for n in range(CHATS)]
        burst = [f"{QUESTION} [{user.id}/{i}]" for i in range(QUESTIONS_PER_CHAT) for user in users]

        # 1. A burst from many chats at once; SIGKILL once a third of it is answered.
        first_log = tmp_path / "bot-1.log"
        async with bot_process(env, first_log) as first:
            for text, user in zip(burst, users * QUESTIONS_PER_CHAT, strict=True):
                api.send_text(user, text)
            await eventually(
                lambda: len(api.calls_to("sendMessage")) >= REPLIES_BEFORE_KILL,
                f"{REPLIES_BEFORE_KILL} replies sent",
                first,
            )
            os.kill(first.pid, signal.SIGKILL)
            assert await exit_code(first, first_log) == -signal.SIGKILL
        replies_at_kill = len(api.calls_to("sendMessage"))
        assert replies_at_kill < BURST, "the burst was over before the kill: nothing proven"

        # 2. The file is sound, opens with the real store, and holds whole rows only.
        verdict, count = sqlite_check(database)
        assert verdict == "ok"
        before = await read_log(database, env)
        assert len(before) == count
        assert 1 <= count <= BURST
        # A row is logged after its reply went out: no row without a reply.
        assert count <= replies_at_kill
        texts_before = [row.question for row in before]
        assert set(texts_before) <= set(burst)
        assert len(set(texts_before)) == len(texts_before)  # one process: no update twice

        # 3. Restart on the same file; new questions from old and new chats get answered.
        newcomers = [api.user(31_000 + n, f"New{n}", "en") for n in range(5)]
        askers: list[FakeUser] = [*users[:5], *newcomers]
        fresh = {user.id: f"{QUESTION} [after restart {user.id}]" for user in askers}
        second_log = tmp_path / "bot-2.log"
        async with bot_process(env, second_log) as second:
            seen = {user.id: len(api.messages_to(user.chat_id)) for user in askers}
            for user in askers:
                api.send_text(user, fresh[user.id])
                # One chat's updates are handled in order: the /help reply comes last.
                api.send_text(user, "/help")

            def all_answered() -> bool:
                return all(
                    any("/privacy" in m.text for m in api.messages_to(u.chat_id)[seen[u.id] :])
                    for u in askers
                )

            await eventually(all_answered, "the questions after the restart answered", second)
            second.send_signal(signal.SIGTERM)  # run_polling stops on it and shuts down
            assert await exit_code(second, second_log) == 0, second_log.read_text()
        output = second_log.read_text()
        assert "Traceback" not in output and " ERROR " not in output, output
        assert not api.errors(), [(c.method, c.params) for c in api.errors()]

    # 4. Every row committed before the kill is still there, unchanged; the new ones too.
    verdict, count = sqlite_check(database)
    assert verdict == "ok"
    after = await read_log(database, env)
    assert len(after) == count
    kept = {row.id: row for row in after}
    assert [kept.get(row.id) for row in before] == list(before)
    logged = [row.question for row in after]
    assert set(fresh.values()) <= set(logged)
    assert set(logged) <= set(burst) | set(fresh.values())
