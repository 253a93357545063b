"""The catalogue: every language has every entry, with English's placeholders and tags."""

from __future__ import annotations

import dataclasses
import re
from string import Formatter

import pytest

from bot.knowledge.schema import LANGS
from bot.telegram.menu import COMMANDS
from bot.texts import CATALOGUE, LANGUAGE_NAMES, Texts, fill, phrases, texts_for
from bot.texts.catalogue import CommandTexts

_TAG = re.compile(r"</?([a-zA-Z]+)[^>]*>")


def _entries(texts: Texts) -> dict[str, str]:
    """Every string of a catalogue under a dotted name ("ui.privacy")."""
    entries = {"language_name": texts.language_name}
    for section in ("phrases", "ui", "forget", "commands", "terminal", "check", "handoff", "inbox"):
        values = getattr(texts, section)
        for field in dataclasses.fields(values):
            entries[f"{section}.{field.name}"] = getattr(values, field.name)
    return entries


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


ENGLISH = _entries(CATALOGUE["en"])


def test_there_is_one_catalogue_per_supported_language() -> None:
    assert tuple(CATALOGUE) == LANGS
    assert len(set(LANGUAGE_NAMES.values())) == len(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_is_written(lang: str) -> None:
    entries = _entries(CATALOGUE[lang])
    assert entries.keys() == ENGLISH.keys()
    empty = [
        name for name, text in entries.items() if not isinstance(text, str) or not text.strip()
    ]
    assert not empty


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_has_the_placeholders_of_english(lang: str) -> None:
    entries = _entries(CATALOGUE[lang])
    differ = [n for n, text in entries.items() if _placeholders(text) != _placeholders(ENGLISH[n])]
    assert not differ


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_has_the_html_tags_of_english(lang: str) -> None:
    entries = _entries(CATALOGUE[lang])
    differ = [n for n, text in entries.items() if _TAG.findall(text) != _TAG.findall(ENGLISH[n])]
    assert not differ


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_a_translation_is_not_a_copy_of_english(lang: str) -> None:
    entries = _entries(CATALOGUE[lang])
    # Short labels may coincide ("No" is Spanish too); the long texts may not.
    copied = [n for n, text in entries.items() if text == ENGLISH[n] and len(text) > 20]
    assert not copied


def test_every_command_of_the_table_has_a_description_and_nothing_else() -> None:
    assert [f.name for f in dataclasses.fields(CommandTexts)] == [c.name for c in COMMANDS]


def test_the_engine_keeps_its_accessor_and_unknown_languages_get_english() -> None:
    assert phrases("de") is CATALOGUE["de"].phrases
    assert phrases("it") is CATALOGUE["en"].phrases
    assert texts_for(None) is CATALOGUE["en"]


def test_filled_values_are_escaped_the_template_is_not() -> None:
    assert fill("<b>{name}</b>", name="I <3 UNEP & co") == "<b>I &lt;3 UNEP &amp; co</b>"


@pytest.mark.parametrize("lang", LANGS)
def test_privacy_lists_the_answer_ratings_as_stored(lang: str) -> None:
    privacy = fill(texts_for(lang).ui.privacy, days=90)
    assert "👍" in privacy and "👎" in privacy
