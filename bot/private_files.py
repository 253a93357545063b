"""Files only the bot's own user may read: the question log, its exports, the web view's copy.

Each of them holds (or once decrypted) candidates' questions, so they are created with
mode 0600 from the first byte instead of being tightened after a window of 0644. SQLite
gives a database's -wal and -shm files the mode of the database itself, so a private
database file keeps its companions private too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def ensure_private_file(path: Path) -> None:
    """Creates `path` empty with mode 0600 when missing; makes an existing file 0600."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    try:
        _tighten(descriptor)
    finally:
        os.close(descriptor)


def ensure_private_database(path: Path) -> None:
    """Makes a SQLite database and any companion file already beside it 0600."""
    ensure_private_file(path)
    for suffix in SQLITE_COMPANIONS:
        companion = path.with_name(path.name + suffix)
        if companion.is_file():
            ensure_private_file(companion)


def write_private_text(path: Path, text: str) -> None:
    """Writes `text` (UTF-8) to `path`, which is 0600 before the first byte is written."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_MODE)
    try:
        _tighten(descriptor)
    except BaseException:
        os.close(descriptor)
        raise
    with open(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def _tighten(descriptor: int) -> None:
    # Only regular files: a pipe or /dev/stdout given as --output keeps its own mode.
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, PRIVATE_MODE)
