"""The direct answer (`Answer.lead`): the one or two sentences that answer the question.

Built only from typed facts (`bot.engine.facts`) and the question's cues (`bot.engine.cues`):
"No — English is essential; Spanish or French is an asset.", "2 years, with a possible
extension by one year.", "Not stated — the posting does not say; BFIO can tell you."
A yes/no question gets Yes / No / Not stated in the reply language, and only when the facts
decide it; otherwise the lead is just the fact, or there is none. Never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace
from itertools import pairwise

from bot.engine import cues
from bot.engine.answers import Reply
from bot.engine.decision import PASSAGE_STRONG, Decision, FaqPick, PassagePick
from bot.engine.facts import (
    DEGREE_RANK,
    TOPIC_FACTS,
    experience_words,
    fact_words,
    known,
    language_fact,
    languages_words,
    sentence,
)
from bot.engine.passages import PassageHit
from bot.engine.text import is_stop_word, starts_a_word, tokens
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Facts
from bot.texts import LeadTexts, lead_texts

# A passage that calls the detail an asset answers "is it required?" with a no.
_ASSET = re.compile(r"\b(asset|advantage)\b", re.IGNORECASE)
_REQUIRED = re.compile(
    r"\b(require|required|requirement|need|needed|mandatory|must|necessary|obligatory|"
    r"pflicht|verpflicht|muss|brauche|erforderlich|notwendig|voraussetzung|obligatoire|exige|"
    r"requis|necesario|obligatorio|requiere|necesito|imprescindible|hace falta|faut)",
)
_STRONG_LEVELS = ("required", "essential")
# Experience gained while studying for the first degree is experience before it.
_DURING_FIRST_DEGREE = re.compile(
    r"\b(during (?:my |the )?(?:bachelor|studies|first degree|undergrad)|"
    r"wahrend (?:des|meines|dem) (?:bachelor|studium|studiums)|"
    r"pendant (?:ma |mes |la )?(?:licence|etudes)|"
    r"durante (?:mi |la |el |mis )?(?:grado|carrera|licenciatura|estudios))"
)
_WHEN_OR_HOW_MUCH = re.compile(
    r"\b(after|before|during|nach|vor|wahrend|apres|avant|pendant|despues|antes|durante|"
    r"how many|how much|wie viele?|combien|cuant[oa]s?|cuanta)\b"
)
# A number in a yes/no question decides the duration only when it counts years ("Is it two
# years?"); "paid more than 5,000 dollars?" is no "No — 2 years".
_YEARS = re.compile(
    r"\b(?:\d+(?:[.,]\d+)?|one|two|three|four|zwei|drei|vier|deux|trois|quatre|dos|tres|"
    r"cuatro)\s+(?:more\s+|weitere\s+)?(?:years?|jahre?n?|ans|annees|anos)\b"
)
# Facts that name someone or somewhere: a yes/no question on their topic ("Is there coaching
# by the supervisor?") is answered from the bullets instead.
NO_YES_NO = ("supervision", "duty_station")
_EXPERIENCE = re.compile(
    r"\b(experi\w*|\w*erfahrung\w*|years?|jahre?n?|ans|annees|anos|praktik\w*|stage)\b"
)
_DEGREE = re.compile(
    r"\b(master\w*|msc|bachelor\w*|bsc|degrees?|diplom\w*|abschluss\w*|licence|licenciatura|"
    r"titulo|maestria|maitrise|magister|phd|doctor\w*|doktor\w*|studium|studies|"
    r"universit\w*|carrera|field|fach|domaine|campo)\b"
)
# Facts whose topic is a list of other things too: UNESCO's "Work experience" lists office
# software and the Culture Programme, UNEP's degree sits beside "post graduate training in
# Project Management … would be an asset"; a yes/no question on one of those is answered
# from its bullet. Each fact's own words make a question one about the fact.
LISTS: dict[str, re.Pattern[str]] = {"work_experience": _EXPERIENCE, "degree": _DEGREE}
# "in Jamaica", "à Kingston", "en Jamaica", "nach Kingston": a place as the predicate.
_PLACE_WORDS = r"(?:in|at|based in|located in|a|au|en|nach|basee? a|situee? a)"
_POSTING_REQUIREMENTS = re.compile(
    r"\b(requirements?|prerequisites?|criteria|voraussetzungen|anforderungen|exigences|"
    r"conditions (?:requises|d'admission|d'eligibilite|pour postuler)|prerequis|requisitos|"
    r"qualifications|qualifikationen|cualificaciones|calificaciones)\b"
)
# The topics a requirements question may land on by its words ("conditions": living
# conditions); with a posting known, it is answered from the posting's qualifications.
REQUIREMENT_LANDINGS = ("eligibility", "overview", "living_conditions")
# The facts a posting's overview leads with, in this order.
OVERVIEW_FACTS = ("duty_station", "duration", "qualifications", "languages")
# Topics a "what are the requirements?" question lands on; its lead sums up all of them.
REQUIREMENT_TOPICS = ("qualifications", "work_experience", "languages", "skills", "eligibility")


def asks_posting_requirements(question: str) -> bool:
    """'What are the requirements for the Jamaica post?', 'Welche Voraussetzungen …?',
    'Quelles sont les conditions requises …?': degree, experience and languages at once
    ("conditions" alone may be the living conditions)."""
    return bool(_POSTING_REQUIREMENTS.search(cues.folded(question)))


def with_lead(
    kb: KnowledgeBase,
    decision: Decision,
    reply: Reply,
    question: str,
    lang: str,
    asset: str | None = None,
    yes_no: bool | None = None,
) -> Reply:
    """The reply with its direct answer in front, when the facts decide one.

    `yes_no` says whether the question asks yes or no (None: read it from `question`); a
    follow-up ("und Französisch?") keeps the framing of the question it follows. `asset` is
    the posting's bullet that best matches a yes/no question on a topic without facts: when
    it calls the detail an asset ("… would be an asset"), "is it required?" gets "No";
    otherwise the posting names what was asked and the answer is "Yes", quoting it.
    """
    if reply.status not in ("answered", "not_stated") or reply.answer.lead:
        return reply
    yes_no = cues.is_yes_no(question) if yes_no is None else yes_no
    lead = lead_for(kb, decision, reply, question, lang, yes_no)
    fact = TOPIC_FACTS.get(reply.topic or "", "")
    listed = asset and reply.status == "answered" and fact in LISTS
    if listed and _about_detail(question, asset or "", LISTS[fact]):
        # "Is knowledge of the Culture Programme a must?", "experience at national level?"
        # ask about a bullet of the list, not the years of experience: the bullet answers.
        lead = None
    # A reply that found the topic unsaid is not contradicted by a bullet that merely
    # shares a word ("housing provided?" is no "Yes" from a duties bullet).
    if not lead and asset and reply.status == "answered" and yes_no:
        words = lead_texts(lang)
        required = _REQUIRED.search(cues.folded(question))
        if required and _ASSET.search(asset):
            lead = _answer(words.no, f"{words.asset_only}: “{asset}”", words)
        elif required and reply.topic not in REQUIREMENT_TOPICS:
            pass  # a duty naming it makes it no requirement: the quote answers, no guess
        elif not _ASSET.search(asset) or cues.asks_asset(question):
            lead = _answer(words.yes, f"{words.mentioned}: “{asset}”", words)
    if not lead and reply.status == "not_stated":
        # No facts for the topic: it is still unsaid (by the posting, or the programme).
        lead = _not_stated_lead(kb, lang, yes_no, reply.posting is None)
    if not lead:
        return reply
    return replace(reply, answer=replace(reply.answer, lead=lead))


def _about_detail(question: str, bullet: str, own_words: re.Pattern[str]) -> bool:
    """Whether a yes/no question asks about the bullet's detail rather than the fact (the
    years of experience, the degree): it names none of the fact's `own_words`, or, asking
    no number or length, another word the bullet names ("experience at national level")."""
    folded = cues.folded(question)
    if not own_words.search(folded):
        return True
    if cues.numbers(question) or _WHEN_OR_HOW_MUCH.search(folded):
        return False
    named = cues.folded(bullet)
    others = [
        w
        for w in tokens(folded)
        if len(w) > 3
        and not is_stop_word(w)
        and not own_words.fullmatch(w)
        and not _REQUIRED.match(w)
    ]
    return any(re.search(rf"\b{re.escape(w)}\b", named) for w in others)


def _not_stated_lead(
    kb: KnowledgeBase, lang: str, yes_no: bool, programme: bool = False
) -> str | None:
    """'Not stated — the posting does not say; BFIO … can tell you.' ('Not stated' only when
    the question asks yes or no; "the programme information" for a programme topic)."""
    words = lead_texts(lang)
    template = words.ask_bfio_programme if programme else words.ask_bfio
    detail = template.format(contact=kb.programme.contact.get(lang))
    return _answer(words.not_stated if yes_no else None, detail, words)


def passage_topic(kb: KnowledgeBase, topic: str | None) -> bool:
    """A posting topic without typed facts, where a quoted bullet may answer yes or no."""
    found = kb.topic(topic) if topic else None
    fact = TOPIC_FACTS.get(topic or "")
    return found is not None and found.scope == "posting" and fact in (None, *NO_YES_NO, *LISTS)


def asset_passage(hits: list[PassageHit], asked: tuple[str, ...] = ()) -> str | None:
    """The best-matching bullet, if it names the question's telling words strongly.

    Among bullets that tie ("Projektmanagement" scores "project" once, in any bullet with
    "project"), the one naming more of the question's words (`asked`) is the one asked about.
    """
    if not hits:
        return None
    tied = [h for h in hits if h.score >= hits[0].score - 1e-9]
    best = max(tied, key=lambda h: _named(h.passage.text, asked))
    if best.score < PASSAGE_STRONG or not best.telling:
        return None
    return best.passage.text


def _named(text: str, asked: tuple[str, ...]) -> int:
    """How many of the asked words the bullet names; the parts of a split compound
    ("project", "management") count again when they stand together as a phrase."""
    folded = cues.folded(text)
    found = sum(starts_a_word(word, folded) for word in asked)
    return found + sum(f"{first} {second}" in folded for first, second in pairwise(asked))


def lead_for(
    kb: KnowledgeBase,
    decision: Decision,
    reply: Reply,
    question: str,
    lang: str,
    yes_no: bool | None = None,
) -> str | None:
    words = lead_texts(lang)
    yes_no = cues.is_yes_no(question) if yes_no is None else yes_no
    if isinstance(decision.pick, PassagePick):
        return _passage_lead(decision.pick, question, yes_no, words)
    if isinstance(decision.pick, FaqPick) and yes_no and decision.pick.faq.answer.startswith("Yes"):
        return _answer(words.yes, words.mentioned, words)  # an FAQ that answers "Yes. …"
    requirements = cues.asks_requirements(question) or asks_posting_requirements(question)
    if reply.posting and not yes_no and requirements:
        return _requirements_lead(kb, reply.posting, reply.topic, words)
    overview = kb.catalogue.overview_topic
    if reply.posting and yes_no and reply.topic in (overview, "duty_station"):
        # "Is the UNEP job in Jamaica?": yes, when the place asked is the duty station.
        place = _place_lead(kb, reply.posting, question, words)
        if place:
            return place
    if reply.posting and not yes_no and overview and reply.topic == overview:
        # "where is the UNEP job?" lands on the overview: its lead is the fact asked.
        asked = TOPIC_FACTS.get(cues.fact_asked(question) or "")
        detail = fact_words(kb, reply.posting, asked, words) if asked else None
        return sentence(detail) if detail else overview_lead(kb, reply.posting, words, lang)
    name = TOPIC_FACTS.get(reply.topic or "")
    if name is None:
        return None
    if reply.posting is None:
        return _programme_lead(kb, name, question, yes_no, words)
    facts = kb.postings[reply.posting].facts
    state = known(facts, name)
    if state == "unknown" and name != "work_experience":
        return None
    if state == "not_stated" and name != "work_experience":
        return _not_stated_lead(kb, lang, yes_no)
    if yes_no and name in NO_YES_NO:
        return None
    match name:
        case "languages":
            return _languages_lead(facts, question, yes_no, words)
        case "duration" if yes_no and cues.asks_extension(question):
            assert facts.duration is not None
            answer = words.yes if facts.duration.extension_years else words.not_stated
            return _answer(answer, fact_words(kb, reply.posting, name, words), words)
        case "duration" if (
            yes_no and cues.numbers(question) and _YEARS.search(cues.folded(question))
        ):
            assert facts.duration is not None
            answer = words.yes if facts.duration.years in cues.numbers(question) else words.no
            return _answer(answer, fact_words(kb, reply.posting, name, words), words)
        case "degree" if yes_no:
            return _degree_lead(facts, kb, reply.posting, question, words)
        case "work_experience":
            return _experience_lead(kb, facts, question, yes_no, words)
        case "travel" if yes_no:
            assert facts.travel is not None
            answer = words.yes if facts.travel.travel else words.no
            return _answer(answer, fact_words(kb, reply.posting, name, words), words)
    return _answer(None, fact_words(kb, reply.posting, name, words), words)


def _place_lead(kb: KnowledgeBase, posting: str, question: str, words: LeadTexts) -> str | None:
    """'Yes — Kingston, Jamaica.' for a yes/no question ending on the duty station's city or
    country ("… in Jamaica?", "… à Kingston ?"); None for any other place or question."""
    station = kb.postings[posting].facts.duty_station
    if station is None:
        return None
    names = {
        cues.folded(lead_texts(lang).name(place))
        for lang in ("en", "de", "fr", "es")
        for place in (station.city, station.country)
    }
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    if not re.search(rf"\b{_PLACE_WORDS}\s+(?:{alternatives})\W*$", cues.folded(question)):
        return None
    return _answer(words.yes, fact_words(kb, posting, "duty_station", words), words)


def _requirements_lead(
    kb: KnowledgeBase, posting: str, topic: str | None, words: LeadTexts
) -> str | None:
    """Degree, work experience and languages in one go."""
    if topic not in REQUIREMENT_TOPICS:
        return None
    parts = [fact_words(kb, posting, name, words) for name in ("degree", "work_experience")]
    parts.append(fact_words(kb, posting, "languages", words))
    found = [sentence(p) for p in parts if p]
    return " ".join(found) or None


def overview_lead(kb: KnowledgeBase, posting: str, words: LeadTexts, lang: str) -> str | None:
    """The posting at a glance, each stated fact under its topic's title: "Duty station:
    Kingston, Jamaica. Duration and extension: 2 years, … Languages: English is essential; …"."""
    lines = []
    for topic in OVERVIEW_FACTS:
        name = TOPIC_FACTS[topic]
        detail = fact_words(kb, posting, name, words)
        found = kb.topic(topic)
        if detail and found is not None and known(kb.postings[posting].facts, name) == "stated":
            lines.append(
                sentence(words.compare_line.format(posting=found.title.get(lang), detail=detail))
            )
    return " ".join(lines) or None


