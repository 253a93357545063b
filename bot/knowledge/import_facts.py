"""Proposing a posting's typed facts from its imported content, for staff to confirm.

`jpo-bot import` sorts the text into topics; this module reads those topics for what the
posting decides (duration, duty station, languages with their level, degree, work
experience, supervisor, travel) and proposes each as a `Posting.facts` entry quoting the
sentence it comes from, word for word, so that `jpo-bot validate` can check it. Facts it
finds no sentence for are proposed as `not_stated`. Every proposal is written with a
`# TODO: confirm` comment: keyword extraction is a first reading, not a decision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from bot.knowledge.import_sections import LANGUAGE_NAMES

TODO_CONFIRM = "# TODO: confirm (proposed by `jpo-bot import` from its quote)"
FACT_ORDER = (
    "duration",
    "duty_station",
    "languages",
    "degree",
    "work_experience",
    "supervision",
    "travel",
)

# Topics that answer a fact on their own: when the fact cannot be read from such a topic
# ("18 months"), staff fill it in; it is not proposed as `not_stated`. The experience and
# supervision topics say more than the fact, so a missing number or name there is silence.
_ANSWERED_BY = {"degree": "qualifications", "work_experience": "", "supervision": ""}

_NUMBER = r"(\d+(?:\.\d+)?|one|two|three|four|five|six)"
_WORDS = {"one": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_YEARS = re.compile(_NUMBER + r"[\s-]+years?\b", re.IGNORECASE)
_EXTENSION = re.compile(
    r"extension\b.{0,30}?\b(?:for|by|of)\s+(another|" + _NUMBER[1:-1] + r")\s+years?",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_OTHER_LANGUAGE = re.compile(r"another\b[\w\s]{0,20}?official language of [A-Z][A-Za-z]+")
_LANGUAGE = re.compile(r"\b(" + "|".join(LANGUAGE_NAMES) + r")\b")
_DEGREE_LEVELS = (
    ("doctorate", re.compile(r"\b(ph\.?d|doctorate|doctoral)\b", re.IGNORECASE)),
    ("master", re.compile(r"\b(master|advanced university degree)", re.IGNORECASE)),
    ("bachelor", re.compile(r"\b(bachelor|first(-level)? university degree)", re.IGNORECASE)),
)
_DEGREE_FIELDS = re.compile(
    r"\)?\s+in\s+(?P<fields>[^()]+?)"
    r"(?P<related>,?\s+or\s+(?:a\s+|any\s+)?(?:related|similar|relevant)\s+(?:field|area)s?)?"
    r"(?:\s+(?:is\s+)?required)?\.?$",
)
_MIN_YEARS = re.compile(r"\bminimum of " + _NUMBER + r"\s+years?", re.IGNORECASE)
_SUPERVISOR = re.compile(
    r"\b(?i:under the (?:overall |direct )?supervision of) (?P<who>the (?:[A-Z][\w-]*\s?)+)"
)
_TRAVEL_WHAT = re.compile(
    r"\b(?:participate in|attend|travel to|missions? to)\s+(?P<what>.+?)"
    r"(?=\s+(?:organi[sz]ed|held|as appropriate)\b|[.;]|$)"
)


def propose_facts(fields: dict[str, str], topics: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The facts the content supports, in `Posting.facts` shape, plus `not_stated`."""
    proposals: dict[str, Any] = {
        "duration": _duration(fields.get("duration", "")),
        "duty_station": _duty_station(fields.get("duty_station", "")),
        "languages": _languages(topics.get("languages", {})),
        "degree": _degree(topics.get("qualifications", {})),
        "work_experience": _work_experience(topics.get("work_experience", {})),
        "supervision": _supervision(topics),
        "travel": _travel(topics.get("travel", {})),
    }
    facts = {name: value for name, value in proposals.items() if value}
    missing = [
        name
        for name in FACT_ORDER
        if name not in facts and _ANSWERED_BY.get(name, name) not in topics
    ]
    if facts and missing:
        facts["not_stated"] = missing
    return facts


