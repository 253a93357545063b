"""Editing the knowledge from the bot: only the added entry changes, bad edits change
nothing, every edit is journaled and can be undone, and the engine answers with it.

Every test edits a copy of the real knowledge folder.
"""

from __future__ import annotations

import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from bot.engine.faq_terms import faq_terms
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.edit_journal import JOURNAL_DIR
from bot.knowledge.editing import (
    Edit,
    EditRefused,
    add_example,
    add_examples,
    add_faq,
    list_edits,
    undo,
)
from bot.knowledge.loader import load_knowledge
from bot.serving import KnowledgeService
from tests.conftest import KNOWLEDGE_DIR

ADMIN = "admin-3f2a9c0d1e4b5a69"
UNEP = "unep-car-rcu"
FLIGHT = "Who pays for the flight ticket there?"
PAY = "What is the pay like for a JPO?"
DOG = "Can I bring my dog along?"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def _without(text: str, added: str) -> str:
    assert text.count(added) == 1, f"the added text is not in the file once: {added!r}"
    return text.replace(added, "", 1)


def test_an_example_is_added_to_its_flow_list_and_nothing_else_changes(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_text(encoding="utf-8")

    edit = add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)

    after = path.read_text(encoding="utf-8")
    assert _without(after, f', "{FLIGHT}"') == before
    assert after.startswith("# yaml-language-server: $schema=schema/topics.schema.json\n")
    topic = load_knowledge(folder).topics["relocation"]
    assert topic.examples.en[-1] == FLIGHT
    assert (edit.kind, edit.file, edit.author) == ("add_example", "topics.yaml", ADMIN)
    assert edit.at.utcoffset() is not None and edit.at.utcoffset().total_seconds() == 0


def test_an_example_in_a_language_the_topic_lacks_gets_its_own_key(folder: Path) -> None:
    path = folder / "topics.yaml"
    text = path.read_text(encoding="utf-8")
    # Take the Spanish examples out of one topic, so that adding one must create the key.
    start = text.index("  - id: relocation")
    spanish = text.index("      es: [", start)
    line_end = text.index("\n", spanish) + 1
    path.write_text(text[:spanish] + text[line_end:], encoding="utf-8")
    before = path.read_text(encoding="utf-8")

    add_example(folder, "relocation", "¿Quién paga el vuelo?", "es", author=ADMIN)

    assert _without(path.read_text(encoding="utf-8"), '      es: ["¿Quién paga el vuelo?"]\n') == (
        before
    )
    assert load_knowledge(folder).topics["relocation"].examples.es == ("¿Quién paga el vuelo?",)


def test_an_faq_entry_is_appended_to_a_postings_faq_keeping_comments_and_order(
    folder: Path,
) -> None:
    path = folder / "postings" / f"{UNEP}.yaml"
    before = path.read_text(encoding="utf-8")

    edit = add_faq(
        folder,
        UNEP,
        "Is there a dress code in the Kingston office?",
        "Business casual; BFIO can tell you more.",
        "en",
        author=ADMIN,
        topic="working_hours",
        keywords=["dress code"],
    )

    after = path.read_text(encoding="utf-8")
    added = (
        "\n"
        "  - id: staff_is_there_a\n"
        "    topic: working_hours\n"
        "    source: bfio_staff\n"
        "    questions:\n"
        "      en:\n"
        '        - "Is there a dress code in the Kingston office?"\n'
        "    keywords:\n"
        '      - "dress code"\n'
        '    answer: "Business casual; BFIO can tell you more."\n'
    )
    assert after == before + added
    faq = load_knowledge(folder).postings[UNEP].faq[-1]
    assert (faq.id, faq.source, faq.topic) == (
        "staff_is_there_a",
        "bfio_staff",
        "working_hours",
    )
    assert edit.file == f"postings/{UNEP}.yaml"


def test_a_programme_file_without_faq_gets_the_key(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    shutil.copytree(Path(__file__).parent / "fixtures" / "knowledge", folder)
    path = folder / "programme.yaml"
    before = path.read_text(encoding="utf-8")
    assert "faq:" not in before

    add_faq(
        folder, None, PAY, "A monthly salary.", "en", author=ADMIN, topic="salary", keywords=["pay"]
    )

    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)
    assert yaml.safe_load(after[len(before) :])["faq"][0]["answer"] == "A monthly salary."
    assert load_knowledge(folder).programme.faq[0].source == "bfio_staff"


