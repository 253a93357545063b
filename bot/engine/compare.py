"""Comparisons: "Which of the two needs Spanish?", "Do both require a Master's?", "beide".

One reply goes posting by posting (the fact, the bullets that name the detail, or "not
stated"), led by a one-line verdict built from the typed facts ("Neither posting requires
Spanish.", "Yes — both postings require a Master's degree.", "Only UNEP – Kingston mentions
it."). Where the facts give no verdict, the lead lists each posting's fact instead, or
there is none. `Reply.postings` lists every posting compared.
"""

from __future__ import annotations

import re
from datetime import date

from bot.engine import cues
from bot.engine.answers import Answer, Block, Reply, ShowTopic, Suggestion
from bot.engine.eligibility import field_fits
from bot.engine.facts import DEGREE_RANK, TOPIC_FACTS, fact_words, known, language_fact, sentence
from bot.engine.matching import Analysis, KnowledgeIndex
from bot.engine.profile import read_profile
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Content
from bot.texts import LeadTexts, lead_texts, phrases

_WHICH_POSTING = re.compile(
    r"\b(which (?:one|posting|job|position|post)|which of the|welche (?:stelle|ausschreibung)|"
    r"welcher (?:job|posten)|welche der|lequel|laquelle|quel poste|cual de los|cual de las|"
    r"que puesto|cual puesto)\b"
)
# "les exigences linguistiques", "Sprachkenntnisse", "los idiomas": the languages asked.
_LANGUAGE_WORDS = re.compile(
    r"\b(languages?|linguisti\w*|sprachen|sprachkenntniss\w*|sprachlich\w*|langues?|"
    r"idiomas?|lenguas?|linguistic\w*)\b"
)
# "What's the difference between the two jobs?": the postings as a whole, unless a topic's
# own words are named ("the difference in duration").
_OPEN_COMPARISON = re.compile(
    r"\b(differen\w*|differ|unterschied\w*|unterscheid\w*|diferencia\w*|difieren|compare|"
    r"comparison|vergleich\w*|comparer|comparaison|comparar|comparacion)\b"
)
# "the two", "die zwei", "les deux": how many postings are compared, no duration or number.
_COUNT_WORDS = re.compile(r"\b(two|zwei|deux|dos)\b")
# On a tie, the topic whose fact the question names ("Abschlüsse" is a degree, not the end
# of a contract).
_FACT_WORDS = {
    "degree": re.compile(
        r"\b(degrees?|abschluss\w*|abschlusse|studium|studienabschluss\w*|diplom\w*|"
        r"titulos?|titre|titres|grado|licenciatura|master\w*|bachelor\w*|maestria)\b"
    ),
}
# What the overviews are compared on, besides each posting's title and organisation.
OVERVIEW_FACTS = ("duty_station", "duration")
MAX_COMPARED = 6  # beyond this, a comparison needs the postings named
PASSAGE_STRONG = 2.0  # as in `decision`: a passage sharing the question's telling words
PASSAGE_ALONE = 5.0  # one shared word this strong names the detail on its own
MAX_POINTS = 3
TOPIC_THRESHOLD = 50.0
# A comparison whose topic a cue decided (a language named, "which one lasts longer?", the
# last answer's topic) is fairly sure, though no topic words matched.
CUE_SCORE = 70.0
NEAR_TIE = 2.5  # as in `decision`: topics this close to the best are tied
LANGUAGES = "languages"
FAQ_MENTIONS = 62.0  # as `decision.FAQ_THRESHOLD`: an FAQ entry this close answers the question
# An FAQ answer opens with its own yes or no ("Yes. The JPO will …"); in a comparison the
# verdict says that, and the posting's block quotes what follows.
_FAQ_YES_NO = re.compile(r"^(?:yes|no)[.,:;!]\s+", re.IGNORECASE)


def asks_which_posting(question: str) -> bool:
    """'Which posting …?', 'Welche Stelle …?', 'Lequel des postes …?': a choice among the
    postings, even when a word of it ("Kulturpolitik", "Jamaica") points to one of them."""
    return bool(_WHICH_POSTING.search(cues.folded(question)))


