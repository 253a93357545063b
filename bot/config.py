"""The bot's configuration: one typed object read from the environment and `.env`.

Every setting carries its own help text (the `description`); `.env.example` documents
each one and a test fails when a setting is missing there. Secrets that are set are
checked for strength here, at start-up (bot/secret_strength.py), so a weak one stops the
process before it serves anyone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, tzinfo
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.secret_strength import (
    fernet_key_problem,
    hash_secret_problem,
    password_problem,
    webhook_secret_problem,
)

# The strength rule of each secret setting; an unset secret is checked where it is needed.
_SECRET_RULES: dict[str, Callable[[str], str | None]] = {
    "webhook_secret_token": webhook_secret_problem,
    "log_hash_secret": hash_secret_problem,
    "log_encryption_key": fernet_key_problem,
    "admin_web_password": password_problem,
}


class ConfigError(Exception):
    """A setting has a bad value; the message names the variable."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    telegram_bot_token: SecretStr | None = Field(
        default=None,
        description="Bot token from @BotFather. Without it `make run` opens the terminal chat.",
    )
    telegram_base_url: str | None = Field(
        default=None,
        description="Base URL of a Bot API server (self-hosted or a test fake), e.g. "
        "http://127.0.0.1:8081/bot. Empty: Telegram's own server.",
    )
    admin_user_ids: Annotated[frozenset[int], NoDecode] = Field(
        default=frozenset(),
        description="Comma-separated Telegram user ids allowed to use the admin commands.",
    )
    database_path: Path = Field(
        default=Path("data/jpo-bot.sqlite3"),
        description="SQLite file for the question log and chat state.",
    )
    knowledge_dir: Path = Field(
        default=Path("knowledge"),
        description="Folder holding topics.yaml, programme.yaml and postings/*.yaml.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level of the bot process."
    )
    log_retention_days: int = Field(
        default=365, ge=1, description="Question-log records older than this are deleted daily."
    )
    log_hash_secret: SecretStr | None = Field(
        default=None,
        description="Secret for the keyed hash that turns a chat id into a pseudonymous key. "
        "Required for the question log.",
    )
    log_encryption_key: SecretStr | None = Field(
        default=None,
        description="Fernet key (urlsafe base64, 32 bytes) encrypting question texts at rest. "
        "Create one with `jpo-bot keygen`. Keep it apart from the database.",
    )
    webhook_url: str | None = Field(
        default=None,
        description="Public HTTPS URL for webhook mode. Empty: long polling.",
    )
    webhook_listen: str = Field(
        default="127.0.0.1", description="Address the webhook server listens on."
    )
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook port.")
    webhook_secret_token: SecretStr | None = Field(
        default=None,
        description="Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token; required "
        "in webhook mode. At least 32 characters of A-Z, a-z, 0-9, _ and - "
        "(`jpo-bot keygen` prints one).",
    )
    reload_interval_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often the bot checks the knowledge folder for changes.",
    )
    fair_use_messages: int = Field(
        default=20,
        ge=0,
        description="Messages one user may send per fair-use window; beyond it they get one "
        "polite note and no answers until the window ends. Admins are exempt. 0: no limit.",
    )
    fair_use_window_seconds: float = Field(
        default=60.0, gt=0, description="Length of the fair-use window, in seconds."
    )
    admin_web_password: SecretStr | None = Field(
        default=None,
        description="Password for `jpo-bot admin-web` (user name: admin), at least 12 characters.",
    )
    admin_web_port: int = Field(
        default=8001, ge=1, le=65535, description="Port of the admin web view (127.0.0.1)."
    )
    digest_hour: int | None = Field(
        default=None,
        ge=0,
        le=23,
        description="Hour (0-23, in DIGEST_TIMEZONE) at which every admin gets yesterday's "
        "digest in Telegram. Empty: no digest.",
    )
    digest_timezone: str = Field(
        default="UTC",
        description="IANA time zone of DIGEST_HOUR and of the digest's day, e.g. Europe/Vienna.",
    )

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator(
        "telegram_bot_token",
        "telegram_base_url",
        "webhook_url",
        "webhook_secret_token",
        "log_hash_secret",
        "log_encryption_key",
        "admin_web_password",
        "digest_hour",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("digest_timezone", mode="before")
    @classmethod
    def _known_zone(cls, value: object) -> object:
        if value == "":
            return "UTC"
        if isinstance(value, str) and value != "UTC":
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise PydanticCustomError(
                    "unknown_zone", "not an IANA time zone name (such as Europe/Vienna or UTC)"
                ) from None
        return value

    @property
    def digest_zone(self) -> tzinfo:
        """DIGEST_TIMEZONE as a time zone (UTC needs no time zone database)."""
        return UTC if self.digest_timezone == "UTC" else ZoneInfo(self.digest_timezone)

    @field_validator(*_SECRET_RULES, mode="after")
    @classmethod
    def _strong_enough(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        # A custom error keeps pydantic from adding its "Value error," prefix, and the
        # message is built without the value, which never reaches stderr or a log.
        if value is not None and info.field_name is not None:
            problem = _SECRET_RULES[info.field_name](value.get_secret_value())
            if problem is not None:
                raise PydanticCustomError("weak_secret", problem)
        return value


def load_settings(**overrides: object) -> Settings:
    """Reads the settings; a bad value raises ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "configuration"
        raise ConfigError(f"{name}: {first['msg']}") from None


def settings_or_exit(**overrides: object) -> Settings:
    """Reads the settings or stops the process with one line and exit code 2."""
    try:
        return load_settings(**overrides)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
