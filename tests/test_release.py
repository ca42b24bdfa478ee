"""One version everywhere: pyproject, `mktplan --version`, the changelog, the hook snippets."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest

from tests.conftest import ROOT, run_cli


def _version() -> str:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = project["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), version
    return str(version)


def test_pyproject_version_and_the_changelog_agree() -> None:
    version = _version()
    run = run_cli("--version")
    assert run.code == 0
    assert run.stdout.strip() == f"mktplan {version}"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    entries = re.findall(r"^## (\d+\.\d+\.\d+)\b", changelog, flags=re.M)
    assert entries, "CHANGELOG.md has no `## X.Y.Z` entry"
    assert entries[0] == version, f"newest changelog entry {entries[0]}, pyproject {version}"
    assert entries == sorted(entries, key=lambda v: tuple(map(int, v.split("."))), reverse=True)


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )


def test_every_hook_snippet_names_a_revision_that_resolves_to_this_version() -> None:
    """A `rev:` is the release tag of this version, or a full commit sha of this
    repository whose pyproject declares this version: either way a team pasting the
    snippet gets a revision that exists and runs this release's hook."""
    version = _version()
    files = [
        ROOT / "README.md",
        ROOT / ".pre-commit-hooks.yaml",
        *sorted((ROOT / "docs").glob("*.md")),
    ]
    revs = {
        str(path.relative_to(ROOT)): re.findall(
            r"^\s*#?\s*rev:\s*(\S+)", path.read_text("utf-8"), re.M
        )
        for path in files
    }
    found = {rev for found in revs.values() for rev in found}
    assert found, "no `rev:` snippet found"
    assert len(found) == 1, f"snippets name different revisions: {revs}"
    rev = found.pop()
    if rev == f"v{version}":
        return
    assert re.fullmatch(r"[0-9a-f]{40}", rev), f"{rev!r} is neither v{version} nor a full sha"
    if _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: cannot resolve the snippet's commit")
    if _git("rev-parse", "--is-shallow-repository").stdout.strip() == "true":
        pytest.skip("a shallow clone may not hold the snippet's commit")
    shown = _git("show", f"{rev}:pyproject.toml")
    assert shown.returncode == 0, f"the snippet's commit {rev} is not in this repository"
    assert tomllib.loads(shown.stdout)["project"]["version"] == version, (
        f"the snippet's commit {rev} is another version: name a commit of {version}"
    )
    hooks = _git("show", f"{rev}:.pre-commit-hooks.yaml")
    assert "id: mktplan-validate" in hooks.stdout
