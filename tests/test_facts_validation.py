"""Typed facts in the knowledge: loaded from the real files, checked against their quotes.

Each test edits a copy of the real knowledge folder the way a staff member might and runs
`jpo-bot validate` on it: the problem must name the file and the line of the broken fact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.base import KnowledgeBase

REPO = Path(__file__).resolve().parents[1]
UNEP = Path("knowledge/postings/unep-car-rcu.yaml")
UNESCO = Path("knowledge/postings/unesco-clt.yaml")
PROGRAMME = Path("knowledge/programme.yaml")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real knowledge folder in a fresh working directory."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "knowledge", tmp_path / "knowledge")
    return tmp_path


def edit(path: Path, old: str, new: str) -> int:
    """Replaces `old` once in the file; returns the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def validate(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", "knowledge"])
    return code, capsys.readouterr().out


def test_the_real_postings_carry_their_facts(kb: KnowledgeBase) -> None:
    unep = kb.postings["unep-car-rcu"].facts
    assert unep.duration is not None and (unep.duration.years, unep.duration.extension_years) == (
        2,
        1,
    )
    assert unep.duty_station is not None and unep.duty_station.city == "Kingston"
    assert [(f.language, f.level) for f in unep.languages] == [
        ("English", "essential"),
        ("Spanish", "asset"),
        ("French", "asset"),
    ]
    unesco = kb.postings["unesco-clt"].facts
    assert unesco.degree is not None and unesco.degree.level == "master"
    assert set(unesco.not_stated) == {"duration", "duty_station", "work_experience", "travel"}
    rules = kb.programme.rules
    assert rules.work_experience is not None and rules.work_experience.min_years == 2
    assert rules.experience_counted_after is not None


def test_a_fact_without_a_quote_is_reported_at_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit(
        folder / UNEP,
        "  supervision:\n    supervisor: the Coordinator\n"
        "    quote: The post is under the overall supervision of the Coordinator\n",
        "  supervision:\n    supervisor: the Coordinator\n",
    )
    code, out = validate(capsys)
    assert code == 1
    assert f"{UNEP}:{line}:" in out
    assert "missing field `quote`" in out


def test_a_quote_that_is_not_in_the_content_is_reported(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    line = edit(
        folder / UNESCO,
        "quote: The JPO works under the overall supervision of the Director.",
        "quote: The JPO reports to the Director.",
    )
    code, out = validate(capsys)
    assert code == 1
    assert f"{UNESCO}:{line}:5: the quote is not in this file's content" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    years: 2\n", "    years: 3\n", "the fact says 3 but its quote has no such number"),
        ("    min_years: 2\n", "    min_years: 1.5\n", "the fact says 1.5 but its quote"),
        ("    city: Kingston\n", "    city: Montego Bay\n", "names `Montego Bay` but its quote"),
        ("- language: Spanish\n", "- language: German\n", "names `German` but its quote"),
        (
            "    - language: English\n      level: essential\n",
            "    - language: English\n      level: asset\n",
            "the level `asset` is not what the quote says",
        ),
        (
            "    - language: Spanish\n      level: asset\n",
            "    - language: Spanish\n      level: essential\n",
            "the level `essential` is not what the quote says",
        ),
        ("    level: master\n", "    level: bachelor\n", "does not name a bachelor's degree"),
        ("supervisor: the Coordinator", "supervisor: the Director", "names `Director`"),
    ],
)
def test_a_fact_that_contradicts_its_quote_is_reported(
    folder: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    edit(folder / UNEP, old, new)
    code, out = validate(capsys)
    assert code == 1
    assert f"{UNEP}:" in out
    assert message in out


def test_a_programme_rule_is_checked_against_the_programme_text(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(
        folder / PROGRAMME,
        "  work_experience:\n    min_years: 2\n",
        "  work_experience:\n    min_years: 3\n",
    )
    code, out = validate(capsys)
    assert code == 1
    assert f"{PROGRAMME}:" in out and "the fact says 3" in out


def test_a_fact_filled_in_and_marked_not_stated_is_reported(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(folder / UNESCO, "not_stated: [duration,", "not_stated: [supervision, duration,")
    code, out = validate(capsys)
    assert code == 1
    assert "`supervision` is filled in and also listed in `not_stated`" in out


def test_the_real_knowledge_validates(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = validate(capsys)
    assert code == 0, out
