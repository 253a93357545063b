"""Answer-quality evaluation: question sets as `../shared/EVAL.md` defines them (versions 1 and 2).

A case is a conversation: its `history` is asked first in a fresh chat, carrying the chat's
state from turn to turn, then its `question`; only the last reply is judged. It passes when
its status is one of `expect`, its posting(s) match where given, its reply language is
`reply_lang` where given, every `lead` group occurs in the direct answer, every fact group
occurs in an `answered` answer, no `absent` string occurs, and the answer fits `max_chars`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.engine.answers import Reply
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState, language_of


class CaseError(ValueError):
    """A question set that does not follow the format; the message names the case."""


@dataclass(frozen=True, slots=True)
class Case:
    """One question of a question set, with the conversation that leads to it."""

    id: str
    question: str
    lang: str
    context: str | None
    expect: tuple[str, ...]
    posting: str | None
    facts: tuple[tuple[str, ...], ...]
    history: tuple[str, ...] = ()
    reply_lang: str | None = None
    postings: tuple[str, ...] = ()
    lead: tuple[tuple[str, ...], ...] = ()
    absent: tuple[str, ...] = ()
    max_chars: int | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    result: dict[str, Any]
    passed: bool
    why: str


def load_cases(path: Path) -> list[Case]:
    """Reads a question set (YAML list of cases)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise CaseError(f"{path}: a question set is a YAML list of cases")
    return [_case(item, number) for number, item in enumerate(raw, 1)]


def _case(item: Any, number: int) -> Case:
    if not isinstance(item, dict) or "question" not in item or "expect" not in item:
        raise CaseError(f"case {number}: needs at least `question` and `expect`")
    expect = item["expect"]
    posting = item.get("posting")
    postings = tuple(str(p) for p in posting) if isinstance(posting, list) else ()
    return Case(
        id=str(item.get("id") or f"case-{number}"),
        question=str(item["question"]),
        lang=str(item.get("lang") or "en"),
        context=item.get("context"),
        expect=tuple(expect) if isinstance(expect, list) else (str(expect),),
        posting=None if isinstance(posting, list) else posting,
        facts=_groups(item.get("facts")),
        history=tuple(str(h) for h in item.get("history") or ()),
        reply_lang=item.get("reply_lang"),
        postings=postings,
        lead=_groups(item.get("lead")),
        absent=tuple(str(a) for a in item.get("absent") or ()),
        max_chars=item.get("max_chars"),
        kinds=tuple(str(k) for k in item.get("kinds") or ()),
    )


def _groups(raw: Iterable[Iterable[Any]] | None) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(f) for f in group) for group in raw or ())


def result_json(question: str, reply: Reply, lang: str) -> dict[str, Any]:
    """The `ask --json` object for one reply (EVAL.md's contract, version 2)."""
    return {
        "question": question,
        "status": reply.status,
        "posting": reply.posting,
        "topic": reply.topic,
        "score": reply.score,
        "answer": render_plain(reply.answer),
        "suggestions": [s.label for s in reply.suggestions],
        "lang": lang,
        "lead": reply.answer.lead or "",
        "postings": list(reply.postings or ((reply.posting,) if reply.posting else ())),
        "topics": list(reply.topics or ((reply.topic,) if reply.topic else ())),
    }


def ask_conversation(
    assistant: Assistant,
    question: str,
    context: str | None,
    lang: str | None,
    history: Sequence[str] = (),
) -> dict[str, Any]:
    """Asks `history` then `question` in one fresh chat; the result of the last reply."""
    state = ChatState(posting=context, lang=language_of(lang))
    for earlier in history:
        state = assistant.ask(earlier, state).state
    turn = assistant.ask(question, state)
    return result_json(question, turn.reply, turn.lang)


def ask_one(
    assistant: Assistant, question: str, context: str | None, lang: str | None
) -> dict[str, Any]:
    """Asks one question in a fresh chat with an optional selected posting."""
    return ask_conversation(assistant, question, context, lang)


def judge(case: Case, result: dict[str, Any]) -> Outcome:
    why = _failure(case, result)
    return Outcome(case, result, not why, why)