def candidate_fields(question: str) -> tuple[str, ...]:
    """The fields of study the question names after a degree ("Master in Kulturpolitik")."""
    return read_profile(question, date.today().year).fields


def compare_reply(
    kb: KnowledgeBase,
    index: KnowledgeIndex,
    analysis: Analysis,
    question: str,
    reply: Reply,
    lang: str,
    named: tuple[str, ...] = (),
    topic: str | None = None,
) -> Reply | None:
    """The comparison of the named postings (all, when there are only a few) on the question's
    topic (or `topic`: "compare them" after an answer); None when there is nothing to compare."""
    postings = named if len(named) >= 2 else tuple(kb.postings)
    if not 2 <= len(postings) <= MAX_COMPARED:
        return None
    score = reply.score
    if topic is None:
        topic, cued = _compared_topic(kb, index, analysis, question, reply)
    else:
        cued = True  # the last answer's topic
    if topic is None:
        return None
    score = max(score, CUE_SCORE) if cued else score
    words = lead_texts(lang)
    hits = _passages(index, analysis, postings, None if cued else topic)
    if not any(hits.values()):
        hits = _faq_mentions(index, question, postings, topic) or hits
    hits = _with_synonyms(kb, index, question, postings, topic, hits)
    whole = topic == kb.catalogue.overview_topic and _OPEN_COMPARISON.search(cues.folded(question))
    if whole:
        # "What's the difference between the jobs?": each overview, not the bullets that
        # happen to share a word ("unesco") with the question.
        hits = {p: () for p in postings}
    blocks = tuple(
        Block(
            kb.postings[p].name.get(lang),
            _first_sentence(kb, p, topic, lang) if whole else _points(kb, p, topic, hits[p], lang),
        )
        for p in postings
    )
    catalogue_topic = kb.topic(topic)
    title = catalogue_topic.title.get(lang) if catalogue_topic else topic
    lead: str | None = _overviews(kb, postings, words, lang) if whole else None
    lead = lead or _verdict(kb, postings, topic, question, hits, words, lang)
    return Reply(
        status="answered",
        answer=Answer(heading=title, blocks=blocks, lead=lead),
        topic=topic,
        score=round(score, 1),
        postings=postings,
        topics=(topic,),
        suggestions=tuple(
            Suggestion(f"{kb.postings[p].name.get(lang)}: {title}", ShowTopic(p, topic))
            for p in postings
        ),
    )


def _compared_topic(
    kb: KnowledgeBase, index: KnowledgeIndex, analysis: Analysis, question: str, reply: Reply
) -> tuple[str | None, bool]:
    """What the postings are compared on, and whether a cue (not the matcher) decided it:
    the languages for a question naming one ("beide … Englischkenntnisse?"), else the
    best-matching topic (one with typed facts among those tied: "involves travel" is about
    travel, not duties), else the reply's topic, the fact a question word asks ("which one
    lasts longer?"), or the overview."""
    if (cues.languages_named(question) or _LANGUAGE_WORDS.search(cues.folded(question))) and (
        kb.topic(LANGUAGES)
    ):
        return LANGUAGES, True
    text = cues.folded(question)
    if _COUNT_WORDS.search(text) and analysis.topic_scores:
        # "les deux postes" must not count as a duration: the question without the count.
        analysis = index.analyse(_COUNT_WORDS.sub(" ", text))
    scores = [(t, score) for t, score in analysis.topic_scores if score >= TOPIC_THRESHOLD]
    overview = kb.catalogue.overview_topic
    if scores and scores[0][0] != overview:
        tied = [t for t, score in scores if score >= scores[0][1] - NEAR_TIE]
        named = [t for t in tied if _names_fact(t, text)]
        return next(iter(named), next((t for t in tied if t in TOPIC_FACTS), tied[0])), False
    if _OPEN_COMPARISON.search(text) and not cues.fact_asked(question):
        return overview, False
    if reply.topic and reply.score >= TOPIC_THRESHOLD:
        return reply.topic, False
    asked = cues.fact_asked(question)
    if asked and kb.topic(asked):
        return asked, True
    return overview, False


