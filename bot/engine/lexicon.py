"""A lexicon of known words and phrases, found in a question despite typos and compounds.

rapidfuzz does the fuzzy part: each question word is compared with the lexicon's words by
optimal-string-alignment distance, so one transposition ("Vertarg") costs one edit, not
two. German compounds ("Sprachkenntnisse", "Berufserfahrung") are split at a known
prefix or suffix. Phrases match word by word, each word with the same tolerance.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.engine.text import is_stop_word, max_typos, tokens
from bot.engine.words import NO_WORDS, RealWords

EXACT = 1.0
FUZZY = 0.85
COMPOUND = 0.75
COGNATE = 0.7

_MIN_COMPOUND_PART = 5  # 'land' in 'Deutschland' is no evidence of a country question
_MIN_COMPOUND_REST = 3
_FUZZY_LIMIT = 4
# Cognates share a long beginning: diplomatie/diplomacy, ratify/ratification.
_COGNATE_PREFIX = 6
_SHORT_COGNATE_PREFIX = 5
_SHORT_COGNATE_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class WordMatch:
    """A lexicon word that a question word stands for, and how sure that is."""

    word: str
    quality: float


@dataclass(frozen=True, slots=True)
class Hit:
    """A lexicon term found in a question, over the question's tokens start..end-1."""

    term: str
    start: int
    end: int
    quality: float

    @property
    def length(self) -> int:
        return self.end - self.start


