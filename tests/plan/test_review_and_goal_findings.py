"""Plan review: what `diff` shows a reviewer (no Python reprs, formulas compared
by what they compute, a moved checkpoint as removed and added), measurable goals that were
refused, a review naming another module's KPI, an alert that fires on every value, and
messages that point at the real cause."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.errors import Finding, Severity
from mktplan.plan.diff import Area, Change, Kind, compare, diff_plans, render_cells, to_markdown
from mktplan.plan.loader import load_yaml_text
from mktplan.plan.model import Plan
from mktplan.plan.vague import vague_reason
from mktplan.plan.validate import PlanCheck, check_plan_file
from tests.plan.plans import VALID, line_of, mutate, write

CONVERSION = "formula: orders / visitors, target: 4"
SOURCE = "    columns: {Sales: sales, Visitors: visitors}\n"
CHECKPOINTS = "role: revenue, target: 500000, due: 2024-03-31, source: shop"


def plan_of(text: str) -> Plan:
    return Plan.model_validate(load_yaml_text(text, "plan.yaml").data)


def changes(new: str, old: str = VALID) -> list[Change]:
    return diff_plans(plan_of(old), plan_of(new))


# ---- 1. diff: what a reviewer reads ------------------------------------------------------


def test_a_formula_respaced_is_no_change() -> None:
    assert changes(mutate(CONVERSION, "formula: orders/visitors, target: 4")) == []
    assert changes(mutate(CONVERSION, "formula: (orders) / (visitors), target: 4")) == []


def test_a_formula_that_computes_otherwise_is_a_careful_change() -> None:
    (change,) = changes(mutate(CONVERSION, "formula: visitors / orders, target: 4"))
    assert (change.field, change.careful) == ("formula", True)
    assert (change.old, change.new) == ("orders / visitors", "visitors / orders")


def test_fixed_values_added_to_a_source_read_as_field_value_pairs() -> None:
    new = mutate(SOURCE, SOURCE + "    fixed: {line: promotion}\n")
    (change,) = changes(new)
    for lang in ("en", "zh"):
        old_cell, new_cell = render_cells(change, lang)[3:5]
        assert (old_cell, new_cell) == ("–", "line promotion")
    assert change.as_dict()["new"] == "line promotion"


def test_an_added_source_shows_its_columns_as_header_to_kpi() -> None:
    added = "  ledger_daily:\n    date: 日期\n    columns: {曝光量: impressions, 点击量: clicks}\n"
    new = mutate(SOURCE, SOURCE + added)
    (change,) = changes(new)
    assert (change.area, change.kind) == (Area.source, Kind.added)
    text = compare(plan_of(VALID), plan_of(new), "a", "b")
    en, zh = to_markdown(text, "en"), to_markdown(text, "zh")
    assert "date 日期, columns 曝光量 → impressions, 点击量 → clicks" in en
    assert "date 日期，columns 曝光量 → impressions，点击量 → clicks" in zh
    for rendered in (en, zh):
        assert "{" not in rendered
        assert "'" not in rendered
    assert "曝光量 → impressions" in str(change.as_dict()["new"])


def test_a_removed_source_shows_its_columns_too() -> None:
    (change,) = changes(VALID.replace(SOURCE, "    columns: {Sales: sales}\n"))
    assert (change.field, change.kind) == ("columns.Visitors", Kind.removed)
    assert (change.old, change.new) == ("visitors", None)


def test_a_moved_checkpoint_is_one_removed_and_one_added() -> None:
    old = mutate(CHECKPOINTS, CHECKPOINTS + ", checkpoints: {2024-01-31: 20%, 2024-02-29: 50%}")
    new = mutate(CHECKPOINTS, CHECKPOINTS + ", checkpoints: {2024-01-30: 20%, 2024-02-29: 50%}")
    found = changes(new, old)
    assert [(c.field, c.kind, c.careful) for c in found] == [
        ("checkpoints.2024-01-31", Kind.removed, True),
        ("checkpoints.2024-01-30", Kind.added, True),
    ]
    rows = [render_cells(c, "en")[2:5] for c in found]
    assert rows == [
        ("⚠ checkpoints.2024-01-31 removed", "20%", ""),
        ("⚠ checkpoints.2024-01-30 added", "", "20%"),
    ]
    assert [c.as_dict()["kind"] for c in found] == ["removed", "added"]
    zh = [render_cells(c, "zh")[2] for c in found]
    assert zh == ["⚠ 阶段目标.2024-01-31 删除", "⚠ 阶段目标.2024-01-30 新增"]


def test_a_checkpoint_whose_share_changes_is_still_changed() -> None:
    old = mutate(CHECKPOINTS, CHECKPOINTS + ", checkpoints: {2024-01-31: 20%}")
    new = mutate(CHECKPOINTS, CHECKPOINTS + ", checkpoints: {2024-01-31: 25%}")
    (change,) = changes(new, old)
    assert (change.kind, change.old, change.new) == (Kind.changed, "20%", "25%")


def test_a_budget_line_added_still_reads_added() -> None:
    (change,) = changes(mutate("    labour: 28000\n", "    labour: 28000\n    events: 0\n"))
    assert render_cells(change, "en")[1:3] == ("line events", "added")


# ---- 2. measurable goals that were refused ------------------------------------------------


def test_a_number_like_a_year_is_the_target_when_a_kpi_targets_it() -> None:
    goal = "7 月 20 日前新增注册用户达到 2000"
    assert vague_reason(goal, [Decimal(2000), Decimal(15)]) is None
    assert vague_reason(goal) is not None  # with no such target, 2000 may be the year
    assert vague_reason("Improve brand awareness by 2000", [Decimal(500)]) is not None


@pytest.mark.parametrize(
    "goal",
    [
        "7 月 20 日前获客成本降至十五元以下",
        "7 月 20 日前获客成本从二十元降到十五元",
        "客单价提高到一百二十块",
        "Rank first in Weibo's beauty topic chart by 31 July 2023",
        "Ranked second in the category by Q4",
        "Become the number one beauty brand on Weibo by 31 July 2023",
        "Be the number one seller in sunscreen",
        "Reach a 4.8-star store rating on Tmall by 31 August 2023",
    ],
)
def test_amounts_in_chinese_numerals_ranks_and_ratings_are_quantities(goal: str) -> None:
    assert vague_reason(goal) is None


@pytest.mark.parametrize(
    "goal",
    [
        "Customers come first",
        "Place first-party data at the core of growth",
        "The number one priority is brand awareness",
        "No one left behind: improve loyalty",
        "Grow sales at 5-star hotels",
        "打造一元化品牌形象",
    ],
)
def test_idioms_near_ranks_ratings_and_money_stay_vague(goal: str) -> None:
    assert vague_reason(goal) is not None


# ---- 3. a review of another module's KPI, an alert that always fires ---------------------

REVIEW = "  - {date: 2024-02-01, module: online, cause: Slow start, measure: More search budget}"
ALERT = "  - {kpi: online.conversion, below_target: 30%, severity: critical}"


def check(tmp_path: Path, text: str) -> PlanCheck:
    return check_plan_file(write(tmp_path, text))


def test_a_review_of_one_module_about_another_modules_kpi_names_both(tmp_path: Path) -> None:
    text = mutate(REVIEW, REVIEW.replace("module: online", "module: online, kpi: brand.searches"))
    result = check(tmp_path, text)
    (found,) = result.findings
    assert (found.severity, found.code, found.path) == (
        Severity.WARNING,
        "review_other_module",
        "reviews[0].kpi",
    )
    assert found.line == line_of(text, "kpi: brand.searches")
    assert "'online'" in found.message
    assert "'brand.searches'" in found.message
    assert "module 'brand'" in found.message
    assert found.hint == (
        "write `module: brand` if the review is about that module, or name a KPI of the "
        "module reviewed"
    )


@pytest.mark.parametrize("kpi", ["online.sales", "roi"])
def test_a_review_of_its_own_modules_or_a_plan_kpi_is_fine(tmp_path: Path, kpi: str) -> None:
    text = mutate(REVIEW, REVIEW.replace("module: online", f"module: online, kpi: {kpi}"))
    assert check(tmp_path, text).findings == []


@pytest.mark.parametrize(("above", "below"), [("50", "100"), ("50", "50")])
def test_an_alert_above_a_value_below_the_other_fires_always(
    tmp_path: Path, above: str, below: str
) -> None:
    text = mutate(ALERT, f"{ALERT}\n  - {{kpi: online.visitors, above: {above}, below: {below}}}")
    (found,) = check(tmp_path, text).errors
    assert (found.code, found.path) == ("alert_always", "alerts[1].above")
    assert found.message == (
        "alert on 'online.visitors' fires on every value: each condition fires on its own, "
        f"and every value is above {above} or below {below}"
    )


def test_an_alert_outside_a_band_is_fine(tmp_path: Path) -> None:
    text = mutate(ALERT, f"{ALERT}\n  - {{kpi: online.visitors, above: 100, below: 50}}")
    assert check(tmp_path, text).findings == []


# ---- 4. messages that name the real cause ------------------------------------------------

DUE = "target: 500000, due: 2024-03-31"


def only_error(tmp_path: Path, text: str) -> Finding:
    (found,) = check(tmp_path, text).errors
    return found


def test_a_date_with_a_trailing_space_says_so(tmp_path: Path) -> None:
    found = only_error(tmp_path, mutate(DUE, 'target: 500000, due: "2024-03-31 "'))
    assert found.message == (
        "'2024-03-31 ' is not a valid date for 'due' (a space before or after the date)"
    )
    assert found.hint == "write it without the space: 2024-03-31"


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("31-03-2024", "write it as YYYY-MM-DD, the year first: 2024-03-31"),
        ("31/03/2024", "write it as YYYY-MM-DD, the year first: 2024-03-31"),
        (
            "03-02-2024",
            "write it as YYYY-MM-DD, the year first: 2024-02-03, or 2024-03-02 if the month "
            "comes first",
        ),
    ],
)
def test_a_date_written_day_first_is_shown_year_first(
    tmp_path: Path, written: str, hint: str
) -> None:
    found = only_error(tmp_path, mutate(DUE, f"target: 500000, due: {written}"))
    assert found.message == f"{written!r} is not a valid date for 'due' (the day comes first)"
    assert found.hint == hint


def test_a_reserve_in_percent_is_worked_out_from_the_plans_total(tmp_path: Path) -> None:
    found = only_error(tmp_path, mutate("reserve: 12000", "reserve: 12%"))
    assert found.hint == (
        "write 12000 for 12 % of the budget total (12 % of 100000 is 12000), or 12 if that is "
        "the amount: `reserve` is money in the plan's currency, not a percentage"
    )
    text = mutate("reserve: 12000", "reserve: 12%", mutate("total: 100000", "total: 375000"))
    assert "12 % of 375000 is 45000" in str(check(tmp_path, text).errors[0].hint)


def test_a_percent_total_has_no_total_to_work_from(tmp_path: Path) -> None:
    found = check(tmp_path, mutate("total: 100000", "total: 12%")).errors[0]
    assert found.path == "budget.total"
    assert found.hint == (
        "write 12 if that is the amount: `total` is money in the plan's currency, not a percentage"
    )


def test_no_modules_is_a_plain_message(tmp_path: Path) -> None:
    head, tail = VALID.index("modules:"), VALID.index("sources:")
    text = VALID[:head] + "modules: []\n\n" + VALID[tail:].replace("    module: online\n", "")
    found = only_error(tmp_path, text)
    assert (found.path, found.line) == ("modules", line_of(text, "modules: []"))
    assert found.message == "`modules` is empty: a plan needs at least one module"
    assert found.hint is not None
    assert "List should" not in found.hint
    assert "`- id: online`" in found.hint
