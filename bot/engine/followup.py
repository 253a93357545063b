"""Follow-ups: messages that lean on the last answer, in en/de/fr/es.

"and for the UNESCO one?", "und bei UNEP?", "et pour l'UNESCO ?", "¿y en Kingston?" name
only a posting: they keep the last answer's topic and switch the posting. "what about the
other one?" names no posting at all but points at the one the last answer was not about.
("und die Dauer?" needs nothing from here: it names a topic, and the chat's posting stays.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.engine.text import fold

# A message opening like this continues the conversation rather than starting a new subject.
_LEAD = re.compile(
    r"^[\W_]*("
    r"and|also|what about|how about|what of|same (question )?for|and the same for"
    r"|und|auch|was ist mit|wie ist es (mit|bei)|wie sieht es (mit|bei)|dasselbe für|gleiche frage"
    r"|et|aussi|qu'en est-il|quid de|même question|pareil pour"
    r"|y|también|tambien|qué hay de|que hay de|lo mismo (para|en|con)|la misma pregunta"
    r")\b",
    re.IGNORECASE,
)
# "the other one", "die andere Stelle", "l'autre poste", "el otro puesto".
_OTHER = re.compile(
    r"\b(the other|other one|die andere|der andere|den anderen|dem anderen|der anderen|das andere"
    r"|l'autre|l autre|el otro|la otra)\b",
    re.IGNORECASE,
)
# A follow-up with a question word asks something new ("and how long?"), not the same way.
_QUESTION_WORD = re.compile(
    r"\b(what|which|who|where|when|why|how|was|welche\w*|wer|wo|wann|warum|wie|quel\w*|qui|"
    r"quoi|où|quand|pourquoi|comment|combien|qué|cuál\w*|quién|dónde|cuándo|cómo|cuánt\w*)\b",
    re.IGNORECASE,
)
# "what is different at UNEP?", "compare them", "¿Compáralos?": the last answer, compared.
_DIFFERENCE = re.compile(
    r"\b(anders|andere?s? als|different|differ\w*|difference|unterschied\w*|compar\w*|"
    r"vergleich\w*|diferente|diferencia)"
)
# Without an opening word, a message this short that names a posting is a follow-up too
# ("UNESCO?", "the Jamaica one").
SHORT_WORDS = 4


def leans_on_last(text: str) -> bool:
    """Whether the message reads as a follow-up of the last answer."""
    return bool(_LEAD.search(text)) or is_short(text)


def keeps_framing(text: str) -> bool:
    """A short follow-up without a question word of its own ("und Französisch?", "and
    Spanish?"): it asks the way the last question did (yes or no, or not)."""
    return bool(_LEAD.search(text)) and is_short(text) and not _QUESTION_WORD.search(text)


def compares_with_last(text: str) -> bool:
    """A follow-up asking to compare with the last answer ("Und was ist bei UNEP anders?",
    "¿Y en la UNESCO? Compáralos.")."""
    return bool(_LEAD.search(text) or is_short(text)) and bool(_DIFFERENCE.search(fold(text)))


def is_short(text: str) -> bool:
    """A few words only ("n for unep?"): too short to ask something of its own."""
    return len(text.split()) <= SHORT_WORDS


def other_posting(text: str, last: Iterable[str], postings: Iterable[str]) -> str | None:
    """The posting "the other one" means: the only one the last answer was not about."""
    if not _OTHER.search(text):
        return None
    seen = set(last)
    others = [p for p in postings if p not in seen]
    return others[0] if seen and len(others) == 1 else None
