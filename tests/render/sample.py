"""Hand-built Evaluations for renderer tests: every section filled, numbers chosen by hand.

``hostile=True`` puts text that must never become a formula or break a table into names,
notes and issues (``=HYPERLINK(...)``, ``+cmd``, ``|`` and line breaks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal as D

from mktplan.evaluation import (
    ActionResult,
    AlertResult,
    BudgetLine,
    BudgetResult,
    ChannelValue,
    DailyValue,
    Evaluation,
    KpiResult,
    ModuleChannel,
    ModuleResult,
    PlanSummary,
    ReviewNote,
    TrackingRow,
)

AS_OF = dt.date(2023, 7, 31)
HYPERLINK = '=HYPERLINK("http://evil.example/","click")'
HOSTILE_TEXTS = (HYPERLINK, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTabbed", "\rCR")


def _kpi(
    kid: str,
    module: str | None,
    name: str,
    unit: str | None,
    target: str | None,
    actual: str | None,
    attainment: str | None,
    status: str,
    *,
    expected: str | None = None,
    pace: str | None = None,
    forecast: str | None = None,
    better: str = "higher",
    due: dt.date | None = dt.date(2023, 8, 31),
    stale: bool = False,
    source: str | None = "back end",
) -> KpiResult:
    def dec(value: str | None) -> D | None:
        return None if value is None else D(value)

    t, a = dec(target), dec(actual)
    return KpiResult(
        id=kid if module is None else f"{module}.{kid}",
        module=module,
        name=name,
        label=name,
        unit=unit,
        aggregation="sum",
        formula=None,
        source=source,
        definition=None,
        better=better,
        baseline=None,
        target=t,
        due=due,
        actual=a,
        attainment=dec(attainment),
        variance=None if t is None or a is None else t - a,
        expected=dec(expected),
        pace=dec(pace),
        forecast=dec(forecast),
        status=status,  # type: ignore[arg-type]
        stale=stale,
        last_date=None if a is None else dt.date(2023, 7, 30),
        observations=0 if a is None else 30,
    )


def sample_evaluation(*, hostile: bool = False, daily_rows: int = 6) -> Evaluation:
    """A small but complete Evaluation of a Q3-like plan as of 2023-07-31."""
    brand = "Brand | promotion\nline two" if not hostile else HYPERLINK
    note = "Paid traffic converts at 2 % | organic at 4 %" if not hostile else "+cmd"
    owner = "Zhang Min" if not hostile else "@owner"
    plan = PlanSummary(
        id="q3-sample",
        name="Q3 sample plan" if not hostile else "-2+3 plan",
        owner="Chen Jing",
        as_of=AS_OF,
        currency="CNY",
        start=dt.date(2023, 7, 1),
        end=dt.date(2023, 9, 30),
        cadence="weekly",
        days_elapsed=31,
        days_total=92,
    )
    kpis = [
        _kpi("roi", None, "Return on marketing spend", "ratio", "3", "3.5", "1.166667", "on_track"),
        _kpi(
            "sales",
            "online",
            "Online sales",
            "CNY",
            "1300000",
            "412345.678",
            "0.317189",
            "at_risk",
            expected=(D("1300000") * 31 / 62).quantize(D("0.01")).to_eng_string(),
            pace="0.634383",
            forecast="824691.36",
        ),
        _kpi("conversion_rate", "online", "Conversion rate", "%", "5", "2.1", "0.42", "off_track"),
        _kpi(
            "cac",
            "offline",
            "Cost per new user",
            "CNY",
            "15",
            "18.5",
            "0.810811",
            "at_risk",
            better="lower",
            stale=True,
        ),
        _kpi("followers", "brand", brand, "count", None, "12345", None, "no_target"),
        _kpi("reads", "brand", "Topic reads", "count", "5000000", None, None, "no_data"),
    ]
    modules = [
        ModuleResult(
            id="brand",
            name=brand,
            owner=owner,
            goal="Social followers +15 % by 31 July 2023",
            budget=D("80000"),
            planned_actions=D("70000"),
            spend=D("25000.5"),
            revenue=None,
            roi=None,
            budget_used=D("0.312506"),
            spend_share=D("0.25"),
            revenue_share=None,
        ),
        ModuleResult(
            id="online",
            name="Online channel conversion",
            owner="Zhao Qiang",
            goal="Online sales +30 % over Q2 by 31 August 2023",
            budget=D("200000"),
            planned_actions=D("190000"),
            spend=D("75001.5"),
            revenue=D("262505.25"),
            roi=D("3.5"),
            budget_used=D("0.375008"),
            spend_share=D("0.75"),
            revenue_share=D("1"),
        ),
    ]
    # the channel view: a sum KPI (with a share), a rate (no share) and a module's ROI
    channel = "WeChat | Moments" if not hostile else "=1+1"
    kpis[1] = replace(
        kpis[1],
        by_channel=[
            ChannelValue(channel, D("300000"), D("0.727545")),
            ChannelValue("", D("112345.678"), D("0.272455")),
        ],
    )
    kpis[2] = replace(
        kpis[2],
        by_channel=[ChannelValue(channel, D("3.2"), None), ChannelValue("tmall", D("1.5"), None)],
    )
    modules[1] = replace(
        modules[1],
        by_channel=[
            ModuleChannel(channel, D("50000"), D("200000.25"), D("4.000005")),
            ModuleChannel("tmall", D("25001.5"), D("62505"), D("2.5")),
            ModuleChannel("", D("0"), D("0"), None),
        ],
    )
    budget = BudgetResult(
        total=D("375000"),
        reserve=D("45000"),
        reserve_share=D("0.12"),
        allocated=D("280000"),
        spent=D("100002"),
        remaining=D("274998"),
        used=D("0.303036"),
        lines=[
            BudgetLine("promotion", D("200000"), D("90000.25"), D("109999.75"), D("0.450001")),
            BudgetLine("gifts" if not hostile else "=1+1", None, D("10001.75"), None, None),
        ],
    )
    alerts = [
        AlertResult(
            kpi="online.conversion_rate",
            module="online",
            rule="below_target",
            threshold=D("30"),
            actual=D("2.1"),
            severity="critical",
            message="Conversion rate 2.1 is 58 % below the target 5"
            + (" | +cmd" if hostile else ""),
            owner="Zhao Qiang",
            respond_by=dt.datetime(2023, 8, 2, 0, 0),
            name="Conversion rate",
            reference=D("5"),
            unit="%",
            gap=D("-58"),
        ),
        AlertResult(
            kpi="offline.cac",
            module="offline",
            rule="above_target",
            threshold=D("20"),
            actual=D("18.5"),
            severity="warning",
            message="Cost per new user 18.5 is 23 % above the target 15",
            owner=owner,
            respond_by=dt.datetime(2023, 8, 2, 0, 0),
            name="Cost per new user",
            reference=D("15"),
            unit="CNY",
            gap=D("23.33"),
        ),
    ]
    actions = [
        ActionResult(
            module="online",
            name="Rework product detail pages",
            owner="Zhao Qiang",
            status="delayed",
            start=dt.date(2023, 7, 1),
            end=dt.date(2023, 7, 20),
            finished=None,
            budget=D("40000"),
            issue="Design agency slipped\none week" if not hostile else HYPERLINK,
            days_late=11,
        ),
        ActionResult(
            module="brand",
            name="Social topic campaign" if not hostile else "+cmd",
            owner=owner,
            status="done",
            start=dt.date(2023, 7, 1),
            end=dt.date(2023, 7, 31),
            finished=dt.date(2023, 7, 31),
            budget=D("20000"),
            issue=None,
            days_late=0,
        ),
    ]
    tracking = [
        TrackingRow(
            module=brand,
            target="Social followers +15 % by 31 July 2023",
            plan="Social topic campaign (2023-07-01 – 2023-07-31)",
            kpis="Follower growth, Topic reads",
            source="Weibo back end",
            actual="Topic reads: - of 5,000,000",
            variance="Topic reads: -",
            cause=note,
            measure="-",
            owner=owner,
            deadline=dt.date(2023, 7, 31),
        ),
        TrackingRow(
            module="Online channel conversion",
            target="Online sales +30 % over Q2 by 31 August 2023",
            plan="Rework product detail pages (2023-07-01 – 2023-07-20)",
            kpis="Online sales, Conversion rate",
            source="e-commerce back end",
            actual="Online sales: 412,345.68 of 1,300,000.00",
            variance="Online sales: 887,654.32",
            cause="Detail pages relaunched a week late",
            measure="Shift 20,000 CNY from display ads to search",
            owner="Zhao Qiang",
            deadline=dt.date(2023, 8, 31),
        ),
    ]
    reviews = [
        ReviewNote(
            date=dt.date(2023, 7, 14),
            module="online",
            kpi=None,
            cause="Detail pages relaunched a week late",
            measure="Shift 20,000 CNY from display ads to search",
        )
    ]
    daily = [
        DailyValue(
            kpi="online.sales" if i % 2 == 0 else ("brand.spend" if not hostile else "=A1"),
            date=dt.date(2023, 7, 1) + dt.timedelta(days=i // 2),
            value=D(1000 + i) / 4,
        )
        for i in range(daily_rows)
    ]
    return Evaluation(
        plan=plan,
        kpis=kpis,
        modules=modules,
        budget=budget,
        alerts=alerts,
        actions=actions,
        tracking=tracking,
        reviews=reviews,
        daily=daily,
    )
