"""One version everywhere: pyproject, `mktplan --version`, the changelog, the hook snippets."""

from __future__ import annotations

import re
import tomllib

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


def test_every_hook_snippet_names_the_release_tag() -> None:
    tag = f"v{_version()}"
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
    found = [rev for found in revs.values() for rev in found]
    assert found, "no `rev:` snippet found"
    assert set(found) == {tag}, revs
