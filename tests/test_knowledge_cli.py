"""The staff's knowledge commands, run through the real `jpo-bot` entry point."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.cli import main

TOPICS = """\
    topics:
      - id: duties
        title: {en: Duties and responsibilities}
      - id: training
        title: {en: Training}
      - id: how_to_apply
        scope: programme
        title: {en: How to apply}
    """
PROGRAMME = """\
    source: BFIO programme information
    contact: {en: BFIO}
    topics:
      how_to_apply:
        text: Apply through BFIO.
    """
ALPHA = """\
    id: alpha
    title: Associate Officer
    organisation: UNEP
    name: {en: UNEP – Kingston}
    source: alpha.txt
    aliases: [UNEP, Kingston]
    topics:
      duties:
        text: "The JPO will:"
        points:
          - Coordinate outreach
          - Draft reports
        sections:
          - title: Communication
            points: [Write stories]
      training:
        text: Courses are offered.
    """
BETA = """\
    id: beta
    title: Culture Officer
    organisation: UNESCO
    name: {en: UNESCO – Paris}
    source: beta.txt
    aliases: [UNESCO]
    topics:
      duties:
        text: Support the Culture Sector.
    """


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A valid folder `knowledge/` in a fresh working directory."""
    monkeypatch.chdir(tmp_path)
    directory = tmp_path / "knowledge"
    (directory / "postings").mkdir(parents=True)
    files = {
        "topics.yaml": TOPICS,
        "programme.yaml": PROGRAMME,
        "postings/alpha.yaml": ALPHA,
        "postings/beta.yaml": BETA,
    }
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- validate ---------------------------------------------------------------------------


def test_validate_ok_prints_a_summary_and_exits_0(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "validate", "knowledge")

    assert code == 0
    assert re.fullmatch(r"knowledge OK: 2 postings, 3 topics, version [0-9a-f]{12}\n", out)


def test_validate_lists_every_problem_with_relative_paths_and_exits_1(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alpha = knowledge / "postings" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("  training:", "  trainig:"), encoding="utf-8")
    beta = knowledge / "postings" / "beta.yaml"
    beta.write_text(beta.read_text().replace("title:", "titel:"), encoding="utf-8")

    code, out, err = run(capsys, "validate", "knowledge")

    assert code == 1
    lines = out.splitlines()
    assert "knowledge/postings/alpha.yaml:16:3: unknown topic `trainig` — did you mean " in out
    assert lines[-1] == "knowledge: 3 problems in 2 files"
    assert "knowledge/postings/beta.yaml:2:1: unknown field `titel` — did you mean `title`?" in out
    assert "missing field `title`" in out
    assert all(re.match(r"knowledge/postings/\w+\.yaml:\d+:\d+: ", line) for line in lines[:-1])
    assert "Traceback" not in out + err


