"""Budget lines add up to the spend: a spend KPI reported as spend to date (`aggregation:
last`) counts its latest day, not every day's running total, and spend computed by a
formula counts as unassigned. Worked out by hand; on the reference observations and on a
real SQLite store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from tests.conftest import run_cli

D = Decimal
AS_OF = dt.date(2024, 1, 5)


def plan(*spend: dict[str, Any]) -> Plan:
    return Plan.model_validate(
        {
            "plan": {
                "id": "lines",
                "name": "Lines",
                "owner": "Pat Lee",
                "period": {"start": "2024-01-01", "end": "2024-01-20"},
                "cadence": "daily",
            },
            "budget": {"total": 1000, "reserve": 100, "lines": {"ads": 600, "people": 300}},
            "modules": [
                {
                    "id": "web",
                    "name": "Web",
                    "owner": "Ann Wu",
                    "budget": 900,
                    "goal": "Sales of 1000 CNY by 20 January 2024",
                    "kpis": [
                        {"id": "clicks", "name": "Clicks", "unit": "count", "source": "ads"},
                        *spend,
                    ],
                }
            ],
        }
    )


TO_DATE = {"id": "spend", "name": "Spend to date", "unit": "CNY", "role": "spend",
           "aggregation": "last", "source": "ads"}  # fmt: skip
# the ad platform's spend since launch, by line ads, each day
RUNNING = [100, 150, 200, 260, 300]


def running_total() -> list[Observation]:
    return [
        Observation("web.spend", dt.date(2024, 1, n), D(v), line="ads")
        for n, v in enumerate(RUNNING, start=1)
    ]


def test_spend_to_date_counts_its_latest_day_in_its_line() -> None:
    ev = evaluate(plan(TO_DATE), MemoryObservations(running_total()), AS_OF)
    assert ev.budget.spent == D(300)
    lines = {x.line: x.spent for x in ev.budget.lines}
    assert lines == {"ads": D(300), "people": D(0)}  # was 1,010: every day's total summed
    assert [a.rule for a in ev.alerts] == ["forecast_over_budget"] * 2  # not over_budget
    # the spend trend's periods are the rises of the total: 100, 50, 50, 60, 40
    assert [(p.actual, p.cumulative) for p in ev.spend_trend] == [
        (D(100), D(100)),
        (D(50), D(150)),
        (D(50), D(200)),
        (D(60), D(260)),
        (D(40), D(300)),
    ]


def test_a_recent_window_counts_the_rise_of_spend_to_date() -> None:
    # as of Jan 12: the last 7 days (Jan 6-12) hold the rise from 300 (Jan 5) to 440 (Jan 12)
    rows = [*running_total(), Observation("web.spend", dt.date(2024, 1, 12), D(440), line="ads")]
    ev = evaluate(plan(TO_DATE), MemoryObservations(rows), dt.date(2024, 1, 12))
    [ads] = [x for x in ev.budget.lines if x.line == "ads"]
    assert ads.spent == D(440)
    # 440 spent, 140 in the last 7 days: 20 a day for the 8 days left
    assert ads.forecast == D(600)
    # the summary's forecast alike (it took the level 440 for the recent spend: 942.86, over)
    assert (ev.summary.spend_forecast, ev.summary.overspend) == (D(600), None)
    [web] = ev.modules  # and the module's, for its budget alert
    assert web.spend_forecast == D(600)


def test_spend_from_a_formula_is_unassigned_and_the_lines_add_up() -> None:
    cpc = {"id": "cpc", "name": "CPC", "unit": "CNY", "aggregation": "mean",
           "weight": "clicks", "source": "ads"}  # fmt: skip
    formula = {"id": "ad_spend", "name": "Ad spend", "unit": "CNY", "role": "spend",
               "formula": "cpc * clicks"}  # fmt: skip
    staff = {"id": "staff", "name": "Staff", "unit": "CNY", "role": "spend", "source": "hr"}
    rows = [
        Observation("web.clicks", dt.date(2024, 1, 1), D(20)),
        Observation("web.cpc", dt.date(2024, 1, 1), D(2)),
        Observation("web.staff", dt.date(2024, 1, 2), D(60), line="people"),
    ]
    ev = evaluate(plan(cpc, formula, staff), MemoryObservations(rows), AS_OF)
    assert ev.budget.spent == D(100)  # 2 × 20 + 60
    assert [(x.line, x.spent) for x in ev.budget.lines] == [
        ("ads", D(0)),
        ("people", D(60)),
        ("unassigned", D(40)),  # was missing: the lines said 60 of 100
    ]


@pytest.fixture
def spend_to_date_store(tmp_path: Path) -> tuple[Path, Path]:
    text = (Path(__file__).parent / "budget_lines_plan.yaml").read_text(encoding="utf-8")
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text, encoding="utf-8")
    data = tmp_path / "spend.csv"
    data.write_text(
        "date,kpi,value,line\n"
        + "".join(f"2024-01-0{n},web.spend,{v},ads\n" for n, v in enumerate(RUNNING, start=1)),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    return plan_file, store


def test_the_report_from_a_store_says_the_same(spend_to_date_store: tuple[Path, Path]) -> None:
    plan_file, store = spend_to_date_store
    run = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-05", "-f", "json")
    assert run.code == 0, run.output
    budget = json.loads(run.stdout)["budget"]
    assert budget["spent"] == 300
    assert {x["line"]: x["spent"] for x in budget["lines"]} == {"ads": 300, "people": 0}
    assert [p["actual"] for p in json.loads(run.stdout)["spend_trend"]] == [100, 50, 50, 60, 40]


def test_the_summary_says_spend_is_over_once_it_is(tmp_path: Path) -> None:
    # spend to date reached 950 of the 900 usable by the plan's end: over, not "forecast to"
    text = (Path(__file__).parent / "budget_lines_plan.yaml").read_text(encoding="utf-8")
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text, encoding="utf-8")
    data = tmp_path / "spend.csv"
    data.write_text("date,kpi,value,line\n2024-01-05,web.spend,300,ads\n"
                    "2024-01-20,web.spend,950,ads\n", encoding="utf-8")  # fmt: skip
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    run = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-25", "-f", "md")
    assert "spend is over the budget by 50.00 CNY" in run.stdout
    assert "forecast to pass the budget" not in run.stdout
    # before the plan's end the forecast goes further, but what is over is the spend's 50
    mid = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-20", "-f", "md")
    assert "spend is over the budget by 50.00 CNY" in mid.stdout
    data.write_text("date,kpi,value,line\n2024-01-10,web.spend,950,ads\n", encoding="utf-8")
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    ten = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-10", "-f", "md")
    assert "spend is over the budget by 50.00 CNY" in ten.stdout  # not the forecast's excess
    early = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-05", "-f", "json")
    summary = json.loads(early.stdout)["summary"]
    # Jan 1-5: 300 spent, all of it in the last 7 days; 15 days left at 60 a day: 1,200
    assert (summary["spend_forecast"], summary["overspend"]) == (1200, 300)


def test_no_report_in_the_recent_days_is_no_recent_spend() -> None:
    # as of Jan 14 the last 7 days (Jan 8-14) have no report: the rise is 0, not -300
    ev = evaluate(plan(TO_DATE), MemoryObservations(running_total()), dt.date(2024, 1, 14))
    [ads] = [x for x in ev.budget.lines if x.line == "ads"]
    assert (ads.spent, ads.forecast) == (D(300), D(300))
    assert ev.summary.spend_forecast == D(300)


def test_a_line_written_in_another_case_or_width_counts_under_the_plans_line() -> None:
    # `Media` beside the plan's `media` was a line of its own, and media showed 0 spent;
    # the stored keys stay as written, so a correction of `Media` still replaces `Media`
    spend = {"id": "spend", "name": "Spend", "unit": "CNY", "role": "spend", "source": "ads"}
    lined = plan(spend)
    data = lined.model_dump()
    data["budget"]["lines"] = {"media": 600, "labour": 300}
    rows = [
        Observation("web.spend", dt.date(2024, 1, 1), D(100), line="Media"),
        Observation("web.spend", dt.date(2024, 1, 2), D(50), line="ＬＡＢＯＵＲ"),
        Observation("web.spend", dt.date(2024, 1, 3), D(20), line="Events"),
    ]
    ev = evaluate(Plan.model_validate(data), MemoryObservations(rows), AS_OF)
    assert [(x.line, x.spent) for x in ev.budget.lines] == [
        ("media", D(100)),
        ("labour", D(50)),
        ("Events", D(20)),  # a line the plan lacks is shown as written
    ]


def test_a_periods_roi_divides_by_the_spend_in_the_period_not_the_spend_so_far() -> None:
    # daily periods, as of Jan 5: sales of 300 a day, spend to date 100, 150, 200, 260, 300.
    # ROI on Jan 5 = 300 ÷ (300 − 260) = 7.5 and on Jan 4 = 300 ÷ (260 − 200) = 5 (it read
    # 300 ÷ 300 = 1 and 300 ÷ 260); sales per spend of the KPI itself (named, not the role)
    # alike; the ROI to date stays 1,500 ÷ 300 = 5. Profit (`revenue - spend`) on Jan 5 is
    # 300 − 40 = 260 (it read 300 − 300 = 0)
    roi = {"id": "roi", "name": "ROI", "unit": "ratio", "formula": "revenue / spend",
           "target": 4, "due": "2024-01-20"}  # fmt: skip
    per = {"id": "per", "name": "Sales per spend", "unit": "ratio",
           "formula": "sales / spend"}  # fmt: skip
    net = {"id": "net", "name": "Profit", "unit": "CNY", "formula": "revenue - spend"}
    sales = {"id": "sales", "name": "Sales", "unit": "CNY", "role": "revenue", "source": "shop"}
    rows = running_total() + [
        Observation("web.sales", dt.date(2024, 1, n), D(300)) for n in range(1, 6)
    ]
    ev = evaluate(
        plan(TO_DATE, sales, roi, per, net), MemoryObservations(rows), AS_OF, period="day"
    )
    by_id = {k.id: k for k in ev.kpis}
    for qid in ("web.roi", "web.per"):
        kpi = by_id[qid]
        assert kpi.actual == D(5)
        assert kpi.period is not None
        assert kpi.previous_period is not None
        assert (kpi.period.actual, kpi.previous_period.actual) == (D("7.5"), D(5))
    assert [p.actual for p in by_id["web.roi"].trend] == [D(3), D(6), D(6), D(5), D("7.5")]
    net_kpi = by_id["web.net"]
    assert net_kpi.actual == D(1200)
    assert net_kpi.period is not None
    assert net_kpi.period.actual == D(260)


def test_a_platform_a_day_late_is_named_and_the_forecast_never_runs_backwards() -> None:
    # spend to date: google 100 a day from Jan 1 (100 … 500 on Jan 5), meta 200 a day through
    # Jan 4 (800) and nothing on Jan 5. As of Jan 5 the level is Jan 5's total, 500 (google
    # alone): the banner names meta; the recent rise is 500 − 0 … but the 7 days' spend fell
    # from 300 + 0 (Jan 1's total before: none) — the module's forecast is at least the spend
    rows = [
        Observation("web.spend", dt.date(2024, 1, n), D(100 * n), "google", line="ads")
        for n in range(1, 6)
    ] + [
        Observation("web.spend", dt.date(2024, 1, n), D(200 * n), "meta", line="ads")
        for n in range(1, 5)
    ]
    ev = evaluate(plan(TO_DATE), MemoryObservations(rows), AS_OF)
    assert ev.budget.spent == D(500)
    [issue] = [i for i in ev.data_issues if i.kind == "lagging_channels"]
    assert (issue.source, issue.since, issue.count, issue.channels) == (
        "ads",
        AS_OF,
        1,
        ("meta",),
    )
    assert issue.kpis == (("web.spend", "Spend to date"),)
    [web] = ev.modules
    assert web.spend_forecast is not None
    assert web.spend_forecast >= D(500)
    # a day later meta's export arrives: 1,000 + 600 = 1,600, and the banner is gone
    rows.append(Observation("web.spend", AS_OF, D(1000), "meta", line="ads"))
    later = evaluate(plan(TO_DATE), MemoryObservations(rows), AS_OF)
    assert later.budget.spent == D(1500)
    assert not [i for i in later.data_issues if i.kind == "lagging_channels"]


def test_the_forecast_of_a_spend_to_date_that_fell_is_the_spend_itself() -> None:
    # running total 300 on Jan 2, 100 on Jan 9 (a platform dropped out): as of Jan 9 the last
    # 7 days (Jan 3–9) rose by 100 − 300 = −200; the forecast stays at the 100 spent, not
    # 100 − 200 × 11 ÷ 7 = −214.29
    rows = [
        Observation("web.spend", dt.date(2024, 1, 2), D(300), line="ads"),
        Observation("web.spend", dt.date(2024, 1, 9), D(100), line="ads"),
    ]
    ev = evaluate(plan(TO_DATE), MemoryObservations(rows), dt.date(2024, 1, 9))
    [web] = ev.modules
    [ads] = [x for x in ev.budget.lines if x.line == "ads"]
    assert (ev.budget.spent, web.spend_forecast, ev.summary.spend_forecast) == (
        D(100),
        D(100),
        D(100),
    )
    assert ads.forecast == D(100)


def test_a_late_platform_is_named_by_the_report_from_a_store(tmp_path: Path) -> None:
    # the SQLite store answers the same question (its channel sums): google and meta report
    # spend to date daily, meta's Jan 5 row is not in yet; both languages name meta
    text = (Path(__file__).parent / "budget_lines_plan.yaml").read_text(encoding="utf-8")
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text, encoding="utf-8")
    data = tmp_path / "spend.csv"
    rows = [f"2024-01-0{n},web.spend,{100 * n},google,ads\n" for n in range(1, 6)]
    rows += [f"2024-01-0{n},web.spend,{200 * n},meta,ads\n" for n in range(1, 5)]
    data.write_text("date,kpi,value,channel,line\n" + "".join(rows), encoding="utf-8")
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    run = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-05", "-f", "json")
    assert run.code == 0, run.output
    issues = [i for i in json.loads(run.stdout)["data_issues"] if i["kind"] == "lagging_channels"]
    assert issues == [
        {"kind": "lagging_channels", "source": "ads", "since": "2024-01-05", "count": 1,
         "days": None, "kpis": ["web.spend"], "channels": ["meta"]}
    ]  # fmt: skip
    for lang, words in (("en", "has no value from meta on 2024-01-05"), ("zh", "没有 meta 的数值")):
        md = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-05", "--lang", lang)
        assert words in md.stdout, md.output


def test_a_running_total_that_fell_gives_no_flow_and_a_sum_of_flows_no_uneven_change() -> None:
    # spend to date 100 a day through Jan 8 (800), then 300 on Jan 9 (a platform missing):
    # as of Jan 9, daily periods, the ROI of Jan 9 (sales 300 ÷ a "rise" of −500) is unknown,
    # not −0.6, and so is the spend trend's Jan 9; weekly, Jan 3–9 against the plan's first
    # 2 days, the profit (revenue − spend, a sum of flows) has no change (+250 % before)
    rows = [
        Observation("web.spend", dt.date(2024, 1, n), D(100 * n), line="ads") for n in range(1, 9)
    ]
    rows += [Observation("web.spend", dt.date(2024, 1, 9), D(300), line="ads")]
    rows += [Observation("web.sales", dt.date(2024, 1, n), D(300)) for n in range(1, 10)]
    roi = {"id": "roi", "name": "ROI", "unit": "ratio", "formula": "revenue / spend"}
    net = {"id": "net", "name": "Profit", "unit": "CNY", "formula": "revenue - spend"}
    sales = {"id": "sales", "name": "Sales", "unit": "CNY", "role": "revenue", "source": "shop"}
    kpis = plan(TO_DATE, sales, roi, net)
    daily = evaluate(kpis, MemoryObservations(rows), dt.date(2024, 1, 9), period="day")
    by_id = {k.id: k for k in daily.kpis}
    assert by_id["web.roi"].period is not None
    assert by_id["web.roi"].period.actual is None
    assert by_id["web.roi"].previous_period is not None
    assert by_id["web.roi"].previous_period.actual == D(3)  # 300 ÷ (800 − 700)
    assert daily.spend_trend[-1].actual is None
    weekly = evaluate(
        kpis, MemoryObservations(rows[:8] + rows[9:]), dt.date(2024, 1, 8), period="week"
    )
    profit = {k.id: k for k in weekly.kpis}["web.net"]
    # Jan 2–8 against Jan 1: 7 × 300 − 700 = 1,400 against 300 − 100 = 200
    assert profit.period is not None
    assert profit.previous_period is not None
    assert (profit.previous_period.actual, profit.period.actual) == (D(200), D(1400))
    assert profit.change is not None
    assert (profit.change.absolute, profit.change.relative) == (None, None)
