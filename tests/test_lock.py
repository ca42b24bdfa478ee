"""scripts/constraints.txt, the pins that the README's commands and CI install, agrees with
pyproject.toml's ranges, and the environment the tests run in was installed from it."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
CONSTRAINTS = ROOT / "scripts" / "constraints.txt"


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for raw in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        assert version, f"constraints.txt: {line!r} is not pinned with =="
        pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> list[tuple[str, Requirement]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [("dependencies", Requirement(r)) for r in project["dependencies"]]
    for extra, reqs in project.get("optional-dependencies", {}).items():
        found += [(f"[{extra}]", Requirement(r)) for r in reqs]
    return found


@pytest.mark.parametrize(("where", "requirement"), _requirements(), ids=str)
def test_every_requirement_is_pinned_inside_its_range(where: str, requirement: Requirement) -> None:
    pins = _pins()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement} ({where}) has no pin: run scripts/lock"
    assert requirement.specifier.contains(pins[name], prereleases=True), (
        f"pyproject {where} asks for {requirement}, the lock pins {pins[name]}: run scripts/lock"
    )


def test_the_test_environment_was_installed_from_the_lock() -> None:
    mismatched = []
    for name, pinned in _pins().items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            continue  # an extra this environment does not use (e.g. the bench yardstick)
        if installed != pinned:
            mismatched.append(f"{name} {installed} (lock: {pinned})")
    assert not mismatched, "installed versions differ from the lock: " + ", ".join(mismatched)
