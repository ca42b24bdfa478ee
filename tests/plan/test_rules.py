"""Each validation rule, broken exactly once in an otherwise valid plan: the finding's code,
field path and line are asserted, and the CLI's exit code for the broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktplan.errors import Finding, Severity
from mktplan.plan.validate import check_plan_file
from tests.conftest import run_cli
from tests.plan.plans import VALID, line_of, mutate, write


def errors_of(tmp_path: Path, text: str) -> list[Finding]:
    result = check_plan_file(write(tmp_path, text))
    return result.errors


def only_error(tmp_path: Path, text: str) -> Finding:
    errors = errors_of(tmp_path, text)
    assert len(errors) == 1, [(e.path, e.message) for e in errors]
    return errors[0]


def test_base_plan_is_valid_without_warnings(tmp_path: Path) -> None:
    result = check_plan_file(write(tmp_path, VALID))
    assert result.valid
    assert result.findings == []


# (old, new, code, path, line needle)
BROKEN: list[tuple[str, str, str, str, str, str]] = [
    (
        "vague-goal-en",
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        "goal: Improve brand awareness by 31 March 2024",
        "vague_goal",
        "modules[0].goal",
        "Improve brand awareness",
    ),
    (
        "vague-goal-zh",
        "goal: Brand keyword searches +30 % by 31 March 2024",
        "goal: 2024年3月31日前提升品牌知名度",
        "vague_goal",
        "modules[1].goal",
        "提升品牌知名度",
    ),
    (
        "no-measurable-kpi",
        "{id: searches, name: Brand searches, unit: count, target: 130000, baseline: 100000, "
        "due: 2024-03-31, source: index}",
        "{id: searches, name: Brand searches, unit: count, source: index}",
        "no_measurable_kpi",
        "modules[1].kpis",
        "    kpis:#2",
    ),
    (
        "reserve-too-low",
        "reserve: 12000\n  lines:\n    promotion: 60000\n    labour: 28000",
        "reserve: 5000\n  lines:\n    promotion: 60000\n    labour: 35000",
        "reserve_out_of_range",
        "budget.reserve",
        "reserve: 5000",
    ),
    (
        "reserve-too-high",
        "total: 100000\n  reserve: 12000\n  lines:\n    promotion: 60000\n    labour: 28000",
        "total: 100000\n  reserve: 20000\n  lines:\n    promotion: 60000\n    labour: 20000",
        "reserve_out_of_range",
        "budget.reserve",
        "reserve: 20000",
    ),
    (
        "modules-over-total",
        "    budget: 28000\n",
        "    budget: 38000\n",
        "budget_overrun",
        "budget.total",
        "total: 100000",
    ),
    (
        "lines-do-not-add-up",
        "labour: 28000",
        "labour: 27000",
        "lines_mismatch",
        "budget.lines",
        "  lines:",
    ),
    (
        "actions-over-module-budget",
        "budget: 50000, status: in_progress}",
        "budget: 70000, status: in_progress}",
        "actions_over_budget",
        "modules[0].actions",
        "    actions:#1",
    ),
    (
        "kpi-due-outside-period",
        "target: 500000, due: 2024-03-31",
        "target: 500000, due: 2024-04-30",
        "date_outside_period",
        "modules[0].kpis[0].due",
        "id: sales",
    ),
    (
        "action-outside-period",
        "start: 2024-01-10, end: 2024-02-28",
        "start: 2023-12-10, end: 2024-02-28",
        "date_outside_period",
        "modules[1].actions[0].start",
        "name: KOL posts",
    ),
    (
        "action-ends-before-start",
        "start: 2024-01-10, end: 2024-02-28",
        "start: 2024-03-10, end: 2024-02-28",
        "invalid",
        "modules[1].actions[0].end",
        "name: KOL posts",
    ),
    (
        "duplicate-kpi-id",
        "{id: orders, name: Orders",
        "{id: visitors, name: Orders",
        "duplicate_id",
        "modules[0].kpis[2].id",
        "name: Orders",
    ),
    (
        "unknown-kpi-in-formula",
        "formula: orders / visitors",
        "formula: orders / visits",
        "unknown_kpi",
        "modules[0].kpis[3].formula",
        "id: conversion",
    ),
    (
        "formula-with-call",
        "formula: orders / visitors",
        "formula: __import__('os').system('x')",
        "bad_formula",
        "modules[0].kpis[3].formula",
        "id: conversion",
    ),
    (
        "weight-is-a-formula-kpi",
        "{id: orders, name: Orders, unit: count, source: shop}",
        "{id: orders, name: Orders, unit: count, aggregation: mean, weight: conversion, source: shop}",
        "unknown_kpi",
        "modules[0].kpis[2].weight",
        "id: orders",
    ),
    (
        "unknown-kpi-in-alert",
        "{kpi: online.conversion,",
        "{kpi: online.convrsion,",
        "unknown_kpi",
        "alerts[0].kpi",
        "kpi: online.convrsion",
    ),
    (
        "unknown-kpi-in-source",
        "columns: {Sales: sales, Visitors: visitors}",
        "columns: {Sales: sales, Visitors: vistors}",
        "unknown_kpi",
        "sources.shop_daily.columns.Visitors",
        "columns: {Sales",
    ),
    (
        "unknown-module-in-review",
        "{date: 2024-02-01, module: online,",
        "{date: 2024-02-01, module: onlin,",
        "unknown_module",
        "reviews[0].module",
        "date: 2024-02-01",
    ),
    (
        "missing-unit",
        "{id: visitors, name: Visitors, unit: count, source: shop}",
        "{id: visitors, name: Visitors, source: shop}",
        "missing_unit",
        "modules[0].kpis[1]",
        "id: visitors",
    ),
    (
        "missing-source",
        "{id: visitors, name: Visitors, unit: count, source: shop}",
        "{id: visitors, name: Visitors, unit: count}",
        "missing_source",
        "modules[0].kpis[1]",
        "id: visitors",
    ),
    (
        "bad-role",
        "unit: CNY, role: spend, source: ledger}\n    actions:\n      - {name: Search",
        "unit: CNY, role: cost, source: ledger}\n    actions:\n      - {name: Search",
        "literal_error",
        "modules[0].kpis[4].role",
        "role: cost",
    ),
    (
        "bad-better",
        "baseline: 100000,",
        "baseline: 100000, better: smaller,",
        "literal_error",
        "modules[1].kpis[0].better",
        "better: smaller",
    ),
    (
        "two-owners-list",
        "owner: Zhao Qiang",
        "owner: [Zhao Qiang, Sun Li]",
        "value_error",
        "modules[0].owner",
        "owner: [Zhao Qiang",
    ),
    (
        "two-owners-joined",
        "owner: Zhang Min",
        "owner: Zhang Min / Li Hua",
        "value_error",
        "modules[1].owner",
        "owner: Zhang Min /",
    ),
    (
        "missing-owner",
        "    owner: Zhang Min\n",
        "",
        "missing",
        "modules[1].owner",
        "- id: brand",
    ),
    (
        "action-without-owner",
        "{name: KOL posts, owner: Li Hua,",
        "{name: KOL posts,",
        "missing",
        "modules[1].actions[0].owner",
        "name: KOL posts",
    ),
    (
        "undated-approval",
        "{role: management, name: Liu Yang, date: 2023-12-20}",
        "{role: management, name: Liu Yang}",
        "missing",
        "plan.approvals[0].date",
        "role: management",
    ),
    (
        "period-reversed",
        "period: {start: 2024-01-01, end: 2024-03-31}",
        "period: {start: 2024-04-01, end: 2024-03-31}",
        "invalid",
        "plan.period.end",
        "period:",
    ),
    (
        "rate-summed",
        "      - {id: visitors, name: Visitors, unit: count, source: shop}\n",
        '      - {id: visitors, name: Visitors, unit: "%", source: shop}\n',
        "rate_summed",
        "modules[0].kpis[1]",
        "id: visitors",
    ),
    (
        "ratio-summed-explicitly",
        "      - {id: visitors, name: Visitors, unit: count, source: shop}\n",
        "      - {id: visitors, name: Visitors, unit: ratio, aggregation: sum, source: shop}\n",
        "rate_summed",
        "modules[0].kpis[1].aggregation",
        "id: visitors",
    ),
    (
        "scaled-unit",
        "      - {id: sales, name: Sales, unit: CNY,",
        "      - {id: sales, name: Sales, unit: 万元,",
        "scaled_unit",
        "modules[0].kpis[0].unit",
        "id: sales",
    ),
    (
        "typo-field",
        "    owner: Zhao Qiang\n",
        "    ownr: Zhao Qiang\n",
        "extra_forbidden",
        "modules[0].ownr",
        "ownr: Zhao Qiang",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "code", "path", "needle"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_each_rule_breaks_alone(
    tmp_path: Path, old: str, new: str, code: str, path: str, needle: str
) -> None:
    text = mutate(old, new)
    errors = errors_of(tmp_path, text)
    matching = [e for e in errors if e.code == code and e.path == path]
    assert matching, [(e.code, e.path, e.message) for e in errors]
    finding = matching[0]
    assert finding.line == line_of(text, needle), (finding.line, finding.message)
    assert finding.hint, "every error says how to fix it"
    run = run_cli("validate", write(tmp_path, text, "cli.yaml"))
    assert run.code == 1
    assert f"cli.yaml:{finding.line} {path}" in run.stdout


def test_typo_suggests_the_known_field(tmp_path: Path) -> None:
    finding = only_error(tmp_path, mutate("    owner: Zhao Qiang\n", "    ownr: Zhao Qiang\n"))
    assert "did you mean 'owner'" in finding.message


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = mutate("labour: 28000", "labour: 27000")
    text = mutate("formula: orders / visitors", "formula: orders / visits", text)
    text = mutate("goal: Brand keyword searches +30 % by 31 March 2024", "goal: 提高用户粘性", text)
    codes = {e.code for e in errors_of(tmp_path, text)}
    assert {"lines_mismatch", "unknown_kpi", "vague_goal"} <= codes


def test_reserve_bounds_are_configurable(tmp_path: Path) -> None:
    text = mutate(
        "reserve: 12000\n  lines:\n    promotion: 60000\n    labour: 28000",
        "reserve: 5000\n  reserve_range: {min: 5, max: 8}\n  lines:\n    promotion: 60000\n"
        "    labour: 35000",
    )
    assert errors_of(tmp_path, text) == []


@pytest.mark.parametrize(
    ("reserve", "labour", "en", "zh"),
    [
        ("9999.99", "28000.01", "the reserve is 9.99999 % of the total", "总预算的 9.99999 %"),
        ("15000.01", "24999.99", "the reserve is 15.00001 % of the total", "总预算的 15.00001 %"),
        ("9000", "31000", "the reserve is 9.0 % of the total", "总预算的 9.0 %"),
    ],
)
def test_a_reserve_just_outside_its_range_is_not_rounded_into_it(
    tmp_path: Path, reserve: str, labour: str, en: str, zh: str
) -> None:
    text = mutate(
        "reserve: 12000\n  lines:\n    promotion: 60000\n    labour: 28000",
        f"reserve: {reserve}\n  lines:\n    promotion: 60000\n    labour: {labour}",
    )
    plan = write(tmp_path, text)
    assert (
        f"budget.reserve: {en}; it must be between 10 % and 15 %"
        in run_cli("validate", plan).stdout
    )
    assert zh in run_cli("validate", "--lang", "zh", plan).stdout


def test_formula_cycle_is_an_error(tmp_path: Path) -> None:
    text = mutate(
        "{id: orders, name: Orders, unit: count, source: shop}",
        "{id: orders, name: Orders, unit: count, formula: conversion * visitors}",
    )
    finding = only_error(tmp_path, text)
    assert finding.code == "formula_cycle"
    assert "online.conversion" in finding.message
    assert "online.orders" in finding.message


def test_vague_goal_message_teaches_smart(tmp_path: Path) -> None:
    finding = only_error(
        tmp_path,
        mutate(
            "goal: Online sales of 500,000 CNY by 31 March 2024", "goal: Grow sales significantly"
        ),
    )
    assert "SMART" in finding.message
    assert finding.hint is not None
    assert "+30 %" in finding.hint


def warnings_of(tmp_path: Path, text: str) -> list[Finding]:
    result = check_plan_file(write(tmp_path, text))
    assert result.errors == []
    return [f for f in result.findings if f.severity is Severity.WARNING]


def test_warning_target_far_beyond_baseline(tmp_path: Path) -> None:
    warnings = warnings_of(
        tmp_path, mutate("target: 130000, baseline: 100000", "target: 1300000, baseline: 100000")
    )
    # the goal still says +30 %, which the new target no longer is: a second warning
    assert [w.code for w in warnings] == ["target_far_from_baseline", "goal_target_mismatch"]
    assert warnings[0].path == "modules[1].kpis[0].target"


def test_warning_budget_mostly_unplanned(tmp_path: Path) -> None:
    warnings = warnings_of(
        tmp_path,
        mutate("budget: 50000, status: in_progress}", "budget: 20000, status: in_progress}"),
    )
    assert [w.code for w in warnings] == ["budget_unplanned"]


def test_warning_no_approvals_and_strict(tmp_path: Path) -> None:
    text = mutate("  approvals:\n    - {role: management, name: Liu Yang, date: 2023-12-20}\n", "")
    warnings = warnings_of(tmp_path, text)
    assert [w.code for w in warnings] == ["no_approvals"]
    path = write(tmp_path, text, "w.yaml")
    assert run_cli("validate", path).code == 0
    strict = run_cli("validate", "--strict", path)
    assert strict.code == 1
    assert "no approvals" in strict.stdout


def test_a_gap_finer_than_a_cent_is_shown_exactly(tmp_path: Path) -> None:
    # the amounts were rounded to the cent: "come to 100,000, not the total 100,000" and
    # "remove 0 across the lines" for a gap of 0.000001
    text = mutate("labour: 28000", "labour: 28000.000001")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert (
        "budget lines (88,000.000001) plus the reserve (12,000) come to 100,000.000001, "
        "not the total 100,000" in run.stdout
    )
    assert "hint: remove 0.000001 across the lines" in run.stdout


def test_the_reserve_hint_names_amounts_inside_the_range(tmp_path: Path) -> None:
    # 10 % of 333,333.33 is 33,333.333: the hint said 33,333.33, itself below 10 %
    text = mutate(
        "total: 100000\n  reserve: 12000\n  lines:\n    promotion: 60000\n    labour: 28000",
        "total: 333333.33\n  reserve: 20000\n  lines:\n    promotion: 60000\n    labour: 253333.33",
    )
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    assert "hint: set reserve between 33,333.34 and 49,999.99" in run.stdout


@pytest.mark.parametrize(
    "unit",
    ["万元", "千元", "亿元", "万", "万次", "k USD", "M", "百万人", "万美元", "万UV", "万 PV",
     "十亿", "bn", "w", "k users", "USD k", "$M", "$m", "m users", "usd k", "W",
     # every measure word the vague-goal detector counts with (vocab.MEASURE_WORDS)
     "万名", "万位", "万辆", "万套", "万户", "万粉"],
)  # fmt: skip
def test_a_scaled_unit_is_an_error(tmp_path: Path, unit: str) -> None:
    text = mutate(
        "      - {id: searches, name: Brand searches, unit: count,",
        f"      - {{id: searches, name: Brand searches, unit: '{unit}',",
    )
    finding = only_error(tmp_path, text)
    assert finding.code == "scaled_unit"
    assert "100万 is 1000000" in str(finding.hint)


@pytest.mark.parametrize(
    "unit",
    ["count", "CNY", "元", "元/次", "km", "次", "ratio", "KOLs", "MQLs", "MAU", "mins", "kcal",
     "千克", "元/千次", "百分点", "十分制", "千卡", "item", "week", "team", "m", "百度指数",
     "千川消耗"],
)  # fmt: skip
def test_a_unit_without_a_scale_passes(tmp_path: Path, unit: str) -> None:
    text = mutate(
        "      - {id: searches, name: Brand searches, unit: count,",
        f"      - {{id: searches, name: Brand searches, unit: '{unit}', aggregation: last,",
    )
    assert errors_of(tmp_path, text) == []


def test_a_unit_longer_than_any_scaled_one_is_not_matched(tmp_path: Path) -> None:
    # the pattern backtracks in square time over spaces (万, 50,000 spaces and x took 5 s),
    # so units beyond _LONGEST_SCALED_UNIT characters are not matched: 万 … UV is then no
    # scaled unit, as no real unit is that long
    from mktplan.plan.rules import _LONGEST_SCALED_UNIT

    unit = "万" + " " * _LONGEST_SCALED_UNIT + "UV"
    text = mutate(
        "      - {id: searches, name: Brand searches, unit: count,",
        f"      - {{id: searches, name: Brand searches, unit: '{unit}', aggregation: last,",
    )
    assert errors_of(tmp_path, text) == []


def test_a_formula_may_have_a_scaled_unit(tmp_path: Path) -> None:
    roi = "  - {id: roi, name: ROI, unit: ratio, formula: revenue / spend, target: 3, due: 2024-03-31}"
    assert roi in VALID
    text = VALID.replace(
        roi, f"{roi}\n  - {{id: sales_wan, name: Sales, unit: 万元, formula: revenue / 10000}}"
    )
    assert errors_of(tmp_path, text) == []


def test_a_rate_summed_on_purpose_is_told_so(tmp_path: Path) -> None:
    text = mutate(
        "      - {id: visitors, name: Visitors, unit: count, source: shop}\n",
        '      - {id: visitors, name: Visitors, unit: "%", aggregation: sum, source: shop}\n',
    )
    finding = only_error(tmp_path, text)
    assert "(aggregation sum):" in str(finding.message)
    assert "the default" not in str(finding.message)


def test_a_fixed_channel_too_long_for_the_store_key_is_an_error(tmp_path: Path) -> None:
    text = VALID.replace(
        "    module: online\n", f"    module: online\n    fixed: {{channel: {'渠' * 167}}}\n", 1
    )
    finding = only_error(tmp_path, text)
    assert finding.path.endswith(".fixed.channel")
    assert "501 bytes in UTF-8" in str(finding.message)


@pytest.mark.parametrize("unit", ["USD", "$", "美元", "USD/month"])
def test_a_spend_or_revenue_kpi_in_another_currency_is_refused(tmp_path: Path, unit: str) -> None:
    # it was added to the CNY spend as it stood: 100 USD + 100 CNY = 200 CNY, ROI on track
    line = "{id: spend, name: Spend, unit: CNY, role: spend, source: ledger}"
    text = VALID.replace(line, line.replace("unit: CNY", f'unit: "{unit}"'), 1)
    errors = check_plan_file(write(tmp_path, text)).errors
    [error] = [f for f in errors if f.code == "role_other_currency"]
    assert error.path == "modules[0].kpis[4].unit"
    assert "has `role: spend`" in error.message
    assert "mktplan converts no currency" in error.message
    assert "record it in CNY" in str(error.hint)


@pytest.mark.parametrize("unit", ["CNY", "元", "RMB", "¥", "count"])
def test_a_spend_kpi_in_the_plans_currency_or_without_one_is_fine(
    tmp_path: Path, unit: str
) -> None:
    line = "{id: spend, name: Spend, unit: CNY, role: spend, source: ledger}"
    text = VALID.replace(line, line.replace("unit: CNY", f'unit: "{unit}"'), 1)
    codes = {f.code for f in check_plan_file(write(tmp_path, text)).errors}
    assert "role_other_currency" not in codes


@pytest.mark.parametrize(
    "written",
    ["orders / visitors * 100", "100 * orders / visitors", "(orders * 100) / visitors"],
)
def test_a_percent_formula_times_100_is_refused(tmp_path: Path, written: str) -> None:
    # it read 100 times too high: 300 % for a 3 % conversion, "on track" at 6,000 %
    text = VALID.replace("formula: orders / visitors, target", f"formula: {written}, target", 1)
    [error] = check_plan_file(write(tmp_path, text)).errors
    assert (error.code, error.path) == ("percent_times_100", "modules[0].kpis[3].formula")
    assert "multiplies by 100" in error.message


@pytest.mark.parametrize(
    "written", ["orders / visitors", "orders / (visitors * 100)", "orders / 100"]
)
def test_a_percent_formula_dividing_by_100_is_no_such_error(tmp_path: Path, written: str) -> None:
    text = VALID.replace("formula: orders / visitors, target", f"formula: {written}, target", 1)
    codes = {f.code for f in check_plan_file(write(tmp_path, text)).errors}
    assert "percent_times_100" not in codes


@pytest.mark.parametrize(
    ("written", "unit", "said"),
    [
        ("orders / sales", '"%"', "gives a count per unit of money"),
        ("sales + orders", '"%"', "adds or subtracts money and a count"),
        ("orders + visitors", "CNY", "gives a count"),
        ("sales / orders", "ratio", "gives money per count"),
    ],
)
def test_a_formula_whose_units_do_not_make_its_kpis_is_a_warning(
    tmp_path: Path, written: str, unit: str, said: str
) -> None:
    text = VALID.replace(
        'unit: "%", formula: orders / visitors,', f"unit: {unit}, formula: {written},", 1
    )
    result = check_plan_file(write(tmp_path, text))
    [warning] = [f for f in result.findings if f.code == "formula_units"]
    assert (warning.severity, warning.path) == (Severity.WARNING, "modules[0].kpis[3].formula")
    assert said in warning.message


def test_money_per_thing_and_money_go_together(tmp_path: Path) -> None:
    # CAC written 元/人, LTV in CNY: LTV / CAC is a ratio, (LTV - CAC) / CAC a percentage
    extra = (
        "      - {id: ltv, name: LTV, unit: CNY, source: crm}\n"
        '      - {id: cac, name: CAC, unit: "元/人", source: crm}\n'
        "      - {id: ltv_cac, name: LTV to CAC, unit: ratio, formula: ltv / cac}\n"
        '      - {id: payback, name: Payback, unit: "%", formula: (ltv - cac) / cac}\n'
    )
    line = "      - {id: spend, name: Spend, unit: CNY, role: spend, source: ledger}\n"
    text = VALID.replace(line, line + extra, 1)
    codes = {f.code for f in check_plan_file(write(tmp_path, text)).findings}
    assert "formula_units" not in codes


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("orders / visitors", '"%"'),
        ("(sales - spend) / sales", '"%"'),
        ("revenue / spend", "ratio"),
        ("sales / orders", "CNY"),
        ("spend / orders * 1000", "元/千次"),
        ("orders / visitors * visitors", "count"),
        ("sales - spend", "CNY"),
        ("visitors / spend", "次/元"),  # a count per unit of money
        ("visitors / spend * 1000", "visitors per 1000 CNY"),
    ],
)
def test_formulas_whose_units_agree_are_fine(tmp_path: Path, written: str, unit: str) -> None:
    text = VALID.replace(
        'unit: "%", formula: orders / visitors,', f"unit: {unit}, formula: {written},", 1
    )
    codes = {f.code for f in check_plan_file(write(tmp_path, text)).findings}
    assert "formula_units" not in codes


RATE_SOURCES = VALID.replace(
    "source: index}",
    'source: index}\n      - {id: ctr, name: CTR, unit: "%", aggregation: mean, source: ads}',
    1,
)


def _rate_warnings(tmp_path: Path, sources: str) -> list[Finding]:
    text = RATE_SOURCES.replace("sources:\n", sources, 1)  # before the plan's shop_daily
    found = check_plan_file(write(tmp_path, text))
    assert found.errors == [], found.errors
    return [w for w in found.warnings if w.code == "rate_by_line"]


def test_a_rate_from_a_source_with_a_line_column_is_a_warning(tmp_path: Path) -> None:
    # rows of several lines on one day and channel were added up (CTR 2 % + 3 % = 5 %)
    [warning] = _rate_warnings(
        tmp_path,
        "sources:\n  ads:\n    date: Day\n    module: brand\n    line: Campaign type\n"
        "    columns: {CTR: ctr}\n",
    )
    assert warning.path == "sources.ads.line"
    assert "KPI 'brand.ctr' is a rate" in warning.message
    assert "map 'Campaign type' as the source's `channel:`" in str(warning.hint)


def test_a_rate_from_sources_with_different_fixed_lines_is_a_warning(tmp_path: Path) -> None:
    one = "    date: Day\n    module: brand\n    columns: {CTR: ctr}\n"
    [warning] = _rate_warnings(
        tmp_path,
        f"sources:\n  a:\n{one}    fixed: {{line: search}}\n  b:\n{one}",
    )
    assert "its sources store it under different budget lines (a: search, b: -)" in (
        warning.message
    )
    same = f"sources:\n  a:\n{one}    fixed: {{line: search}}\n  b:\n{one}    fixed: {{line: search}}\n"
    assert _rate_warnings(tmp_path, same) == []


@pytest.mark.parametrize(("written", "code"), [("RMB", "CNY"), ("YEN", "JPY")])
def test_a_plan_currency_named_by_another_name_is_refused_with_its_iso_code(
    tmp_path: Path, written: str, code: str
) -> None:
    # RMB was taken as a currency of its own: every CNY, 元 or ¥ spend KPI was "another currency"
    text = mutate("currency: CNY", f"currency: {written}")
    finding = only_error(tmp_path, text)
    assert (finding.path, finding.line, finding.code) == ("plan.currency", 6, "currency_not_iso")
    assert f"{written!r} is not an ISO 4217 currency code: it is a name of {code}" in (
        finding.message
    )
    assert str(finding.hint).startswith(f"write {code}, its ISO 4217 code")


def test_a_plan_currency_that_is_no_iso_code_is_refused(tmp_path: Path) -> None:
    finding = only_error(tmp_path, mutate("currency: CNY", "currency: XYZ"))
    assert (finding.path, finding.code) == ("plan.currency", "currency_not_iso")
    assert "'XYZ' is not an ISO 4217 currency code" in finding.message
    assert "ISO 4217 code in capitals" in str(finding.hint)


def test_a_lowercase_currency_alias_is_told_its_iso_code(tmp_path: Path) -> None:
    finding = only_error(tmp_path, mutate("currency: CNY", "currency: rmb"))
    assert finding.path == "plan.currency"
    assert str(finding.hint).startswith("write CNY, its ISO 4217 code")


@pytest.mark.parametrize("currency", ["CNY", "USD", "EUR", "JPY", "HKD"])
def test_iso_plan_currencies_are_accepted(tmp_path: Path, currency: str) -> None:
    text = mutate("currency: CNY", f"currency: {currency}")
    codes = {f.code for f in check_plan_file(write(tmp_path, text)).errors}
    assert "currency_not_iso" not in codes


def test_the_currency_error_in_chinese(tmp_path: Path) -> None:
    run = run_cli(
        "validate", "--lang", "zh", write(tmp_path, mutate("currency: CNY", "currency: RMB"))
    )
    assert run.code == 1
    assert "'RMB' 不是 ISO 4217 货币代码，而是 CNY 的别称" in run.stdout
    assert "写 CNY（ISO 4217 代码）" in run.stdout


@pytest.mark.parametrize("name", ["应急预备金", "contingency"])
def test_the_reserve_listed_as_a_budget_line_is_pointed_at(tmp_path: Path, name: str) -> None:
    # "remove 12,000 across the lines" sent people hunting: the line repeating it is the fault
    text = mutate("    labour: 28000\n", f"    labour: 28000\n    {name}: 12000\n")
    finding = only_error(tmp_path, text)
    assert (finding.path, finding.code) == (f"budget.lines.{name}", "lines_mismatch")
    assert finding.line == line_of(text, f"{name}: 12000")
    assert finding.message == (
        f"budget line {name!r} (12,000) is the reserve listed again: lines plus the reserve "
        "come to 112,000, not the total 100,000"
    )
    assert str(finding.hint).startswith(f"remove the line {name!r}: the reserve is")


def test_a_line_named_as_the_reserve_is_chosen_among_equal_amounts(tmp_path: Path) -> None:
    text = mutate(
        "    labour: 28000\n", "    labour: 16000\n    events: 12000\n    备用金: 12000\n"
    )
    finding = only_error(tmp_path, text)
    assert finding.path == "budget.lines.备用金"


def test_an_excess_of_the_reserve_without_such_a_line_keeps_the_sum_message(
    tmp_path: Path,
) -> None:
    text = mutate("    labour: 28000\n", "    labour: 40000\n")
    finding = only_error(tmp_path, text)
    assert finding.path == "budget.lines"
    assert "come to 112,000, not the total 100,000" in finding.message
    assert str(finding.hint) == "remove 12,000 across the lines"
