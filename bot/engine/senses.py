"""Word senses: a word of two topics, read in the sense the rest of the question gives it.

Some words name two topics. French "formation" is the training a post offers, but asked
as a requirement ("Quelle formation faut-il ?") it is the education a candidate needs;
"missions" are trips, but an organisation's "mission" ("UNEP's mission", "la mission de
l'UNESCO") is its mandate, and "my mission" the assignment itself; "by training" says
what someone is, not what the post offers. The matcher finds the word under its usual
sense; a sense rule re-reads the hit as a keyword of the other topic (or as no topic at
all) when the question's wording around it says so. The rules read the folded question
(lower case, no accents), so they cost one regular-expression search per rule whose word
occurs.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from bot.engine.cues import folded
from bot.engine.lexicon import Hit


@dataclass(frozen=True, slots=True)
class Sense:
    """A word read as `means` (a keyword of another topic; None: no topic) when `cue`
    finds its context, unless `unless` finds the usual sense's context."""

    forms: frozenset[str]
    cue: re.Pattern[str]
    means: str | None
    unless: re.Pattern[str] | None = None


# Asked as something a candidate must have: "faut-il", "requise", "se necesita".
_REQUIRED = re.compile(
    r"\b(faut|requis\w*|exige\w*|necessaire\w*|obligatoire\w*|indispensable\w*|demande\w*|"
    r"attendue?s?|dois|doit|necesit\w*|requier\w*|requerid\w*|requisito\w*|exig\w*|piden|"
    r"pide|hace falta|debo|obligatori\w*|imprescindible\w*|prealable)\b"
)
# Offered to the JPO: "quelle formation est offerte", "¿qué formación ofrecen?".
_OFFERED = re.compile(
    r"\b(offr\w*|offert\w*|propos\w*|recevr\w*|recoi\w*|suivr\w*|budget\w*|apprend\w*|"
    r"ofrec\w*|recib\w*|presupuesto\w*|aprend\w*|incluy\w*|pendant|durante|sur place)\b"
)
# An organisation's own mission: possessed ("UNEP's", "its", "sa", "su", "ihre") or of
# someone ("the mission of UNESCO", "la mission de l'UNESCO", "die Mission von UNEP").
_OWN_MISSION = re.compile(
    r"(?:\w['’]s|\b(?:its|their|our|sa|leur|notre|su|nuestra|ihre|seine|deren|dessen))"
    r"\s+(?:\w+\s+)?(?:mission|mision)\b(?!s)"
    r"|\b(?:mission|mision)\s+(?:of|de|del|von|der|des|du|statement)\b"
)
# A trip after all: "on mission", "en mission", "de misión", "mission travel".
_TRIP = re.compile(
    r"\b(?:on|en|de|auf|in)\s+(?:a\s+|une\s+|una\s+)?(?:mission|mision)\b"
    r"|\b(?:mission|mision)\s+(?:travel|trip|de viaje|to|a|nach)\b"
)

# The assignment itself, not a trip: "during my mission", "pendant ma mission".
_MY_MISSION = re.compile(r"\b(?:my|ma|mon|mi|meine|meiner|meinem)\s+(?:mission|mision)\b(?!s)")
# One's own profession: "a veterinarian by training", "juriste de formation", "von Beruf".
_BY_TRAINING = re.compile(r"\bby (?:training|education)\b|\b\w+ de formation\b")

# French "licence" is first the bachelor's degree: "Une licence suffit-elle ?", "j'ai
# juste une licence", "licence en droit"; a driving licence is named with its car.
_DEGREE_LICENCE = re.compile(
    r"\b(suffi\w*|assez|master\w*|diplom\w*|etud\w*|universit\w*|postul\w*|eligib\w*|"
    r"niveau|bac\w*|obtenu\w*|j'ai|seulement|juste|licence (?:en|de|d'))"
)
_DRIVING = re.compile(r"\b(conduire|permis|voiture|vehicule|auto|drive|driving|car)\b")

SENSES: tuple[Sense, ...] = (
    Sense(
        frozenset({"formation", "formations", "formacion", "formaciones"}),
        _REQUIRED,
        "qualification",
        _OFFERED,
    ),
    Sense(frozenset({"mission", "mision"}), _OWN_MISSION, "mandate", _TRIP),
    Sense(frozenset({"mission", "mision"}), _MY_MISSION, None),
    Sense(frozenset({"training", "formation"}), _BY_TRAINING, None),
    Sense(frozenset({"licence"}), _DEGREE_LICENCE, "qualification", _DRIVING),
)


def read_senses(
    hits: Sequence[Hit],
    question: str,
    question_tokens: Sequence[str],
    known_terms: Collection[str],
) -> list[Hit]:
    """The hits with each single topic word re-read in the sense its question gives it
    (or left out when it means no topic); a rule whose `means` is not a known term
    (another catalogue) is not applied."""
    senses = [s for s in SENSES if s.means is None or s.means in known_terms]
    if not senses:
        return list(hits)
    read: list[Hit] = []
    for hit in hits:
        if hit.length == 1 and hit.term in known_terms:
            sense = _sense_of(question_tokens[hit.start], question, senses)
            if sense is not None and sense.means is None:
                continue
            if sense is not None and sense.means is not None:
                hit = replace(hit, term=sense.means)
        read.append(hit)
    return read


def _sense_of(token: str, question: str, senses: Sequence[Sense]) -> Sense | None:
    for sense in senses:
        if token not in sense.forms:
            continue
        text = folded(question)
        if sense.cue.search(text) and not (sense.unless and sense.unless.search(text)):
            return sense
    return None
