"""The eligibility self-check: a candidate's own profile against each posting's typed facts.

Per posting the verdict is "yes, as far as the posting says", "not yet" (with the reason) or
"can't tell" (with what is missing), using only rules the texts state: the posting's degree
(level, fields, "or a related field"), the programme's two years of experience counted after
the first university degree, and the languages the posting calls required or essential.
Every check ends with "BFIO decides" and how to reach them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine import cues, disciplines
from bot.engine.answers import Answer, Block, Reply, ShowTopic, Suggestion
from bot.engine.facts import (
    DEGREE_RANK,
    degree_words,
    experience_words,
    languages_words,
    sentence,
    years_words,
)
from bot.engine.profile import Profile, read_profile
from bot.knowledge.base import KnowledgeBase
from bot.texts import LeadTexts, lead_texts, phrases

TOPIC = "eligibility"
STEM = 6  # "cultur", "enviro": a shared word start makes two fields the same subject
_GENERIC = {"science", "sciences", "studies", "management", "field", "degree", "master"}
NO_DEGREE = "none"  # a candidate without a university degree yet (/check's answer)
MAX_CHECKED = 6  # with more postings, a self-check needs the posting named
# Years of experience or a degree with a field make a self-check only when the candidate
# speaks of themselves or asks whether it is enough ("Are two years of experience
# mandatory?" and "Which field should my Master's be in?" are not one).
_ABOUT_ME = re.compile(
    r"\b(i have|i've|i hold|i studied|i did|i worked|i work|am i|ich habe|ich hab|habe ich|"
    r"ich arbeite|bin ich|ich bin|komme ich|infrage|in frage|j'ai|je suis|suis-je|tengo|"
    r"trabaje|he trabajado|soy|"
    r"hice|estudie|qualif\w*|eligib\w*|can i apply|enough|sufficient|reicht|reichen|bewerben|"
    r"suffisant|postuler|suficiente|elegible|postular|cumplo|"
    # "Would I be a fit?", "passe ich für Kingston?", "c'est bon pour la Jamaïque ?"
    r"a fit|a good fit|fit for|suit(?:able)?|hab|passe ich|passt (?:das|es)|geeignet|"
    r"c'est bon|ca suffit|ca passe|je corresponds|me qualifie|sirvo|encajo|valgo|apto|apta)\b"
)

# Words of fields of study in German, French and Spanish, in the English the postings use
# ("gestión ambiental" is environmental management); the catalogue's glossary adds more.
# (The environment words, "umwelt", "ambiental", "environnement…", are glossary entries.)
_FIELD_WORDS = {
    "ambientales": "environmental", "kultur": "cultural", "culturel": "cultural",
    "culturelle": "cultural", "culturales": "cultural", "politik": "policies",
    "politica": "policies", "politicas": "policies", "politique": "policies",
    "politiques": "policies", "internacionales": "international",
    "internationales": "international", "relaciones": "relations", "beziehungen": "relations",
    "naturelles": "natural", "naturales": "natural", "naturwissenschaft": "natural sciences",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Glossary:
    """Folded words and their English, and the lengths of those that may open a compound."""

    words: dict[str, str]
    lengths: tuple[int, ...]
    phrases: tuple[tuple[re.Pattern[str], str], ...]  # the keys of more than one word


_GLOSSARIES: dict[int, tuple[object, _Glossary]] = {}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One posting's result: 'yes', 'no' or 'unknown', with the reasons in words."""

    outcome: str
    reasons: tuple[str, ...]


def is_self_check(question: str, this_year: int) -> bool:
    """The message describes the candidate: years of experience, or a degree with its field."""
    if _ABOUT_ME.search(cues.folded(question)) is None:
        return False  # checked first: most questions are not about the candidate
    profile = read_profile(question, this_year)
    return profile.years is not None or (profile.degree is not None and bool(profile.fields))


def check_reply(
    kb: KnowledgeBase, question: str, postings: tuple[str, ...], lang: str, this_year: int
) -> Reply:
    """The self-check for these postings (all postings when none is given)."""
    return profile_reply(kb, read_profile(question, this_year), postings, lang)


