"""Grouping the unanswered questions by similar wording (rapidfuzz), for the admin views.

Pure: it works on decrypted `LoggedQuestion`s, whichever log they came from.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process

from bot.engine.text import fold
from bot.questionlog.records import Count, LoggedQuestion, UnansweredGroup

SIMILAR_WORDING = 85.0
"""rapidfuzz token_sort_ratio from which two normalised questions share a group."""

_NOT_WORD = re.compile(r"[\W_]+")


def normalise_wording(text: str) -> str:
    """Lower case, accents and umlauts folded, punctuation turned into single spaces."""
    return _NOT_WORD.sub(" ", fold(text)).strip()


@dataclass(slots=True)
class _Cluster:
    records: list[LoggedQuestion] = field(default_factory=list)


def group_unanswered(
    records: Sequence[LoggedQuestion], similarity: float = SIMILAR_WORDING
) -> tuple[UnansweredGroup, ...]:
    """Groups questions whose normalised wordings are alike (token_sort_ratio ≥ similarity).

    Distinct wordings are placed most frequent first, so each group is named after its
    most common wording; a wording joins the first group whose representative is alike.
    """
    by_wording: dict[str, list[LoggedQuestion]] = {}
    for record in records:
        by_wording.setdefault(normalise_wording(record.question), []).append(record)
    ordered = sorted(by_wording.items(), key=lambda item: (-len(item[1]), item[0]))
    representatives: list[str] = []
    clusters: list[_Cluster] = []
    for wording, members in ordered:
        match = (
            process.extractOne(
                wording, representatives, scorer=fuzz.token_sort_ratio, score_cutoff=similarity
            )
            if wording
            else None
        )
        if match is None:
            representatives.append(wording)
            clusters.append(_Cluster(list(members)))
        else:
            clusters[match[2]].records.extend(members)
    groups = [_summarise(cluster.records) for cluster in clusters]
    groups.sort(key=lambda group: (-group.count, -group.last_asked.timestamp(), group.example))
    return tuple(groups)


def _summarise(records: list[LoggedQuestion]) -> UnansweredGroup:
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
