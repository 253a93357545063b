"""BFIO's public contact (`programme.yaml`, `public_contact`) and "can I talk to a person?".

The contact is validated like every other field (file:line on a bad e-mail, a non-https
URL, a phone number with letters), shipped empty, and given under the replies the bot
cannot give once staff fill it in; a request for a person is small talk of its own kind in
all four languages, and `ask --json` keeps the contract's statuses.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine.answers import Answer, Reply
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.loader import load_knowledge
from bot.telegram.callbacks import (
    MAX_CALLBACK_BYTES,
    AddToKnowledge,
    AskStaff,
    ConfirmHandoff,
    decode,
    encode,
)
from bot.telegram.handoff import HandoffOffer
from tests.conftest import FIXTURE_KNOWLEDGE_DIR, KNOWLEDGE_DIR

BFIO = "BFIO (Büro Führungskräfte zu Internationalen Organisationen)"
CONTACT = f"contact:\n  en: {BFIO}\n  de: {BFIO}\n"
LINE = "You can reach BFIO directly: jpo@example.org · https://example.org/jpo · +49 228 99 0"


def _with_public_contact(tmp_path: Path, block: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE_DIR, folder)
    programme = folder / "programme.yaml"
    text = programme.read_text(encoding="utf-8")
    assert CONTACT in text
    programme.write_text(text.replace(CONTACT, CONTACT + block), encoding="utf-8")
    return folder


FILLED = (
    "public_contact:\n  email: jpo@example.org\n  url: https://example.org/jpo\n"
    "  phone: +49 228 99 0\n"
)


def test_the_shipped_public_contact_is_empty_and_valid() -> None:
    assert load_knowledge(KNOWLEDGE_DIR).programme.public_contact.parts() == ()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "jpo at example.org", "`public_contact.email` should be an e-mail address"),
        ("url", "http://example.org/jpo", "should be a web address starting with `https://`"),
        ("phone", "+49 BFIO", "`public_contact.phone` should be a phone number"),
    ],
)
def test_a_malformed_public_contact_is_refused_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: str, value: str, message: str
) -> None:
    folder = _with_public_contact(tmp_path, f"public_contact:\n  {field}: {value}\n")
    lines = (folder / "programme.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index(f"  {field}: {value}") + 1

    assert main(["validate", str(folder)]) == 1

    out = capsys.readouterr().out
    assert f"programme.yaml:{line}:" in out
    assert message in out and value in out


def test_a_filled_public_contact_goes_under_what_the_bot_cannot_answer(tmp_path: Path) -> None:
    assistant = Assistant(load_knowledge(_with_public_contact(tmp_path, FILLED)))
    state = ChatState(posting="unep-car-rcu")

    not_stated = assistant.ask("What is the salary?", state).reply
    fallback = assistant.ask("What's the weather in Berlin today?", state).reply
    person = assistant.ask("Can I talk to a human?", state).reply
    answered = assistant.ask("How long is the assignment?", state).reply

    assert (not_stated.status, fallback.status, answered.status) == (
        "not_stated",
        "fallback",
        "answered",
    )
    for reply in (not_stated, fallback, person):
        assert render_plain(reply.answer).endswith(LINE)
    assert LINE not in render_plain(answered.answer)


def test_an_empty_public_contact_keeps_the_wording(fixture_assistant: Assistant) -> None:
    reply = fixture_assistant.ask("What is the salary?", ChatState(posting="unep-car-rcu")).reply
    assert reply.answer.contact is None
    assert render_plain(reply.answer).endswith(
        "Please ask BFIO (Büro Führungskräfte zu Internationalen Organisationen)."
    )


@pytest.mark.parametrize(
    "question",
    [
        "can I talk to a human?",
        "I would like to speak with a real person, please",
        "Kann ich mit jemandem sprechen?",
        "Ich möchte bitte mit einem Menschen sprechen",
        "puis-je parler à quelqu'un ?",
        "Je voudrais parler à un conseiller",
        "¿puedo hablar con una persona?",
        "Quisiera hablar con alguien, por favor",
    ],
)
def test_asking_for_a_person_is_understood_in_four_languages(
    fixture_assistant: Assistant, question: str
) -> None:
    reply = fixture_assistant.ask(question, ChatState()).reply
    assert (reply.status, reply.wants_person) == ("smalltalk", True)


@pytest.mark.parametrize(
    "question",
    ["are you a human?", "can I talk to someone about the visa?", "who are you?", "hello"],
)
def test_other_messages_are_no_request_for_a_person(
    fixture_assistant: Assistant, question: str
) -> None:
    assert not fixture_assistant.ask(question, ChatState()).reply.wants_person


def test_ask_json_keeps_the_contract_status_for_a_person_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(
            ["ask", "--json", "--knowledge", str(KNOWLEDGE_DIR), "Kann ich mit jemandem sprechen?"]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "smalltalk"
    assert printed["answer"].startswith("Ich bin ein Bot, kein Mensch.")


def test_hand_off_buttons_round_trip_and_forged_data_is_refused() -> None:
    actions = (
        AskStaff("Ab-_0123456789xyz"),
        ConfirmHandoff(12, "s"),
        ConfirmHandoff(7, "n"),
        AddToKnowledge(999_999_999_999),
    )
    for action in actions:
        data = encode(action)
        assert len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
        assert decode(data) == action
    forged_data = ("v1:ho:short", "v1:hc:x:1", "v1:hc:s:0", "v1:hc:s:-1", "v1:hc:s:1:2", "v1:hk:x")
    for forged in forged_data:
        assert decode(forged) is None


def test_the_offer_replaces_the_public_contact_only_where_it_is_made() -> None:
    reply = Reply(status="not_stated", answer=Answer(heading="h", contact="You can reach BFIO"))
    assert HandoffOffer(-100).shown(reply, "private").answer.contact is None
    assert HandoffOffer(-100).shown(reply, "group").answer.contact == "You can reach BFIO"
    assert HandoffOffer(None).shown(reply, "private").answer.contact == "You can reach BFIO"
    answered = Reply(status="answered", answer=Answer(heading="h"))
    assert not HandoffOffer(-100).applies(answered, "private")
