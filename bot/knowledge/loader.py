"""Loading the knowledge folder into a validated, immutable `KnowledgeBase`.

Layout: `<dir>/topics.yaml`, `<dir>/programme.yaml`, `<dir>/postings/<id>.yaml`.

`load_knowledge` returns the snapshot or raises `KnowledgeError`; `check_knowledge`
returns the snapshot (when all is well) and every `Problem` found, each pointing at a
file, line and column, in words BFIO staff understand.

Loading is fast on purpose: libyaml's events are turned straight into dicts, lists and
texts (catching duplicate keys, which YAML would otherwise drop silently) and pydantic
validates them; only a file with a problem is parsed a second time into a node tree, to
map pydantic's error paths onto lines and columns.

Every scalar is read as text (empty and `null` as nothing): the files hold nothing else,
and YAML 1.1 would turn an FAQ answer `No`, an alias `NO` (Norway) or a title `2024`
into a boolean or a number that then fails validation.
"""

from __future__ import annotations

import hashlib
import re
import types
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process, utils
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import (
    POSTING_ID_PATTERN,
    TOPIC_ID_PATTERN,
    Catalogue,
    Posting,
    Programme,
)

CATALOGUE_FILE = "topics.yaml"
PROGRAMME_FILE = "programme.yaml"
POSTINGS_DIR = "postings"

Loc = tuple[int | str, ...]

# libyaml is several times faster than the pure-Python parser; both report positions.
# The base loaders resolve no types, which is what `_read_yaml` wants.
_YamlLoader: type = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_NOTHING: Any = object()


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the knowledge files, at a 1-based line and column."""

    file: Path
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge folder cannot be loaded; `.problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(str(problem) for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in the knowledge files:\n{lines}")


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Loads and validates the folder; raises KnowledgeError listing every problem."""
    knowledge, problems = check_knowledge(directory)
    if knowledge is None:
        raise KnowledgeError(problems)
    return knowledge


def check_knowledge(directory: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validates the folder; returns the snapshot (None if anything is wrong) and all problems."""
    run = _Run(Path(directory))
    knowledge = run.load()
    return knowledge, run.sorted_problems()


# --- reading and parsing ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Duplicate:
    """A key given twice in one mapping, at 1-based positions."""

    key: str
    first_line: int
    line: int
    col: int


class _Mapping:
    """A mapping being built: its dict, the key awaiting its value, each key's line."""

    __slots__ = ("data", "key", "key_mark", "lines")

    def __init__(self) -> None:
        self.data: dict[Any, Any] = {}
        self.key: Any = _NOTHING
        self.key_mark: Any = None
        self.lines: dict[Any, int] = {}


def _read_yaml(text: str) -> tuple[Any, list[_Duplicate]]:
    """One YAML document as dicts, lists and texts, plus the keys given twice.

    Raises yaml.YAMLError (with a position) unless the text is exactly one document.
    """
    loader = _YamlLoader(text)
    try:
        return _Builder().build(loader.get_event)
    finally:
        loader.dispose()


class _Builder:
    """Builds Python data from libyaml's events: twice as fast as PyYAML's constructor.

    `build` handles the frequent events inline; at 1,000 postings every call counts.
    """

    def __init__(self) -> None:
        self.root: Any = None
        self.stack: list[_Mapping | list[Any]] = []
        self.anchors: dict[str, Any] = {}
        self.duplicates: list[_Duplicate] = []

    def build(self, next_event: Callable[[], Event]) -> tuple[Any, list[_Duplicate]]:
        stack, documents = self.stack, 0
        while True:
            event = next_event()
            kind = type(event)
            if kind is ScalarEvent:
                top = stack[-1] if stack else None
                if type(top) is _Mapping and top.key is _NOTHING:
                    value = event.value  # keys stay text, even `null`
                elif not event.style and event.value in _NULLS:
                    value = None
                else:
                    value = event.value
                if event.anchor:
                    self.anchors[event.anchor] = value
                self._add(value, event)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                container: _Mapping | list[Any] = _Mapping() if kind is MappingStartEvent else []
                value = container.data if type(container) is _Mapping else container
                if event.anchor:
                    self.anchors[event.anchor] = value
                self._add(value, event)
                stack.append(container)
            elif kind is AliasEvent:
                if event.anchor not in self.anchors:
                    raise yaml.composer.ComposerError(
                        None, None, f"found undefined alias {event.anchor!r}", event.start_mark
                    )
                self._add(self.anchors[event.anchor], event)
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise yaml.composer.ComposerError(
                        "expected a single document in the stream",
                        None,
                        "but found another document",
                        event.start_mark,
                    )
            elif kind is StreamEndEvent:
                return self.root, self.duplicates

    def _add(self, value: Any, event: Event) -> None:
        """Puts a value where the document stands: list item, mapping key or mapping value."""
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if type(top) is list:
            top.append(value)
        elif top.key is _NOTHING:
            if isinstance(value, dict | list):
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", None, "found unhashable key", event.start_mark
                )
            top.key, top.key_mark = value, event.start_mark
        else:
            key, mark = top.key, top.key_mark
            if key in top.data:
                line = mark.line + 1
                self.duplicates.append(_Duplicate(str(key), top.lines[key], line, mark.column + 1))
            else:
                top.lines[key] = mark.line + 1
            top.data[key] = value
            top.key = _NOTHING