def _failure(case: Case, result: dict[str, Any]) -> str:
    """Why the result fails the case; empty when it passes."""
    if result["status"] not in case.expect:
        return f"status {result['status']} not in {case.expect}"
    if case.posting is not None and result["posting"] != case.posting:
        return f"posting {result['posting']} != {case.posting}"
    missing_postings = [p for p in case.postings if p not in result["postings"]]
    if missing_postings:
        return f"postings {result['postings']} lack {missing_postings}"
    if case.reply_lang and result["lang"] != case.reply_lang:
        return f"reply language {result['lang']} != {case.reply_lang}"
    answer = result["answer"].casefold()
    for group in case.lead:
        if not _found(group, result["lead"].casefold()):
            return f"lead lacks {list(group)}"
    if result["status"] == "answered":
        for group in case.facts:
            if not _found(group, answer):
                return f"missing fact {list(group)}"
    wrong = [a for a in case.absent if a.casefold() in answer]
    if wrong:
        return f"answer contains {wrong}"
    if case.max_chars is not None and len(result["answer"]) > case.max_chars:
        return f"answer has {len(result['answer'])} characters > {case.max_chars}"
    return ""


def _found(group: Sequence[str], text: str) -> bool:
    return any(fact.casefold() in text for fact in group)


def evaluate(assistant: Assistant, cases: list[Case]) -> list[Outcome]:
    return [
        judge(c, ask_conversation(assistant, c.question, c.context, c.lang, c.history))
        for c in cases
    ]


def report(outcomes: list[Outcome]) -> str:
    """Pass rate overall, by language, expected status and kind, then every failure."""
    lines = [_rate("overall", outcomes)]
    keys: tuple[tuple[str, Callable[[Outcome], Iterable[str]]], ...] = (
        ("lang", lambda o: (o.case.lang,)),
        ("expect", lambda o: (o.case.expect[0],)),
        ("kind", lambda o: o.case.kinds),
    )
    for label, key in keys:
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            for name in key(outcome):
                groups[name].append(outcome)
        for name in sorted(groups):
            lines.append(_rate(f"  {label}={name}", groups[name]))
    lines.append(confident_wrong_line(outcomes))
    failures = [o for o in outcomes if not o.passed]
    if failures:
        lines.append(f"\n{len(failures)} failing case(s):")
    for outcome in failures:
        lines.append(_failure_lines(outcome))
    return "\n".join(lines)


# Replies at or above this score are presented as answers, not as "did you mean".
CONFIDENT = 75.0


def confident_wrong_line(outcomes: list[Outcome]) -> str:
    """Share of all cases answered confidently (answered, score ≥ CONFIDENT) but wrong."""
    wrong = [
        o
        for o in outcomes
        if not o.passed and o.result["status"] == "answered" and o.result["score"] >= CONFIDENT
    ]
    share = 100 * len(wrong) / len(outcomes) if outcomes else 0.0
    return (
        f"  confident wrong answers (answered, score ≥ {CONFIDENT:g}): {len(wrong)} ({share:.1f}%)"
    )


def calibration(outcomes: list[Outcome], width: int = 10) -> str:
    """Reliability table: per score band, how many replies there were and the share right."""
    bands: dict[int, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        band = min(int(outcome.result["score"] // width) * width, 100 - width)
        bands[band].append(outcome)
    lines = ["score band   replies   correct"]
    for band in sorted(bands, reverse=True):
        members = bands[band]
        lines.append(
            f"{band:>3}–{band + width:<3}     {len(members):>7}   {100 * pass_rate(members):6.1f}%"
        )
    return "\n".join(lines)


def _failure_lines(outcome: Outcome) -> str:
    r = outcome.result
    history = f" after {list(outcome.case.history)}" if outcome.case.history else ""
    return (
        f"- {outcome.case.id}: {outcome.why}\n    question: {outcome.case.question!r}"
        f" (context {outcome.case.context}){history}\n    got: {r['status']}"
        f" posting={r['posting']} topic={r['topic']} score={r['score']} lang={r['lang']}\n"
        f"    answer: " + json.dumps(r["answer"][:300], ensure_ascii=False)
    )


def pass_rate(outcomes: list[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def _rate(label: str, outcomes: list[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    return f"{label}: {passed}/{len(outcomes)} passed ({100 * pass_rate(outcomes):.1f}%)"
