"""Placing headless parts of a posting text by what they say, for `jpo-bot import`.

Job-board texts often lose a heading: a language list follows the experience list after
a wider gap, a skills list follows the learning elements, competencies come as
`Professionalism: …` paragraphs. The importer asks here which topic such a part belongs
to. Only clear cases are placed: a list goes to a topic when most of its lines name that
topic's kind of requirement and none contradicts it; anything else stays UNSORTED.
"""

from __future__ import annotations

import re

LANGUAGE_NAMES = (
    "English",
    "French",
    "Spanish",
    "Arabic",
    "Chinese",
    "Russian",
    "Portuguese",
    "German",
)
_LANGUAGE = re.compile(
    r"\b(" + "|".join(LANGUAGE_NAMES) + r")\b|\bofficial languages?\b", re.IGNORECASE
)
_DEGREE = re.compile(
    r"\b(university degree|degree|master['’]?s|bachelor['’]?s|ph\.?d|doctorate)\b", re.IGNORECASE
)
_SKILL = re.compile(
    r"\b(skills?|abilit(y|ies)|competenc\w*|proficien\w*|knowledge of|sense of|interpersonal"
    r"|judge?ment|integrity|team\w*)\b",
    re.IGNORECASE,
)
_EXPERIENCE = re.compile(r"\b(years?|experience)\b.*\bexperience\b|\bwork experience\b", re.I)

# The UN competency framework's names, as postings print them before a colon.
COMPETENCIES = (
    "professionalism",
    "communication",
    "planning and organi[sz]ing",
    "teamwork",
    "accountability",
    "client orientation",
    "creativity",
    "technological awareness",
    "commitment to continuous learning",
    "integrity",
    "respect for diversity",
    "judgement/decision-making",
    "leadership",
    "vision",
    "empowering others",
    "building trust",
    "managing performance",
)
_COMPETENCY_LINE = re.compile(
    r"^(?P<name>" + "|".join(COMPETENCIES) + r")\s*:\s*(?P<text>\S.*)$", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|;\s+(?=[A-Z])")

_MIN_COMPETENCY_TEXT = 60

# The share of a list's lines that must point to one topic for the list to go there.
_MAJORITY = 0.6


def line_topic(line: str) -> str | None:
    """The requirement topic one line names on its own: languages, degree, skills, …"""
    if _LANGUAGE.search(line):
        return "languages"
    if _DEGREE.search(line):
        return "qualifications"
    if _EXPERIENCE.search(line):
        return "work_experience"
    if _SKILL.search(line):
        return "skills"
    return None


def list_topic(points: list[str]) -> str | None:
    """The topic a headless list belongs to, when its lines clearly agree; else None."""
    if not points:
        return None
    topics = [line_topic(point) for point in points]
    counted = {topic: topics.count(topic) for topic in set(topics) if topic}
    if not counted:
        return None
    best = max(counted, key=lambda topic: counted[topic])
    if counted[best] / len(points) < _MAJORITY:
        return None
    return best


def rerouted(topic: str, point: str) -> str:
    """Where a requirement point really belongs: a degree under "Skills and Experience"
    is a qualification, a language under "Work experience" a language."""
    if topic not in ("skills", "work_experience", "qualifications"):
        return topic
    named = line_topic(point)
    if named in ("languages", "qualifications") and named != topic:
        return named
    return topic


def competency(line: str) -> tuple[str, list[str]] | None:
    """`Professionalism: Ability to …. Shows …` as its title and its sentences."""
    match = _COMPETENCY_LINE.match(" ".join(line.split()))
    # A competency is described in sentences; `Communication: media team` is a label.
    if match is None or len(match["text"]) < _MIN_COMPETENCY_TEXT:
        return None
    sentences = [s.strip().rstrip(".;").strip() for s in _SENTENCE_END.split(match["text"])]
    return match["name"].strip(), [s for s in sentences if s]
