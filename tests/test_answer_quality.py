"""Answer quality on question sets: the published dev set and our own held-out set."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

import pytest

from bot.engine.conversation import Assistant
from bot.evaluation import Outcome, evaluate, load_cases, pass_rate, report
from tests.conftest import REPO, SHARED

DEV_SET = SHARED / "eval" / "dev.yaml"
HOLDOUT_SETS = {
    # Each written blind to the engine by a separate session, then used to find
    # general weaknesses; the floors sit one or two cases under today's rates.
    "holdout.yaml": 0.91,
    "holdout2.yaml": 0.9,
    "holdout3.yaml": 0.84,
    # Written blind from the posting texts only (EVAL.md version 2); first-sight figures are
    # in each file's header.
    "blind-understanding-a.yaml": 0.89,
    "blind-understanding-b.yaml": 0.86,
    "blind-direct-a.yaml": 0.93,
    "blind-mixed-d.yaml": 0.89,
    "blind-mixed-e.yaml": 0.93,
    "blind-mixed-f.yaml": 0.87,
}


def _by(outcomes: list[Outcome], key) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[key(outcome)].append(outcome)
    return groups


def _run(assistant: Assistant, path: Path) -> list[Outcome]:
    if not path.is_file():
        # CI always has ../shared beside the clone; a missing set there is an error.
        if os.environ.get("CI"):
            pytest.fail(f"{path} not found")
        pytest.skip(f"{path} not found")
    return evaluate(assistant, load_cases(path))


def test_dev_set_passes_at_least_95_percent_and_90_in_every_group(
    assistant: Assistant,
) -> None:
    outcomes = _run(assistant, DEV_SET)
    summary = report(outcomes)
    assert pass_rate(outcomes) >= 0.95, summary
    for group in (
        _by(outcomes, lambda o: o.case.lang),
        _by(outcomes, lambda o: o.case.expect[0]),
    ):
        for name, members in group.items():
            assert pass_rate(members) >= 0.90, f"{name}\n{summary}"


@pytest.mark.parametrize(("name", "minimum"), HOLDOUT_SETS.items())
def test_held_out_sets_written_blind_to_the_engine_keep_their_pass_rate(
    assistant: Assistant, name: str, minimum: float
) -> None:
    outcomes = _run(assistant, REPO / "tests" / "eval" / name)
    assert pass_rate(outcomes) >= minimum, report(outcomes)
