"""Serving the knowledge: one load, the engine serving now, and reloads that never break it.

Every test works on a copy of the real knowledge folder that it edits as staff would.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge import loader
from bot.serving import KnowledgeService, KnowledgeUnavailable, knowledge_fingerprint
from tests.conftest import KNOWLEDGE_DIR, REPO

UNEP = "unep-car-rcu"
DURATION_QUESTION = "How long is the assignment in Kingston?"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _answer(service: KnowledgeService, question: str = DURATION_QUESTION) -> str:
    return render_plain(service.current.ask(question, ChatState()).reply.answer)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _three_years(folder: Path) -> None:
    _edit(folder / "postings" / f"{UNEP}.yaml", "2 years, with", "3 years, with")


def test_nothing_changed_is_reported_as_unchanged(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    result = service.reload_if_changed()
    assert result.outcome == "unchanged"
    assert result.version == result.previous == service.version


def test_an_edited_posting_is_served_after_reload_if_changed(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    before = service.version
    assert "2 years" in _answer(service)
    _three_years(folder)
    result = service.reload_if_changed()
    assert (result.outcome, result.previous, result.version) == (
        "reloaded",
        before,
        service.version,
    )
    assert service.version != before
    assert "3 years" in _answer(service)
    assert service.reload_if_changed().outcome == "unchanged"


def test_a_renamed_posting_is_offered_by_its_new_name_after_reload(folder: Path) -> None:
    def choices() -> list[str]:
        reply = service.current.ask("what are the duties?", ChatState()).reply
        assert reply.status == "clarify"
        return [suggestion.label for suggestion in reply.suggestions]

    service = KnowledgeService.load(folder)
    assert "UNEP – Kingston, Jamaica" in choices()
    _edit(
        folder / "postings" / f"{UNEP}.yaml", "en: UNEP – Kingston, Jamaica", "en: UNEP (Jamaica)"
    )
    assert service.reload_if_changed().outcome == "reloaded"
    assert choices() == ["UNEP (Jamaica)", "UNESCO – Culture Sector"]


def test_a_touched_file_with_the_same_content_keeps_the_version(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    posting = folder / "postings" / f"{UNEP}.yaml"
    posting.write_bytes(posting.read_bytes())
    os.utime(posting, ns=(1, 1))
    assert service.changed()
    assert service.reload_if_changed().outcome == "unchanged"


def test_an_invalid_edit_is_refused_with_file_and_line_and_the_last_good_one_serves(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    service = KnowledgeService.load(folder)
    version = service.version
    posting = folder / "postings" / f"{UNEP}.yaml"
    lines = posting.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "unknown_field: [unclosed")
    posting.write_text("\n".join(lines), encoding="utf-8")
    caplog.set_level(logging.ERROR, logger="bot.serving")
    result = service.reload_if_changed()
    assert result.outcome == "refused"
    assert result.problems and all(p.startswith(f"{posting}:") for p in result.problems)
    assert service.version == version and "2 years" in _answer(service)
    messages = [r.getMessage() for r in caplog.records]
    for problem in result.problems:
        assert f"knowledge not reloaded: {problem}" in messages
    assert all("\n" not in message for message in messages)


@pytest.mark.parametrize("error", [MemoryError(), RecursionError("maximum recursion depth")])
def test_any_failure_while_loading_keeps_the_last_good_knowledge(
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: BaseException,
) -> None:
    service = KnowledgeService.load(folder)
    version = service.version

    def broken(directory: Path) -> None:
        raise error

    monkeypatch.setattr("bot.serving.load_knowledge", broken)
    caplog.set_level(logging.ERROR, logger="bot.serving")
    result = service.reload()
    assert result.outcome == "refused"
    [problem] = result.problems
    assert problem.startswith(f"{folder}:1:1: {type(error).__name__}")
    assert "test_serving.py:" in problem  # where in the code it was raised
    assert service.version == version and "2 years" in _answer(service)
    assert f"knowledge not reloaded: {problem}" in [r.getMessage() for r in caplog.records]


async def test_the_async_reload_gives_the_same_outcome(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    assert (await service.reload_if_changed_async()).outcome == "unchanged"
    _three_years(folder)
    assert (await service.reload_if_changed_async()).outcome == "reloaded"
    assert (await service.reload_async()).outcome == "unchanged"
    assert "3 years" in _answer(service)


def test_a_symlinked_postings_folder_is_reloaded_when_a_file_in_it_changes(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    elsewhere = tmp_path / "postings-kept-elsewhere"
    shutil.move(folder / "postings", elsewhere)
    (folder / "postings").symlink_to(elsewhere, target_is_directory=True)
    service = KnowledgeService.load(folder)
    assert f"{UNEP}.yaml" in str(knowledge_fingerprint(folder))
    _edit(elsewhere / f"{UNEP}.yaml", "2 years, with", "3 years, with")
    assert service.reload_if_changed().outcome == "reloaded"
    assert "3 years" in _answer(service)


def test_a_symlink_loop_does_not_hang_the_fingerprint(folder: Path) -> None:
    (folder / "postings" / "loop").symlink_to(folder, target_is_directory=True)
    paths = [entry[0] for entry in knowledge_fingerprint(folder)]
    assert len(paths) == len(set(os.path.realpath(p) for p in paths))
    assert any(p.endswith(f"{UNEP}.yaml") for p in paths)


def test_loading_a_broken_folder_names_every_problem(folder: Path) -> None:
    (folder / "topics.yaml").unlink()
    with pytest.raises(KnowledgeUnavailable) as caught:
        KnowledgeService.load(folder)
    assert str(caught.value) == f"the knowledge in {folder} cannot be loaded"
    assert any("topics.yaml" in problem for problem in caught.value.problems)


def test_load_or_exit_prints_the_problems_and_one_summary_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def too_deep(directory: Path) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(loader, "load_knowledge", too_deep)
    monkeypatch.setattr("bot.serving.load_knowledge", too_deep)
    with pytest.raises(SystemExit) as stopped:
        KnowledgeService.load_or_exit(folder)
    assert stopped.value.code == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0].startswith(f"{folder}:1:1: RecursionError: maximum recursion depth exceeded")
    assert lines[1:] == [f"the knowledge in {folder} cannot be loaded"]


# --- the terminal chat hot-reloads between questions ---


class _Pipe:
    """A running `jpo-bot chat` fed through a pipe, its output read line by line."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "bot", "chat", "--knowledge", str(folder)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def say(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.flush()

    def read_until(self, wanted: str, timeout: float = 30) -> str:
        seen = []
        while True:
            line = self.lines.get(timeout=timeout)
            assert line is not None, f"the chat ended before saying {wanted!r}: {seen}"
            seen.append(line)
            if wanted in line:
                return "".join(seen)

    def close(self) -> tuple[int, str]:
        assert self.process.stdin is not None
        self.process.stdin.close()
        code = self.process.wait(timeout=30)
        assert self.process.stderr is not None
        return code, self.process.stderr.read()


def test_the_terminal_chat_serves_a_posting_edited_mid_session(folder: Path) -> None:
    chat = _Pipe(folder)
    try:
        chat.read_until("Type a question")  # greeted: the knowledge is loaded
        chat.say(DURATION_QUESTION)
        assert "2 years" in chat.read_until("2 years")
        _three_years(folder)
        chat.say(DURATION_QUESTION)
        assert "3 years" in chat.read_until("3 years")
    finally:
        code, errors = chat.close()
    assert code == 0, errors
    assert "Traceback" not in errors
