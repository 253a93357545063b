"""The hash-pinned locks in requirements/ stay in step with pyproject.toml.

`make run` installs requirements/runtime.txt and `make test` requirements/dev.txt, both
with --require-hashes; a dependency added to or tightened in pyproject.toml without
`make lock` would be missing there, or pinned to a version pyproject no longer allows.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

RUNTIME_LOCK = REPO / "requirements" / "runtime.txt"
DEV_LOCK = REPO / "requirements" / "dev.txt"
_PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


@dataclass(frozen=True)
class Pin:
    """One `name==version` line of a lock and whether every such line carries hashes."""

    version: Version
    hashed: bool


def read_lock(path: Path) -> dict[str, Pin]:
    """The pins of a pip requirements file, by canonical name."""
    pins: dict[str, Pin] = {}
    current: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            pins[current] = Pin(Version(match["version"]), hashed=False)
        elif current and line.strip().startswith("--hash=sha256:"):
            pins[current] = Pin(pins[current].version, hashed=True)
    return pins


def declared(*, extras: bool) -> list[Requirement]:
    """The build requirements and dependencies of pyproject.toml (with its extras)."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    lines = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    if extras:
        for group in project["project"]["optional-dependencies"].values():
            lines += group
    return [Requirement(line) for line in lines]


def out_of_step(requirements: list[Requirement], pins: dict[str, Pin]) -> list[str]:
    """One line per requirement the lock does not pin, or pins to a version it refuses."""
    problems = []
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None:
            problems.append(f"{requirement} is not pinned")
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            problems.append(f"{requirement} does not allow the pinned {pin.version}")
    return problems


@pytest.mark.parametrize(
    ("lock", "extras"), [(RUNTIME_LOCK, False), (DEV_LOCK, True)], ids=["runtime", "dev"]
)
def test_every_declared_dependency_is_pinned_within_its_specifier(lock: Path, extras: bool) -> None:
    problems = out_of_step(declared(extras=extras), read_lock(lock))
    assert not problems, f"{lock.name} is out of step with pyproject.toml (run `make lock`)"


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_pin_carries_hashes(lock: Path) -> None:
    pins = read_lock(lock)
    assert pins and all(pin.hashed for pin in pins.values())


def test_the_dev_lock_holds_every_runtime_pin_at_the_same_version() -> None:
    runtime, dev = read_lock(RUNTIME_LOCK), read_lock(DEV_LOCK)
    assert {name: dev.get(name) for name in runtime} == runtime


def test_the_admin_view_gets_a_datasette_with_the_known_security_fixes() -> None:
    # 0.65.4 backports the permission, SQL-escaping and caching fixes of 1.0a39.
    assert read_lock(DEV_LOCK)["datasette"].version >= Version("0.65.4")


def test_a_lock_behind_pyproject_is_reported() -> None:
    pins = {
        "datasette": Pin(Version("0.64.6"), hashed=True),
        "rapidfuzz": Pin(Version("3.14.6"), hashed=True),
    }
    wanted = [Requirement("datasette>=0.65.4,<0.66"), Requirement("rapidfuzz>=3.9,<4")]
    wanted.append(Requirement("ruff>=0.6"))
    assert out_of_step(wanted, pins) == [
        "datasette<0.66,>=0.65.4 does not allow the pinned 0.64.6",
        "ruff>=0.6 is not pinned",
    ]
