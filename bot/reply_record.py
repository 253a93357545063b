"""The question-log record of one engine reply: the bridge between the engine and the log.

It lives outside both, so the question log imports no engine type and the engine
knows nothing of the log; the adapters (Telegram, terminal chat) call it.
"""

from __future__ import annotations

from bot.engine.answers import Reply
from bot.questionlog.records import QuestionRecord


def record_of_reply(
    reply: Reply,
    *,
    channel: str,
    chat_id: int | str,
    lang: str,
    question: str,
    kind: str,
    latency_ms: float,
    knowledge_version: str,
    update_id: int | None = None,
    reply_key: str | None = None,
) -> QuestionRecord:
    """The record of one reply: its status, posting, topic, score and suggestions
    (and the Telegram update it answers, whose inbox row is marked done with it, and
    the key its 👍/👎 buttons carry, if it was offered for rating)."""
    return QuestionRecord(
        channel=channel,
        chat_id=chat_id,
        lang=lang,
        question=question,
        kind=kind,
        status=reply.status,
        posting=reply.posting,
        topic=reply.topic,
        score=reply.score,
        suggestions=tuple(s.label for s in reply.suggestions),
        latency_ms=latency_ms,
        knowledge_version=knowledge_version,
        update_id=update_id,
        reply_key=reply_key,
    )
