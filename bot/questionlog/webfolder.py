"""The web view's private working folder, and the removal of folders a killed run left.

The folder holds the decrypted copy of the question log, so it is made 0700 (its files
0600) under the temporary directory with a recognisable name,
`jpo-bot-admin-web-<pid>-<random>`. While a run uses it, the run holds an exclusive
`flock` on `.owner.lock` inside it; the kernel drops that lock when the process dies,
however it dies. At the next start, every folder of ours whose lock can be taken (or,
before its lock exists, whose pid is gone) is a stale copy and is deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

logger = logging.getLogger(__name__)

FOLDER_PREFIX = "jpo-bot-admin-web-"
LOCK_NAME = ".owner.lock"
_PID = re.compile(rf"^{re.escape(FOLDER_PREFIX)}(\d+)-")


@contextlib.contextmanager
def private_folder(parent: Path | None = None) -> Iterator[Path]:
    """A fresh 0700 folder, locked while in use, deleted afterwards; stale ones go first."""
    parent = Path(parent or tempfile.gettempdir())
    for stale in remove_stale_folders(parent):
        logger.warning("admin web: removed the decrypted copy a stopped run left in %s", stale)
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=parent))
    lock = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(lock)


def remove_stale_folders(parent: Path) -> list[Path]:
    """Deletes this user's web-view folders in `parent` that no live run holds."""
    removed = []
    for candidate in sorted(parent.glob(f"{FOLDER_PREFIX}*")):
        with contextlib.suppress(OSError):
            if _ours(candidate) and _remove_if_unheld(candidate):
                removed.append(candidate)
    return removed


def _ours(candidate: Path) -> bool:
    return (
        candidate.is_dir() and not candidate.is_symlink() and candidate.stat().st_uid == os.getuid()
    )


def _remove_if_unheld(folder: Path) -> bool:
    try:
        lock = os.open(folder / LOCK_NAME, os.O_RDWR)
    except FileNotFoundError:
        # Between mkdtemp and the lock a live run has no lock yet: trust its pid then.
        if _pid_alive(folder):
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        return True
    finally:
        os.close(lock)


def _pid_alive(folder: Path) -> bool:
    found = _PID.match(folder.name)
    if found is None:
        return False
    try:
        os.kill(int(found.group(1)), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