class _Source:
    """One knowledge file; composes its YAML node tree only when a problem needs a line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text: str | None = text

    def release(self) -> None:
        """Drops the text of a file that loaded cleanly: 1,000 postings' texts are tens of MB.

        Should a cross-file problem need a position later, the file is read again.
        """
        self.text = None

    @cached_property
    def root(self) -> Node | None:
        text = self.text
        if text is None:
            try:
                text = self.path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError):
                return None  # changed meanwhile: the problem points at line 1
        try:
            return yaml.compose(text, Loader=_YamlLoader)  # type: ignore[no-any-return]
        except (yaml.YAMLError, RecursionError):
            return None

    def problem(self, loc: Loc, message: str, *, missing: bool = False) -> Problem:
        """A problem at the node `loc` points to (its parent mapping when `missing`)."""
        line, col = _position(self.root, loc, missing=missing)
        return Problem(self.path, line, col, message)


def _read(path: Path, problems: list[Problem]) -> tuple[bytes, _Source | None] | None:
    """The file's bytes (for the version) and its text, or None where it cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.append(Problem(path, 1, 1, f"cannot read the file: {error.strerror}"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(_encoding_problem(path, data, error))
        return data, None
    return data, _Source(path, text.removeprefix("\ufeff"))


def _encoding_problem(path: Path, data: bytes, error: UnicodeDecodeError) -> Problem:
    line_start = data.rfind(b"\n", 0, error.start) + 1
    line = data.count(b"\n", 0, error.start) + 1
    col = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
    byte = data[error.start]
    return Problem(
        path,
        line,
        col,
        f"the file is not UTF-8 text (byte 0x{byte:02X} here cannot be read); "
        "save it with the encoding UTF-8 in your editor",
    )


def _parse(source: _Source, problems: list[Problem]) -> Any:
    """The file's data, or _NOTHING when its YAML cannot be read at all."""
    try:
        data, duplicates = _read_yaml(source.text or "")
    except yaml.YAMLError as error:
        problems.append(_syntax_problem(source, error))
        return _NOTHING
    for duplicate in duplicates:
        problems.append(
            Problem(
                source.path,
                duplicate.line,
                duplicate.col,
                f"duplicate key `{duplicate.key}`: it is already on line {duplicate.first_line}"
                " and YAML would silently keep only the last one; merge the two or remove one",
            )
        )
    return data


