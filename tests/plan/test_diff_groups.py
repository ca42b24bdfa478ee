"""`mktplan diff` names each change's field and puts it in the group docs/review.md gives
it (grading rules, data mapping, targets and dates, money, people, descriptions)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import VALID, write


def _changes(tmp_path: Path, old: str, new: str) -> list[dict[str, object]]:
    run = run_cli(
        "diff", write(tmp_path, old, "old.yaml"), write(tmp_path, new, "new.yaml"), "-f", "json"
    )
    assert run.code == 0, run.stderr
    changes: list[dict[str, object]] = json.loads(run.stdout)["changes"]
    return changes


def _rows(found: list[dict[str, object]], *keys: str) -> list[tuple[object, ...]]:
    return [tuple(c[k] for k in keys) for c in found]


def test_a_budget_alert_level_is_a_named_grading_rule(tmp_path: Path) -> None:
    new = VALID + "\nbudget_alerts: {over_budget: critical}\n"
    found = _changes(tmp_path, VALID, new)
    assert _rows(found, "area", "item", "field", "old", "new", "group") == [
        ("plan", "plan", "budget_alerts.over_budget", "warning", "critical", "grading rules")
    ]
