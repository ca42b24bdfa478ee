"""`mktplan diff` matches list entries by content, not position: reordering alerts or
actions is no change, also when they share a KPI or a name."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import mutate, write

ALERT_A = "  - {kpi: online.conversion, below_target: 30%, severity: critical}\n"
ALERT_B = "  - {kpi: online.conversion, below_target: 10%, severity: warning}\n"
ACTION_A = (
    "      - {name: Search ads, owner: Sun Li, start: 2024-01-05, end: 2024-03-20,"
    " budget: 50000, status: in_progress}\n"
)
ACTION_B = (
    "      - {name: Search ads, owner: Wu Fang, start: 2024-02-01, end: 2024-03-01, budget: 5000}\n"
)


def _alerts(*entries: str) -> str:
    return mutate(ALERT_A, "".join(entries))


def _actions(*entries: str) -> str:
    return mutate(ACTION_A, "".join(entries))


def _changes(tmp_path: Path, old: str, new: str) -> list[dict[str, object]]:
    run = run_cli(
        "diff", write(tmp_path, old, "old.yaml"), write(tmp_path, new, "new.yaml"), "-f", "json"
    )
    assert run.code == 0, run.stderr
    if not run.stdout:
        return []
    changes: list[dict[str, object]] = json.loads(run.stdout)["changes"]
    return changes


def test_swapped_alerts_on_one_kpi_are_no_change(tmp_path: Path) -> None:
    assert _changes(tmp_path, _alerts(ALERT_A, ALERT_B), _alerts(ALERT_B, ALERT_A)) == []


def test_swapped_actions_with_one_name_are_no_change(tmp_path: Path) -> None:
    assert _changes(tmp_path, _actions(ACTION_A, ACTION_B), _actions(ACTION_B, ACTION_A)) == []


def test_an_edited_alert_among_reordered_ones_is_one_change(tmp_path: Path) -> None:
    edited = ALERT_B.replace("warning", "critical")
    found = _changes(tmp_path, _alerts(ALERT_A, ALERT_B), _alerts(edited, ALERT_A))
    assert [(c["field"], c["old"], c["new"]) for c in found] == [
        ("severity", "warning", "critical")
    ]


def test_an_edited_action_among_reordered_ones_is_matched_by_owner(tmp_path: Path) -> None:
    edited = ACTION_B.replace("budget: 5000", "budget: 8000")
    found = _changes(tmp_path, _actions(ACTION_A, ACTION_B), _actions(edited, ACTION_A))
    assert [(c["item"], c["field"], c["old"], c["new"]) for c in found] == [
        ("online: Search ads", "budget", 5000, 8000)
    ]


def test_a_removed_duplicate_is_the_one_that_went(tmp_path: Path) -> None:
    found = _changes(tmp_path, _alerts(ALERT_A, ALERT_B), _alerts(ALERT_B))
    assert [(c["kind"], c["old"]) for c in found] == [("removed", "below_target 30 (critical)")]
