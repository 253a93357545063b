"""Knowledge files that would exhaust memory or time are refused with a clear message.

Each test copies the real knowledge folder (which loads well inside every limit) and
spoils one file the way a mistaken paste or an attacker would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.knowledge import checks, loader
from bot.knowledge.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_LIST_ITEMS,
    MAX_PROBLEMS_PER_FILE,
    MAX_TEXT_CHARS,
)
from bot.knowledge.loader import Problem, check_knowledge, load_knowledge, normalise_alias

REPO = Path(__file__).resolve().parents[1]
POSTING = "unesco-clt.yaml"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the real knowledge folder."""
    directory = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", directory)
    return directory


def posting_text(folder: Path) -> str:
    return (folder / "postings" / POSTING).read_text(encoding="utf-8")


def write_posting(folder: Path, text: str, name: str = POSTING) -> Path:
    path = folder / "postings" / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path) -> list[Problem]:
    knowledge, found = check_knowledge(folder)
    assert knowledge is None, "a folder with problems must not load"
    return found


def the_problem(found: list[Problem], fragment: str) -> Problem:
    hits = [problem for problem in found if fragment in problem.message]
    assert hits, f"no problem mentions {fragment!r}; got:\n" + "\n".join(map(str, found))
    return hits[0]


def alias_bomb() -> str:
    """The 'billion laughs': nine levels of nine references each, padded to 100 KB."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]" for level in range(1, 9)]
    text = "\n".join(lines) + "\n"
    return text + "# " + "x" * (100_000 - len(text)) + "\n"


def test_the_real_knowledge_loads_within_every_limit(folder: Path) -> None:
    assert len(load_knowledge(folder).postings) == 2


def test_alias_bomb_is_refused_at_its_first_anchor(folder: Path) -> None:
    path = write_posting(folder, alias_bomb(), "bomb.yaml")

    problem = the_problem(problems(folder), "anchors and aliases")

    assert (problem.file, problem.line, problem.col) == (path, 1, 5)


def test_alias_bomb_is_refused_by_validate_in_a_fresh_process(folder: Path) -> None:
    write_posting(folder, alias_bomb(), "bomb.yaml")

    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(folder)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
    )

    assert result.returncode == 1
    assert "bomb.yaml:1:5: YAML anchors and aliases" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('!!python/object/apply:os.system ["echo owned"]', "`!!python/object/apply:os.system`"),
        ("!custom Paris", "`!custom`"),
        ("!!str Paris", "`!!str`"),
        ("!!map {a: b}", "`!!map`"),
    ],
)
def test_tags_are_refused_with_file_line_and_column(folder: Path, value: str, shown: str) -> None:
    text = posting_text(folder).replace("organisation: UNESCO", f"organisation: {value}", 1)
    path = write_posting(folder, text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.startswith("organisation"))

    problem = the_problem(problems(folder), "YAML tags")

    assert (problem.file, problem.line, problem.col) == (path, line, len("organisation: ") + 1)
    assert shown in problem.message


def test_a_file_over_the_size_limit_is_refused(folder: Path) -> None:
    padding = "# " + "x" * 998 + "\n"
    text = posting_text(folder) + padding * (MAX_FILE_BYTES // len(padding) + 1)
    path = write_posting(folder, text)

    problem = the_problem(problems(folder), "the limit for one knowledge file")

    assert (problem.file, problem.line) == (path, 1)
    assert "larger than 1 MB" in problem.message


def test_a_text_over_the_length_limit_is_refused_at_its_line(folder: Path) -> None:
    long_text = "word " * (MAX_TEXT_CHARS // 5) + "end"
    text = posting_text(folder).replace("id: unesco-clt\n", f"id: unesco-clt\nunit: {long_text}\n")
    write_posting(folder, text)
    line = text.splitlines().index(f"unit: {long_text}") + 1

    problem = the_problem(problems(folder), "the limit for one text is 10,000")

    assert (problem.line, problem.col) == (line, len("unit: ") + 1)
    assert problem.message.startswith(f"this text has {len(long_text):,} characters")


def test_a_list_over_the_length_limit_is_refused(folder: Path) -> None:
    items = "".join(f"  - alias {number}\n" for number in range(MAX_LIST_ITEMS + 1))
    text = posting_text(folder).replace("aliases:\n", f"aliases:\n{items}", 1)
    write_posting(folder, text)

    problem = the_problem(problems(folder), "the limit for one list")

    assert f"more than {MAX_LIST_ITEMS:,} items" in problem.message


@pytest.mark.parametrize(
    "nested",
    [
        "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5),
        "\n" + "".join(f"{'  ' * level}k{level}:\n" for level in range(1, MAX_DEPTH + 5)) + "x",
        "[" * 5_000 + "]" * 5_000,
    ],
    ids=["flow", "block", "beyond-libyaml"],
)
def test_deep_nesting_is_a_problem_never_an_exception(folder: Path, nested: str) -> None:
    write_posting(folder, f"unit: {nested}\n", "deep.yaml")

    found = [problem for problem in problems(folder) if problem.file.name == "deep.yaml"]

    assert len(found) == 1
    assert "nest" in found[0].message


def test_too_many_postings_are_refused_with_the_limit(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_POSTINGS", 1)

    problem = the_problem(problems(folder), "the limit is 1:")

    assert problem.file == folder / "postings"
    assert problem.message.startswith("the postings folder holds 2 postings")


def test_too_many_topics_are_refused_with_the_limit(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "MAX_TOPICS", 10)

    problem = the_problem(problems(folder), "the limit is 10:")

    catalogue = yaml.safe_load((folder / "topics.yaml").read_text(encoding="utf-8"))
    topics = len(catalogue["topics"])
    assert topics > 10
    assert problem.file == folder / "topics.yaml"
    assert problem.message.startswith(f"the catalogue has {topics} topics")


def test_32k_unknown_keys_are_checked_without_hanging_and_counted(folder: Path) -> None:
    keys = "".join(f"unknown_key_{number}: value\n" for number in range(32_000))
    write_posting(folder, posting_text(folder) + keys)

    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(folder)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=REPO,
    )

    lines = result.stdout.splitlines()
    assert result.returncode == 1
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 2  # the first ones, the rest counted, a summary
    assert "unknown field `unknown_key_0`" in lines[0]
    assert f"… and {32_000 - MAX_PROBLEMS_PER_FILE:,} more problems in this file" in lines[-2]


def test_aliases_fold_like_questions_do() -> None:
    # One folding for aliases and questions: `ß` is `ss` in both (engine.text.fold).
    assert normalise_alias("Straße  der Kultur") == normalise_alias("STRASSE der kultur")
