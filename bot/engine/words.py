"""The ordinary vocabulary of English, German, French and Spanish.

Typo correction must only touch words that are not words: "letter" is no typo of
"litter", "contact" none of "contract", French "informations" none of "formation".
The word lists come from the `wordfreq` package (code Apache-2.0, data CC BY-SA 4.0,
built from Wikipedia, subtitles, news and web text; installed from PyPI, never copied into
this repository): its "small" lists hold every word used at least once per million
words, some 30,000 to 40,000 per language.

The lists are read straight from the package's data files with msgpack (a wordfreq
dependency) rather than through `import wordfreq`, whose text-repair imports alone take
half a second; reading the four lists takes about 0.1 s of CPU, once per process.
"""

from __future__ import annotations

import gzip
import importlib.util
import logging
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import msgpack

LANGUAGES = ("en", "de", "fr", "es")
# wordfreq's buckets are centibels: bucket 380 holds words of frequency 10^-3.8.
_UNCOMMON_RANK = 380
_MAX_CACHED_WORDS = 100_000

log = logging.getLogger(__name__)


class RealWords:
    """The words of each language with their frequency bucket; read-only once built."""

    def __init__(self, ranks: Mapping[str, Mapping[str, int]]) -> None:
        # language -> folded word -> wordfreq bucket: bucket n holds the words of
        # frequency 10^(-n/100), so lower is more common.
        self._ranks = ranks
        # Question words repeat (and typo checks ask about the same lexicon words often).
        self._languages: dict[str, frozenset[str]] = {}

    def __contains__(self, word: object) -> bool:
        return any(word in ranks for ranks in self._ranks.values())

    def languages(self, word: str) -> frozenset[str]:
        found = self._languages.get(word)
        if found is None:
            if len(self._languages) >= _MAX_CACHED_WORDS:
                self._languages.clear()  # bounded: questions bring new words forever
            found = frozenset(lang for lang, ranks in self._ranks.items() if word in ranks)
            self._languages[word] = found
        return found

    def is_uncommon_english(self, word: str) -> bool:
        """A word English uses more than the other three languages, less often than
        about 16 in 100,000 words ("deep", "recipe"): a content word, not chatter like
        "point" or "time", nor German "gut"."""
        english = self._ranks.get("en", {}).get(word)
        if english is None or english < _UNCOMMON_RANK:
            return False
        others = (ranks.get(word) for lang, ranks in self._ranks.items() if lang != "en")
        return all(rank is None or rank >= english for rank in others)

    def misspells_nothing(self, token: str) -> bool:
        """Whether `may_misspell` refuses the token for every word: an English word
        stands for no other word, so typo search can skip it."""
        return "en" in self.languages(token)

    def is_common(self, word: str) -> bool:
        """A word some language uses more often than about 16 in 100,000 words ("set",
        "day", "machen"): everyday chatter rather than a detail a posting may lack."""
        return any(
            ranks.get(word, _UNCOMMON_RANK) < _UNCOMMON_RANK for ranks in self._ranks.values()
        )

    def may_misspell(self, token: str, word: str) -> bool:
        """Whether a question word a typo away from a known word may stand for it.
        A non-word may ('langauges'); a word of a language never stands for another
        word of that language ('letter'/'litter', 'contact'/'contract'), but it may
        stand for its English cognate ('professionnalisme'/'professionalism'), the
        language the postings are written in."""
        token_languages = self.languages(token)
        if not token_languages:
            return True
        word_languages = self.languages(word)
        return not token_languages & word_languages and "en" in word_languages


NO_WORDS = RealWords({})


@lru_cache(maxsize=1)
def real_words() -> RealWords:
    """The four languages' lists, read once; empty when wordfreq is missing (typo
    correction then works as before, on every word)."""
    folder = _data_folder()
    if folder is None:
        log.warning("wordfreq is not installed: typo correction cannot tell real words")
        return NO_WORDS
    return RealWords({lang: _read_list(folder / f"small_{lang}.msgpack.gz") for lang in LANGUAGES})


def _data_folder() -> Path | None:
    # find_spec locates the package without running its (slow) __init__.
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read_list(path: Path) -> dict[str, int]:
    """The words of one wordfreq "cBpack" file (a header, then buckets of words, most
    frequent first), folded like question words, each with its bucket."""
    with gzip.open(path) as stream:
        header, *buckets = msgpack.load(stream, raw=False)
    if header.get("format") != "cB":
        raise ValueError(f"{path}: not a wordfreq word list")
    ranks: dict[str, int] = {}
    for rank in range(len(buckets) - 1, -1, -1):  # rarest first: the commonest form wins
        ranks.update(dict.fromkeys(buckets[rank], rank))
    accented = [word for word in ranks if not word.isascii()]
    folded = {plain: ranks[word] for word, plain in zip(accented, _folded(accented), strict=True)}
    folded.update(ranks)
    return folded


def _folded(words: list[str]) -> list[str]:
    """The words folded like question words ("durée" -> "duree", "straße" -> "strasse"),
    all in one pass: word by word, folding the lists would take most of their load time.
    wordfreq's words are lower case already; letters that do not decompose to ASCII
    ("œ") are dropped, which only makes a word that no question token can be."""
    text = unicodedata.normalize("NFKD", "\n".join(words).replace("ß", "ss"))
    return text.encode("ascii", "ignore").decode("ascii").split("\n")
