"""Configuration: every setting documented, bad values named, secrets never shown."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
