"""The pre-commit hook definition: it parses, and its entry is a real mktplan command."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from tests.conftest import ROOT, run_cli

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(hooks, list)
    by_id = {h["id"]: h for h in hooks}
    hook = by_id["mktplan-validate"]
    assert isinstance(hook, dict)
    return hook


def test_hook_fields() -> None:
    hook = _hook()
    assert hook["entry"] == "mktplan validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    for key in ("id", "name", "entry", "language"):
        assert isinstance(hook[key], str)
        assert hook[key]


def test_files_pattern_selects_plans_only() -> None:
    pattern = re.compile(str(_hook()["files"]))
    for path in ("plans/q3.yaml", "plans/2024/launch.yml"):
        assert pattern.search(path), path
    for path in ("plans/q3.csv", "src/plans/q3.yaml", ".github/workflows/ci.yaml", "q3.yaml"):
        assert not pattern.search(path), path


def test_entry_runs_the_validate_command_on_the_files_it_is_given(tmp_path: Path) -> None:
    program, *args = shlex.split(str(_hook()["entry"]))
    assert program == "mktplan"
    good = ROOT / "plans" / "q3-2023-growth.yaml"
    assert run_cli(*args, good).code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(good.read_text(encoding="utf-8").replace("owner: Zhou Yun", "owner: A and B"))
    result = run_cli(*args, good, bad)
    assert result.code == 1
    assert "bad.yaml" in result.stdout
