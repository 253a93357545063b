"""The journal of knowledge edits made through the bot, and the safe way to write a file.

Each edit is one JSON file in `<knowledge>/.edits/` (a hidden folder the loader never
reads, named after the edit: `20261129-134501-3f9a.json`), holding who made it (a
pseudonymous admin key, never a Telegram id), when (UTC), what it changed in words, and
the file's text before and after, so that it can be undone exactly. Edits hold a lock
on the folder (`.edits/.lock`) from reading the file to recording the change, so the
bot and `jpo-bot review` editing at once take turns instead of losing one another's.

Files are replaced atomically: the new text goes to a temporary file beside the old
one (hidden, not `.yaml`, so neither the loader nor the reload watcher sees it), is
flushed to disk with the old file's permissions, and `os.replace`d over it.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

JOURNAL_DIR = ".edits"
EditKind = Literal["add_faq", "add_example", "undo"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made to a knowledge file through the bot or `jpo-bot review`."""

    id: str
    kind: EditKind
    file: str  # the file's path inside the knowledge folder, e.g. "topics.yaml"
    author: str  # a pseudonymous admin key
    at: datetime  # UTC
    summary: str  # what changed, in words
    undoes: str | None = None  # for an undo: the edit it reverted


@dataclass(frozen=True, slots=True)
class Recorded:
    """An edit with the file's text before and after it, as the journal keeps it."""

    edit: Edit
    before: str
    after: str


def new_edit_id(folder: Path, now: datetime) -> str:
    """A sortable id not in the journal yet: the UTC second and four random hex digits.

    Called under the edit lock, so the id is still free when the edit is recorded.
    """
    while True:
        edit_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"
        if not (journal_dir(folder) / f"{edit_id}.json").exists():
            return edit_id


def journal_dir(folder: Path) -> Path:
    return Path(folder) / JOURNAL_DIR


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Holds the folder's edit lock (across processes) for the block."""
    directory = journal_dir(folder)
    directory.mkdir(exist_ok=True)
    with (directory / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def record(folder: Path, recorded: Recorded) -> None:
    """Writes one edit to the journal (atomically: a half-written record never shows)."""
    edit = recorded.edit
    data = {**asdict(edit), "at": edit.at.isoformat()}
    data.update(before=recorded.before, after=recorded.after)
    path = journal_dir(folder) / f"{edit.id}.json"
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def read_all(folder: Path) -> list[Recorded]:
    """Every recorded edit, oldest first; a record that cannot be read is skipped."""
    directory = journal_dir(folder)
    if not directory.is_dir():
        return []
    records = [_read(path) for path in sorted(directory.glob("*.json"))]
    return sorted((r for r in records if r is not None), key=lambda r: (r.edit.at, r.edit.id))


def _read(path: Path) -> Recorded | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        edit = Edit(
            id=str(data["id"]),
            kind=data["kind"],
            file=str(data["file"]),
            author=str(data["author"]),
            at=datetime.fromisoformat(data["at"]).astimezone(UTC),
            summary=str(data["summary"]),
            undoes=data.get("undoes"),
        )
        return Recorded(edit, str(data["before"]), str(data["after"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_atomically(path: Path, data: bytes) -> None:
    """Replaces (or creates) `path` with `data` in one step, keeping an existing file's mode."""
    target = Path(os.path.realpath(path))  # a symlinked file keeps its link
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o644
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Makes the rename itself durable (a power cut after it keeps the new file)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