def _answer(answer: str | None, detail: str | None, words: LeadTexts) -> str | None:
    """'No — English is essential …' or just the detail as a sentence."""
    if not detail:
        return None
    if answer is None:
        return sentence(detail)
    return sentence(words.yes_no.format(answer=answer, detail=detail))


def _languages_lead(facts: Facts, question: str, yes_no: bool, words: LeadTexts) -> str | None:
    summary = languages_words(facts, words)
    asked = cues.languages_named(question)
    if not yes_no or not asked or summary is None:
        return _answer(None, summary, words)
    weak = [
        f
        for f in facts.languages
        if f.level in _STRONG_LEVELS and cues.negated_language(question, f.language)
    ]
    if weak and not cues.asks_if_problem(question):  # "hardly any English, can I apply?"
        return _answer(words.no, summary, words)
    if cues.asks_if_problem(question):
        # "I speak only English, is that a problem?": no, when every required language is spoken.
        needed = [f.language for f in facts.languages if f.level in _STRONG_LEVELS]
        lacking = [
            lang for lang in needed if lang not in asked or cues.negated_language(question, lang)
        ]
        return _answer(words.yes if lacking else words.no, summary, words)
    levels = [(lang, language_fact(facts, lang)) for lang in asked]
    if cues.asks_asset(question):  # "Is Spanish an asset?": yes when the posting values it
        valued = all(fact is not None for _, fact in levels)
        return _answer(words.yes if valued else words.no, summary, words)
    strong = [fact for _, fact in levels if fact and fact.level in _STRONG_LEVELS]
    if len(strong) == len(levels):
        return _answer(words.yes, summary, words)
    if strong:
        return _answer(None, summary, words)  # some asked languages count, others not
    missing = [words.name(lang) for lang, fact in levels if fact is None]
    if missing and not any(
        f.level == "asset" and f.language not in cues.LANGUAGES for f in facts.languages
    ):
        summary = words.lang_not_asked.format(language=words.join_or.join(missing)) + "; " + summary
    return _answer(words.no, summary, words)


