"""Hand-off to BFIO staff, end to end: the real PTB Application against the fake Bot API.

A candidate's question the bot cannot answer travels to the staff group after the candidate
confirmed what staff will see (never the Telegram id; the username only when chosen), a
staff member's reply travels back, and the staff group is told it was delivered, or that
the candidate has blocked the bot. A pending hand-off survives a restart; /forget
withdraws it. Without a staff group, BFIO's public contact is given instead.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.config import Settings, load_settings
from bot.engine.answers import ShowTopic
from bot.questionlog.keys import new_encryption_key, new_hash_secret
from bot.questionlog.store import Store
from bot.telegram.callbacks import encode
from tests.fake_bot_api import FakeBotApi, FakeGroup, FakeUser, SentMessage
from tests.test_telegram_e2e import REPO, BotReply, ask, press, running_bot, settle

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning"),
]

STAFF_CHAT = -1001234500001
SALARY = "What's the salary for the Kingston JPO?"
UNEP_NAME = "UNEP – Kingston, Jamaica"
STAFF_ANSWER = "JPO salaries follow the UN scale for P-1/P-2; BFIO sends details on request."
CONTACT_YAML = """public_contact:
  email: jpo@example.org
  url: https://example.org/jpo
"""
CONTACT_LINE = "You can reach BFIO directly: jpo@example.org · https://example.org/jpo"


def _settings(tmp_path: Path, api: FakeBotApi, knowledge: Path, **extra: object) -> Settings:
    return load_settings(
        _env_file=None,
        telegram_bot_token=api.token,
        telegram_base_url=api.base_url,
        database_path=tmp_path / "bot.sqlite3",
        knowledge_dir=knowledge,
        log_hash_secret=new_hash_secret(),
        log_encryption_key=new_encryption_key(),
        reload_interval_seconds=0.05,
        log_retention_days=90,
        **extra,
    )


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", target)
    return target


@pytest.fixture
def knowledge_with_contact(knowledge: Path) -> Path:
    """The knowledge with BFIO's public contact filled in (the shipped one is empty)."""
    programme = knowledge / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    assert "public_contact: {}\n" in text
    programme.write_text(text.replace("public_contact: {}\n", CONTACT_YAML), encoding="utf-8")
    return knowledge


@pytest.fixture
def settings(tmp_path: Path, api: FakeBotApi, knowledge_with_contact: Path) -> Settings:
    return _settings(tmp_path, api, knowledge_with_contact, staff_chat_id=STAFF_CHAT)


@pytest.fixture
async def store(settings: Settings) -> AsyncIterator[Store]:
    assert settings.log_hash_secret and settings.log_encryption_key
    opened = await Store.open(
        settings.database_path,
        hash_secret=settings.log_hash_secret.get_secret_value(),
        encryption_key=settings.log_encryption_key.get_secret_value(),
    )
    yield opened
    await opened.close()


@pytest.fixture
def staff(api: FakeBotApi) -> FakeGroup:
    return api.group(STAFF_CHAT, "BFIO staff", supergroup=True)


@pytest.fixture
async def bot(
    api: FakeBotApi, settings: Settings, store: Store, staff: FakeGroup
) -> AsyncIterator[Application]:
    async with running_bot(api, settings, store) as app:
        yield app


async def _offer(
    api: FakeBotApi, user: FakeUser, question: str = SALARY, label: str = "Ask BFIO"
) -> BotReply:
    """Asks a question the bot cannot answer and taps "Ask BFIO"; returns the confirmation."""
    answer = await ask(api, user, question)
    assert answer.button_labels()[-1] == label
    return await press(api, user, answer, label)


async def _send(
    api: FakeBotApi, user: FakeUser, confirmation: BotReply, label: str = "Send"
) -> SentMessage:
    """Confirms the hand-off; returns the message the staff group got."""
    before = len(api.messages_to(STAFF_CHAT))
    api.press(user, confirmation.last, label)
    [posted] = (await api.wait_messages(STAFF_CHAT, before + 1))[before:]
    key = (user.chat_id, confirmation.last.message_id)
    await api.wait_for(lambda: api.messages[key].text.startswith("Sent to BFIO staff"))
    return posted


