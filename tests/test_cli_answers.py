"""`jpo-bot ask`, `eval` and `chat` keep the contract of ../shared/EVAL.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import KNOWLEDGE_DIR, REPO

KEYS = {"question", "status", "posting", "topic", "score", "answer", "suggestions"}
# EVAL.md version 2 adds these.
KEYS |= {"lang", "lead", "postings", "topics"}


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    code = main(["ask", "--json", "--knowledge", str(KNOWLEDGE_DIR), *args])
    assert code == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_ask_json_prints_one_object_with_every_contract_field(capsys) -> None:
    [result] = _ask(capsys, "--lang", "de", "Wo ist der Dienstort der UNEP-Stelle?")
    assert set(result) == KEYS
    assert result["status"] == "answered" and result["posting"] == "unep-car-rcu"
    assert result["topic"] == "duty_station" and "Kingston" in result["answer"]
    assert 0 <= result["score"] <= 100 and isinstance(result["suggestions"], list)
    assert "<b>" not in result["answer"]


def test_ask_uses_the_context_posting(capsys) -> None:
    [result] = _ask(capsys, "--context", "unesco-clt", "who is the supervisor?")
    assert result["posting"] == "unesco-clt" and "Director" in result["answer"]


def test_batch_answers_every_line_in_input_order(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "q.jsonl"
    lines = [
        {"question": "How do I apply?"},
        {"question": "what are the duties?"},
        {"question": "what are the duties?", "context": "unep-car-rcu", "lang": "de"},
        {"question": "Erzähl mir einen Witz", "lang": "de"},
    ]
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    results = _ask(capsys, "--batch", str(batch))
    assert [r["question"] for r in results] == [x["question"] for x in lines]
    assert [r["status"] for r in results] == ["answered", "clarify", "answered", "fallback"]


def test_batch_with_a_bad_line_names_file_and_line(tmp_path: Path, capsys) -> None:
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"question": "ok"}\nnot json\n', encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["ask", "--json", "--knowledge", str(KNOWLEDGE_DIR), "--batch", str(batch)])
    assert stop.value.code == 2
    assert f"{batch}:2:" in capsys.readouterr().err


def test_eval_prints_rates_by_language_and_expectation(tmp_path: Path, capsys) -> None:
    cases = tmp_path / "set.yaml"
    cases.write_text(
        """
- id: a
  question: "How do I apply?"
  lang: en
  context: null
  expect: answered
  posting: null
  facts: [["BFIO"]]
- id: b
  question: "Wie lange dauert die Stelle?"
  lang: de
  context: unep-car-rcu
  expect: not_stated
  posting: unep-car-rcu
  facts: []
""",
        encoding="utf-8",
    )
    code = main(["eval", str(cases), "--knowledge", str(KNOWLEDGE_DIR)])
    out = capsys.readouterr().out
    assert code == 0
    assert "overall: 1/2 passed (50.0%)" in out
    assert "lang=de: 0/1" in out and "expect=answered: 1/1" in out
    assert "- b: status answered not in ('not_stated',)" in out


def test_terminal_chat_runs_from_a_pipe_and_ends_at_end_of_input() -> None:
    script = "Which languages do I need?\n2\n/topics\nwho is my supervisor?\n"
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--knowledge", str(KNOWLEDGE_DIR)],
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Which posting do you mean?" in out
    assert "Excellent knowledge of English" in out  # picked [2], UNESCO, answered the question
    assert "UNESCO – Culture Sector: topics" in out
    assert "Director" in out
    assert "Traceback" not in done.stderr


def test_terminal_chat_logs_questions_when_the_log_is_configured(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    database = tmp_path / "log.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "KNOWLEDGE_DIR": str(KNOWLEDGE_DIR),
        "DATABASE_PATH": str(database),
        "LOG_HASH_SECRET": "test-secret-for-hashing-chat-keys",
        "LOG_ENCRYPTION_KEY": Fernet.generate_key().decode(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        input="Welche Sprachen brauche ich?\n1\nasdkjh qwe\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    assert "terminal chat" in done.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "bot", "log", "recent", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
    )
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert sorted(r["status"] for r in rows) == ["answered", "clarify", "fallback"]
    assert {r["channel"] for r in rows} == {"terminal"}
    assert "Welche Sprachen brauche ich?" in {r["question"] for r in rows}


def test_batch_line_with_history_is_asked_after_its_earlier_messages(
    tmp_path: Path, capsys
) -> None:
    batch = tmp_path / "q.jsonl"
    line = {"question": "what are the duties?", "history": ["Tell me about the UNEP job"]}
    batch.write_text(json.dumps(line) + "\n", encoding="utf-8")
    [result] = _ask(capsys, "--batch", str(batch))
    assert result["status"] == "answered" and result["posting"] == "unep-car-rcu"
    assert result["postings"] == ["unep-car-rcu"] and result["topics"] == [result["topic"]]


@pytest.mark.parametrize(
    ("content", "problem"),
    [(None, "no such file"), (b"\xff\xfe\x00bad", "not UTF-8")],
)
def test_batch_file_missing_or_not_utf8_gets_one_line_and_exit_2(
    tmp_path: Path, content: bytes | None, problem: str
) -> None:
    batch = tmp_path / "q.jsonl"
    if content is not None:
        batch.write_bytes(content)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "--batch", str(batch)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert done.returncode == 2
    assert problem in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_eval_with_calibration_prints_the_reliability_table(tmp_path: Path, capsys) -> None:
    cases = tmp_path / "set.yaml"
    cases.write_text(
        '- {id: a, question: "How do I apply?", expect: answered, facts: [["BFIO"]]}\n'
        '- {id: b, question: "Erzähl mir einen Witz", lang: de, expect: fallback}\n',
        encoding="utf-8",
    )
    code = main(["eval", "--knowledge", str(KNOWLEDGE_DIR), "--calibration", str(cases)])
    out = capsys.readouterr().out
    assert code == 0 and "overall: 2/2 passed" in out
    assert "score band" in out and "confident wrong answers" in out
