"""The web view's conversation review: a page per chat, users and sessions, fallback and 👎
rates by week and knowledge version, questions per topic, latency percentiles — the exact
figures of a small real log, on the decrypted copy and through the real Datasette."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.questionlog.datasette_plugins.conversation_links import conversation_link
from bot.questionlog.records import HELPFUL, UNHELPFUL, QuestionRecord
from bot.questionlog.store import Store
from bot.questionlog.web import CANNED_QUERIES, DATABASE_NAME, build_view, metadata
from bot.questionlog.webqueries import chart
from tests.test_admin_web import (
    CHROMIUM,
    KEY,
    SECRET,
    WebView,
    canvases_drawn,
    fetch,
    start_web_view,
)

TODAY = datetime.now(UTC)
# Monday and Tuesday of last week at noon: one ISO week, two days, well within retention.
MONDAY = (TODAY - timedelta(days=TODAY.weekday() + 7)).replace(
    hour=12, minute=0, second=0, microsecond=0
)
TUESDAY = MONDAY + timedelta(days=1)
ANA, BEN, CAROL = 501, 502, 503


@dataclass(frozen=True)
class Turn:
    chat: int
    at: datetime
    question: str
    kind: str = "question"
    status: str = "answered"
    topics: tuple[str, ...] = ()
    latency: float = 1.0
    version: str = "k1"
    key: str | None = None  # offered for rating
    lead: str | None = None
    message: int | None = None  # the reply's message id
    pressed: int | None = None  # a press: the message pressed


TURNS = [
    Turn(ANA, MONDAY, "How long is the contract?", topics=("duration",), latency=10,
         key="a1", lead="2 years.", message=1),
    Turn(ANA, MONDAY + timedelta(minutes=5), "Languages", kind="button",
         topics=("languages",), latency=20, message=2, pressed=1),
    Turn(ANA, MONDAY + timedelta(minutes=10), "Is there a housing allowance?",
         status="fallback", latency=30),
    Turn(BEN, MONDAY, "Wie lange dauert es?", topics=("duration",), latency=40, key="b1"),
    Turn(ANA, TUESDAY, "Where is the duty station?", status="not_stated",
         topics=("duty_station",), latency=50, version="k2", key="a2"),
    Turn(ANA, TUESDAY + timedelta(hours=1), "salary?", status="fallback", latency=60,
         version="k2"),
    Turn(CAROL, TUESDAY, "How long and which languages?", topics=("duration", "languages"),
         latency=70, version="k2", key="c1"),
]  # fmt: skip
VERDICTS = [(ANA, "a1", HELPFUL), (BEN, "b1", UNHELPFUL)]


def record(turn: Turn) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=turn.chat,
        lang="en",
        question=turn.question,
        kind=turn.kind,
        status=turn.status,
        posting="unep-car-rcu" if turn.topics else None,
        topic=turn.topics[0] if turn.topics else None,
        score=90.0 if turn.status == "answered" else 0.0,
        suggestions=(),
        latency_ms=turn.latency,
        knowledge_version=turn.version,
        asked_at=turn.at,
        reply_key=turn.key,
        topics=turn.topics,
        lead=turn.lead,
        reply_message_id=turn.message,
        pressed_message_id=turn.pressed,
    )


async def write_conversations(path: Path) -> Store:
    store = await Store.open(path, hash_secret=SECRET, encryption_key=KEY)
    for turn in TURNS:
        store.log(record(turn))
    await store.flush()
    for chat, key, verdict in VERDICTS:
        await store.give_feedback(chat, key, verdict)
    return store


def chat_digits(store: Store, chat: int) -> str:
    return store.chat_key(chat)[:12]


# What every page must show for TURNS: (query, expected rows as dicts, keyed columns only).
MONDAY_DAY, TUESDAY_DAY = MONDAY.strftime("%Y-%m-%d"), TUESDAY.strftime("%Y-%m-%d")
WEEK = "{}-W{:02d}".format(*MONDAY.isocalendar()[:2])
EXPECTED: dict[str, list[dict[str, Any]]] = {
    "users_and_sessions_per_day": [
        {"day": MONDAY_DAY, "users": 2, "sessions": 2, "turns": 4},
        {"day": TUESDAY_DAY, "users": 2, "sessions": 3, "turns": 3},
    ],
    "rates_by_week": [
        {
            "week": WEEK,
            "questions": 6,
            "fallbacks": 2,
            "fallback_pct": 33.3,
            "rateable_answers": 4,
            "thumbs_up": 1,
            "thumbs_down": 1,
            "thumbs_down_pct": 25.0,
        }
    ],
    "rates_by_version": [
        {
            "knowledge_version": "k1",
            "questions": 3,
            "fallbacks": 1,
            "fallback_pct": 33.3,
            "rateable_answers": 2,
            "thumbs_down": 1,
            "thumbs_down_pct": 50.0,
        },
        {
            "knowledge_version": "k2",
            "questions": 3,
            "fallbacks": 1,
            "fallback_pct": 33.3,
            "rateable_answers": 2,
            "thumbs_down": 0,
            "thumbs_down_pct": 0.0,
        },
    ],
    "questions_per_topic": [
        {"topic": "duration", "questions": 3, "button_presses": 0, "answered": 3},
        {"topic": "–", "questions": 2, "button_presses": 0, "answered": 0},
        {"topic": "duty_station", "questions": 1, "button_presses": 0, "answered": 0},
        {"topic": "languages", "questions": 1, "button_presses": 1, "answered": 1},
    ],
    "latency_per_day": [
        {"day": MONDAY_DAY, "turns": 4, "p50_ms": 20.0, "p95_ms": 40.0},
        {"day": TUESDAY_DAY, "turns": 3, "p50_ms": 60.0, "p95_ms": 70.0},
    ],
}


def picked(rows: list[dict[str, Any]], like: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows cut down to the columns the expectation names."""
    return [{name: row[name] for name in like[0]} for row in rows]


