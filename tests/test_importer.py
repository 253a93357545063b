"""The posting importer: the seed texts become skeletons close to the curated files."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from rapidfuzz import fuzz

from bot.knowledge.importer import SCHEMA_HEADER, UNSORTED_HEADER, import_posting
from bot.knowledge.schema import Catalogue, Posting

REPO = Path(__file__).resolve().parents[1]
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
CURATED = REPO / "knowledge" / "postings"

# posting id -> seed file (see shared/EVAL.md)
SEED_FILES = {"unesco-clt": "000_092d3e185c691eb5.txt", "unep-car-rcu": "004_600dc7a06014c05f.txt"}

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds not present")


def imported(posting_id: str) -> str:
    return import_posting(
        (SEEDS / SEED_FILES[posting_id]).read_text(encoding="utf-8"),
        posting_id,
        source=SEED_FILES[posting_id],
    )


def topics_of(skeleton: str) -> dict[str, Any]:
    return yaml.safe_load(skeleton)["topics"]


def unsorted_text(skeleton: str) -> str:
    """The UNSORTED comment block, unwrapped."""
    if UNSORTED_HEADER not in skeleton:
        return ""
    block = skeleton.split(UNSORTED_HEADER, 1)[1]
    return " ".join(line.lstrip("#").strip() for line in block.splitlines())


def normalise(text: str) -> str:
    """Case-folded words only: curated files differ in quotes, dashes and final stops."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def units(content: dict[str, Any]) -> list[str]:
    """A topic's statements: its points and the sentences of its text, normalised."""
    points = list(content.get("points", []))
    for section in content.get("sections", []):
        points.extend(section["points"])
    sentences = re.split(r"(?<=[.;:])\s+", content.get("text", ""))
    # A lead-in ("The JPO will undertake the following tasks:") frames a list; curated
    # files reword it freely, so it is not content to compare.
    statements = [unit for unit in [*points, *sentences] if not unit.rstrip().endswith(":")]
    return [normalise(unit) for unit in statements if len(normalise(unit)) >= 25]


def share_found(mine: list[str], other: list[str]) -> float:
    """Share of `mine` that closely appears in `other` (as a whole unit or inside one).

    Curated files split and join sentences differently from the posting, so a unit
    counts as found when it matches a unit (ratio) or lies within the other side's text.
    """
    haystack = " ".join(other)
    found = [
        unit
        for unit in mine
        if max((fuzz.ratio(unit, o) for o in other), default=0) >= 90
        or fuzz.partial_ratio(unit, haystack) >= 90
    ]
    return len(found) / len(mine) if mine else 1.0


# --- the two seed texts ------------------------------------------------------------------


@needs_seeds
@pytest.mark.parametrize("posting_id", sorted(SEED_FILES))
def test_seed_imports_as_yaml_with_the_schema_header(posting_id: str) -> None:
    skeleton = imported(posting_id)

    assert skeleton.splitlines()[0] == SCHEMA_HEADER
    document = yaml.safe_load(skeleton)
    assert document["id"] == posting_id
    assert document["source"] == SEED_FILES[posting_id]
    assert {"duties", "training"} <= set(document["topics"])


@needs_seeds
def test_unep_general_information_fills_the_fields() -> None:
    document = yaml.safe_load(imported("unep-car-rcu"))

    assert document["title"] == "JPO Associate Programme Management Officer"
    assert document["organisation"] == "UNEP - United Nations Environment Programme"
    assert document["unit"].startswith("Caribbean Regional Coordinating Unit (CAR/RCU)")
    assert document["unit"].endswith("Cartagena Convention Secretariat")
    assert document["topics"]["duty_station"] == {"text": "Kingston, Jamaica"}
    assert document["topics"]["duration"]["text"].startswith(
        "2 years with possibility of extension for another year."
    )


@needs_seeds
def test_unep_aliases_come_from_organisation_unit_and_duty_station() -> None:
    aliases = yaml.safe_load(imported("unep-car-rcu"))["aliases"]

    for alias in ("UNEP", "CAR/RCU", "CEP", "Cartagena Convention Secretariat", "Kingston"):
        assert alias in aliases
    assert "Jamaica" in aliases


@needs_seeds
def test_unep_skeleton_validates_as_a_posting() -> None:
    posting = Posting.model_validate(yaml.safe_load(imported("unep-car-rcu")))

    assert posting.name.en == "UNEP – Kingston"
    assert posting.topics["duties"].sections[0].title == "Communication & Outreach"
    assert posting.topics["training"].sections[0].title == "Learning elements"


@needs_seeds
@pytest.mark.parametrize("posting_id", sorted(SEED_FILES))
def test_imported_topics_exist_in_the_real_catalogue(posting_id: str) -> None:
    catalogue_file = REPO / "knowledge" / "topics.yaml"
    if not catalogue_file.exists():
        pytest.skip("knowledge/topics.yaml not written yet")
    catalogue = Catalogue.model_validate(yaml.safe_load(catalogue_file.read_text("utf-8")))

    topic_ids = set(topics_of(imported(posting_id)))

    assert topic_ids <= {topic.id for topic in catalogue.topics}


@needs_seeds
@pytest.mark.parametrize("posting_id", sorted(SEED_FILES))
def test_nothing_of_the_seed_is_lost(posting_id: str) -> None:
    skeleton = imported(posting_id)
    values = yaml.safe_load(skeleton)
    strings: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(values)
    haystack = normalise(" ".join(strings) + " " + unsorted_text(skeleton))

    text = (SEEDS / SEED_FILES[posting_id]).read_text(encoding="utf-8")
    statements = [normalise(line) for line in map(statement, text.splitlines()) if line]
    missing = [line for line in statements if line not in haystack]
    assert len(statements) >= 20
    assert missing == []