def _names_fact(topic: str, text: str) -> bool:
    pattern = _FACT_WORDS.get(TOPIC_FACTS.get(topic, ""))
    return pattern is not None and pattern.search(text) is not None


def _passages(
    index: KnowledgeIndex, analysis: Analysis, postings: tuple[str, ...], topic: str | None
) -> dict[str, tuple[str, ...]]:
    """Each posting's bullets that name the question's telling words ("social media").

    Only postings naming as many of those words as the best one count: "media" alone
    does not make a posting about "social media". Where no bullet names a telling word, a
    bullet sharing one rare word strongly counts. A question whose words found a `topic`
    ("Which posting says anything about living conditions?") looks in that topic only.
    """
    found = {p: index.search_passages(analysis, (p,)) for p in postings}
    if topic is not None and topic != index.kb.catalogue.overview_topic:
        found = {p: [h for h in hits if h.passage.topic == topic] for p, hits in found.items()}
    strong = {
        p: [h for h in hits if h.score >= PASSAGE_STRONG and h.telling] for p, hits in found.items()
    }
    best = max((h.telling for hits in strong.values() for h in hits), default=0)
    if best == 0:
        # No bullet names two telling words, but one rare word matched strongly ("a training
        # budget") still tells which posting names the detail.
        strong = {p: [h for h in hits if h.score >= PASSAGE_ALONE] for p, hits in found.items()}
    return {
        p: tuple(h.passage.text for h in hits if h.telling == best)[:MAX_POINTS]
        for p, hits in strong.items()
    }


def _faq_mentions(
    index: KnowledgeIndex, question: str, postings: tuple[str, ...], topic: str
) -> dict[str, tuple[str, ...]]:
    """Each posting's FAQ entry on the topic that answers the question ("¿… un presupuesto
    de formación?": the entry on the training budget), where no bullet shares its words.

    Analysed again over every posting: the chat's posting must not hide the others' entries.
    An empty dict when no posting has such an entry.
    """
    found: dict[str, tuple[str, ...]] = {}
    for key, score in index.analyse(question).faq_scores:
        if score < FAQ_MENTIONS:
            break
        faq = index.faqs[key]
        if key.posting in postings and key.posting not in found and faq.topic == topic:
            found[key.posting] = (_FAQ_YES_NO.sub("", faq.answer),)
    return {p: found.get(p, ()) for p in postings} if found else {}


def _with_synonyms(
    kb: KnowledgeBase,
    index: KnowledgeIndex,
    question: str,
    postings: tuple[str, ...],
    topic: str,
    hits: dict[str, tuple[str, ...]],
) -> dict[str, tuple[str, ...]]:
    """`hits`, with the bullets of each posting that name the asked thing in any of its
    words: "office software" is "MS Office Suite" in one posting and "standard office
    software" in the other. The synonyms are the keywords of the FAQ entry on the topic
    that best matches the question and names one keyword of; every posting is checked with the
    same ones, so one posting's wording never decides "only X mentions it". A posting
    whose bullets name none of them keeps the bullets the question's words found."""
    pattern = _synonyms(index, question, topic)
    if pattern is None:
        return hits
    found = {}
    for posting in postings:
        named = tuple(p for p in _all_points(kb, posting) if pattern.search(cues.folded(p)))
        found[posting] = named[:MAX_POINTS] or hits[posting]
    return found