def profile_reply(
    kb: KnowledgeBase, profile: Profile, postings: tuple[str, ...], lang: str
) -> Reply:
    """The check of a stated profile (free text or /check's answers) for these postings."""
    postings = postings or tuple(kb.postings)
    words = lead_texts(lang)
    verdicts = {p: check(kb, p, profile, words) for p in postings}
    blocks = tuple(_block(kb, p, words, lang) for p in postings)
    contact = kb.programme.contact.get(lang)
    return Reply(
        status="answered",
        answer=Answer(
            heading=words.check_heading,
            blocks=blocks,
            note=words.bfio_decides.format(contact=contact),
            lead=_lead(kb, verdicts, words, lang),
        ),
        posting=postings[0] if len(postings) == 1 else None,
        topic=TOPIC,
        score=100.0,
        postings=postings,
        topics=(TOPIC,),
        suggestions=tuple(
            Suggestion(kb.postings[p].name.get(lang), ShowTopic(p, "qualifications"))
            for p in postings
            if kb.content(p, "qualifications")
        ),
    )


def check(kb: KnowledgeBase, posting: str, profile: Profile, words: LeadTexts) -> Verdict:
    """The candidate against one posting; a "no" reason outweighs any missing information."""
    no: list[str] = []
    unknown: list[str] = []
    _degree(kb, posting, profile, words, no, unknown)
    timing = _experience(kb, posting, profile, words, no, unknown)
    _languages(kb, posting, profile, words, no)
    if no:
        return Verdict("no", tuple(no))
    if unknown:
        missing = (words.missing.format(what=words.missing_after_degree),) if timing else ()
        return Verdict("unknown", (*unknown, *missing))
    # Enough years and only their timing unsaid: most candidates count their years after
    # their studies, so the answer is a yes that names its one condition, not a shrug.
    return Verdict("yes_if", (timing,)) if timing else Verdict("yes", ())


def _degree(
    kb: KnowledgeBase,
    posting: str,
    profile: Profile,
    words: LeadTexts,
    no: list[str],
    unknown: list[str],
) -> None:
    fact = kb.postings[posting].facts.degree
    if fact is None:
        return
    asked = degree_words(fact, words)
    if profile.degree is None:
        unknown.append(words.missing.format(what=words.missing_degree))
    elif profile.degree == NO_DEGREE:
        no.append(words.reason_no_degree.format(degree=asked))
        return
    elif profile.pending and DEGREE_RANK[profile.degree] <= DEGREE_RANK[fact.level]:
        no.append(words.reason_degree_pending.format(degree=asked))
        return
    elif DEGREE_RANK[profile.degree] < DEGREE_RANK[fact.level]:
        no.append(
            words.reason_degree_level.format(degree=asked, have=getattr(words, profile.degree))
        )
        return
    if not profile.fields:
        unknown.append(words.missing.format(what=words.missing_field))
    elif not any(_fits(f, fact.fields, _glossary(kb)) for f in profile.fields):
        fields = words.join_or.join(fact.fields)
        unknown.append(words.reason_field.format(fields=fields, field=profile.fields[-1]))


def field_fits(kb: KnowledgeBase, field: str, wanted: tuple[str, ...]) -> bool:
    """Whether a candidate's field of study is one of the fields a posting lists."""
    return _fits(field, wanted, _glossary(kb))


def _fits(field: str, wanted: tuple[str, ...], glossary: _Glossary) -> bool:
    """The candidate's field shares a word with one the posting lists ("cultural policy" and
    "cultural policies", "Umweltmanagement" via the glossary's "environmental management")."""
    if _stems(field, glossary) & {s for w in wanted for s in _stems(w, glossary)}:
        return True
    # "Meeresbiologie" is one of the "Natural Sciences" a posting asks for.
    return bool(disciplines.families(field) & {f for w in wanted for f in disciplines.families(w)})


