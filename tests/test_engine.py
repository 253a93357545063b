"""The engine answers like a candidate expects: right posting, right topic, honest gaps."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.engine.answers import SelectPosting, ShowTopic
from bot.engine.conversation import Assistant
from bot.engine.render import render_html, render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


@dataclass(frozen=True)
class Case:
    question: str
    status: str
    posting: str | None = None
    topic: str | None = None
    contains: tuple[str, ...] = ()
    context: str | None = None
    lang: str = "en"


CASES = [
    # German compounds and typos
    Case(
        "Wie sind die Lebensbedingungen in Kingston?",
        "answered",
        UNEP,
        "living_conditions",
        ("0.719",),
        lang="de",
    ),
    Case(
        "Welche Sprachkentnisse brauche ich für Jamaika?",
        "answered",
        UNEP,
        "languages",
        ("English",),
        lang="de",
    ),
    Case(
        "Arbeitserfahrung für die UNEP-Stelle?",
        "answered",
        UNEP,
        "work_experience",
        ("2 years",),
        lang="de",
    ),
    Case(
        "wie lange dauert der vertarg in jamaika",
        "answered",
        UNEP,
        "duration",
        ("2 years",),
        lang="de",
    ),
    Case(
        "trainnig opportunites in kingston", "answered", UNEP, "training", ("pollution monitoring",)
    ),
    # A detail found in a bullet of the posting
    Case(
        "Will I make videos or audio-visual material in Kingston?",
        "answered",
        UNEP,
        contains=("audio-visual",),
    ),
    Case(
        "Does the UNESCO post involve anniversaries?",
        "answered",
        UNESCO,
        contains=("Anniversaries",),
    ),
    # Is Spanish required or only an asset?
    Case(
        "is Spanish required or only an asset?",
        "answered",
        UNEP,
        "languages",
        ("asset",),
        context=UNEP,
    ),
    # The posting named in the question beats the chat's posting
    Case(
        "and in Jamaica, how long is it?",
        "answered",
        UNEP,
        "duration",
        ("2 years",),
        context=UNESCO,
    ),
    # Two postings named: both answered, each under its own name
    Case(
        "Compare the languages of UNESCO and UNEP",
        "answered",
        None,
        "languages",
        ("UNESCO", "Spanish"),
    ),
    # Honest gaps: the posting does not say
    Case("What is the salary at UNESCO?", "not_stated", UNESCO, "salary", ("BFIO",)),
    Case(
        "Wo ist der Dienstort der UNESCO-Stelle?",
        "not_stated",
        UNESCO,
        "duty_station",
        ("BFIO",),
        lang="de",
    ),
    Case("Is there an age limit?", "not_stated", None, "age_limit", ("BFIO",)),
    # Needs a posting
    Case("what are the duties?", "clarify", topic="duties"),
    Case("Welche Sprachkenntnisse werden verlangt?", "clarify", topic="languages", lang="de"),
    # Programme-wide
    Case("How do I apply?", "answered", None, "how_to_apply", ("BFIO",)),
    Case(
        "Does work experience before my bachelor count?",
        "answered",
        None,
        contains=("first university degree",),
    ),
    # Out of scope, even when sharing words with a posting
    Case("Jamaican recipes please", "fallback"),
    Case("football results in Kingston yesterday", "fallback"),
    Case("write me a python script to sort a list", "fallback"),
    Case("Donne-moi une recette de crêpes", "fallback", lang="fr"),
    Case("asdkjh qwe zzz", "fallback"),
]


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_tricky_question_gets_the_expected_answer(fixture_assistant: Assistant, case: Case) -> None:
    state = ChatState(posting=case.context, lang=case.lang)  # type: ignore[arg-type]
    reply = fixture_assistant.ask(case.question, state).reply
    text = render_plain(reply.answer)
    assert reply.status == case.status, text
    if case.posting is not None or case.status in {"not_stated", "answered"}:
        assert reply.posting == case.posting, text
    if case.topic is not None:
        assert reply.topic == case.topic, text
    for fact in case.contains:
        assert fact.casefold() in text.casefold(), text


def test_facts_of_one_posting_never_appear_in_another(
    fixture_assistant: Assistant, fixture_kb
) -> None:
    for topic_id in fixture_kb.posting_topics(UNESCO):
        text = render_plain(fixture_assistant.topic_reply(topic_id, UNESCO, "en").answer)
        for word in ("Kingston", "Jamaica", "Cartagena", "Caribbean"):
            assert word not in text, (topic_id, word)


def test_clarify_remembers_the_question_and_answers_it_once_a_posting_is_chosen(
    fixture_assistant: Assistant,
) -> None:
    first = fixture_assistant.ask("Which languages do I need?", ChatState())
    assert first.reply.status == "clarify"
    choices = [s.action for s in first.reply.suggestions]
    assert SelectPosting(UNESCO) in choices and SelectPosting(UNEP) in choices
    second = fixture_assistant.act(SelectPosting(UNESCO), first.state)
    assert second.reply.status == "answered"
    assert second.reply.topic == "languages" and second.reply.posting == UNESCO
    assert second.state.posting == UNESCO and second.state.pending_question is None


def test_naming_a_posting_selects_it_for_the_next_question(fixture_assistant: Assistant) -> None:
    turn = fixture_assistant.ask("Tell me about the UNEP job", ChatState())
    assert turn.reply.topic == "overview" and turn.state.posting == UNEP
    follow = fixture_assistant.ask("what about the supervision?", turn.state)
    assert follow.reply.posting == UNEP and follow.reply.topic == "supervision"
    assert "Coordinator" in render_plain(follow.reply.answer)


def test_german_question_gets_german_framing_around_english_content(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("Was verdient man?", ChatState(posting=UNEP, lang="de")).reply
    assert reply.status == "not_stated"
    text = render_plain(reply.answer)
    assert "Gehalt" in text and "Ausschreibung" in text and "BFIO" in text


def test_answers_offer_follow_up_topics_that_the_posting_covers(
    fixture_assistant: Assistant, fixture_kb
) -> None:
    reply = fixture_assistant.ask("What would I do?", ChatState(posting=UNESCO)).reply
    assert reply.suggestions
    for suggestion in reply.suggestions:
        assert isinstance(suggestion.action, ShowTopic)
        assert fixture_kb.content(UNESCO, suggestion.action.topic) is not None


def test_stale_actions_lead_back_to_a_menu_instead_of_failing(fixture_assistant: Assistant) -> None:
    turn = fixture_assistant.act(ShowTopic("no-such-posting", "duties"), ChatState())
    assert turn.reply.suggestions
    assert all(isinstance(s.action, SelectPosting) for s in turn.reply.suggestions)
    turn = fixture_assistant.act(ShowTopic(UNEP, "no_such_topic"), ChatState())
    assert turn.reply.suggestions


@pytest.mark.parametrize("question", ["", "   ", "?!", "🙂🙂"])
def test_empty_or_wordless_message_asks_for_a_question(
    fixture_assistant: Assistant, question
) -> None:
    reply = fixture_assistant.ask(question, ChatState()).reply
    assert reply.status == "fallback"
    assert reply.suggestions


def test_huge_message_is_answered_from_its_beginning(fixture_assistant: Assistant) -> None:
    question = "Which languages do I need for the UNEP post? " + "blah " * 5000
    reply = fixture_assistant.ask(question, ChatState()).reply
    assert reply.status == "answered" and reply.topic == "languages"


def test_html_rendering_escapes_special_characters(fixture_assistant: Assistant) -> None:
    reply = fixture_assistant.ask("What is CAR/RCU <b> & co?", ChatState(posting=UNEP)).reply
    html = render_html(reply.answer)
    assert "<b>" in html  # the heading
    body = html.split("</b>", 1)[1]
    assert "<" not in body.replace("<b>", "").replace("</b>", "").replace("<i>", "").replace(
        "</i>", ""
    )


def test_two_unrelated_topics_scoring_alike_become_a_did_you_mean_choice(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("languages and training", ChatState(posting=UNEP)).reply
    assert reply.status == "clarify"
    assert [s.action for s in reply.suggestions] == [
        ShowTopic(UNEP, "languages"),
        ShowTopic(UNEP, "training"),
    ]


def test_topic_only_one_posting_covers_is_answered_from_it_and_says_so(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("How long is the contract?", ChatState()).reply
    assert reply.status == "answered" and reply.posting == UNEP
    assert "UNESCO" in (reply.answer.note or "")


def test_detail_several_postings_mention_asks_which_posting(fixture_assistant: Assistant) -> None:
    reply = fixture_assistant.ask("Muss ich Berichte schreiben?", ChatState(lang="de")).reply
    assert reply.status == "clarify"
    assert {s.action for s in reply.suggestions} == {SelectPosting(UNEP), SelectPosting(UNESCO)}


def test_answers_do_not_depend_on_hash_order() -> None:
    import json
    import subprocess
    import sys

    from tests.conftest import FIXTURE_KNOWLEDGE_DIR, REPO

    outputs = set()
    for seed in ("0", "3", "7"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "ask",
                "--json",
                "--context",
                UNEP,
                "--knowledge",
                str(FIXTURE_KNOWLEDGE_DIR),
                "languages and training",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=REPO,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
        )
        assert done.returncode == 0, done.stderr
        outputs.add(json.dumps(json.loads(done.stdout), sort_keys=True))
    assert len(outputs) == 1


def test_a_posting_gone_after_a_reload_is_dropped_from_the_state(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("What are the duties?", ChatState(posting="removed-posting"))
    assert turn.reply.status == "clarify"
    assert turn.state.posting is None


def test_a_pending_question_is_forgotten_once_another_question_is_answered(
    fixture_assistant: Assistant,
) -> None:
    first = fixture_assistant.ask("Which languages do I need?", ChatState())
    assert first.state.pending_question
    second = fixture_assistant.ask("How do I apply?", first.state)
    assert second.state.pending_question is None
    third = fixture_assistant.act(SelectPosting(UNESCO), second.state)
    assert third.reply.topic == "overview"


def test_a_detail_only_another_posting_mentions_is_answered_without_switching(
    fixture_assistant: Assistant,
) -> None:
    turn = fixture_assistant.ask("Will I work on sargassum?", ChatState(posting=UNESCO))
    assert turn.reply.posting == UNEP and "Sargassum" in render_plain(turn.reply.answer)
    assert "UNESCO" in (turn.reply.answer.note or "")
    assert turn.state.posting == UNESCO


def test_generic_words_do_not_name_a_posting(fixture_assistant: Assistant) -> None:
    turn = fixture_assistant.ask("Is the office environment friendly?", ChatState(posting=UNESCO))
    assert turn.reply.posting in (None, UNESCO)
    assert turn.state.posting == UNESCO


def test_overlong_question_says_it_read_only_the_beginning(fixture_assistant: Assistant) -> None:
    reply = fixture_assistant.ask("Which languages for UNEP? " + "x" * 2000, ChatState()).reply
    assert "first part" in (reply.answer.note or "")


def test_a_detail_the_posting_never_mentions_is_not_stated_with_the_topic_shown(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask("is there a training budget?", ChatState(posting=UNESCO)).reply
    assert reply.status == "not_stated" and reply.topic == "training"
    text = render_plain(reply.answer)
    assert "budget" in (reply.answer.note or "") and "Learning elements" in text


@pytest.mark.parametrize(
    ("question", "lang", "fact"),
    [
        ("¿El puesto en Kingston trata sobre basura marina?", "es", "Marine Litter"),
        ("Le poste Culture de l'UNESCO est-il intersectoriel ?", "fr", "inter-sectoral"),
        ("Brauche ich Organisationstalent bei der UNESCO?", "de", "organizational"),
    ],
)
def test_questions_in_other_languages_find_the_english_detail(
    fixture_assistant: Assistant, question: str, lang: str, fact: str
) -> None:
    reply = fixture_assistant.ask(question, ChatState(lang=lang)).reply  # type: ignore[arg-type]
    assert reply.status == "answered"
    assert fact.casefold() in render_plain(reply.answer).casefold()


@pytest.mark.parametrize(
    ("question", "context", "lang", "status", "topic"),
    [
        ("Do I need a driving licence?", UNEP, "en", "not_stated", "driving_licence"),
        ("Mutterschutz?", UNEP, "de", "not_stated", "leave"),
        ("Gibt es Kinderbetreuung in Kingston?", UNEP, "de", "not_stated", "family"),
        ("Is the post full-time?", UNESCO, "en", "not_stated", "working_hours"),
        ("Fremdsprachenkenntnisse?", UNEP, "de", "answered", "languages"),
        ("Quelles langues sont requises ?", UNESCO, "fr", "answered", "languages"),
        ("Reicht ein Bachelorabschluss?", UNEP, "de", "answered", "qualifications"),
        ("Wo kann ich in Kingston gut essen?", UNEP, "de", "fallback", None),
    ],
)
def test_everyday_questions_land_on_the_topic_a_candidate_means(
    fixture_assistant: Assistant,
    question: str,
    context: str,
    lang: str,
    status: str,
    topic: str | None,
) -> None:
    reply = fixture_assistant.ask(question, ChatState(posting=context, lang=lang)).reply  # type: ignore[arg-type]
    assert (reply.status, reply.topic) == (status, topic), render_plain(reply.answer)


@pytest.mark.parametrize(
    "question", ["Does Google have jobs in Paris?", "Do you have any jobs at Siemens?"]
)
def test_other_employers_get_the_fallback(fixture_assistant: Assistant, question: str) -> None:
    assert fixture_assistant.ask(question, ChatState()).reply.status == "fallback"
