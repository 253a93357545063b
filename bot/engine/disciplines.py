"""Which broad family of study a named discipline belongs to, in en/de/fr/es.

Postings ask for degrees by family ("Natural Sciences", "social and human sciences"),
candidates name their discipline ("Meeresbiologie", "sociología", "an MA in history").
A biologist holds a natural-sciences degree: that is ordinary vocabulary, not a fact of
any posting, so it lives here beside the other word lists rather than in the knowledge.
Only the families postings name are listed; anything else stays for BFIO to judge.
"""

from __future__ import annotations

import re
from functools import cache

from bot.engine import cues

# Folded word starts; a long one also counts inside a German compound ("meeresbiologie").
_FAMILIES: dict[str, tuple[str, ...]] = {
    "natural sciences": (
        r"natural science", "naturwissenschaft", "sciences naturelles", "ciencias naturales",
        "biolog", "chemi", "chimi", "quimica", "physics", "physik", "physique", "fisica",
        "geolog", "ecolog", "okolog", "oceanograf", "oceanograph", "ozeanograph", "zoolog",
        "botan", "hydrolog", "earth science", "geowissenschaft", "marine science",
        "meereswissenschaft",
        "sciences de la terre", "ciencias de la tierra", "ciencias del mar",
    ),
    "social sciences": (
        r"social (?:and human )?science", "sozialwissenschaft", "sciences sociales",
        "ciencias sociales", "sociolog", "soziolog", "anthropolog", "antropolog", "ethnolog",
        "etnolog",
        "political science", "politikwissenschaft", "politologie", "science politique",
        "sciences politiques", "ciencia politica", "ciencias politicas", "economics",
        "volkswirtschaft", "economie", "economia", "psycholog", "psicolog", "demograph",
        "demograf", "development studies", "entwicklungsstudien", "etudes du developpement",
    ),
    "human sciences": (
        r"human science", "humanwissenschaft", "geisteswissenschaft", "sciences humaines",
        "ciencias humanas", "humanities", "history", "geschichte", "histoire", "historia",
        "philosoph", "filosof", "archaeolog", "archaolog", "archeolog", "arqueolog",
        "linguist", "literatur", "cultural studies", "kulturwissenschaft",
        "museolog", "museum studies", "heritage studies",
    ),
}  # fmt: skip
COMPOUND = 6  # a form this long is a discipline even inside a compound word


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    return {
        family: re.compile(
            "|".join(rf"\b{form}" if len(form) < COMPOUND else form for form in forms)
        )
        for family, forms in _FAMILIES.items()
    }


def families(text: str) -> frozenset[str]:
    """The families of study a field names: 'Meeresbiologie' -> {'natural sciences'}."""
    folded = cues.folded(text)
    return frozenset(family for family, pattern in _patterns().items() if pattern.search(folded))
