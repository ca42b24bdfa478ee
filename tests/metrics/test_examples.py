"""The two bundled example plans over their exports, parsed here with the stdlib csv module.

Spot checks were summed by hand from the CSV files (awk over the rows named in comments).
"""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from mktplan.evaluation import Evaluation, KpiResult
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.validate import load_plan

PLANS = Path(__file__).resolve().parents[2] / "plans"
D = Decimal


def long_rows(path: Path) -> list[Observation]:
    """date,kpi,value,channel,note rows of a long-format export (UTF-8, BOM allowed)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            Observation(
                row["kpi"],
                dt.date.fromisoformat(row["date"]),
                D(row["value"]),
                row.get("channel") or "",
                row.get("note") or None,
            )
            for row in csv.DictReader(handle)
        ]


def kpi(ev: Evaluation, qid: str) -> KpiResult:
    return next(k for k in ev.kpis if k.id == qid)


def q3(as_of: dt.date) -> Evaluation:
    plan = load_plan(PLANS / "q3-2023-growth.yaml")
    data = MemoryObservations(long_rows(PLANS / "q3-2023-growth.actuals.csv"))
    return evaluate(plan, data, as_of)


def test_q3_spot_checks_on_july_31() -> None:
    ev = q3(dt.date(2023, 7, 31))
    # Σ of the 62 online.orders rows ÷ Σ of the 62 online.visitors rows, ×100
    cr = kpi(ev, "online.conversion_rate")
    assert cr.actual == D("3.538871")  # 15761 / 445368 × 100 = 3.5388712…
    assert cr.attainment == D("0.707774")  # 3.538871 / 5
    assert cr.status == "at_risk"
    sales = kpi(ev, "online.sales")
    assert sales.actual == D("1761176.29")
    assert sales.expected == D(650000)  # 1,300,000 × 31 ÷ 62 days (Jul 1 – Aug 31)
    # run rate of the last 7 days: Σ online.sales Jul 25–31 = 436,196.81 on a straight line,
    # so 1,761,176.29 + 436,196.81 × 31 days left ÷ 7 = 1,761,176.29 + 1,931,728.73
    assert sales.forecast == D("3692905.02")
    # follower_growth is a level: the value of the latest day (Jul 31)
    assert kpi(ev, "brand.follower_growth").actual == D("14.69")
    # cac = offline spend ÷ registrations, both through the KPI's due date Jul 20
    cac = kpi(ev, "offline.cac")
    assert cac.actual == D("14.045334")  # 27304.13 / 1944
    assert cac.attainment == D("1.067970")  # 15 / 14.045334 (better: lower)
    budget = ev.budget
    assert budget.spent == D("245188.66")  # brand 62325.12 + online 137535.60 + …
    assert budget.lines[-1].line == "unassigned"  # the export names no budget lines
    assert budget.lines[-1].spent == budget.spent
    online = ev.modules[1]
    assert online.roi == D("12.805239")  # 1761176.29 / 137535.60
    assert online.revenue_share == D(1)  # the only revenue module
    assert [(a.kpi, a.rule) for a in ev.alerts] == [
        ("brand.negative_comments", "above"),  # 65 > 50
        # spend of Jul 25–31 × 61 days left ÷ 7 on top of the spend so far passes the
        # budget: brand 62,325.12 + 15,078.85 × 61 ÷ 7 = 193,726.53 > 80,000
        ("budget.modules.brand", "forecast_over_budget"),
        ("budget.modules.content", "forecast_over_budget"),
        ("budget.modules.online", "forecast_over_budget"),
    ]
    assert ev.alerts[0].owner == "Zhang Min"
    brand = ev.alerts[1]
    assert (brand.threshold, brand.actual) == (D(80000), D("193726.527143"))
    assert (brand.severity, brand.owner, brand.module) == ("warning", "Zhang Min", "brand")
    statuses = {a.name: a.status for a in ev.actions}
    assert statuses["Booths in 3 business districts"] == "delayed"  # planned, ended Jul 20


def test_q3_mid_july_pace_alert() -> None:
    ev = q3(dt.date(2023, 7, 10))
    reads = kpi(ev, "brand.topic_reads")
    # pace line: 5,000,000 × 10 ÷ 31 days = 1,612,903.225806…
    assert reads.expected == D("1612903.225806")
    assert reads.actual == D(1622487)  # Σ weibo + douyin rows of Jul 1–10
    assert reads.pace == D("1.005942")  # 1622487 / 1612903.225806
    assert reads.status == "on_track"
    # Σ topic reads Jul 4–10 = 1,188,964; 21 days left: 1,622,487 + 1,188,964 × 21 ÷ 7
    assert reads.forecast == D(5189379)
    # ahead of the pace line: below_pace does not fire (only the budget forecasts do)
    assert [a.kpi for a in ev.alerts if not a.kpi.startswith("budget.")] == []


def launch_rows() -> list[Observation]:
    """The finance export plus a few rows of the GBK daily report, typed in by hand."""
    rows = long_rows(PLANS / "2024-06-launch.finance.csv")

    def row(day: int, kpi: str, value: str, note: str | None = None) -> Observation:
        return Observation(kpi, dt.date(2024, 6, day), D(value), "", note)

    return [
        *rows,
        row(5, "online.impressions", "53024"),
        row(5, "online.ctr", "2.2"),
        row(5, "online.conversion_rate", "4.4"),
        row(5, "online.new_users", "278"),
        row(5, "online.sales", "69155"),
        row(5, "offline.conversion_rate", "8.1"),
        row(5, "offline.new_users", "166"),
        row(5, "offline.sales", "34247"),
        row(6, "online.impressions", "47776"),
        row(6, "online.ctr", "2.0"),
        row(6, "online.conversion_rate", "4.2"),
        row(6, "online.new_users", "207"),
        row(6, "online.sales", "46240", "素材更换后点击率回升"),
        row(6, "offline.conversion_rate", "10.0"),
        row(6, "offline.new_users", "151"),
        row(6, "offline.sales", "32015"),
    ]


def test_launch_spot_checks_on_june_6() -> None:
    plan = load_plan(PLANS / "2024-06-launch.yaml")
    ev = evaluate(plan, MemoryObservations(launch_rows()), dt.date(2024, 6, 6))
    assert kpi(ev, "sales").actual == D(181657)  # 69155 + 46240 + 34247 + 32015
    assert kpi(ev, "new_users").actual == D(802)  # 278 + 207 + 166 + 151
    # ctr weighted by impressions: (2.2×53024 + 2.0×47776) / 100800 = 2.1052063…
    assert kpi(ev, "online.ctr").actual == D("2.105206")
    # conversion mean over two days: (4.4 + 4.2) / 2
    assert kpi(ev, "online.conversion_rate").actual == D("4.3")
    # roi: revenue 69155+46240+34247+32015 = 181657 ÷ spend of Jun 5–6
    # (10799.26 + 6251.84 + 9942.95 + 4850.92 = 31844.97) = 5.7044173…
    assert kpi(ev, "roi").actual == D("5.704417")
    assert kpi(ev, "search_index_growth").actual == D("6.8")  # last value, Jun 6
    assert kpi(ev, "satisfaction").status == "no_data"  # the survey arrives Jun 15
    new_users = kpi(ev, "online.new_users")
    # pace line: 16,000 × 6 ÷ 20 days = 4,800; 485 / 4800 = 0.101042 → off track, alert
    assert new_users.expected == D(4800)
    assert new_users.pace == D("0.101042")
    assert new_users.status == "off_track"
    assert [(a.kpi, a.rule) for a in ev.alerts] == [("online.new_users", "below_pace")]
    assert ev.alerts[0].owner == "赵强"
    assert ev.alerts[0].respond_by == dt.datetime(2024, 6, 8, 0, 0)
    actions = {a.name: (a.status, a.days_late) for a in ev.actions}
    assert actions["电商平台资源对接"] == ("delayed", 2)  # finished Jun 10, end Jun 8
    assert actions["物料设计定稿"] == ("done", 1)  # done, finished Jun 6, end Jun 5
    assert ev.tracking[0].cause == "2024-06-06 销售额: 素材更换后点击率回升"
    assert ev.tracking[1].cause == ""  # the offline review is dated Jun 15, after as_of
