"""The `jpo-bot` subcommands, one module per group; each exposes `register(subparsers)`."""

from __future__ import annotations

import sys
from pathlib import Path


def emit(text: str, output: Path | None) -> bool:
    """Writes a command's text to `output`, or to standard output when None.

    Returns False (after one line on stderr) when the file cannot be written.
    """
    if output is None:
        sys.stdout.write(text)
        return True
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {output}: {error.strerror or error}", file=sys.stderr)
        return False
    return True
