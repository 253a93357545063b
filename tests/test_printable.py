"""Escape and control characters in untrusted text never reach a terminal.

Questions with real escape sequences are logged to a real SQLite file and read back
through `jpo-bot log ...` (bot.cli.main); the CLI's own errors quote input safely too.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.printable import json_safe, printable
from bot.serving import KnowledgeService
from bot.terminal import run_chat
from tests.conftest import KNOWLEDGE_DIR
from tests.questionlog_helpers import KEY, SECRET, open_store, record

CLEAR_AND_RETITLE = "\x1b[2J\x1b]0;pwned\x07Where is\x9b31m the office?\u202eevil\r"
TOPIC = "\x1b[31mred topic"  # the log keeps whatever it is given
UNSAFE = ("\x1b", "\x07", "\x9b", "\u202e", "\r")


def test_printable_replaces_controls_and_bidi_but_keeps_newline_tab_and_letters() -> None:
    assert printable("a\x1b[31mred\x00\x7f") == "a␛[31mred␀␡"
    assert printable("C1\x9b \u202eRTL\u2066 ok") == "C1\ufffd \ufffdRTL\ufffd ok"
    assert printable("line\n\tnext Größe 👋 I <3 UNEP") == "line\n\tnext Größe 👋 I <3 UNEP"


def test_json_safe_escapes_what_json_dumps_leaves_raw_and_decodes_to_the_data() -> None:
    text = json_safe(json.dumps({"q": CLEAR_AND_RETITLE}, ensure_ascii=False))
    assert not any(char in text for char in UNSAFE)
    assert json.loads(text) == {"q": CLEAR_AND_RETITLE}


@pytest.fixture
def hostile_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "log.sqlite3"

    async def write() -> None:
        store = await open_store(path)
        store.log(record(CLEAR_AND_RETITLE, status="fallback", posting=None, topic=TOPIC))
        store.log(record("=cmd|' /C calc'!A0", status="fallback", posting=None, topic=None))
        await store.close()

    asyncio.run(write())
    monkeypatch.setenv("DATABASE_PATH", str(path))
    monkeypatch.setenv("LOG_ENCRYPTION_KEY", KEY)
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    return path


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    out, err = capsys.readouterr()
    assert not any(char in out + err for char in UNSAFE)
    return out


@pytest.mark.parametrize("view", [["recent"], ["unanswered"], ["stats"]])
def test_log_tables_show_escape_sequences_as_visible_stand_ins(
    hostile_log: Path, capsys: pytest.CaptureFixture[str], view: list[str]
) -> None:
    out = _cli(capsys, "log", *view)
    assert "␛[31mred topic" in out
    if view != ["stats"]:
        assert "␛[2J␛]0;pwned␇Where is\ufffd31m the office?\ufffdevil" in out


def test_log_json_keeps_the_exact_question_as_escapes(
    hostile_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli(capsys, "log", "recent", "--format", "json")
    assert "\\u001b[2J" in out and "\\u009b" in out and "\\u202e" in out
    questions = {row["question"] for row in json.loads(out)}
    assert CLEAR_AND_RETITLE in questions
    groups = json.loads(_cli(capsys, "log", "unanswered", "--format", "json"))
    assert CLEAR_AND_RETITLE in {group["example"] for group in groups}


def test_log_csv_replaces_controls_and_defuses_formulas(
    hostile_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _cli(capsys, "log", "recent", "--format", "csv")
    questions = {row["question"] for row in csv.DictReader(io.StringIO(out))}
    assert questions == {
        "␛[2J␛]0;pwned␇Where is\ufffd31m the office?\ufffdevil␍",
        "'=cmd|' /C calc'!A0",
    }


def _exit_code(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as stop:
        return int(stop.code or 0)


def test_cli_errors_quote_input_without_its_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code("ask", "--batch", str(tmp_path / "\x1b[31mmissing.jsonl")) == 2
    _, err = capsys.readouterr()
    assert "␛[31mmissing.jsonl: no such file" in err and "\x1b" not in err
    assert _exit_code("show", "\x1b]0;pwned\x07") != 0
    _, err = capsys.readouterr()
    assert "no posting `␛]0;pwned␇`" in err and "\x1b" not in err and "\x07" not in err


def test_the_terminal_chat_prints_knowledge_text_without_its_escapes(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    posting = folder / "postings" / "unep-car-rcu.yaml"
    text = posting.read_text(encoding="utf-8")
    posting.write_text(
        text.replace("  en: UNEP – Kingston, Jamaica", '  en: "UNEP \\e[2J\\u202e Kingston"'),
        encoding="utf-8",
    )
    out = io.StringIO()
    assert run_chat(KnowledgeService.load(folder), lines=["/postings"], out=out) == 0
    said = out.getvalue()
    assert "UNEP ␛[2J\ufffd Kingston" in said
    assert not any(char in said for char in UNSAFE)
