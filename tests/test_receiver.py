"""The receiver's small parts: backoff delays and the last line of defence for the token."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest

from bot.telegram.app import redact_uncaught
from bot.telegram.receiver import BACKOFF_MAX_SECONDS, Backoff

TOKEN = "123456:AAsecret-token-never-to-be-printed"


def test_the_backoff_doubles_up_to_a_minute_and_starts_again_after_a_success() -> None:
    backoff = Backoff()
    delays = [backoff.next() for _ in range(9)]
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert max(delays) == BACKOFF_MAX_SECONDS
    backoff.reset()
    assert backoff.next() == 1


@pytest.fixture
def hooks() -> Iterator[None]:
    saved = sys.excepthook, threading.excepthook
    yield
    sys.excepthook, threading.excepthook = saved


def test_an_uncaught_error_prints_one_line_without_the_token(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    redact_uncaught(TOKEN)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    err = capsys.readouterr().err
    assert TOKEN not in err and "AAsecret" not in err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert "RuntimeError" in err


def test_an_uncaught_error_in_a_thread_is_redacted_too(
    hooks: None, capsys: pytest.CaptureFixture[str]
) -> None:
    redact_uncaught(TOKEN)

    def fail() -> None:
        raise ValueError(TOKEN)

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    err = capsys.readouterr().err
    assert TOKEN not in err and "Traceback" not in err and "ValueError" in err
