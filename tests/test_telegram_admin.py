"""The admin commands, /forget and the retention job in a real PTB Application.

Only the network is fake: the strict fake Bot API server (`tests/fake_bot_api.py`), which
rejects what Telegram rejects. The handlers are registered by `bot.telegram.routing`, as
`jpo-bot run` registers them; only the knowledge reload is a stand-in, so a test can
choose its problems. The log is a real SQLite file, or the in-memory log. Every test ends
by checking that Telegram rejected nothing and that every button press was answered.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase
from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.admin import ADMIN_COMMANDS
from bot.telegram.forget import FORGET_NO, FORGET_YES
from bot.telegram.retention import RETENTION_JOB, schedule_retention
from bot.telegram.routing import add_handlers, build_handlers
from tests.conftest import FIXTURE_KNOWLEDGE_DIR
from tests.fake_bot_api import BOT_USERNAME, ApiCall, FakeBotApi, FakeGroup, FakeUser

ADMIN = 1001
CANDIDATE = 2002
GROUP = -5


@dataclass
class Bot:
    app: Application[Any, Any, Any, Any, Any, Any]
    api: FakeBotApi
    store: QuestionLog
    reloads: list[str]
    problems: list[str]
    group: FakeGroup
    query_ids: list[str] = field(default_factory=list)

    async def send(
        self,
        text: str,
        user: int,
        chat_type: str = "private",
        lang: str = "en",
        *,
        chat: FakeUser | None = None,
    ) -> None:
        """The user sends a text in their private chat, the group, or a forged `chat`."""
        sender = FakeUser(user, "U", lang)
        where = self.group if chat_type == "group" else chat
        self.api.send_text(sender, text, chat=where)
        await self.deliver()

    async def press(self, data: str, user: int, lang: str = "en") -> None:
        """The user taps the button with this data on the bot's latest message to them."""
        [*_, message] = self.api.messages_to(user)
        self.query_ids.append(self.api.press(FakeUser(user, "U", lang), message, data=data))
        await self.deliver()

    async def deliver(self) -> None:
        """Hands the queued updates to the application, as the webhook or polling would."""
        for update in self.api.pop_updates():
            await self.app.process_update(Update.de_json(update, self.app.bot))

    def sent(self, method: str = "sendMessage") -> list[ApiCall]:
        return self.api.calls_to(method)

    def texts(self) -> list[str]:
        return [str(call.params["text"]) for call in self.sent()]


def question(text: str, chat_id: int, **changes: Any) -> QuestionRecord:
    values: dict[str, Any] = {
        "channel": "telegram",
        "chat_id": chat_id,
        "lang": "en",
        "question": text,
        "kind": "question",
        "status": "fallback",
        "posting": "unep-car-rcu",
        "topic": "benefits",
        "score": 0.0,
        "suggestions": (),
        "latency_ms": 3.0,
        "knowledge_version": "k1",
    }
    values.update(changes)
    return QuestionRecord(**values)


@pytest.fixture(params=["sqlite", "memory"])
async def bot(
    request: pytest.FixtureRequest, tmp_path: Path, api: FakeBotApi, fixture_kb: KnowledgeBase
) -> AsyncIterator[Bot]:
    """The admin handlers on either log: the SQLite store, or the in-memory log the bot
    falls back to when the database cannot be opened (they must serve admins alike)."""
    store: QuestionLog
    if request.param == "sqlite":
        store = await Store.open(
            tmp_path / "log.sqlite3",
            hash_secret=new_hash_secret(),
            encryption_key=new_encryption_key(),
        )
    else:
        store = MemoryQuestionLog()
    # One instant for all three: the views break ties by wording and id, so the test does
    # not depend on whether two records fall into the same millisecond.
    at = datetime.now(UTC).replace(microsecond=0)
    store.log(question("Is there a housing allowance?", CANDIDATE, asked_at=at))
    store.log(question("is there a housing allowance", CANDIDATE, status="not_stated", asked_at=at))
    store.log(
        question("How long is the contract?", 3003, status="answered", score=95.0, asked_at=at)
    )
    await store.flush()

    api.user(ADMIN)
    api.user(CANDIDATE)
    group = api.group(GROUP)
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    reloads: list[str] = []
    problems: list[str] = []

    def reload_knowledge() -> Sequence[str]:
        reloads.append("reload")
        return list(problems)

    settings = Settings(admin_user_ids=frozenset({ADMIN}), _env_file=None)  # type: ignore[call-arg]
    knowledge = KnowledgeService(FIXTURE_KNOWLEDGE_DIR, fixture_kb)
    add_handlers(app, build_handlers(settings, knowledge, store, reload_knowledge=reload_knowledge))
    await app.initialize()
    try:
        yield Bot(app, api, store, reloads, problems, group)
    finally:
        await app.shutdown()
        await store.close()
    # Telegram's rules hold in every test: nothing rejected, every press answered.
    assert not api.errors(), [(c.method, c.params) for c in api.errors()]
    assert not api.unanswered_callbacks


