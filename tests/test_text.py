"""Normalisation: questions and knowledge meet on the same folded words."""

from __future__ import annotations

import pytest

from bot.engine.text import content_tokens, fold, max_typos, tokens


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


def test_content_tokens_drop_function_words_in_all_languages() -> None:
    assert content_tokens("What are the duties of the job?") == ("duties",)
    assert content_tokens("Welche Sprachen brauche ich für die Stelle?") == ("sprachen",)
    assert content_tokens("Quelles sont les compétences requises ?") == (
        "competences",
        "requises",
    )


def test_short_words_get_no_typo_tolerance() -> None:
    assert max_typos("list") == 0
    assert max_typos("skils") == 1
    assert max_typos("aplication") == 2
