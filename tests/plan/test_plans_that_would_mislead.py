"""Plans that validated but gave wrong numbers later: percent spelt otherwise,
rates added or averaged, status thresholds in percent or swapped, a routed source naming
one module's KPI, fractions where shares or percent points belong, a `%` formula times 100
in disguise."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from mktplan.errors import Finding
from mktplan.plan import formula
from mktplan.plan.vague import vague_reason
from mktplan.plan.validate import PlanCheck, check_plan_file
from mktplan.vocab import is_percent
from tests.conftest import PLANS, run_cli
from tests.plan.plans import VALID, line_of, mutate, write

CONVERSION = (
    '{id: conversion, name: Conversion, unit: "%", formula: orders / visitors, target: 4, '
    "due: 2024-03-31}"
)
BRAND_KPI = (
    "      - {id: spend, name: Spend, unit: CNY, role: spend, source: ledger}\n"
    "    actions:\n      - {name: KOL posts"
)
BRAND_RATE = (
    '      - {id: rate, name: Engagement rate, unit: "%", aggregation: last, source: index}\n'
)
PLAN_KPIS = "kpis:\n  - {id: roi,"


def check(tmp_path: Path, text: str) -> PlanCheck:
    return check_plan_file(write(tmp_path, text))


def codes(result: PlanCheck) -> list[str]:
    return [f.code for f in result.findings]


def coded(result: PlanCheck, code: str) -> list[Finding]:
    return [f for f in result.findings if f.code == code]


def with_brand_rate(text: str = VALID, rate: str = BRAND_RATE) -> str:
    return mutate(BRAND_KPI, rate + BRAND_KPI, text)


def with_plan_kpi(kpi: str, text: str) -> str:
    return mutate(PLAN_KPIS, f"kpis:\n  - {kpi}\n  - {{id: roi,", text)


# --- 1. percent spelt otherwise -----------------------------------------------------------


@pytest.mark.parametrize(
    "unit", ["Percent", "percentage", "百分比", "PCT", "Percentage points", "％", " pct "]
)
def test_common_percent_spellings_are_percent(unit: str) -> None:
    assert is_percent(unit)


@pytest.mark.parametrize("unit", ["Percent", "percentage", "百分比", "PCT"])
def test_percent_formula_spelt_otherwise_is_a_percent_kpi(tmp_path: Path, unit: str) -> None:
    text = mutate(CONVERSION, CONVERSION.replace('unit: "%"', f"unit: {unit}"))
    result = check(tmp_path, text)
    assert result.valid, codes(result)
    assert result.findings == [], codes(result)
    assert result.plan is not None
    kpi = next(k for k in result.plan.modules[0].kpis if k.id == "conversion")
    assert kpi.is_percent
    assert kpi.is_rate


@pytest.mark.parametrize("unit", ["percnt", "% of visitors", "百分数值"])
def test_unit_that_looks_like_percent_is_a_warning(tmp_path: Path, unit: str) -> None:
    text = mutate(CONVERSION, CONVERSION.replace('unit: "%"', f'unit: "{unit}"'))
    result = check(tmp_path, text)
    assert result.valid
    [found] = coded(result, "unit_like_percent")
    assert found.path == "modules[0].kpis[3].unit"
    assert '"%"' in (found.hint or "")


@pytest.mark.parametrize("unit", ["count", "CNY", "ratio", "次/元", "percentile rank"])
def test_other_units_are_not_like_percent(tmp_path: Path, unit: str) -> None:
    text = mutate(
        "{id: visitors, name: Visitors, unit: count,",
        f'{{id: visitors, name: Visitors, unit: "{unit}",',
    )
    result = check(tmp_path, text)
    assert "unit_like_percent" not in codes(result)


# --- 2. rates added or averaged -----------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "online.conversion + brand.rate",
        "(online.conversion + brand.rate) / 2",
        "online.conversion * 0.5 + brand.rate * 0.5",
        "-online.conversion - brand.rate",
        "100 - (online.conversion + brand.rate)",
    ],
)
def test_formula_adding_or_averaging_rates_is_a_warning(tmp_path: Path, written: str) -> None:
    # a warning, not an error: shares of one denominator add up (a survey's top-2 box, very +
    # fairly satisfied; a share of voice), and nothing in the plan tells them apart
    kpi = f'{{id: cr_all, name: All, unit: "%", formula: "{written}", target: 4, due: 2024-03-31}}'
    text = with_plan_kpi(kpi, with_brand_rate())
    result = check(tmp_path, text)
    assert result.valid
    [found] = [f for f in result.findings if f.code == "rates_added"]
    assert found.severity == "warning"
    assert found.path == "kpis[0].formula"
    assert found.line == line_of(text, "id: cr_all")
    assert "online.conversion" in found.message
    assert "brand.rate" in found.message
    assert "visitors" in (found.hint or "")
    assert run_cli("validate", "-q", write(tmp_path, text)).code == 0
    assert run_cli("validate", "-q", "--strict", write(tmp_path, text)).code == 1


@pytest.mark.parametrize(
    "written", ["online.conversion - brand.rate", "brand.rate - online.conversion + 1"]
)
def test_difference_of_two_rates_passes(tmp_path: Path, written: str) -> None:
    kpi = f'{{id: gap, name: Gap, unit: "%", formula: "{written}", target: 1, due: 2024-03-31}}'
    result = check(tmp_path, with_plan_kpi(kpi, with_brand_rate()))
    assert result.valid, [(f.code, f.message) for f in result.errors]
    assert "rates_added" not in codes(result)


def test_sum_of_counts_is_no_sum_of_rates(tmp_path: Path) -> None:
    kpi = (
        '{id: cr_all, name: All, unit: "%", formula: "(online.orders + online.orders) / '
        '(online.visitors + online.visitors)", target: 4, due: 2024-03-31}'
    )
    result = check(tmp_path, with_plan_kpi(kpi, VALID))
    assert result.valid
    assert "rates_added" not in codes(result)


def test_rate_mean_without_weight_is_a_warning(tmp_path: Path) -> None:
    rate = BRAND_RATE.replace("aggregation: last", "aggregation: mean")
    text = with_brand_rate(rate=rate)
    result = check(tmp_path, text)
    assert result.valid
    [found] = coded(result, "rate_mean_unweighted")
    assert found.path == "modules[1].kpis[1].aggregation"
    assert "brand.rate" in found.message
    assert "weight:" in (found.hint or "")
    assert "formula" in (found.hint or "")
    assert run_cli("validate", "-q", write(tmp_path, text)).code == 0


def test_rate_mean_with_weight_passes(tmp_path: Path) -> None:
    rate = BRAND_RATE.replace("aggregation: last", "aggregation: mean, weight: searches")
    result = check(tmp_path, with_brand_rate(rate=rate))
    assert result.valid, codes(result)
    assert result.findings == [], codes(result)


def test_launch_example_warns_of_its_unweighted_rates_and_exits_0() -> None:
    result = check_plan_file(PLANS / "2024-06-launch.yaml")
    assert result.valid
    assert [f.path.rsplit(".", 1)[-1] for f in coded(result, "rate_mean_unweighted")] == [
        "aggregation",
        "aggregation",
    ]
    assert run_cli("validate", "-q", PLANS / "2024-06-launch.yaml").code == 0


# --- 3. status thresholds ------------------------------------------------------------------

CADENCE = "  cadence: weekly\n"


def with_thresholds(on_track: str, at_risk: str) -> str:
    return mutate(
        CADENCE, f"{CADENCE}  status_thresholds: {{on_track: {on_track}, at_risk: {at_risk}}}\n"
    )


def test_status_thresholds_in_percent_are_refused(tmp_path: Path) -> None:
    result = check(tmp_path, with_thresholds("90", "70"))
    found = [f for f in result.errors if f.code == "invalid_status_thresholds"]
    assert [f.path for f in found] == [
        "plan.status_thresholds.on_track",
        "plan.status_thresholds.at_risk",
    ]
    assert "write 0.9" in (found[0].hint or "")
    assert "write 0.7" in (found[1].hint or "")


def test_status_thresholds_swapped_are_refused(tmp_path: Path) -> None:
    result = check(tmp_path, with_thresholds("0.7", "0.9"))
    [found] = result.errors
    assert (found.code, found.path) == (
        "invalid_status_thresholds",
        "plan.status_thresholds.at_risk",
    )
    assert "on_track: 0.9, at_risk: 0.7" in (found.hint or "")


def test_a_status_threshold_of_a_thousand_is_refused(tmp_path: Path) -> None:
    result = check(tmp_path, with_thresholds("900", "0.7"))
    [found] = result.errors
    assert found.path == "plan.status_thresholds.on_track"
    assert "0.9 for 90 %" in (found.hint or "")


@pytest.mark.parametrize(
    ("on_track", "at_risk"),
    [("1", "0.8"), ("0.8", "0.8"), ("0.95", "0.5"), ("1.05", "0.95"), ("1.2", "0.7")],
)
def test_status_thresholds_as_fractions_pass(tmp_path: Path, on_track: str, at_risk: str) -> None:
    result = check(tmp_path, with_thresholds(on_track, at_risk))
    assert result.valid, codes(result)
    assert result.findings == [], codes(result)


# --- 4. a routed source maps to bare ids ---------------------------------------------------

ROUTED = """\
  routed:
    date: Date
    module_by: Channel
    modules: {web: online, index: brand}
    columns: {Spend: SPEND}
