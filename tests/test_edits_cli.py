"""`jpo-bot edits` and `jpo-bot undo`: the edit journal on the command line."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.editing import add_example
from bot.questionlog.keys import admin_key, new_hash_secret
from tests.conftest import KNOWLEDGE_DIR

SECRET = new_hash_secret()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("KNOWLEDGE_DIR", str(target))
    monkeypatch.setenv("LOG_HASH_SECRET", SECRET)
    return target


def test_edits_lists_the_journal_with_hostile_text_made_visible(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit = add_example(
        folder, "family", "Can I bring my dog \x1b[2J along?", "en", author="admin-1"
    )

    assert main(["edits"]) == 0

    out = capsys.readouterr().out
    assert edit.id in out and "admin-1" in out and "topics.yaml" in out
    assert "dog ␛[2J along" in out and "\x1b" not in out


def test_edits_as_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit = add_example(folder, "family", "Can I bring my dog?", "en", author="admin-1")

    assert main(["edits", "--format", "json"]) == 0

    (row,) = json.loads(capsys.readouterr().out)
    assert (row["id"], row["kind"], row["author"], row["undoes"]) == (
        edit.id,
        "add_example",
        "admin-1",
        None,
    )


def test_undo_restores_the_file_and_is_attributed_to_a_keyed_local_admin(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / "topics.yaml"
    before = path.read_bytes()
    edit = add_example(folder, "family", "Can I bring my dog?", "en", author="admin-1")

    assert main(["undo", edit.id]) == 0

    assert path.read_bytes() == before
    expected = admin_key(SECRET.encode(), f"cli:{getpass.getuser()}")
    assert expected in capsys.readouterr().out
    assert getpass.getuser() not in expected


def test_undo_twice_is_refused_with_one_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit = add_example(folder, "family", "Can I bring my dog?", "en", author="admin-1")
    assert main(["undo", edit.id]) == 0
    capsys.readouterr()

    assert main(["undo", edit.id]) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "undone already" in err


def test_undo_of_an_unknown_edit_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["undo", "20260101-000000-beef"]) == 1
    assert "no edit" in capsys.readouterr().err
