"""The question log's layout: light modules stay light, and the log knows no engine type."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "bot" / "questionlog"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_the_question_log_imports_nothing_of_the_engine_but_text_folding(path: Path) -> None:
    imported = _imported_modules(path)
    engine = {name for name in imported if name.startswith("bot.engine")}
    assert engine <= {"bot.engine.text"}
    assert not {name for name in imported if name.startswith(("bot.telegram", "telegram"))}


def test_the_views_and_the_web_view_load_neither_aiosqlite_nor_cryptography() -> None:
    probe = (
        "import sys\n"
        "import bot.questionlog.views, bot.questionlog.web, bot.questionlog.interface\n"
        "heavy = [m for m in ('aiosqlite', 'cryptography') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
