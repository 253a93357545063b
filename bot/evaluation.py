"""Answer-quality evaluation: question sets as `../shared/EVAL.md` defines them.

A case passes when its status is one of `expect`, its posting matches where one is given,
and, for `answered`, every fact group occurs in the plain-text answer.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.engine.answers import Reply
from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState, language_of


@dataclass(frozen=True, slots=True)
class Case:
    """One question of a question set."""

    id: str
    question: str
    lang: str
    context: str | None
    expect: tuple[str, ...]
    posting: str | None
    facts: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    case: Case
    result: dict[str, Any]
    passed: bool
    why: str


def load_cases(path: Path) -> list[Case]:
    """Reads a question set (YAML list of cases)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    cases = []
    for item in raw:
        expect = item["expect"]
        cases.append(
            Case(
                id=str(item["id"]),
                question=str(item["question"]),
                lang=str(item.get("lang") or "en"),
                context=item.get("context"),
                expect=tuple(expect) if isinstance(expect, list) else (str(expect),),
                posting=item.get("posting"),
                facts=tuple(tuple(str(f) for f in group) for group in item.get("facts") or ()),
            )
        )
    return cases


def result_json(question: str, reply: Reply) -> dict[str, Any]:
    """The `ask --json` object for one reply (EVAL.md's contract)."""
    return {
        "question": question,
        "status": reply.status,
        "posting": reply.posting,
        "topic": reply.topic,
        "score": reply.score,
        "answer": render_plain(reply.answer),
        "suggestions": [s.label for s in reply.suggestions],
    }


def ask_one(
    assistant: Assistant, question: str, context: str | None, lang: str | None
) -> dict[str, Any]:
    """Asks one question in a fresh chat with an optional selected posting."""
    state = ChatState(posting=context, lang=language_of(lang))
    return result_json(question, assistant.ask(question, state).reply)


def judge(case: Case, result: dict[str, Any]) -> Outcome:
    if result["status"] not in case.expect:
        return Outcome(case, result, False, f"status {result['status']} not in {case.expect}")
    if case.posting is not None and result["posting"] != case.posting:
        return Outcome(case, result, False, f"posting {result['posting']} != {case.posting}")
    if result["status"] == "answered":
        answer = result["answer"].casefold()
        for group in case.facts:
            if not any(fact.casefold() in answer for fact in group):
                return Outcome(case, result, False, f"missing fact {list(group)}")
    return Outcome(case, result, True, "")


def evaluate(assistant: Assistant, cases: list[Case]) -> list[Outcome]:
    return [judge(c, ask_one(assistant, c.question, c.context, c.lang)) for c in cases]


def report(outcomes: list[Outcome]) -> str:
    """Pass rate overall, by language and by expected status, then every failure."""
    lines = [_rate("overall", outcomes)]
    for label, key in (("lang", lambda o: o.case.lang), ("expect", lambda o: o.case.expect[0])):
        groups: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            groups[key(outcome)].append(outcome)
        for name in sorted(groups):
            lines.append(_rate(f"  {label}={name}", groups[name]))
    failures = [o for o in outcomes if not o.passed]
    if failures:
        lines.append(f"\n{len(failures)} failing case(s):")
    for outcome in failures:
        r = outcome.result
        lines.append(
            f"- {outcome.case.id}: {outcome.why}\n    question: {outcome.case.question!r}"
            f" (context {outcome.case.context})\n    got: {r['status']} posting={r['posting']}"
            f" topic={r['topic']} score={r['score']}\n    answer: "
            + json.dumps(r["answer"][:300], ensure_ascii=False)
        )
    return "\n".join(lines)


def pass_rate(outcomes: list[Outcome]) -> float:
    return sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0


def _rate(label: str, outcomes: list[Outcome]) -> str:
    passed = sum(o.passed for o in outcomes)
    return f"{label}: {passed}/{len(outcomes)} passed ({100 * pass_rate(outcomes):.1f}%)"