def statement(line: str) -> str:
    """The content of a bullet or sentence line (a label's value); '' for headings."""
    line = re.sub(r"^\s*[A-Za-z][\w ]{0,30}:\s+", "", line.replace("\xa0", " ")).strip()
    if line.startswith("•") or len(line.split()) >= 12 or line.endswith((".", "!", ";")):
        return line.lstrip("• ").rstrip(";")
    return ""


@needs_seeds
def test_untitled_lists_go_to_unsorted_not_to_the_topic_above() -> None:
    skeleton = imported("unesco-clt")

    training = " ".join(topics_of(skeleton)["training"]["points"])
    assert "problem-solving" not in training
    assert "Good analytical and problem-solving skills" in unsorted_text(skeleton)


@needs_seeds
def test_job_board_text_stays_out_of_the_topics() -> None:
    skeleton = imported("unep-car-rcu")

    living = topics_of(skeleton)["living_conditions"]["text"]
    assert "BFIO" not in living
    assert "Bitte senden Sie Ihre JPO-Bewerbung" in unsorted_text(skeleton)


# --- against the curated files ---------------------------------------------------------------

COMPARED = [
    ("unesco-clt", "duties"),
    ("unesco-clt", "training"),
    ("unep-car-rcu", "duties"),
    ("unep-car-rcu", "training"),
    ("unep-car-rcu", "living_conditions"),
]


@needs_seeds
@pytest.mark.parametrize(("posting_id", "topic"), COMPARED)
def test_imported_topic_has_the_content_of_the_curated_file(posting_id: str, topic: str) -> None:
    curated_file = CURATED / f"{posting_id}.yaml"
    if not curated_file.exists():
        pytest.skip(f"{curated_file.name} not written yet")
    curated = units(yaml.safe_load(curated_file.read_text("utf-8"))["topics"][topic])
    mine = units(topics_of(imported(posting_id))[topic])

    assert share_found(curated, mine) >= 0.9, "curated content the import misses"
    assert share_found(mine, curated) >= 0.9, "imported content the curated file lacks"


# --- structure, on small texts -----------------------------------------------------------------


SMALL_POSTING = """\
    General Information

    Title: Associate Expert
    Unit: Water Unit (WU)
    Duration of assignment: 2 years

    Duties and Responsibilities

    The JPO will:

      • Draft reports; analyse data;
      • Organise workshops: regional and national

    Field Work

      • Visit projects
      • Write "trip" notes # with a hash


    A list whose heading got lost:
      • Something the importer cannot place

    Living conditions at duty station
    The city is safe.
"""


def test_small_posting_becomes_text_points_and_sections() -> None:
    document = yaml.safe_load(import_posting(textwrap.dedent(SMALL_POSTING), "water-wu"))

    duties = document["topics"]["duties"]
    assert duties["text"] == "The JPO will:"
    assert duties["points"] == [
        "Draft reports; analyse data",
        "Organise workshops: regional and national",
    ]
    assert duties["sections"] == [
        {"title": "Field Work", "points": ["Visit projects", 'Write "trip" notes # with a hash']}
    ]
    assert document["title"] == "Associate Expert"
    assert document["unit"] == "Water Unit (WU)"
    assert document["aliases"] == ["Water Unit", "WU"]
    assert document["topics"]["duration"] == {"text": "2 years"}


def test_list_after_a_wide_gap_goes_to_unsorted() -> None:
    skeleton = import_posting(textwrap.dedent(SMALL_POSTING), "water-wu")

    assert "• Something the importer cannot place" in unsorted_text(skeleton)
    assert "Something" not in str(topics_of(skeleton)["duties"])


def test_heading_directly_followed_by_text_starts_its_topic() -> None:
    topics = topics_of(import_posting(textwrap.dedent(SMALL_POSTING), "water-wu"))

    assert topics["living_conditions"] == {"text": "The city is safe."}


def test_unesco_organisation_is_guessed_from_its_definition_in_the_text() -> None:
    text = (
        "The JPO works for UNESCO (The United Nations Educational, Scientific and Cultural "
        "Organization) and needs skills (oral and written)."
    )

    document = yaml.safe_load(import_posting(text, "unesco"))

    assert document["organisation"] == (
        "UNESCO – United Nations Educational, Scientific and Cultural Organization"
    )
    assert document["name"] == {"en": "UNESCO"}


def test_general_information_directly_below_its_heading_is_read() -> None:
    text = "General Information\nTitle: Officer\nUnit: Water (W)\n"

    document = yaml.safe_load(import_posting(text, "water"))

    assert (document["title"], document["unit"]) == ("Officer", "Water (W)")


def test_unrecognised_text_before_any_heading_goes_to_unsorted() -> None:
    skeleton = import_posting("Vacancy 123\n\nApply now\n", "odd-one")

    assert "Vacancy 123" in unsorted_text(skeleton)
    assert "Apply now" in unsorted_text(skeleton)
    assert yaml.safe_load(skeleton)["topics"] == {}


def test_leading_paragraph_becomes_the_overview() -> None:
    text = "The JPO will support the water programme in the region.\n\nDuties\n\n• Write\n"

    topics = topics_of(import_posting(text, "water"))

    assert topics["overview"] == {"text": "The JPO will support the water programme in the region."}
    assert topics["duties"] == {"points": ["Write"]}


def test_empty_text_gives_a_parsable_skeleton_with_todos() -> None:
    skeleton = import_posting("", "empty-one")

    document = yaml.safe_load(skeleton)
    assert document["id"] == "empty-one"
    assert document["title"] == ""
    assert "`title` is empty" in skeleton
