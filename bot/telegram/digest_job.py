"""The daily job that sends yesterday's digest to every admin's private chat.

Off unless DIGEST_HOUR is set. At that hour in DIGEST_TIMEZONE the job builds the digest of
the day before (`bot.questionlog.digest`) once and sends it to each of ADMIN_USER_IDS, in
English like the admin commands. An admin the bot cannot reach (blocked, never started
the bot, Telegram slow or down) is logged and skipped: the others still get it. A log
that cannot be read is logged and the day is skipped. Nothing here stops the bot.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import time, tzinfo
from typing import Any

from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import CallbackContext, Job, JobQueue

from bot.questionlog.digest import collect_digest, yesterday
from bot.questionlog.digest_view import ADMIN_LANG, digest_text
from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError
from bot.questionlog.views import split_message

logger = logging.getLogger(__name__)

DIGEST_JOB = "daily-digest"


@dataclass(frozen=True, slots=True)
class DigestJob:
    """What the job needs: the log, who gets the digest, and whose calendar it follows."""

    question_log: QuestionLog
    admin_ids: tuple[int, ...]  # ascending: the log names an admin by position, not id
    zone: tzinfo


def schedule_digest(
    job_queue: JobQueue[Any],
    question_log: QuestionLog,
    *,
    hour: int | None,
    zone: tzinfo,
    admin_ids: Collection[int],
) -> Job[Any] | None:
    """Sends the digest daily at `hour` o'clock in `zone`; None (no job) when `hour` is
    None or there is no admin to send it to."""
    if hour is None:
        return None
    if not admin_ids:
        logger.warning("daily digest: DIGEST_HOUR is set but ADMIN_USER_IDS is empty; not sent")
        return None
    data = DigestJob(question_log, tuple(sorted(admin_ids)), zone)
    logger.info("daily digest: every day at %02d:00 %s to %d admin(s)", hour, zone, len(admin_ids))
    return job_queue.run_daily(
        send_digest, time=time(hour, tzinfo=zone), data=data, name=DIGEST_JOB
    )


async def send_digest(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Builds yesterday's digest and sends it to every admin (the job's callback)."""
    job = context.job
    if job is None or not isinstance(job.data, DigestJob):
        return
    digest_job = job.data
    day = yesterday(digest_job.zone)
    try:
        digest = await collect_digest(digest_job.question_log, day, digest_job.zone)
    except StoreError as error:
        logger.error("daily digest of %s not sent: the question log failed: %s", day, error)
        return
    text = digest_text(digest, ADMIN_LANG)
    admins = digest_job.admin_ids
    sent = [await _deliver(context.bot, admin, text, n) for n, admin in enumerate(admins, 1)]
    logger.info("daily digest of %s sent to %d of %d admin(s)", day, sum(sent), len(admins))


async def _deliver(bot: Bot, admin_id: int, text: str, position: int) -> bool:
    """Sends the digest to one admin; False (logged) when Telegram refused or failed."""
    try:
        for part in split_message(text):
            await bot.send_message(admin_id, part, parse_mode=None)
    except TelegramError as error:
        # Like the command menus, the log names the admin by position, never by user id.
        logger.warning(
            "daily digest not delivered to admin %d (in ascending ADMIN_USER_IDS): %s: %s",
            position,
            type(error).__name__,
            error,
        )
        return False
    return True