async def _staff_reply(
    api: FakeBotApi, member: FakeUser, posted: SentMessage, text: str = STAFF_ANSWER
) -> SentMessage:
    """A staff member replies to the hand-off in the group; returns the bot's answer there."""
    before = len(api.messages_to(STAFF_CHAT))
    api.send_text(member, text, chat=FakeGroup(STAFF_CHAT, "BFIO staff"), reply_to=posted)
    [note] = (await api.wait_messages(STAFF_CHAT, before + 1))[before:]
    return note


async def test_a_question_travels_to_staff_and_the_staff_reply_back_to_the_candidate(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(4001, "Ana", "en", username="ana_m")
    bob = api.user(4101, "Bob", "de")

    answer = await ask(api, ana, SALARY)
    assert answer.button_labels()[-1] == "Ask BFIO"
    assert CONTACT_LINE not in answer.text  # the staff group is the way to a person here
    confirmation = await press(api, ana, answer, "Ask BFIO")
    assert confirmation.text.splitlines()[:7] == [
        "Send your question to BFIO staff? They will see exactly this:",
        "",
        "First name: Ana",
        "Language: English",
        f"Posting: {UNEP_NAME}",
        f"Question: {SALARY}",
        "The bot's answer: " + answer.last.text.splitlines()[0],
    ]
    assert confirmation.button_labels() == ["Send", "Send with my username", "Cancel"]
    assert api.messages_to(STAFF_CHAT) == []  # nothing goes before the candidate confirms

    posted = await _send(api, ana, confirmation)
    for shown in ("Ana", "English", UNEP_NAME, SALARY, answer.last.text.splitlines()[0]):
        assert shown in posted.text
    assert "ana_m" not in posted.text and str(ana.id) not in posted.text
    assert "did not share a Telegram username" in posted.text
    told = api.messages[(ana.chat_id, confirmation.last.message_id)]
    assert told.text == (
        "Sent to BFIO staff. Their answer will arrive in this chat.\n\n"
        "There is no set answer time; staff answer as soon as they can."
    )
    assert told.button_labels() == []

    before = len(api.messages_to(ana.chat_id))
    note = await _staff_reply(api, bob, posted)
    [delivered] = (await api.wait_messages(ana.chat_id, before + 1))[before:]
    assert delivered.text == (
        f"Answer from BFIO staff to your question “{SALARY}”:\n\n{STAFF_ANSWER}"
    )
    assert note.text == "Delivered ✓"
    assert note.raw["reply_to_message"]["from"]["id"] == bob.id
    number = int(posted.text.split("hand-off ")[1].split(")")[0])
    assert await store.handoff(number) is None  # delivered: the chat id is gone too


async def test_replies_to_other_messages_in_the_staff_group_are_ignored(
    api: FakeBotApi, bot: Application, staff: FakeGroup
) -> None:
    ana, li = api.user(4002, "Ana", "en"), api.user(4014, "Li", "en")
    bob, eva = api.user(4102, "Bob", "de"), api.user(4103, "Eva", "de")
    first = await _send(api, ana, await _offer(api, ana))
    second = await _send(api, li, await _offer(api, li))
    chatter = api.send_text(bob, "Who takes this one?", chat=staff)
    api.send_text(eva, "I do.", chat=staff, reply_to=chatter)
    delivered = await _staff_reply(api, eva, first)
    api.send_text(bob, "Also: good luck!", chat=staff, reply_to=first)  # ended: ignored
    api.send_text(bob, "Thanks, bot.", chat=staff, reply_to=delivered)  # not a hand-off
    # One chat's updates are handled in order: once this is delivered, the above are done.
    assert (await _staff_reply(api, eva, second)).text == "Delivered ✓"
    texts = [m.text for m in api.messages_to(STAFF_CHAT)]
    assert texts == [first.text, second.text, "Delivered ✓", "Delivered ✓"]
    to_ana = [m.text for m in api.messages_to(ana.chat_id) if "BFIO staff to your" in m.text]
    assert len(to_ana) == 1 and to_ana[0].endswith(STAFF_ANSWER)


async def test_a_reply_that_is_not_text_gets_a_note_and_the_hand_off_stays_open(
    api: FakeBotApi, bot: Application, staff: FakeGroup
) -> None:
    ana = api.user(4003, "Ana", "en")
    bob = api.user(4104, "Bob", "de")
    posted = await _send(api, ana, await _offer(api, ana))
    api.send_sticker(bob, chat=staff)  # not a reply: ignored
    api.send_sticker(bob, chat=staff, reply_to=posted)
    [note] = (await api.wait_messages(STAFF_CHAT, 2))[1:]
    assert note.text == "Only a text reply can be passed on to the candidate."
    assert (await _staff_reply(api, bob, posted)).text == "Delivered ✓"


async def test_the_username_is_shared_only_when_the_candidate_chooses_it(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(4004, "Ana", "en", username="ana_m")
    posted = await _send(api, ana, await _offer(api, ana), "Send with my username")
    assert "Telegram username, shared by the candidate: @ana_m" in posted.text
    assert str(ana.id) not in posted.text
    noname = api.user(4005, "Li", "en")
    assert (await _offer(api, noname)).button_labels() == ["Send", "Cancel"]


async def test_cancel_sends_nothing_and_forgets_the_hand_off(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(4006, "Ana", "en")
    confirmation = await _offer(api, ana)
    api.press(ana, confirmation.last, "Cancel")
    key = (ana.chat_id, confirmation.last.message_id)
    await api.wait_for(lambda: api.messages[key].text.startswith("Not sent"))
    assert api.messages_to(STAFF_CHAT) == []
    assert await store.withdraw_handoffs(ana.chat_id) == ()


async def test_a_candidate_who_blocked_the_bot_is_reported_to_staff(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(4007, "Ana", "en")
    bob = api.user(4105, "Bob", "de")
    posted = await _send(api, ana, await _offer(api, ana))
    api.block(ana)
    note = await _staff_reply(api, bob, posted)
    assert note.text == "Not delivered: the candidate has blocked the bot."
    assert api.calls_to("sendMessage", status=403)
    assert await store.withdraw_handoffs(ana.chat_id) == ()  # ended: nothing can reach them


async def test_a_pending_hand_off_survives_a_restart(
    api: FakeBotApi, settings: Settings, staff: FakeGroup
) -> None:
    ana = api.user(4008, "Ana", "de")
    bob = api.user(4106, "Bob", "de")
    async with running_bot(api, settings, None):  # the application opens its own log
        question = "Wie hoch ist das Gehalt für die Stelle in Kingston?"
        confirmation = await _offer(api, ana, question, "BFIO fragen")
        assert confirmation.button_labels() == ["Senden", "Abbrechen"]
        posted = await _send_in(api, ana, confirmation, "Senden", "An BFIO gesendet")
    assert "Language: Deutsch" in posted.text
    async with running_bot(api, settings, None):
        before = len(api.messages_to(ana.chat_id))
        note = await _staff_reply(api, bob, posted)
        [delivered] = (await api.wait_messages(ana.chat_id, before + 1))[before:]
    assert note.text == "Delivered ✓"
    assert delivered.text.startswith("Antwort von BFIO auf Ihre Frage „Wie hoch ist das Gehalt")
    assert delivered.text.endswith(STAFF_ANSWER)


async def _send_in(
    api: FakeBotApi, user: FakeUser, confirmation: BotReply, label: str, told: str
) -> SentMessage:
    """`_send` for a candidate of another language: `told` begins the confirmation's edit."""
    api.press(user, confirmation.last, label)
    [posted] = await api.wait_messages(STAFF_CHAT, 1)
    key = (user.chat_id, confirmation.last.message_id)
    await api.wait_for(lambda: api.messages[key].text.startswith(told))
    return posted


async def test_forget_withdraws_a_pending_hand_off_and_tells_staff(
    api: FakeBotApi, bot: Application, store: Store
) -> None:
    ana = api.user(4009, "Ana", "en")
    bob = api.user(4107, "Bob", "de")
    posted = await _send(api, ana, await _offer(api, ana))
    number = int(posted.text.split("hand-off ")[1].split(")")[0])
    confirm = await ask(api, ana, "/forget")
    api.press(ana, confirm.last, "Yes, delete")
    staff_message = (STAFF_CHAT, posted.message_id)
    await api.wait_for(lambda: api.messages[staff_message].text.startswith("Hand-off"))
    assert api.messages[staff_message].text == (
        f"Hand-off {number}: the candidate withdrew this question and had their data deleted "
        "(/forget). Please do not reply."
    )
    assert SALARY not in api.messages[staff_message].text
    assert await store.handoff(number) is None
    before = len(api.messages_to(ana.chat_id))
    api.send_text(bob, STAFF_ANSWER, chat=FakeGroup(STAFF_CHAT, ""), reply_to=posted)
    # A later hand-off's reply, handled after the one above (one chat, in order):
    li = api.user(4015, "Li", "en")
    probe = await _send(api, li, await _offer(api, li))
    assert (await _staff_reply(api, bob, probe)).text == "Delivered ✓"
    assert not any(STAFF_ANSWER in m.text for m in api.messages_to(ana.chat_id)[before:])


async def test_a_fallback_and_a_person_request_offer_the_hand_off_too(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(4010, "Ana", "en")
    fallback = await ask(api, ana, "what's the weather in berlin today")
    assert "JPO postings" in fallback.text
    assert fallback.button_labels()[-1] == "Ask BFIO"
    person = await ask(api, ana, "Can I talk to a human?")
    assert person.text.startswith("I am a bot, not a person.")
    assert person.button_labels()[-1] == "Ask BFIO"
    answered = await ask(api, ana, "How long is the assignment in Kingston?")
    assert "Ask BFIO" not in answered.button_labels()


async def test_in_a_group_no_hand_off_is_offered(api: FakeBotApi, bot: Application) -> None:
    ana = api.user(4011, "Ana", "en")
    group = api.group(-4011, "Candidates")
    api.send_text(ana, f"@jpo_test_bot {SALARY}", chat=group)
    [reply] = await api.wait_messages(group.id, 1)
    assert "Ask BFIO" not in reply.button_labels()


@pytest.mark.parametrize(
    ("lang", "question", "label", "heading"),
    [
        ("en", "Can I talk to a human?", "Ask BFIO", "I am a bot, not a person."),
        ("de", "Kann ich mit jemandem sprechen?", "BFIO fragen", "Ich bin ein Bot, kein Mensch."),
        (
            "fr",
            "Est-ce que je peux parler à quelqu'un ?",
            "Demander au BFIO",
            "Je suis un bot, pas une personne.",
        ),
        (
            "es",
            "¿Puedo hablar con una persona?",
            "Preguntar al BFIO",
            "Soy un bot, no una persona.",
        ),
    ],
)
async def test_a_person_request_is_understood_in_each_language(
    api: FakeBotApi, bot: Application, lang: str, question: str, label: str, heading: str
) -> None:
    user = api.user(4020, "Kim", lang)
    reply = await ask(api, user, question)
    assert reply.text.startswith(heading)
    assert reply.button_labels()[-1] == label
    confirmation = await press(api, user, reply, label)
    assert question in confirmation.text


async def test_without_a_staff_group_the_public_contact_is_given_and_no_button(
    api: FakeBotApi, tmp_path: Path, knowledge_with_contact: Path
) -> None:
    settings = _settings(tmp_path, api, knowledge_with_contact)
    ana = api.user(4012, "Ana", "en")
    async with running_bot(api, settings, None):
        not_stated = await ask(api, ana, SALARY)
        person = await ask(api, ana, "Can I speak to someone please?")
        fallback = await ask(api, ana, "what's the weather in berlin today")
        answered = await ask(api, ana, "How long is the assignment in Kingston?")
    for reply in (not_stated, person, fallback):
        assert reply.text.endswith(CONTACT_LINE)
        assert "Ask BFIO" not in reply.button_labels()
    assert CONTACT_LINE not in answered.text


async def test_without_a_staff_group_or_a_public_contact_the_wording_stays(
    api: FakeBotApi, tmp_path: Path, knowledge: Path
) -> None:
    settings = _settings(tmp_path, api, knowledge)
    ana = api.user(4013, "Ana", "en")
    async with running_bot(api, settings, None):
        not_stated = await ask(api, ana, SALARY)
    assert not_stated.text.endswith(
        "The posting does not say anything about this. Please ask BFIO (Büro Führungskräfte "
        "zu Internationalen Organisationen)."
    )
    assert "You can reach BFIO" not in not_stated.text
    assert "Ask BFIO" not in not_stated.button_labels()


async def test_privacy_says_what_a_hand_off_keeps_only_when_staff_can_be_asked(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(4016, "Ana", "en")
    privacy = await ask(api, ana, "/privacy")
    assert "Asking BFIO staff:" in privacy.text
    assert "(at most 90 days)" in privacy.text


async def test_add_to_knowledge_makes_the_bot_answer_the_same_question_directly(
    api: FakeBotApi, bot: Application, store: Store, settings: Settings
) -> None:
    ana, li = api.user(4017, "Ana", "en"), api.user(4018, "Li", "en")
    eva = api.user(4108, "Eva", "de")
    posting_file = settings.knowledge_dir / "postings" / "unep-car-rcu.yaml"
    before = posting_file.read_text(encoding="utf-8")
    posted = await _send(api, ana, await _offer(api, ana))
    note = await _staff_reply(api, eva, posted)
    assert note.text == "Delivered ✓"
    assert note.button_labels() == ["Add to knowledge"]
    [data] = [button["callback_data"] for button in note.buttons()]

    query = api.press(eva, note, "Add to knowledge")
    await api.wait_for(lambda: api.messages[(STAFF_CHAT, note.message_id)].text != "Delivered ✓")
    added = api.messages[(STAFF_CHAT, note.message_id)]
    assert added.text.startswith(
        f"Delivered ✓\nAdded to the knowledge as an FAQ entry of {UNEP_NAME} (edit "
    )
    assert "jpo-bot undo " in added.text and added.button_labels() == []
    assert query in api.callback_answers

    after = posting_file.read_text(encoding="utf-8")
    assert STAFF_ANSWER in after and "source: bfio_staff" in after
    assert after.startswith(before.split("\nfaq:")[0])  # the file above the FAQ list is kept
    answer = await ask(api, li, SALARY)
    assert STAFF_ANSWER in answer.text
    assert "Ask BFIO" not in answer.button_labels()
    await store.flush()
    rows = [row for row in await store.export_rows() if row.question == SALARY]
    assert [row.status for row in rows] == ["not_stated", "answered"]
    # The kept answer went with the edit: a second press changes nothing.
    second = api.press(eva, added, data=data)
    await api.wait_for(lambda: second in api.callback_answers)
    assert api.callback_answers[second]["text"].startswith("This answer is no longer kept")


async def test_add_to_knowledge_is_refused_with_file_and_line_when_the_folder_would_not_load(
    api: FakeBotApi, bot: Application, settings: Settings
) -> None:
    ana, eva = api.user(4019, "Ana", "en"), api.user(4109, "Eva", "de")
    posted = await _send(api, ana, await _offer(api, ana))
    note = await _staff_reply(api, eva, posted)
    posting_file = settings.knowledge_dir / "postings" / "unesco-clt.yaml"
    posting_file.write_text(
        posting_file.read_text(encoding="utf-8") + "\nunknown_field: 1\n", encoding="utf-8"
    )
    unep_before = (settings.knowledge_dir / "postings" / "unep-car-rcu.yaml").read_bytes()
    api.press(eva, note, "Add to knowledge")
    key = (STAFF_CHAT, note.message_id)
    await api.wait_for(lambda: api.messages[key].text != "Delivered ✓")
    refused = api.messages[key].text
    assert refused.startswith("Delivered ✓\nNot added to the knowledge: ")
    assert "unesco-clt.yaml:" in refused and "unknown_field" in refused
    assert (settings.knowledge_dir / "postings" / "unep-car-rcu.yaml").read_bytes() == unep_before


async def test_names_questions_and_replies_with_html_characters_travel_unchanged(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(4021, "Ana <3 & co", "en", username="ana_m")
    bob = api.user(4110, "Bob", "de")
    question = "Is the Kingston salary > 3000 & paid in <USD>?"
    posted = await _send(api, ana, await _offer(api, ana, question), "Send with my username")
    assert "First name: Ana <3 & co" in posted.text and f"Question: {question}" in posted.text
    before = len(api.messages_to(ana.chat_id))
    note = await _staff_reply(api, bob, posted, "Yes: <b>not</b> bold & fine")
    [delivered] = (await api.wait_messages(ana.chat_id, before + 1))[before:]
    assert note.text == "Delivered ✓"
    assert delivered.text.endswith("\n\nYes: <b>not</b> bold & fine")
    assert f"your question “{question}”" in delivered.text


async def test_an_answer_time_is_promised_only_when_set(
    api: FakeBotApi, tmp_path: Path, knowledge: Path, staff: FakeGroup
) -> None:
    settings = _settings(tmp_path, api, knowledge, staff_chat_id=STAFF_CHAT, handoff_answer_days=3)
    ana = api.user(4022, "Ana", "en")
    async with running_bot(api, settings, None):
        confirmation = await _offer(api, ana)
        await _send(api, ana, confirmation)
    told = api.messages[(ana.chat_id, confirmation.last.message_id)].text
    assert told.endswith("BFIO staff usually answer within 3 working days.")


async def test_a_second_tap_on_ask_bfio_shows_no_second_confirmation_until_answered(
    api: FakeBotApi, bot: Application
) -> None:
    ana = api.user(4023, "Ana", "en")
    answer = await ask(api, ana, SALARY)
    first = await press(api, ana, answer, "Ask BFIO")
    again = api.press(ana, answer.last, "Ask BFIO")
    await ask(api, ana, "/topics")  # handled after the second tap (one chat, in order)
    assert again in api.callback_answers
    assert sum(m.text.startswith("Send your question") for m in api.messages_to(ana.chat_id)) == 1
    api.press(ana, first.last, "Cancel")
    key = (ana.chat_id, first.last.message_id)
    await api.wait_for(lambda: api.messages[key].text.startswith("Not sent"))
    second = await press(api, ana, answer, "Ask BFIO")  # cancelled: it may be asked anew
    assert second.text.startswith("Send your question to BFIO staff?")


async def test_a_not_stated_reached_by_a_button_offers_the_hand_off_too(
    api: FakeBotApi, bot: Application
) -> None:
    # A topic button on an older message whose posting no longer covers that topic (staff
    # removed it since) ends in "not stated", like a typed question, and offers a person.
    ana = api.user(4301, "Ana", "en")
    earlier = await ask(api, ana, "Which languages do I need for the UNESCO post?")
    before = len(api.messages_to(ana.chat_id))
    api.press(ana, earlier.last, data=encode(ShowTopic("unesco-clt", "duration")))
    await api.wait_messages(ana.chat_id, before + 1)
    await settle(api, ana)
    reply = BotReply(api.messages_to(ana.chat_id)[before:])
    assert "does not say" in reply.text
    assert reply.button_labels()[-1] == "Ask BFIO"
    confirmation = await press(api, ana, reply, "Ask BFIO")
    assert confirmation.text.startswith("Send your question to BFIO staff?")
