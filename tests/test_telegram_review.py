"""The buttons under /unanswered: a group becomes examples of a topic, or is dismissed.

A real PTB Application on the fake Bot API, a real SQLite log and a real copy of the
knowledge folder that the buttons edit: what an admin taps changes what the next
candidate is answered.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.config import Settings
from bot.knowledge.editing import list_edits
from bot.knowledge.loader import load_knowledge
from bot.questionlog.keys import admin_key, new_encryption_key, new_hash_secret
from bot.questionlog.records import QuestionRecord
from bot.questionlog.store import Store
from bot.serving import KnowledgeService
from bot.telegram.routing import add_handlers, build_handlers
from tests.conftest import KNOWLEDGE_DIR
from tests.fake_bot_api import FakeBotApi, FakeUser, SentMessage

ADMIN = 1001
CANDIDATE = 2002
OTHER = 3003
DOG = "Can I bring my dog along?"
SECRET = new_hash_secret()


@dataclass
class Bot:
    app: Application[Any, Any, Any, Any, Any, Any]
    api: FakeBotApi
    store: Store
    knowledge: KnowledgeService
    query_ids: list[str] = field(default_factory=list)

    async def send(self, text: str, user: int, lang: str = "en") -> None:
        self.api.send_text(FakeUser(user, "U", lang), text)
        await self.deliver()

    async def press(self, label: str, user: int = ADMIN, lang: str = "en") -> SentMessage:
        """Taps the button whose label contains `label` on the latest message to `user`."""
        [*_, message] = self.api.messages_to(user)
        [data] = [b["callback_data"] for b in message.buttons() if label in b["text"]]
        self.query_ids.append(self.api.press(FakeUser(user, "U", lang), message, data=data))
        await self.deliver()
        return message

    async def deliver(self) -> None:
        for update in self.api.pop_updates():
            await self.app.process_update(Update.de_json(update, self.app.bot))
        await self.store.flush()

    def last_text(self, user: int = ADMIN) -> str:
        return self.api.messages_to(user)[-1].text

    async def status_of(self, question: str) -> tuple[str, str | None]:
        """How the bot answers `question` to a new candidate now, as the log records it."""
        await self.send(question, OTHER)
        [latest] = await self.store.recent(1)
        return latest.status, latest.topic


@pytest.fixture
async def bot(tmp_path: Path, api: FakeBotApi) -> AsyncIterator[Bot]:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    store = await Store.open(
        tmp_path / "log.sqlite3", hash_secret=SECRET, encryption_key=new_encryption_key()
    )
    knowledge = KnowledgeService.load(folder)
    for user in (ADMIN, CANDIDATE, OTHER):
        api.user(user)
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(api.base_url)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .build()
    )
    settings = Settings(admin_user_ids=frozenset({ADMIN}), _env_file=None)  # type: ignore[call-arg]

    async def reload_knowledge() -> list[str]:
        return list((await knowledge.reload_async()).problems)

    add_handlers(app, build_handlers(settings, knowledge, store, reload_knowledge=reload_knowledge))
    await app.initialize()
    try:
        yield Bot(app, api, store, knowledge)
    finally:
        await app.shutdown()
        await store.close()
    # Telegram's rules hold in every test: nothing rejected, every press answered.
    assert not api.errors(), [(c.method, c.params) for c in api.errors()]
    assert not api.unanswered_callbacks


def _logged(text: str, topic: str | None) -> QuestionRecord:
    return QuestionRecord(
        channel="telegram",
        chat_id=CANDIDATE,
        lang="en",
        question=text,
        kind="question",
        status="fallback",
        posting=None,
        topic=topic,
        score=0.0,
        suggestions=(),
        latency_ms=3.0,
        knowledge_version="k1",
        asked_at=datetime.now(UTC),
    )


async def test_add_as_an_example_of_the_suggested_topic_changes_the_groups_answers(
    bot: Bot,
) -> None:
    await bot.send(DOG, CANDIDATE)
    await bot.send("can i bring my dog along", CANDIDATE)
    assert await bot.status_of(DOG) == ("fallback", None)
    # The log suggests the topic: one of the group's records names it.
    bot.store.log(_logged("Can I bring my dog along ?", "family"))
    await bot.store.flush()

    await bot.send("/unanswered", ADMIN)
    listing = bot.api.messages_to(ADMIN)[-1]
    assert '1. 4× "Can I bring my dog along?"' in listing.text
    assert "1 · Add as an example of “Family and dependants”" in listing.button_labels()
    assert all(len(b["callback_data"].encode()) <= 64 for b in listing.buttons())
    await bot.press("1 · Add as an example of")

    reply = bot.last_text()
    assert reply.startswith("Added as examples of “Family and dependants”")
    assert f"“{DOG}”: not_stated, topic family" in reply
    await bot.send("/unanswered", ADMIN)
    assert "dog" not in bot.last_text()  # dealt with: out of the inbox
    assert await bot.status_of(DOG) == ("not_stated", "family")
    assert await bot.status_of("can I bring my dog along") == ("not_stated", "family")
    assert DOG in load_knowledge(bot.knowledge.directory).topics["family"].examples.en
    [edit] = list_edits(bot.knowledge.directory)
    assert edit.author == admin_key(SECRET.encode(), ADMIN)
    assert str(ADMIN) not in edit.author


async def test_other_topic_offers_every_topic_and_adds_to_the_one_tapped(bot: Bot) -> None:
    await bot.send(DOG, CANDIDATE)
    await bot.send("/unanswered", ADMIN)
    await bot.press("1 · Other topic")
    topics = bot.api.messages_to(ADMIN)[-1]
    assert topics.text == "Which topic are these questions about?"
    assert len(topics.buttons()) == len(bot.knowledge.knowledge.topics)

    await bot.press("Family and dependants")

    assert "not_stated, topic family" in bot.last_text()
    assert await bot.status_of(DOG) == ("not_stated", "family")


async def test_dismiss_hides_the_group_until_it_is_asked_again(bot: Bot) -> None:
    await bot.send(DOG, CANDIDATE)
    await bot.send("Is snorkeling possible on weekends?", CANDIDATE)
    await bot.send("/unanswered", ADMIN)
    listing = bot.api.messages_to(ADMIN)[-1].text
    assert DOG in listing and "snorkeling" in listing
    number = 1 if listing.index(DOG) < listing.index("snorkeling") else 2

    await bot.press(f"{number} · Dismiss")

    assert bot.last_text() == "Dismissed: these questions no longer show in /unanswered."
    await bot.send("/unanswered", ADMIN)
    listing = bot.last_text()
    assert DOG not in listing and "snorkeling" in listing
    assert list_edits(bot.knowledge.directory) == []  # nothing was written to the knowledge
    await bot.send(DOG, CANDIDATE)  # asked again after the dismissal: shown again
    await bot.send("/unanswered", ADMIN)
    assert f'1× "{DOG}"' in bot.last_text()


async def test_a_button_of_a_group_that_is_gone_says_so(bot: Bot) -> None:
    await bot.send(DOG, CANDIDATE)
    await bot.send("/unanswered", ADMIN)
    await bot.press("1 · Dismiss")
    [*_, listing, _dismissed] = bot.api.messages_to(ADMIN)
    data = next(b["callback_data"] for b in listing.buttons() if "Dismiss" in b["text"])
    query = bot.api.press(FakeUser(ADMIN, "U", "en"), listing, data=data)
    await bot.deliver()
    assert "no longer in the unanswered list" in bot.api.callback_answers[query]["text"]


async def test_a_candidate_cannot_use_an_admins_inbox_button(bot: Bot) -> None:
    await bot.send(DOG, CANDIDATE)
    await bot.send("/unanswered", ADMIN)
    [*_, listing] = bot.api.messages_to(ADMIN)
    data = next(b["callback_data"] for b in listing.buttons() if "Dismiss" in b["text"])
    [*_, own] = bot.api.messages_to(CANDIDATE)
    query = bot.api.press(FakeUser(CANDIDATE, "U", "en"), own, data=data)
    await bot.deliver()

    assert query in bot.api.callback_answers
    await bot.send("/unanswered", ADMIN)
    assert DOG in bot.last_text()


async def test_the_buttons_speak_the_admins_language(bot: Bot) -> None:
    bot.store.log(_logged(DOG, "family"))
    await bot.store.flush()

    await bot.send("/unanswered", ADMIN, lang="de")

    labels = bot.api.messages_to(ADMIN)[-1].button_labels()
    assert labels == [
        "1 · Als Beispiel für „Familie und Angehörige“ hinzufügen",
        "1 · Anderes Thema…",
        "1 · Verwerfen",
    ]
    await bot.press("1 · Als Beispiel", lang="de")
    assert bot.last_text().startswith("Als Beispiele für „Familie und Angehörige“ hinzugefügt")
