"""Normalisation: questions and knowledge meet on the same folded words."""

from __future__ import annotations

import re

import pytest

from bot.engine.text import fold, is_stop_word, max_typos, starts_a_word, tokens


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Jamaïque", "jamaique"),
        ("Größe", "grosse"),
        ("ÜBERBLICK", "uberblick"),
        ("¿Qué idiomas?", "¿que idiomas?"),
    ],
)
def test_fold_lowercases_and_strips_accents(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_hyphens_and_punctuation_separate_words() -> None:
    assert tokens("Social-Media-Kanäle, CReW+ & e-Performance!") == (
        "social",
        "media",
        "kanale",
        "crew",
        "e",
        "performance",
    )


def _meaningful(text: str) -> tuple[str, ...]:
    return tuple(token for token in tokens(text) if not is_stop_word(token))


def test_function_words_are_stop_words_in_all_languages() -> None:
    assert _meaningful("What are the duties of the job?") == ("duties",)
    assert _meaningful("Welche Sprachen brauche ich für die Stelle?") == ("sprachen",)
    assert _meaningful("Quelles sont les compétences requises ?") == (
        "competences",
        "requises",
    )


def test_short_words_get_no_typo_tolerance() -> None:
    assert max_typos("list") == 0
    assert max_typos("skils") == 1
    assert max_typos("aplication") == 2


@pytest.mark.parametrize(
    ("word", "text"),
    [("web", "update the website"), ("site", "update the website"),
     ("site", "the web site"), ("media", "social-media channels"),
     ("2022", "since 2022"), ("022", "since 2022"), ("ab", "_ab ab_"), ("ab", "xab_ab"),
     ("ab", "éab"), ("ab", "ab"), ("a", ""), ("", "text"), ("-x", "a -x")],
)  # fmt: skip
def test_a_word_starts_a_word_exactly_where_a_word_boundary_pattern_finds_it(
    word: str, text: str
) -> None:
    assert starts_a_word(word, text) == bool(re.search(rf"\b{re.escape(word)}", text))
