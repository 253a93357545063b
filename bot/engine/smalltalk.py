"""Small talk: greetings, thanks, goodbyes, "who are you?", "are you a bot?" in en/de/fr/es.

`parse` peels such phrases off the start and the end of a message and says what is left.
Nothing left (only punctuation or emoji): the message is small talk, answered with a short
friendly reply. Something left ("hi, how long is the UNEP job?"): the rest is the question,
and the engine answers it as if the greeting had not been there; should the rest carry no
job content at all (the decision falls back), the engine still answers the small talk.

Questions about the assistant itself ("who are you?", "are you a bot?") and asking for a
person ("can I talk to a human?", kind `person`: the doors offer to pass the question to BFIO
staff) count only as the whole message, so that "what can you do in Kingston?" stays a
question about the posting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal, cast

Kind = Literal["greeting", "thanks", "ack", "goodbye", "who", "bot", "person"]

# Which reply a message with several kinds gets ("thanks, bye!" is a goodbye).
PRIORITY: tuple[Kind, ...] = ("person", "bot", "who", "goodbye", "thanks", "ack", "greeting")

# Phrase patterns per kind, every language in one alternation (case-insensitive; accents
# written out where people drop them). Whole words only: the patterns are wrapped in \b…\b.
_GREETING = [
    # en
    r"h(i|ello|ey|iya|owdy)( there| all| everyone)?",
    r"good (morning|afternoon|evening|day)",
    r"greetings",
    r"how are (you|u)( doing)?( today)?",
    # de
    r"hall(o|ö)( zusammen)?",
    r"guten (morgen|tag|abend)",
    r"moin( moin)?",
    r"servus",
    r"gr(ü|ue|u)(ß|ss) gott",
    r"wie geht('?s| es)( dir| ihnen)?( heute)?",
    # fr
    r"bonjour( à tous| a tous)?",
    r"bonsoir",
    r"salut( à tous| a tous)?",
    r"coucou",
    r"(comment )?(ç|c)a va",
    r"comment allez-vous",
    # es
    r"hola( a todos)?",
    r"buen(os|as) (d(í|i)as|tardes|noches)",
    r"buenas",
    r"saludos",
    r"qu(é|e) tal",
    r"c(ó|o)mo (est(á|a)s?|te va)",
]
_THANKS = [
    # en
    r"(many |big )?(thanks|thank you|thank u|thx|cheers)"
    r"( so much| very much| a lot| a bunch| again)?"
    r"( for (your|the|all the|all your) (earlier |previous |quick )?"
    r"(help|patience|time|answers?|reply|replies|information|info)| for that)?",
    r"(much )?appreciated",
    r"(i )?appreciate (it|that|your help)",
    # de
    r"(vielen|herzlichen|besten|tausend) (lieben )?dank( auch)?( dir| ihnen| nochmal)?"
    r"( für (die|deine|ihre|ihren|deinen) (hilfe|antwort|antworten))?",
    r"dank(e|eschön|eschoen|eschon)( ?sch(ö|oe|o)n)?( sehr| vielmals| dir| ihnen| nochmal)*"
    r"( für (die|deine|ihre) hilfe)?",
    # fr
    r"merci( beaucoup| bien| infiniment| mille fois| encore)?( pour (votre|ton|ta|l')? ?aide)?",
    r"mille mercis",
    r"je vous remercie",
    # es
    r"(muchas|mil|muchísimas|muchisimas) gracias( de nuevo)?( por (tu|su) ayuda)?",
    r"gracias( de nuevo| otra vez)?( por (tu|su|la) ayuda)?",
    r"te lo agradezco|se lo agradezco",
]
# Acknowledgements: "ok", "great", "that helps".
_ACK = [
    # en
    r"(ok(ay)?|great|perfect|awesome|cool|nice|excellent|got it|understood)",
    r"(that|this|it) (helps|helped)( a lot| so much| a bunch)?",
    r"(that|this|it) (is|was)( very| really| genuinely| super| so)? (helpful|useful|great)",
    # de
    r"(super|prima|toll|perfekt|alles klar|verstanden)",
    r"das (hilft|hat geholfen)( mir)?( sehr| weiter)?",
    # fr
    r"(parfait|super|génial|genial|très bien|tres bien|d'accord|entendu)",
    r"(ç|c)a m'aide( beaucoup)?",
    # es
    r"(perfecto|genial|vale|de acuerdo|entendido|muy bien)",
    r"(me )?(ayuda|ayudó|ayudo) mucho",
]
_GOODBYE = [
    # en
    r"(good)?bye( bye| now| for now)?",
    r"see (you|ya)( later| soon)?",
    r"have a (nice|good|great) (day|evening|weekend)",
    r"good ?night",
    r"take care",
    # de
    r"tsch(ü|ue|u)(ss|ß|s)( dann)?",
    r"auf wiedersehen",
    r"bis (bald|dann|später|spaeter)",
    r"(einen )?sch(ö|oe|o)nen (tag|abend)( noch)?",
    r"gute nacht",
    r"ciao",
    # fr
    r"au revoir",
    r"bonne (journée|journee|soirée|soiree)",
    r"(à|a) (bientôt|bientot|plus)",
    # es
    r"adi(ó|o)s",
    r"hasta (luego|pronto|mañana|manana)",
    r"nos vemos",
    r"chao",
    r"que tengas? (un )?buen d(í|i)a",
]
_WHO = [
    # en
    r"who (are|r) (you|u)",
    r"what are you",
    r"who is this",
    r"what (can|do) you do",
    r"how can you help( me)?",
    r"introduce yourself",
    # de
    r"wer (bist du|sind sie)",
    r"was (bist du|sind sie)",
    r"was (kannst du|können sie|koennen sie|machst du)",
    r"wie (kannst du|können sie) (mir )?helfen",
    # fr
    r"qui (es-tu|es tu|êtes-vous|etes-vous|êtes vous|etes vous)",
    r"(tu es|vous êtes|vous etes) qui",
    r"(que|qu'est-ce que) (peux-tu|pouvez-vous|tu peux|vous pouvez) faire",
    # es
    r"qui(é|e)n (eres|es usted)",
    r"qu(é|e) eres",
    r"qu(é|e) (puedes|puede) hacer",
    r"c(ó|o)mo (me )?(puedes|puede) ayudar",
]
_ARTICLE = r"(a |an |ein |eine |einem |einer |un |une |una )?"
_AGENT = (
    _ARTICLE + r"(automated |automatic |automatischen |automatique )?"
    r"(bot|chatbot|robot|roboter|ai|ki|ia|machine|maschine|assistant|assistent|asistente|program)"
)
_PERSON = _ARTICLE + (
    r"(human( being)?|real person|person|mensch(en)?|humain|humano|persona( real)?)"
)
# "a bot or a person?": either order, any of the four languages' "or" and "with".
_ONE = rf"({_AGENT}|{_PERSON})"
_WHAT = rf"{_ONE}( (or|oder|ou|o) (with |mit |avec |con )?{_ONE})?"
_BOT = [
    # en
    rf"(are|r) (you|u) ({_WHAT}|real)",
    rf"am i (talking|chatting|speaking|writing) (to|with) {_WHAT}",
    rf"is this {_WHAT}",
    # de
    rf"(bist du|sind sie) ({_WHAT}|echt)",
    rf"(ist das|rede ich mit|spreche ich mit|schreibe ich mit) {_WHAT}",
    # fr
    rf"(es-tu|es tu|êtes-vous|etes-vous|tu es|t'es|t es|vous êtes|vous etes) {_WHAT}",
    rf"(est-ce|c'est) {_WHAT}",
    # es
    rf"(eres|es usted) ({_WHAT}|real)",
    rf"(hablo|estoy hablando) con {_WHAT}",
]
# Asking to reach a person: "can I talk to a human?", "Kann ich mit jemandem sprechen?",
# "puis-je parler à quelqu'un ?", "¿puedo hablar con una persona?".
_SOMEONE = (
    r"(a |an |one of )?(human( being)?|real person|person|someone|somebody|anyone|staff"
    r"( member)?|agent|advisor|adviser|employee|people|bfio)"
)
_JEMAND = (
    r"(jemandem|jemand|einem menschen|einer person|einem echten menschen|einem mitarbeiter"
    r"|einer mitarbeiterin|den mitarbeitenden|bfio)"
)
_QUELQUUN = (
    r"(quelqu'un|quelqu un|un humain|une personne|une vraie personne|un conseiller"
    r"|une conseillère|un agent|le bfio|l'équipe|l'equipe)"
)
_ALGUIEN = r"(alguien|una persona( real)?|un humano|un ser humano|un agente|el personal|el bfio)"
_PERSON_REQUEST = [
    # en
    rf"(can|could|may) i (please )?(talk|speak|chat) (to|with) {_SOMEONE}( real)?",
    rf"i( would|'d)? (like|want|wish|need) to (talk|speak|chat) (to|with) {_SOMEONE}",
    rf"(talk|speak|chat) (to|with) {_SOMEONE}( please)?",
    rf"(is there|are there) {_SOMEONE} i can (talk|speak|chat) (to|with)",
    r"(a |an )?(human|real person|person|agent|operator) please",
    # de
    rf"(kann|könnte|koennte|darf) ich (bitte )?(mit )?{_JEMAND} (sprechen|reden|schreiben)",
    rf"ich (möchte|moechte|will|würde gerne|wuerde gerne|würde|wuerde) (gerne |bitte )?"
    rf"(mit )?{_JEMAND} (sprechen|reden)",
    rf"gibt es {_JEMAND},? (mit dem|mit der|den|die) ich (sprechen|reden|fragen) kann",
    # fr
    rf"(est-ce que |est ce que )?(je peux|puis-je|puis je|pourrais-je|pourrais je|je pourrais"
    rf"|je voudrais|j'aimerais|je veux|je souhaite) parler (à|a|avec) {_QUELQUUN}",
    # es
    rf"(puedo|podría|podria|quiero|quisiera|me gustaría|me gustaria|necesito) hablar con "
    rf"{_ALGUIEN}",
    rf"(hay|existe) {_ALGUIEN} con (quien|quién) (pueda )?hablar",
]

# A small-talk phrase at the end of a message lies within its last this many words.
TAIL_WORDS = 8
_WORD_START = re.compile(r"\b\w")
_EDGE = r"[\s,;:.!?¡¿\-–—…()\"'«»„“”]*"
_WHOLE_ONLY: frozenset[Kind] = frozenset({"who", "bot", "person"})


# Words people add to a question about the assistant without changing it ("Wer bist du
# eigentlich?", "who are you exactly?", "¿quién eres tú?").
_TRAIL = (
    r"(?:,? (?:eigentlich|denn|genau|exactly|actually|really|au juste|exactement|vraiment|"
    r"exactamente|realmente|tú|tu|usted|please|bitte|s'il vous plaît|s'il vous plait|"
    r"por favor))*"
)

_BY_KIND: dict[Kind, list[str]] = {
    "person": [pattern + _TRAIL for pattern in _PERSON_REQUEST],
    "bot": [pattern + _TRAIL for pattern in _BOT],
    "who": [pattern + _TRAIL for pattern in _WHO],
    "goodbye": _GOODBYE,
    "thanks": _THANKS,
    "ack": _ACK,
    "greeting": _GREETING,
}


def _either(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


# One alternation of every kind, each a named group (the kind), in PRIORITY order: one
# regex run per place instead of one per kind.
_ALL = "|".join(f"(?P<{kind}>{_either(_BY_KIND[kind])})" for kind in PRIORITY)


@cache
def _start() -> re.Pattern[str]:
    """Compiled on first use (each of these two takes some 30 ms): commands that never
    read a message do not wait for them."""
    return re.compile(rf"^{_EDGE}(?:{_ALL})\b{_EDGE}", re.IGNORECASE)


@cache
def _end() -> re.Pattern[str]:
    return re.compile(rf"(?:{_ALL}){_EDGE}$", re.IGNORECASE)


# A message left with none of these is empty of content: punctuation, emoji, nothing.
_CONTENT = re.compile(r"[^\W_]")


@dataclass(frozen=True, slots=True)
class SmallTalk:
    """The small-talk phrases found at a message's edges and what is left of it."""

    kinds: tuple[Kind, ...]
    rest: str

    @property
    def only(self) -> bool:
        """Whether the whole message is small talk."""
        return bool(self.kinds) and not _CONTENT.search(self.rest)

    @property
    def kind(self) -> Kind | None:
        """The kind the reply answers: the first of PRIORITY among those found."""
        return next((kind for kind in PRIORITY if kind in self.kinds), None)


def parse(text: str) -> SmallTalk:
    """Peels small-talk phrases off both ends of `text`, repeatedly ("hi! thanks, bye")."""
    rest = text
    kinds: list[Kind] = []
    while _CONTENT.search(rest):
        found = _start().match(rest) or _at_end(rest)
        if found is None or found.lastgroup is None:
            break
        kind = cast(Kind, found.lastgroup)
        left = rest[: found.start()] + rest[found.end() :]
        if kind in _WHOLE_ONLY and _CONTENT.search(left):
            break
        rest = left
        if kind not in kinds:
            kinds.append(kind)
    return SmallTalk(tuple(kinds), rest.strip())


def _at_end(text: str) -> re.Match[str] | None:
    """An end-anchored match, tried only where one of the last words starts (a phrase is a
    few words long; trying every character would cost far more)."""
    starts = [m.start() for m in _WORD_START.finditer(text)][-TAIL_WORDS:]
    for position in starts:
        found = _end().match(text, position)
        if found:
            return found
    return None
