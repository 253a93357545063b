"""The daily digest job in the application `build_application` makes, against the fake
Bot API: scheduled at DIGEST_HOUR in DIGEST_TIMEZONE, sent to every admin, an admin the
bot cannot reach skipped (and logged by position, never by id), an unreadable log
reported. The job's callback is run directly: no test waits for a clock."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application, Job

from bot.config import Settings, load_settings
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.app import build_application
from bot.telegram.digest_job import DIGEST_JOB
from tests.conftest import FIXTURE_KNOWLEDGE_DIR
from tests.fake_bot_api import FakeBotApi

ADMINS = (1001, 1002, 1003, 1004)


def make_settings(api: FakeBotApi, tmp_path: Path, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "telegram_bot_token": api.token,
        "telegram_base_url": api.base_url,
        "database_path": tmp_path / "bot.sqlite3",
        "knowledge_dir": FIXTURE_KNOWLEDGE_DIR,
        "log_hash_secret": new_hash_secret(),
        "log_encryption_key": new_encryption_key(),
        "admin_user_ids": ",".join(str(admin) for admin in ADMINS),
        "digest_hour": 7,
    }
    values.update(changes)
    return load_settings(_env_file=None, **values)


@pytest.fixture
def settings(api: FakeBotApi, tmp_path: Path) -> Settings:
    return make_settings(api, tmp_path)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    assert settings.log_hash_secret and settings.log_encryption_key
    opened = await Store.open(
        settings.database_path,
        hash_secret=settings.log_hash_secret.get_secret_value(),
        encryption_key=settings.log_encryption_key.get_secret_value(),
    )
    yield opened
    await opened.close()


async def started(settings: Settings, store: Store, **options: Any) -> Application:
    app = build_application(
        settings,
        knowledge=KnowledgeService.load(settings.knowledge_dir),
        question_log=store,
        **options,
    )
    await app.initialize()
    return app


def digest_job(app: Application) -> Job[Any]:
    assert app.job_queue is not None
    [job] = app.job_queue.get_jobs_by_name(DIGEST_JOB)
    return job


async def log_yesterday(store: Store, *statuses: str) -> None:
    noon = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    for number, status in enumerate(statuses):
        store.log(
            QuestionRecord(
                channel="telegram",
                chat_id=500 + number,
                lang="en",
                question=f"Question number {number} about the posting?",
                kind="question",
                status=status,
                posting=None,
                topic=None,
                score=90.0 if status == "answered" else 0.0,
                suggestions=(),
                latency_ms=3.0,
                knowledge_version="k1",
                asked_at=noon - timedelta(days=1),
            )
        )
    await store.flush()


async def test_the_job_runs_daily_at_the_configured_hour_in_its_time_zone(
    api: FakeBotApi, tmp_path: Path, store: Store
) -> None:
    settings = make_settings(api, tmp_path, digest_timezone="Europe/Vienna", digest_hour=6)
    app = await started(settings, store)
    try:
        trigger = digest_job(app).job.trigger
        now = datetime.now(UTC)
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    finally:
        await app.shutdown()
    vienna = ZoneInfo("Europe/Vienna")
    assert (first.astimezone(vienna).hour, first.minute, first.second) == (6, 0, 0)
    assert second.astimezone(vienna).date() == first.astimezone(vienna).date() + timedelta(days=1)
    assert second.astimezone(vienna).hour == 6


@pytest.mark.parametrize("changes", [{"digest_hour": None}, {"admin_user_ids": ""}])
async def test_without_an_hour_or_without_admins_there_is_no_digest_job(
    api: FakeBotApi, tmp_path: Path, store: Store, changes: dict[str, Any]
) -> None:
    app = await started(make_settings(api, tmp_path, **changes), store)
    try:
        assert app.job_queue is not None
        assert app.job_queue.get_jobs_by_name(DIGEST_JOB) == ()
    finally:
        await app.shutdown()


async def test_every_admin_gets_yesterdays_digest(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    for admin in ADMINS:
        api.user(admin)
    await log_yesterday(store, "answered", "fallback")
    app = await started(settings, store)
    try:
        await digest_job(app).run(app)
    finally:
        await app.shutdown()

    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    for admin in ADMINS:
        [message] = api.messages_to(admin)
        assert message.text.splitlines()[:3] == [
            f"Daily digest for {day} (UTC)",
            "Questions: 2 from 2 chats",
            "Answered 50 % · not stated 0 % · fallback 50 %",
        ]
        assert "New unanswered groups: 1" in message.text
    assert not api.errors()


async def test_an_admin_out_of_reach_does_not_stop_the_others(
    api: FakeBotApi, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    # 1001: Telegram answers too late; 1002 blocked the bot; 1003 never opened a chat.
    users = {admin: api.user(admin) for admin in (1001, 1002, 1004)}
    api.block(users[1002])
    api.slow_next("sendMessage", 1.5)
    await log_yesterday(store, "answered")
    app = await started(settings, store, read_timeout=0.3)
    try:
        with caplog.at_level(logging.INFO, logger="bot.telegram.digest_job"):
            await digest_job(app).run(app)
    finally:
        await app.shutdown()

    [message] = api.messages_to(1004)
    assert message.text.startswith("Daily digest for ")
    assert [call.params["chat_id"] for call in api.calls_to("sendMessage", status=403)] == ["1002"]
    assert [call.params["chat_id"] for call in api.errors()] == ["1003"]
    failures = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert [line.split(":")[0] for line in failures] == [
        f"daily digest not delivered to admin {n} (in ascending ADMIN_USER_IDS)" for n in (1, 2, 3)
    ]
    assert [line.split(": ")[1] for line in failures] == ["TimedOut", "Forbidden", "BadRequest"]
    assert not any(str(admin) in line for line in failures for admin in ADMINS)
    assert "sent to 1 of 4 admin(s)" in caplog.text


async def test_an_unreadable_log_sends_nothing_and_logs_one_error(
    api: FakeBotApi, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    for admin in ADMINS:
        api.user(admin)
    await log_yesterday(store, "answered")
    with sqlite3.connect(settings.database_path) as db:
        db.execute("DROP TABLE questions")
    app = await started(settings, store)
    try:
        await digest_job(app).run(app)
    finally:
        await app.shutdown()

    assert api.calls_to("sendMessage") == []
    [error] = [r for r in caplog.records if r.levelno >= logging.ERROR and "digest" in r.msg]
    assert "not sent: the question log failed" in error.getMessage()
