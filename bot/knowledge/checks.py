"""Checks across knowledge files: what no single file's schema can see.

Topic ids must be unique and known, FAQ ids unique in their file, posting ids equal to
their file names and unique, an alias must point to one posting only, and the catalogue
keeps within its size. The checks read each file's raw data (`Refs`) rather than its
validated model, so a file with a typo in one field is still checked against the others
and one run reports everything.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.engine.text import fold
from bot.knowledge.limits import MAX_TOPICS
from bot.knowledge.problems import Problem, suggestion
from bot.knowledge.schema import TOPIC_ID_PATTERN, Catalogue
from bot.knowledge.source import Source

CATALOGUE_FILE = "topics.yaml"


@dataclass(frozen=True, slots=True)
class Refs:
    """What the cross-file checks need from one file, read from its raw data.

    List positions are kept (None where an entry has the wrong shape) so that a problem
    can be located by its index.
    """

    id: str | None = None
    topic_keys: tuple[str, ...] = ()
    faq: tuple[tuple[str | None, str | None], ...] = ()
    aliases: tuple[str | None, ...] = ()
    catalogue: tuple[tuple[str | None, tuple[str | None, ...]], ...] = ()


@dataclass(frozen=True, slots=True)
class Loaded:
    """One parsed file: where it came from, its references and its model (None if invalid)."""

    source: Source
    refs: Refs
    model: Any


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _entries(data: object, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _field(entry: object, key: str) -> str | None:
    return _text(entry.get(key)) if isinstance(entry, dict) else None


def refs(data: object, model: type[BaseModel]) -> Refs:
    """The references of one file's raw data, whatever shape its mistakes give it."""
    if model is Catalogue:
        return Refs(
            catalogue=tuple(
                (_field(topic, "id"), tuple(map(_text, _entries(topic, "related"))))
                for topic in _entries(data, "topics")
            )
        )
    topics = data.get("topics") if isinstance(data, dict) else None
    return Refs(
        id=_field(data, "id"),
        topic_keys=tuple(key for key in topics if isinstance(key, str))
        if isinstance(topics, dict)
        else (),
        faq=tuple((_field(entry, "id"), _field(entry, "topic")) for entry in _entries(data, "faq")),
        aliases=tuple(map(_text, _entries(data, "aliases"))),
    )


def cross_check(
    catalogue: Loaded | None,
    programme: Loaded | None,
    postings: list[Loaded],
    topic_ids: set[str] | None,
) -> Iterator[Problem]:
    """Every problem between the files; `topic_ids` is None when the catalogue is unreadable."""
    if catalogue is not None:
        yield from _catalogue_problems(catalogue)
    for loaded in ([programme] if programme else []) + postings:
        yield from _faq_id_problems(loaded)
        if topic_ids is not None:
            yield from _topic_reference_problems(loaded, topic_ids)
    yield from _posting_id_problems(postings)
    yield from _alias_problems(postings)


def _plausible_id(value: str | None) -> bool:
    """A value shaped like a topic id; others already failed validation with their own message."""
    return value is not None and re.fullmatch(TOPIC_ID_PATTERN, value) is not None


def _catalogue_problems(catalogue: Loaded) -> Iterator[Problem]:
    source, topics = catalogue.source, catalogue.refs.catalogue
    if len(topics) > MAX_TOPICS:
        yield source.problem(
            ("topics",),
            f"the catalogue has {len(topics):,} topics; the limit is {MAX_TOPICS:,}: "
            "merge topics that candidates ask about together",
        )
        return
    ids = {topic_id for topic_id, _ in topics if topic_id}
    first_index: dict[str, int] = {}
    for index, (topic_id, related) in enumerate(topics):
        if topic_id and topic_id in first_index:
            line = source.problem(("topics", first_index[topic_id], "id"), "").line
            yield source.problem(
                ("topics", index, "id"),
                f"topic id `{topic_id}` is used twice (first on line {line}); "
                "each topic needs its own id",
            )
        if topic_id:
            first_index.setdefault(topic_id, index)
        for position, other in enumerate(related):
            if _plausible_id(other) and other not in ids:
                yield source.problem(
                    ("topics", index, "related", position),
                    f"unknown topic `{other}` in `related`{suggestion(str(other), sorted(ids))}",
                )


def _topic_reference_problems(loaded: Loaded, topic_ids: set[str]) -> Iterator[Problem]:
    source, refs = loaded.source, loaded.refs
    for topic_id in refs.topic_keys:
        if topic_id not in topic_ids:
            yield source.problem(("topics", topic_id, "[key]"), _unknown_topic(topic_id, topic_ids))
    for index, (_, faq_topic) in enumerate(refs.faq):
        if _plausible_id(faq_topic) and faq_topic not in topic_ids:
            message = _unknown_topic(str(faq_topic), topic_ids)
            yield source.problem(("faq", index, "topic"), message)


def _unknown_topic(topic_id: str, topic_ids: set[str]) -> str:
    hint = suggestion(topic_id, sorted(topic_ids))
    return f"unknown topic `{topic_id}`{hint or f': it is not in {CATALOGUE_FILE}'}"


def _faq_id_problems(loaded: Loaded) -> Iterator[Problem]:
    first_index: dict[str, int] = {}
    for index, (faq_id, _) in enumerate(loaded.refs.faq):
        if faq_id is None:
            continue
        if faq_id in first_index:
            line = loaded.source.problem(("faq", first_index[faq_id], "id"), "").line
            yield loaded.source.problem(
                ("faq", index, "id"),
                f"FAQ id `{faq_id}` is used twice in this file (first on line {line}); "
                "give each entry its own id",
            )
        first_index.setdefault(faq_id, index)


def _posting_id_problems(postings: list[Loaded]) -> Iterator[Problem]:
    owners: dict[str, Path] = {}
    for loaded in postings:
        path, posting_id = loaded.source.path, loaded.refs.id
        if not posting_id:
            continue  # a missing id is reported by validation
        if posting_id != path.stem:
            yield loaded.source.problem(
                ("id",),
                f"the id `{posting_id}` differs from the file name `{path.name}`; "
                f"rename the file to `{posting_id}.yaml` or set `id: {path.stem}`",
            )
        if posting_id in owners:
            yield loaded.source.problem(
                ("id",),
                f"posting id `{posting_id}` is already used by {owners[posting_id].name}",
            )
        owners.setdefault(posting_id, path)


def normalise_alias(alias: str) -> str:
    """Case-folded, accents stripped, whitespace collapsed: how two aliases are compared."""
    return " ".join(fold(alias).split())


def _alias_problems(postings: list[Loaded]) -> Iterator[Problem]:
    claimed: dict[str, tuple[Loaded, int]] = {}
    for loaded in postings:
        for index, alias in enumerate(loaded.refs.aliases):
            if not alias:
                continue
            key = normalise_alias(alias)
            first, first_index = claimed.setdefault(key, (loaded, index))
            if first is not loaded:
                line = first.source.problem(("aliases", first_index), "").line
                yield loaded.source.problem(
                    ("aliases", index),
                    f"the alias `{alias}` is also claimed by posting `{first.refs.id}` "
                    f"({first.source.path.name}, line {line}); an alias must point to one "
                    "posting, so remove it from one of them",
                )