def conversation_of_ana(rows: list[dict[str, Any]]) -> None:
    assert [row["question"] for row in rows] == [
        turn.question for turn in TURNS if turn.chat == ANA
    ]
    first, press, fallback, not_stated, later = rows
    assert (first["lead"], first["feedback"], first["buttons_pressed"]) == (
        "2 years.",
        "up",
        "Languages",
    )
    assert (press["kind"], press["pressed_under"]) == ("button", "How long is the contract?")
    assert first["session"] == press["session"] == fallback["session"]
    assert len({first["session"], not_stated["session"], later["session"]}) == 3
    assert (not_stated["status"], not_stated["topic"]) == ("not_stated", "duty_station")
    assert fallback["pressed_under"] is None and fallback["buttons_pressed"] is None


# --- on the decrypted copy ------------------------------------------------------------


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[int, str]]]:
    folder = tmp_path_factory.mktemp("conversations")

    async def build() -> dict[int, str]:
        store = await write_conversations(folder / "log.sqlite3")
        try:
            await build_view(store, folder / "view.db", days=365)
            return {chat: chat_digits(store, chat) for chat in (ANA, BEN, CAROL)}
        finally:
            await store.close()

    yield folder / "view.db", asyncio.run(build())


def run_query(database: Path, name: str, **parameters: str) -> list[dict[str, Any]]:
    with sqlite3.connect(database) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(CANNED_QUERIES[name]["sql"], parameters)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_review_page_counts_the_log_exactly(
    copy: tuple[Path, dict[int, str]], name: str
) -> None:
    database, _ = copy
    assert picked(run_query(database, name), EXPECTED[name]) == EXPECTED[name]


def test_the_conversation_page_shows_one_chats_turns_in_order_with_their_links(
    copy: tuple[Path, dict[int, str]],
) -> None:
    database, chats = copy
    conversation_of_ana(run_query(database, "conversation", chat=chats[ANA]))
    [carol] = run_query(database, "conversation", chat=chats[CAROL])
    assert (carol["posting"], carol["topic"]) == ("unep-car-rcu", "duration | languages")
    assert run_query(database, "conversation", chat="no-such-chat") == []


