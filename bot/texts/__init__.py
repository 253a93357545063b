"""Every word a user reads, one typed catalogue per language (en, de, fr, es).

The engine's framing (`phrases`), the Telegram interface with /help and /privacy
(`ui_texts`), the /forget flow (`forget_texts`), the command descriptions and the
terminal chat's own lines all come from here; the postings' own content comes from the
knowledge files. A language the catalogue does not have gets English. `catalogue.py`
defines the sections, one module per language fills them, and a test holds every
language to English's entries, placeholders and HTML tags.
"""

from __future__ import annotations

from bot.knowledge.schema import LANGS
from bot.texts import de, en, es, fr
from bot.texts.catalogue import (
    CheckTexts,
    CommandTexts,
    DigestTexts,
    ForgetTexts,
    LeadTexts,
    Phrases,
    TerminalTexts,
    Texts,
    UiTexts,
    fill,
)

# Keyed by plain strings: a chat language arrives as whatever the user or Telegram sent.
CATALOGUE: dict[str, Texts] = {"en": en.TEXTS, "de": de.TEXTS, "fr": fr.TEXTS, "es": es.TEXTS}
assert tuple(CATALOGUE) == LANGS, "one catalogue per supported language, in LANGS order"

LANGUAGE_NAMES: dict[str, str] = {lang: texts.language_name for lang, texts in CATALOGUE.items()}


def texts_for(lang: str | None) -> Texts:
    """The whole catalogue of a language, English where it is not supported."""
    return CATALOGUE.get(lang or "en", CATALOGUE["en"])


def phrases(lang: str | None) -> Phrases:
    """The engine's framing texts of a language."""
    return texts_for(lang).phrases


def ui_texts(lang: str | None) -> UiTexts:
    """The Telegram interface texts of a language."""
    return texts_for(lang).ui


LEADS: dict[str, LeadTexts] = {"en": en.LEADS, "de": de.LEADS, "fr": fr.LEADS, "es": es.LEADS}


def lead_texts(lang: str | None) -> LeadTexts:
    """The direct-answer phrases of a language, English where it is not supported."""
    return LEADS.get(lang or "en", LEADS["en"])


def forget_texts(lang: str | None) -> ForgetTexts:
    """The /forget texts of a language."""
    return texts_for(lang).forget


DIGESTS: dict[str, DigestTexts] = {
    "en": en.DIGEST,
    "de": de.DIGEST,
    "fr": fr.DIGEST,
    "es": es.DIGEST,
}


def digest_texts(lang: str | None) -> DigestTexts:
    """The admins' daily digest in a language, English where it is not supported."""
    return DIGESTS.get(lang or "en", DIGESTS["en"])


__all__ = [
    "CATALOGUE",
    "DIGESTS",
    "LANGS",
    "LANGUAGE_NAMES",
    "LEADS",
    "CheckTexts",
    "CommandTexts",
    "DigestTexts",
    "ForgetTexts",
    "LeadTexts",
    "Phrases",
    "TerminalTexts",
    "Texts",
    "UiTexts",
    "digest_texts",
    "fill",
    "forget_texts",
    "lead_texts",
    "phrases",
    "texts_for",
    "ui_texts",
]
