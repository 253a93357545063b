"""Requests for a task: "How do I reduce plastic waste at home?", "Tradúceme …", "can you
fix my formula?".

A question that asks how to do something, or asks the assistant to do something, is about
the postings only when what is to be done is a topic of theirs ("How do I apply?", "Wie
bewerbe ich mich?"). Otherwise it asks for a tutorial or a service, out of scope even
when its object is a posting word ("PowerPoint", "Bewerbung bei Siemens", "permis de
conduire en France"). Read on the question's folded tokens, so it costs a few tuple
comparisons per question.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.engine.text import is_stop_word

# "How do I …", "Wie schreibe ich …", "Comment obtenir …", "¿Cómo hago …": the verb that
# follows the opener (or is its last word) says what is to be done.
_HOW_TO: tuple[tuple[str, ...], ...] = (
    ("how", "do", "i"),
    ("how", "can", "i"),
    ("how", "should", "i"),
    ("how", "to"),
    ("wie", "kann", "ich"),
    ("wie", "mache", "ich"),
    ("wie", "schreibe", "ich"),
    ("wie", "erstelle", "ich"),
    ("wie", "bekomme", "ich"),
    ("wie", "lerne", "ich"),
    ("comment", "faire"),
    ("comment", "obtenir"),
    ("comment", "ecrire"),
    ("comment", "creer"),
    ("comment", "puis", "je"),
    ("como", "hago"),
    ("como", "puedo"),
    ("como", "escribo"),
    ("como", "consigo"),
    ("como", "obtengo"),
)
# Openers whose own last word is the verb ("wie schreibe ich" writes, "comment obtenir" gets).
_VERB_IN_OPENER = {
    ("wie", "mache", "ich"),
    ("wie", "schreibe", "ich"),
    ("wie", "erstelle", "ich"),
    ("wie", "bekomme", "ich"),
    ("wie", "lerne", "ich"),
    ("comment", "faire"),
    ("comment", "obtenir"),
    ("comment", "ecrire"),
    ("comment", "creer"),
    ("como", "hago"),
    ("como", "escribo"),
    ("como", "consigo"),
    ("como", "obtengo"),
}
_POLITE = ("and", "und", "et", "y", "please", "bitte", "can", "could", "you", "kannst", "du")
# "How can I become a JPO?": joining the programme is the postings' own how-to.
_JOINING = frozenset({"become", "werden", "devenir", "convertirme", "ser", "llegar"})
# Services asked of the assistant: translating, fixing, correcting someone's work.
_SERVICE_STARTS = ("translat", "tradu", "ubersetz", "fix", "debug", "proofread", "korrigier")
# Entertainment asked of the assistant, whatever its subject ("a joke about culture ministers").
_ENTERTAINMENT = frozenset(
    {
        "joke",
        "jokes",
        "witz",
        "witze",
        "blague",
        "blagues",
        "chiste",
        "chistes",
        "poem",
        "gedicht",
        "poeme",
        "poema",
        "riddle",
        "ratsel",
        "devinette",
        "adivinanza",
        "song",
        "lied",
        "chanson",
        "cancion",
    }
)


def asks_a_task(question_tokens: Sequence[str], covered: Collection[int]) -> bool:
    """Whether the question asks how to do, or to do, something no topic covers; `covered`
    holds the positions of words that are topic or FAQ keywords."""
    if _ENTERTAINMENT.intersection(question_tokens):
        return True
    start = _skip_polite(question_tokens)
    if start < len(question_tokens) and question_tokens[start].startswith(_SERVICE_STARTS):
        return True
    for opener in _HOW_TO:
        end = start + len(opener)
        if tuple(question_tokens[start:end]) != opener:
            continue
        verb = end - 1 if opener in _VERB_IN_OPENER else _content(question_tokens, end)
        return (
            verb < len(question_tokens)
            and verb not in covered
            and question_tokens[verb] not in _JOINING
        )
    return False


def _content(question_tokens: Sequence[str], start: int) -> int:
    """The first word from `start` on that is not a stop word ("get a visa": "visa")."""
    while start < len(question_tokens) and is_stop_word(question_tokens[start]):
        start += 1
    return start


def _skip_polite(question_tokens: Sequence[str]) -> int:
    start = 0
    while start < len(question_tokens) and question_tokens[start] in _POLITE:
        start += 1
    return start
