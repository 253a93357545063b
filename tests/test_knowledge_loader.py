"""The knowledge loader: a valid folder loads; every mistake is reported at its line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from bot.knowledge.loader import (
    KnowledgeError,
    Problem,
    check_knowledge,
    load_knowledge,
    normalise_alias,
)

REPO = Path(__file__).resolve().parents[1]

HEADER = "# yaml-language-server: $schema=../schema/posting.schema.json\n"

VALID_TREE: dict[str, str] = {
    "topics.yaml": """\
        topics:
          - id: duties
            title:
              en: Duties
            keywords: [duties, tasks]
            related: [training]
          - id: training
            title:
              en: Training
          - id: how_to_apply
            scope: programme
            title:
              en: How to apply
        glossary:
          aufgaben: duties
        """,
    "programme.yaml": """\
        source: BFIO programme information
        contact:
          en: BFIO
        topics:
          how_to_apply:
            text: Apply through BFIO.
        faq:
          - id: deadline
            topic: how_to_apply
            questions:
              en: [When is the deadline?]
            keywords: [deadline]
            answer: The posting names it.
        """,
    "postings/alpha.yaml": HEADER
    + textwrap.dedent("""\
        id: alpha
        title: Associate Officer
        organisation: UNEP
        name:
          en: UNEP – Kingston
        source: alpha.txt
        aliases:
          - UNEP
          - Kingston
        topics:
          duties:
            points:
              - Coordinate outreach
          training:
            text: Courses are offered.
        faq:
          - id: moocs
            topic: duties
            questions:
              en: [Will I work on MOOCs?]
            keywords: [mooc]
            answer: Yes, with UNEP.
        """),
    "postings/beta.yaml": HEADER
    + textwrap.dedent("""\
        id: beta
        title: Associate Culture Officer
        organisation: UNESCO
        name:
          en: UNESCO – Paris
        source: beta.txt
        aliases:
          - UNESCO
          - Paris
        topics:
          duties:
            text: Support the Culture Sector.
        """),
}


def write_tree(root: Path, changes: dict[str, str | bytes | None] | None = None) -> Path:
    """Writes the valid tree to `root/knowledge`, with files replaced (or removed: None)."""
    files: dict[str, str | bytes | None] = {
        name: textwrap.dedent(text) for name, text in VALID_TREE.items()
    }
    files.update(changes or {})
    directory = root / "knowledge"
    (directory / "postings").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        path = directory / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return directory


def edit(name: str, old: str, new: str) -> dict[str, str | bytes | None]:
    """The tree change that replaces `old` by `new` in one file of the valid tree."""
    text = textwrap.dedent(VALID_TREE[name])
    assert old in text, f"{old!r} is not in {name}"
    return {name: text.replace(old, new, 1)}


def line_of(directory: Path, name: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th line containing `needle` in a written file."""
    lines = (directory / name).read_text(encoding="utf-8").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if needle in line]
    return hits[occurrence - 1]


def problems_of(tmp_path: Path, changes: dict[str, str | bytes | None]) -> list[Problem]:
    directory = write_tree(tmp_path, changes)
    knowledge, problems = check_knowledge(directory)
    assert knowledge is None, "a folder with problems must not load"
    return problems


def the_problem(problems: list[Problem], fragment: str) -> Problem:
    found = [problem for problem in problems if fragment in problem.message]
    assert found, f"no problem mentions {fragment!r}; got:\n" + "\n".join(map(str, problems))
    return found[0]


# --- a valid folder -------------------------------------------------------------------


def test_valid_tree_loads_into_a_snapshot(tmp_path: Path) -> None:
    knowledge = load_knowledge(write_tree(tmp_path))

    assert sorted(knowledge.postings) == ["alpha", "beta"]
    assert list(knowledge.topics) == ["duties", "training", "how_to_apply"]
    assert knowledge.content("alpha", "duties").points == ("Coordinate outreach",)
    assert knowledge.content(None, "how_to_apply").text == "Apply through BFIO."
    assert re.fullmatch(r"[0-9a-f]{12}", knowledge.version)


def test_each_topic_knows_the_postings_that_cover_it_in_posting_order(tmp_path: Path) -> None:
    knowledge = load_knowledge(write_tree(tmp_path))

    assert knowledge.covering("duties") == ("alpha", "beta")
    assert knowledge.covering("training") == ("alpha",)
    assert knowledge.covering("how_to_apply") == ()  # the programme's, no posting's


