"""The fair-use limit's counting: per user, per window, admins exempt, memory bounded.

The clock is a plain number the test moves, so windows open and close exactly where the
test says, without sleeping. Delivery through the running bot is in test_telegram_e2e.py.
"""

from __future__ import annotations

from bot.questionlog.memory import MemoryQuestionLog
from bot.telegram.chat_states import ChatStates
from bot.telegram.fair_use import FairUse, Verdict


class Clock:
    """A clock that moves only when the test moves it."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fair_use(clock: Clock, *, limit: int = 3, exempt: tuple[int, ...] = ()) -> FairUse:
    states = ChatStates(MemoryQuestionLog())
    return FairUse(states, limit=limit, window_seconds=60, exempt=exempt, clock=clock, capacity=2)


def test_beyond_the_limit_one_note_then_nothing_until_the_window_ends() -> None:
    clock = Clock()
    limit = fair_use(clock)
    verdicts = [limit.admit(7) for _ in range(6)]
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.NOTE, Verdict.DROP, Verdict.DROP]
    clock.now += 59
    assert limit.admit(7) is Verdict.DROP
    clock.now += 1  # a new window: answers again, and a new note when it fills up
    assert [limit.admit(7) for _ in range(5)] == [Verdict.ANSWER] * 3 + [
        Verdict.NOTE,
        Verdict.DROP,
    ]


def test_each_user_has_a_window_of_their_own() -> None:
    limit = fair_use(Clock())
    for _ in range(10):
        limit.admit(7)
    assert limit.admit(8) is Verdict.ANSWER


def test_admins_and_a_zero_limit_are_never_limited() -> None:
    clock = Clock()
    assert {fair_use(clock, exempt=(7,)).admit(7) for _ in range(50)} == {Verdict.ANSWER}
    unlimited = fair_use(clock, limit=0)
    assert {unlimited.admit(7) for _ in range(50)} == {Verdict.ANSWER}


def test_memory_holds_only_the_users_seen_last() -> None:
    limit = fair_use(Clock())  # room for two users
    for _ in range(4):
        limit.admit(7)  # 7 is over the limit
    limit.admit(8)
    limit.admit(9)  # 7, seen longest ago, is forgotten and starts afresh
    assert limit.admit(7) is Verdict.ANSWER