"""


def with_routed(column: str) -> str:
    return mutate("\nalerts:\n", "\n" + ROUTED.replace("SPEND", column) + "\nalerts:\n")


@pytest.mark.parametrize("column", ["online.spend", "brand.spend"])
def test_routed_source_refuses_one_modules_kpi(tmp_path: Path, column: str) -> None:
    text = with_routed(column)
    result = check(tmp_path, text)
    [found] = result.errors
    assert (found.code, found.path) == ("source_routed_qualified", "sources.routed.columns.Spend")
    assert "'spend'" in (found.hint or "")
    assert column.split(".")[0] in found.message


def test_routed_source_with_bare_ids_passes(tmp_path: Path) -> None:
    result = check(tmp_path, with_routed("spend"))
    assert result.valid, codes(result)
    assert result.findings == [], codes(result)


def test_fixed_module_source_may_still_name_a_qualified_kpi(tmp_path: Path) -> None:
    text = mutate("columns: {Sales: sales,", "columns: {Sales: online.sales,")
    assert check(tmp_path, text).valid


# --- 5. fractions where shares or percent points belong ------------------------------------

SALES = "{id: sales, name: Sales, unit: CNY, role: revenue, target: 500000, due: 2024-03-31, source: shop}"


def with_checkpoints(points: str) -> str:
    return mutate(
        SALES, SALES.replace("source: shop}", f"source: shop, checkpoints: {{{points}}}}}")
    )


def test_checkpoints_as_fractions_of_a_money_target_warn(tmp_path: Path) -> None:
    text = with_checkpoints("2024-02-01: 0.15, 2024-03-01: 0.5")
    result = check(tmp_path, text)
    assert result.valid
    [found] = coded(result, "checkpoint_as_fraction")
    assert found.path == "modules[0].kpis[0].checkpoints.2024-02-01"
    assert "2024-02-01: 15%" in (found.hint or "")
    assert run_cli("validate", "--strict", "-q", write(tmp_path, text)).code != 0


@pytest.mark.parametrize("points", ["2024-02-01: 15%, 2024-03-01: 50%", "2024-02-01: 75000"])
def test_checkpoints_as_shares_or_values_pass(tmp_path: Path, points: str) -> None:
    result = check(tmp_path, with_checkpoints(points))
    assert result.valid, codes(result)
    assert result.findings == [], codes(result)


ALERT = "below_target: 30%"


def test_alert_threshold_as_fraction_warns(tmp_path: Path) -> None:
    result = check(tmp_path, mutate(ALERT, "below_target: 0.3"))
    assert result.valid
    [found] = coded(result, "alert_percent_as_fraction")
    assert found.path == "alerts[0].below_target"
    assert "30" in found.message
    assert "write 30" in (found.hint or "")


def test_an_alert_fraction_is_quoted_as_written(tmp_path: Path) -> None:
    # 0.125 is said as 0.125 and 12.5 %, not rounded to 0.12 (nor 0.005 to 0)
    result = check(tmp_path, mutate(ALERT, "below_target: 0.125"))
    [found] = coded(result, "alert_percent_as_fraction")
    assert "0.125" in found.message
    assert "12.5" in found.message


@pytest.mark.parametrize("written", ["below_target: 0.3%", "below_pace: 30", "above_target: 1"])
def test_alert_threshold_in_points_passes(tmp_path: Path, written: str) -> None:
    result = check(tmp_path, mutate(ALERT, written))
    assert "alert_percent_as_fraction" not in codes(result)


# --- 6. a % formula times 100 in disguise --------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "orders / (visitors / 100)",
        "(orders / visitors) * 10 * 10",
        "orders / visitors / 0.01",
        "orders * (50 + 50) / visitors",
    ],
)
def test_percent_formula_times_100_in_disguise_is_an_error(tmp_path: Path, written: str) -> None:
    text = mutate(CONVERSION, CONVERSION.replace("orders / visitors", f'"{written}"'))
    [found] = check(tmp_path, text).errors
    assert (found.code, found.path) == ("percent_times_100", "modules[0].kpis[3].formula")


@pytest.mark.parametrize(
    ("written", "factor"),
    [
        ("orders / visitors", Fraction(1)),
        ("orders / (visitors / 100)", Fraction(100)),
        ("orders * 10 * 10 / visitors", Fraction(100)),
        ("orders / visitors / 0.01", Fraction(100)),
        ("(a + b) / (c + d) * 100", Fraction(100)),
        ("-a * 100 / b", Fraction(-100)),
        ("a + 1", None),
        ("(a + 2 * b) / c", None),
        ("2 * 50", None),
    ],
)
def test_constant_factor(written: str, factor: Fraction | None) -> None:
    assert formula.constant_factor(formula.parse(written)) == factor


# --- 7. vague goals whose only number is a date, ordinal, name, version or holiday ----------


@pytest.mark.parametrize(
    "goal",
    [
        "Improve brand awareness by 11-11",
        "Improve brand awareness in 2nd-tier cities",
        "Boost brand awareness with the 3rd-anniversary campaign",
        "Improve brand awareness with the Spring 2024 collection",
        "Improve brand awareness for the iPhone 16 launch",
        "Improve brand awareness by the 30th of September",
        "Improve brand awareness in tier 1 and 2 cities",
        "国庆7天长假期间大幅提升品牌曝光度",
        "借助 3.15 晚会热点提升品牌美誉度",
        "提升品牌知名度（2.0 版本升级）",
    ],
)
def test_goal_whose_only_number_says_when_or_what_is_vague(goal: str) -> None:
    assert vague_reason(goal) is not None


@pytest.mark.parametrize(
    "goal",
    [
        "Improve conversion by 10-15 % by 30 Sep 2023",
        "eBay 500 orders by 30 June 2024",
        "Sell 5,000 iPhone 16 units by 30 Sep 2024",
        "Brand searches +30 % in tier 1 and 2 cities by 30 September 2023",
        "国庆7天长假期间销售额 500 万元",
        "Reach 2.0 million followers by 31 Dec 2024",
        "Spring 2024 collection sales 300万 by June",
        "3.15 晚会后投诉量下降 50%",
        "Version 2 adoption 40 % by 30 June 2024",
        "1,000 3rd-party sellers by 2024-09-30",
    ],
)
def test_measurable_goal_beside_such_numbers_passes(goal: str) -> None:
    assert vague_reason(goal) is None