def test_a_refused_edit_leaves_the_file_byte_identical_and_names_file_and_line(
    folder: Path,
) -> None:
    path = folder / "postings" / f"{UNEP}.yaml"
    before = path.read_bytes()

    with pytest.raises(EditRefused) as refused:
        add_faq(
            folder,
            UNEP,
            "Why?",
            "Because.",
            "en",
            author=ADMIN,
            topic="no_such_topic",
            keywords=["why"],
        )

    assert path.read_bytes() == before
    assert any(
        f"{path}:" in problem and "no_such_topic" in problem for problem in refused.value.problems
    )
    assert list_edits(folder) == []


def test_a_text_over_the_limit_is_refused_with_its_line(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_bytes()

    with pytest.raises(EditRefused) as refused:
        add_example(folder, "duration", "x" * 20_000, "en", author=ADMIN)

    assert path.read_bytes() == before
    (problem,) = refused.value.problems
    assert problem.startswith(f"{path}:") and "20,000 characters" in problem


@pytest.mark.parametrize(
    "hostile",
    [
        ": {a: *b}",
        "&anchor !tag *alias",
        "- [ ] # not a comment\n---\n...",
        'quote " and backslash \\ and \\n',
        "ESC \x1b[2J BEL \x07 NEL \x85 LS \u2028 PS \u2029 BOM \ufeff DEL \x7f",
        "long " + "word " * 1_500,
        "yes",
        "null",
    ],
    ids=["flow", "anchor", "document", "escapes", "controls", "long", "yes", "null"],
)
def test_hostile_text_is_stored_and_read_back_as_plain_text(folder: Path, hostile: str) -> None:
    add_example(folder, "duration", hostile, "en", author=ADMIN)
    add_faq(folder, None, hostile, hostile, "de", author=ADMIN, topic="salary", keywords=[hostile])

    knowledge = load_knowledge(folder)
    assert knowledge.topics["duration"].examples.en[-1] == hostile.strip()
    faq = knowledge.programme.faq[-1]
    assert (faq.questions.de, faq.answer, faq.keywords) == (
        (hostile.strip(),),
        hostile.strip(),
        (hostile.strip(),),
    )


def test_undo_restores_the_file_byte_identical_and_is_journaled(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_bytes()
    edit = add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)

    undone = undo(folder, edit.id, author="admin-other")

    assert path.read_bytes() == before
    assert (undone.kind, undone.undoes, undone.author) == ("undo", edit.id, "admin-other")
    assert [e.id for e in list_edits(folder)] == [edit.id, undone.id]
    with pytest.raises(EditRefused, match="undone already"):
        undo(folder, edit.id, author=ADMIN)


def test_undo_takes_out_only_its_own_wording_after_later_edits(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_text(encoding="utf-8")
    first = add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)
    add_example(folder, "relocation", "Is the move paid for?", "en", author=ADMIN)
    add_faq(folder, None, PAY, "A salary.", "en", author=ADMIN, topic="salary", keywords=["pay"])

    undo(folder, first.id, author=ADMIN)

    examples = load_knowledge(folder).topics["relocation"].examples.en
    assert FLIGHT not in examples and examples[-1] == "Is the move paid for?"
    assert _without(path.read_text(encoding="utf-8"), ', "Is the move paid for?"') == before


def test_undo_is_refused_when_the_file_changed_in_a_conflicting_way(folder: Path) -> None:
    path = folder / "topics.yaml"
    edit = add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)
    changed = path.read_text(encoding="utf-8").replace(
        f', "{FLIGHT}"', ', "Who pays for my flight?"'
    )
    path.write_text(changed, encoding="utf-8")

    with pytest.raises(EditRefused) as refused:
        undo(folder, edit.id, author=ADMIN)

    assert len(refused.value.problems) == 1 and "conflicts" in refused.value.problems[0]
    assert path.read_text(encoding="utf-8") == changed


def test_edits_keep_the_file_mode_and_leave_no_temporary_files(folder: Path) -> None:
    path = folder / "topics.yaml"
    os.chmod(path, 0o640)

    add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)

    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [JOURNAL_DIR, "postings", "programme.yaml", "schema", "topics.yaml"]
    )


