"""Single values the model reads: numbers and dates mean what YAML 1.2 says they mean, and a
refused value is named in YAML's words (null, true, 375_000), never Python's."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.errors import Finding
from mktplan.plan.validate import check_plan_file
from tests.conftest import run_cli
from tests.plan.plans import line_of, mutate, write

PYTHON_WORDS = ("None", "True", "False", "Decimal(", "NoneType", "String should", "Input should")


def only_error(tmp_path: Path, text: str) -> Finding:
    result = check_plan_file(write(tmp_path, text))
    assert result.plan is None
    [error] = result.errors
    for word in PYTHON_WORDS:
        assert word not in error.message
    assert error.hint
    return error


# --- numbers written with _ between digits: text in YAML 1.2, not the number ---------------

UNDERSCORES = [
    ("total: 100000", "total: 100_000", "budget.total", "100000"),
    ("total: 100000", 'total: "100_000"', "budget.total", "100000"),
    ("labour: 28000", "labour: 28_000", "budget.lines.labour", "28000"),
    ("    budget: 60000", "    budget: 60_000", "modules[0].budget", "60000"),
    ("budget: 50000, status", "budget: 50_000, status", "modules[0].actions[0].budget", "50000"),
    ("target: 130000,", "target: 130_000,", "modules[1].kpis[0].target", "130000"),
    ("baseline: 100000", "baseline: 1_00_000", "modules[1].kpis[0].baseline", "100000"),
    ("below_target: 30%", "below_target: 3_0%", "alerts[0].below_target", "30%"),
    (
        "currency: CNY",
        "currency: CNY\n  alert_response_hours: 4_8",
        "plan.alert_response_hours",
        "48",
    ),
    (
        "currency: CNY",
        "currency: CNY\n  status_thresholds: {on_track: 0.9_5}",
        "plan.status_thresholds.on_track",
        "0.95",
    ),
    (
        "source: index}",
        "source: index, checkpoints: {2024-02-01: 11_000}}",
        "modules[1].kpis[0].checkpoints.2024-02-01",
        "11000",
    ),
    (
        "source: index}",
        "source: index, checkpoints: {2024-02-01: 1_0%}}",
        "modules[1].kpis[0].checkpoints.2024-02-01",
        "10%",
    ),
]


@pytest.mark.parametrize(("old", "new", "path", "meant"), UNDERSCORES)
def test_a_number_with_underscores_is_text_not_that_number(
    tmp_path: Path, old: str, new: str, path: str, meant: str
) -> None:
    text = mutate(old, new)
    error = only_error(tmp_path, text)
    assert error.path == path
    assert error.line == line_of(text, new.splitlines()[-1].strip())
    assert "is text, not a number" in error.message
    assert error.hint == f"write {meant}, without _ between the digits"


def test_a_scale_with_underscores_is_refused(tmp_path: Path) -> None:
    old = "columns: {Sales: sales, Visitors: visitors}"
    text = mutate(old, old + "\n    scale: {Sales: 1_000}")
    [error] = check_plan_file(write(tmp_path, text)).errors
    assert error.line == line_of(text, "scale: {Sales: 1_000}")
    assert error.path == "sources.shop_daily.scale.Sales"
    assert "1_000 is text, not a number" in error.message


def test_a_quoted_plain_number_is_still_read_as_that_number(tmp_path: Path) -> None:
    result = check_plan_file(write(tmp_path, mutate("total: 100000", 'total: "100000"')))
    assert result.valid
    assert result.plan is not None
    assert result.plan.budget.total == 100000


# --- text that Python reads as a number and YAML does not: full-width digits, exponents --

UNREAD_NUMBERS = [
    ('total: "１０００００"', "budget.total", "full-width digits", "100000"),
    ('total: "١٠٠٠٠٠"', "budget.total", "other scripts", "100000"),
    ('total: "1e5"', "budget.total", "with an exponent", "100000"),
    ("total: ! 1E5", "budget.total", "with an exponent", "100000"),
    ('total: "1e99999"', "budget.total", "with an exponent", None),
]


@pytest.mark.parametrize(("new", "path", "reason", "meant"), UNREAD_NUMBERS)
def test_text_that_only_python_reads_as_a_number_is_refused(
    tmp_path: Path, new: str, path: str, reason: str, meant: str | None
) -> None:
    text = mutate("total: 100000", new)
    error = only_error(tmp_path, text)
    assert (error.path, error.line) == (path, line_of(text, new))
    assert "is text, not a number, for 'total'" in error.message
    assert reason in error.message
    assert error.hint == (f"write {meant}" if meant else error.hint)
    assert meant or "plain number" in (error.hint or "")


def test_full_width_digits_are_refused_in_chinese_too(tmp_path: Path) -> None:
    text = mutate("below_target: 30%", 'below_target: "３０%"')
    run = run_cli("validate", "--lang", "zh", write(tmp_path, text))
    assert run.code == 1
    assert "'below_target' 的值 ３０% 是文字而不是数字" in run.stdout
    assert "写作 30%" in run.stdout


@pytest.mark.parametrize("written", ['"1000"', "! 1000", "1000"])
def test_a_checkpoint_quoted_or_tagged_text_is_the_plain_number_it_spells(
    tmp_path: Path, written: str
) -> None:
    # as in every number field; before, quoted it was "neither a number nor a share"
    old = "source: index}"
    result = check_plan_file(
        write(tmp_path, mutate(old, f"source: index, checkpoints: {{2024-02-01: {written}}}}}"))
    )
    assert result.errors == []
    assert result.plan is not None
    [kpi] = [k for k in result.plan.modules[1].kpis if k.checkpoints]
    assert kpi.checkpoints == {dt.date(2024, 2, 1): Decimal(1000)}


# --- numbers where a date belongs: never a Unix timestamp -----------------------------------

DATE_NUMBERS = [
    ("due: 2024-03-31, source: index", "due: 1711843200, source: index", "2024-03-31"),
    ("due: 2024-03-31, source: index", "due: 20240331, source: index", "2024-03-31"),
    ("due: 2024-03-31, source: index", 'due: "20240331", source: index', "2024-03-31"),
    ("start: 2024-01-01", "start: 0", None),
    ("date: 2024-02-01, module", "date: 1.5, module", None),
    ("end: 2024-02-28, budget", "end: 1709078400.0, budget", "2024-02-28"),
]


@pytest.mark.parametrize(("old", "new", "meant"), DATE_NUMBERS)
def test_a_number_is_not_a_date(tmp_path: Path, old: str, new: str, meant: str | None) -> None:
    text = mutate(old, new)
    error = only_error(tmp_path, text)
    assert error.line == line_of(text, new)
    written = new.partition(": ")[2].split(",")[0].strip('"')
    assert error.message.startswith(f"{written} is a number, not a date, for ")
    if meant:
        assert error.hint == f"write the date as YYYY-MM-DD: {meant}, if that is the day meant"
    else:
        assert error.hint.startswith("write dates as YYYY-MM-DD")


def test_a_number_as_a_checkpoint_date_is_refused(tmp_path: Path) -> None:
    text = mutate("source: index}", "source: index, checkpoints: {20240201: 11000}}")
    error = only_error(tmp_path, text)
    assert error.path == "modules[1].kpis[0].checkpoints[20240201]"
    assert error.message == "20240201 is a number, not a date, for 'checkpoints'"


def test_a_true_date_is_still_refused_as_not_a_date(tmp_path: Path) -> None:
    error = only_error(tmp_path, mutate("date: 2024-02-01, module", "date: true, module"))
    assert "not a number" not in error.message


# --- refused values named in YAML's words, with a hint ---------------------------------------


@pytest.mark.parametrize("written", ["name: null", "name: ~", 'name: ""', "name:", "name: '  '"])
def test_an_empty_name_is_empty(tmp_path: Path, written: str) -> None:
    text = mutate("name: Test plan", written)
    error = only_error(tmp_path, text)
    assert (error.path, error.line) == ("plan.name", line_of(text, written))
    assert error.message == "'name' is empty"
    assert error.hint == "write its value after `name:`"


def test_a_boolean_where_text_belongs_is_named_as_yaml_writes_it(tmp_path: Path) -> None:
    text = mutate("    name: Online", "    name: true")
    error = only_error(tmp_path, text)
    assert error.message == "true is not text for 'name'"
    assert '"true"' in (error.hint or "")


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("1e3", "1e3"),  # not 1E+3
        ("0x1F", "0x1F"),  # not 31
        ("0o17", "0o17"),  # not 15
        ("TRUE", "TRUE"),  # not true
        ("+12.50", "+12.50"),
    ],
)
def test_a_value_that_is_not_text_is_quoted_as_the_plan_wrote_it(
    tmp_path: Path, written: str, shown: str
) -> None:
    text = mutate("    name: Online", f"    name: {written}  # a comment")
    error = only_error(tmp_path, text)
    assert error.message == f"{shown} is not text for 'name'"


def test_a_value_in_a_one_line_mapping_is_quoted_as_written(tmp_path: Path) -> None:
    error = only_error(tmp_path, mutate("target: 130000,", "target: TRUE,"))
    assert error.message == "TRUE is not a number for 'target'"


def test_an_owner_true_is_named_as_yaml_writes_it(tmp_path: Path) -> None:
    error = only_error(tmp_path, mutate("owner: Chen Jing", "owner: true"))
    assert error.message == "true is not text for 'owner'"


def test_a_null_key_is_named_at_its_own_line(tmp_path: Path) -> None:
    text = mutate("    labour: 28000", "    ~: 28000")
    error = only_error(tmp_path, text)
    assert (error.path, error.line) == ("budget.lines.null", line_of(text, "~: 28000"))
    assert error.message == "a key under 'lines' is empty (null)"


def test_a_boolean_key_is_named_as_yaml_writes_it(tmp_path: Path) -> None:
    text = mutate("    labour: 28000", "    true: 28000")
    error = only_error(tmp_path, text)
    assert (error.path, error.line) == ("budget.lines.true", line_of(text, "true: 28000"))
    assert error.message == "the key true under 'lines' is not text"


def test_a_number_with_a_comma_in_a_one_line_mapping_says_why_it_became_a_key(
    tmp_path: Path,
) -> None:
    # YAML ends the value at the comma: target 130 and a key 000 (the number 0), which
    # pydantic refused as "Keys should be strings", in English in a Chinese report too
    text = mutate("target: 130000,", "target: 130,000,")
    error = only_error(tmp_path, text)
    assert error.message == "the key 0 under 'kpis' is not text"
    assert "`target: 5,000000` makes 000000 a key" in str(error.hint)
    assert error.line == line_of(text, "target: 130,000,")


def test_too_many_decimal_places_is_a_number_with_too_many_places(tmp_path: Path) -> None:
    text = mutate("total: 100000", "total: 100000.0000000000000000000001")
    error = only_error(tmp_path, text)
    assert error.message == (
        "100000.0000000000000000000001 has more than 6 decimal places for 'total'"
    )
    assert "at most 6 decimal places" in (error.hint or "")


@pytest.mark.parametrize("start", ["2024-1-1", "0", "2024-02-30"])
def test_a_refused_period_start_is_not_replaced_by_an_invented_date(
    tmp_path: Path, start: str
) -> None:
    text = mutate("start: 2024-01-01", f"start: {start}")
    text = mutate("date: 2023-12-20", "date: 2024-01-20", text)  # approved after the start
    result = check_plan_file(write(tmp_path, text))
    assert [f.path for f in result.findings] == ["plan.period.start"]
    assert "2000-01-01" not in " ".join(f"{f.message} {f.hint}" for f in result.findings)


# every error has a hint (README), and the hint speaks of the field it is about
@pytest.mark.parametrize(
    ("old", "new", "path", "hint"),
    [
        (
            "budget: 60000\n",
            "budget: -5\n",
            "modules[0].budget",
            "write `budget` as an amount of money, 0 or more, in the plan's currency",
        ),
        (
            "budget: 50000,",
            "budget: -5,",
            "modules[0].actions[0].budget",
            "write `budget` as an amount of money, 0 or more",
        ),
        (
            "below_target: 30%",
            "below_target: -5",
            "alerts[0].below_target",
            "write how many percent, 0 or more: `below_target: 30%` (or 30) means 30 %",
        ),
        (
            "total: 100000",
            "total: 100000%",
            "budget.total",
            "write 100000 if that is the amount: `total` is money in the plan's currency, not a"
            " percentage",
        ),
        (
            "reserve: 12000",
            "reserve: 12%",
            "budget.reserve",
            "write 12000 for 12 % of the budget total (12 % of 100000 is 12000), or 12 if that "
            "is the amount: `reserve` is money",
        ),
        (
            "reserve: 12000",
            "reserve: 12000\n  reserve_range: {min: 10, max: 150}",
            "budget.reserve_range.max",
            "write a number of at most 100",
        ),
    ],
)
def test_a_value_out_of_range_has_a_hint_about_its_field(
    tmp_path: Path, old: str, new: str, path: str, hint: str
) -> None:
    error = only_error(tmp_path, mutate(old, new))
    assert error.path == path
    assert hint in error.hint
    assert "percent points" not in error.hint  # the percent-KPI hint is for KPIs only


def test_a_negative_budget_has_a_hint_in_json_and_in_chinese(tmp_path: Path) -> None:
    plan = write(tmp_path, mutate("budget: 60000\n", "budget: -5\n"))
    report = json.loads(run_cli("validate", "--format", "json", plan).stdout)
    hints = [f["hint"] for f in report["errors"]]
    assert hints
    assert None not in hints
    zh = run_cli("validate", "--lang", "zh", plan).stdout
    assert "`budget` 写金额，0 或以上" in zh


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        # the hint said "ids use letters, digits and underscores", which usd already does
        ("currency: CNY", "currency: usd", "write the currency's ISO 4217 code in capitals"),
        ("id: test-plan", "id: 'q1 growth'", "a plan id uses letters, digits, '-', '_' and '.'"),
    ],
)
def test_a_currency_or_plan_id_off_its_pattern_gets_its_own_hint(
    tmp_path: Path, old: str, new: str, hint: str
) -> None:
    run = run_cli("validate", write(tmp_path, mutate(old, new)))
    assert run.code == 1
    assert f"hint: {hint}" in run.stdout
