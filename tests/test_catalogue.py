"""The topic catalogue, not the code, says which topic is the overview and which are broad."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine.conversation import Assistant
from bot.engine.state import ChatState
from bot.knowledge.loader import load_knowledge
from tests.conftest import KNOWLEDGE_DIR


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    topics = folder / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    assert old in text
    topics.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_an_overview_topic_missing_from_the_catalogue_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy_with(tmp_path, "overview_topic: overview", "overview_topic: summary")
    line = (
        folder.joinpath("topics.yaml")
        .read_text(encoding="utf-8")
        .splitlines()
        .index("overview_topic: summary")
    )

    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"topics.yaml:{line + 1}:" in out
    assert "overview_topic `summary` is not a topic of the catalogue" in out


def test_a_posting_named_alone_is_answered_with_the_catalogues_overview_topic(
    tmp_path: Path,
) -> None:
    folder = _copy_with(tmp_path, "overview_topic: overview", "overview_topic: duty_station")
    assistant = Assistant(load_knowledge(folder))

    reply = assistant.ask("UNEP?", ChatState()).reply

    assert (reply.status, reply.topic) == ("answered", "duty_station")
    assert "Kingston" in (reply.answer.text or "") + " ".join(reply.answer.points)
