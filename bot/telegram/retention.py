"""The daily job that deletes question-log records (and hand-offs to BFIO staff) older than
the retention period."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, time
from typing import Any

from telegram.ext import CallbackContext, JobQueue

from bot.questionlog.interface import QuestionLog
from bot.questionlog.records import StoreError

logger = logging.getLogger(__name__)

RETENTION_JOB = "question-log-retention"
RETENTION_TIME = time(3, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class _Retention:
    question_log: QuestionLog
    days: int


def schedule_retention(
    job_queue: JobQueue[Any],
    question_log: QuestionLog,
    days: int,
    *,
    at: time = RETENTION_TIME,
    first_after: float = 60.0,
) -> None:
    """Deletes records older than `days` every day at `at`, and once `first_after` s from now."""
    data = _Retention(question_log, days)
    job_queue.run_daily(purge_old_records, time=at, data=data, name=RETENTION_JOB)
    job_queue.run_once(purge_old_records, when=first_after, data=data, name=RETENTION_JOB)


async def purge_old_records(context: CallbackContext[Any, Any, Any, Any]) -> None:
    """Deletes the question-log records older than the retention period."""
    job = context.job
    if job is None or not isinstance(job.data, _Retention):
        return
    retention = job.data
    try:
        deleted = await retention.question_log.purge_older_than(retention.days)
        handoffs = await retention.question_log.purge_handoffs_older_than(retention.days)
    except StoreError as error:
        logger.error("question log retention (%d days) failed: %s", retention.days, error)
        return
    logger.info(
        "question log retention: deleted %d record(s) and %d hand-off(s) older than %d days",
        deleted,
        handoffs,
        retention.days,
    )
