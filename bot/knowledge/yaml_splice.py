"""Adding to a YAML file by splicing text in, so every other byte stays as staff wrote it.

A round-trip library re-emits the whole document: `ruamel.yaml` keeps comments and key
order, but rewrites the multi-line flow lists of `topics.yaml` (`keywords: [a, b,` on
several lines) into single lines of hundreds of characters. Here the parser only tells
where things are (each node's start and end position); the new entry is rendered on its
own and inserted there, in the style of its neighbours (a flow list gets `, "new"`, a
block list a new `- "new"` line with the same indentation). The result is read back by
the caller, like any edit, before it replaces the file.

Every text is written double-quoted with YAML escapes, so whatever it contains — `: {a:
*b}`, `#`, a control character, a line separator — it is read back as the same text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class Word(str):
    """An id (`staff_salary`, `bfio_staff`): written plain, without quotes, where YAML allows."""

    __slots__ = ()


Value = str | Sequence["Value"] | dict[str, "Value"]
"""What can be added: a text, a list, or a mapping with text keys (rendered in that order)."""

_PLAIN_WORD = re.compile(r"[a-z][a-z0-9_-]*")
# Words YAML 1.1 readers take for something other than text.
_SPECIAL_WORDS = frozenset({"null", "true", "false", "yes", "no", "on", "off", "y", "n"})

INDENT = "  "
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


class SpliceError(Exception):
    """The place to add to has a shape this module does not write into."""


def quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text` (a `Word` plain)."""
    if isinstance(text, Word) and _PLAIN_WORD.fullmatch(text) and text not in _SPECIAL_WORDS:
        return str(text)
    return '"' + "".join(_ESCAPES.get(char) or _escaped(char) for char in text) + '"'


def _escaped(char: str) -> str:
    """The character itself where YAML reads it back unchanged, else its escape."""
    code = ord(char)
    printable = (
        0x20 <= code <= 0x7E
        or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029))
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or 0x10000 <= code <= 0x10FFFF
    )
    if printable:
        return char
    if code <= 0xFF:
        return f"\\x{code:02X}"
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def flow(value: Value) -> str:
    """`value` in flow style on one line: `"a"`, `["a", "b"]`, `{en: ["a"]}`."""
    if isinstance(value, str):
        return quote(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {flow(item)}" for key, item in value.items()) + "}"
    return "[" + ", ".join(flow(item) for item in value) + "]"


def block(key: str, value: Value, indent: str) -> list[str]:
    """`key: value` in block style at `indent`, one string per line (without line ends)."""
    if isinstance(value, str):
        return [f"{indent}{key}: {quote(value)}"]
    lines = [f"{indent}{key}:"]
    if isinstance(value, dict):
        for sub_key, item in value.items():
            lines.extend(block(sub_key, item, indent + INDENT))
    else:
        for item in value:
            lines.extend(block_item(item, indent + INDENT + "- "))
    return lines


def block_item(value: Value, prefix: str) -> list[str]:
    """One block list item; `prefix` is its indentation and dash (`"  - "`)."""
    if isinstance(value, str):
        return [prefix + quote(value)]
    if not isinstance(value, dict):
        return [prefix + flow(value)]
    inner = " " * len(prefix)
    lines = [line[len(inner) :] for key, item in value.items() for line in block(key, item, inner)]
    return [prefix + lines[0], *(inner + line for line in lines[1:])]


@dataclass(frozen=True, slots=True)
class Insertion:
    """Text to put in at a 0-based line and column of the original text."""

    line: int
    col: int
    text: str


def apply(text: str, insertion: Insertion) -> str:
    """The text with the insertion made; line ends inside it follow the file's own."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    addition = insertion.text.replace("\n", newline)
    if insertion.line >= len(lines):
        ends_open = bool(lines) and not lines[-1].endswith(("\n", "\r"))
        return text + (newline if ends_open else "") + addition
    line = lines[insertion.line]
    lines[insertion.line] = line[: insertion.col] + addition + line[insertion.col :]
    return "".join(lines)


def append_to_list(text: str, node: SequenceNode, item: Value) -> Insertion:
    """Where and what to insert to add `item` at the end of a list."""
    if node.flow_style:
        if not node.value:
            start = node.start_mark
            return Insertion(start.line, start.column + 1, flow(item))
        end = node.value[-1].end_mark
        return Insertion(end.line, end.column, ", " + flow(item))
    lines = text.splitlines()
    first, last = node.value[0], node.value[-1]
    prefix = lines[first.start_mark.line][: first.start_mark.column]
    if prefix.strip() != "-":
        raise SpliceError("a list whose items do not each start on their own line with `-`")
    after = _last_content_line(lines, last)
    # Items set apart by a blank line (FAQ entries) keep that rhythm.
    spaced = len(node.value) > 1 and not lines[last.start_mark.line - 1].strip()
    new = ["", *block_item(item, prefix)] if spaced else block_item(item, prefix)
    return Insertion(after + 1, 0, _lines(new))


def add_to_mapping(
    text: str, node: MappingNode, key: str, value: Value, *, before: Sequence[str] = ()
) -> Insertion:
    """Where and what to insert to add `key: value` to a mapping (which lacks `key`).

    The new key goes before the first of the keys named in `before` the mapping has
    (keeping a canonical order such as en, de, fr, es), else after its last key.
    """
    if key in mapping_keys(node):
        raise SpliceError(f"`{key}` is there already")
    if node.flow_style:
        if not node.value:
            start = node.start_mark
            return Insertion(start.line, start.column + 1, f"{key}: {flow(value)}")
        end = node.value[-1][1].end_mark
        return Insertion(end.line, end.column, f", {key}: {flow(value)}")
    lines = text.splitlines()
    keys = [k for k, _ in node.value]
    indent = lines[keys[0].start_mark.line][: keys[0].start_mark.column]
    if indent.strip():
        raise SpliceError("a mapping whose keys do not each start on their own line")
    sibling = node.value[-1][1]
    if isinstance(sibling, (SequenceNode, MappingNode)) and sibling.flow_style:
        new = [f"{indent}{key}: {flow(value)}"]  # like its neighbours: `es: ["…"]`
    else:
        new = block(key, value, indent)
    # Keys set apart by a blank line (the top of a posting file) keep that rhythm.
    spaced = len(keys) > 1 and not lines[keys[-1].start_mark.line - 1].strip()
    for key_node, _ in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value in before:
            return Insertion(key_node.start_mark.line, 0, _lines([*new, ""] if spaced else new))
    after = _last_content_line(lines, node.value[-1][1])
    return Insertion(after + 1, 0, _lines(["", *new] if spaced else new))


def _lines(lines: Sequence[str]) -> str:
    return "".join(line + "\n" for line in lines)


def mapping_keys(node: MappingNode) -> dict[str, Node]:
    """A mapping's values by their text keys."""
    return {k.value: v for k, v in node.value if isinstance(k, ScalarNode)}


def _last_content_line(lines: Sequence[str], node: Node) -> int:
    """The 0-based line the node's text ends on, trailing blank lines left out."""
    end = node.end_mark
    line = end.line if end.column > 0 else end.line - 1
    line = min(line, len(lines) - 1)
    while line > node.start_mark.line and not lines[line].strip():
        line -= 1
    return line
