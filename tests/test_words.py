"""Typo correction knows the ordinary words of en/de/fr/es and leaves them alone."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.lexicon import EXACT, FUZZY, Lexicon
from bot.engine.state import ChatState
from bot.engine.text import tokens
from bot.engine.words import real_words
from bot.evaluation import ask_one

WORDS = real_words()
LEXICON = Lexicon(
    ["litter", "contract", "suite", "formation", "professionalism", "vertrag", "languages"],
    real_words=WORDS,
)
STEMMED = Lexicon(["lernen", "postuler", "verdienst"], stems=True, real_words=WORDS)


def _terms(lexicon: Lexicon, question: str) -> dict[str, float]:
    return {hit.term: hit.quality for hit in lexicon.find(tokens(question))}


def test_the_four_languages_ordinary_words_are_loaded() -> None:
    for word in ("letter", "contact", "suits", "informations", "stressig", "requisitos"):
        assert word in WORDS
    for typo in ("langauges", "vertarg", "expereince"):
        assert typo not in WORDS


@pytest.mark.parametrize(
    "question",
    ["Do I need a cover letter?", "Who can I contact?", "which one suits me?",
     "je voudrais des informations"],
)  # fmt: skip
def test_a_real_word_is_never_read_as_a_typo_of_another_word(question: str) -> None:
    assert _terms(LEXICON, question) == {}


def test_real_misspellings_still_match() -> None:
    assert _terms(LEXICON, "Vertarg") == {"vertrag": FUZZY}
    assert _terms(LEXICON, "which langauges") == {"languages": FUZZY}


def test_a_word_of_another_language_may_stand_for_its_english_cognate() -> None:
    assert _terms(LEXICON, "professionnalisme") == {"professionalism": FUZZY}


def test_other_forms_of_a_verb_meet_at_their_stem() -> None:
    assert _terms(STEMMED, "Was lernt man?") == {"lernen": EXACT}
    assert _terms(STEMMED, "comment on postule") == {"postuler": EXACT}
    assert _terms(STEMMED, "was verdient man") == {"verdienst": EXACT}


@pytest.mark.parametrize(
    ("question", "wrong"),
    [("Do I need a cover letter for the UNEP job?", "litter"),
     ("Who can I contact about the UNEP job?", "2 years")],
)  # fmt: skip
def test_near_miss_words_do_not_pull_in_an_unrelated_section(
    assistant: Assistant, question: str, wrong: str
) -> None:
    reply = assistant.ask(question, ChatState(lang="en")).reply
    text = " ".join([reply.answer.text or "", *reply.answer.points])
    text += " ".join(p for block in reply.answer.blocks for p in block.points)
    assert wrong not in text.casefold()


@pytest.mark.parametrize(
    "question", ["How deep is the Caribbean Sea?", "how do I recycle plastic at home?"]
)
def test_a_posting_word_beside_words_the_knowledge_never_uses_is_no_answer(
    assistant: Assistant, question: str
) -> None:
    reply = assistant.ask(question, ChatState(lang="en")).reply
    assert reply.status == "fallback"


def test_uncommon_english_words_count_as_content_but_chatter_and_other_languages_do_not() -> None:
    assert WORDS.is_uncommon_english("deep")
    assert WORDS.is_uncommon_english("recipe")
    for word in ("point", "time", "gut", "voudrais"):
        assert not WORDS.is_uncommon_english(word)


@pytest.mark.parametrize(
    ("question", "topic"),
    [("What would I be busy with most of the day at UNEP?", "duties"),
     ("What must I deliver in the UNEP job?", "outputs"),
     ("Is Excel needed for the UNESCO post?", "skills"),
     ("Which academic background fits the UNESCO job?", "qualifications"),
     ("Wem wäre ich bei der UNESCO unterstellt?", "supervision"),
     ("Puis-je rester plus longtemps au PNUE ?", "duration"),
     # "JPO" is in every posting's text: it names the programme, not a detail.
     ("Quelles tâches aurait le JPO à l'UNESCO ?", "duties"),
     ("Which skills does the JPO need for UNESCO?", "skills")],
)  # fmt: skip
def test_paraphrases_without_the_topics_own_words_find_the_topic(
    assistant: Assistant, question: str, topic: str
) -> None:
    reply = assistant.ask(question, ChatState(lang="en")).reply
    assert (reply.status, reply.topic) == ("answered", topic)


def test_a_short_question_mostly_about_something_else_is_not_answered_from_a_topic(
    assistant: Assistant,
) -> None:
    # "last year" are duration words, but football is what is asked about.
    reply = assistant.ask("Which football club won the cup last year?", ChatState(lang="en")).reply
    assert reply.status == "fallback"


@pytest.mark.parametrize(
    ("question", "fact"),
    [("Ist die Arbeit bei der UNESCO stressig?", "workload"),
     ("Was steht zu den Unterprogrammen der UNEP-Stelle?", "AMEP")],
)  # fmt: skip
def test_the_glossary_carries_german_words_to_the_postings_english_detail(
    assistant: Assistant, question: str, fact: str
) -> None:
    result = ask_one(assistant, question, None, "de")
    assert result["status"] == "answered"
    assert fact in result["answer"]


def test_phrases_accept_other_endings_and_misspellings_but_no_other_real_word() -> None:
    phrases = Lexicon(["online courses", "web site"], real_words=WORDS)
    assert _terms(phrases, "the webs site") == {"web site": EXACT}
    assert _terms(phrases, "onlnie courses") == {"online courses": FUZZY}
    assert _terms(phrases, "an outline courses list") == {}


def test_everyday_words_are_common_and_posting_details_are_not() -> None:
    for word in ("set", "day", "machen", "tiempo"):
        assert WORDS.is_common(word)
    for word in ("budget", "webinars", "sargassum"):
        assert not WORDS.is_common(word)


def test_an_everyday_word_is_no_detail_the_posting_lacks(assistant: Assistant) -> None:
    reply = assistant.ask(
        "My phone is set to German, but what will the UNESCO JPO do day to day?", ChatState()
    ).reply
    assert (reply.status, reply.topic) == ("answered", "duties")
    budget = assistant.ask("Is there a training budget at UNESCO?", ChatState()).reply
    assert budget.status == "not_stated"