def _synonyms(index: KnowledgeIndex, question: str, topic: str) -> re.Pattern[str] | None:
    """The keywords of the best-matching FAQ entry on `topic` the question names one of."""
    text = cues.folded(question)
    terms: set[str] = set()
    for key, score in index.analyse(question).faq_scores:
        if score < FAQ_MENTIONS:
            break
        faq = index.faqs[key]
        keywords = {cues.folded(k) for k in faq.keywords}
        if faq.topic == topic and any(_says(text, k) for k in keywords):
            # The best entry only: another entry sharing one word ("media") is on another
            # thing, and its keywords ("member states") would credit unrelated bullets.
            terms = keywords
            break
    if not terms:
        return None
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def _says(text: str, term: str) -> bool:
    return re.search(rf"\b{re.escape(term)}\b", text) is not None


def _all_points(kb: KnowledgeBase, posting: str) -> tuple[str, ...]:
    """Every paragraph and bullet of the posting, topic by topic."""
    points: tuple[str, ...] = ()
    for content in kb.postings[posting].topics.values():
        points += ((content.text,) if content.text else ()) + content.points
        points += tuple(p for s in content.sections for p in s.points)
    return points


def _points(
    kb: KnowledgeBase, posting: str, topic: str, hits: tuple[str, ...], lang: str
) -> tuple[str, ...]:
    name = TOPIC_FACTS.get(topic)
    words = lead_texts(lang)
    content = kb.content(posting, topic)
    if name is not None:
        fact = fact_words(kb, posting, name, words)
        own = known(kb.postings[posting].facts, name) == "stated"
        if fact and not own and content is not None:
            # The programme's rule, then what the posting itself lists on the topic.
            return (sentence(fact), *_first_points(content))
        if fact:
            return (sentence(fact),)
        if known(kb.postings[posting].facts, name) == "not_stated":
            return (phrases(lang).not_stated_short,)
    if hits:
        return hits
    if content is None:
        return (phrases(lang).not_stated_short,)
    return _first_points(content)


def _first_sentence(kb: KnowledgeBase, posting: str, topic: str, lang: str) -> tuple[str, ...]:
    """The opening sentence of the posting's overview: both postings fit one screen."""
    content = kb.content(posting, topic)
    first = _first_points(content)[:1] if content else ()
    if not first:
        return (phrases(lang).not_stated_short,)
    cut = first[0].find(". ")
    return (first[0][: cut + 1] if cut > 0 else first[0],)


def _first_points(content: Content) -> tuple[str, ...]:
    points = ((content.text,) if content.text else ()) + content.points
    points += tuple(p for s in content.sections for p in s.points)
    return points[:MAX_POINTS]


def _verdict(
    kb: KnowledgeBase,
    postings: tuple[str, ...],
    topic: str,
    question: str,
    hits: dict[str, tuple[str, ...]],
    words: LeadTexts,
    lang: str,
) -> str | None:
    name = TOPIC_FACTS.get(topic)
    named = cues.languages_named(question)
    if name == "languages" and named and cues.asks_asset(question):
        valued = [p for p in postings if language_fact(kb.postings[p].facts, named[0])]
        return _mentions(kb, postings, valued, question, words, lang)
    if name == "languages" and named:
        meets = [p for p in postings if _strong_language(kb, p, named[0])]
        return _split(kb, postings, meets, words.name(named[0]), question, words, lang)
    if name == "degree" and (fits := _fields_named(kb, postings, question)):
        lines = [
            words.field_named.format(posting=kb.postings[p].name.get(lang), field=f)
            for p, f in fits
        ]
        return sentence("; ".join(lines))
    level = cues.degree_named(question)
    if name == "degree" and level:
        meets = [p for p in postings if _degree_level(kb, p) == DEGREE_RANK[level]]
        what = words.a_degree.format(level=getattr(words, level))
        return _split(kb, postings, meets, what, question, words, lang)
    if name is not None:
        lines = []
        for p in postings:
            detail = fact_words(kb, p, name, words) or phrases(lang).not_stated_short.rstrip(".")
            lines.append(
                words.compare_line.format(posting=kb.postings[p].name.get(lang), detail=detail)
            )
        return sentence("; ".join(lines))
    mentioning = [p for p in postings if hits[p]]
    if not mentioning and topic != kb.catalogue.overview_topic:
        # No bullet names the detail: the postings that cover the topic at all.
        covering = [p for p in postings if kb.content(p, topic) is not None]
        mentioning = covering if len(covering) < len(postings) else []
    return _mentions(kb, postings, mentioning, question, words, lang) if mentioning else None


