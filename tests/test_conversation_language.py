"""The language of each message: the reply's own words follow it, the chat switches by rule.

Runs on the fixture knowledge (engine) and the real knowledge (terminal chat, `jpo-bot ask`).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys

from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.serving import KnowledgeService
from bot.terminal import run_chat
from tests.conftest import KNOWLEDGE_DIR

UNEP = "unep-car-rcu"


def test_a_german_question_in_an_english_chat_gets_german_framing(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("Wie lange dauert der Einsatz in Kingston?", ChatState())
    assert turn.lang == "de"
    assert "Dauer und Verlängerung" in render_plain(turn.reply.answer)
    # Four clear words or more: the chat speaks German from now on.
    assert turn.state.lang == "de"


def test_an_english_question_in_a_german_chat_gets_english_framing(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("How long is the assignment in Kingston?", ChatState(lang="de"))
    assert turn.lang == "en"
    assert "Duration and extension" in render_plain(turn.reply.answer)


def test_a_short_message_keeps_the_chats_language(fixture_assistant: Assistant) -> None:
    state = ChatState(lang="fr", posting=UNEP)
    turn = fixture_assistant.ask("UNEP?", state)
    assert turn.lang == "fr" and turn.state.lang == "fr"


def test_one_short_foreign_message_answers_in_it_but_the_chat_keeps_its_language(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("Und die Dauer?", ChatState(lang="en", posting=UNEP))
    assert turn.lang == "de"
    assert turn.state.lang == "en"
    again = fixture_assistant.ask("Welche Sprachen?", turn.state)
    # Two clear messages in a row in German: now the chat switches.
    assert again.lang == "de" and again.state.lang == "de"


def test_old_stored_states_without_the_new_fields_still_load() -> None:
    old = ChatState.from_json('{"posting": "unep-car-rcu", "lang": "de", "pending_question": null}')
    assert old == ChatState(posting=UNEP, lang="de")
    odd = ChatState.from_json('{"lang": "fr", "recent_langs": "de", "topics": [1, "duties"]}')
    assert odd.recent_langs == () and odd.topics == ("duties",) and odd.lang == "fr"
    state = ChatState(lang="es", recent_langs=("de", None), topics=("languages",), postings=(UNEP,))
    assert ChatState.from_json(state.to_json()) == state


def test_terminal_chat_switches_to_the_language_the_user_writes_in() -> None:
    out = io.StringIO()
    lines = [
        "How long is the assignment in Kingston?",
        "Welche Sprachen brauche ich für die Stelle in Jamaika?",
        "/help",
    ]
    assert run_chat(KnowledgeService.load(KNOWLEDGE_DIR), lines=lines, out=out, lang="en") == 0
    said = out.getvalue()
    assert "Duration and extension" in said
    assert "UNEP – Kingston, Jamaika — Sprachen" in said
    # The chat's own lines follow: /help now answers in German.
    assert "Tippen Sie eine Frage oder die Nummer eines Vorschlags." in said


def test_ask_lang_is_only_the_starting_point() -> None:
    question = "Welche Sprachen brauche ich für die Stelle in Jamaika?"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "ask",
            "--json",
            "--lang",
            "en",
            "--knowledge",
            str(KNOWLEDGE_DIR),
            question,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["lang"] == "de"
    # The direct answer (the lead) comes first, then the section under its German heading.
    assert result["answer"].startswith(result["lead"])
    assert "\n\nUNEP – Kingston, Jamaika — Sprachen\n" in result["answer"]