# Libyaml's wording, translated for people who edit YAML rarely.
_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    (
        "mapping values are not allowed",
        "a `: ` where YAML does not expect one; "
        "if the text itself contains `: `, put the whole text in quotes",
    ),
    (
        "could not find expected ':'",
        "a line without `key:` inside a list of fields; "
        "check its indentation or whether a `:` is missing",
    ),
    (
        "cannot start any token",
        "a character that cannot start a value (a tab?); "
        "indent with spaces and put texts starting with `@`, `` ` `` or `%` in quotes",
    ),
    (
        "did not find expected key",
        "the indentation does not line up; fields of the same group must start in the same column",
    ),
    (
        "did not find expected '-' indicator",
        "the indentation does not line up; the `- ` items of a list must start in the same column",
    ),
    (
        "found undefined alias",
        "`*` starts a reference to an anchor that does not exist; "
        "put texts starting with `*` in quotes",
    ),
    ("unexpected end of stream", "the file ends inside a quoted text; a closing quote is missing"),
    ("found another document", "the file holds more than one document (a second `---`); keep one"),
    ("found unhashable key", "a list or group is used as a key; keys must be plain words"),
    (
        "special characters are not allowed",
        "the file contains an invisible control character; delete it",
    ),
)


def _syntax_problem(source: _Source, error: yaml.YAMLError) -> Problem:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        if "end of stream" in str(error.problem) and error.context_mark is not None:
            mark = error.context_mark  # where the unclosed quote opens, not the file's end
        line, col = mark.line + 1, mark.column + 1
        detail = " ".join(part for part in (error.problem, error.context) if part)
    elif isinstance(error, yaml.reader.ReaderError):
        line, col = _line_col(source.text or "", error.position)
        detail = f"{error.reason}"
    else:
        line, col, detail = 1, 1, str(error)
    for needle, hint in _SYNTAX_HINTS:
        if needle in detail:
            return Problem(source.path, line, col, f"YAML syntax error: {hint}")
    return Problem(source.path, line, col, f"YAML syntax error: {detail}")


def _line_col(text: str, position: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


# --- positions: pydantic error path -> YAML node ------------------------------------


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _position(root: Node | None, loc: Loc, *, missing: bool) -> tuple[int, int]:
    """Line and column of the node `loc` leads to: the key for a field, the item for a list."""
    if root is None:
        return 1, 1
    node, anchor = root, root
    for step in loc:
        if step == "[key]":
            break
        found = _child(node, step)
        if found is None:
            return _mark(anchor)
        node, anchor = found
    if missing:
        return _mark(anchor)
    return _mark(_first_blank_item(node) or anchor)


def _child(node: Node, step: int | str) -> tuple[Node, Node] | None:
    """The child at `step` and the node to point at: its key in a mapping, itself in a list."""
    if isinstance(node, MappingNode):
        found = None
        for key, value in node.value:  # the last one wins, as in YAML
            if isinstance(key, ScalarNode) and key.value == str(step):
                found = (value, key)
        return found
    if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        item = node.value[step]
        return item, item
    return None


def _first_blank_item(node: Node) -> Node | None:
    """Points a 'no empty items' error at the blank item rather than at its list."""
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode) and not item.value.strip():
                return item
    return None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that validates the value at `loc`, following fields, lists and dicts."""
    annotation: Any = model
    for step in loc:
        annotation = _unwrap_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(step) if isinstance(step, str) else None
            if field is None:
                return None
            annotation = field.annotation
        elif get_origin(annotation) in (tuple, list) and get_args(annotation):
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap_optional(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _unwrap_optional(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        others = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(others) == 1:
            return others[0]
    return annotation


# --- messages -----------------------------------------------------------------------


_PATTERN_WORDS = {
    POSTING_ID_PATTERN: "lower-case letters, digits and `-`, starting with a letter "
    "(e.g. `unep-car-rcu`)",
    TOPIC_ID_PATTERN: "lower-case letters, digits and `_`, starting with a letter "
    "(e.g. `living_conditions`)",
}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt `word`, or None when none is close enough."""
    best = process.extractOne(
        word, list(choices), scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=60
    )
    return best[0] if best else None


def _suggestion(word: str, choices: Iterable[str]) -> str:
    best = did_you_mean(word, choices)
    return f" — did you mean `{best}`?" if best else ""


