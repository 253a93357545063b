"""The Datasette child process of the web view: its command line, environment and lifetime.

- **Environment.** The child gets a whitelist (PATH, HOME, the temporary directory,
  locale and time zone) plus the password's hash, never the rest of the parent's
  environment: no plaintext password, no log secrets, no bot token. It also tells
  uvicorn whose X-Forwarded-For to believe: a reverse proxy on this machine when the
  operator said `--behind-tls`, nobody otherwise (so no local client can pose as many
  addresses to dodge the login lockout).
- **Lifetime.** On Linux the child asks the kernel (prctl PR_SET_PDEATHSIG) for SIGKILL
  when its parent dies, so a SIGKILLed `jpo-bot admin-web` takes Datasette with it;
  the stale decrypted copy is then removed at the next start (see webfolder).
- **Plugins.** `--plugins-dir` loads the login throttle from `datasette_plugins/`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

PASSWORD_HASH_ENV = "JPO_BOT_ADMIN_WEB_PASSWORD_HASH"
PLUGINS_DIR = Path(__file__).with_name("datasette_plugins")
CHILD_ENV_NAMES = frozenset({"PATH", "HOME", "TMPDIR", "TMP", "TEMP", "LANG", "LANGUAGE", "TZ"})
FORWARDED_ENV = "FORWARDED_ALLOW_IPS"
LOCAL_PROXY = "127.0.0.1,::1"
STOP_GRACE_SECONDS = 5.0
_PR_SET_PDEATHSIG = 1


def datasette_command(database: Path, metadata_file: Path, host: str, port: int) -> list[str]:
    """The `datasette serve` command line for the copy."""
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        str(database),
        "--metadata",
        str(metadata_file),
        "--plugins-dir",
        str(PLUGINS_DIR),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "allow_download",
        "off",
        "--setting",
        "sql_time_limit_ms",
        "5000",
        "--setting",
        "default_page_size",
        "100",
    ]


def child_environment(
    password_hash: str, *, behind_proxy: bool = False, parent: Mapping[str, str] = os.environ
) -> dict[str, str]:
    """The whitelisted part of `parent`, the password hash, the trusted proxy: all the
    child sees."""
    kept = {
        name: value
        for name, value in parent.items()
        if name in CHILD_ENV_NAMES or name.startswith("LC_")
    }
    trusted = LOCAL_PROXY if behind_proxy else ""  # "" matches no client address
    return {**kept, PASSWORD_HASH_ENV: password_hash, FORWARDED_ENV: trusted}


def die_with_parent() -> Callable[[], None] | None:
    """A preexec function making the child die with this process (Linux); else None."""
    if not sys.platform.startswith("linux"):
        return None
    # Looked up before the fork: the child then only makes one foreign call.
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def preexec() -> None:
        if prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            os._exit(70)
        # The parent may have died before prctl took effect: then nobody signals us.
        if os.getppid() != parent:
            os._exit(70)

    return preexec


async def start(command: list[str], environment: dict[str, str]) -> asyncio.subprocess.Process:
    """Starts the child with exactly `environment`, tied to this process's life."""
    return await asyncio.create_subprocess_exec(
        *command, env=environment, preexec_fn=die_with_parent()
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM, then SIGKILL after a grace period; waits for the child to end."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.terminate()
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_SECONDS)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
