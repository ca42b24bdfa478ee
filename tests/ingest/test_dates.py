"""Dates as exports write them: timestamps with offsets, US and day-first orders read from the
column as a whole, month names, dates without a year, and a source's `date_format:`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mktplan.ingest.cells import parse_date
from tests.conftest import Run, run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan


def _ingest(tmp_path: Path, dates: list[str], plan_text: str = PLAN) -> tuple[int, str, set[str]]:
    plan, store = write_plan(tmp_path, plan_text), tmp_path / "s.sqlite"
    body = "".join(f'"{d}",1\n' for d in dates)
    export = write(tmp_path, "d.csv", "date,spend\n" + body)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    days = {d for _, d, _ in stored(store)} if run.code == 0 else set()
    return run.code, run.stderr, days


@pytest.mark.parametrize(
    ("dates", "days"),
    [
        (["2025-10-09 19:46:45 -0700", "2025-10-10T23:30:00Z"], {"2025-10-09", "2025-10-10"}),
        (["2025-10-08T00:00:00", "2025-10-09T14:15:23-0800"], {"2025-10-08", "2025-10-09"}),
        (["20251010", "20251011"], {"2025-10-10", "2025-10-11"}),
        (["11/17/2025", "11/3/2025"], {"2025-11-17", "2025-11-03"}),  # 17 settles: month first
        (["17/11/2025", "3/11/2025"], {"2025-11-17", "2025-11-03"}),  # day first
        (["17.11.2025", "03.11.2025"], {"2025-11-17", "2025-11-03"}),
        (
            ["Oct 1, 2025", "October 2, 2025", "3 Oct 2025"],
            {"2025-10-01", "2025-10-02", "2025-10-03"},
        ),
        (["10/21", "10/22"], {"2025-10-21", "2025-10-22"}),  # the year inside the plan period
        (["10月21日", "11月1日"], {"2025-10-21", "2025-11-01"}),
        (["Oct 21", "21 Oct"], {"2025-10-21"}),
    ],
)
def test_dates_as_exports_write_them(tmp_path: Path, dates: list[str], days: set[str]) -> None:
    code, err, found = _ingest(tmp_path, dates)
    assert code == 0, err
    assert found == days


def test_equal_day_and_month_need_no_order(tmp_path: Path) -> None:
    code, err, found = _ingest(tmp_path, ["11/11/2025", "12/12/2025"])
    assert code == 0, err
    assert found == {"2025-11-11", "2025-12-12"}


def test_an_ambiguous_day_month_column_is_an_error_that_says_so(tmp_path: Path) -> None:
    code, err, _ = _ingest(tmp_path, ["10/11/2025", "11/10/2025"])
    assert code == 1
    assert "day/month order cannot be told: no day in this column is above 12" in err
    assert "date_format" in err


def test_a_column_mixing_both_orders_is_an_error(tmp_path: Path) -> None:
    code, err, _ = _ingest(tmp_path, ["10/13/2025", "13/10/2025"])
    assert code == 1
    assert "mixes day-first and month-first dates" in err


def test_date_format_settles_the_order(tmp_path: Path) -> None:
    plan_text = PLAN.replace(
        "    columns: {spend: spend}\n",
        '    columns: {spend: spend}\n    date_format: "%d/%m/%Y"\n',
        1,
    )
    code, err, days = _ingest(tmp_path, ["10/11/2025", "11/10/2025"], plan_text)
    assert code == 0, err
    assert days == {"2025-11-10", "2025-10-11"}
    code, err, _ = _ingest(tmp_path, ["2025-10-11"], plan_text)
    assert code == 1
    assert "does not match the source's date_format '%d/%m/%Y'" in err


def test_a_year_less_date_that_two_years_of_the_period_hold_is_refused(tmp_path: Path) -> None:
    two_years = PLAN.replace(
        "{start: 2025-10-01, end: 2025-12-31}", "{start: 2025-10-01, end: 2026-12-31}"
    )
    two_years = two_years.replace("31 December 2025", "31 December 2026").replace(
        "due: 2025-12-31", "due: 2026-12-31"
    )
    code, err, _ = _ingest(tmp_path, ["10/21", "10/22"], two_years)
    assert code == 1
    assert "a date without a year that could be in 2025 or 2026" in err
    code, err, days = _ingest(tmp_path, ["2/21", "3/22"], two_years)
    assert code == 0, err
    assert days == {"2026-02-21", "2026-03-22"}


def test_a_date_range_row_is_refused_not_stored_on_a_day(tmp_path: Path) -> None:
    code, err, _ = _ingest(tmp_path, ["2025-10-01 - 2025-10-31"])
    assert code == 1
    assert "a date range" in err


def test_parse_date_of_a_full_date() -> None:
    assert parse_date("Oct 1, 2023") == dt.date(2023, 10, 1)
    assert parse_date("2023-04-09 19:46:45 -0700") == dt.date(2023, 4, 9)
    with pytest.raises(ValueError, match="not a date on its own"):
        parse_date("10/21")


WEEKLY = PLAN + ("  weekly:\n    date: Week\n    module: ads\n    columns: {Sessions: clicks}\n")


def test_weekly_rows_are_refused_unless_the_source_says_period_week(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, WEEKLY), tmp_path / "s.sqlite"
    export = write(tmp_path, "w.csv", '"Week","Sessions"\n"2025-10-06",2797\n"2025-10-13",3037\n')
    run = run_cli("ingest", plan, export, "--source", "weekly", "--store", store)
    assert run.code == 1
    assert "the date column 'Week' holds weeks or months" in run.stderr
    assert "period: week" in run.stderr
    declared = write_plan(tmp_path, WEEKLY + "    period: week\n")
    run = run_cli("ingest", declared, export, "--source", "weekly", "--store", store)
    assert run.code == 0, run.output
    assert {d for _, d, _ in stored(store)} == {"2025-10-06", "2025-10-13"}


def _weekly(tmp_path: Path, name: str, rows: str) -> tuple[Path, Run]:
    """The store and the run ingesting ``rows`` with a plan's `period: week` source."""
    plan = write_plan(tmp_path, WEEKLY + "    period: week\n")
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, name, "Week,Sessions\n" + rows)
    return store, run_cli("ingest", plan, export, "--source", "weekly", "--store", store)