def _path(loc: Loc) -> str:
    """`topics.duties.points[3]`: the field path, list items counted from 1."""
    text = ""
    for step in loc:
        if step == "[key]":
            continue
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return text or "the file"


def _error_message(model: type[BaseModel], error: ErrorDetails, topic_ids: set[str]) -> str:
    """One pydantic error in words for the staff who edit the files."""
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "missing":
        return _missing_message(model, loc)
    if kind == "extra_forbidden":
        return _unknown_field_message(model, loc, topic_ids)
    if error.get("input") is None and kind in _EXPECTS_A_VALUE:
        return _empty_message(model, loc)
    return _wrong_value_message(loc, error)


_EXPECTS_A_VALUE = frozenset({"string_type", "model_type", "dict_type", "tuple_type", "list_type"})


def _empty_message(model: type[BaseModel], loc: Loc) -> str:
    if not loc:
        return "the file is empty"
    if len(loc) == 2 and loc[0] == "topics":
        return (
            f"topic `{loc[1]}` is empty: an answer needs a text, points or sections; "
            "fill it in or remove the topic"
        )
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(str(loc[-1])) if parent else None
    if field is not None and field.is_required():
        return f"`{_path(loc)}` is empty; fill it in"
    return f"`{_path(loc)}` is empty; fill it in or remove the line"


def _wrong_value_message(loc: Loc, error: ErrorDetails) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    where = f"`{_path(loc)}`"
    if kind == "string_type":
        shape = "a list" if isinstance(value, list) else "a group of fields"
        return f"{where} should be a single text, not {shape}"
    if kind == "string_too_short":
        return f"{where} is empty; write a text"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"{where} needs at least {least} {'entry' if least == 1 else 'entries'}"
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(ctx.get("pattern", ""), f"the pattern {ctx.get('pattern')}")
        return f"{where} may only contain {words}; `{value}` does not fit"
    if kind in ("tuple_type", "list_type"):
        single = ", not a single text" if isinstance(value, str) else ""
        return f"{where} should be a list, one `- item` per line{single}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if not loc:
            return "the file should hold `field: value` lines at the top level"
        return f"{where} should be a group of `field: value` lines, indented below it"
    if kind == "literal_error":
        return f"{where} must be one of {ctx.get('expected')}; `{value}` is not"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if loc else message


def _missing_message(model: type[BaseModel], loc: Loc) -> str:
    name = str(loc[-1])
    parent = _model_at(model, loc[:-1])
    field = parent.model_fields.get(name) if parent else None
    what = f" ({_first_sentence(field.description)})" if field and field.description else ""
    inside = f" in `{_path(loc[:-1])}`" if len(loc) > 1 else ""
    return f"missing field `{name}`{what}{inside}; add a line `{name}: …`"


def _first_sentence(description: str) -> str:
    """`The posting text …` -> `the posting text …`, to run on inside a sentence."""
    sentence = description.split(". ")[0].rstrip(". ")
    if sentence[1:2].islower():
        sentence = sentence[0].lower() + sentence[1:]
    return sentence


def _unknown_field_message(model: type[BaseModel], loc: Loc, topic_ids: set[str]) -> str:
    name = str(loc[-1])
    parent = _model_at(model, loc[:-1])
    allowed = list(parent.model_fields) if parent else []
    best = did_you_mean(name, allowed)
    if best:
        return f"unknown field `{name}` — did you mean `{best}`?"
    if len(loc) == 1 and parent in (Posting, Programme):
        topic = name if name in topic_ids else did_you_mean(name, sorted(topic_ids))
        if topic:
            return f"unknown field `{name}`: the topic `{topic}` belongs indented below `topics:`"
    fields = ", ".join(f"`{field}`" for field in allowed)
    return f"unknown field `{name}`; the fields allowed here are {fields}"