def test_validate_reads_knowledge_dir_from_the_settings_without_an_argument(
    knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    moved = knowledge.rename(knowledge.parent / "facts")
    monkeypatch.setenv("KNOWLEDGE_DIR", str(moved))

    code, out, _ = run(capsys, "validate")

    assert code == 0
    assert out.startswith("knowledge OK: 2 postings")


@pytest.mark.parametrize(
    "garbage",
    [b"\xff\xfe\x00binary", b"topics: [\n", b"- just\n- a list\n", b"", b"\t\tbad: indent\n"],
)
def test_validate_never_shows_a_traceback(
    knowledge: Path, capsys: pytest.CaptureFixture[str], garbage: bytes
) -> None:
    for path in [knowledge / "topics.yaml", knowledge / "programme.yaml", knowledge / "postings"]:
        if path.is_dir():
            path = path / "alpha.yaml"
        path.write_bytes(garbage)

    code, out, err = run(capsys, "validate", "knowledge")

    assert code == 1
    assert "Traceback" not in out + err
    assert re.search(r"knowledge/topics\.yaml:\d+:\d+: ", out)


def test_validate_of_a_missing_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    code, out, _ = run(capsys, "validate", "nowhere")

    assert code == 1
    assert out.splitlines()[0] == "nowhere:1:1: the knowledge folder does not exist"


def test_validate_file_checks_one_posting_in_the_context_of_its_folder(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "validate", "knowledge/postings/alpha.yaml")

    assert code == 0
    assert out == (
        "knowledge/postings/alpha.yaml OK with the knowledge in knowledge: 2 postings, 3 topics\n"
    )


def test_validate_file_lists_only_that_files_problems_found_with_the_others(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    beta = knowledge / "postings" / "beta.yaml"
    beta.write_text(beta.read_text().replace("[UNESCO]", "[UNESCO, Kingston]"), encoding="utf-8")
    alpha = knowledge / "postings" / "alpha.yaml"
    alpha.write_text(alpha.read_text().replace("title:", "titel:", 1), encoding="utf-8")

    code, out, _ = run(capsys, "validate", "knowledge/postings/beta.yaml")

    lines = out.splitlines()
    assert code == 1
    assert lines[0].startswith(
        "knowledge/postings/beta.yaml:6:19: the alias `Kingston` is also claimed by posting `alpha`"
    )
    assert lines[1] == "knowledge/postings/beta.yaml: 1 problem in 1 file"
    assert lines[2] == (
        "knowledge: 2 other problems in the knowledge folder; `jpo-bot validate` lists them"
    )


def test_validate_file_checks_a_draft_kept_elsewhere_against_knowledge_dir(
    knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOWLEDGE_DIR", str(knowledge))
    draft = knowledge.parent / "gamma.yaml"
    draft.write_text(
        textwrap.dedent(BETA).replace("id: beta", "id: gamma").replace("[UNESCO]", "[Paris]")
        + "  trainig:\n    text: Courses.\n",
        encoding="utf-8",
    )

    code, out, _ = run(capsys, "validate", "gamma.yaml")

    assert code == 1
    assert "gamma.yaml:10:3: unknown topic `trainig` — did you mean `training`?" in out
    assert "does not exist" not in out


def test_validate_warns_about_todo_and_unsorted_without_failing(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alpha = knowledge / "postings" / "alpha.yaml"
    alpha.write_text(
        "# TODO: add the German name\n"
        + alpha.read_text()
        + "\n# UNSORTED — review:\n#   Languages: English and Spanish\n",
        encoding="utf-8",
    )

    code, out, _ = run(capsys, "validate", "knowledge")

    lines = out.splitlines()
    assert code == 0
    assert lines[0] == (
        "knowledge/postings/alpha.yaml:1:3: warning: a `TODO` note is left from drafting; "
        "do what it says, then delete it"
    )
    assert lines[1].startswith(
        "knowledge/postings/alpha.yaml:20:3: warning: text is left in the `UNSORTED` comment"
    )
    assert lines[2].startswith("knowledge OK: 2 postings")


def test_an_imported_draft_warns_once_per_todo_list_and_unsorted_comment(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = knowledge.parent / "posting.txt"
    text.write_text("Languages: fluent English and Spanish\n\n" + POSTING_TEXT, encoding="utf-8")
    draft = "knowledge/postings/water-ke.yaml"
    assert run(capsys, "import", "posting.txt", "--id", "water-ke", "--output", draft)[0] == 0

    _, out, _ = run(capsys, "validate", draft)

    warnings = [line for line in out.splitlines() if ": warning: " in line]
    lines = Path(draft).read_text(encoding="utf-8").splitlines()
    # The TODO list, then one `# TODO: confirm` per proposed fact (the duty station and
    # the facts proposed as not stated; issues 11 and 12), then the UNSORTED comment.
    assert len(warnings) == 4, out
    assert all("a `TODO` note is left from drafting" in line for line in warnings[:3])
    assert "text is left in the `UNSORTED` comment" in warnings[3]
    confirmed = [int(line.split(":")[1]) for line in warnings[1:3]]
    assert [lines[number].strip() for number in confirmed] == ["duty_station:", "not_stated:"]


# --- postings and show ----------------------------------------------------------------------


def test_postings_lists_id_name_and_topic_count(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "postings", "--dir", "knowledge")

    assert code == 0
    rows = [line.split("  ") for line in out.splitlines()]
    cells = [[cell.strip() for cell in row if cell.strip()] for row in rows]
    assert cells == [
        ["id", "name", "topics"],
        ["alpha", "UNEP – Kingston", "2"],
        ["beta", "UNESCO – Paris", "1"],
    ]


def test_postings_with_a_broken_folder_prints_the_problems(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (knowledge / "topics.yaml").unlink()

    code, out, err = run(capsys, "postings", "--dir", "knowledge")

    assert code == 1
    assert "knowledge/topics.yaml:1:1: the topic catalogue `topics.yaml` is missing" in out
    assert "jpo-bot validate" in err


def test_show_lists_a_postings_topics_in_catalogue_order(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "show", "alpha", "--dir", "knowledge")

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "alpha: Associate Officer — UNEP"
    assert lines[2].split()[0] == "duties"
    assert "text, 2 points, 1 sections" in lines[2]
    assert lines[3].split()[0] == "training"


def test_show_topic_prints_its_content_as_plain_text(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "show", "alpha", "duties", "--dir", "knowledge")

    assert code == 0
    assert out.splitlines() == [
        "The JPO will:",
        "",
        "• Coordinate outreach",
        "• Draft reports",
        "",
        "Communication:",
        "• Write stories",
    ]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "alpah"], "no posting `alpah`; did you mean `alpha`? known: alpha, beta"),
        (["show", "beta", "training"], "no topic `training` in posting `beta`"),
    ],
)
def test_show_unknown_posting_or_topic_fails_with_a_suggestion(
    knowledge: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv, "--dir", "knowledge")

    assert code == 1
    assert message in err
    assert out == ""


# --- import ----------------------------------------------------------------------------------

POSTING_TEXT = """\
General Information

Title: Associate Expert
Country and Duty Station: Nairobi, Kenya

Duties and Responsibilities

  • Support the water team
"""


@pytest.fixture
def posting_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "posting.txt"
    path.write_text(POSTING_TEXT, encoding="utf-8")
    return path


def test_import_prints_the_skeleton_to_stdout(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", "posting.txt", "--id", "water-ke")

    assert code == 0
    assert out.startswith("# yaml-language-server: $schema=../schema/posting.schema.json\n")
    assert "id: water-ke\n" in out
    assert "source: posting.txt\n" in out
    assert "  - Support the water team\n" in out


def test_import_writes_the_output_file(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "import", "posting.txt", "--id", "water-ke", "--output", "w.yaml")

    assert code == 0
    assert "title: Associate Expert" in Path("w.yaml").read_text(encoding="utf-8")
    assert "wrote w.yaml" in err


def test_import_refuses_to_overwrite_an_existing_file(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("w.yaml").write_text("curated: true\n", encoding="utf-8")

    code, out, err = run(capsys, "import", "posting.txt", "--id", "water-ke", "--output", "w.yaml")

    assert code == 1
    assert "refusing to overwrite" in err
    assert "--force" in err
    assert Path("w.yaml").read_text(encoding="utf-8") == "curated: true\n"
    assert out == ""


def test_import_with_force_overwrites(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("w.yaml").write_text("curated: true\n", encoding="utf-8")

    code, _, _ = run(
        capsys, "import", "posting.txt", "--id", "water-ke", "--output", "w.yaml", "--force"
    )

    assert code == 0
    assert "id: water-ke" in Path("w.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["import", "posting.txt", "--id", "Water KE"], 2, "may only contain lower-case"),
        (["import", "missing.txt", "--id", "water-ke"], 1, "cannot read missing.txt"),
    ],
)
def test_import_rejects_a_bad_id_or_a_missing_text(
    posting_text: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    result, out, err = run(capsys, *argv)

    assert result == code
    assert message in err
    assert "Traceback" not in out + err


def test_import_reads_a_windows_1252_text(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posting_text.write_bytes(POSTING_TEXT.replace("Nairobi", "Nairöbi").encode("cp1252"))

    code, out, err = run(capsys, "import", "posting.txt", "--id", "water-ke")

    assert code == 0
    assert "Nairöbi" in out
    assert "not UTF-8" in err


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "NUL bytes"),
        (b"%PDF-1.7\n" + b"\x81\x8d\x8f\x90\x9d" * 50, "no text encoding"),
        (b"PK\x03\x04" + b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f" * 50, "controls"),
    ],
    ids=["png", "not-utf8-nor-1252", "control-characters"],
)
def test_import_refuses_a_binary_file_in_one_line_and_writes_nothing(
    posting_text: Path, capsys: pytest.CaptureFixture[str], content: bytes, why: str
) -> None:
    posting_text.write_bytes(content)

    code, out, err = run(capsys, "import", "posting.txt", "--id", "water-ke", "--output", "w.yaml")

    assert code == 2, why
    assert out == ""
    assert err == (
        "error: posting.txt is not a text file (a PDF, Word file or image?); "
        "save the posting as plain text (.txt) and import that\n"
    )
    assert not Path("w.yaml").exists()


def test_import_refuses_an_oversized_file_in_one_line(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    posting_text.write_text(POSTING_TEXT + "  • more\n" * 200_000, encoding="utf-8")

    code, out, err = run(capsys, "import", "posting.txt", "--id", "water-ke", "--output", "w.yaml")

    assert code == 2
    assert out == ""
    assert err.endswith(
        "is larger than 1 MB; a posting's text is a few pages: copy only the posting\n"
    )
    assert err.count("\n") == 1
    assert not Path("w.yaml").exists()


def test_import_checks_the_id_length_of_the_schema_before_writing(
    posting_text: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long_id = "unep-" + "x" * 30

    code, _, err = run(capsys, "import", "posting.txt", "--id", long_id, "--output", "w.yaml")

    assert code == 2
    assert err == (
        f"error: the id `{long_id}` has 35 characters; at most 32 fit in Telegram's buttons: "
        "shorten it\n"
    )
    assert not Path("w.yaml").exists()


# --- schema ----------------------------------------------------------------------------------


def test_schema_writes_the_files_and_check_then_passes(
    knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "schema", "--dir", "knowledge")
    assert code == 0
    assert "wrote knowledge/schema/posting.schema.json" in out

    code, out, _ = run(capsys, "schema", "--check", "--dir", "knowledge")

    assert code == 0
    assert "up to date" in out


# --- importing the seed texts into the real knowledge (issues 11 and 12) ----------------------

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
SEED_FILES = {"unesco-clt": "000_092d3e185c691eb5.txt", "unep-car-rcu": "004_600dc7a06014c05f.txt"}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not present")
@pytest.mark.parametrize("posting_id", sorted(SEED_FILES))
def test_validate_of_an_imported_seed_finds_no_fact_error_and_warns_about_the_todos(
    posting_id: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The imported draft replaces the curated file in a copy of the real knowledge.
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    monkeypatch.chdir(tmp_path)
    draft = f"knowledge/postings/{posting_id}.yaml"
    seed = str(SEEDS / SEED_FILES[posting_id])
    assert run(capsys, "import", seed, "--id", posting_id, "--output", draft, "--force")[0] == 0

    code, out, _ = run(capsys, "validate", draft)

    lines = out.splitlines()
    problems = [line for line in lines if re.match(r"\S+:\d+:\d+: (?!warning:)", line)]
    confirm = [line for line in lines if "warning: a `TODO` note" in line]
    if posting_id == "unep-car-rcu":
        assert (code, problems) == (0, []), out
        assert len(confirm) == 1 + 9  # the TODO list and one per proposed fact
    else:
        # The UNESCO text names no title: the only problem, and not one of the facts.
        assert code == 1
        assert [line.split(": ", 1)[1] for line in problems] == ["`title` is empty; write a text"]
        assert len(confirm) == 1 + 5  # two languages, degree, supervisor, not_stated
