"""The guided eligibility check (/check): four short questions with choices, then the verdicts.

Degree level, years of work experience after the first degree (worded from the programme
rule), English level and field (the postings' degree fields, plus "another field"); a
candidate without a degree skips the years. The answers become a `Profile`, and
`bot.engine.eligibility` judges it exactly as it judges a profile stated in free text, so
the two checks cannot disagree. The result ends with "BFIO decides" and how to apply.

The answers live only in `ChatState.check`, in question order, so /forget deletes them with
the rest of the chat's state. A press of an earlier question's button changes that answer
and asks again from there; a press the state cannot place starts the check over.
"""

from __future__ import annotations

from dataclasses import replace

from bot.engine.answers import Answer, AnswerCheck, Block, Reply, Suggestion
from bot.engine.eligibility import NO_DEGREE, profile_reply
from bot.engine.facts import years_words
from bot.engine.profile import Profile
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase
from bot.texts import CheckTexts, LeadTexts, lead_texts, texts_for

STEPS = ("degree", "years", "english", "field")
DEGREES = ("bachelor", "master", "none")
YEARS = ("0", "1", "2", "3")  # "3" stands for "3 or more"
ENGLISH = ("fluent", "working", "basic")
OTHER_FIELD = "other"
APPLY_TOPIC = "how_to_apply"
ENGLISH_NAME = "English"  # as the postings' language facts name it


def start(kb: KnowledgeBase, state: ChatState) -> tuple[Reply, ChatState]:
    """The first question; earlier answers are dropped."""
    state = replace(state, check=())
    return _question(kb, state, intro=True), state


def answer(kb: KnowledgeBase, state: ChatState, action: AnswerCheck) -> tuple[Reply, ChatState]:
    """Records one answer and asks the next question, or gives the result after the last."""
    if action.step not in STEPS or action.choice not in choices(kb, action.step):
        return start(kb, state)  # an old or forged button: begin again
    step = STEPS.index(action.step)
    if step > len(state.check):
        return start(kb, state)
    answers = (*state.check[:step], _stored(kb, action))
    if answers[0] == NO_DEGREE and len(answers) == 1:
        answers = (*answers, "0")  # no degree, so no experience after it: skip the question
    state = replace(state, check=answers)
    if len(answers) < len(STEPS):
        return _question(kb, state), state
    return result(kb, answers, state.lang), state


def choices(kb: KnowledgeBase, step: str) -> tuple[str, ...]:
    """The choice keys a step's buttons carry (a field by its index, short for the button)."""
    if step == "degree":
        return DEGREES
    if step == "years":
        return YEARS
    if step == "english":
        return ENGLISH
    return (*(str(i) for i in range(len(fields(kb)))), OTHER_FIELD)


def fields(kb: KnowledgeBase) -> tuple[str, ...]:
    """Every field the postings' degree facts name, once each, in posting order."""
    found: dict[str, None] = {}
    for posting in kb.postings.values():
        if posting.facts.degree is not None:
            found.update(dict.fromkeys(posting.facts.degree.fields))
    return tuple(found)


def profile_of(answers: tuple[str, ...], other_field: str) -> Profile:
    """The profile the answers state, for `bot.engine.eligibility` to judge; "another
    field" is named as such, so the verdict says BFIO decides whether it counts."""
    degree, years, english, field = answers
    return Profile(
        degree=degree,
        fields=(other_field if field == OTHER_FIELD else field,),
        years=float(years),
        after_first_degree=degree != NO_DEGREE,
        languages=(ENGLISH_NAME,),
        weak=(ENGLISH_NAME,) if english == "basic" else (),
    )


def result(kb: KnowledgeBase, answers: tuple[str, ...], lang: str) -> Reply:
    """The verdict per posting with reasons, the answers it rests on and how to apply."""
    texts = texts_for(lang).check
    words = lead_texts(lang)
    reply = profile_reply(kb, profile_of(answers, texts.other_field), tuple(kb.postings), lang)
    said = texts.your_answers.format(answers="; ".join(_said(kb, answers, texts, words)))
    apply = _apply_block(kb, texts)
    blocks = (*reply.answer.blocks, apply) if apply else reply.answer.blocks
    return replace(reply, answer=replace(reply.answer, text=said, blocks=blocks))


def _question(kb: KnowledgeBase, state: ChatState, *, intro: bool = False) -> Reply:
    texts = texts_for(state.lang).check
    words = lead_texts(state.lang)
    step = STEPS[len(state.check)]
    ask = getattr(texts, f"ask_{step}")
    if step == "years":
        ask = ask.format(years=years_words(_min_years(kb), words))
    options = tuple(
        Suggestion(_label(kb, step, choice, texts, words), AnswerCheck(step, choice))
        for choice in choices(kb, step)
    )
    return Reply(
        status="answered",
        answer=Answer(
            heading=words.check_heading, text=f"{texts.intro}\n\n{ask}" if intro else ask
        ),
        suggestions=options,
    )


def _min_years(kb: KnowledgeBase) -> float:
    rule = kb.programme.rules.work_experience
    return rule.min_years if rule is not None else 0


def _stored(kb: KnowledgeBase, action: AnswerCheck) -> str:
    """What the state keeps: a field by its name, so a reload cannot shift its meaning."""
    if action.step == "field" and action.choice != OTHER_FIELD:
        return fields(kb)[int(action.choice)]
    return action.choice


def _label(kb: KnowledgeBase, step: str, choice: str, texts: CheckTexts, words: LeadTexts) -> str:
    if step == "degree":
        return {"bachelor": texts.bachelor, "master": texts.master}.get(choice, texts.no_degree)
    if step == "years":
        if choice == YEARS[0]:
            return texts.no_years
        if choice == YEARS[-1]:
            return texts.more_years
        spelled = years_words(float(choice), words)
        return spelled[:1].upper() + spelled[1:]
    if step == "english":
        return str(getattr(texts, choice))
    if choice == OTHER_FIELD:
        return texts.other_field
    return words.name(fields(kb)[int(choice)])


def _said(
    kb: KnowledgeBase, answers: tuple[str, ...], texts: CheckTexts, words: LeadTexts
) -> list[str]:
    """The candidate's answers in words, so the result shows what it was based on."""
    degree, years, english, field = answers
    said = [_label(kb, "degree", degree, texts, words)]
    if degree != NO_DEGREE:
        said.append(_label(kb, "years", years, texts, words))
    said.append(f"{words.name(ENGLISH_NAME)}: {_label(kb, 'english', english, texts, words)}")
    said.append(texts.other_field if field == OTHER_FIELD else words.name(field))
    return said


def _apply_block(kb: KnowledgeBase, texts: CheckTexts) -> Block | None:
    """The programme's own words on applying."""
    content = kb.content(None, APPLY_TOPIC)
    if content is None:
        return None
    points = tuple(p for p in (content.text, *content.points) if p)
    return Block(texts.apply_heading, points) if points else None