@pytest.mark.parametrize("command", [f"/{name}" for name, _ in ADMIN_COMMANDS])
async def test_an_admin_command_from_anyone_else_looks_like_an_unknown_command(
    bot: Bot, command: str
) -> None:
    await bot.send("/no_such_command", CANDIDATE)
    unknown_calls = [(call.method, call.params) for call in bot.api.calls if call.method != "getMe"]
    bot.api.calls.clear()

    await bot.send(f"{command} 7", CANDIDATE)

    assert [(call.method, call.params) for call in bot.api.calls] == unknown_calls
    assert bot.reloads == []


@pytest.mark.parametrize("command", [f"/{name}" for name, _ in ADMIN_COMMANDS])
async def test_an_admin_command_from_an_admin_in_a_group_looks_like_an_unknown_command(
    bot: Bot, command: str
) -> None:
    def calls() -> list[tuple[str, dict[str, Any]]]:
        # In a group a reply quotes its message; which message it quotes is no difference.
        return [
            (call.method, {k: v for k, v in call.params.items() if k != "reply_parameters"})
            for call in bot.api.calls
            if call.method != "getMe"
        ]

    # Addressed to the bot, so the unknown-command reply is there to compare with.
    await bot.send(f"/no_such_command@{BOT_USERNAME}", ADMIN, chat_type="group")
    unknown_calls = calls()
    assert unknown_calls
    bot.api.calls.clear()

    await bot.send(f"{command}@{BOT_USERNAME} 7", ADMIN, chat_type="group")

    assert calls() == unknown_calls
    assert bot.reloads == []


@pytest.mark.parametrize("command", ["/export", "/stats", "/recent", "/unanswered", "/reload"])
async def test_a_forged_update_with_an_admin_as_sender_and_another_chat_gets_nothing(
    bot: Bot, command: str
) -> None:
    other_chat = FakeUser(CANDIDATE, "U", "en")  # someone else's private chat
    await bot.send("/no_such_command", ADMIN, chat=other_chat)
    await bot.send(command, ADMIN, chat=other_chat)

    # What an unknown command gets in a chat that is not the sender's: nothing at all.
    assert [call.method for call in bot.api.calls if call.method != "getMe"] == []
    assert bot.api.messages_to(CANDIDATE) == []
    assert bot.sent("sendDocument") == []
    assert bot.reloads == []


async def test_stats_for_an_admin_are_plain_text_figures(bot: Bot) -> None:
    await bot.send("/stats 7", ADMIN)
    [call] = bot.sent()
    assert "parse_mode" not in call.params
    text = str(call.params["text"])
    assert text.startswith("Question log, last 7 days")
    assert "Records: 3 (3 questions, 0 button presses)" in text


async def test_a_bad_argument_gets_the_usage(bot: Bot) -> None:
    await bot.send("/stats forever", ADMIN)
    await bot.send("/recent 0", ADMIN)
    assert bot.texts() == ["Usage: /stats [days], 1 to 3650", "Usage: /recent [n], 1 to 50"]


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("/stats ²", "Usage: /stats [days], 1 to 3650"),
        ("/stats abc", "Usage: /stats [days], 1 to 3650"),
        ("/stats 7 8", "Usage: /stats [days], 1 to 3650"),
        ("/recent -5", "Usage: /recent [n], 1 to 50"),
        ("/recent 51", "Usage: /recent [n], 1 to 50"),
        ("/unanswered ٣", "Usage: /unanswered [days], 1 to 3650"),
        ("/export 99999999999999999999", "Usage: /export [days], 1 to 3650"),
        ("/export ²", "Usage: /export [days], 1 to 3650"),
    ],
)
async def test_a_malformed_argument_gets_the_usage_never_an_error(
    bot: Bot, command: str, usage: str
) -> None:
    await bot.send(command, ADMIN)
    assert bot.texts() == [usage]
    assert bot.sent("sendDocument") == []


async def test_unanswered_shows_groups_with_the_likely_posting_and_topic(bot: Bot) -> None:
    await bot.send("/unanswered", ADMIN)
    [text] = bot.texts()
    assert '1. 2× "Is there a housing allowance?"' in text
    assert "likely: unep-car-rcu / benefits" in text
    assert "How long is the contract?" not in text


