"""Configuration: every setting documented, bad values named, secrets never shown."""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings
from tests.conftest import REPO


def test_every_setting_is_documented_in_env_example() -> None:
    documented = {
        line.split("=", 1)[0].strip()
        for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines()
        if "=" in line and not line.lstrip().startswith("#")
    }
    assert {name.upper() for name in Settings.model_fields} <= documented


def test_every_setting_carries_help_text() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_admin_ids_are_read_from_a_comma_separated_list(monkeypatch) -> None:
    monkeypatch.setenv("ADMIN_USER_IDS", "12, 34")
    assert load_settings(_env_file=None).admin_user_ids == frozenset({12, 34})


def test_bad_value_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("WEBHOOK_PORT", "not-a-port")
    with pytest.raises(ConfigError, match="WEBHOOK_PORT"):
        load_settings(_env_file=None)


def test_token_never_appears_in_repr(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:SECRET-TOKEN")
    settings = load_settings(_env_file=None)
    assert "SECRET-TOKEN" not in repr(settings) and "SECRET-TOKEN" not in str(settings)
    assert settings.telegram_bot_token is not None


def test_bad_value_stops_start_up_with_one_line_and_exit_code_2(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "LOG_RETENTION_DAYS": "zero", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "hello"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "LOG_RETENTION_DAYS" in done.stderr and "Traceback" not in done.stderr


# --- secrets are checked for strength at start-up -----------------------------------

GOOD_WEBHOOK_SECRET = "Tg_webhook-secret-0123456789abcdefXYZ"
ZERO_FERNET_KEY = base64.urlsafe_b64encode(bytes(32)).decode()
FERNET_SPEC_EXAMPLE_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
SECRET_VARIABLES = (
    "WEBHOOK_SECRET_TOKEN",
    "LOG_HASH_SECRET",
    "LOG_ENCRYPTION_KEY",
    "ADMIN_WEB_PASSWORD",
)


@pytest.mark.parametrize(
    ("variable", "value", "complaint"),
    [
        ("WEBHOOK_SECRET_TOKEN", "s3cret", "too short (at least 32 characters"),
        ("WEBHOOK_SECRET_TOKEN", GOOD_WEBHOOK_SECRET[:31], "too short"),
        ("WEBHOOK_SECRET_TOKEN", "A" * 40, "fewer than 8 different characters"),
        ("WEBHOOK_SECRET_TOKEN", GOOD_WEBHOOK_SECRET + "!", "only A-Z, a-z, 0-9, _ and -"),
        ("WEBHOOK_SECRET_TOKEN", GOOD_WEBHOOK_SECRET + " x", "only A-Z, a-z, 0-9, _ and -"),
        ("WEBHOOK_SECRET_TOKEN", GOOD_WEBHOOK_SECRET * 7, "too long (at most 256"),
        ("LOG_HASH_SECRET", "sixteen-chars-ok", "too short (at least 32 characters"),
        ("LOG_HASH_SECRET", "ab" * 20, "fewer than 8 different characters"),
        ("LOG_HASH_SECRET", FERNET_SPEC_EXAMPLE_KEY, "a published example"),
        ("LOG_ENCRYPTION_KEY", "not-a-fernet-key", "not a valid Fernet key"),
        ("LOG_ENCRYPTION_KEY", ZERO_FERNET_KEY, "weak key"),
        ("LOG_ENCRYPTION_KEY", base64.urlsafe_b64encode(b"k" * 32).decode(), "weak key"),
        ("LOG_ENCRYPTION_KEY", FERNET_SPEC_EXAMPLE_KEY, "a published example key"),
        ("ADMIN_WEB_PASSWORD", "elevenchars", "too short (at least 12 characters)"),
        ("ADMIN_WEB_PASSWORD", "x" * 20, "one character repeated"),
    ],
)
def test_a_weak_secret_is_refused_naming_the_variable_never_the_value(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, complaint: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as refused:
        load_settings(_env_file=None)
    message = str(refused.value)
    assert message.startswith(f"{variable}: ") and complaint in message
    assert "\n" not in message and value not in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WEBHOOK_SECRET_TOKEN", GOOD_WEBHOOK_SECRET[:32]),
        ("WEBHOOK_SECRET_TOKEN", (GOOD_WEBHOOK_SECRET * 7)[:256]),
        ("LOG_HASH_SECRET", "a long passphrase someone chose for hashing chats"),
        ("LOG_ENCRYPTION_KEY", Fernet.generate_key().decode()),
        ("ADMIN_WEB_PASSWORD", "twelve chars"),
    ],
)
def test_a_strong_secret_is_accepted(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    settings = load_settings(_env_file=None)
    secret = getattr(settings, variable.lower())
    assert secret is not None and secret.get_secret_value() == value


def test_unset_secrets_are_left_to_the_features_that_need_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in SECRET_VARIABLES:
        monkeypatch.setenv(variable, "")
    settings = load_settings(_env_file=None)
    assert all(getattr(settings, variable.lower()) is None for variable in SECRET_VARIABLES)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WEBHOOK_SECRET_TOKEN", "guessable-webhook"),
        ("LOG_HASH_SECRET", "h" * 40),
        ("LOG_ENCRYPTION_KEY", ZERO_FERNET_KEY),
        ("ADMIN_WEB_PASSWORD", "hunter2"),
    ],
)
def test_start_up_with_a_weak_secret_stops_with_one_line_and_exit_code_2(
    tmp_path: Path, variable: str, value: str
) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), variable: value}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stdout == ""
    assert done.stderr.startswith(f"configuration error: {variable}: ")
    assert value not in done.stderr and "Traceback" not in done.stderr


