"""Short by default: a broad answer shows its first points within one phone screen.

An answer longer than `MAX_CHARS` (as the user reads it) keeps its lead, heading and
opening text and as many points, in the posting's order, as fit; a note says how many more
there are, and "All of …" (the topic's `ShowTopic` action, which always shows the whole
section) is offered first. Replies the user asked for by button are never shortened.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.engine import cues
from bot.engine.answers import Answer, Block, Reply, ShowTopic, Suggestion
from bot.engine.render import render_plain
from bot.knowledge.base import KnowledgeBase
from bot.texts import lead_texts, phrases

MAX_CHARS = 1200
TEXT_CHARS = 400  # an opening paragraph longer than this is cut at a sentence end
ROOM_FOR_NOTE = 120
# "Tell me everything about …", "Erzähl mir alles über …", "Dis-moi tout sur …",
# "Cuéntame todo sobre …": the whole posting asked for, not one topic.
_EVERYTHING = re.compile(
    r"\b(?:(?:everything|all) (?:about|on|regarding)|alles (?:uber|zu|zur|zum)|"
    r"tout (?:sur|savoir)|todo (?:sobre|acerca))\b"
)


def shorten(
    kb: KnowledgeBase, reply: Reply, lang: str, telling: frozenset[str] = frozenset()
) -> Reply:
    """The reply within `MAX_CHARS`, the full section one tap away; unchanged if it fits.

    Points in `telling` (those that name the question's own words) are kept first; the
    others follow in the posting's order while they fit. Kept points stay in that order.
    """
    answer = reply.answer
    if fits(answer):
        return reply
    points: list[tuple[int | None, int, str]] = [(None, i, p) for i, p in enumerate(answer.points)]
    points += [
        (b, i, p) for b, block in enumerate(answer.blocks) for i, p in enumerate(block.points)
    ]
    order = sorted(range(len(points)), key=lambda n: points[n][2] not in telling)
    base = replace(answer, text=_opening(answer.text), points=(), blocks=())
    kept: set[int] = set()
    for n in order:
        if len(render_plain(_built(base, answer, points, kept | {n}))) <= MAX_CHARS - ROOM_FOR_NOTE:
            kept.add(n)
    short = _built(base, answer, points, kept)
    omitted = len(points) - len(kept)
    note = lead_texts(lang).more_points.format(n=omitted) if omitted else None
    joined = "\n".join(n for n in (answer.note, note) if n) or None
    shortened = replace(reply, answer=replace(short, note=joined))
    if not omitted and short.text == answer.text:
        return shortened  # nothing left out: the whole section is already here
    return _with_full_section(kb, shortened, lang)


def asks_everything(question: str) -> bool:
    """Whether the question asks for everything about a posting ("tell me everything"), or
    for the posting described as a whole ("Décris-moi le poste", "Fass die Ausschreibung
    zusammen")."""
    text = cues.folded(question)
    return bool(_EVERYTHING.search(text) or (_DESCRIBE.search(text) and _POSTING.search(text)))


# A verb asking for a description, and a word for the posting as a whole.
_DESCRIBE = re.compile(
    r"\b(?:tell me about|describe|summari[sz]e|overview|erzahl\w*|beschreib\w*|fass\w*|"
    r"zusammen\w*|parlez|parle|decri\w*|resume\w*|presente\w*|cuentame|cuenta(?:me)?|"
    r"describ\w*|resum\w*)\b"
)
_POSTING = re.compile(
    r"\b(?:posting|post|job|position|stelle|ausschreibung|poste|offre|puesto|oferta|"
    r"convocatoria|vacante)\b"
)


def fits(answer: Answer) -> bool:
    """Whether the answer, as the user reads it, fits one phone screen."""
    return len(render_plain(answer)) <= MAX_CHARS


def _built(
    base: Answer,
    answer: Answer,
    points: list[tuple[int | None, int, str]],
    kept: set[int],
) -> Answer:
    """The answer with only the kept points, each in its place."""
    chosen = [points[n] for n in sorted(kept)]
    blocks = tuple(
        Block(block.title, tuple(p for b, _, p in chosen if b == index))
        for index, block in enumerate(answer.blocks)
        if any(b == index for b, _, _ in chosen)
    )
    return replace(base, points=tuple(p for b, _, p in chosen if b is None), blocks=blocks)


def _opening(text: str | None) -> str | None:
    if not text or len(text) <= TEXT_CHARS:
        return text
    cut = text.rfind(". ", 0, TEXT_CHARS)
    return text[: cut + 1] if cut > 0 else text[:TEXT_CHARS].rsplit(" ", 1)[0] + " …"


def _with_full_section(kb: KnowledgeBase, reply: Reply, lang: str) -> Reply:
    if reply.topic is None:
        return reply
    topic = kb.topic(reply.topic)
    if topic is None:
        return reply
    title = topic.title.get(lang)
    full = Suggestion(
        phrases(lang).full_topic.format(topic=title), ShowTopic(reply.posting, reply.topic)
    )
    others = tuple(s for s in reply.suggestions if s.action != full.action)
    return replace(reply, suggestions=(full, *others))