def test_check_knowledge_reports_no_problem_for_a_valid_tree(tmp_path: Path) -> None:
    knowledge, problems = check_knowledge(write_tree(tmp_path))

    assert knowledge is not None
    assert problems == []


def test_version_is_stable_and_changes_when_a_file_changes(tmp_path: Path) -> None:
    directory = write_tree(tmp_path)
    first = load_knowledge(directory).version
    assert load_knowledge(directory).version == first

    path = directory / "postings" / "beta.yaml"
    path.write_text(path.read_text().replace("Support", "Help"), encoding="utf-8")

    assert load_knowledge(directory).version != first


def test_version_changes_when_a_posting_is_renamed(tmp_path: Path) -> None:
    directory = write_tree(tmp_path)
    first = load_knowledge(directory).version
    text = (directory / "postings" / "beta.yaml").read_text().replace("id: beta", "id: gamma")
    (directory / "postings" / "beta.yaml").unlink()
    (directory / "postings" / "gamma.yaml").write_text(text, encoding="utf-8")

    assert load_knowledge(directory).version != first


def test_problem_prints_as_file_line_col_message() -> None:
    problem = Problem(Path("knowledge/topics.yaml"), 3, 7, "unknown field `x`")

    assert str(problem) == "knowledge/topics.yaml:3:7: unknown field `x`"


def test_load_knowledge_raises_with_every_problem(tmp_path: Path) -> None:
    directory = write_tree(
        tmp_path, {"topics.yaml": None, **edit("postings/beta.yaml", "title:", "titel:")}
    )

    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(directory)

    messages = [problem.message for problem in raised.value.problems]
    assert any("topics.yaml" in message for message in messages)
    assert any("`titel`" in message for message in messages)
    assert "topics.yaml" in str(raised.value)


def test_words_yaml_would_read_as_yes_no_or_numbers_stay_text(tmp_path: Path) -> None:
    changes = edit("postings/beta.yaml", "title: Associate Culture Officer", "title: 2024")
    beta = changes["postings/beta.yaml"]
    assert isinstance(beta, str)
    changes["postings/beta.yaml"] = beta.replace("  - Paris", "  - NO\n  - yes")
    alpha = edit("postings/alpha.yaml", "answer: Yes, with UNEP.", "answer: No")

    knowledge = load_knowledge(write_tree(tmp_path, {**changes, **alpha}))

    beta_posting = knowledge.postings["beta"]
    assert beta_posting.title == "2024"
    assert beta_posting.aliases == ("UNESCO", "NO", "yes")
    assert knowledge.postings["alpha"].faq[0].answer == "No"


def test_yaml_anchors_and_aliases_are_refused_at_their_line(tmp_path: Path) -> None:
    # Issue 9: an alias bomb of 100 KB expands to gigabytes; the files need no references.
    changes = edit("postings/beta.yaml", "  - UNESCO", "  - &org UNESCO")

    problem = the_problem(problems_of(tmp_path, changes), "anchors and aliases")

    assert (problem.file.name, problem.line, problem.col) == ("beta.yaml", 9, 5)
    assert "`&org`" in problem.message


def test_hidden_editor_files_are_ignored(tmp_path: Path) -> None:
    directory = write_tree(tmp_path, {"postings/.#alpha.yaml": "not: [valid"})

    assert load_knowledge(directory).postings.keys() == {"alpha", "beta"}


# --- one problem per file, at its line ------------------------------------------------

