"""One knowledge file: its bytes, its parsed data, and the line of any field in it.

Loading is fast on purpose: only a file with a problem is parsed a second time into a
node tree, to map pydantic's error paths onto lines and columns. Each mapping's keys are
indexed once, so locating n problems costs n steps, not n times the file.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.knowledge.limits import MAX_FILE_BYTES
from bot.knowledge.problems import Loc, Problem, encoding_problem, syntax_problem
from bot.knowledge.yaml_reader import NOTHING, Refused, compose, read_yaml


class Source:
    """One knowledge file; composes its YAML node tree only when a problem needs a line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text: str | None = text
        self._keys: dict[int, dict[str, tuple[Node, Node]]] = {}

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
        return compose(text)

    @cached_property
    def last_line(self) -> int:
        """The number of the file's last line (where a closing summary points)."""
        return (self.text or "").rstrip("\n").count("\n") + 1

    def problem(self, loc: Loc, message: str, *, missing: bool = False) -> Problem:
        """A problem at the node `loc` points to (its parent mapping when `missing`)."""
        line, col = self._position(loc, missing=missing)
        return Problem(self.path, line, col, message)

    def _position(self, loc: Loc, *, missing: bool) -> tuple[int, int]:
        """Line and column of the node `loc` leads to: the key for a field, the item for a list."""
        root = self.root
        if root is None:
            return 1, 1
        node, anchor = root, root
        for step in loc:
            if step == "[key]":
                break
            found = self._child(node, step)
            if found is None:
                return _mark(anchor)
            node, anchor = found
        if missing:
            return _mark(anchor)
        return _mark(_first_blank_item(node) or anchor)

    def _child(self, node: Node, step: int | str) -> tuple[Node, Node] | None:
        """The child at `step` and the node to point at: its key in a mapping, itself in a list."""
        if isinstance(node, MappingNode):
            keys = self._keys.get(id(node))
            if keys is None:
                # The last one wins, as in YAML.
                keys = {
                    key.value: (value, key)
                    for key, value in node.value
                    if isinstance(key, ScalarNode)
                }
                self._keys[id(node)] = keys
            return keys.get(str(step))
        if isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
            item = node.value[step]
            return item, item
        return None


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _first_blank_item(node: Node) -> Node | None:
    """Points a 'no empty items' error at the blank item rather than at its list."""
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode) and not item.value.strip():
                return item
    return None


def read_source(path: Path, problems: list[Problem]) -> tuple[bytes, Source | None] | None:
    """The file's bytes (for the version) and its text, or None where it cannot be read.

    A file over the size limit is refused after reading one byte more than the limit.
    """
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        problems.append(Problem(path, 1, 1, f"cannot read the file: {error.strerror}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        message = (
            f"the file is larger than {MAX_FILE_BYTES // 1_000_000} MB, the limit for one "
            "knowledge file; keep only what candidates need to know"
        )
        problems.append(Problem(path, 1, 1, message))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.append(encoding_problem(path, data, error))
        return data, None
    return data, Source(path, text.removeprefix("\ufeff"))


def parse(source: Source, problems: list[Problem]) -> Any:
    """The file's data, or NOTHING when its YAML cannot be read at all."""
    text = source.text or ""
    try:
        data, duplicates = read_yaml(text)
    except yaml.YAMLError as error:
        problems.append(syntax_problem(source.path, text, error))
        return NOTHING
    except Refused as refused:
        problems.append(Problem(source.path, refused.line, refused.col, refused.message))
        return NOTHING
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
