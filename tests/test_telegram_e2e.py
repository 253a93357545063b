"""The bot end to end: the real PTB Application, over HTTP, against a fake Bot API server.

Each test builds the application with `build_application` (as `jpo-bot run` does),
points it at the fake server on 127.0.0.1, and plays scripted users. Knowledge is a
copy of the real folder, the store a real SQLite file. The fake rejects what Telegram
rejects, and every test ends by checking that it rejected nothing and that every
button press was answered.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import socket
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from telegram import Update
from telegram.ext import AIORateLimiter, Application

from bot.config import Settings, load_settings
from bot.engine import conversation
from bot.engine.matching import KnowledgeIndex
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.records import MissingSecretError, StoreError, WrongKeyError
from bot.questionlog.startup import open_question_log
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.app import build_application, webhook_options
from bot.telegram.menu import COMMANDS
from bot.texts import ui_texts
from tests.fake_bot_api import BOT_USERNAME, FakeBotApi, FakeUser, SentMessage

REPO = Path(__file__).resolve().parents[1]
POLL_TIMEOUT = 1  # seconds the bot's getUpdates waits; short so tests stop quickly
UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"
UNEP_BUTTON = "UNEP – Kingston, Jamaica"
UNESCO_BUTTON = "UNESCO – Culture Sector"

pytestmark = [
    pytest.mark.slow,
    # PTB's own RetryAfter constructor warns about its future timedelta type on every 429.
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]


# --- fixtures and helpers ---


@pytest.fixture
def live_knowledge(tmp_path: Path) -> Path:
    """A copy of the real knowledge folder that a test may edit while the bot runs."""
    target = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", target)
    return target


@pytest.fixture
def settings(tmp_path: Path, api: FakeBotApi, live_knowledge: Path) -> Settings:
    return load_settings(
        _env_file=None,  # a developer's .env must not leak into the tests
        telegram_bot_token=api.token,
        telegram_base_url=api.base_url,
        database_path=tmp_path / "bot.sqlite3",
        knowledge_dir=live_knowledge,
        log_hash_secret=new_hash_secret(),
        log_encryption_key=new_encryption_key(),
        reload_interval_seconds=0.05,
        log_retention_days=90,
    )


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    opened = await _open_store(settings)
    yield opened
    await opened.close()


async def _open_store(settings: Settings) -> Store:
    assert settings.log_hash_secret and settings.log_encryption_key
    return await Store.open(
        settings.database_path,
        hash_secret=settings.log_hash_secret.get_secret_value(),
        encryption_key=settings.log_encryption_key.get_secret_value(),
    )


@asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    settings: Settings,
    store: Store | None,
    *,
    knowledge: KnowledgeService | None = None,
    **options: Any,
) -> AsyncIterator[Application]:
    """Runs the application as `run_polling` would, lifecycle hooks included.

    Without a `store`, the log is chosen and opened as `jpo-bot run` does, and closed after.
    """
    knowledge = knowledge or KnowledgeService.load(settings.knowledge_dir)
    question_log = store if store is not None else await open_question_log(settings)
    app = build_application(settings, knowledge=knowledge, question_log=question_log, **options)
    try:
        async with app:
            await app.post_init(app)  # type: ignore[misc]
            await app.start()
            assert app.updater is not None
            if settings.webhook_url:
                await app.updater.start_webhook(**webhook_options(settings))
            else:
                await app.updater.start_polling(
                    poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=Update.ALL_TYPES
                )
            try:
                yield app
            finally:
                await app.updater.stop()
                await app.stop()
    finally:
        await app.post_shutdown(app)  # type: ignore[misc]
        if store is None:
            await question_log.close()
    # Every test also checks Telegram's rules: nothing rejected, every press answered.
    assert not api.errors(), [(c.method, c.params) for c in api.errors()]
    assert not api.unanswered_callbacks


@pytest.fixture
async def bot(api: FakeBotApi, settings: Settings, store: Store) -> AsyncIterator[Application]:
    async with running_bot(api, settings, store) as app:
        yield app


@dataclass
class BotReply:
    """What the bot sent in reply to one message or press: one or more parts."""

    parts: list[SentMessage]

    @property
    def text(self) -> str:
        return "\n\n".join(part.text for part in self.parts)

    @property
    def last(self) -> SentMessage:
        """The part that carries the buttons."""
        return self.parts[-1]

    def button_labels(self) -> list[str]:
        return self.last.button_labels()


async def ask(api: FakeBotApi, user: FakeUser, text: str) -> BotReply:
    """Sends a text and returns the bot's whole reply to it."""
    before = len(api.messages_to(user.chat_id))
    api.send_text(user, text)
    await api.wait_messages(user.chat_id, before + 1)
    await settle(api, user)
    return BotReply(api.messages_to(user.chat_id)[before:])


async def settle(api: FakeBotApi, user: FakeUser) -> None:
    """Waits until the bot has finished every update of this chat sent so far.

    One chat's updates are handled in order, so once the answer to a /help sent now
    arrives, everything before it is done (and no late duplicate can follow).
    """
    before = len(api.messages_to(user.chat_id))
    api.send_text(user, "/help")
    await api.wait_for(
        lambda: any("/privacy" in m.text for m in api.messages_to(user.chat_id)[before:])
    )
    for message in api.messages_to(user.chat_id)[before:]:
        if "/privacy" in message.text:
            api.sent.remove(message)  # the probe is not part of the conversation