# (file, old text, new text, text on the expected line, expected message fragment)
SINGLE_FILE_CASES = [
    pytest.param(
        "postings/alpha.yaml",
        "    points:",
        "    point:",
        "point:",
        "unknown field `point` — did you mean `points`?",
        id="unknown-field-in-content",
    ),
    pytest.param(
        "topics.yaml",
        "    related: [training]",
        "    related: []\n    exampels: {}",
        "exampels:",
        "unknown field `exampels` — did you mean `examples`?",
        id="unknown-field-in-topic",
    ),
    pytest.param(
        "postings/beta.yaml",
        "source: beta.txt",
        "source: beta.txt\nfoo: 1",
        "foo:",
        "unknown field `foo`; the fields allowed here are `id`, `title`",
        id="unknown-field-lists-the-allowed-ones",
    ),
    pytest.param(
        "postings/beta.yaml",
        "topics:\n  duties:",
        "duties: {text: x}\ntopics:\n  duties:",
        "duties: {text: x}",
        "the topic `duties` belongs indented below `topics:`",
        id="topic-outside-topics",
    ),
    pytest.param(
        "postings/beta.yaml",
        "source: beta.txt\n",
        "",
        "id: beta",
        "missing field `source` (the posting text this file was curated from)",
        id="missing-field-points-at-the-file-mapping",
    ),
    pytest.param(
        "programme.yaml",
        "    answer: The posting names it.\n",
        "",
        "- id: deadline",
        "missing field `answer` in `faq[1]`",
        id="missing-field-points-at-its-parent",
    ),
    pytest.param(
        "postings/beta.yaml",
        "title: Associate Culture Officer",
        "title:",
        "title:",
        "`title` is empty; fill it in",
        id="required-text-left-empty",
    ),
    pytest.param(
        "topics.yaml",
        "keywords: [duties, tasks]",
        "keywords:",
        "keywords:",
        "`topics[1].keywords` is empty; fill it in or remove the line",
        id="optional-list-left-empty",
    ),
    pytest.param(
        "postings/beta.yaml",
        "title: Associate Culture Officer",
        "title: ''",
        "title: ''",
        "`title` is empty",
        id="empty-title",
    ),
    pytest.param(
        "postings/beta.yaml",
        "    text: Support the Culture Sector.",
        '    text: ""',
        "  duties:",
        "`topics.duties`: an answer needs a text, points or sections",
        id="empty-answer-text",
    ),
    pytest.param(
        "postings/beta.yaml",
        "    text: Support the Culture Sector.\n",
        "",
        "  duties:",
        "topic `duties` is empty: an answer needs a text, points or sections",
        id="topic-without-content",
    ),
    pytest.param(
        "postings/alpha.yaml",
        "      - Coordinate outreach",
        "      - Coordinate\n      - ' '",
        "- ' '",
        "an empty point is not allowed",
        id="blank-point-at-its-item",
    ),
    pytest.param(
        "postings/alpha.yaml",
        "answer: Yes, with UNEP.",
        "answer: ''",
        "answer: ''",
        "`faq[1].answer` is empty",
        id="empty-faq-answer",
    ),
    pytest.param(
        "postings/beta.yaml",
        "aliases:\n  - UNESCO\n  - Paris",
        "aliases: []",
        "aliases: []",
        "`aliases` needs at least 1 entry",
        id="no-aliases",
    ),
    pytest.param(
        "postings/beta.yaml",
        "aliases:\n  - UNESCO\n  - Paris",
        "aliases: UNESCO",
        "aliases: UNESCO",
        "`aliases` should be a list, one `- item` per line, not a single text",
        id="alias-list-as-text",
    ),
    pytest.param(
        "topics.yaml",
        "scope: programme",
        "scope: global",
        "scope: global",
        "`topics[3].scope` must be one of 'posting' or 'programme'",
        id="bad-scope",
    ),
    pytest.param(
        "topics.yaml",
        "  - id: training",
        "  - id: Training",
        "id: Training",
        "may only contain lower-case letters, digits and `_`",
        id="bad-topic-id",
    ),
    pytest.param(
        "postings/beta.yaml",
        "organisation: UNESCO",
        "organisation: UNESCO\ntitle: Other",
        "title: Other",
        "duplicate key `title`: it is already on line 3",
        id="duplicate-key",
    ),
    pytest.param(
        "postings/beta.yaml",
        "title: Associate Culture Officer",
        "title: Officer: culture",
        "title: Officer",
        "YAML syntax error: a `: ` where YAML does not expect one",
        id="colon-in-plain-text",
    ),
    pytest.param(
        "programme.yaml",
        "contact:\n  en: BFIO",
        "contact:\n\ten: BFIO",
        "en: BFIO",
        "YAML syntax error: a character that cannot start a value (a tab?)",
        id="tab-indent",
    ),
    pytest.param(
        "postings/beta.yaml",
        "title: Associate Culture Officer",
        'title: "Associate',
        "title:",
        "a closing quote is missing",
        id="unclosed-quote",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "at", "fragment"), SINGLE_FILE_CASES)
def test_mistake_is_reported_at_its_line(
    tmp_path: Path, name: str, old: str, new: str, at: str, fragment: str
) -> None:
    problems = problems_of(tmp_path, edit(name, old, new))

    problem = the_problem(problems, fragment)
    directory = tmp_path / "knowledge"
    assert problem.file == directory / name
    assert problem.line == line_of(directory, name, at)


def test_unknown_field_points_at_the_key_column(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("postings/alpha.yaml", "    points:", "    point:"))

    assert the_problem(problems, "`point`").col == 5