def _overviews(kb: KnowledgeBase, postings: tuple[str, ...], words: LeadTexts, lang: str) -> str:
    """Each posting at a glance: its title and organisation, duty station and duration
    ("UNEP – Kingston, Jamaica: JPO Associate Programme Management Officer, UNEP – United
    Nations Environment Programme; Kingston, Jamaica; 2 years, …")."""
    lines = []
    for p in postings:
        posting = kb.postings[p]
        parts = [f"{posting.title}, {posting.organisation}"]
        for name in OVERVIEW_FACTS:
            detail = fact_words(kb, p, name, words)
            found = kb.topic(name)
            if detail is None and found and known(posting.facts, name) == "not_stated":
                # Where the posting is silent, say so: that is a difference too.
                silent = phrases(lang).not_stated_short.rstrip(".")
                detail = f"{found.title.get(lang)}: {silent[0].lower()}{silent[1:]}"
            parts += [detail] if detail else []
        lines.append(
            sentence(
                words.compare_line.format(posting=posting.name.get(lang), detail="; ".join(parts))
            )
        )
    return " ".join(lines)


def _mentions(
    kb: KnowledgeBase,
    postings: tuple[str, ...],
    mentioning: list[str],
    question: str,
    words: LeadTexts,
    lang: str,
) -> str:
    """'Only X mentions it' / 'Both postings mention it' (with a Yes for a yes/no question)."""
    if len(mentioning) < len(postings):
        return sentence(words.mentions_only.format(posting=_names(kb, mentioning, words, lang)))
    if cues.is_yes_no(question):
        text = words.mentions_all
        return sentence(words.yes_no.format(answer=words.yes, detail=text[0].lower() + text[1:]))
    return sentence(words.mentions_all)


def _names(kb: KnowledgeBase, postings: list[str], words: LeadTexts, lang: str) -> str:
    return words.join_and.join(kb.postings[p].name.get(lang) for p in postings)


def _split(
    kb: KnowledgeBase,
    compared: tuple[str, ...],
    meets: list[str],
    what: str,
    question: str,
    words: LeadTexts,
    lang: str,
) -> str:
    """'Neither … / Both … / Only X …', with a Yes or No in front for a yes/no question."""
    if not meets:
        text, answer = words.neither.format(what=what), words.no
    elif len(meets) == len(compared):
        text, answer = words.both.format(what=what), words.yes
    else:
        text = words.only.format(posting=_names(kb, meets, words, lang), what=what)
        answer = None
    if answer and cues.is_yes_no(question):
        return sentence(words.yes_no.format(answer=answer, detail=text[0].lower() + text[1:]))
    return sentence(text)


def _fields_named(
    kb: KnowledgeBase, postings: tuple[str, ...], question: str
) -> list[tuple[str, str]]:
    """The postings whose degree fields the question names ("a Master's in International
    Relations", "ein Master in Kulturpolitik"), each with the field as named."""
    text = cues.folded(question)
    studied = candidate_fields(question)
    found = []
    for posting in postings:
        degree = kb.postings[posting].facts.degree
        named = [f for f in degree.fields if cues.folded(f) in text] if degree else []
        if not named and degree:
            named = [f for f in studied if field_fits(kb, f, degree.fields)]
        if named:
            found.append((posting, named[0]))
    return found


def _strong_language(kb: KnowledgeBase, posting: str, language: str) -> bool:
    fact = language_fact(kb.postings[posting].facts, language)
    return fact is not None and fact.level in ("required", "essential")


def _degree_level(kb: KnowledgeBase, posting: str) -> int:
    degree = kb.postings[posting].facts.degree
    return DEGREE_RANK[degree.level] if degree else 0
