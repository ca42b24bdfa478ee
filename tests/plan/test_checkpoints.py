"""`checkpoints:` on a KPI (issue 10): phased cumulative targets, checked by validate."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.plan.loader import load_yaml_file
from mktplan.plan.model import Plan
from tests.conftest import PLANS, run_cli

Q3 = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
SALES = "target: 1300000, due: 2023-08-31,"
CONVERSION = "target: 5, due: 2023-08-31,"


def plan_with(tmp_path: Path, anchor: str, checkpoints: str) -> Path:
    assert anchor in Q3
    path = tmp_path / "plan.yaml"
    path.write_text(Q3.replace(anchor, f"{anchor} checkpoints: {checkpoints},", 1), "utf-8")
    return path


def test_checkpoints_as_values_and_shares_validate(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, SALES, "{2023-07-15: 15%, 2023-08-10: 900000}")
    result = run_cli("validate", plan)
    assert result.code == 0, result.output
    assert "(0 errors, 0 warnings)" in result.output


@pytest.mark.parametrize(
    ("anchor", "checkpoints", "message"),
    [
        (
            CONVERSION,
            "{2023-07-15: 1}",
            "KPI 'online.conversion_rate' has checkpoints but is a level",
        ),
        (
            SALES,
            "{2023-09-15: 50%}",
            "checkpoint 2023-09-15 of KPI 'online.sales' lies outside its window 2023-07-01 … 2023-08-31",
        ),
        (
            SALES,
            "{2023-06-30: 0}",
            "checkpoint 2023-06-30 of KPI 'online.sales' lies outside its window",
        ),
        (
            SALES,
            "{2023-07-15: 50%, 2023-08-10: 40%}",
            "checkpoint 2023-08-10 of KPI 'online.sales' (520000) is below the one of 2023-07-15 (650000)",
        ),
        (
            SALES,
            "{2023-08-10: 110%}",
            "checkpoint 2023-08-10 of KPI 'online.sales' is 1430000, outside 0 … the target 1300000",
        ),
        (SALES, "{2023-08-10: 1400000}", "is 1400000, outside 0 … the target 1300000"),
        (
            SALES,
            "{2023-07-15: 40%, 2023-08-31: 60%}",
            "checkpoint 2023-08-31 of KPI 'online.sales' is 780000, but 2023-08-31 is its due "
            "date, where the target 1300000 is planned",
        ),
        (
            SALES,
            "{2023-08-31: 1299999}",
            "checkpoint 2023-08-31 of KPI 'online.sales' is 1299999, but 2023-08-31 is its due",
        ),
        (
            SALES,
            "{2023-08-10: lots}",
            "checkpoint 2023-08-10 of KPI 'online.sales' is 'lots', neither a number nor a share",
        ),
    ],
)
def test_invalid_checkpoints_are_errors(
    tmp_path: Path, anchor: str, checkpoints: str, message: str
) -> None:
    result = run_cli("validate", plan_with(tmp_path, anchor, checkpoints))
    assert result.code == 1, result.output
    assert message in result.output
    assert "plan.yaml:" in result.output  # with the line
    assert "Traceback" not in result.output


@pytest.mark.parametrize("on_due", ["100%", "1300000", "100 %"])
def test_a_checkpoint_on_the_due_date_equal_to_the_target_validates(
    tmp_path: Path, on_due: str
) -> None:
    plan = plan_with(tmp_path, SALES, f"{{2023-07-15: 40%, 2023-08-31: {on_due}}}")
    result = run_cli("validate", plan)
    assert result.code == 0, result.output


def test_a_checkpoint_on_the_due_date_below_the_target_names_its_line_and_hint(
    tmp_path: Path,
) -> None:
    # the curve ends at (due, 1,300,000): a 60 % (780,000) checkpoint there would be ignored
    text = Q3.replace(
        SALES, f"{SALES}\n        checkpoints: {{2023-07-15: 40%,\n          2023-08-31: 60%}},", 1
    )
    path = tmp_path / "plan.yaml"
    path.write_text(text, "utf-8")
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if "2023-08-31: 60%" in ln)
    result = run_cli("validate", path)
    assert result.code == 1, result.output
    assert (
        f"plan.yaml:{line} modules[1].kpis[0].checkpoints.2023-08-31: checkpoint" in result.output
    )
    assert "hint: the target curve ends at (due date, target)" in result.output
    zh = run_cli("validate", "--lang", "zh", path)
    assert "2023-08-31 是它的截止日期，计划值就是目标值 1300000" in zh.output
    assert "提示：目标曲线终点是（截止日期，目标值）" in zh.output


def test_without_a_due_date_the_plan_end_is_where_the_curve_ends(tmp_path: Path) -> None:
    # no `due`: the curve ends at the plan end, 2023-09-30; 90 % of 1,300,000 is 1,170,000
    path = tmp_path / "plan.yaml"
    path.write_text(
        Q3.replace(SALES, "target: 1300000, checkpoints: {2023-09-30: 90%},", 1), "utf-8"
    )
    result = run_cli("validate", path)
    assert result.code == 1, result.output
    assert "checkpoint 2023-09-30 of KPI 'online.sales' is 1170000, but 2023-09-30" in result.output


def test_each_bad_checkpoint_is_one_error_at_its_date_all_at_once(tmp_path: Path) -> None:
    # 1e400 is past the store's bounds, null is no value: both reported, once each, in the
    # same run, at the dates as written (no Python repr, no pydantic union member names)
    plan = plan_with(tmp_path, SALES, "{2023-07-15: 1e400, 2023-07-20: null, 2023-08-10: 1}")
    result = run_cli("validate", "--format", "json", plan)
    assert result.code == 1, result.output
    errors = json.loads(result.stdout)["errors"]
    where = "modules[1].kpis[0].checkpoints"
    assert [(e["path"], e["message"], e["hint"]) for e in errors] == [
        (
            f"{where}.2023-07-15",
            "checkpoints 1E+400 is out of range: mktplan stores values up to a trillion "
            "(1,000,000,000,000) either way, so a report could not add it up",
            "check for extra zeros or an exponent such as 1e27; write the number the plan means",
        ),
        (
            f"{where}.2023-07-20",
            "this checkpoint is null, neither a number nor a share of the target",
            "write a cumulative value (150000) or a share of the target (15%)",
        ),
    ]
    assert all(e["line"] == errors[0]["line"] for e in errors)


def test_bad_checkpoints_speak_the_users_language(tmp_path: Path) -> None:
    plan = plan_with(tmp_path, SALES, "{2023-07-15: 1e400, 2023-07-20: null, 2023-07-25: true}")
    result = run_cli("validate", "--lang", "zh", plan)
    assert result.code == 1, result.output
    out = result.output
    assert "checkpoints.2023-07-15: checkpoints 1E+400 超出范围" in out
    assert "checkpoints.2023-07-20: 这个阶段目标是 null，既不是数字，也不是目标值的比例" in out
    assert "checkpoints.2023-07-25: 这个阶段目标是 true，既不是数字，也不是目标值的比例" in out
    assert "提示：写累计值（150000）或目标值的比例（15%）" in out
    assert "（3 个错误，0 个警告）" in out
    for leak in ("datetime.date", "decimal", "constrained-str", "None", "True"):
        assert leak not in out


def test_an_infinite_checkpoint_is_named_as_such(tmp_path: Path) -> None:
    result = run_cli("validate", plan_with(tmp_path, SALES, "{2023-07-15: .inf}"))
    assert result.code == 1, result.output
    assert "checkpoints.2023-07-15: Infinity is not a finite number for 'checkpoints'" in (
        result.output
    )


def test_numeric_checkpoints_survive_the_plan_cache() -> None:
    # the cache stores plans as JSON, where a decimal is text: it must read back as a number
    plan = Plan.model_validate(load_yaml_file(PLANS / "2025-11-double11.yaml").data)
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan
    douyin = next(k for m in again.modules if m.id == "douyin" for k in m.kpis if k.checkpoints)
    assert douyin.checkpoints is not None
    assert douyin.checkpoints[dt.date(2025, 10, 31)] == Decimal(600000)


def test_a_checkpoint_written_with_a_midnight_time_is_not_folded_into_its_day(
    tmp_path: Path,
) -> None:
    # pydantic read '2023-07-15 00:00:00' as 2023-07-15, so the two keys became one and the
    # 15 % checkpoint was dropped without a word
    plan = plan_with(tmp_path, SALES, "{2023-07-15: 15%, 2023-07-15 00:00:00: 40%}")
    result = run_cli("validate", plan)
    assert result.code == 1
    assert (
        "checkpoints.2023-07-15 00:00:00: '2023-07-15 00:00:00' has a time of day; "
        "'checkpoints' takes a date alone" in result.output
    )
    assert "hint: write the day alone, as YYYY-MM-DD: 2023-07-15" in result.output


@pytest.mark.parametrize("written", ["2023-08-31 00:00:00", "2023-08-31T00:00:00Z"])
def test_a_due_date_with_a_time_is_refused_like_any_other_time(
    tmp_path: Path, written: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(Q3.replace(SALES, f"target: 1300000, due: '{written}',", 1), "utf-8")
    result = run_cli("validate", path)
    assert result.code == 1
    assert f"'{written}' has a time of day; 'due' takes a date alone" in result.output
