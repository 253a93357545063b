"""The question-log record of one engine reply: the bridge between the engine and the log.

It lives outside both, so the question log imports no engine type and the engine
knows nothing of the log; the adapters (Telegram, terminal chat) call it.
"""

from __future__ import annotations

from bot.engine.answers import Answer, Reply
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
    reply_message_id: int | None = None,
    pressed_message_id: int | None = None,
) -> QuestionRecord:
    """The record of one reply: its status, posting(s), topic(s), lead, score and
    suggestions (and the Telegram update it answers, whose inbox row is marked done with
    it, the key its 👍/👎 buttons carry, if it was offered for rating, the id of the
    message that carried it and, for a button press, of the message pressed)."""
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
        postings=reply.postings or _one(reply.posting),
        topics=reply.topics or _one(reply.topic),
        lead=lead_of(reply.answer),
        reply_message_id=reply_message_id,
        pressed_message_id=pressed_message_id,
    )


def lead_of(answer: Answer) -> str | None:
    """The reply's direct answer in one line: its lead, or the leads of its parts (a
    message that asked several things) joined with " · "; None when it has none."""
    leads = [part.lead for part in (answer, *answer.parts) if part.lead]
    return " · ".join(" ".join(lead.split()) for lead in leads) or None


def _one(value: str | None) -> tuple[str, ...]:
    return () if value is None else (value,)