def test_keygen_prints_secrets_that_start_up_accepts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keygen"]) == 0
    printed = dict(
        line.split("=", 1) for line in capsys.readouterr().out.splitlines() if "=" in line
    )
    assert set(printed) == {"LOG_ENCRYPTION_KEY", "LOG_HASH_SECRET", "WEBHOOK_SECRET_TOKEN"}
    for variable, value in printed.items():
        monkeypatch.setenv(variable, value)
    settings = load_settings(_env_file=None)
    assert settings.webhook_secret_token is not None
    assert settings.webhook_secret_token.get_secret_value() == printed["WEBHOOK_SECRET_TOKEN"]


# --- the daily digest's settings ---


def test_the_daily_digest_is_off_unless_an_hour_is_set(monkeypatch) -> None:
    monkeypatch.delenv("DIGEST_HOUR", raising=False)
    assert load_settings(_env_file=None).digest_hour is None
    monkeypatch.setenv("DIGEST_HOUR", "")
    assert load_settings(_env_file=None).digest_hour is None
    monkeypatch.setenv("DIGEST_HOUR", "0")
    assert load_settings(_env_file=None).digest_hour == 0


def test_the_digest_time_zone_defaults_to_utc_and_takes_iana_names(monkeypatch) -> None:
    monkeypatch.delenv("DIGEST_TIMEZONE", raising=False)
    assert str(load_settings(_env_file=None).digest_zone) == "UTC"
    monkeypatch.setenv("DIGEST_TIMEZONE", "America/Jamaica")
    assert str(load_settings(_env_file=None).digest_zone) == "America/Jamaica"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DIGEST_HOUR", "24", "DIGEST_HOUR: Input should be less than or equal to 23"),
        ("DIGEST_HOUR", "-1", "DIGEST_HOUR: Input should be greater than or equal to 0"),
        ("DIGEST_HOUR", "7am", "DIGEST_HOUR: Input should be a valid integer"),
        ("DIGEST_TIMEZONE", "Vienna", "DIGEST_TIMEZONE: not an IANA time zone name"),
        ("DIGEST_TIMEZONE", "../../etc/passwd", "DIGEST_TIMEZONE: not an IANA time zone name"),
        ("DIGEST_TIMEZONE", "CET+1", "DIGEST_TIMEZONE: not an IANA time zone name"),
    ],
)
def test_a_bad_digest_setting_is_one_line_naming_it(
    monkeypatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
