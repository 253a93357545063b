"""Strength rules for the secrets in the configuration, and a fresh webhook secret.

Each check returns what is wrong in a few words, or None. The words never contain the
value: they end up on stderr and in logs, and the caller adds the variable's name.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets

MIN_SECRET_LENGTH = 32
MIN_PASSWORD_LENGTH = 12
# Fewer different characters than this is a pattern typed by hand, not a random secret;
# a 43-character `jpo-bot keygen` secret has about 30.
MIN_DISTINCT_CHARACTERS = 8
# Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - as a webhook secret token.
_WEBHOOK_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")
MAX_WEBHOOK_SECRET_LENGTH = 256
_FERNET_KEY_BYTES = 32
# The Fernet specification's example key, copied into countless READMEs and code samples:
# anyone can read it, so it protects nothing (whichever variable it is put in).
_PUBLISHED_EXAMPLES = frozenset({"cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="})
_REGENERATE = "create one with `jpo-bot keygen`"


def webhook_secret_problem(value: str) -> str | None:
    """What is wrong with a WEBHOOK_SECRET_TOKEN, or None."""
    if not _WEBHOOK_ALPHABET.fullmatch(value):
        return f"only A-Z, a-z, 0-9, _ and - are allowed ({_REGENERATE})"
    if len(value) > MAX_WEBHOOK_SECRET_LENGTH:
        return f"too long (at most {MAX_WEBHOOK_SECRET_LENGTH} characters)"
    return _random_looking(value, MIN_SECRET_LENGTH)


def hash_secret_problem(value: str) -> str | None:
    """What is wrong with a LOG_HASH_SECRET, or None."""
    return _random_looking(value, MIN_SECRET_LENGTH)


def fernet_key_problem(value: str) -> str | None:
    """What is wrong with a LOG_ENCRYPTION_KEY, or None."""
    try:
        key = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != _FERNET_KEY_BYTES:
        return f"not a valid Fernet key (32 url-safe base64-encoded bytes; {_REGENERATE})"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"a weak key: its bytes are (nearly) all the same ({_REGENERATE})"
    if value in _PUBLISHED_EXAMPLES:
        return f"a published example key, not a secret ({_REGENERATE})"
    return None


def password_problem(value: str) -> str | None:
    """What is wrong with an ADMIN_WEB_PASSWORD, or None."""
    if len(value) < MIN_PASSWORD_LENGTH:
        return f"too short (at least {MIN_PASSWORD_LENGTH} characters)"
    if len(set(value)) == 1:
        return "one character repeated is not a password"
    return None


def new_webhook_secret() -> str:
    """A fresh WEBHOOK_SECRET_TOKEN: 64 characters of Telegram's alphabet."""
    return secrets.token_urlsafe(48)


def _random_looking(value: str, min_length: int) -> str | None:
    if len(value) < min_length:
        return f"too short (at least {min_length} characters; {_REGENERATE})"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS:
        return (
            f"too weak: fewer than {MIN_DISTINCT_CHARACTERS} different characters ({_REGENERATE})"
        )
    if value in _PUBLISHED_EXAMPLES:
        return f"a published example, not a secret ({_REGENERATE})"
    return None