def test_file_that_is_not_utf8_is_reported_at_the_bad_byte(tmp_path: Path) -> None:
    text = VALID_TREE["postings/beta.yaml"].replace("–", "-").replace("  - Paris", "  - Orléans")
    data = text.encode("latin-1")

    problems = problems_of(tmp_path, {"postings/beta.yaml": data})

    problem = the_problem(problems, "not UTF-8")
    assert problem.line == text.splitlines().index("  - Orléans") + 1
    assert problem.col == len("  - Orl") + 1
    assert "save it with the encoding UTF-8" in problem.message


def test_empty_file_is_reported(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, {"postings/beta.yaml": ""})

    assert the_problem(problems, "the file is empty").line == 1


# --- checks across files ----------------------------------------------------------------


def test_unknown_topic_in_a_posting_suggests_the_closest_id(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("postings/beta.yaml", "  duties:", "  dutys:"))

    problem = the_problem(problems, "unknown topic `dutys` — did you mean `duties`?")
    assert problem.line == line_of(tmp_path / "knowledge", "postings/beta.yaml", "dutys:")
    assert problem.col == 3


def test_unknown_topic_without_a_close_id_names_the_catalogue(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("postings/beta.yaml", "  duties:", "  salary:"))

    assert "unknown topic `salary`: it is not in topics.yaml" in [p.message for p in problems]


def test_unknown_topic_in_the_programme_is_reported(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("programme.yaml", "  how_to_apply:", "  how_to_aply:"))

    problem = the_problem(problems, "unknown topic `how_to_aply` — did you mean `how_to_apply`?")
    assert problem.line == line_of(tmp_path / "knowledge", "programme.yaml", "how_to_aply:")


def test_unknown_faq_topic_is_reported_at_its_topic_line(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("postings/alpha.yaml", "topic: duties", "topic: dutie"))

    problem = the_problem(problems, "unknown topic `dutie` — did you mean `duties`?")
    assert problem.line == line_of(tmp_path / "knowledge", "postings/alpha.yaml", "topic: dutie")


def test_unknown_related_topic_in_the_catalogue(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("topics.yaml", "[training]", "[trainig]"))

    problem = the_problem(problems, "unknown topic `trainig` in `related` — did you mean")
    assert problem.file.name == "topics.yaml"
    assert problem.line == line_of(tmp_path / "knowledge", "topics.yaml", "[trainig]")


def test_duplicate_topic_id_in_the_catalogue(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("topics.yaml", "id: how_to_apply", "id: training"))

    problem = the_problem(problems, "topic id `training` is used twice (first on line 7)")
    assert problem.line == line_of(tmp_path / "knowledge", "topics.yaml", "id: training", 2)


def test_duplicate_faq_id_within_a_file(tmp_path: Path) -> None:
    text = textwrap.dedent(VALID_TREE["postings/alpha.yaml"])
    faq = text[text.index("  - id: moocs") :]
    problems = problems_of(tmp_path, {"postings/alpha.yaml": text + faq})

    problem = the_problem(problems, "FAQ id `moocs` is used twice in this file")
    assert problem.line == line_of(tmp_path / "knowledge", "postings/alpha.yaml", "id: moocs", 2)


def test_posting_id_must_equal_the_file_name(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, edit("postings/beta.yaml", "id: beta", "id: gamma"))

    problem = the_problem(problems, "the id `gamma` differs from the file name `beta.yaml`")
    assert problem.line == line_of(tmp_path / "knowledge", "postings/beta.yaml", "id: gamma")
    assert "rename the file to `gamma.yaml` or set `id: beta`" in problem.message


def test_duplicate_posting_id_names_the_first_file(tmp_path: Path) -> None:
    copy = textwrap.dedent(VALID_TREE["postings/beta.yaml"]).replace("id: beta", "id: alpha")
    copy = copy.replace("UNESCO\n", "Culture\n").replace("Paris", "Lyon")
    problems = problems_of(tmp_path, {"postings/gamma.yaml": copy})

    problem = the_problem(problems, "posting id `alpha` is already used by alpha.yaml")
    assert problem.file.name == "gamma.yaml"


@pytest.mark.parametrize("spelling", ["unep", "  UNEP ", "ÚNÉP"])
def test_alias_claimed_by_two_postings_is_reported_in_the_second(
    tmp_path: Path, spelling: str
) -> None:
    problems = problems_of(tmp_path, edit("postings/beta.yaml", "  - Paris", f"  - '{spelling}'"))

    problem = the_problem(problems, "is also claimed by posting `alpha` (alpha.yaml, line 9)")
    assert problem.file.name == "beta.yaml"
    assert problem.line == line_of(tmp_path / "knowledge", "postings/beta.yaml", spelling)