def test_a_week_that_began_before_the_plan_counts_on_its_first_day(tmp_path: Path) -> None:
    # the plan starts on Wednesday 2025-10-01; a weekly export's first row is Monday 09-29:
    # it was refused as outside the period, and with it the whole file
    store, run = _weekly(tmp_path, "w.csv", "2025-09-29,700\n2025-10-06,900\n")
    assert run.code == 0, run.output
    values = {d: v for (_, d, _), v in stored(store).items()}
    assert values == {"2025-10-01": 700, "2025-10-06": 900}  # in full, on the plan's first day
    # a week that ended before the plan is still outside it
    _, run = _weekly(tmp_path, "e.csv", "2025-09-22,500\n")
    assert run.code == 1
    assert "e.csv:2 Week: '2025-09-22': outside the plan period" in run.stderr


def test_iso_week_labels_are_read_in_a_weekly_source(tmp_path: Path) -> None:
    store, run = _weekly(tmp_path, "w.csv", "2025-W40,700\n2025-W41,900\n2025w42-3,5\n")
    assert run.code == 0, run.output
    # W40's Monday is 09-29, before the plan: its first day; W41 is Monday 10-06; W42-3 10-15
    assert {d for _, d, _ in stored(store)} == {"2025-10-01", "2025-10-06", "2025-10-15"}
    daily = write_plan(tmp_path, PLAN + "  daily:\n    date: Week\n    module: ads\n"
                       "    columns: {Sessions: clicks}\n")  # fmt: skip
    run = run_cli("ingest", daily, tmp_path / "w.csv", "--source", "daily", "--store", store)
    assert run.code == 1
    assert "the date column 'Week' holds weeks or months" in run.stderr


def test_a_monthly_range_row_is_stored_on_its_first_day_with_period_month(tmp_path: Path) -> None:
    monthly = PLAN + (
        "  monthly:\n    date: Month\n    module: ads\n    channel: Region\n"
        "    columns: {Amount spent (CNY): spend}\n    period: month\n"
    )
    plan, store = write_plan(tmp_path, monthly), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "m.csv",
        "Region,Month,Amount spent (CNY)\n"
        "Kyiv,2025-10-01 - 2025-10-31,10.5\nLviv,2025-11-01 - 2025-11-30,2\n",
    )
    run = run_cli("ingest", plan, export, "--source", "monthly", "--store", store)
    assert run.code == 0, run.output
    assert set(stored(store)) == {
        ("ads.spend", "2025-10-01", "Kyiv"),
        ("ads.spend", "2025-11-01", "Lviv"),
    }


