"""Messages that ask two or three things at once, split into their questions (en/de/fr/es).

"How long is it and which languages do I need?", "1. duration 2. languages", "Where is it?
What does it pay?", "Wer betreut mich; was lerne ich?", "¿Dónde está y qué idiomas necesito?".
A message splits at a question mark or semicolon followed by more text, at list numbers,
at "and also", and at "and" (und, et, y) when a question word follows. Lists of things inside
one question ("Do I need English and Spanish?") do not split: no question word follows.
The engine then decides whether the parts really ask different things (`Assistant`).
"""

from __future__ import annotations

import re

# Words that open a question, in the four languages (after "and" they start a new one).
_QUESTION_WORDS = (
    # en
    r"what|what's|whats|which|who|whom|whose|how|where|when|why|is|are|do|does|did|can|could"
    r"|will|would|should|must|may|am|have|has|whether"
    # de
    r"|was|welche|welcher|welches|welchen|welchem|wer|wen|wem|wie|wo|wohin|woher|wann|warum"
    r"|weshalb|gibt|ist|sind|muss|müssen|kann|können|brauche|braucht|habe|hat|wird|werden|soll"
    r"|wieviel|wie viel|wie viele|ob"
    # fr
    r"|quel|quelle|quels|quelles|qui|que|qu'est-ce|quoi|comment|où|ou|quand|pourquoi|combien"
    r"|est-ce|faut-il|y a-t-il|dois-je|puis-je|peut-on"
    # es
    r"|qué|que|cuál|cuáles|cual|cuales|quién|quiénes|quien|cómo|como|dónde|donde|cuándo|cuando"
    r"|por qué|cuánto|cuánta|cuántos|cuántas|cuanto|cuanta|cuantos|cuantas|hay|necesito|puedo"
    r"|debo|tengo"
)
_AND = r"and|und|et|y|e"
_QUESTION_START = re.compile(rf"^[\W_]*(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
# A numbered list starts at 1 and goes on with 2 ("1) budget 2) supervisor"); "aged 6 and 9."
# is no list.
_LIST_ITEM = re.compile(r"(?:^|\s)\(?(\d{1,2})[.)]\s+")
_SPLITS = (
    # "…? Which languages …", "…; was lerne ich"
    re.compile(r"(?<=[?;])\s+(?=\S)"),
    # "… and which languages …"
    re.compile(rf",?\s+(?:{_AND})\s+(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE),
)
# "… and also …", "… und außerdem …", "… et aussi …", "… y también …": a new question,
# whatever its first word.
_ALSO = re.compile(
    r",?\s+(?:and also|and additionally|as well as|und außerdem|und auch noch"
    r"|et aussi|et également|y también|y además)\s+",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]")
# Parts beyond this are not read: a message asking more is rare, and the reply stays short.
MAX_SPLIT = 5


def split(text: str) -> tuple[str, ...]:
    """The questions of a message in order; a message asking one thing is one part.

    A piece after a question mark that asks nothing ("I would need to give notice.") stays
    with the question before it. The text before a numbered list is a part of its own (it
    may name the posting the list asks about).
    """
    parts = _list_items(text)
    for pattern in _SPLITS:
        parts = [piece for part in parts for piece in pattern.split(part)]
    questions: list[str] = []
    for part in (p.strip(" ,;") for p in parts):
        if not _WORD.search(part):
            continue
        if questions and not _asks(part):
            questions[-1] = f"{questions[-1]} {part}"
        else:
            questions.append(part)
    questions = [piece for part in questions for piece in _ALSO.split(part) if _WORD.search(piece)]
    return tuple(questions[:MAX_SPLIT]) if len(questions) > 1 else (text,)


def _list_items(text: str) -> list[str]:
    """A numbered list's items (and the text before it), or the whole text."""
    numbers = [int(m.group(1)) for m in _LIST_ITEM.finditer(text)]
    if numbers[:2] != [1, 2]:
        return [text]
    return [piece for piece in _LIST_ITEM.split(text) if not piece.isdigit()]


def _asks(part: str) -> bool:
    """Whether a piece reads as a question: a question mark, or a question word first."""
    return "?" in part or bool(_QUESTION_START.search(part))