def test_aliases_compare_case_accents_and_spaces_alike() -> None:
    assert normalise_alias("  Jamaïque  Kingston") == normalise_alias("JAMAIQUE kingston")
    assert normalise_alias("UNEP") != normalise_alias("UNEP CAR")


# --- missing files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("removed", "fragment"),
    [
        ("topics.yaml", "the topic catalogue `topics.yaml` is missing"),
        ("programme.yaml", "the programme facts file `programme.yaml` is missing"),
    ],
)
def test_missing_top_level_file_is_reported(tmp_path: Path, removed: str, fragment: str) -> None:
    problems = problems_of(tmp_path, {removed: None})

    assert the_problem(problems, fragment).file == tmp_path / "knowledge" / removed


def test_postings_folder_without_postings_is_reported(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, {"postings/alpha.yaml": None, "postings/beta.yaml": None})

    problem = the_problem(problems, "the postings folder holds no postings")
    assert problem.file == tmp_path / "knowledge" / "postings"


def test_missing_postings_folder_is_reported(tmp_path: Path) -> None:
    directory = write_tree(tmp_path, {"postings/alpha.yaml": None, "postings/beta.yaml": None})
    (directory / "postings").rmdir()

    _, problems = check_knowledge(directory)

    assert the_problem(problems, "the postings folder is missing").line == 1


def test_yml_file_is_reported_instead_of_ignored(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, {"postings/gamma.yml": "id: gamma\n"})

    assert the_problem(problems, "rename it to `gamma.yaml`").file.name == "gamma.yml"


def test_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    knowledge, problems = check_knowledge(tmp_path / "nowhere")

    assert knowledge is None
    assert [p.message for p in problems] == ["the knowledge folder does not exist"]


# --- many problems at once ------------------------------------------------------------------


def test_every_problem_of_every_file_is_collected_in_file_order(tmp_path: Path) -> None:
    changes = {
        **edit("topics.yaml", "[training]", "[trainig]"),
        **edit("programme.yaml", "source: BFIO programme information\n", ""),
        **edit("postings/alpha.yaml", "    points:", "    point:"),
    }
    beta = textwrap.dedent(VALID_TREE["postings/beta.yaml"])
    changes["postings/beta.yaml"] = beta.replace("  duties:", "  dutys:").replace(
        "title: Associate Culture Officer", "title:"
    )

    problems = problems_of(tmp_path, changes)

    files = [problem.file.name for problem in problems]
    assert files == ["topics.yaml", "programme.yaml", "alpha.yaml", "beta.yaml", "beta.yaml"]
    beta_lines = [problem.line for problem in problems if problem.file.name == "beta.yaml"]
    assert beta_lines == sorted(beta_lines)


def test_broken_catalogue_does_not_hide_the_postings_problems(tmp_path: Path) -> None:
    changes = {
        "topics.yaml": "topics: [\n",
        **edit("postings/beta.yaml", "title: Associate Culture Officer", "title: [a, b]"),
    }

    problems = problems_of(tmp_path, changes)

    assert {problem.file.name for problem in problems} == {"topics.yaml", "beta.yaml"}
    assert the_problem(problems, "`title` should be a single text, not a list")


@pytest.mark.parametrize(
    "garbage",
    [b"\x00\x01\x02", b"- a\n- b\n", b"{{{", b"a: &x [*x]\n", b"? [a]\n: b\n", b"---\n---\n"],
)
def test_garbage_becomes_problems_never_exceptions(tmp_path: Path, garbage: bytes) -> None:
    problems = problems_of(
        tmp_path, {"topics.yaml": garbage, "programme.yaml": garbage, "postings/beta.yaml": garbage}
    )

    assert {problem.file.name for problem in problems} >= {"topics.yaml", "programme.yaml"}
    assert all(problem.line >= 1 and problem.col >= 1 for problem in problems)


# --- the real knowledge folder ---------------------------------------------------------------


@pytest.mark.skipif(not (REPO / "knowledge" / "topics.yaml").exists(), reason="not written yet")
def test_real_knowledge_folder_is_valid() -> None:
    _, problems = check_knowledge(REPO / "knowledge")

    assert problems == [], "\n".join(map(str, problems))
