"""Reading one knowledge file's YAML into dicts, lists and texts, with line numbers.

libyaml's events are turned straight into Python data (twice as fast as PyYAML's
constructor), catching what plain YAML loading lets through:
- a key given twice in one mapping, which YAML would silently drop (`Duplicate`);
- anchors, aliases and tags (`&a`, `*a`, `!!python/…`, `!tag`): the knowledge needs
  none of them, an alias bomb of 100 KB expands to gigabytes, and tags are how YAML
  smuggles in objects; they are refused at their position (`Refused`);
- texts, lists and nesting beyond the bounds of `bot.knowledge.limits` (`Refused`).

Every scalar is read as text (empty and `null` as nothing): the files hold nothing else,
and YAML 1.1 would turn an FAQ answer `No`, an alias `NO` (Norway) or a title `2024`
into a boolean or a number that then fails validation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import Node

from bot.knowledge.limits import MAX_DEPTH, MAX_LIST_ITEMS, MAX_TEXT_CHARS

if TYPE_CHECKING:  # libyaml's extension may be missing at run time
    from yaml._yaml import Mark as _LibyamlMark

# libyaml is several times faster than the pure-Python parser; both report positions.
# The base loaders resolve no types, which is what `read_yaml` wants.
YamlLoader: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
NOTHING: Any = object()
"""Marks "no value yet" (and, for callers, "the file could not be parsed")."""


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A key given twice in one mapping, at 1-based positions."""

    key: str
    first_line: int
    line: int
    col: int


class Refused(Exception):
    """The file uses a YAML feature or a size the knowledge files do not allow."""

    def __init__(self, line: int, col: int, message: str) -> None:
        super().__init__(f"{line}:{col}: {message}")
        self.line, self.col, self.message = line, col, message


def read_yaml(text: str) -> tuple[Any, list[Duplicate]]:
    """One YAML document as dicts, lists and texts, plus the keys given twice.

    Raises yaml.YAMLError (with a position) unless the text is exactly one document,
    and Refused for anchors, aliases, tags and anything beyond the limits.
    """
    loader = YamlLoader(text)
    try:
        return _Builder().build(loader.get_event)
    finally:
        loader.dispose()


def compose(text: str) -> Node | None:
    """The file's node tree (for positions), or None when it cannot be composed."""
    try:
        return yaml.compose(text, Loader=YamlLoader)
    except (yaml.YAMLError, RecursionError):
        return None


class _Mapping:
    """A mapping being built: its dict, the key awaiting its value, each key's line."""

    __slots__ = ("data", "key", "key_mark", "lines")

    def __init__(self) -> None:
        self.data: dict[Any, Any] = {}
        self.key: Any = NOTHING
        self.key_mark: Any = None
        self.lines: dict[Any, int] = {}


class _Builder:
    """Builds Python data from libyaml's events.

    `build` handles the frequent events inline; at 1,000 postings every call counts.
    """

    def __init__(self) -> None:
        self.root: Any = None
        self.stack: list[_Mapping | list[Any]] = []
        self.duplicates: list[Duplicate] = []

    def build(self, next_event: Callable[[], Event]) -> tuple[Any, list[Duplicate]]:
        # isinstance, not a lookup table: it narrows the event's type, and none of the
        # classes tested here is a subclass of another, so the order of tests is free.
        stack, documents = self.stack, 0
        value: Any
        while True:
            event = next_event()
            if isinstance(event, ScalarEvent):
                if event.anchor or event.tag or len(event.value) > MAX_TEXT_CHARS:
                    _refuse_scalar(event)
                top = stack[-1] if stack else None
                if type(top) is _Mapping and top.key is NOTHING:
                    value = event.value  # keys stay text, even `null`
                elif not event.style and event.value in _NULLS:
                    value = None
                else:
                    value = event.value
                self._add(value, event)
            elif isinstance(event, (MappingEndEvent, SequenceEndEvent)):
                stack.pop()
            elif isinstance(event, (MappingStartEvent, SequenceStartEvent)):
                if event.anchor or event.tag or len(stack) >= MAX_DEPTH:
                    _refuse_collection(event)
                container: _Mapping | list[Any]
                container = _Mapping() if isinstance(event, MappingStartEvent) else []
                value = container.data if type(container) is _Mapping else container
                self._add(value, event)
                stack.append(container)
            elif isinstance(event, AliasEvent):
                _refuse_anchor(event)
            elif isinstance(event, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        None,
                        "but found another document",
                        _error_mark(event.start_mark),
                    )
            elif isinstance(event, StreamEndEvent):
                return self.root, self.duplicates

    def _add(self, value: Any, event: Event) -> None:
        """Puts a value where the document stands: list item, mapping key or mapping value."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top, list):
            if len(top) >= MAX_LIST_ITEMS:
                line, col = _position(event)
                raise Refused(
                    line,
                    col,
                    f"this list has more than {MAX_LIST_ITEMS:,} items, the limit for one list; "
                    "split it or shorten it",
                )
            top.append(value)
        elif top.key is NOTHING:
            if isinstance(value, dict | list):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    None,
                    "found unhashable key",
                    _error_mark(event.start_mark),
                )
            top.key, top.key_mark = value, event.start_mark
        else:
            key, mark = top.key, top.key_mark
            if key in top.data:
                line = mark.line + 1
                self.duplicates.append(Duplicate(str(key), top.lines[key], line, mark.column + 1))
            else:
                top.lines[key] = mark.line + 1
            top.data[key] = value
            top.key = NOTHING


def _position(event: Event) -> tuple[int, int]:
    """An event's 1-based line and column (both parsers give every event a mark)."""
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _error_mark(mark: yaml.error.Mark | _LibyamlMark | None) -> yaml.error.Mark | None:
    """libyaml's mark as PyYAML's, the type yaml's error classes are declared to take."""
    if mark is None or isinstance(mark, yaml.error.Mark):
        return mark
    return yaml.error.Mark(mark.name, mark.index, mark.line, mark.column, mark.buffer, mark.pointer)


def _refuse_anchor(event: NodeEvent) -> None:
    line, col = _position(event)
    sign = "*" if isinstance(event, AliasEvent) else "&"
    raise Refused(
        line,
        col,
        f"YAML anchors and aliases (`&name`, `*name`) are not allowed here (found `{sign}"
        f"{event.anchor}`); write the text out in full, and put texts that start with "
        "`&` or `*` in quotes",
    )


def _refuse_tag(event: ScalarEvent | CollectionStartEvent) -> None:
    line, col = _position(event)
    tag = str(event.tag).replace("tag:yaml.org,2002:", "!!")
    raise Refused(
        line,
        col,
        f"YAML tags such as `{tag}` are not allowed in knowledge files; remove it, "
        "and put texts that start with `!` in quotes",
    )


def _refuse_scalar(event: ScalarEvent) -> None:
    if event.anchor:
        _refuse_anchor(event)
    if event.tag:
        _refuse_tag(event)
    line, col = _position(event)
    raise Refused(
        line,
        col,
        f"this text has {len(event.value):,} characters; the limit for one text is "
        f"{MAX_TEXT_CHARS:,}: split it into points or sections",
    )


def _refuse_collection(event: CollectionStartEvent) -> None:
    if event.anchor:
        _refuse_anchor(event)
    if event.tag:
        _refuse_tag(event)
    line, col = _position(event)
    raise Refused(
        line,
        col,
        f"the groups and lists here are nested more than {MAX_DEPTH} levels deep; "
        "the knowledge files need far fewer, so check the indentation",
    )