def render_facts(facts: dict[str, Any], dump: Callable[[Any], str]) -> list[str]:
    """The `facts:` block with a `# TODO: confirm` comment above every proposed fact;
    `dump` writes YAML in the importer's style."""
    if not facts:
        return []
    lines = ["facts:"]
    for name, value in facts.items():
        if name == "languages":
            lines.append("  languages:")
            for language in value:
                lines += [f"    {TODO_CONFIRM}", *_indented(dump([language]), 4)]
        else:
            lines += [f"  {TODO_CONFIRM}", *_indented(dump({name: value}), 2)]
    return lines


def _indented(text: str, indent: int) -> list[str]:
    return [" " * indent + line for line in text.splitlines()]


def _sentences(content: dict[str, Any]) -> Iterator[str]:
    """Each sentence of a topic's points, sections and text, as written there."""
    parts = list(content.get("points", []))
    for section in content.get("sections", []):
        parts.extend(section["points"])
    parts += [content["text"]] if content.get("text") else []
    for part in parts:
        yield from (sentence.strip() for sentence in _SENTENCE.split(part) if sentence.strip())


def _number(word: str) -> float:
    value = float(_WORDS.get(word.casefold(), 0)) or float(word)
    return int(value) if value.is_integer() else value


def _duration(text: str) -> dict[str, Any] | None:
    for sentence in _sentences({"text": text}):
        years = _YEARS.search(sentence)
        if years is None:
            continue
        fact: dict[str, Any] = {"years": _number(years[1])}
        extension = _EXTENSION.search(sentence)
        if extension is not None:
            fact["extension_years"] = _number(extension[1])
        return {**fact, "quote": sentence}
    return None


def _duty_station(text: str) -> dict[str, Any] | None:
    """`Kingston, Jamaica` as city and country; anything less certain is left to staff."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(re.fullmatch(r"[A-Z][\w .'-]*", part) for part in parts):
        return None
    return {"city": parts[0], "country": parts[1], "quote": text}


def _languages(content: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for sentence in _sentences(content):
        names = [match[1] for match in _LANGUAGE.finditer(sentence)]
        names += [match[0] for match in _OTHER_LANGUAGE.finditer(sentence)]
        for name in names:
            if name.casefold() not in {fact["language"].casefold() for fact in found}:
                found.append({"language": name, "level": _level(sentence), "quote": sentence})
    return found


def _level(sentence: str) -> str:
    folded = sentence.casefold()
    if "asset" in folded or "advantage" in folded:
        return "asset"
    return "essential" if "essential" in folded else "required"


def _degree(content: dict[str, Any]) -> dict[str, Any] | None:
    for sentence in _sentences(content):
        level = next((name for name, pattern in _DEGREE_LEVELS if pattern.search(sentence)), None)
        match = _DEGREE_FIELDS.search(sentence)
        if level is None or match is None:
            continue
        fields = [f.strip() for f in re.split(r",|\s+or\s+", match["fields"]) if f.strip()]
        fact: dict[str, Any] = {"level": level, "fields": fields}
        if match["related"]:
            fact["related_fields"] = True
        return {**fact, "quote": sentence}
    return None


def _work_experience(content: dict[str, Any]) -> dict[str, Any] | None:
    for sentence in _sentences(content):
        match = _MIN_YEARS.search(sentence)
        if match is not None:
            return {"min_years": _number(match[1]), "quote": sentence}
    return None


def _supervision(topics: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    ordered = [topics.get("supervision", {}), *topics.values()]
    for content in ordered:
        for sentence in _sentences(content):
            match = _SUPERVISOR.search(sentence)
            if match is not None:
                return {"supervisor": match["who"].strip(), "quote": sentence}
    return None


def _travel(content: dict[str, Any]) -> dict[str, Any] | None:
    for sentence in _sentences(content):
        match = _TRAVEL_WHAT.search(sentence)
        if match is not None and not re.search(r"\bno\b|\bnot\b", sentence, re.IGNORECASE):
            return {"travel": True, "what": match["what"].strip(" ,"), "quote": sentence}
    return None
