"""The lexicon finds known words despite typos, transpositions and German compounds."""

from __future__ import annotations

from bot.engine.lexicon import COMPOUND, EXACT, FUZZY, Lexicon
from bot.engine.text import tokens

LEXICON = Lexicon(["vertrag", "languages", "sprach", "erfahrung", "how long", "last", "web site"])


def _terms(question: str) -> dict[str, float]:
    return {hit.term: hit.quality for hit in LEXICON.find(tokens(question))}


def test_exact_word_is_found_with_full_quality() -> None:
    assert _terms("Vertrag?") == {"vertrag": EXACT}


def test_transposed_letters_count_as_one_typo() -> None:
    assert _terms("Kann der Vertarg verlängert werden") == {"vertrag": FUZZY}
    assert _terms("what langauges") == {"languages": FUZZY}


def test_german_compound_is_split_at_a_known_head_or_tail() -> None:
    assert _terms("Sprachkenntnisse") == {"sprach": COMPOUND}
    assert _terms("Berufserfahrung") == {"erfahrung": COMPOUND}


def test_phrase_matches_word_by_word() -> None:
    assert "how long" in _terms("How long is it?")
    assert "web site" in _terms("update the web site")


def test_four_letter_words_are_not_guessed() -> None:
    # "list" is one edit from "last"; guessing there turns chatter into topics.
    assert _terms("sort a list") == {}