def test_the_conversations_page_lists_each_chat_latest_first(
    copy: tuple[Path, dict[int, str]],
) -> None:
    database, chats = copy
    rows = run_query(database, "conversations")
    by_chat = {row["chat"]: row for row in rows}
    assert set(by_chat) == set(chats.values())
    ana = by_chat[chats[ANA]]
    assert (ana["turns"], ana["sessions"], ana["button_presses"], ana["fallbacks"]) == (5, 3, 1, 2)
    assert by_chat[chats[BEN]]["thumbs_down"] == 1
    assert rows[-1]["chat"] == chats[BEN]  # Ben's last turn is the oldest


def test_a_thumbs_down_makes_an_answer_unanswered_in_the_web_view(
    copy: tuple[Path, dict[int, str]],
) -> None:
    database, _ = copy
    questions = [row["question"] for row in run_query(database, "unanswered_questions")]
    assert "Wie lange dauert es?" in questions  # answered, score 90, but rated 👎
    assert "How long is the contract?" not in questions  # rated 👍


def test_every_review_page_offers_its_chart_and_the_front_page_links_them() -> None:
    for name in EXPECTED:
        description = CANNED_QUERIES[name]["description_html"]
        assert f"/{DATABASE_NAME}/{name}#g.mark=" in description
    assert (
        chart("latency_per_day", "day", "p95_ms", mark="line")
        in (CANNED_QUERIES["latency_per_day"]["description_html"])
    )
    front = metadata()["description_html"]
    assert all(f"/{DATABASE_NAME}/{name}" in front for name in CANNED_QUERIES)


def test_a_chat_cell_links_to_its_conversation_page_escaped() -> None:
    assert conversation_link("0a1b2c3d4e5f") == (
        '<a href="/log/conversation?chat=0a1b2c3d4e5f">0a1b2c3d4e5f</a>'
    )
    assert "<script>" not in conversation_link("<script>")


# --- through the real Datasette -----------------------------------------------------------


@pytest.fixture(scope="module")
def review_view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebView, dict]]:
    folder = tmp_path_factory.mktemp("review-web")
    database = folder / "data" / "log.sqlite3"

    async def prepare() -> dict[int, str]:
        store = await write_conversations(database)
        try:
            return {chat: chat_digits(store, chat) for chat in (ANA, BEN, CAROL)}
        finally:
            await store.close()

    chats = asyncio.run(prepare())
    view = start_web_view(folder)
    try:
        yield view, chats
    finally:
        view.stop()


def page_rows(view: WebView, name: str, query: str = "") -> list[dict[str, Any]]:
    status, body = fetch(f"{view.base}/{DATABASE_NAME}/{name}.json?_shape=array{query}")
    assert status == 200, body
    return list(json.loads(body))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_review_page_answers_with_the_right_numbers(
    review_view: tuple[WebView, dict], name: str
) -> None:
    view, _ = review_view
    assert picked(page_rows(view, name), EXPECTED[name]) == EXPECTED[name]
    status, page = fetch(f"{view.base}/{DATABASE_NAME}/{name}")
    assert status == 200 and f"{name}#g.mark=" in page


def test_the_conversation_page_answers_with_the_decrypted_turns(
    review_view: tuple[WebView, dict],
) -> None:
    view, chats = review_view
    conversation_of_ana(page_rows(view, "conversation", f"&chat={chats[ANA]}"))
    status, page = fetch(f"{view.base}/{DATABASE_NAME}/conversations")
    assert status == 200
    assert f'href="/{DATABASE_NAME}/conversation?chat={chats[ANA]}"' in page
    status, page = fetch(f"{view.base}/{DATABASE_NAME}/conversation?chat={chats[ANA]}")
    assert status == 200 and "Is there a housing allowance?" in page and "2 years." in page
    assert fetch(f"{view.base}/{DATABASE_NAME}/conversation?chat={chats[ANA]}", "wrong")[0] == 401


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
@pytest.mark.parametrize(
    "link",
    [
        chart("latency_per_day", "day", "p95_ms", mark="line"),
        chart("questions_per_topic", "topic", "questions"),
    ],
)
async def test_headless_chromium_draws_a_review_chart(
    review_view: tuple[WebView, dict], tmp_path: Path, link: str
) -> None:
    view, _ = review_view
    assert await canvases_drawn(view.base + link, tmp_path) >= 1
