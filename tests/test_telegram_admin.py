"""The admin commands, /forget and the retention job in a real PTB Application.

Only the network is fake: a `BaseRequest` that records each Bot API call and answers
like the Bot API would. The store is a real SQLite file.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import TelegramError, TimedOut
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.engine.state import ChatState
from bot.questionlog.interface import QuestionLog
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.memory import MemoryQuestionLog
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.telegram.admin import (
    ADMIN_COMMANDS,
    FORGET_NO,
    FORGET_YES,
    RETENTION_JOB,
    admin_handlers,
    forget_handlers,
    schedule_retention,
)

ADMIN = 1001
CANDIDATE = 2002
UNKNOWN_REPLY = "Sorry, I don't know that command. Try /help."
BOT = {"id": 99, "is_bot": True, "first_name": "JPO", "username": "jpo_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, Any] = field(default_factory=dict)


class FakeBotApi(BaseRequest):
    """Answers Bot API calls the way Telegram does and records them."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, TelegramError] = {}  # method -> what its next call raises
        self._message_id = 100

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: object = None,
        write_timeout: object = None,
        connect_timeout: object = None,
        pool_timeout: object = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files = dict(request_data.multipart_data) if request_data else {}
        self.calls.append(Call(name, params, files))
        if name in self.failures:
            raise self.failures.pop(name)
        result: object = True
        if name == "getMe":
            result = BOT
        elif name in {"sendMessage", "sendDocument", "editMessageText"}:
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": 0,
                "chat": {"id": int(params.get("chat_id", 0) or 0), "type": "private"},
                "from": BOT,
                "text": params.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [call for call in self.calls if call.method == method]


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stands in for the Telegram engineer's generic reply to unknown commands."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(UNKNOWN_REPLY)


@dataclass
class Bot:
    app: Application[Any, Any, Any, Any, Any, Any]
    api: FakeBotApi
    store: QuestionLog
    reloads: list[str]
    problems: list[str]
    _update_id: int = 0

    async def send(
        self, text: str, user: int, chat_type: str = "private", lang: str = "en"
    ) -> None:
        self._update_id += 1
        command = text.split()[0]
        message = {
            "message_id": self._update_id,
            "date": 0,
            "chat": {"id": user if chat_type == "private" else -5, "type": chat_type},
            "from": {"id": user, "is_bot": False, "first_name": "U", "language_code": lang},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
        payload = {"update_id": self._update_id, "message": message}
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    async def press(self, data: str, user: int, lang: str = "en") -> None:
        self._update_id += 1
        sender = {"id": user, "is_bot": False, "first_name": "U", "language_code": lang}
        payload = {
            "update_id": self._update_id,
            "callback_query": {
                "id": f"cb{self._update_id}",
                "from": sender,
                "chat_instance": "ci",
                "data": data,
                "message": {
                    "message_id": 7,
                    "date": 0,
                    "chat": {"id": user, "type": "private"},
                    "from": BOT,
                    "text": "Delete?",
                },
            },
        }
        await self.app.process_update(Update.de_json(payload, self.app.bot))

    def texts(self) -> list[str]:
        return [str(call.params["text"]) for call in self.api.sent()]


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
async def bot(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Bot]:
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
    store.log(question("Is there a housing allowance?", CANDIDATE))
    store.log(question("is there a housing allowance", CANDIDATE, status="not_stated"))
    store.log(question("How long is the contract?", 3003, status="answered", score=95.0))
    await store.flush()

    api = FakeBotApi()
    app = ApplicationBuilder().token("123:TEST").request(api).get_updates_request(api).build()
    reloads: list[str] = []
    problems: list[str] = []

    def reload_knowledge() -> Sequence[str]:
        reloads.append("reload")
        return list(problems)

    settings = Settings(admin_user_ids=frozenset({ADMIN}), _env_file=None)  # type: ignore[call-arg]
    app.add_handlers(
        admin_handlers(
            settings=settings,
            question_log=store,
            unknown_command=unknown_command,
            reload_knowledge=reload_knowledge,
        )
    )
    app.add_handlers(forget_handlers(question_log=store))
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    await app.initialize()
    try:
        yield Bot(app, api, store, reloads, problems)
    finally:
        await app.shutdown()
        await store.close()


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

    await bot.send("/no_such_command", ADMIN, chat_type="group")
    unknown_calls = calls()
    bot.api.calls.clear()

    await bot.send(f"{command} 7", ADMIN, chat_type="group")

    assert calls() == unknown_calls
    assert bot.reloads == []


async def test_stats_for_an_admin_are_plain_text_figures(bot: Bot) -> None:
    await bot.send("/stats 7", ADMIN)
    [call] = bot.api.sent()
    assert "parse_mode" not in call.params
    text = str(call.params["text"])
    assert text.startswith("Question log, last 7 days")
    assert "Records: 3 (3 questions, 0 button presses)" in text


async def test_a_bad_argument_gets_the_usage(bot: Bot) -> None:
    await bot.send("/stats forever", ADMIN)
    await bot.send("/recent 0", ADMIN)
    assert bot.texts() == ["Usage: /stats [days], 1 to 3650", "Usage: /recent [n], 1 to 50"]


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
    [call] = bot.api.sent("sendDocument")
    name, content, _mime = call.files["document"]
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
    [call] = bot.api.sent()
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
    assert bot.api.sent("editMessageText")[0].params["text"] == "Done: 2 stored item(s) deleted."
    assert [row.question for row in await bot.store.export_rows()] == ["How long is the contract?"]


async def test_forget_yes_deletes_even_when_the_press_cannot_be_acknowledged(bot: Bot) -> None:
    bot.api.failures["answerCallbackQuery"] = TimedOut()
    await bot.press(FORGET_YES, CANDIDATE)
    assert bot.api.sent("editMessageText")[0].params["text"] == "Done: 2 stored item(s) deleted."
    assert [row.question for row in await bot.store.export_rows()] == ["How long is the contract?"]


async def test_forget_no_keeps_everything(bot: Bot) -> None:
    await bot.press(FORGET_NO, CANDIDATE, lang="es")
    assert bot.api.sent("editMessageText")[0].params["text"] == "No se ha borrado nada."
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