async def press(api: FakeBotApi, user: FakeUser, reply: BotReply, label: str) -> BotReply:
    """Taps a button and returns the bot's whole reply to it."""
    before = len(api.messages_to(user.chat_id))
    query_id = api.press(user, reply.last, label)
    await api.wait_messages(user.chat_id, before + 1)
    await settle(api, user)
    assert query_id in api.callback_answers
    return BotReply(api.messages_to(user.chat_id)[before:])


async def wait_until(condition: Callable[[], bool], timeout: float = 10) -> None:
    """For conditions no API call signals (a reload job): re-check on a short interval."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(0.02)


async def log_rows(store: Store) -> list[Any]:
    await store.flush()
    return list(await store.export_rows())


# --- conversation ---


async def test_start_greets_in_english_and_offers_the_postings(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1001, "Ana", "en")
    api.send_text(ana, "/start")
    [reply] = await api.wait_messages(ana.chat_id, 1)
    assert reply.text.startswith("Hello Ana!")
    assert reply.button_labels() == [UNEP_BUTTON, UNESCO_BUTTON]


async def test_start_greets_in_german_for_a_german_telegram(
    api: FakeBotApi, bot: Application
) -> None:
    jonas = api.user(1002, "Jonas", "de-AT")
    api.send_text(jonas, "/start")
    [reply] = await api.wait_messages(jonas.chat_id, 1)
    assert reply.text.startswith("Hallo Jonas!")


async def test_the_command_menu_is_registered_in_every_language(
    api: FakeBotApi, bot: Application
) -> None:
    english = api.commands[("default", "")]
    assert [c["command"] for c in english] == [c.name for c in COMMANDS if c.in_menu]
    for lang in ("de", "fr", "es"):
        other = api.commands[("default", lang)]
        assert [c["command"] for c in other] == [c["command"] for c in english]
        assert other[0]["description"] != english[0]["description"]


async def test_a_deep_link_opens_its_posting_and_the_next_question_is_about_it(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1003, "Ana", "en")
    api.send_text(ana, f"/start {UNEP}")
    [opened] = await api.wait_messages(ana.chat_id, 1)
    assert "UNEP – Kingston" in opened.text
    answer = await ask(api, ana, "What are the duties?")
    assert answer.text.startswith("UNEP – Kingston, Jamaica — Duties")


async def test_a_deep_link_to_an_unknown_posting_offers_the_postings(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1004, "Ana", "en")
    api.send_text(ana, "/start jpo-that-closed-long-ago")
    [reply] = await api.wait_messages(ana.chat_id, 1)
    assert "I don't know that posting" in reply.text
    assert reply.button_labels() == [UNEP_BUTTON, UNESCO_BUTTON]


async def test_clarify_then_choosing_a_posting_answers_the_original_question(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1005, "Ana", "en")
    clarify = await ask(api, ana, "what are the duties?")
    assert clarify.button_labels() == [UNEP_BUTTON, UNESCO_BUTTON]
    answer = await press(api, ana, clarify, UNESCO_BUTTON)
    assert answer.text.startswith("UNESCO – Culture Sector — Duties")
    statuses = [(row.kind, row.status, row.posting) for row in await log_rows(store)]
    assert statuses == [("question", "clarify", None), ("button", "answered", UNESCO)]


async def test_the_log_links_each_press_to_the_reply_that_offered_it_and_each_turn_to_the_last(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1015, "Ana", "en")
    clarify = await ask(api, ana, "what are the duties?")
    answer = await press(api, ana, clarify, UNESCO_BUTTON)
    await ask(api, ana, "How long is the assignment?")
    # A button under an older reply: the press links to that reply, not to the newest.
    await press(api, ana, answer, answer.button_labels()[1])
    first, pressed, question, pressed_again = await log_rows(store)
    assert [row.kind for row in (first, pressed, question, pressed_again)] == [
        "question",
        "button",
        "question",
        "button",
    ]
    assert pressed.offered_by == first.id
    assert pressed_again.offered_by == pressed.id
    assert [pressed.follows, question.follows, pressed_again.follows] == [
        first.id,
        pressed.id,
        question.id,
    ]
    assert len({row.session for row in (first, pressed, question, pressed_again)}) == 1
    assert question.postings == (UNESCO,) and question.lead


async def test_questions_in_german_and_english_are_answered_and_logged(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    jonas = api.user(1006, "Jonas", "de")
    ana = api.user(1007, "Ana", "en")
    german = await ask(api, jonas, "Wo ist der Dienstort der UNEP-Stelle?")
    english = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "Dienstort" in german.text and "Kingston" in german.text
    assert "2 years" in english.text
    assert german.button_labels() and english.button_labels()  # follow-up topics
    rows = {row.question: row for row in await log_rows(store)}
    assert rows["Wo ist der Dienstort der UNEP-Stelle?"].lang == "de"
    assert rows["How long is the assignment in Kingston?"].status == "answered"
    assert rows["How long is the assignment in Kingston?"].posting == UNEP


async def test_a_user_writing_german_in_an_english_client_is_answered_in_german(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    lena = api.user(1020, "Lena", "en")
    german = await ask(api, lena, "Wie lange dauert der Einsatz in Kingston?")
    assert "Dauer und Verlängerung" in german.text
    thanks = await ask(api, lena, "Vielen Dank!")
    assert thanks.text.startswith("Gern geschehen!")
    rows = {row.question: row for row in await log_rows(store)}
    assert rows["Wie lange dauert der Einsatz in Kingston?"].lang == "de"
    assert rows["Vielen Dank!"].status == "smalltalk"
    assert "Vielen Dank!" not in {group.example for group in await store.unanswered(30)}
    # The chat now speaks German: its state says so for the next message and for /help.
    saved = await store.load_chat_state(lena.chat_id)
    assert saved is not None and ChatState.from_json(saved).lang == "de"


async def test_not_stated_names_bfio_and_fallback_says_what_the_bot_does(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1008, "Ana", "en")
    not_stated = await ask(api, ana, "What's the salary for the Kingston JPO?")
    assert "BFIO" in not_stated.text
    fallback = await ask(api, ana, "what's the weather in berlin today")
    assert "JPO postings" in fallback.text
    assert fallback.button_labels()


async def test_topic_buttons_show_topics_and_a_long_answer_is_split(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1009, "Ana", "en")
    api.send_text(ana, f"/start {UNEP}")
    await api.wait_messages(ana.chat_id, 1)
    menu = await ask(api, ana, "/topics")
    assert "Duties and responsibilities" in menu.button_labels()
    before = len(api.messages_to(ana.chat_id))
    api.press(ana, menu.last, "Duties and responsibilities")
    # The UNEP duties run to about 4,600 characters: two messages, buttons on the last.
    parts = (await api.wait_messages(ana.chat_id, before + 2))[before:]
    assert parts[0].text.startswith("UNEP – Kingston, Jamaica — Duties")
    assert not parts[0].button_labels() and parts[1].button_labels()


async def test_stickers_photos_voice_and_files_get_a_friendly_note(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1010, "Ana", "en")
    for send in (api.send_sticker, api.send_photo, api.send_voice, api.send_document):
        send(ana)
    replies = await api.wait_messages(ana.chat_id, 4)
    assert {reply.text for reply in replies} == {ui_texts("en").non_text}


async def test_help_privacy_language_and_unknown_commands(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1011, "Ana", "en")
    help_reply = await ask(api, ana, "/help")
    assert all(f"/{c.name}" in help_reply.text for c in COMMANDS)
    privacy = await ask(api, ana, "/privacy")
    assert "90 days" in privacy.text and "/forget" in privacy.text
    unknown = await ask(api, ana, "/frobnicate")
    assert unknown.text == ui_texts("en").unknown_command
    prompt = await ask(api, ana, "/language")
    api.press(ana, prompt.last, "Deutsch")
    await api.wait_for(
        lambda: api.messages[(ana.chat_id, prompt.last.message_id)].text.startswith("Ab")
    )
    german_help = await ask(api, ana, "/privacy")
    assert german_help.text.startswith("Datenschutz")


async def test_french_and_spanish_users_read_the_interface_in_their_language(
    api: FakeBotApi, bot: Application
) -> None:
    marie = api.user(1017, "Marie", "fr")
    greeting = await ask(api, marie, "/start")
    assert greeting.text.startswith("Bonjour Marie !")
    privacy = await ask(api, marie, "/privacy")
    assert privacy.text.startswith("Confidentialité") and "90 jours" in privacy.text
    prompt = await ask(api, marie, "/language")
    assert prompt.text == ui_texts("fr").language_prompt
    assert prompt.button_labels() == ["English", "Deutsch", "Français", "Español"]
    api.press(marie, prompt.last, "Español")
    await api.wait_for(
        lambda: (
            api.messages[(marie.chat_id, prompt.last.message_id)].text
            == ui_texts("es").language_set
        )
    )
    help_reply = await ask(api, marie, "/help")
    assert help_reply.text.startswith("En qué puedo ayudarle")
    assert "/forget – Borrar mis datos guardados" in help_reply.text
    confirm = await ask(api, marie, "/forget")
    assert confirm.text.startswith("¿Borrar todo")
    assert confirm.button_labels() == ["Sí, borrar", "No"]
    api.press(marie, confirm.last, "No")
    await api.wait_for(
        lambda: (
            api.messages[(marie.chat_id, confirm.last.message_id)].text == "No se ha borrado nada."
        )
    )


async def test_in_a_group_the_bot_answers_only_when_addressed(
    api: FakeBotApi, bot: Application
) -> None:
    group = api.group(-5001)
    ana = api.user(1012, "Ana", "en")
    api.send_text(ana, "How long is the assignment in Kingston?", chat=group)
    api.send_sticker(ana, chat=group)
    api.send_text(ana, "/help@some_other_bot", chat=group)
    api.send_text(ana, f"@{BOT_USERNAME} How long is the assignment in Kingston?", chat=group)
    [answer] = await api.wait_messages(group.id, 1)
    assert "2 years" in answer.text
    api.send_text(ana, "and the duty station?", chat=group, reply_to=answer)
    api.send_text(ana, f"/help@{BOT_USERNAME}", chat=group)
    replies = await api.wait_messages(group.id, 3)
    assert "Kingston" in replies[1].text
    assert "/privacy" in replies[2].text
    await settle(api, ana)  # in Ana's private chat: proves nothing else is pending there
    assert len(api.messages_to(group.id)) == 3  # nothing for the unaddressed messages


# --- Telegram's rules ---


async def test_a_burst_of_50_messages_is_answered_in_full(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    ana = api.user(1013, "Ana", "en")
    questions = [f"How long is the assignment in Kingston? ({i})" for i in range(50)]
    # Telegram's limits are under test here, not the fair-use limit (the next test).
    settings = settings.model_copy(update={"fair_use_messages": 0})
    async with running_bot(api, settings, store):
        for question in questions:
            api.send_text(ana, question)
        await api.wait_messages(ana.chat_id, 50, timeout=20)
        await settle(api, ana)
    rows = await log_rows(store)
    assert [row.question for row in rows] == questions  # one chat's order is kept


async def test_a_flooding_user_gets_20_answers_and_one_note_and_others_stay_answered(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    ana = api.user(1030, "Ana", "de")
    bob = api.user(1031, "Bob", "en")
    # A window far longer than the test, so the count cannot start afresh mid-test.
    settings = settings.model_copy(
        update={"fair_use_messages": 20, "fair_use_window_seconds": 3600}
    )
    flood = [f"Wie lange dauert der Einsatz in Kingston? ({i})" for i in range(40)]
    note = ui_texts("de").fair_use
    async with running_bot(api, settings, store):
        for i, question in enumerate(flood):
            api.send_text(ana, question)
            if i == 25:
                api.send_text(bob, "How long is the assignment in Kingston?")
        [answer] = await api.wait_messages(bob.chat_id, 1)
        await api.wait_for(lambda: note in [m.text for m in api.messages_to(ana.chat_id)])
        await api.wait_for(lambda: api.pending_updates == 0)
    # Stopping handled every update the bot had fetched: nothing more can arrive.
    to_ana = [m.text for m in api.messages_to(ana.chat_id)]
    assert to_ana.count(note) == 1 and to_ana[-1] == note
    assert len(to_ana) == 21  # 20 answers and the note
    assert "2 years" in answer.text
    rows = await log_rows(store)
    assert [row.question for row in rows if row.question in flood] == flood[:20]
    assert "How long is the assignment in Kingston?" in [row.question for row in rows]


async def test_an_admin_is_not_held_to_the_fair_use_limit(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    admin = api.user(1032, "Ada", "en")
    settings = settings.model_copy(
        update={
            "admin_user_ids": frozenset({admin.id}),
            "fair_use_messages": 5,
            "fair_use_window_seconds": 3600,
        }
    )
    async with running_bot(api, settings, store):
        for i in range(12):
            api.send_text(admin, f"How long is the assignment in Kingston? ({i})")
        await api.wait_messages(admin.chat_id, 12)
        await settle(api, admin)
    assert all("2 years" in m.text for m in api.messages_to(admin.chat_id))
    assert len(await log_rows(store)) == 12


@pytest.mark.parametrize(
    "data",
    ["v0:p:unep-car-rcu", "v1:p:closed-posting", "v1:t:closed-posting:duties", "junk", "v1:x"],
)
async def test_a_stale_or_forged_button_gets_a_polite_answer(
    api: FakeBotApi, bot: Application, data: str, caplog: pytest.LogCaptureFixture
) -> None:
    ana = api.user(1014, "Ana", "en")
    menu = await ask(api, ana, "/postings")
    query_id = api.press(ana, menu.last, data=data)
    [*_, reply] = await api.wait_messages(ana.chat_id, 2)
    await api.wait_for(lambda: query_id in api.callback_answers)
    assert api.callback_answers[query_id]["text"] == ui_texts("en").stale_button_toast
    assert reply.text.startswith(ui_texts("en").stale_button)
    assert reply.button_labels() == [UNEP_BUTTON, UNESCO_BUTTON]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_double_tapped_button_answers_once_without_error(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1015, "Ana", "en")
    menu = await ask(api, ana, "/postings")
    first = api.press(ana, menu.last, UNEP_BUTTON)
    second = api.press(ana, menu.last, UNEP_BUTTON)
    await api.wait_for(lambda: {first, second} <= api.callback_answers.keys())
    await settle(api, ana)
    overviews = [m for m in api.messages_to(ana.chat_id) if m.text.startswith("UNEP – Kingston")]
    assert len(overviews) == 1


async def test_a_double_tapped_language_button_edits_once_without_error(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1016, "Ana", "en")
    prompt = await ask(api, ana, "/language")
    ids = [api.press(ana, prompt.last, "Deutsch"), api.press(ana, prompt.last, "Deutsch")]
    await api.wait_for(lambda: set(ids) <= api.callback_answers.keys())
    assert api.messages[(ana.chat_id, prompt.last.message_id)].text == ui_texts("de").language_set


async def test_a_429_is_waited_out_and_the_reply_arrives_once(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1017, "Ana", "en")
    api.fail_next("sendMessage", 429, retry_after=1)
    answer = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "2 years" in answer.text
    assert len([m for m in api.messages_to(ana.chat_id) if "2 years" in m.text]) == 1
    assert [c.status for c in api.calls_to("sendMessage")][:2] == [429, 200]


async def test_a_502_is_retried_and_the_reply_arrives_once(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1018, "Ana", "en")
    api.fail_next("sendMessage", 502)
    answer = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "2 years" in answer.text
    assert len([m for m in api.messages_to(ana.chat_id) if "2 years" in m.text]) == 1


async def test_a_lasting_502_is_reported_and_the_bot_keeps_running(
    api: FakeBotApi, bot: Application, caplog: pytest.LogCaptureFixture
) -> None:
    ana = api.user(1019, "Ana", "en")
    api.fail_next("sendMessage", 502, times=3)  # the first try and both retries
    api.send_text(ana, "How long is the assignment in Kingston?")
    [note] = await api.wait_messages(ana.chat_id, 1)
    assert note.text == ui_texts("en").error
    assert any("error while handling message" in r.getMessage() for r in caplog.records)
    answer = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "2 years" in answer.text


async def test_a_slow_reply_times_out_without_a_duplicate(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    ana = api.user(1020, "Ana", "en")
    async with running_bot(api, settings, store, read_timeout=0.3):
        api.slow_next("sendMessage", 0.8)
        api.send_text(ana, "How long is the assignment in Kingston?")
        await api.wait_messages(ana.chat_id, 1)
        await settle(api, ana)
        assert len(api.messages_to(ana.chat_id)) == 1
        assert len(api.calls_to("sendMessage")) == 2  # the slow one and the probe, no retry


async def test_a_slow_button_acknowledgement_does_not_cost_the_reply(
    api: FakeBotApi, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    ana = api.user(1027, "Ana", "en")
    async with running_bot(api, settings, store, read_timeout=0.3):
        menu = await ask(api, ana, "/postings")
        api.slow_next("answerCallbackQuery", 0.8)  # PTB gives up after 0.3 s: TimedOut
        query_id = api.press(ana, menu.last, UNEP_BUTTON)
        [*_, overview] = await api.wait_messages(ana.chat_id, 2)
        await api.wait_for(lambda: query_id in api.callback_answers)  # arrived, if late
        await settle(api, ana)
    assert overview.text.startswith("UNEP – Kingston")
    assert ui_texts("en").error not in [m.text for m in api.messages_to(ana.chat_id)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_failing_button_acknowledgement_does_not_cost_the_reply(
    api: FakeBotApi, bot: Application, caplog: pytest.LogCaptureFixture
) -> None:
    ana = api.user(1028, "Ana", "en")
    menu = await ask(api, ana, "/postings")
    api.fail_next("answerCallbackQuery", 502)
    query_id = api.press(ana, menu.last, UNESCO_BUTTON)
    [*_, overview] = await api.wait_messages(ana.chat_id, 2)
    await settle(api, ana)
    assert query_id in api.unanswered_callbacks  # the one answer failed; none was retried
    api.expire_callback(query_id)
    assert overview.text.startswith("UNESCO – Culture Sector")
    assert ui_texts("en").error not in [m.text for m in api.messages_to(ana.chat_id)]
    # PTB itself logs the 502's HTML page as an error; the bot has nothing to add to it.
    assert not [
        r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith("bot")
    ]


# --- state, knowledge, log ---


async def test_the_chosen_posting_survives_a_restart(api: FakeBotApi, settings: Settings) -> None:
    ana = api.user(1021, "Ana", "en")
    async with running_bot(api, settings, None):  # the application opens and closes its store
        api.send_text(ana, f"/start {UNESCO}")
        await api.wait_messages(ana.chat_id, 1)
    async with running_bot(api, settings, None):
        menu = await ask(api, ana, "/topics")
    assert menu.text.startswith("UNESCO – Culture Sector: topics")
    assert "Duties and responsibilities" in menu.button_labels()


async def test_an_edited_knowledge_file_is_served_without_restart(
    api: FakeBotApi, settings: Settings, store: Store, live_knowledge: Path
) -> None:
    served = KnowledgeService.load(live_knowledge)
    ana = api.user(1022, "Ana", "en")
    posting = live_knowledge / "postings" / f"{UNEP}.yaml"
    async with running_bot(api, settings, store, knowledge=served):
        old_version = served.version
        text = posting.read_text(encoding="utf-8")
        assert "2 years, with the possibility" in text
        posting.write_text(text.replace("2 years, with", "3 years, with"), encoding="utf-8")
        await wait_until(lambda: served.version != old_version)
        answer = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "3 years" in answer.text


async def test_an_invalid_edit_keeps_the_last_good_knowledge_and_logs_file_and_line(
    api: FakeBotApi,
    settings: Settings,
    store: Store,
    live_knowledge: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    served = KnowledgeService.load(live_knowledge)
    ana = api.user(1023, "Ana", "en")
    posting = live_knowledge / "postings" / f"{UNEP}.yaml"
    caplog.set_level(logging.ERROR, logger="bot.serving")
    async with running_bot(api, settings, store, knowledge=served):
        version = served.version
        lines = posting.read_text(encoding="utf-8").splitlines()
        lines.insert(3, "unknown_field: [unclosed")
        posting.write_text("\n".join(lines), encoding="utf-8")

        def reload_failed() -> bool:
            return any(f"{UNEP}.yaml:" in r.getMessage() for r in caplog.records)

        await wait_until(reload_failed)
        answer = await ask(api, ana, "How long is the assignment in Kingston?")
    assert served.version == version
    assert "2 years" in answer.text
    located = re.compile(rf"{re.escape(str(posting))}:\d+:\d+: \S")
    assert any(located.search(r.getMessage()) for r in caplog.records)


async def test_forget_deletes_the_chats_log_and_state_through_the_running_bot(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1024, "Ana", "en")
    await ask(api, ana, f"/start {UNEP}")
    await ask(api, ana, "How long is the assignment?")
    assert len(await log_rows(store)) == 1
    confirm = await ask(api, ana, "/forget")
    api.press(ana, confirm.last, "Yes, delete")
    await api.wait_for(
        lambda: api.messages[(ana.chat_id, confirm.last.message_id)].text.startswith("Done")
    )
    menu = await ask(api, ana, "/topics")
    assert menu.button_labels() == [UNEP_BUTTON, UNESCO_BUTTON]  # no posting remembered
    assert await log_rows(store) == []
    assert await store.load_chat_state(ana.chat_id) is None


async def test_forget_deletes_even_when_the_button_cannot_be_acknowledged(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1029, "Ana", "en")
    await ask(api, ana, "How long is the assignment in Kingston?")
    assert len(await log_rows(store)) == 1
    confirm = await ask(api, ana, "/forget")
    api.fail_next("answerCallbackQuery", 502)
    query_id = api.press(ana, confirm.last, "Yes, delete")
    await api.wait_for(
        lambda: api.messages[(ana.chat_id, confirm.last.message_id)].text.startswith("Done")
    )
    assert await log_rows(store) == []
    assert await store.load_chat_state(ana.chat_id) is None
    api.expire_callback(query_id)


async def test_a_deleted_posting_file_leaves_its_chats_answered_normally(
    api: FakeBotApi, settings: Settings, store: Store, live_knowledge: Path
) -> None:
    served = KnowledgeService.load(live_knowledge)
    ana = api.user(1030, "Ana", "en")
    async with running_bot(api, settings, store, knowledge=served):
        opened = await ask(api, ana, f"/start {UNESCO}")
        assert "UNESCO – Culture Sector" in opened.text
        (live_knowledge / "postings" / f"{UNESCO}.yaml").unlink()
        await wait_until(lambda: UNESCO not in served.current.posting_ids())
        answer = await ask(api, ana, "What are the duties?")
        menu = await ask(api, ana, "/topics")
    assert ui_texts("en").error not in answer.text
    assert answer.text.startswith("UNEP – Kingston, Jamaica — Duties")  # the one posting left
    assert ui_texts("en").error not in menu.text
    saved = await store.load_chat_state(ana.chat_id)
    assert saved is not None and ChatState.from_json(saved).posting != UNESCO


async def test_a_reload_does_not_hold_up_answers_while_it_indexes(
    api: FakeBotApi,
    settings: Settings,
    store: Store,
    live_knowledge: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    served = KnowledgeService.load(live_knowledge)
    indexing, go_on = threading.Event(), threading.Event()

    class SlowIndex(KnowledgeIndex):
        """Indexes as slowly as 1,000 postings do, on whichever thread builds it."""

        def __init__(self, kb: KnowledgeBase) -> None:
            indexing.set()
            go_on.wait(timeout=10)
            super().__init__(kb)

    ana = api.user(1031, "Ana", "en")
    posting = live_knowledge / "postings" / f"{UNEP}.yaml"
    async with running_bot(api, settings, store, knowledge=served):
        version = served.version
        monkeypatch.setattr(conversation, "KnowledgeIndex", SlowIndex)
        text = posting.read_text(encoding="utf-8")
        posting.write_text(text.replace("2 years, with", "3 years, with"), encoding="utf-8")
        try:
            # On the event loop, the wait below would freeze the whole bot (the test too).
            await wait_until(indexing.is_set, timeout=5)
            during = await ask(api, ana, "How long is the assignment in Kingston?")
        finally:
            go_on.set()
        assert served.version == version  # answered while the reload indexed
        await wait_until(lambda: served.version != version)
        after = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "2 years" in during.text
    assert "3 years" in after.text


@pytest.mark.parametrize("broken", ["a folder", "not a database"])
async def test_a_database_that_cannot_be_opened_leaves_the_bot_answering(
    api: FakeBotApi,
    settings: Settings,
    tmp_path: Path,
    broken: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = tmp_path / "unopenable.sqlite3"
    if broken == "a folder":
        path.mkdir()  # where the file should be (chmod would not stop root)
    else:
        path.write_bytes(b"these are not the SQLite pages you are looking for " * 100)
    settings = settings.model_copy(update={"database_path": path})
    ana = api.user(1032, "Ana", "en")
    async with running_bot(api, settings, None):
        answer = await ask(api, ana, "How long is the assignment in Kingston?")
        await ask(api, ana, f"/start {UNESCO}")
        menu = await ask(api, ana, "/topics")  # the chosen posting, remembered in memory
    assert "2 years" in answer.text
    assert menu.text.startswith("UNESCO – Culture Sector: topics")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert str(path) in errors[0].getMessage()


@pytest.mark.parametrize("problem", ["wrong key", "missing secret"])
async def test_a_wrong_or_missing_key_still_stops_the_start(
    api: FakeBotApi, settings: Settings, problem: str
) -> None:
    first = await _open_store(settings)  # the log exists, written under the settings' keys
    await first.close()
    if problem == "wrong key":
        settings = settings.model_copy(
            update={"log_encryption_key": SecretStr(new_encryption_key())}
        )
        expected: type[StoreError] = WrongKeyError
    else:
        settings = settings.model_copy(update={"log_hash_secret": None})
        expected = MissingSecretError
    ana = api.user(1033, "Ana", "en")
    with pytest.raises(expected):
        async with running_bot(api, settings, None):
            api.send_text(ana, "How long is the assignment in Kingston?")
    assert api.messages_to(ana.chat_id) == []


async def test_logs_name_chats_by_pseudonym_and_quote_no_user_text(
    api: FakeBotApi, settings: Settings, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    zeb = api.user(987_654_321, "Zebedee", "en")
    question = "How long is the assignment in Kingston?"
    async with running_bot(api, settings, store, read_timeout=0.3):
        api.fail_next("sendMessage", 502, times=3)  # two retries, then the error handler
        api.send_text(zeb, question)
        await api.wait_messages(zeb.chat_id, 1)
        api.slow_next("sendMessage", 0.8)  # a timeout
        await ask(api, zeb, question)
        menu = await ask(api, zeb, "/postings")
        api.press(zeb, menu.last, data="v1:p:zebedees-own-data")  # a stale or forged button
        await api.wait_messages(zeb.chat_id, len(api.messages_to(zeb.chat_id)) + 1)
        await settle(api, zeb)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    lines = [formatter.format(r) for r in caplog.records if r.levelno >= logging.INFO]
    assert any("error while handling message" in line for line in lines)
    assert any(store.chat_key(zeb.chat_id) in line for line in lines)
    for secret in (str(zeb.chat_id), "Zebedee", question, "zebedees-own-data"):
        assert not [line for line in lines if secret in line], secret


async def test_admin_commands_are_wired_and_hidden_from_everyone_else(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    admin = api.user(1100, "Ada", "en")
    ana = api.user(1025, "Ana", "en")
    settings = settings.model_copy(update={"admin_user_ids": frozenset({admin.id})})
    async with running_bot(api, settings, store):
        stats = await ask(api, admin, "/stats")
        reload = await ask(api, admin, "/reload")
        refused = await ask(api, ana, "/stats")
    assert stats.text.startswith("Question log, last 30 days")
    assert reload.text == "Knowledge reloaded."
    assert refused.text == ui_texts("en").unknown_command
    admin_menu = [c["command"] for c in api.commands[("chat", "")]]
    assert {"stats", "reload", "help", "privacy"} <= set(admin_menu)


async def test_admin_commands_in_a_group_look_like_unknown_commands(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    admin = api.user(1101, "Ada", "en")
    group = api.group(-5002)
    settings = settings.model_copy(update={"admin_user_ids": frozenset({admin.id})})
    question = "How long is the assignment in Kingston?"
    async with running_bot(api, settings, store):
        await ask(api, admin, question)  # a logged question that must not reach the group
        for command in ("recent", "export", "stats", "unanswered", "reload"):
            api.send_text(admin, f"/{command}@{BOT_USERNAME}", chat=group)
        api.send_text(admin, "/recent", chat=group)  # unaddressed: not for us at all
        await api.wait_messages(group.id, 5)
        api.send_text(admin, f"/help@{BOT_USERNAME}", chat=group)
        await api.wait_messages(group.id, 6)
    replies = [m.text for m in api.messages_to(group.id)]
    assert len(replies) == 6 and "/privacy" in replies[5]  # the /help probe came next
    assert replies[:5] == [ui_texts("en").unknown_command] * 5
    assert not [text for text in replies if question in text]
    assert not api.calls_to("sendDocument")


async def test_webhook_mode_takes_updates_only_with_telegrams_secret(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    with socket.socket() as probe:  # a free port for the bot's webhook server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram/hook"
    secret = "webhook-secret-for-the-test"
    settings = settings.model_copy(
        update={
            "webhook_url": url,
            "webhook_port": port,
            "webhook_secret_token": SecretStr(secret),
        }
    )
    ana = api.user(1026, "Ana", "en")
    async with running_bot(api, settings, store), aiohttp.ClientSession() as http:
        assert api.webhook is not None
        assert (api.webhook["url"], api.webhook["secret_token"]) == (url, secret)
        api.send_text(ana, "How long is the assignment in Kingston?")
        [update] = api.pop_updates()
        header = "X-Telegram-Bot-Api-Secret-Token"
        forged = await http.post(url, json=update, headers={header: "guessed"})
        unsigned = await http.post(url, json=update)
        genuine = await http.post(url, json=update, headers={header: secret})
        [answer] = await api.wait_messages(ana.chat_id, 1)
    assert (forged.status, unsigned.status, genuine.status) == (403, 403, 200)
    assert "2 years" in answer.text


async def test_1000_questions_from_100_chats_give_exactly_1000_log_rows(
    api: FakeBotApi, settings: Settings, store: Store
) -> None:
    users = [api.user(20_000 + n, f"User{n}", "de" if n % 2 else "en") for n in range(100)]
    questions = {
        (user.id, f"How long is the assignment in Kingston? [{user.id}/{i}]")
        for user in users
        for i in range(10)
    }
    # Telegram allows about 30 messages a second; the fake does not need the brakes.
    relaxed = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    async with running_bot(api, settings, store, rate_limiter=relaxed):
        for i in range(10):  # round robin, so all 100 chats are busy at once
            for user in users:
                api.send_text(user, f"How long is the assignment in Kingston? [{user.id}/{i}]")
        await api.wait_for(lambda: len(api.sent) >= 1000, timeout=40)
    # Stopping waited for every handler; the store has now flushed what they logged.
    rows = await log_rows(store)
    assert len(api.sent) == 1000
    assert len(rows) == 1000
    assert {row.question for row in rows} == {question for _, question in questions}
    assert not api.errors()


# --- the guided eligibility check and direct answers (issue 11) ---


async def test_check_asks_four_questions_answers_per_posting_and_forget_erases_the_answers(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1201, "Ana", "en")
    degree = await ask(api, ana, "/check")
    assert "1/4" in degree.text
    assert degree.button_labels() == ["Bachelor", "Master or higher", "None yet"]
    years = await press(api, ana, degree, "Master or higher")
    assert "2/4" in years.text and "2 years" in years.text  # worded from the programme rule
    assert years.button_labels() == ["None", "One year", "2 years", "3 or more"]
    english = await press(api, ana, years, "One year")
    assert english.button_labels() == ["Fluent", "Working knowledge", "Basic"]
    field = await press(api, ana, english, "Fluent")
    assert field.button_labels()[0] == "Environmental Management"
    assert field.button_labels()[-1] == "Another field"
    result = await press(api, ana, field, "Environmental Management")
    assert result.text.startswith(f"{UNEP_BUTTON}: Not yet: the programme asks for 2 years")
    assert f"{UNESCO_BUTTON}: Not yet" in result.text
    assert "How to apply" in result.text and "BFIO decides" in result.text
    # The answers are in the chat state only: no record of the check's buttons.
    saved = await store.load_chat_state(ana.chat_id)
    assert saved is not None
    assert ChatState.from_json(saved).check == ("master", "1", "fluent", "Environmental Management")
    assert await log_rows(store) == []
    confirm = await ask(api, ana, "/forget")
    api.press(ana, confirm.last, "Yes, delete")
    await api.wait_for(
        lambda: api.messages[(ana.chat_id, confirm.last.message_id)].text.startswith("Done")
    )
    assert await store.load_chat_state(ana.chat_id) is None


async def test_check_buttons_carry_short_versioned_data_and_a_forged_answer_starts_over(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1202, "Ana", "en")
    degree = await ask(api, ana, "/check")
    assert all(b["callback_data"].startswith("v1:c:degree:") for b in degree.last.buttons())
    before = len(api.messages_to(ana.chat_id))
    api.press(ana, degree.last, data="v1:c:field:99")
    await api.wait_messages(ana.chat_id, before + 1)
    await settle(api, ana)
    [again] = api.messages_to(ana.chat_id)[before:]
    assert "1/4" in again.text and again.button_labels() == degree.button_labels()


async def test_a_comparison_names_both_postings(api: FakeBotApi, bot: Application) -> None:
    ana = api.user(1203, "Ana", "en")
    reply = await ask(api, ana, "Which of the two requires Spanish?")
    assert reply.text.startswith("Neither posting requires Spanish.")
    assert UNEP_BUTTON in reply.text and UNESCO_BUTTON in reply.text


async def test_a_yes_no_reply_leads_and_its_expandable_quote_is_valid_telegram_html(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(1204, "Ana", "en")
    reply = await ask(api, ana, "Is Spanish required for the Kingston job?")
    [message] = reply.parts
    assert message.text.startswith("No — English is essential; Spanish or French is an asset.")
    assert message.html.startswith("<b>No — English is essential")
    assert "<blockquote expandable>" in message.html and message.html.endswith("</blockquote>")
    # The fake parses the HTML as Telegram does; `running_bot` asserts it rejected nothing.


async def test_a_long_section_is_one_message_with_the_full_text_behind_a_button(
    api: FakeBotApi, bot: Application, live_knowledge: Path
) -> None:
    ana = api.user(1205, "Ana", "en")
    short = await ask(api, ana, "What are the duties in Kingston?")
    [message] = short.parts
    assert message.text.startswith("UNEP – Kingston, Jamaica — Duties")
    assert len(message.text) < 4096
    full_label = "All of “Duties and responsibilities”"
    assert short.button_labels()[0] == full_label
    full = await press(api, ana, short, full_label)
    duties = load_knowledge(live_knowledge).content(UNEP, "duties")
    assert duties is not None
    assert all(point in full.text for point in duties.points)
    assert len(full.text) > len(message.text)


async def test_check_in_a_group_points_to_the_private_chat_and_stores_nothing(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    group = api.group(-5201)
    ana = api.user(1206, "Ana", "en")
    api.send_text(ana, f"/check@{BOT_USERNAME}", chat=group)
    [reply] = await api.wait_messages(group.id, 1)
    assert reply.text == "The eligibility check works in your private chat with the bot."
    assert not reply.button_labels()
    saved = await store.load_chat_state(group.id)
    assert saved is None or ChatState.from_json(saved).check == ()


async def test_a_thumbs_down_under_an_answer_is_logged_once_and_thanked(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(1090, "Ana", "en")
    api.send_text(ana, f"/start {UNEP}")
    await api.wait_messages(ana.chat_id, 1)
    answer = await ask(api, ana, "What are the duties?")
    assert answer.last.reply_markup is not None
    assert [b["text"] for b in answer.last.reply_markup["inline_keyboard"][-1]] == ["👍", "👎"]
    [down] = [b["callback_data"] for b in answer.last.buttons() if b["text"] == "👎"]
    first = api.press(ana, answer.last, "👎")
    await api.wait_for(lambda: first in api.callback_answers)
    await api.wait_for(
        lambda: "👎" not in api.messages[(ana.chat_id, answer.last.message_id)].button_labels()
    )
    edited = api.messages[(ana.chat_id, answer.last.message_id)]
    assert edited.text == answer.last.text
    assert edited.button_labels()[-1] == "Thanks for your feedback!"
    second = api.press(ana, answer.last, data=down)
    await api.wait_for(lambda: second in api.callback_answers)
    assert api.callback_answers[second]["text"] == "You have already rated this answer. Thank you!"
    await store.flush()
    rated = [row for row in await store.export_rows() if row.feedback is not None]
    assert [(row.question, row.feedback) for row in rated] == [("What are the duties?", "down")]
    [group] = await store.unanswered(days=1)
    assert group.example == "What are the duties?"
