"""The ordinary vocabulary of English, German, French and Spanish.

Typo correction must only touch words that are not words: "letter" is no typo of
"litter", "contact" none of "contract", French "informations" none of "formation".
The word lists come from the `wordfreq` package (Apache-2.0 code; its data is built from
Wikipedia, subtitles, news and web text): its "small" lists hold every word used at least
once per million words, some 30,000 per language.

The lists are read straight from the package's data files with msgpack (a wordfreq
dependency) rather than through `import wordfreq`, whose text-repair imports alone take
half a second; reading the four lists takes about 150 ms, once per process.
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import msgpack

from bot.engine.text import fold

LANGUAGES = ("en", "de", "fr", "es")
_ENGLISH = 1 << LANGUAGES.index("en")

log = logging.getLogger(__name__)


class RealWords:
    """Which of the four languages use a word; read-only once built."""

    def __init__(self, languages_of: Mapping[str, int]) -> None:
        self._languages_of = languages_of  # folded word -> bit mask of LANGUAGES

    def __contains__(self, word: object) -> bool:
        return word in self._languages_of

    def __len__(self) -> int:
        return len(self._languages_of)

    def may_misspell(self, token: str, word: str) -> bool:
        """Whether a question word a typo away from a known word may stand for it.
        A non-word may ('langauges'); a word of a language never stands for another
        word of that language ('letter'/'litter', 'contact'/'contract'), but it may
        stand for its English cognate ('professionnalisme'/'professionalism'), the
        language the postings are written in."""
        token_languages = self._languages_of.get(token, 0)
        if not token_languages:
            return True
        word_languages = self._languages_of.get(word, 0)
        return not token_languages & word_languages and bool(word_languages & _ENGLISH)


NO_WORDS = RealWords({})


@lru_cache(maxsize=1)
def real_words() -> RealWords:
    """The four languages' lists, read once; empty when wordfreq is missing (typo
    correction then works as before, on every word)."""
    folder = _data_folder()
    if folder is None:
        log.warning("wordfreq is not installed: typo correction cannot tell real words")
        return NO_WORDS
    languages_of: dict[str, int] = {}
    for bit, lang in enumerate(LANGUAGES):
        for word in _plain_words(_read_list(folder / f"small_{lang}.msgpack.gz")):
            languages_of[word] = languages_of.get(word, 0) | 1 << bit
    return RealWords(languages_of)


def _data_folder() -> Path | None:
    # find_spec locates the package without running its (slow) __init__.
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_list(path: Path) -> Iterable[str]:
    """The words of one wordfreq "cBpack" file: a header, then buckets of words by
    frequency (most frequent first)."""
    with gzip.open(path) as stream:
        header, *buckets = msgpack.load(stream, raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"{path}: not a wordfreq word list")
    return (word for bucket in buckets for word in bucket)


def _plain_words(words: Iterable[str]) -> Iterable[str]:
    """Folded single words; "don't" or "l'information" are not one token of ours."""
    for word in words:
        folded = fold(word)
        if folded.isascii() and folded.isalnum():
            yield folded