def _glossary(kb: KnowledgeBase) -> _Glossary:
    """The field words and the catalogue's glossary, folded; built once per catalogue."""
    cached = _GLOSSARIES.get(id(kb.catalogue))
    if cached is None or cached[0] is not kb.catalogue:
        merged = {**_FIELD_WORDS, **kb.catalogue.glossary}
        words = {cues.folded(k): v for k, v in merged.items()}
        lengths = tuple(sorted({len(k) for k in words if len(k) >= 5}))
        phrases = tuple(
            (re.compile(rf"\b{re.escape(k)}\b"), v) for k, v in words.items() if " " in k
        )
        cached = (kb.catalogue, _Glossary(words, lengths, phrases))
        _GLOSSARIES.clear()  # one live catalogue at a time (a reload replaces it)
        _GLOSSARIES[id(kb.catalogue)] = cached
    return cached[1]


def _stems(text: str, glossary: _Glossary) -> set[str]:
    folded = cues.folded(text)
    words = set(re.findall(r"[a-z]+", folded))
    # A glossary phrase the field contains ("sciences naturelles" -> "natural sciences").
    for phrase, translated in glossary.phrases:
        if phrase.search(folded):
            words |= set(re.findall(r"[a-z]+", cues.folded(translated)))
    for word in list(words):
        # A glossary word, or one that opens a German compound ("Umwelt|management").
        keys = {word} | {word[:n] for n in glossary.lengths if n < len(word)}
        for key in keys & glossary.words.keys():
            words |= set(re.findall(r"[a-z]+", cues.folded(glossary.words[key])))
    return {w[:STEM] for w in words if len(w) >= STEM and w not in _GENERIC}


def _experience(
    kb: KnowledgeBase,
    posting: str,
    profile: Profile,
    words: LeadTexts,
    no: list[str],
    unknown: list[str],
) -> str:
    """Adds the experience reasons; returns the condition on the years' timing ("provided
    two years of it came after your first degree") when that alone is unsaid, else ""."""
    rule = kb.postings[posting].facts.work_experience or kb.programme.rules.work_experience
    if rule is None:
        return ""
    needed = years_words(rule.min_years, words)
    if profile.years is None:
        unknown.append(words.missing.format(what=words.missing_experience))
    elif profile.after_first_degree is False:
        no.append(words.reason_experience.format(years=needed, have=words.none_after))
    elif profile.years < rule.min_years:
        have = years_words(profile.years, words)
        no.append(words.reason_experience.format(years=needed, have=have))
    elif profile.after_first_degree is None and kb.programme.rules.experience_counted_after:
        return words.provided_after_degree.format(years=needed)
    return ""


def _languages(
    kb: KnowledgeBase, posting: str, profile: Profile, words: LeadTexts, no: list[str]
) -> None:
    if not profile.languages:
        return  # the candidate said nothing about languages: nothing to check
    for fact in kb.postings[posting].facts.languages:
        spoken = fact.language in profile.languages and fact.language not in profile.weak
        if fact.level == "asset" or spoken:
            continue
        template = getattr(words, f"level_{fact.level}")
        no.append(template.format(language=words.name(fact.language)))


def _lead(kb: KnowledgeBase, verdicts: dict[str, Verdict], words: LeadTexts, lang: str) -> str:
    labels = {"yes": words.eligible_yes, "yes_if": words.eligible_yes, "no": words.eligible_not_yet}
    lines = []
    for posting, verdict in verdicts.items():
        label = labels.get(verdict.outcome, words.eligible_cant_tell)
        joiner = ", " if verdict.outcome == "yes_if" else ": "
        line = f"{label}{joiner}{'; '.join(verdict.reasons)}" if verdict.reasons else label
        if len(verdicts) > 1:
            line = words.compare_line.format(
                posting=kb.postings[posting].name.get(lang), detail=line
            )
        lines.append(sentence(line))
    return " ".join(lines)


def _block(kb: KnowledgeBase, posting: str, words: LeadTexts, lang: str) -> Block:
    """What the posting and the programme ask, as the reasons' source."""
    facts = kb.postings[posting].facts
    points = []
    if facts.degree:
        points.append(sentence(words.degree_asked.format(degree=degree_words(facts.degree, words))))
    experience = experience_words(facts.work_experience, kb.programme.rules, words)
    if experience:
        points.append(sentence(experience))
    languages = languages_words(facts, words)
    if languages:
        points.append(sentence(languages))
    title = f"{kb.postings[posting].name.get(lang)} — {words.asks_heading}"
    return Block(title, tuple(points) or (phrases(lang).not_stated_short,))
