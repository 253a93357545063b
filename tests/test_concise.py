"""Short by default: a broad question gets one phone screen, the full section one tap away."""

from __future__ import annotations

from bot.engine.answers import ShowTopic
from bot.engine.concise import MAX_CHARS
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"


def test_a_broad_question_gets_its_first_points_and_the_full_section_button(
    assistant: Assistant,
) -> None:
    turn = assistant.ask("What are the duties in Kingston?", ChatState())
    text = render_plain(turn.reply.answer)
    assert len(text) <= MAX_CHARS
    assert "Oversee the day-to-day activities" in text
    assert "more points in the full section." in text
    full = turn.reply.suggestions[0]
    assert full.label == "All of “Duties and responsibilities”"
    assert full.action == ShowTopic(UNEP, "duties")

    whole = assistant.act(full.action, turn.state).reply
    whole_text = render_plain(whole.answer)
    assert len(whole_text) > 4000
    assert "Assist the Coordinator of UNEP-Cartagena Convention Secretariat" in whole_text


def test_the_points_that_name_the_question_are_kept_first(assistant: Assistant) -> None:
    reply = assistant.ask("Which duties involve World Oceans Day in Kingston?", ChatState()).reply
    text = render_plain(reply.answer)
    assert len(text) <= MAX_CHARS
    assert "World Oceans Day" in text


def test_a_short_answer_is_left_whole(assistant: Assistant) -> None:
    reply = assistant.ask("How long is the assignment in Kingston?", ChatState()).reply
    text = render_plain(reply.answer)
    assert "more points" not in text
    assert "satisfactory performance" in text


def test_an_answer_that_says_the_whole_section_offers_no_full_section(
    assistant: Assistant,
) -> None:
    # The FAQ answer words the whole languages section: "All of …" would repeat it.
    reply = assistant.ask("Brauche ich für Jamaika Spanisch?", ChatState(lang="de")).reply
    assert reply.topic == "languages"
    assert not any(s.action == ShowTopic(UNEP, "languages") for s in reply.suggestions)


def test_an_answer_that_leaves_part_of_the_section_out_offers_it(assistant: Assistant) -> None:
    reply = assistant.ask("can I take free online courses as a UNEP JPO", ChatState()).reply
    assert reply.suggestions[0].label == "All of “Training and learning”"
    assert reply.suggestions[0].action == ShowTopic(UNEP, "training")
