"""A posting's typed facts in words: the building blocks of direct answers.

Each function turns one fact (`Posting.facts`, `Programme.rules`) into a clause in the
reply language ("English is essential; Spanish or French is an asset"), or None when the
knowledge does not hold it. `stated` tells a fact the posting is known to be silent on
(`not_stated`) from one nobody has filled in: only the first may be answered "not stated".
"""

from __future__ import annotations

from typing import Literal

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import (
    DegreeFact,
    DurationFact,
    ExperienceFact,
    Facts,
    LanguageFact,
    ProgrammeRules,
)
from bot.texts import LeadTexts

# The catalogue topics that one typed fact decides.
TOPIC_FACTS: dict[str, str] = {
    "duration": "duration",
    "duty_station": "duty_station",
    "languages": "languages",
    "qualifications": "degree",
    "work_experience": "work_experience",
    "eligibility": "work_experience",
    "supervision": "supervision",
    "travel": "travel",
}
LEVEL_ORDER = ("required", "essential", "asset")
DEGREE_RANK = {"bachelor": 1, "master": 2, "doctorate": 3}

Known = Literal["stated", "not_stated", "unknown"]


def known(facts: Facts, name: str) -> Known:
    """Whether the posting states a fact, is known to be silent on it, or nobody filled it in."""
    value = getattr(facts, name, None)
    if value:
        return "stated"
    return "not_stated" if name in facts.not_stated else "unknown"


def posting_facts(kb: KnowledgeBase, posting_id: str) -> Facts:
    return kb.postings[posting_id].facts


def join(items: list[str], joiner: str) -> str:
    """'a, b{joiner}c': a list of names in the reply language."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + joiner + items[-1]


def languages_words(facts: Facts, words: LeadTexts) -> str | None:
    """'English is essential; Spanish or French is an asset'."""
    clauses = []
    for level in LEVEL_ORDER:
        names = [words.name(f.language) for f in facts.languages if f.level == level]
        if not names:
            continue
        joiner = words.join_or if level == "asset" else words.join_and
        template = getattr(words, f"level_{level}")
        clauses.append(template.format(language=join(names, joiner)))
    return "; ".join(clauses) or None


def language_fact(facts: Facts, language: str) -> LanguageFact | None:
    return next((f for f in facts.languages if f.language == language), None)


def years_words(years: float, words: LeadTexts) -> str:
    return words.one_year if years == 1 else words.years.format(n=f"{years:g}")


def duration_words(fact: DurationFact, words: LeadTexts) -> str:
    years = years_words(fact.years, words)
    if fact.extension_years is None:
        return words.duration.format(years=years)
    extension = years_words(fact.extension_years, words)
    return words.duration_extension.format(years=years, extension=extension)


def degree_words(fact: DegreeFact, words: LeadTexts) -> str:
    level = getattr(words, fact.level)
    degree = words.degree.format(level=level, fields=join(list(fact.fields), words.join_or))
    return words.degree_related.format(degree=degree) if fact.related_fields else degree


def experience_words(
    fact: ExperienceFact | None, rules: ProgrammeRules, words: LeadTexts
) -> str | None:
    """The posting's minimum (or the programme's), and the programme's rule on what counts."""
    minimum = fact or rules.work_experience
    if minimum is None:
        return None
    clause = words.experience_min.format(years=years_words(minimum.min_years, words))
    if rules.experience_counted_after is not None:
        clause += "; " + words.experience_rule
    return clause


def fact_words(kb: KnowledgeBase, posting_id: str, name: str, words: LeadTexts) -> str | None:
    """One fact of a posting as a clause, or None when the posting does not state it."""
    facts = posting_facts(kb, posting_id)
    match name:
        case "languages":
            return languages_words(facts, words)
        case "duration" if facts.duration:
            return duration_words(facts.duration, words)
        case "duty_station" if facts.duty_station:
            station = facts.duty_station
            return words.duty_station.format(
                city=words.name(station.city), country=words.name(station.country)
            )
        case "degree" if facts.degree:
            return degree_words(facts.degree, words)
        case "work_experience":
            return experience_words(facts.work_experience, kb.programme.rules, words)
        case "supervision" if facts.supervision:
            return words.supervision.format(supervisor=facts.supervision.supervisor)
        case "travel" if facts.travel and facts.travel.travel:
            return words.travel.format(what=facts.travel.what)
    return None


def sentence(text: str) -> str:
    """The clause as a sentence: a capital first letter and a closing full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