async def test_recent_lists_the_latest_questions(bot: Bot) -> None:
    await bot.send("/recent 2", ADMIN)
    [text] = bot.texts()
    assert "How long is the contract?" in text
    assert "is there a housing allowance" in text
    assert "Is there a housing allowance?" not in text


async def test_export_sends_the_log_as_a_csv_document(bot: Bot) -> None:
    await bot.send("/export", ADMIN)
    [call] = bot.sent("sendDocument")
    name, content = call.params["document"]
    assert name.startswith("question-log-") and name.endswith(".csv")
    text = content.decode("utf-8") if isinstance(content, bytes) else content.read().decode()
    assert text.splitlines()[0].startswith("id,asked_at,channel,chat_key")
    assert "How long is the contract?" in text
    assert call.params["caption"] == "3 records"


@pytest.mark.parametrize(
    ("problems", "expected"),
    [
        ([], "Knowledge reloaded."),
        (
            ["knowledge/topics.yaml:3:5: unknown field 'titel'"],
            "Knowledge not reloaded: 1 problem(s).\n"
            "knowledge/topics.yaml:3:5: unknown field 'titel'",
        ),
    ],
)
async def test_reload_reports_the_outcome(bot: Bot, problems: list[str], expected: str) -> None:
    bot.problems.extend(problems)
    await bot.send("/reload", ADMIN)
    assert bot.reloads == ["reload"]
    assert bot.texts() == [expected]


async def test_forget_asks_first_with_two_buttons_in_the_users_language(bot: Bot) -> None:
    await bot.store.save_chat_state(CANDIDATE, ChatState(lang="fr").to_json())
    await bot.send("/forget", CANDIDATE, lang="de")
    [call] = bot.sent()
    assert str(call.params["text"]).startswith("Supprimer tout")
    [[yes, no]] = call.params["reply_markup"]["inline_keyboard"]
    assert (yes["callback_data"], no["callback_data"]) == (FORGET_YES, FORGET_NO)
    assert all(len(data.encode()) <= 64 for data in (FORGET_YES, FORGET_NO))
    assert len(await bot.store.export_rows()) == 3


async def test_forget_yes_deletes_only_that_chats_records(bot: Bot) -> None:
    await bot.send("/forget", CANDIDATE)
    await bot.press(FORGET_YES, CANDIDATE)
    assert [call.method for call in bot.api.calls[-2:]] == [
        "answerCallbackQuery",
        "editMessageText",
    ]
    assert bot.sent("editMessageText")[0].params["text"] == "Done: 2 stored item(s) deleted."
    assert [row.question for row in await bot.store.export_rows()] == ["How long is the contract?"]


async def test_forget_yes_deletes_even_when_the_press_cannot_be_acknowledged(bot: Bot) -> None:
    await bot.send("/forget", CANDIDATE)
    bot.api.fail_next("answerCallbackQuery", 502)
    await bot.press(FORGET_YES, CANDIDATE)
    bot.api.expire_callback(bot.query_ids[-1])  # Telegram gives up on it after a while
    assert bot.sent("editMessageText")[0].params["text"] == "Done: 2 stored item(s) deleted."
    assert [row.question for row in await bot.store.export_rows()] == ["How long is the contract?"]


async def test_forget_no_keeps_everything(bot: Bot) -> None:
    await bot.send("/forget", CANDIDATE, lang="es")
    await bot.press(FORGET_NO, CANDIDATE, lang="es")
    assert bot.sent("editMessageText")[0].params["text"] == "No se ha borrado nada."
    assert len(await bot.store.export_rows()) == 3


async def test_forget_in_a_group_points_to_the_private_chat(bot: Bot) -> None:
    await bot.send("/forget", CANDIDATE, chat_type="group")
    assert bot.texts() == ["Please send /forget in your private chat with the bot."]
    assert len(await bot.store.export_rows()) == 3


async def test_the_retention_job_runs_daily_and_once_and_purges_old_records(bot: Bot) -> None:
    old = datetime.now(UTC) - timedelta(days=400)
    bot.store.log(question("From last year", 4004, asked_at=old))
    await bot.store.flush()
    assert bot.app.job_queue is not None

    schedule_retention(bot.app.job_queue, bot.store, 365)
    jobs = bot.app.job_queue.get_jobs_by_name(RETENTION_JOB)
    assert len(jobs) == 2
    await jobs[0].run(bot.app)

    questions = [row.question for row in await bot.store.export_rows()]
    assert "From last year" not in questions
    assert len(questions) == 3


