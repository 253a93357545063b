"""Checks that every typed fact agrees with the quote it points to, and the quote with the file.

A fact (`facts:` in a posting, `rules:` in programme.yaml) carries `quote:`, the sentence of
the file's own content it comes from. The quote must occur in that content (topics and FAQ
answers, compared without regard to case or line breaks), and the fact must not say what
the quote cannot support: every number of the fact appears in the quote (as digits or a
word), every name (language, city, field, supervisor) occurs in it, and a language's level
is worded there ("asset", "essential"). A missing quote is already a schema error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.engine.text import fold
from bot.knowledge.problems import Problem
from bot.knowledge.schema import (
    Content,
    CountedAfterFact,
    DegreeFact,
    DurationFact,
    DutyStationFact,
    ExperienceFact,
    LanguageFact,
    Posting,
    Programme,
    SupervisionFact,
    TravelFact,
)
from bot.knowledge.source import Source

# Number words a quote may use for a fact's number ("another year" is an extension by one).
NUMBER_WORDS = {
    "one": 1.0,
    "another": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
}
SINGLE_FACTS = ("duration", "duty_station", "degree", "work_experience", "supervision", "travel")
LEVEL_WORDS = {"asset": ("asset", "advantage"), "essential": ("essential",)}
DEGREE_WORDS = {"bachelor": ("bachelor",), "master": ("master",), "doctorate": ("doctor", "phd")}
COUNTED_AFTER_WORDS = {"first_degree": ("first university degree", "first degree")}


def fact_problems(model: Any, source: Source) -> Iterator[Problem]:
    """Every fact of a validated posting or programme that its quote does not support."""
    if isinstance(model, Posting):
        content = _content_text(model.topics.values(), (f.answer for f in model.faq))
        root: tuple[str, ...] = ("facts",)
        facts = model.facts
        named: list[tuple[tuple[Any, ...], Any]] = [
            ((name,), getattr(facts, name)) for name in SINGLE_FACTS
        ]
        named += [(("languages", i), fact) for i, fact in enumerate(facts.languages)]
    elif isinstance(model, Programme):
        content = _content_text(model.topics.values(), (f.answer for f in model.faq))
        root = ("rules",)
        rules = model.rules
        named = [
            (("work_experience",), rules.work_experience),
            (("experience_counted_after",), rules.experience_counted_after),
        ]
    else:
        return
    for path, fact in named:
        if fact is None:
            continue
        message = fact_problem(fact, content)
        if message:
            yield source.problem((*root, *path, "quote"), message)


def fact_problem(fact: Any, content: str) -> str | None:
    """What is wrong with one fact against the file's content (folded), or None."""
    quote = _norm(fact.quote)
    if quote not in content:
        return "the quote is not in this file's content; copy the sentence word for word"
    for number in _fact_numbers(fact):
        if number not in _numbers(quote):
            return f"the fact says {number:g} but its quote has no such number"
    for name in _fact_names(fact):
        if _norm(name) not in quote:
            return f"the fact names `{name}` but its quote does not"
    return _wording_problem(fact, quote)


def _wording_problem(fact: Any, quote: str) -> str | None:
    if isinstance(fact, LanguageFact):
        words = LEVEL_WORDS.get(fact.level)
        if words and not any(w in quote for w in words):
            return f"the level `{fact.level}` is not what the quote says ({' or '.join(words)})"
        if fact.level != "asset" and any(w in quote for w in LEVEL_WORDS["asset"]):
            return f"the quote calls this an asset, not `{fact.level}`"
    if isinstance(fact, DegreeFact) and not any(w in quote for w in DEGREE_WORDS[fact.level]):
        return f"the quote does not name a {fact.level}'s degree"
    if isinstance(fact, CountedAfterFact) and not any(
        w in quote for w in COUNTED_AFTER_WORDS[fact.degree]
    ):
        return "the quote does not say after which degree experience counts"
    return None


def _fact_numbers(fact: Any) -> tuple[float, ...]:
    if isinstance(fact, DurationFact):
        extra = (fact.extension_years,) if fact.extension_years is not None else ()
        return (fact.years, *extra)
    if isinstance(fact, ExperienceFact):
        return (fact.min_years,)
    return ()


def _fact_names(fact: Any) -> tuple[str, ...]:
    if isinstance(fact, DutyStationFact):
        return (fact.city, fact.country)
    if isinstance(fact, LanguageFact):
        return (fact.language,)
    if isinstance(fact, DegreeFact):
        return fact.fields
    if isinstance(fact, SupervisionFact):
        return (re.sub(r"^the\s+", "", fact.supervisor, flags=re.IGNORECASE),)
    if isinstance(fact, TravelFact):
        return (fact.what,)
    return ()


def _numbers(quote: str) -> set[float]:
    found = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", quote)}
    return found | {NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", quote) if w in NUMBER_WORDS}


def _content_text(contents: Any, answers: Any) -> str:
    parts: list[str] = []
    for content in contents:
        assert isinstance(content, Content)
        parts += [content.text or "", *content.points]
        parts += [p for s in content.sections for p in (s.title, *s.points)]
    parts += list(answers)
    return "\n".join(_norm(p) for p in parts)


def _norm(text: str) -> str:
    """Case-folded, accents stripped, whitespace collapsed, typographic apostrophes unified."""
    text = text.replace("’", "'")
    return " ".join(fold(text).split())
