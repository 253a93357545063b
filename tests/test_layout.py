"""The package layout holds: no module in bot/ grows past 500 lines, and the pure core
(engine, knowledge, texts) imports no transport, no question log and no serving.

Imports are read with `ast`, not by importing, so a forbidden import fails here even
when it sits in a branch that never runs (a function body, an `except ImportError`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BOT = REPO / "bot"
MAX_LINES = 500
CORE_PACKAGES = ("engine", "knowledge", "texts")
FORBIDDEN_IN_CORE = (
    "telegram",
    "aiosqlite",
    "cryptography",
    "bot.questionlog",
    "bot.telegram",
    "bot.serving",
)


def _modules(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module a source imports, absolute; `from a import b` gives `a` and `a.b`
    (b may be a submodule), and relative imports are resolved against `module`."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def _forbidden(names: set[str]) -> set[str]:
    return {
        name
        for name in names
        for banned in FORBIDDEN_IN_CORE
        if name == banned or name.startswith(banned + ".")
    }


@pytest.mark.parametrize("path", _modules(BOT), ids=lambda path: str(path.relative_to(BOT)))
def test_no_module_in_bot_is_longer_than_500_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines; split it by concern"


CORE_MODULES = [path for package in CORE_PACKAGES for path in _modules(BOT / package)]


@pytest.mark.parametrize("path", CORE_MODULES, ids=lambda path: str(path.relative_to(BOT)))
def test_the_core_imports_no_transport_log_or_serving(path: Path) -> None:
    names = imported_names(
        path.read_text(encoding="utf-8"), _module_name(path), is_package=path.name == "__init__.py"
    )
    assert not _forbidden(names), f"{path.relative_to(REPO)} imports {sorted(_forbidden(names))}"


def test_the_core_packages_exist_so_the_import_check_reads_something() -> None:
    assert all((BOT / package / "__init__.py").is_file() for package in CORE_PACKAGES)
    assert len(CORE_MODULES) > len(CORE_PACKAGES)


@pytest.mark.parametrize(
    "source",
    [
        "import telegram.ext",
        "from aiosqlite import connect",
        "from cryptography.fernet import Fernet",
        "from bot import serving",
        "from bot.questionlog.records import QuestionRecord",
        "from ..telegram import keyboards",
        "def later():\n    from ..serving import KnowledgeService",
    ],
)
def test_the_import_check_catches_every_spelling_of_a_forbidden_import(source: str) -> None:
    assert _forbidden(imported_names(source, "bot.engine.render"))


@pytest.mark.parametrize(
    "source",
    ["import rapidfuzz", "from bot.engine.text import fold", "from . import text", "import yaml"],
)
def test_the_import_check_lets_the_core_import_itself_and_libraries(source: str) -> None:
    assert not _forbidden(imported_names(source, "bot.engine.render"))
