"""validate reports every problem at once, even when the model cannot be built (issue 15)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import mutate, write


def _several_errors() -> str:
    text = mutate("    owner: Zhao Qiang\n", "    ownr: Zhao Qiang\n")
    text = mutate(
        "goal: Brand keyword searches +30 % by 31 March 2024", "goal: 提升品牌知名度", text
    )
    text = mutate("reserve: 12000", "reserve: 5000", text)
    text = mutate("formula: orders / visitors", "formula: orderz / visitors", text)
    return mutate("target: 130000,", "target: 1200万,", text)


def test_an_unknown_field_and_a_type_error_hide_no_other_finding(tmp_path: Path) -> None:
    plan = write(tmp_path, _several_errors())
    run = run_cli("validate", plan)
    assert run.code == 1
    out = run.stdout
    assert f"{plan}:24 modules[0].ownr: unknown field 'ownr'; did you mean 'owner'?" in out
    assert f"{plan}:42 modules[1].kpis[0].target: '1200万' is not a number" in out
    assert "write 12000000 for 1200万" in out
    assert f"{plan}:13 budget.reserve: the reserve is 5.0 % of the total" in out
    assert (
        f"{plan}:31 modules[0].kpis[3].formula: KPI 'online.conversion': formula refers to 'orderz'"
        in out
    )
    assert f"{plan}:40 modules[1].goal: module 'brand': the goal '提升品牌知名度' is vague" in out
    # the fixed-up parts cause nothing: no "missing owner", no "no KPI with a target"
    assert "missing required field 'owner'" not in out
    assert "has no KPI with a numeric target" not in out
    assert "(6 errors" in out  # the five above and the lines sum the 5 % reserve breaks
    assert "budget lines (88,000) plus the reserve (5,000)" in out


def test_a_bad_required_value_is_not_checked_further(tmp_path: Path) -> None:
    text = mutate("total: 100000", "total: 10万")
    text = mutate(
        "{start: 2024-01-01, end: 2024-03-31}", "{start: 2024-01-01, end: 2024-02-30}", text
    )
    text = mutate("goal: Online sales of 500,000 CNY by 31 March 2024", "goal: 提升销量", text)
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "'10万' is not a number for 'total'" in run.stdout
    assert "'2024-02-30' is not a valid date for 'end'" in run.stdout
    assert "the goal '提升销量' is vague" in run.stdout
    # money and the period were patched: no sums and no period checks from placeholders
    assert "reserve is" not in run.stdout
    assert "outside the plan period" not in run.stdout
    assert "(3 errors" in run.stdout


def test_an_owner_of_the_plan_that_names_two_people_hides_nothing(tmp_path: Path) -> None:
    text = mutate("  owner: Chen Jing\n", "  owner: Chen Jing and Liu Yang\n")
    text = mutate("formula: orders / visitors", "formula: orderz / visitors", text)
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "names more than one owner" in run.stdout
    assert "formula refers to 'orderz'" in run.stdout


def test_a_column_routed_to_two_modules_with_a_formula_kpi_is_one_finding(tmp_path: Path) -> None:
    text = mutate(
        "    module: online\n    columns: {Sales: sales, Visitors: visitors}",
        "    module_by: Shop\n    modules: {A: online, B: online}\n"
        "    columns: {Sales: sales, Visitors: visitors, Conv: conversion}",
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert run.stdout.count("maps column 'Conv' to 'online.conversion', a formula KPI") == 1
    assert "(1 error," in run.stdout


OVER = ("budget: 50000, status", "budget: 70000, status")  # online's actions: 70,000 of 60,000
ONLINE_OVER = "modules[0].actions: actions of module 'online' plan 70,000, more than its budget"


def test_a_reserve_that_is_not_a_number_hides_no_action_budget_sum(tmp_path: Path) -> None:
    plan = write(tmp_path, mutate("reserve: 12000", "reserve: lots", mutate(*OVER)))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:13 budget.reserve: 'lots' is not a number for 'reserve'" in run.stdout
    assert f"{plan}:33 {ONLINE_OVER} 60,000" in run.stdout
    # the sums that add the reserve are not worked out from its placeholder
    assert "the reserve is" not in run.stdout
    assert "budget lines" not in run.stdout
    assert "(2 errors" in run.stdout


def test_a_total_that_is_not_a_number_hides_no_action_budget_sum(tmp_path: Path) -> None:
    plan = write(tmp_path, mutate("total: 100000", "total: lots", mutate(*OVER)))
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:33 {ONLINE_OVER} 60,000" in run.stdout
    assert "(2 errors" in run.stdout


def test_a_bad_action_date_hides_no_action_budget_sum(tmp_path: Path) -> None:
    text = mutate("start: 2024-01-05", "start: 2024-13-05", mutate(*OVER))
    plan = write(tmp_path, text)
    run = run_cli("validate", plan)
    assert run.code == 1
    assert "'2024-13-05' is not a valid date for 'start'" in run.stdout
    assert f"{plan}:33 {ONLINE_OVER} 60,000" in run.stdout
    assert "(2 errors" in run.stdout


def test_a_bad_action_budget_hides_only_its_own_module_sum(tmp_path: Path) -> None:
    text = mutate("budget: 50000, status", "budget: lots, status")
    text = mutate("budget: 20000}", "budget: 30000}", text)  # brand: 30,000 of 28,000
    text = mutate("reserve: 12000", "reserve: 5000", text)
    plan = write(tmp_path, text)
    run = run_cli("validate", plan)
    assert run.code == 1
    assert "'lots' is not a number for 'budget'" in run.stdout
    assert "actions of module 'brand' plan 30,000, more than its budget 28,000" in run.stdout
    assert f"{plan}:13 budget.reserve: the reserve is 5.0 % of the total" in run.stdout
    assert "module 'online' plan" not in run.stdout
