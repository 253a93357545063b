"""Matching: what a question is about — postings named, topics, FAQ entries, passages.

The index is built once per knowledge snapshot. A question is read in one pass over the
intent lexicon (topic keywords, posting aliases, glossary words, FAQ keywords); topics
are scored from keyword evidence (each keyword weighted by how many topics share it)
and from the closest example phrasing (rapidfuzz `token_sort_ratio`). Passages (each
bullet or paragraph) are searched with the question's rarer words: "sargassum" finds its bullet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from rapidfuzz import fuzz, process

from bot.engine.lexicon import COGNATE, EXACT, Hit, Lexicon
from bot.engine.passages import Passage, PassageHit, passage_words, passages_of, within
from bot.engine.senses import read_senses
from bot.engine.structure import asked_from, completing_names, non_overlapping, outweighed_dropped
from bot.engine.tasks import asks_a_task
from bot.engine.text import is_stop_word, sorted_words, tokens
from bot.engine.words import real_words
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.schema import Faq

# Weights of keyword evidence; a keyword shared by n topics counts 1/n for each.
PHRASE_BONUS = 0.3  # per extra word: "how long" outweighs "long", "jpo stand for" "stand for"
STOP_WORD_KEYWORD = 0.35
EVIDENCE_STEEPNESS = 1.6
# Example phrasings count only when they are close to the question.
EXAMPLE_FLOOR = 72.0
EXAMPLE_ONLY_CAP = 78.0
# Passage words that are topic keywords or aliases say little about a detail.
TOPIC_WORD_PASSAGE_WEIGHT = 0.3
ALIAS_WORD_PASSAGE_WEIGHT = 0.3
# A passage word counts as telling evidence when it contributes at least this much.
TELLING_WORD = 1.5
_Owner = TypeVar("_Owner")  # what a term points to: a topic id or an FAQ entry
# A word found in more postings than this cannot point to a posting on its own.
MAX_POSTINGS_FOR_INFERENCE = 3
# Questions with at most this many content words are read as one request.
SHORT_QUESTION = 8
# Topic words in the story told before the question sentence count this much.
STORY_WEIGHT = 0.3


class FaqKey(NamedTuple):
    """An FAQ entry: its posting (None: the programme) and its id. A named tuple, hashed in
    C: a thousand postings' FAQ entries are looked up thousands of times per question."""

    posting: str | None
    faq: str


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the intent lexicon found in one question."""

    tokens: tuple[str, ...]
    named_postings: tuple[str, ...]
    topic_scores: tuple[tuple[str, float], ...]
    faq_scores: tuple[tuple[FaqKey, float], ...]
    unknown_words: tuple[str, ...]
    query_words: tuple[tuple[str, float, int], ...]
    evidence_words: int
    faq_details: frozenset[FaqKey] = frozenset()
    # Unknown words that are English content words ("deep", "recipe"): the question
    # asks about something the knowledge never mentions.
    foreign_words: tuple[str, ...] = ()
    # At most SHORT_QUESTION content words: every word counts, nothing is story-telling.
    short: bool = False
    # Asks how to do (or to do) something no topic covers (`bot.engine.tasks`).
    task: bool = False
    # The token where the question sentence starts, after a story told first (0: none).
    asked_from: int = 0


def evidence_score(evidence: float) -> float:
    """Maps summed keyword evidence onto 0..100 with diminishing returns."""
    return 100.0 * (1.0 - math.exp(-EVIDENCE_STEEPNESS * evidence))


class KnowledgeIndex:
    """Everything the matcher looks up, built from one knowledge snapshot."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._order = {topic.id: number for number, topic in enumerate(kb.catalogue.topics)}
        self._programme = {t.id for t in kb.catalogue.topics if t.scope == "programme"}
        self._topic_terms: dict[str, dict[str, float]] = defaultdict(dict)
        self._alias_terms: dict[str, set[str]] = defaultdict(set)
        self._glossary: dict[str, tuple[str, ...]] = {}
        self._faq_terms: dict[str, set[FaqKey]] = defaultdict(set)
        self.faqs: dict[FaqKey, Faq] = {}
        self._add_topics()
        self._add_aliases()
        self._add_glossary()
        self._add_faqs()
        self._asking = frozenset(self._topic_terms) | frozenset(self._faq_terms)
        self._real = language = real_words()
        self.intent = Lexicon(
            [*self._topic_terms, *self._alias_terms, *self._glossary, *self._faq_terms],
            stems=True,
            real_words=language,
        )
        self._topic_examples = self._examples_of_topics()
        self._sorted_examples = [sorted_words(example) for example, _ in self._topic_examples]
        self._faq_examples = self._examples_of_faqs()
        self.passages: dict[str, tuple[Passage, ...]] = {}
        self._postings_of_word: dict[str, dict[str, tuple[float, tuple[int, ...]]]] = {}
        self._build_passages()
        self.vocabulary = Lexicon(
            self._postings_of_word, compounds=False, cognates=True, real_words=language
        )
        self._known = self.intent.words | self.vocabulary.words | self._example_words()

    # ----- building -------------------------------------------------------------

    def _add_topics(self) -> None:
        sharing: dict[str, int] = defaultdict(int)
        for topic in self.kb.catalogue.topics:
            for term in {_key(k) for k in topic.keywords}:
                sharing[term] += 1
        for topic in self.kb.catalogue.topics:
            for term in {_key(k) for k in topic.keywords}:
                base = 1.0 + PHRASE_BONUS * term.count(" ")
                if is_stop_word(term):
                    base = STOP_WORD_KEYWORD
                self._topic_terms[term][topic.id] = base / sharing[term]

    def _add_aliases(self) -> None:
        for posting in self.kb.postings.values():
            for alias in posting.aliases:
                self._alias_terms[_key(alias)].add(posting.id)
            self._alias_terms[_key(posting.id)].add(posting.id)

    def _add_glossary(self) -> None:
        for word, english in self.kb.catalogue.glossary.items():
            self._glossary[_key(word)] = tokens(english)

    def _add_faqs(self) -> None:
        entries = [(None, faq) for faq in self.kb.programme.faq] + [
            (posting.id, faq) for posting in self.kb.postings.values() for faq in posting.faq
        ]
        for posting_id, faq in entries:
            key = FaqKey(posting_id, faq.id)
            self.faqs[key] = faq
            for keyword in faq.keywords:
                self._faq_terms[_key(keyword)].add(key)

    def _examples_of_topics(self) -> list[tuple[str, str]]:
        return [
            (" ".join(tokens(example)), topic.id)
            for topic in self.kb.catalogue.topics
            for example in topic.examples.all()
        ]

    def _examples_of_faqs(self) -> dict[FaqKey, tuple[str, ...]]:
        return {
            key: tuple(" ".join(tokens(q)) for q in faq.questions.all())
            for key, faq in self.faqs.items()
        }

    def _example_words(self) -> frozenset[str]:
        words = {w for example, _ in self._topic_examples for w in example.split()}
        words.update(
            w for examples in self._faq_examples.values() for e in examples for w in e.split()
        )
        return frozenset(words)

    def _build_passages(self) -> None:
        words_of_text: dict[str, frozenset[str]] = {}
        # The overview summarises the other topics; its passages would echo every name.
        overview = self.kb.catalogue.overview_topic
        for posting in self.kb.postings.values():
            passages = tuple(passages_of(posting.id, posting.topics, overview))
            self.passages[posting.id] = passages
            where: dict[str, list[int]] = defaultdict(list)
            for index, passage in enumerate(passages):
                # A section title ("Professionalism") describes each of its points.
                indexed = f"{passage.block} {passage.text}" if passage.block else passage.text
                words = words_of_text.get(indexed)
                if words is None:
                    words = words_of_text[indexed] = frozenset(passage_words(indexed))
                for word in words:
                    where[word].append(index)
            total = len(passages)
            for word, indices in where.items():
                # Rarer within its posting = more telling: inverse document frequency.
                idf = math.log(1.0 + total / len(indices))
                self._postings_of_word.setdefault(word, {})[posting.id] = (idf, tuple(indices))

    # ----- reading a question -----------------------------------------------------

    def analyse(self, question: str, context: str | None = None) -> Analysis:
        """Finds postings, topics, FAQ entries and meaningful words in a question; FAQ
        entries are scored for the postings named, else the chat's posting, else all."""
        question_tokens = tokens(question)
        hits = self.intent.find(question_tokens)
        hits = read_senses(hits, question, question_tokens, self._topic_terms)
        covered = {i for hit in hits for i in range(hit.start, hit.end)}
        named = self._named_postings(hits)
        alias_positions = {
            i for hit in hits if hit.term in self._alias_terms for i in range(hit.start, hit.end)
        }
        unknown = tuple(
            dict.fromkeys(
                token
                for i, token in enumerate(question_tokens)
                if i not in covered and not is_stop_word(token) and not self._is_known(token)
            )
        )
        foreign = tuple(word for word in unknown if self._real.is_uncommon_english(word))
        # In a short question every word counts; a long one tells a story around it.
        short = sum(not is_stop_word(t) for t in question_tokens) <= SHORT_QUESTION
        story_end = asked_from(question)
        topic_scores = self._score_topics(
            hits, question_tokens, alias_positions, len(foreign) if short else 0, story_end
        )
        scope = set(named) or ({context} if context else None)
        asked = self._asks_topic(hits, alias_positions)
        faq_hits = [h for h in hits if not alias_positions.intersection(range(h.start, h.end))]
        faq_scores = self._score_faqs(
            faq_hits if asked else hits, question_tokens, alias_positions, scope
        )
        faq_details = frozenset(
            key
            for hit in hits
            if hit.term in self._faq_terms and hit.term not in self._topic_terms
            for key in self._faq_terms[hit.term]
        )
        evidence = {
            i
            for hit in hits
            if hit.term in self._topic_terms or hit.term in self._faq_terms
            for i in range(hit.start, hit.end)
        }
        return Analysis(
            tokens=question_tokens,
            evidence_words=len(evidence),
            faq_details=faq_details,
            named_postings=named,
            topic_scores=topic_scores,
            faq_scores=faq_scores,
            unknown_words=unknown,
            foreign_words=foreign,
            short=short,
            task=asks_a_task(question_tokens, evidence),
            asked_from=story_end,
            query_words=self._query_words(question_tokens, hits, alias_positions),
        )

    def _asks_topic(self, hits: list[Hit], alias_positions: set[int]) -> bool:
        """Whether a topic word outside the words naming a posting says what is asked.
        Then the posting's names and subjects ("the plastics job") only pick the posting
        and step aside: an FAQ about plastics does not answer "who is my supervisor".
        Otherwise a subject may be what is asked ("does it deal with plastics?")."""
        return any(
            hit.term in self._topic_terms
            and not alias_positions.intersection(range(hit.start, hit.end))
            for hit in hits
        )

    def _is_known(self, token: str) -> bool:
        if token in self._known:
            return True
        return bool(self.vocabulary.match_word(token))

    def _named_postings(self, hits: list[Hit]) -> tuple[str, ...]:
        named: list[str] = []
        for hit in sorted(hits, key=lambda h: h.start):
            for posting_id in sorted(self._alias_terms.get(hit.term, ())):
                if posting_id not in named:
                    named.append(posting_id)
        return tuple(named)

    def _score_topics(
        self,
        hits: list[Hit],
        question_tokens: tuple[str, ...],
        alias_positions: set[int],
        foreign: int,
        question_start: int = 0,
    ) -> tuple[tuple[str, float], ...]:
        evidence: dict[str, float] = defaultdict(float)
        name_parts = completing_names(hits, alias_positions, self._asking)
        # A keyword inside a posting's name ("sector" in "Culture Sector") is no topic.
        hits = [h for h in hits if not alias_positions.intersection(range(h.start, h.end))]
        hits = outweighed_dropped([h for h in hits if h.term in self._topic_terms], question_tokens)
        # A story before the question ("for eight years I taught ...") tells who asks;
        # when the question sentence names a topic, the story's words step aside.
        # Not when the question asks whether the story qualifies ("Can I still apply?").
        asked = any(
            h.start >= question_start and set(self._topic_terms.get(h.term, ())) - self._programme
            for h in hits
        )
        story_end = question_start if asked else 0
        for topic_id, topic_hits in _group_hits(hits, self._topic_terms).items():
            chosen = non_overlapping(topic_hits)
            for hit in chosen:
                weight = STORY_WEIGHT if hit.start < story_end or hit in name_parts else 1.0
                evidence[topic_id] += weight * hit.quality * self._topic_terms[hit.term][topic_id]
            # More content words the knowledge never uses than the topic's own words:
            # the question is about something else ("who won the final last year").
            words = sum(hit.length for hit in chosen)
            if foreign > words:
                evidence[topic_id] *= words / (words + foreign)
        examples = self._example_scores(question_tokens, alias_positions)
        scores = {}
        for topic_id in set(evidence) | set(examples):
            keyword_score = evidence_score(evidence.get(topic_id, 0.0))
            example_score = examples.get(topic_id, 0.0)
            if not keyword_score:
                # Wording alone ("Quelles ... sont requises ?") must not beat a keyword.
                example_score = min(example_score, EXAMPLE_ONLY_CAP)
            high, low = max(keyword_score, example_score), min(keyword_score, example_score)
            scores[topic_id] = min(100.0, high + 0.15 * low)
        # Ties keep catalogue order, so an answer never depends on hash order.
        return tuple(sorted(scores.items(), key=lambda item: (-item[1], self._order[item[0]])))

    def _example_scores(
        self, question_tokens: tuple[str, ...], alias_positions: set[int]
    ) -> dict[str, float]:
        text = " ".join(t for i, t in enumerate(question_tokens) if i not in alias_positions)
        if not text:
            return {}
        found = process.extract(  # token_sort_ratio, with the examples sorted once
            sorted_words(text),
            self._sorted_examples,
            scorer=fuzz.ratio,
            score_cutoff=EXAMPLE_FLOOR,
            limit=8,
        )
        best: dict[str, float] = {}
        for _, score, index in found:
            topic_id = self._topic_examples[index][1]
            best[topic_id] = max(best.get(topic_id, 0.0), score)
        return best

    def _score_faqs(
        self,
        hits: list[Hit],
        question_tokens: tuple[str, ...],
        alias_positions: set[int],
        scope: set[str] | None,
    ) -> tuple[tuple[FaqKey, float], ...]:
        text = " ".join(t for i, t in enumerate(question_tokens) if i not in alias_positions)
        scores = {}
        similarity: dict[str, float] = {}  # many postings share an FAQ's wording
        alike: dict[tuple[tuple[int, ...], tuple[str, ...]], float] = {}  # and its keywords
        for key, faq_hits in _group_hits(hits, self._faq_terms).items():
            if scope is not None and key.posting is not None and key.posting not in scope:
                continue
            same = (tuple(map(id, faq_hits)), self._faq_examples[key])  # same hits, wordings
            if same not in alike:
                matched = non_overlapping(faq_hits)
                evidence = sum(hit.quality for hit in matched)
                example = 0.0
                for wording in same[1]:
                    if wording not in similarity:
                        similarity[wording] = fuzz.token_sort_ratio(text, wording)
                    example = max(example, similarity[wording])
                alike[same] = min(100.0, 0.55 * evidence_score(evidence) + 0.45 * example)
            scores[key] = alike[same]
        return tuple(
            sorted(scores.items(), key=lambda item: (-item[1], item[0].posting or "", item[0].faq))
        )

    def _query_words(
        self, question_tokens: tuple[str, ...], hits: list[Hit], alias_positions: set[int]
    ) -> tuple[tuple[str, float, int], ...]:
        """Words to look for in passages: (word, weight, question position it came from)."""
        topic_positions = {
            i for hit in hits if hit.term in self._topic_terms for i in range(hit.start, hit.end)
        }
        position_weight = [
            ALIAS_WORD_PASSAGE_WEIGHT
            if i in alias_positions
            else TOPIC_WORD_PASSAGE_WEIGHT
            if i in topic_positions
            else 1.0
            for i in range(len(question_tokens))
        ]
        weights: dict[tuple[str, int], float] = {}

        def add(word: str, weight: float, source: int) -> None:
            if not is_stop_word(word) and len(word) > 1:
                weights[word, source] = max(weights.get((word, source), 0.0), weight)

        for i, token in enumerate(question_tokens):
            add(token, position_weight[i], i)
        for hit in hits:
            span_weight = min(position_weight[hit.start : hit.end])
            for english in self._glossary.get(hit.term, ()):
                add(english, hit.quality * span_weight, hit.start)
        for i in range(len(question_tokens) - 1):
            joined = question_tokens[i] + question_tokens[i + 1]
            if joined in self._postings_of_word and not is_stop_word(question_tokens[i]):
                add(joined, min(position_weight[i], position_weight[i + 1]), i)
        return tuple((word, weight, source) for (word, source), weight in weights.items())

    # ----- passages ---------------------------------------------------------------

    def absent_details(self, analysis: Analysis, posting_id: str) -> tuple[str, ...]:
        """Plain question words that other postings use but this one never does
        ('budget' asked of a posting without a training budget)."""
        absent = []
        for word, weight, source in analysis.query_words:
            if weight < 1.0 or self._real.is_common(word) or source < analysis.asked_from:
                continue  # topic words, names, everyday words and the story are not details
            matches = self.vocabulary.match_word(word)
            elsewhere = {
                p for m in matches if m.quality >= EXACT for p in self._postings_of_word[m.word]
            }
            if not elsewhere or posting_id in elsewhere:
                continue
            # Present in any form here ("web" in "website", a typo, a cognate): not absent.
            forms = {m.word for m in matches} | self._words_starting(word)
            if not any(posting_id in self._postings_of_word[form] for form in forms):
                absent.append(word)
        return tuple(absent)

    def _words_starting(self, word: str) -> set[str]:
        if len(word) < 3:
            return set()
        return {w for w in self.vocabulary.words if w.startswith(word)}

    def postings_mentioning(self, analysis: Analysis, min_score: float) -> list[str]:
        """Postings whose passages share enough of the question's words, counted per
        posting (a cheap upper bound of the best passage's score, linear in postings)."""
        best: dict[str, dict[int, float]] = defaultdict(dict)
        for word, weight, source in analysis.query_words:
            for match in self.vocabulary.match_word(word):
                for posting_id, (idf, _) in self._postings_of_word[match.word].items():
                    contribution = weight * match.quality * idf
                    if contribution > best[posting_id].get(source, 0.0):
                        best[posting_id][source] = contribution
        return [p for p, by_source in best.items() if sum(by_source.values()) >= min_score]

    def search_passages(
        self, analysis: Analysis, postings: Iterable[str] | None
    ) -> list[PassageHit]:
        """Passages sharing the question's words, best first; None searches every posting
        but only with words that occur in few postings (words that can point to one)."""
        allowed = None if postings is None else set(postings)
        least_proof = EXACT if allowed is None else COGNATE
        # Per passage and question word, the best contribution: a word and its glossary
        # translations or joined forms count once.
        best: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
        words_found: dict[tuple[str, int], list[str]] = defaultdict(list)
        telling_sources: dict[tuple[str, int], set[int]] = defaultdict(set)
        for word, weight, source in analysis.query_words:
            for match in self.vocabulary.match_word(word):
                by_posting = self._postings_of_word[match.word]
                if allowed is None and len(by_posting) > MAX_POSTINGS_FOR_INFERENCE:
                    continue
                for posting_id, (idf, indices) in within(by_posting, allowed):
                    contribution = weight * match.quality * idf
                    # Within a known posting a typo or cognate may prove a detail; to pick a
                    # posting among all, only the word itself does ("consiste" is no
                    # "concise", "recherche" no "research").
                    proves = contribution >= TELLING_WORD and match.quality >= least_proof
                    for index in indices:
                        key = (posting_id, index)
                        if proves:
                            telling_sources[key].add(source)
                        if contribution > best[key].get(source, 0.0):
                            best[key][source] = contribution
                            if match.word not in words_found[key]:
                                words_found[key].append(match.word)
        scores = {key: sum(by_source.values()) for key, by_source in best.items()}
        # One shared word against words the knowledge never uses tells nothing: "how
        # deep is the sea" is not about the Regional Seas programme.
        least_telling = 1 + bool(analysis.foreign_words)
        telling = {
            key: len(sources)
            for key, sources in telling_sources.items()
            if len(sources) >= least_telling
        }
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return [
            PassageHit(self.passages[p][i], score, tuple(words_found[p, i]), telling.get((p, i), 0))
            for (p, i), score in ranked
        ]


def _key(term: str) -> str:
    return " ".join(tokens(term))


def _group_hits(hits: list[Hit], owners: Mapping[str, Iterable[_Owner]]) -> dict[_Owner, list[Hit]]:
    grouped: dict[_Owner, list[Hit]] = defaultdict(list)
    for hit in hits:
        for owner in owners.get(hit.term, ()):
            grouped[owner].append(hit)
    return grouped
