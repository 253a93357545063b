"""The web view's pages: Datasette canned queries over the decrypted copy, and their charts.

Each query reads the copy `bot.questionlog.webcopy` writes. A chart is a link to the
query's own page with a datasette-vega setting in the URL fragment (`#g.mark=bar&…`):
the plugin reads it and draws the result, so charts need no stored configuration.

Definitions the pages share:

- a *fallback* is a typed question answered with status `fallback` (the bot found
  nothing); the fallback rate is fallbacks per typed question;
- the *👎 rate* is 👎 per answer offered for rating (status answered or not_stated,
  on Telegram), so a channel without rating buttons does not dilute it;
- a *session* ends after SESSION_GAP of silence in the chat (bot.questionlog.records);
- latency percentiles are nearest-rank: p95 is the smallest latency that at least 95 %
  of the day's turns did not exceed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bot.questionlog.records import LOW_SCORE

DATABASE_NAME = "log"


def chart(query: str, x: str, y: str, *, mark: str = "bar", x_type: str = "ordinal") -> str:
    """The link that opens a canned query's page with its result drawn by datasette-vega."""
    return (
        f"/{DATABASE_NAME}/{query}#g.mark={mark}&g.x_column={quote(x)}&g.x_type={x_type}"
        f"&g.y_column={quote(y)}&g.y_type=quantitative"
    )


def _charts(*links: tuple[str, str]) -> str:
    return "Charts: " + " · ".join(f'<a href="{url}">{label}</a>' for label, url in links) + "."


PER_DAY_CHART = chart("questions_per_day", "day", "questions")

UNANSWERED = (
    f"(status NOT IN ('answered', 'smalltalk') OR score < {LOW_SCORE} OR feedback IS 'down')"
)

_RATES = """count(*) AS turns, sum(kind = 'question') AS questions,
    sum(kind = 'question' AND status = 'fallback') AS fallbacks,
    round(100.0 * sum(kind = 'question' AND status = 'fallback')
        / max(sum(kind = 'question'), 1), 1) AS fallback_pct,
    sum(rateable) AS rateable_answers, sum(feedback IS 'up') AS thumbs_up,
    sum(feedback IS 'down') AS thumbs_down,
    round(100.0 * sum(feedback IS 'down') / max(sum(rateable), 1), 1) AS thumbs_down_pct"""

CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "unanswered": {
        "title": "Unanswered questions, grouped by wording",
        "description_html": (
            "Questions answered with <i>fallback</i>, <i>not_stated</i> or <i>clarify</i>, "
            f"with a score below {LOW_SCORE:.0f} or rated 👎, grouped by similar wording. To "
            "close the loop: add the example wording as an example phrasing of the likely "
            "topic (topics.yaml, or the likely posting's file), then send /reload to the bot."
        ),
        "sql": (
            "SELECT questions, example, likely_posting, likely_topic, statuses, "
            "other_wordings, last_asked FROM unanswered_groups ORDER BY rank"
        ),
    },
    "unanswered_questions": {
        "title": "Unanswered questions, one by one",
        "description_html": "Every typed question the bot could not answer well, newest first.",
        "sql": (
            "SELECT asked_at, question, status, posting, topic, score, feedback, lang, chat "
            f"FROM questions WHERE kind = 'question' AND {UNANSWERED} ORDER BY asked_at DESC"
        ),
    },
    "questions_per_day": {
        "title": "Questions per day",
        "description_html": f'Records per day (UTC). <a href="{PER_DAY_CHART}">Bar chart</a>.',
        "sql": (
            "SELECT day, count(*) AS questions, sum(status = 'answered') AS answered, "
            "sum(status != 'answered') AS not_answered, "
            "round(100.0 * sum(status = 'answered') / count(*), 1) AS answered_pct "
            "FROM questions GROUP BY day ORDER BY day"
        ),
    },
    "by_posting_and_topic": {
        "title": "Questions per posting and topic",
        "description_html": "Records per posting and topic, with how many went unanswered.",
        "sql": (
            "SELECT coalesce(posting, '–') AS posting, coalesce(topic, '–') AS topic, "
            "count(*) AS questions, sum(status = 'answered') AS answered, "
            f"sum({UNANSWERED}) AS unanswered, round(avg(score), 1) AS avg_score "
            "FROM questions GROUP BY posting, topic ORDER BY questions DESC"
        ),
    },
    "low_scores": {
        "title": "Answers with a low score",
        "description_html": (
            f"Answered questions scoring below {LOW_SCORE:.0f}: the match may be wrong."
        ),
        "sql": (
            "SELECT asked_at, question, posting, topic, score, lang FROM questions "
            f"WHERE kind = 'question' AND status = 'answered' AND score < {LOW_SCORE} "
            "ORDER BY score, asked_at DESC"
        ),
    },
    "conversations": {
        "title": "Conversations",
        "description_html": (
            "Every chat (by the first digits of its pseudonymous key), latest first: open one "
            "to read its turns in order."
        ),
        "sql": (
            "SELECT chat, count(*) AS turns, count(DISTINCT session) AS sessions, "
            "sum(kind = 'button') AS button_presses, "
            "sum(kind = 'question' AND status = 'fallback') AS fallbacks, "
            "sum(feedback IS 'down') AS thumbs_down, min(asked_at) AS first_turn, "
            "max(asked_at) AS last_turn FROM questions GROUP BY chat ORDER BY last_turn DESC"
        ),
    },
    "conversation": {
        "title": "One conversation",
        "description_html": (
            "The turns of one chat in order (UTC), each with what the bot replied. A button "
            "press names the question whose reply offered the button; a question lists the "
            f'presses it led to. Choose a chat on <a href="/{DATABASE_NAME}/conversations">'
            "Conversations</a>."
        ),
        "sql": (
            "SELECT q.asked_at, q.session, q.kind, q.question, q.status, "
            # Records from before postings and topics were listed name one of each.
            "coalesce(nullif(q.postings, ''), q.posting) AS posting, "
            "coalesce(nullif(q.topics, ''), q.topic) AS topic, q.lead, q.score, q.feedback, "
            "(SELECT o.question FROM questions o WHERE o.id = q.offered_by) AS pressed_under, "
            "(SELECT group_concat(b.question, ' | ') FROM questions b "
            "WHERE b.offered_by = q.id) AS buttons_pressed "
            "FROM questions q WHERE q.chat = :chat ORDER BY q.asked_at, q.id"
        ),
        "params": ["chat"],
    },
    "users_and_sessions_per_day": {
        "title": "Users and sessions per day",
        "description_html": (
            "Distinct chats (users) and sessions per day (UTC); a session ends after 30 "
            "minutes of silence. "
            + _charts(
                ("users", chart("users_and_sessions_per_day", "day", "users")),
                ("sessions", chart("users_and_sessions_per_day", "day", "sessions")),
            )
        ),
        "sql": (
            "SELECT day, count(DISTINCT chat) AS users, count(DISTINCT session) AS sessions, "
            "count(*) AS turns FROM questions GROUP BY day ORDER BY day"
        ),
    },
    "rates_by_week": {
        "title": "Fallback and 👎 rate by week",
        "description_html": (
            "Per ISO week: fallbacks per typed question, and 👎 per answer offered for "
            "rating. "
            + _charts(
                ("fallback rate", chart("rates_by_week", "week", "fallback_pct", mark="line")),
                ("👎 rate", chart("rates_by_week", "week", "thumbs_down_pct", mark="line")),
            )
        ),
        "sql": f"SELECT week, {_RATES} FROM questions GROUP BY week ORDER BY week",
    },
    "rates_by_version": {
        "title": "Fallback and 👎 rate by knowledge version",
        "description_html": (
            "Per knowledge version, in the order they went live: did an edit help? "
            + _charts(
                ("fallback rate", chart("rates_by_version", "knowledge_version", "fallback_pct")),
                ("👎 rate", chart("rates_by_version", "knowledge_version", "thumbs_down_pct")),
            )
        ),
        "sql": (
            f"SELECT knowledge_version, min(asked_at) AS first_used, {_RATES} "
            "FROM questions GROUP BY knowledge_version ORDER BY first_used"
        ),
    },
    "questions_per_topic": {
        "title": "Questions per topic",
        "description_html": (
            "Typed questions and button presses per topic; a reply that draws on two "
            "topics counts for both, one that found none under –. "
            + _charts(("questions", chart("questions_per_topic", "topic", "questions")))
        ),
        "sql": (
            "SELECT topic, sum(kind = 'question') AS questions, "
            "sum(kind = 'button') AS button_presses, "
            "sum(kind = 'question' AND status = 'answered') AS answered, "
            "sum(feedback IS 'down') AS thumbs_down "
            "FROM turn_topics GROUP BY topic ORDER BY questions DESC, topic"
        ),
    },
    "latency_per_day": {
        "title": "Reply latency per day",
        "description_html": (
            "How long the bot took to reply (ms), per day: median (p50) and p95, "
            "nearest-rank. "
            + _charts(
                ("p50", chart("latency_per_day", "day", "p50_ms", mark="line")),
                ("p95", chart("latency_per_day", "day", "p95_ms", mark="line")),
            )
        ),
        # Computed when the copy is built (bot.questionlog.webcopy): fast on any log.
        "sql": "SELECT day, turns, p50_ms, p95_ms FROM latency_per_day ORDER BY day",
    },
}
"""The canned queries, by name: each is a page `/log/<name>` of the web view; `params`
names what a page asks for (`/log/conversation?chat=…`)."""
