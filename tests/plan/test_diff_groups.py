"""`mktplan diff` names each change's field and puts it in the group docs/review.md gives
it (grading rules, data mapping, targets and dates, money, people, descriptions)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write


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


BRAND = VALID[VALID.index("  - id: brand") : VALID.index("sources:")]


def test_a_removed_module_with_a_budget_is_money_and_careful(tmp_path: Path) -> None:
    found = _changes(tmp_path, VALID, mutate(BRAND, ""))
    assert _rows(found, "area", "item", "kind", "group", "careful") == [
        ("module", "brand", "removed", "money", True)
    ]


def test_an_added_module_with_a_budget_is_money_its_kpis_targets(tmp_path: Path) -> None:
    found = _changes(tmp_path, mutate(BRAND, ""), VALID)
    assert _rows(found, "area", "item", "kind", "group", "careful") == [
        ("kpi", "brand.spend", "added", "data mapping", True),  # re-totals the plan's spend
        ("kpi", "brand.searches", "added", "targets and dates", False),
        ("module", "brand", "added", "money", True),  # its spend KPI, as above
        ("action", "brand: KOL posts", "added", "money", False),
    ]


def test_a_renamed_kpi_id_is_a_careful_target_change(tmp_path: Path) -> None:
    found = _changes(tmp_path, VALID, mutate("id: searches", "id: queries"))
    assert _rows(found, "area", "item", "kind", "group", "careful") == [
        ("kpi", "brand.searches", "removed", "targets and dates", True),
        ("kpi", "brand.queries", "added", "targets and dates", False),
    ]


def test_an_added_module_without_a_budget_is_people(tmp_path: Path) -> None:
    unfunded = BRAND.replace("    budget: 28000\n", "").replace(", budget: 20000", "")
    without = mutate(BRAND, unfunded)
    found = _changes(tmp_path, mutate(BRAND, ""), without)
    assert ("module", "brand", "people") in _rows(found, "area", "item", "group")