def test_the_journal_is_invisible_to_the_loader_and_the_reload_watcher(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    add_example(folder, "relocation", FLIGHT, "en", author=ADMIN)
    assert service.reload_if_changed().outcome == "reloaded"
    (folder / JOURNAL_DIR / "extra.json").write_text("{}", encoding="utf-8")
    assert service.reload_if_changed().outcome == "unchanged"


@pytest.mark.parametrize(
    ("posting", "lang", "what"),
    [
        ("../topics", "en", "posting id"),
        (UNEP, "xx", "language"),
        ("no-such-posting", "en", "no posting"),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_read(
    folder: Path, posting: str, lang: str, what: str
) -> None:
    with pytest.raises(EditRefused, match=what.split()[-1]):
        add_faq(folder, posting, "Q?", "A.", lang, author=ADMIN, topic="salary", keywords=["q"])
    assert not (folder / JOURNAL_DIR).exists()


def test_after_an_example_the_reloaded_engine_answers_the_wording(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    assert service.current.ask(DOG, ChatState()).reply.status == "fallback"

    add_example(folder, "family", DOG, "en", author=ADMIN)

    assert service.reload().outcome == "reloaded"
    result = service.current.ask(DOG, ChatState()).reply
    assert (result.status, result.topic) == ("not_stated", "family")


def test_after_an_faq_entry_the_reloaded_engine_answers_with_it(folder: Path) -> None:
    service = KnowledgeService.load(folder)
    answer = "JPOs are paid according to the UN salary scale; BFIO gives the details."
    assert answer not in _text(service, PAY)
    terms = faq_terms(service.current.index, PAY)
    assert terms.topic == "salary"

    add_faq(
        folder, None, PAY, answer, "en", author=ADMIN, topic=terms.topic, keywords=terms.keywords
    )

    service.reload()
    assert answer in _text(service, PAY)
    assert service.current.ask(PAY, ChatState()).reply.status == "answered"


def _text(service: KnowledgeService, question: str) -> str:
    return render_plain(service.current.ask(question, ChatState()).reply.answer)


def test_several_wordings_in_several_languages_are_one_edit(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_text(encoding="utf-8")

    edit = add_examples(
        folder,
        "family",
        [(DOG, "en"), ("Darf mein Hund mit?", "de"), ("Can I bring my children?", "en")],
        author=ADMIN,
    )

    after = path.read_text(encoding="utf-8")
    assert _without(_without(after, f', "{DOG}"'), ', "Darf mein Hund mit?"') == before
    assert "(+1 more)" in edit.summary and "(en, de)" in edit.summary
    assert [e.id for e in list_edits(folder)] == [edit.id]
    undo(folder, edit.id, author=ADMIN)
    assert path.read_text(encoding="utf-8") == before


def test_wordings_the_topic_has_already_are_refused(folder: Path) -> None:
    path = folder / "topics.yaml"
    before = path.read_bytes()

    with pytest.raises(EditRefused, match="already an example"):
        add_example(folder, "duration", "How long is the assignment?", "en", author=ADMIN)

    assert path.read_bytes() == before


def test_a_file_with_windows_line_ends_and_a_bom_keeps_them(folder: Path) -> None:
    path = folder / "topics.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_bytes(("\ufeff" + original.replace("\n", "\r\n")).encode("utf-8"))
    before = path.read_bytes()

    edit = add_example(folder, "family", DOG, "en", author=ADMIN)

    after = path.read_bytes()
    assert after.startswith("\ufeff".encode()) and b"\n" not in after.replace(b"\r\n", b"")
    assert _without(after.decode("utf-8"), f', "{DOG}"') == before.decode("utf-8")
    undo(folder, edit.id, author=ADMIN)
    assert path.read_bytes() == before


def test_edits_made_at_once_from_two_threads_both_land(folder: Path) -> None:
    wordings = [(DOG, "family"), ("Is snorkeling possible on weekends?", "living_conditions")]

    def add(item: tuple[str, str]) -> Edit:
        return add_example(folder, item[1], item[0], "en", author=ADMIN)

    with ThreadPoolExecutor(max_workers=2) as pool:
        edits = list(pool.map(add, wordings))

    topics = load_knowledge(folder).topics
    assert DOG in topics["family"].examples.en
    assert "Is snorkeling possible on weekends?" in topics["living_conditions"].examples.en
    assert sorted(e.id for e in list_edits(folder)) == sorted(e.id for e in edits)
