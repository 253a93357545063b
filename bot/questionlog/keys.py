"""The question log's two secrets: making them, reading them, telling them apart.

LOG_HASH_SECRET keys the HMAC that turns a chat id into a pseudonymous chat key;
LOG_ENCRYPTION_KEY is the Fernet key of question texts and chat states at rest. A
fingerprint (an HMAC of a constant under each secret) is kept beside the data, so a
different key or secret is refused at open without revealing either.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.questionlog.records import MissingSecretError

MIN_SECRET_LENGTH = 16

_KEY_CHECK = b"jpo-bot/question-log/encryption-key-check/v1"
_SECRET_CHECK = b"jpo-bot/question-log/hash-secret-check/v1"
WRONG_KEY = "the LOG_ENCRYPTION_KEY does not match the key the log was written with"
WRONG_SECRET = (
    "the LOG_HASH_SECRET does not match the secret the log was written with "
    "(chat keys would change and /forget could not find earlier records)"
)
KEY_FINGERPRINT = "encryption_key_fingerprint"
SECRET_FINGERPRINT = "hash_secret_fingerprint"


@dataclass(frozen=True, slots=True, repr=False)
class LogSecrets:
    """Both secrets, parsed; `repr` shows neither."""

    hash_secret: bytes
    encryption_key: bytes  # the 32 raw bytes of the Fernet key

    def fernet(self) -> Fernet:
        return Fernet(base64.urlsafe_b64encode(self.encryption_key))

    def fingerprints(self) -> dict[str, str]:
        """HMACs of constants under each secret: they tell secrets apart and reveal neither."""
        return {
            KEY_FINGERPRINT: hmac.new(self.encryption_key, _KEY_CHECK, hashlib.sha256).hexdigest(),
            SECRET_FINGERPRINT: hmac.new(
                self.hash_secret, _SECRET_CHECK, hashlib.sha256
            ).hexdigest(),
        }


def parse_secrets(hash_secret: str | None, encryption_key: str | None) -> LogSecrets:
    """Both secrets checked, or MissingSecretError naming the variable at fault."""
    return LogSecrets(parse_hash_secret(hash_secret), parse_encryption_key(encryption_key))


def secrets_of(hash_secret: SecretStr | None, encryption_key: SecretStr | None) -> LogSecrets:
    """`parse_secrets` for the settings' SecretStr values."""
    return parse_secrets(reveal(hash_secret), reveal(encryption_key))


def chat_key(hash_secret: bytes, chat_id: int | str) -> str:
    """The pseudonymous key of a chat: HMAC-SHA256 with LOG_HASH_SECRET, 32 hex digits."""
    return hmac.new(hash_secret, str(chat_id).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def parse_hash_secret(value: str | None) -> bytes:
    """The secret's bytes, or MissingSecretError when it is missing or too short."""
    if not value:
        raise MissingSecretError(
            "LOG_HASH_SECRET is not set: the question log needs it to pseudonymise chats "
            "(create one with `jpo-bot keygen`)"
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise MissingSecretError(
            f"LOG_HASH_SECRET is too short (at least {MIN_SECRET_LENGTH} characters; "
            "create one with `jpo-bot keygen`)"
        )
    return value.encode("utf-8")


def parse_encryption_key(value: str | None) -> bytes:
    """The 32 bytes of a Fernet key, or MissingSecretError naming the variable."""
    if not value:
        raise MissingSecretError(
            "LOG_ENCRYPTION_KEY is not set: the question log needs it to encrypt questions "
            "(create one with `jpo-bot keygen` and keep it apart from the database)"
        )
    try:
        key = base64.urlsafe_b64decode(value.encode("ascii"))
    except (ValueError, binascii.Error):
        key = b""
    if len(key) != 32:
        raise MissingSecretError(
            "LOG_ENCRYPTION_KEY is not a valid Fernet key (32 url-safe base64-encoded "
            "bytes; create one with `jpo-bot keygen`)"
        )
    return key


def new_encryption_key() -> str:
    """A fresh LOG_ENCRYPTION_KEY."""
    return Fernet.generate_key().decode("ascii")


def new_hash_secret() -> str:
    """A fresh LOG_HASH_SECRET."""
    return secrets.token_urlsafe(32)


def reveal(secret: SecretStr | None) -> str:
    """The secret's value; "" when it is not set."""
    return secret.get_secret_value() if secret is not None else ""


def admin_key(hash_secret: bytes, who: int | str) -> str:
    """The pseudonymous key an admin's knowledge edits are attributed to (never the id).

    Keyed like a chat key but in its own domain, so an admin's edits cannot be linked
    to their chat's question-log records by comparing keys.
    """
    return "admin-" + chat_key(hash_secret, f"admin:{who}")[:16]