# --- 👍 / 👎 under answers (bot.telegram.rating) ---


def _rating_data(bot: Bot, chat_id: int) -> dict[str, str]:
    """The callback data of the 👍 and 👎 buttons on the bot's latest message to a chat."""
    [*_, message] = bot.api.messages_to(chat_id)
    return {b["text"]: b["callback_data"] for b in message.buttons() if b["text"] in "👍👎"}


async def test_an_answer_gets_a_rating_row_below_its_suggestions(bot: Bot) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    [*_, message] = bot.api.messages_to(CANDIDATE)
    rows = message.reply_markup["inline_keyboard"] if message.reply_markup else []
    assert [b["text"] for b in rows[-1]] == ["👍", "👎"]
    assert "Duty station" in message.button_labels()  # the suggestions stay
    assert all(len(b["callback_data"].encode()) <= 64 for row in rows for b in row)


@pytest.mark.parametrize("text", ["hello", "What would I do?"])  # small talk, clarify
async def test_small_talk_and_clarifying_questions_get_no_rating_row(bot: Bot, text: str) -> None:
    await bot.send(text, CANDIDATE)
    assert _rating_data(bot, CANDIDATE) == {}


async def test_menus_get_no_rating_row(bot: Bot) -> None:
    await bot.send("/postings", CANDIDATE)
    assert _rating_data(bot, CANDIDATE) == {}


async def test_a_thumbs_up_is_logged_and_replaced_by_thanks(bot: Bot) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    [*_, answer] = bot.api.messages_to(CANDIDATE)
    await bot.press(_rating_data(bot, CANDIDATE)["👍"], CANDIDATE)
    assert bot.api.callback_answers[bot.query_ids[-1]]["text"] == "Thanks for your feedback!"
    edited = bot.api.messages[(CANDIDATE, answer.message_id)]
    assert edited.text == answer.text  # the answer stays
    assert edited.button_labels()[-1] == "Thanks for your feedback!"
    assert "👍" not in edited.button_labels() and "👎" not in edited.button_labels()
    assert "Duty station" in edited.button_labels()
    rated = [row for row in await bot.store.export_rows() if row.feedback is not None]
    assert [(row.question, row.feedback) for row in rated] == [("How long is the contract?", "up")]
    await bot.send("/stats", ADMIN)
    assert "Feedback: 👍 1 · 👎 0" in bot.texts()[-1]


async def test_a_thumbs_down_puts_the_answered_question_into_unanswered(bot: Bot) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    await bot.press(_rating_data(bot, CANDIDATE)["👎"], CANDIDATE)
    await bot.send("/unanswered", ADMIN)
    assert "How long is the contract?" in bot.texts()[-1]
    await bot.send("/stats", ADMIN)
    assert "Feedback: 👍 0 · 👎 1" in bot.texts()[-1]


async def test_a_second_press_on_the_same_answer_is_ignored_politely(bot: Bot) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    data = _rating_data(bot, CANDIDATE)
    await bot.press(data["👍"], CANDIDATE)
    await bot.press(data["👎"], CANDIDATE)  # a stale copy of the row, or a forged press
    await bot.press(data["👍"], CANDIDATE)
    answers = [bot.api.callback_answers[query]["text"] for query in bot.query_ids]
    assert answers[1:] == ["You have already rated this answer. Thank you!"] * 2
    rated = [row.feedback for row in await bot.store.export_rows() if row.feedback is not None]
    assert rated == ["up"]


@pytest.mark.parametrize(
    "data",
    ["v1:r:u:AAAAAAAAAAAA", "v1:r:x:AAAAAAAAAAAA", "v1:r:u:bad key!", "v1:r:d:" + "A" * 60],
)
async def test_forged_rating_data_gets_a_polite_answer_and_stores_nothing(
    bot: Bot, data: str
) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    await bot.press(data, CANDIDATE)
    assert bot.api.callback_answers[bot.query_ids[-1]]["text"] == "This button is out of date."
    assert all(row.feedback is None for row in await bot.store.export_rows())


async def test_another_chat_cannot_rate_an_answer(bot: Bot) -> None:
    await bot.send("How long is the contract?", CANDIDATE)
    data = _rating_data(bot, CANDIDATE)["👎"]
    await bot.send("hello", ADMIN)
    await bot.press(data, ADMIN)
    assert bot.api.callback_answers[bot.query_ids[-1]]["text"] == "This button is out of date."
    assert all(row.feedback is None for row in await bot.store.export_rows())
