"""Content guard: the curated knowledge holds every fact the dev question set expects.

For each dev case that expects an answer and lists facts, the text of the knowledge the
answer must come from (the posting's file, or for programme-wide cases programme.yaml
plus every posting) must contain at least one alternative of every fact group. A failure
here means the knowledge lacks a fact, not that the matcher picked the wrong topic.

The files are read with yaml.safe_load and validated with the pydantic models, so this
test does not depend on the loader.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.knowledge.schema import Content, Posting, Programme

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
POSTINGS = KNOWLEDGE / "postings"
DEV_SET = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.yaml"


def _load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _content_texts(content: Content) -> list[str]:
    texts = [content.text] if content.text else []
    texts.extend(content.points)
    for section in content.sections:
        texts.append(section.title)
        texts.extend(section.points)
    return texts


def _knowledge_text(topics: dict[str, Content], answers: list[str]) -> str:
    parts: list[str] = []
    for content in topics.values():
        parts.extend(_content_texts(content))
    parts.extend(answers)
    return "\n".join(parts).casefold()


@cache
def _postings() -> dict[str, Posting]:
    postings = {}
    for path in sorted(POSTINGS.glob("*.yaml")):
        posting = Posting.model_validate(_load_yaml(path))
        assert posting.id == path.stem, f"{path.name}: id {posting.id!r} must equal the file name"
        postings[posting.id] = posting
    return postings


@cache
def _programme() -> Programme:
    return Programme.model_validate(_load_yaml(KNOWLEDGE / "programme.yaml"))


def _posting_text(posting: Posting) -> str:
    return _knowledge_text(posting.topics, [faq.answer for faq in posting.faq])


def _text_for(posting_id: str | None) -> str:
    postings = _postings()
    if posting_id is not None:
        assert posting_id in postings, f"no knowledge file for posting {posting_id!r}"
        return _posting_text(postings[posting_id])
    programme = _programme()
    parts = [_knowledge_text(programme.topics, [faq.answer for faq in programme.faq])]
    parts.extend(_posting_text(posting) for posting in postings.values())
    return "\n".join(parts)


def _answered_cases() -> list[dict[str, Any]]:
    if not DEV_SET.is_file():
        return []
    cases = _load_yaml(DEV_SET) or []
    selected = []
    for case in cases:
        expect = case.get("expect")
        expected = expect if isinstance(expect, list) else [expect]
        if "answered" in expected and case.get("facts"):
            selected.append(case)
    return selected


CASES = _answered_cases()


def test_knowledge_files_validate() -> None:
    assert _postings(), "no posting files found"
    _programme()


@pytest.mark.skipif(not DEV_SET.is_file(), reason=f"dev set not found: {DEV_SET}")
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_dev_facts_are_in_the_knowledge(case: dict[str, Any]) -> None:
    text = _text_for(case.get("posting"))
    missing = [
        group
        for group in case["facts"]
        if not any(str(alternative).casefold() in text for alternative in group)
    ]
    assert not missing, f"{case['id']}: no alternative of {missing} in the knowledge"


def test_dev_set_present() -> None:
    if not DEV_SET.is_file():
        pytest.skip(f"dev set not found: {DEV_SET}")
    assert CASES, "the dev set has no answered cases with facts"
