"""What is wrong in the knowledge files, in words BFIO staff understand.

`Problem` is one mistake at a file, line and column; `KnowledgeError` carries every
problem of a folder that cannot be loaded. The functions here word libyaml's and
pydantic's errors for people who edit YAML rarely, with a "did you mean" where a name
is misspelt.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process, utils

from bot.knowledge.schema import (
    EMAIL_PATTERN,
    HTTPS_URL_PATTERN,
    PHONE_PATTERN,
    POSTING_ID_PATTERN,
    TOPIC_ID_PATTERN,
    Posting,
    Programme,
)

Loc = tuple[int | str, ...]
"""A pydantic error path: field names, list indexes, and `[key]` for a mapping's key."""


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


# --- did you mean -------------------------------------------------------------------


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt `word`, or None when none is close enough."""
    best = process.extractOne(
        word, list(choices), scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=60
    )
    return best[0] if best else None


def suggestion(word: str, choices: Iterable[str]) -> str:
    """` — did you mean `x`?`, or nothing when no choice is close."""
    best = did_you_mean(word, choices)
    return f" — did you mean `{best}`?" if best else ""


# --- reading: encoding and YAML syntax ----------------------------------------------


def encoding_problem(path: Path, data: bytes, error: UnicodeDecodeError) -> Problem:
    """The first byte that is not UTF-8, at its line and column."""
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


def syntax_problem(path: Path, text: str, error: yaml.YAMLError) -> Problem:
    """A YAML syntax error at its position, with a hint where libyaml's words are obscure."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        if "end of stream" in str(error.problem) and error.context_mark is not None:
            mark = error.context_mark  # where the unclosed quote opens, not the file's end
        line, col = mark.line + 1, mark.column + 1
        detail = " ".join(part for part in (error.problem, error.context) if part)
    elif isinstance(error, yaml.reader.ReaderError):
        line, col = _line_col(text, error.position)
        detail = f"{error.reason}"
    else:
        line, col, detail = 1, 1, str(error)
    for needle, hint in _SYNTAX_HINTS:
        if needle in detail:
            return Problem(path, line, col, f"YAML syntax error: {hint}")
    return Problem(path, line, col, f"YAML syntax error: {detail}")


def _line_col(text: str, position: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


# --- validation: pydantic errors ----------------------------------------------------


_PATTERN_WORDS = {
    POSTING_ID_PATTERN: "lower-case letters, digits and `-`, starting with a letter "
    "(e.g. `unep-car-rcu`)",
    TOPIC_ID_PATTERN: "lower-case letters, digits and `_`, starting with a letter "
    "(e.g. `living_conditions`)",
}
# Patterns of a whole value's shape (the public contact): "should be …" reads better.
_PATTERN_SHAPES = {
    EMAIL_PATTERN: "an e-mail address (e.g. `jpo@example.org`)",
    HTTPS_URL_PATTERN: "a web address starting with `https://` (e.g. `https://example.org/jpo`)",
    PHONE_PATTERN: "a phone number of digits, spaces and `+ - ( ) / .` (e.g. `+49 228 1234`)",
}

_EXPECTS_A_VALUE = frozenset({"string_type", "model_type", "dict_type", "tuple_type", "list_type"})


def error_message(model: type[BaseModel], error: ErrorDetails, topic_ids: set[str]) -> str:
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


def field_path(loc: Loc) -> str:
    """`topics.duties.points[3]`: the field path, list items counted from 1."""
    text = ""
    for step in loc:
        if step == "[key]":
            continue
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}" if text else str(step)
    return text or "the file"


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
        return f"`{field_path(loc)}` is empty; fill it in"
    return f"`{field_path(loc)}` is empty; fill it in or remove the line"


def _wrong_value_message(loc: Loc, error: ErrorDetails) -> str:
    kind, value, ctx = error["type"], error.get("input"), error.get("ctx") or {}
    where = f"`{field_path(loc)}`"
    if kind == "string_type":
        shape = "a list" if isinstance(value, list) else "a group of fields"
        return f"{where} should be a single text, not {shape}"
    if kind == "string_too_short":
        return f"{where} is empty; write a text"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"{where} needs at least {least} {'entry' if least == 1 else 'entries'}"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERN_SHAPES.get(ctx.get("pattern", ""))
        if wanted is not None:
            return f"{where} should be {wanted}; `{value}` is not"
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
    inside = f" in `{field_path(loc[:-1])}`" if len(loc) > 1 else ""
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