class Lexicon:
    """Terms (single words and multi-word phrases) that can be found in token lists."""

    def __init__(
        self,
        terms: Iterable[str],
        *,
        compounds: bool = True,
        cognates: bool = False,
        stems: bool = False,
        real_words: RealWords = NO_WORDS,
    ) -> None:
        # A word of a language is never read as a typo of another word of that language
        # ("letter" is no "litter"); inflections, compounds and cognates still count.
        self._real = real_words
        # Phrases by first and second word, so a question word is compared only with
        # phrases that can still match.
        self._phrases: dict[str, dict[str, list[tuple[str, ...]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        words: set[str] = set()
        for term in terms:
            parts = tokens(term)
            if len(parts) == 1:
                words.add(parts[0])
            elif parts:
                self._phrases[parts[0]][parts[1]].append(parts)
        self._words = frozenset(words)
        self._word_list = sorted(words)
        # The lexicon's words by length, for typo search: a word more letters longer or
        # shorter than the typos allowed can never match (bands filled on first use).
        self._by_length: dict[int, list[str]] = defaultdict(list)
        for word in words:
            self._by_length[len(word)].append(word)
        self._near_length: dict[tuple[int, int], list[str]] = {}
        self._compound_parts = frozenset(
            word
            for word in words
            if len(word) >= _MIN_COMPOUND_PART and not is_stop_word(word) and compounds
        )
        self._by_stem: dict[str, list[str]] = defaultdict(list)
        if cognates:
            for word in words:
                if len(word) >= _SHORT_COGNATE_PREFIX:
                    self._by_stem[word[:_SHORT_COGNATE_PREFIX]].append(word)
        self._by_inflection_stem: dict[str, list[str]] = defaultdict(list)
        if stems:
            for word in words:
                for stem in _stems(word):
                    self._by_inflection_stem[stem].append(word)
        self._phrase_firsts = list(self._phrases)
        self._first_order = {first: number for number, first in enumerate(self._phrase_firsts)}
        self._firsts_of_length: dict[int, list[str]] = defaultdict(list)
        for first in self._phrase_firsts:
            self._firsts_of_length[len(first)].append(first)
        self._firsts_by_length: dict[int, list[str]] = {}
        self.match_word = lru_cache(maxsize=32768)(self._match_word)
        # A question word meets the same phrase words again and again (thousands of
        # aliases share "unep"); the answer depends on the two words only.
        self._similarity: dict[tuple[str, str], float] = {}

    @property
    def words(self) -> frozenset[str]:
        return self._words

    def __contains__(self, word: str) -> bool:
        return word in self._words

    def find(self, question_tokens: tuple[str, ...]) -> list[Hit]:
        """Every term occurrence in the tokens: phrases first, then single words."""
        hits: list[Hit] = []
        for start, token in enumerate(question_tokens):
            hits.extend(self._phrase_hits(question_tokens, start, token))
            hits.extend(
                Hit(match.word, start, start + 1, match.quality) for match in self.match_word(token)
            )
        return hits

    def _phrase_hits(self, question_tokens: tuple[str, ...], start: int, token: str) -> list[Hit]:
        if start + 1 >= len(question_tokens):
            return []
        firsts = [token] if token in self._phrases else []
        firsts.extend(match.word for match in self.match_word(token, phrases_only=True))
        second = question_tokens[start + 1]
        hits = []
        for first in firsts:
            by_second = self._phrases[first]
            seconds = [
                w
                for w in self._near(second, by_second)
                if w == second or self._similar(second, w) > 0
            ]
            for phrase in (p for w in seconds for p in by_second[w]):
                end = start + len(phrase)
                if end > len(question_tokens):
                    continue
                quality = min(
                    self._similar(question_tokens[start + k], phrase[k]) for k in range(len(phrase))
                )
                if quality > 0:
                    hits.append(Hit(" ".join(phrase), start, end, quality))
        return hits

    def _match_word(self, token: str, phrases_only: bool = False) -> tuple[WordMatch, ...]:
        """Lexicon words this question word stands for: exact, a typo away, or a part of it."""
        if phrases_only:
            if is_stop_word(token):
                return ()
            # Inflections and typos change a word's length by two letters at most.
            return tuple(
                WordMatch(first, FUZZY)
                for first in self._phrase_firsts_near(token)
                if abs(len(first) - len(token)) <= _MAX_LENGTH_CHANGE
                and first != token
                and self._similar(token, first) > 0
            )
        if token in self._words:
            return (WordMatch(token, EXACT),)
        if is_stop_word(token):
            return ()  # "viele" is a stop word, not a typo of "ville"
        inflected = self._inflection(token) or self._same_stem(token)
        if inflected:
            return inflected
        fuzzy = self._fuzzy(token)
        if fuzzy:
            return fuzzy
        return self._compound(token) or self._cognates(token)

    def _near(self, word: str, by_second: dict[str, list[tuple[str, ...]]]) -> Iterable[str]:
        """The second words of phrases that may stand for `word`, in lexicon order: all of
        few, else those at most _MAX_LENGTH_CHANGE edits away (a thousand postings' aliases
        share a first word: "unep 0042")."""
        if len(by_second) <= _FEW_PHRASES:
            return by_second
        seconds = list(by_second)
        near = process.extract(
            word, seconds, scorer=OSA.distance, score_cutoff=_MAX_LENGTH_CHANGE, limit=None
        )
        return [seconds[index] for index in sorted(index for _, _, index in near)]

    def _phrase_firsts_near(self, token: str) -> list[str]:
        """The phrases' first words at most _MAX_LENGTH_CHANGE edits from the token, in
        lexicon order: every word `_similar` accepts is (an ending or a typo away), and
        rapidfuzz finds them without a Python call per phrase."""
        if self._real.misspells_nothing(token):
            # An English word is no typo: only another ending of it can match.
            forms = {token + ending for ending in _ENDINGS}
            forms.update(token[: -len(ending)] for ending in _ENDINGS if token.endswith(ending))
            known = [form for form in forms if form in self._first_order]
            return sorted(known, key=self._first_order.__getitem__)
        firsts = self._firsts_by_length.get(len(token))
        if firsts is None:  # those of a length within reach, in lexicon order
            reach = range(len(token) - _MAX_LENGTH_CHANGE, len(token) + _MAX_LENGTH_CHANGE + 1)
            near_length = (f for n in reach for f in self._firsts_of_length.get(n, ()))
            firsts = sorted(near_length, key=self._first_order.__getitem__)
            self._firsts_by_length[len(token)] = firsts
        near = process.extract(
            token, firsts, scorer=OSA.distance, score_cutoff=_MAX_LENGTH_CHANGE, limit=None
        )
        return [firsts[index] for index in sorted(index for _, _, index in near)]

    def _cognates(self, token: str) -> tuple[WordMatch, ...]:
        candidates = self._by_stem.get(token[:_SHORT_COGNATE_PREFIX], ())
        return tuple(WordMatch(word, COGNATE) for word in candidates if _cognate(token, word))

    def _inflection(self, token: str) -> tuple[WordMatch, ...]:
        """The same word with another ending, even for short words: 'bos' -> 'boss'."""
        found = [token + ending for ending in _ENDINGS if token + ending in self._words]
        found += [
            token[: -len(ending)]
            for ending in _ENDINGS
            if token.endswith(ending)
            and len(token) - len(ending) >= 3
            and token[: -len(ending)] in self._words
        ]
        return tuple(WordMatch(word, EXACT) for word in dict.fromkeys(found))

    def _same_stem(self, token: str) -> tuple[WordMatch, ...]:
        """Another form of the same verb or noun: 'lernt'/'lernen', 'postule'/'postuler'."""
        found = (w for stem in _stems(token) for w in self._by_inflection_stem.get(stem, ()))
        return tuple(WordMatch(word, EXACT) for word in dict.fromkeys(found))

    def _fuzzy(self, token: str) -> tuple[WordMatch, ...]:
        limit = max_typos(token)
        if limit == 0 or self._real.misspells_nothing(token):
            return ()
        found = process.extract(
            token,
            self._words_near_length(len(token), limit),
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=_FUZZY_LIMIT,
        )
        found = [f for f in found if self._real.may_misspell(token, f[0])]
        best = min((distance for _, distance, _ in found), default=None)
        return tuple(
            WordMatch(word, EXACT if _inflected(token, word) else FUZZY)
            for word, distance, _ in found
            if distance == best and _plausible_typo(token, word)
        )

    def _words_near_length(self, length: int, limit: int) -> list[str]:
        """The words (in `_word_list` order, so ties rank alike) of a length a word of
        `length` letters can reach with `limit` edits."""
        near = self._near_length.get((length, limit))
        if near is None:
            bands = range(length - limit, length + limit + 1)
            near = sorted(w for n in bands for w in self._by_length.get(n, ()))
            self._near_length[length, limit] = near
        return near

    def _compound(self, token: str) -> tuple[WordMatch, ...]:
        if len(token) < _MIN_COMPOUND_PART + _MIN_COMPOUND_REST:
            return ()
        matches: list[WordMatch] = []
        for cut in range(len(token) - _MIN_COMPOUND_REST, _MIN_COMPOUND_PART - 1, -1):
            head = token[:cut]
            if head in self._compound_parts or (
                head.endswith("s") and head[:-1] in self._compound_parts
            ):
                matches.append(
                    WordMatch(head if head in self._compound_parts else head[:-1], COMPOUND)
                )
                break
        for cut in range(_MIN_COMPOUND_REST, len(token) - _MIN_COMPOUND_PART + 1):
            tail = token[cut:]
            if tail in self._compound_parts:
                matches.append(WordMatch(tail, COMPOUND))
                break
        return tuple(matches)

    def _similar(self, a: str, b: str) -> float:
        """How surely question word a stands for phrase word b."""
        found = self._similarity.get((a, b))
        if found is None:
            if len(self._similarity) >= _MAX_SIMILARITIES:
                self._similarity.clear()  # bounded: questions bring new words forever
            found = self._similarity[a, b] = self._similarity_of(a, b)
        return found

    def _similarity_of(self, a: str, b: str) -> float:
        if a == b or _inflected(a, b):
            return EXACT
        typo = _typo(a, b)
        return typo if typo and self._real.may_misspell(a, b) else 0.0


_ENDINGS = frozenset({"s", "es", "e", "n", "en", "er"})
_MAX_SIMILARITIES = 200_000
_FEW_PHRASES = 16
_MAX_LENGTH_CHANGE = 2  # the longest ending, and the most typos a word may carry
# Inflection endings of German, French and Spanish verbs and nouns (folded), longest
# first; what is left must keep _MIN_STEM letters, so short words never meet by chance.
_STEM_ENDINGS = (
    "amos", "emos", "imos", "ons", "ent", "ern", "est", "ais", "ait",
    "en", "er", "es", "et", "st", "ez", "ar", "ir", "an", "os", "as",
    "e", "n", "s", "t", "o", "a",
)  # fmt: skip
_MIN_STEM = 4


# Each ending's place in _STEM_ENDINGS, by length: a word ends in at most one ending of
# each length, so four look-ups replace trying every ending.
_STEM_ENDING_PLACES: dict[int, dict[str, int]] = {}
for _place, _ending in enumerate(_STEM_ENDINGS):
    _STEM_ENDING_PLACES.setdefault(len(_ending), {}).setdefault(_ending, _place)


def _stems(word: str) -> tuple[str, ...]:
    """The word without each inflection ending it may carry (at most one per ending), in
    the order of _STEM_ENDINGS."""
    found = [
        (places[word[-size:]], size)
        for size, places in _STEM_ENDING_PLACES.items()
        if len(word) - size >= _MIN_STEM and word[-size:] in places
    ]
    return tuple(word[:-size] for _, size in sorted(found))


def _inflected(a: str, b: str) -> bool:
    """The same word with another ending: 'applications'/'application', 'kurse'/'kurs'."""
    short, long = sorted((a, b), key=len)
    return long.startswith(short) and long[len(short) :] in _ENDINGS


def _cognate(a: str, b: str) -> bool:
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    if shared >= _COGNATE_PREFIX:
        return True
    shorter = min(len(a), len(b))
    # Five-letter words are too often a different word's start: "excel"/"excellent".
    return (
        shorter > _SHORT_COGNATE_PREFIX
        and shared >= _SHORT_COGNATE_PREFIX
        and shared >= _SHORT_COGNATE_SHARE * shorter
    )


def _plausible_typo(token: str, word: str) -> bool:
    """Short words must share their first letter: 'part' is no typo of 'cart'."""
    if min(len(token), len(word)) <= 5:
        return token[0] == word[0]
    return True


def _typo(a: str, b: str) -> float:
    limit = min(max_typos(a), max_typos(b))
    if limit and OSA.distance(a, b, score_cutoff=limit) <= limit and _plausible_typo(a, b):
        return FUZZY
    return 0.0
