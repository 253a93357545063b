"""The `jpo-bot` subcommands, one module per group; each exposes `register(subparsers)`."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.printable import printable
from bot.private_files import write_private_text


def emit(text: str, output: Path | None, *, private: bool = False) -> bool:
    """Writes a command's text to `output`, or to standard output when None.

    `private` files (decrypted question-log exports) are created with mode 0600.
    Returns False (after one line on stderr) when the file cannot be written.
    """
    if output is None:
        sys.stdout.write(text)
        return True
    try:
        if private:
            write_private_text(output, text)
        else:
            output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(
            f"error: cannot write {printable(str(output))}: {error.strerror or error}",
            file=sys.stderr,
        )
        return False
    return True
