"""The topic catalogue, not the code, says which topic is the overview and which are broad."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.loader import load_knowledge
from tests.conftest import FIXTURE_KNOWLEDGE_DIR

UNESCO = "unesco-clt"
DETAIL_OF_A_BROAD_TOPIC = "What are the duties regarding anniversaries?"
WHOLE_TOPIC_INTRO = "Duties and responsibilities of the JPO:"


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    """The fixture knowledge with one edit of its catalogue."""
    folder = tmp_path / "knowledge"
    shutil.copytree(FIXTURE_KNOWLEDGE_DIR, folder)
    topics = folder / "topics.yaml"
    text = topics.read_text(encoding="utf-8")
    assert old in text
    topics.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_an_overview_topic_missing_from_the_catalogue_is_refused_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy_with(tmp_path, "overview_topic: overview", "overview_topic: summary")
    lines = folder.joinpath("topics.yaml").read_text(encoding="utf-8").splitlines()
    line = lines.index("overview_topic: summary") + 1

    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out
    assert f"topics.yaml:{line}:" in out
    assert "overview_topic `summary` is not a topic of the catalogue" in out


def test_a_posting_named_alone_is_answered_with_the_catalogues_overview_topic(
    tmp_path: Path,
) -> None:
    folder = _copy_with(tmp_path, "overview_topic: overview", "overview_topic: duty_station")
    assistant = Assistant(load_knowledge(folder))

    reply = assistant.ask("UNEP?", ChatState()).reply

    assert (reply.status, reply.topic) == ("answered", "duty_station")
    assert "Kingston" in render_plain(reply.answer)


def test_a_broad_topic_gives_way_to_the_passage_naming_the_detail(
    fixture_assistant: Assistant,
) -> None:
    reply = fixture_assistant.ask(DETAIL_OF_A_BROAD_TOPIC, ChatState(posting=UNESCO)).reply

    assert (reply.status, reply.topic) == ("answered", "duties")
    text = render_plain(reply.answer)
    assert "Anniversaries" in text and WHOLE_TOPIC_INTRO not in text


def test_a_topic_not_marked_broad_is_answered_whole(
    tmp_path: Path,
) -> None:
    folder = _copy_with(tmp_path, "  broad: true\n", "")
    assistant = Assistant(load_knowledge(folder))

    reply = assistant.ask(DETAIL_OF_A_BROAD_TOPIC, ChatState(posting=UNESCO)).reply

    assert (reply.status, reply.topic) == ("not_stated", "duties")
    assert WHOLE_TOPIC_INTRO in render_plain(reply.answer)
