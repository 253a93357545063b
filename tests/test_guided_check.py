"""The guided eligibility check (/check) in the engine, the button codec and the terminal chat."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.engine import guided
from bot.engine.answers import AnswerCheck, Reply
from bot.engine.conversation import Assistant, Turn
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import LANGS
from bot.serving import KnowledgeService
from bot.telegram.callbacks import MAX_CALLBACK_BYTES, decode, encode
from bot.terminal import TerminalChat
from bot.texts import fill, ui_texts

REPO = Path(__file__).resolve().parents[1]
KB = load_knowledge(REPO / "knowledge")
UNEP = "UNEP – Kingston, Jamaica"
UNESCO = "UNESCO – Culture Sector"


@pytest.fixture(scope="module")
def assistant() -> Assistant:
    return Assistant(KB)


def pick(assistant: Assistant, turn: Turn, label: str) -> Turn:
    """Presses the choice labelled `label`, as a button or a typed number would."""
    labels = [s.label for s in turn.reply.suggestions]
    assert label in labels, labels
    return assistant.act(turn.reply.suggestions[labels.index(label)].action, turn.state)


def run(assistant: Assistant, labels: list[str], lang: str = "en") -> Turn:
    turn = assistant.start_check(ChatState(lang=lang))
    for label in labels:
        turn = pick(assistant, turn, label)
    return turn


def text(reply: Reply) -> str:
    return render_plain(reply.answer)


def test_four_questions_then_a_verdict_per_posting_with_reasons_and_how_to_apply(
    assistant: Assistant,
) -> None:
    turn = run(assistant, ["Master or higher", "One year", "Fluent", "Environmental Management"])
    said = text(turn.reply)
    assert said.startswith(
        f"{UNEP}: Not yet: the programme asks for 2 years of work experience after your first "
        "degree; you mention one year."
    )
    assert f"{UNESCO}: Not yet" in said
    assert (
        "Your answers: Master or higher; One year; English: Fluent; Environmental Management."
        in said
    )
    assert "How to apply\n• Please send your JPO application directly to BFIO" in said
    assert said.endswith(
        "BFIO decides on eligibility: ask BFIO (Büro Führungskräfte zu "
        "Internationalen Organisationen) or send them your application."
    )
    assert turn.state.check == ("master", "1", "fluent", "Environmental Management")


def test_enough_experience_and_a_listed_field_is_a_yes_for_that_posting(
    assistant: Assistant,
) -> None:
    said = text(
        run(
            assistant, ["Master or higher", "3 or more", "Working knowledge", "Natural Sciences"]
        ).reply
    )
    assert said.startswith(f"{UNEP}: Yes, as far as the posting says.")
    # UNESCO lists other fields: whether this one counts is BFIO's call, not a yes.
    assert f"{UNESCO}: Can't tell yet: the posting asks for cultural policies" in said


def test_basic_english_is_not_yet_where_english_is_essential(assistant: Assistant) -> None:
    said = text(run(assistant, ["Master or higher", "2 years", "Basic", "Natural Sciences"]).reply)
    assert said.startswith(f"{UNEP}: Not yet: English is essential.")


def test_without_a_degree_the_years_are_skipped_and_the_verdict_says_why(
    assistant: Assistant,
) -> None:
    turn = run(assistant, ["None yet"])
    assert "3/4" in text(turn.reply)  # straight to English: no experience after no degree
    said = text(run(assistant, ["None yet", "Fluent", "Another field"]).reply)
    assert "you have no university degree yet" in said
    assert "Your answers: None yet; English: Fluent; Another field." in said


def test_the_check_reuses_the_free_text_verdicts(assistant: Assistant) -> None:
    guided_said = text(
        run(assistant, ["Master or higher", "One year", "Fluent", "Environmental Management"]).reply
    )
    free = assistant.ask(
        "I have a Master in Environmental Management and 1 year of experience after my "
        "bachelor and I speak English, am I eligible?",
        ChatState(),
    )
    assert guided_said.split("\n\n")[0] == text(free.reply).split("\n\n")[0]


def test_the_check_speaks_the_chats_language(assistant: Assistant) -> None:
    turn = assistant.start_check(ChatState(lang="de"))
    assert [s.label for s in turn.reply.suggestions] == [
        "Bachelor",
        "Master oder höher",
        "Noch keinen",
    ]
    turn = pick(assistant, turn, "Master oder höher")
    assert "Das Programm verlangt 2 Jahre" in text(turn.reply)


def test_an_earlier_button_changes_that_answer_and_asks_again_from_there(
    assistant: Assistant,
) -> None:
    turn = run(assistant, ["Master or higher", "One year", "Fluent"])
    changed = assistant.act(AnswerCheck("years", "3"), turn.state)
    assert changed.state.check == ("master", "3")
    assert "3/4" in text(changed.reply)


@pytest.mark.parametrize(
    "action",
    [AnswerCheck("field", "99"), AnswerCheck("salary", "1"), AnswerCheck("field", "0")],
)
def test_a_forged_or_out_of_order_answer_starts_the_check_over(
    assistant: Assistant, action: AnswerCheck
) -> None:
    turn = assistant.act(action, ChatState(check=("master",)))
    assert turn.state.check == ()
    assert "1/4" in text(turn.reply)


def test_a_new_check_drops_the_earlier_answers(assistant: Assistant) -> None:
    done = run(assistant, ["Bachelor", "2 years", "Fluent", "Another field"])
    assert assistant.start_check(done.state).state.check == ()


def test_every_check_button_fits_telegram_and_decodes_to_its_action() -> None:
    for step in guided.STEPS:
        for choice in guided.choices(KB, step):
            data = encode(AnswerCheck(step, choice))
            assert len(data.encode()) <= MAX_CALLBACK_BYTES
            assert data.startswith("v1:c:")
            assert decode(data) == AnswerCheck(step, choice)


@pytest.mark.parametrize(
    "data", ["v1:c:degree", "v1:c:Degree:master", "v1:c:degree:mä", "v2:c:degree:master"]
)
def test_malformed_check_data_is_refused(data: str) -> None:
    assert decode(data) is None


def test_the_state_keeps_the_answers_and_reads_older_or_damaged_states() -> None:
    state = ChatState(check=("master", "1", "fluent", "Natural Sciences"))
    assert ChatState.from_json(state.to_json()) == state
    older = json.dumps({"posting": None, "lang": "de"})
    assert ChatState.from_json(older).check == ()
    damaged = json.dumps({"lang": "en", "check": ["master", 3, None, "Natural Sciences"]})
    assert ChatState.from_json(damaged).check == ("master", "Natural Sciences")
    assert ChatState.from_json(json.dumps({"check": "master"})).check == ()


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_lists_the_check_answers_as_stored_in_every_language(lang: str) -> None:
    privacy = fill(ui_texts(lang).privacy, days=90)
    assert "/check" in privacy and "/forget" in privacy


def test_the_terminal_runs_the_check_with_numbered_choices_and_logs_none_of_it() -> None:
    out = io.StringIO()
    logged: list[str] = []
    chat = TerminalChat(
        KnowledgeService.load(REPO / "knowledge"),
        out,
        on_turn=lambda said, kind, reply, ms: logged.append(said),
    )
    for line in ("/check", "2", "2", "1", "1"):
        assert chat.handle(line)
    said = out.getvalue()
    assert (
        "1/4 Which university degree do you have?\n  [1] Bachelor\n  [2] Master or higher" in said
    )
    assert "  [4] 3 or more" in said
    assert f"{UNEP}: Not yet: the programme asks for 2 years" in said
    assert chat.state.check == ("master", "1", "fluent", "Environmental Management")
    assert logged == []
    chat.handle("How long is the assignment in Kingston?")
    assert logged == ["How long is the assignment in Kingston?"]
