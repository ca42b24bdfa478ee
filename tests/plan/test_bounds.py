"""Plans that would validate but could not be reported are refused by validate (issue 14.12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write

EXPORT = "Date,Sales,Visitors\n2024-01-02,100,50\n2024-01-03,120,60\n"

OUT_OF_RANGE = [
    ("target: 500000,", "target: 1e27,", 28, "target 1E+27 is out of range"),
    ("target: 500000,", "target: 1e308,", 28, "target 1E+308 is out of range"),
    ("target: 500000,", "target: 1e-30,", 28, "target 1E-30 is smaller than a millionth"),
    ("target: 500000,", "target: -1e13,", 28, "target -1E+13 is out of range"),
    ("baseline: 100000,", "baseline: 1e20,", 42, "baseline 1E+20 is out of range"),
    (
        "{start: 2024-01-01, end: 2024-03-31}",
        "{start: 2024-01-01, end: 9999-12-31}",
        5,
        "end 9999-12-31 is outside 2000–2099",
    ),
    ("date: 2023-12-20}", "date: 1899-12-20}", 9, "date 1899-12-20 is outside 2000–2099"),
    ("below_target: 30%", "below_target: 1e40", 54, "below_target 1E+40 is out of range"),
    ("cadence: weekly", "alert_response_hours: 1000000000000", 7, "it must be at most 8784"),
    # past the decimal context's exponent: abs() overflowed, an internal error
    ("budget: 60000", "budget: 1e99999999", 25, "budget 1E+99999999 is out of range"),
]


def _line_of(needle: str, text: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("old", "new", "line", "message"), OUT_OF_RANGE)
def test_validate_refuses_what_report_cannot_handle(
    tmp_path: Path, old: str, new: str, line: int, message: str
) -> None:
    text = mutate(old, new)
    plan = write(tmp_path, text)
    run = run_cli("validate", plan)
    assert run.code == 1
    assert line == _line_of(new, text)
    assert f"{plan}:{line} " in run.stdout
    assert message in run.stdout
    assert "hint:" in run.stdout or "alert_response_hours" in new


def test_a_budget_of_1e30_is_refused_with_the_reason(tmp_path: Path) -> None:
    text = (
        VALID.replace("total: 100000", "total: 1e30")
        .replace("reserve: 12000", "reserve: 1.2e29")
        .replace("promotion: 60000", "promotion: 6e29")
        .replace("labour: 28000", "labour: 2.8e29")
    )
    plan = write(tmp_path, text)
    run = run_cli("validate", plan)
    assert run.code == 1
    assert f"{plan}:12 budget.total: total 1E+30 is out of range" in run.stdout
    assert "a trillion" in run.stdout
    lines = write(tmp_path, mutate("promotion: 60000", "promotion: 6e29"), "lines.yaml")
    run = run_cli("validate", lines)
    assert run.code == 1
    assert (
        f"{lines}:15 budget.lines.promotion: lines 'promotion': 6E+29 is out of range" in run.stdout
    )


@pytest.mark.parametrize("case", [0, 2, 5])
def test_report_and_ingest_of_such_a_plan_stop_at_the_plan_not_with_an_internal_error(
    tmp_path: Path, case: int
) -> None:
    old, new, line, message = OUT_OF_RANGE[case]
    plan = write(tmp_path, mutate(old, new))
    export = tmp_path / "e.csv"
    export.write_text(EXPORT, encoding="utf-8")
    store = tmp_path / "store.sqlite"
    ingest = run_cli("ingest", plan, export, "--source", "shop_daily", "--store", store)
    report = run_cli("report", plan, "--store", store, "--as-of", "2024-02-01", "--format", "md")
    for run in (ingest, report):
        assert run.code == 1
        assert "internal error" not in run.output
        assert "Traceback" not in run.output
        assert message in run.output
        assert f"{plan}:{line}" in run.output
    assert not store.exists()


def test_values_at_the_bounds_are_reportable(tmp_path: Path) -> None:
    text = mutate("target: 500000,", "target: 1000000000000,")
    text = mutate(
        "{id: visitors, name: Visitors, unit: count, source: shop}",
        "{id: visitors, name: Visitors, unit: count, source: shop, target: 0.000001, due: 2099-12-31}",
        text,
    )
    text = mutate(
        "{start: 2024-01-01, end: 2024-03-31}", "{start: 2024-01-01, end: 2099-12-31}", text
    )
    plan = write(tmp_path, text)
    assert run_cli("validate", plan).code == 0
    export = tmp_path / "e.csv"
    export.write_text(EXPORT, encoding="utf-8")
    store = tmp_path / "store.sqlite"
    assert run_cli("ingest", plan, export, "--source", "shop_daily", "--store", store).code == 0
    for fmt in ("md", "json", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        run = run_cli(
            "report", plan, "--store", store, "--as-of", "2024-02-01", "--format", fmt, "--out", out
        )
        assert run.code == 0, run.output
        assert out.stat().st_size > 0
