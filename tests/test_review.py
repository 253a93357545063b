"""`bot.review`: a staff answer becomes an FAQ entry the engine answers with at once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.editing import EditRefused, list_edits, undo
from bot.knowledge.loader import load_knowledge
from bot.review import add_answer, distinct, find_group, group_key
from bot.serving import KnowledgeService
from tests.conftest import KNOWLEDGE_DIR

PAY = "What is the pay like for a JPO?"
ANSWER = "JPOs are paid according to the UN salary scale; BFIO gives the details."


@pytest.fixture
def service(tmp_path: Path) -> KnowledgeService:
    folder = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, folder)
    return KnowledgeService.load(folder)


def test_a_staff_answer_is_served_for_its_question_at_once(service: KnowledgeService) -> None:
    added = add_answer(service, None, PAY, ANSWER, "en", author="admin-1")

    assert added.reload.outcome == "reloaded"
    assert (added.answer.status, added.answer.topic) == ("answered", "salary")
    turn = service.current.ask(PAY, ChatState())
    assert ANSWER in render_plain(turn.reply.answer)
    faq = load_knowledge(service.directory).programme.faq[-1]
    assert (faq.source, faq.topic, faq.answer) == ("bfio_staff", "salary", ANSWER)
    assert "pay" in faq.keywords and "what" not in faq.keywords
    assert [e.kind for e in list_edits(service.directory)] == ["add_faq"]


def test_a_staff_answer_for_a_posting_goes_into_its_file(service: KnowledgeService) -> None:
    path = service.directory / "postings" / "unesco-clt.yaml"
    before = path.read_bytes()

    added = add_answer(service, "unesco-clt", PAY, ANSWER, "en", author="admin-1")

    assert added.edit.file == "postings/unesco-clt.yaml"
    undo(service.directory, added.edit.id, author="admin-1")
    assert path.read_bytes() == before


def test_a_staff_answer_for_an_unknown_posting_is_refused(service: KnowledgeService) -> None:
    with pytest.raises(EditRefused, match="no posting"):
        add_answer(service, "no-such-posting", PAY, ANSWER, "en", author="admin-1")


def test_groups_are_found_again_by_any_of_their_wordings() -> None:
    assert group_key("Can I bring my dog?") == group_key("can i bring my dog")
    assert len(group_key("x")) == 10
    assert distinct(["Can I bring my dog?", "can i bring my dog", "Dog?"]) == [
        "Can I bring my dog?",
        "Dog?",
    ]
    assert find_group((), group_key("x")) is None
