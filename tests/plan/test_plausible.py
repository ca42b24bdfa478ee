"""Plausibility warnings: valid plans that are probably not what was meant (issue 15)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.plan.plausible import goal_numbers
from tests.conftest import PLANS, run_cli
from tests.plan.plans import mutate, write


def _warns(tmp_path: Path, text: str, expected: str) -> None:
    plan = write(tmp_path, text)
    run = run_cli("validate", plan)
    assert run.code == 0, run.stdout
    assert expected in run.stdout
    assert "(0 errors, 1 warning)" in run.stdout
    assert run_cli("validate", "--strict", plan).code == 1


def test_a_percent_target_written_as_a_fraction(tmp_path: Path) -> None:
    text = mutate(
        "formula: orders / visitors, target: 4,", "formula: orders / visitors, target: 0.28,"
    )
    _warns(
        tmp_path,
        text,
        "modules[0].kpis[3].target: KPI 'online.conversion' is in percent points but targets "
        "0.28: that is 0.28 %, not 28 %",
    )


def test_a_goal_that_names_the_old_target(tmp_path: Path) -> None:
    text = mutate("role: revenue, target: 500000,", "role: revenue, target: 450000,")
    _warns(
        tmp_path,
        text,
        "modules[0].goal: module 'online': the goal names 500000, which matches none of its KPI "
        "targets (450000, 4)",
    )


def test_a_goal_in_chinese_units_matches_its_target(tmp_path: Path) -> None:
    text = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        "goal: 2024 年 3 月 31 日前线上销售额达到 50 万元",
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 0
    assert "(0 errors, 0 warnings)" in run.stdout


@pytest.mark.parametrize(
    "goal",
    [
        "Brand keyword searches +30 % by 31 March 2024",
        "Brand keyword searches +30,000 by 31 March 2024",
        "2024 年 3 月 31 日前品牌词搜索量增加 3 万次",
    ],
)
def test_a_goal_may_name_the_change_over_the_baseline(tmp_path: Path, goal: str) -> None:
    # brand.searches: baseline 100,000, target 130,000: +30 % or +30,000
    text = mutate("goal: Brand keyword searches +30 % by 31 March 2024", f"goal: {goal}")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 0
    assert "(0 errors, 0 warnings)" in run.stdout


@pytest.mark.parametrize(
    ("goal", "numbers"),
    [
        ("6 月 20 日前线上销售额达到 70 万元,新增用户 1.6 万", [Decimal(700000), Decimal(16000)]),
        ("Social followers +15 % and topic reads above 5 million by 31 July 2023", [15, 5000000]),
        ("2,000 new registrations by 20 July 2023", [2000]),
        ("双11 GMV 2000 万", [20000000]),
    ],
)
def test_goal_numbers_read_wan_yi_million_and_percent(goal: str, numbers: list[int]) -> None:
    assert goal_numbers(goal) == [Decimal(n) for n in numbers]


def test_an_approval_dated_after_the_plan_started(tmp_path: Path) -> None:
    text = mutate("name: Liu Yang, date: 2023-12-20}", "name: Liu Yang, date: 2024-01-15}")
    _warns(
        tmp_path,
        text,
        "plan.approvals[0].date: approval by Liu Yang is dated 2024-01-15, after the plan "
        "started on 2024-01-01",
    )


def test_the_contract_plans_are_free_of_warnings() -> None:
    for plan in sorted(PLANS.glob("*.yaml")):
        if plan.name == "2024-06-launch.yaml":
            # its conversion rates are averaged without a weight: two warnings, exit 0
            run = run_cli("validate", "--lang", "en", plan)
            assert run.code == 0, run.stdout
            assert "(0 errors, 2 warnings)" in run.stdout
            assert run.stdout.count("no `weight:`") == 2
            continue
        run = run_cli("validate", "--strict", "--lang", "en", plan)  # 双11 says lang: zh
        assert run.code == 0, run.stdout
        assert "0 warnings" in run.stdout


@pytest.mark.parametrize(
    ("goal", "numbers"),
    [
        ("双11当天GMV破亿", [100000000]),
        ("年度GMV过亿", [100000000]),
        ("GMV上亿", [100000000]),
        ("年底前粉丝过万", [10000]),
        ("粉丝破万", [10000]),
        ("年底前GMV破千万", [10000000]),
        ("Boost 3C category sales to 500万", [5000000]),  # 3C is a name, not 3
    ],
)
def test_goal_numbers_read_a_round_figure_passed(goal: str, numbers: list[int]) -> None:
    assert goal_numbers(goal) == [Decimal(n) for n in numbers]


def test_a_round_figure_passed_matches_its_target(tmp_path: Path) -> None:
    text = mutate("goal: Online sales of 500,000 CNY by 31 March 2024", "goal: 线上销售额破亿")
    text = mutate("role: revenue, target: 500000,", "role: revenue, target: 100000000,", text)
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 0, run.stdout
    assert "(0 errors, 0 warnings)" in run.stdout
    text = mutate("goal: 线上销售额破亿", "goal: 线上销售额破万", text)
    _warns(tmp_path, text, "the goal names 10000, which matches none of its KPI targets")


def test_a_goal_refused_as_vague_gets_no_target_warning(tmp_path: Path) -> None:
    # the 5 of 5-star is no target: one finding, the vague goal, not also "the goal names 5"
    text = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        "goal: Increase the number of 5-star reviews",
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "the goal 'Increase the number of 5-star reviews' is not measurable" in run.stdout
    assert "goal_target_mismatch" not in run.stdout
    assert "the goal names 5" not in run.stdout
    assert "(1 error, 0 warnings)" in run.stdout