# --- one run over the folder --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Refs:
    """What the cross-file checks need from one file, read from its raw data.

    Reading the raw data rather than the validated model means a file with a typo in
    one field is still checked against the others, so one run reports everything.
    List positions are kept (None where an entry has the wrong shape) so that a problem
    can be located by its index.
    """

    id: str | None = None
    topic_keys: tuple[str, ...] = ()
    faq: tuple[tuple[str | None, str | None], ...] = ()
    aliases: tuple[str | None, ...] = ()
    catalogue: tuple[tuple[str | None, tuple[str | None, ...]], ...] = ()


def _text(value: object) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _entries(data: object, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _field(entry: object, key: str) -> str | None:
    return _text(entry.get(key)) if isinstance(entry, dict) else None


def _refs(data: object, model: type[BaseModel]) -> _Refs:
    if model is Catalogue:
        return _Refs(
            catalogue=tuple(
                (_field(topic, "id"), tuple(map(_text, _entries(topic, "related"))))
                for topic in _entries(data, "topics")
            )
        )
    topics = data.get("topics") if isinstance(data, dict) else None
    return _Refs(
        id=_field(data, "id"),
        topic_keys=tuple(key for key in topics if isinstance(key, str))
        if isinstance(topics, dict)
        else (),
        faq=tuple((_field(entry, "id"), _field(entry, "topic")) for entry in _entries(data, "faq")),
        aliases=tuple(map(_text, _entries(data, "aliases"))),
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    """One parsed file: where it came from, its references and its model (None if invalid)."""

    source: _Source
    refs: _Refs
    model: Any


class _Run:
    """Reads, validates and cross-checks one knowledge folder, collecting every problem."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.problems: list[Problem] = []
        self.file_digests: list[tuple[str, bytes]] = []
        self.file_order: dict[Path, int] = {}
        self.topic_ids: set[str] | None = None

    def load(self) -> KnowledgeBase | None:
        if not self.directory.is_dir():
            self.problems.append(
                Problem(self.directory, 1, 1, "the knowledge folder does not exist")
            )
            return None
        catalogue = self._load_file(self.directory / CATALOGUE_FILE, Catalogue)
        if catalogue is not None:
            self.topic_ids = {tid for tid, _ in catalogue.refs.catalogue if tid}
        programme = self._load_file(self.directory / PROGRAMME_FILE, Programme)
        postings = [
            loaded
            for path in self._posting_paths()
            if (loaded := self._load_file(path, Posting)) is not None
        ]
        self._cross_check(catalogue, programme, postings)
        if self.problems or catalogue is None or programme is None:
            return None
        return KnowledgeBase(
            catalogue=catalogue.model,
            programme=programme.model,
            postings={loaded.model.id: loaded.model for loaded in postings},
            version=self._version(),
        )

    def sorted_problems(self) -> list[Problem]:
        """Problems in file order (catalogue, programme, postings by name), then by line."""
        last = len(self.file_order)
        return sorted(
            self.problems,
            key=lambda p: (self.file_order.get(p.file, last), str(p.file), p.line, p.col),
        )

    def _posting_paths(self) -> list[Path]:
        folder = self.directory / POSTINGS_DIR
        if not folder.is_dir():
            message = "the postings folder is missing; create it with one `<id>.yaml` per posting"
            self.problems.append(Problem(folder, 1, 1, message))
            return []
        # Editors and file managers leave hidden files (`.#x.yaml`, `._x.yaml`) behind.
        visible = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        for path in visible:
            if path.suffix == ".yml":
                message = f"this file is not loaded: rename it to `{path.stem}.yaml`"
                self.problems.append(Problem(path, 1, 1, message))
        paths = [path for path in visible if path.suffix == ".yaml"]
        if not paths:
            message = "the postings folder holds no postings (`<id>.yaml` files)"
            self.problems.append(Problem(folder, 1, 1, message))
        return paths

    def _load_file(self, path: Path, model: type[BaseModel]) -> _Loaded | None:
        """Reads, parses and validates one file; None when it could not even be parsed."""
        self.file_order.setdefault(path, len(self.file_order))
        if not path.is_file():
            what = "topic catalogue" if model is Catalogue else "programme facts file"
            self.problems.append(Problem(path, 1, 1, f"the {what} `{path.name}` is missing"))
            return None
        problems_before = len(self.problems)
        read = _read(path, self.problems)
        if read is None:
            return None
        data, source = read
        relative = path.relative_to(self.directory).as_posix()
        self.file_digests.append((relative, hashlib.sha256(data).digest()))
        if source is None:
            return None
        parsed = _parse(source, self.problems)
        if parsed is _NOTHING:
            return None
        try:
            validated = model.model_validate(parsed)
        except ValidationError as error:
            self._report_validation(source, model, error)
            validated = None
        if len(self.problems) == problems_before:
            source.release()
        return _Loaded(source, _refs(parsed, model), validated)

    def _report_validation(
        self, source: _Source, model: type[BaseModel], error: ValidationError
    ) -> None:
        for details in error.errors(include_url=False):
            loc: Loc = tuple(details["loc"])
            message = _error_message(model, details, self.topic_ids or set())
            problem = source.problem(loc, message, missing=details["type"] == "missing")
            self.problems.append(problem)

    def _version(self) -> str:
        """sha256 over each file's relative path and the sha256 of its bytes, in path order.

        Hashing each file as it is read keeps no file's bytes in memory.
        """
        digest = hashlib.sha256()
        for name, file_digest in sorted(self.file_digests):
            digest.update(name.encode() + b"\0" + file_digest)
        return digest.hexdigest()[:12]

    def _cross_check(
        self, catalogue: _Loaded | None, programme: _Loaded | None, postings: list[_Loaded]
    ) -> None:
        if catalogue is not None:
            self.problems.extend(_catalogue_problems(catalogue))
        for loaded in ([programme] if programme else []) + postings:
            self.problems.extend(_faq_id_problems(loaded))
            if self.topic_ids is not None:
                self.problems.extend(_topic_reference_problems(loaded, self.topic_ids))
        self.problems.extend(_posting_id_problems(postings))
        self.problems.extend(_alias_problems(postings))


# --- cross-file checks --------------------------------------------------------------


def _plausible_id(value: str | None) -> bool:
    """A value shaped like a topic id; others already failed validation with their own message."""
    return value is not None and re.fullmatch(TOPIC_ID_PATTERN, value) is not None


def _catalogue_problems(catalogue: _Loaded) -> Iterator[Problem]:
    source, topics = catalogue.source, catalogue.refs.catalogue
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
                    f"unknown topic `{other}` in `related`{_suggestion(str(other), sorted(ids))}",
                )


def _topic_reference_problems(loaded: _Loaded, topic_ids: set[str]) -> Iterator[Problem]:
    source, refs = loaded.source, loaded.refs
    for topic_id in refs.topic_keys:
        if topic_id not in topic_ids:
            yield source.problem(("topics", topic_id, "[key]"), _unknown_topic(topic_id, topic_ids))
    for index, (_, topic_id) in enumerate(refs.faq):
        if _plausible_id(topic_id) and topic_id not in topic_ids:
            message = _unknown_topic(str(topic_id), topic_ids)
            yield source.problem(("faq", index, "topic"), message)


def _unknown_topic(topic_id: str, topic_ids: set[str]) -> str:
    suggestion = _suggestion(topic_id, sorted(topic_ids))
    return f"unknown topic `{topic_id}`{suggestion or f': it is not in {CATALOGUE_FILE}'}"


def _faq_id_problems(loaded: _Loaded) -> Iterator[Problem]:
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


def _posting_id_problems(postings: list[_Loaded]) -> Iterator[Problem]:
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
    if alias.isascii():  # most aliases; decomposing is ten times slower
        return " ".join(alias.casefold().split())
    decomposed = unicodedata.normalize("NFKD", alias.casefold())
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.split())


def _alias_problems(postings: list[_Loaded]) -> Iterator[Problem]:
    claimed: dict[str, tuple[_Loaded, int]] = {}
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
