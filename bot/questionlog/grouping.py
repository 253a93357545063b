"""Grouping the unanswered questions by similar wording (rapidfuzz), for the admin views.

Pure: it works on decrypted `LoggedQuestion`s, whichever log they came from.

Near-linear and bounded, because anyone can fill the log with distinct gibberish:
- a wording is compared only with the group representatives that share one of its
  rarest word prefixes (blocking), at most `_PER_KEY` representatives per prefix;
- at most `MAX_ROWS` records are grouped (the newest; the caller says how many were
  left out), and after `TIME_BUDGET` seconds the remaining wordings stay groups of
  their own (`UnansweredGrouping.complete` is then False).
Two wordings alike enough to group (token_sort_ratio ≥ 85) share nearly all their
letters, so they practically always share a rare word prefix: the groups of real
repeated wordings are those of comparing every pair.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.engine.text import fold
from bot.questionlog.records import Count, LoggedQuestion, UnansweredGroup, UnansweredGrouping

SIMILAR_WORDING = 85.0
"""rapidfuzz token_sort_ratio from which two normalised questions share a group."""
MAX_ROWS = 20_000
"""The newest records grouped at most; older ones are counted as left out."""
TIME_BUDGET = 3.0
"""Seconds of comparing after which the remaining wordings stay ungrouped."""

_NOT_WORD = re.compile(r"[\W_]+")
_PREFIX = 4  # letters of a word that make its blocking key (typos further on still meet)
_KEYS = 3  # rarest prefixes of a wording looked up
_PER_KEY = 24  # representatives kept per prefix: bounds the comparisons per wording
_CHECK_EVERY = 256  # wordings between two looks at the clock
_YIELD_EVERY = 16  # wordings between two chances for other threads to take the GIL


def normalise_wording(text: str) -> str:
    """Lower case, accents and umlauts folded, punctuation turned into single spaces."""
    # ASCII has nothing to fold but case: the fast path for the bulk of a large log.
    folded = text.lower() if text.isascii() else fold(text)
    return _NOT_WORD.sub(" ", folded).strip()


def group_unanswered(
    records: Sequence[LoggedQuestion], similarity: float = SIMILAR_WORDING
) -> tuple[UnansweredGroup, ...]:
    """Groups questions whose normalised wordings are alike (token_sort_ratio ≥ similarity).

    Distinct wordings are placed most frequent first, so each group is named after its
    most common wording; a wording joins the group whose representative is most alike.
    """
    return group_newest(records, similarity).groups


def group_newest(
    records: Sequence[LoggedQuestion],
    similarity: float = SIMILAR_WORDING,
    *,
    max_rows: int = MAX_ROWS,
    budget: float = TIME_BUDGET,
    left_out: int = 0,
) -> UnansweredGrouping:
    """`group_unanswered` over the newest `max_rows` records, comparing for at most
    `budget` seconds; `left_out` counts records the caller already left out."""
    newest = sorted(records, key=lambda r: (r.asked_at, r.id), reverse=True)[:max_rows]
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for record in newest:
        by_wording.setdefault(normalise_wording(record.question), []).append(record)
    ordered = sorted(by_wording.items(), key=lambda item: (-len(item[1]), item[0]))
    clusters, complete = _cluster([wording for wording, _ in ordered], similarity, budget)
    groups = [_summarise([r for i in members for r in ordered[i][1]]) for members in clusters]
    groups.sort(key=lambda group: (-group.count, -group.last_asked.timestamp(), group.example))
    return UnansweredGrouping(
        groups=tuple(groups),
        considered=len(newest),
        left_out=left_out + len(records) - len(newest),
        complete=complete,
    )


def _cluster(wordings: list[str], similarity: float, budget: float) -> tuple[list[list[int]], bool]:
    """Clusters of indexes into `wordings` (most frequent first); True when every
    wording was compared within the budget."""
    sorted_words = [" ".join(sorted(wording.split())) for wording in wordings]
    rarity = Counter(key for words in sorted_words for key in _prefixes(words))
    index = _RepresentativeIndex(rarity)
    clusters: list[list[int]] = []
    deadline = time.monotonic() + budget
    for position, words in enumerate(sorted_words):
        if position % _YIELD_EVERY == 0:
            time.sleep(0)  # hands the GIL to the event loop: replies stay fast meanwhile
        if position % _CHECK_EVERY == 0 and time.monotonic() > deadline:
            clusters += [[rest] for rest in range(position, len(sorted_words))]
            return clusters, False
        best = index.most_alike(words, similarity) if words else None
        if best is None:
            index.add(words, len(clusters))
            clusters.append([position])
        else:
            clusters[best].append(position)
    return clusters, True


def _prefixes(sorted_words: str) -> set[str]:
    return {word[:_PREFIX] for word in sorted_words.split()}


class _RepresentativeIndex:
    """Group representatives (token-sorted wordings) by word prefix, for blocking."""

    def __init__(self, rarity: Counter[str]) -> None:
        self._rarity = rarity
        self._texts: list[str] = []
        self._clusters: list[int] = []
        self._by_prefix: dict[str, list[int]] = {}

    def add(self, sorted_words: str, cluster: int) -> None:
        if not sorted_words:
            return
        slot = len(self._texts)
        self._texts.append(sorted_words)
        self._clusters.append(cluster)
        for prefix in _prefixes(sorted_words):
            kept = self._by_prefix.setdefault(prefix, [])
            if len(kept) < _PER_KEY:
                kept.append(slot)

    def most_alike(self, sorted_words: str, similarity: float) -> int | None:
        """The cluster of the most alike representative sharing a rare prefix (the
        earliest among equals, as comparing every pair would choose), or None."""
        keys = sorted(_prefixes(sorted_words), key=lambda p: (self._rarity[p], p))[:_KEYS]
        slots = sorted({slot for key in keys for slot in self._by_prefix.get(key, ())})
        if not slots:
            return None
        # Token-sorted texts compared with `ratio` score as token_sort_ratio would.
        match = process.extractOne(
            sorted_words,
            [self._texts[slot] for slot in slots],
            scorer=fuzz.ratio,
            score_cutoff=similarity,
        )
        return None if match is None else self._clusters[slots[match[2]]]


def _summarise(records: list[LoggedQuestion]) -> UnansweredGroup:
    if len(records) == 1:  # most groups of a large log: no counting to do
        [only] = records
        return UnansweredGroup(
            count=1,
            example=only.question,
            wordings=(only.question,),
            statuses=(Count(only.status, 1),),
            likely_posting=only.posting or None,
            likely_topic=only.topic or None,
            last_asked=only.asked_at,
            first_asked=only.asked_at,
        )
    counts = Counter(record.question for record in records)
    latest: dict[str, datetime] = {}
    for record in records:
        latest[record.question] = max(record.asked_at, latest.get(record.question, record.asked_at))
    # Most frequent wording first; among equals, the one asked most recently.
    ranked = sorted(counts, key=lambda text: (-counts[text], -latest[text].timestamp(), text))
    return UnansweredGroup(
        count=len(records),
        example=ranked[0],
        wordings=tuple(ranked[:5]),
        statuses=counts_of(record.status for record in records),
        likely_posting=_most_common(record.posting for record in records),
        likely_topic=_most_common(record.topic for record in records),
        last_asked=max(latest.values()),
        first_asked=min(record.asked_at for record in records),
    )


def counts_of(values: Iterable[str | None]) -> tuple[Count, ...]:
    """How often each value occurs, most frequent first; ties by value, None first (the
    order of SQL's GROUP BY value ORDER BY count(*) DESC, value)."""
    ranked = sorted(
        Counter(values).items(), key=lambda kv: (-kv[1], kv[0] is not None, kv[0] or "")
    )
    return tuple(Count(key, n) for key, n in ranked)


def _most_common(values: Iterable[str | None]) -> str | None:
    counter = Counter(value for value in values if value)
    if not counter:
        return None
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