def _degree_lead(
    facts: Facts, kb: KnowledgeBase, posting: str, question: str, words: LeadTexts
) -> str | None:
    assert facts.degree is not None
    detail = words.degree_asked.format(degree=fact_words(kb, posting, "degree", words))
    asked = cues.degree_named(question)
    if asked is None:
        return _answer(None, detail, words)
    answer = words.yes if DEGREE_RANK[asked] == DEGREE_RANK[facts.degree.level] else words.no
    return _answer(answer, detail, words)


def _experience_lead(
    kb: KnowledgeBase, facts: Facts, question: str, yes_no: bool, words: LeadTexts
) -> str | None:
    rules = kb.programme.rules
    before = cues.asks_before_degree(question) or _DURING_FIRST_DEGREE.search(cues.folded(question))
    if yes_no and before and rules.experience_counted_after:
        return _answer(words.no, words.experience_before, words)
    detail = experience_words(facts.work_experience, rules, words)
    minimum = facts.work_experience or rules.work_experience
    if yes_no and minimum and minimum.min_years in cues.numbers(question):
        return _answer(words.yes, detail, words)  # "Are two years mandatory?"
    # "Brauche ich Berufserfahrung?": yes. Not when it asks when ("after my Master's
    # required?": which experience counts) or how much ("Combien d'années faut-il ?").
    folded = cues.folded(question)
    plain = not cues.numbers(question) and not _WHEN_OR_HOW_MUCH.search(folded)
    if yes_no and minimum and plain and _REQUIRED.search(folded):
        return _answer(words.yes, detail, words)
    return _answer(None, detail, words)


def _programme_lead(
    kb: KnowledgeBase, name: str, question: str, yes_no: bool, words: LeadTexts
) -> str | None:
    if name != "work_experience":
        return None
    return _experience_lead(kb, Facts(), question, yes_no, words)


def _passage_lead(pick: PassagePick, question: str, yes_no: bool, words: LeadTexts) -> str | None:
    """A yes/no question answered by a bullet that names the detail: the posting mentions it."""
    if not yes_no:
        return None
    text = " ".join(p.text for p in pick.passages[:1])
    required = _REQUIRED.search(cues.folded(question))
    if _ASSET.search(text) and required:
        return _answer(words.no, words.asset_only, words)
    if required and not any(p.topic in REQUIREMENT_TOPICS for p in pick.passages[:1]):
        return None  # "Is project management training required?": a duty is no requirement
    return _answer(words.yes, words.mentioned, words)