def test_metas_monthly_summary_row_without_a_month_is_skipped(tmp_path: Path) -> None:
    monthly = PLAN + (
        "  monthly:\n    date: Month\n    module: ads\n    channel: Region\n"
        "    columns: {Amount spent (CNY): spend, Reach: reach}\n    period: month\n"
    )
    plan, store = write_plan(tmp_path, monthly), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "m.csv",
        "Region,Month,Amount spent (CNY),Reach\n"
        ",,12.5,100\n"  # Meta's summary row: no region, no month
        "Kyiv,2025-10-01 - 2025-10-31,10.5,80\n"
        "Lviv,2025-11-01 - 2025-11-30,2,30\n",
    )
    run = run_cli("ingest", plan, export, "--source", "monthly", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 2: a summary row" in run.stdout
    assert sum(v for (k, _, _), v in stored(store).items() if k == "ads.spend") == 12.5


def test_a_year_in_the_date_column_is_refused_as_no_day(tmp_path: Path) -> None:
    code, err, _ = _ingest(tmp_path, ["2025"])  # Klaviyo's campaign report grouped by year
    assert code == 1
    assert "a year, not a day" in err


# Meta Ads Manager: "Reporting starts" and "Reporting ends" on every row; equal in a daily
# breakdown, the whole range in a report without one (its lifetime)
META_SPANS = (
    "Reporting starts,Reporting ends,Ad name,Amount spent (CNY),Reach,Link clicks\n"
    ",,,30.00,300,30\n"  # the summary row
    "2025-10-01,2025-10-01,Ad A,10.00,100,10\n"
    "2025-10-01,2025-10-31,Ad B,20.00,200,20\n"  # a month on one row
    "2025-10-05,2025-10-04,Ad C,1.00,1,1\n"  # ends before it starts
)


def test_a_row_that_covers_more_days_than_its_source_reads_is_refused(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "m.csv", META_SPANS)
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 1
    assert (
        "m.csv:4 Reporting ends: '2025-10-31': the row covers 2025-10-01 … 2025-10-31 "
        "(31 days), not one day: export by day (Meta Ads Manager: Breakdown › By time › Day)"
    ) in run.stderr
    assert "m.csv:5 Reporting ends: '2025-10-04': the row ends on 2025-10-04, before it " in (
        run.stderr
    )
    assert "m.csv:3" not in run.stderr  # a row of one day
    assert not store.exists()
    skipped = run_cli(
        "ingest", plan, export, "--source", "meta", "--store", store, "--skip-invalid"
    )
    assert skipped.code == 0, skipped.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", "Ad A"): 10,
        ("ads.reach", "2025-10-01", "Ad A"): 100,
        ("ads.clicks", "2025-10-01", "Ad A"): 10,
    }


def test_a_row_longer_than_a_month_is_not_told_to_declare_a_period(tmp_path: Path) -> None:
    # Meta's lifetime report (2023-04-14 … 2024-03-11 on every row): no `period:` fits it
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "life.csv",
        "Reporting starts,Reporting ends,Ad name,Amount spent (CNY),Reach,Link clicks\n"
        "2025-10-01,2025-12-31,Ad A,10.00,100,10\n"
        "2025-10-01,2025-10-31,Ad B,20.00,200,20\n",
    )
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 1
    assert (
        "life.csv:2 Reporting ends: '2025-12-31': the row covers 2025-10-01 … 2025-12-31 "
        "(92 days), not one day: export by day (Meta Ads Manager: Breakdown › By time › Day)\n"
    ) in run.stderr
    assert (
        "(31 days), not one day: export by day (Meta Ads Manager: Breakdown › By time › "
        "Day), or declare the source's `period: week` or `month`" in run.stderr
    )


def test_a_weekly_source_takes_rows_of_a_week_and_refuses_longer_ones(tmp_path: Path) -> None:
    weekly = PLAN + (
        "  weekly_meta:\n    date: Reporting starts\n    module: ads\n    channel: Ad name\n"
        "    columns: {Amount spent (CNY): spend}\n    period: week\n"
    )
    plan, store = write_plan(tmp_path, weekly), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "w.csv",
        "Reporting starts,Reporting ends,Ad name,Amount spent (CNY)\n"
        "2025-10-06,2025-10-12,Ad A,7.00\n"
        "2025-10-06,2025-10-19,Ad B,14.00\n",
    )
    run = run_cli("ingest", plan, export, "--source", "weekly_meta", "--store", store)
    assert run.code == 1
    assert "w.csv:3 Reporting ends: '2025-10-19': the row covers 2025-10-06 … 2025-10-19 " in (
        run.stderr
    )
    assert "more than a week" in run.stderr
    assert "w.csv:2" not in run.stderr
