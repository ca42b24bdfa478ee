"""Pace, expected and forecast for every KPI with a target (issue 10): cumulative formulas are
paced along the target curve, levels graded against the target itself, forecasts from the
last 7 days' run rate, phased targets (checkpoints). Every number is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from mktplan.evaluation import Evaluation, KpiResult
from mktplan.metrics import TargetCurve, evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan


def day(n: int) -> dt.date:
    return dt.date(2024, 1, n)


def plan(*plan_kpis: dict[str, Any], module_kpis: tuple[dict[str, Any], ...] = ()) -> Plan:
    """A 10-day plan (2024-01-01 … 01-10); modules a and b each sell (sum, revenue) and
    spend; ``module_kpis`` go into module a."""

    def module(mid: str, extra: tuple[dict[str, Any], ...]) -> dict[str, Any]:
        return {
            "id": mid,
            "name": f"Module {mid}",
            "owner": "Ann Wu",
            "budget": 400,
            "goal": "Sales of 1,000 CNY by 10 January 2024",
            "kpis": [
                {
                    "id": "sales",
                    "name": f"Sales {mid}",
                    "unit": "CNY",
                    "role": "revenue",
                    "target": 1000,
                    "due": "2024-01-10",
                },
                {"id": "spend", "name": f"Spend {mid}", "unit": "CNY", "role": "spend"},
                *extra,
            ],
        }

    return Plan.model_validate(
        {
            "plan": {
                "id": "p",
                "name": "Pacing",
                "owner": "Pat Lee",
                "period": {"start": "2024-01-01", "end": "2024-01-10"},
                "cadence": "daily",
            },
            "budget": {"total": 1000, "reserve": 100},
            "kpis": list(plan_kpis),
            "modules": [module("a", module_kpis), module("b", ())],
        }
    )


def rows(kpi: str, values: dict[int, str]) -> list[Observation]:
    return [Observation(kpi, day(n), D(v)) for n, v in values.items()]


def result(ev: Evaluation, qid: str) -> KpiResult:
    return next(k for k in ev.kpis if k.id == qid)


SALES = [
    *rows("a.sales", dict.fromkeys(range(1, 6), "100")),  # 500 by Jan 5
    *rows("b.sales", dict.fromkeys(range(1, 6), "150")),  # 750 by Jan 5
    *rows("a.spend", dict.fromkeys(range(1, 6), "50")),
    *rows("b.spend", dict.fromkeys(range(1, 6), "50")),
]


def test_a_formula_ahead_of_its_pace_line_is_on_track() -> None:
    total = {
        "id": "total",
        "name": "GMV",
        "unit": "CNY",
        "formula": "a.sales + b.sales",
        "target": 2000,
        "due": "2024-01-10",
    }
    ev = evaluate(plan(total), MemoryObservations(SALES), day(5))
    k = result(ev, "total")
    assert k.actual == D(1250)  # 500 + 750
    assert k.expected == D(1000)  # 2,000 × 5 ÷ 10 days
    assert k.pace == D("1.25")
    assert k.attainment == D("0.625")  # graded on this it would be off track
    assert k.status == "on_track"
    # 5 days of data, all of them recent: 1,250 + 1,250 × (2,000 − 1,000) ÷ 1,000
    assert k.forecast == D(2500)


def test_a_formula_behind_its_pace_line_is_off_track() -> None:
    total = {
        "id": "total",
        "name": "GMV",
        "unit": "CNY",
        "formula": "revenue - 0 * spend",
        "target": 5000,
    }
    net = {"id": "net", "name": "Net", "unit": "CNY", "formula": "revenue - spend", "target": 5000}
    ev = evaluate(plan(total, net), MemoryObservations(SALES), day(5))
    assert result(ev, "total").pace == D("0.25")  # a level (× 0): 1,250 ÷ 5,000 attainment
    net_result = result(ev, "net")
    assert net_result.actual == D(750)  # 1,250 − 500
    assert net_result.expected == D(2500)  # 5,000 × 5 ÷ 10 (due: plan end)
    assert net_result.pace == D("0.3")
    assert net_result.status == "off_track"
    assert net_result.forecast == D(1500)  # 750 + 750 × 2,500 ÷ 2,500


def test_a_ratio_formula_mid_period_is_graded_against_its_target() -> None:
    roas = {
        "id": "roas",
        "name": "ROAS",
        "unit": "ratio",
        "formula": "revenue / spend",
        "target": 3,
    }
    ev = evaluate(plan(roas), MemoryObservations(SALES), day(5))
    k = result(ev, "roas")
    assert k.actual == D("2.5")  # 1,250 ÷ 500
    assert (k.expected, k.pace, k.attainment) == (D(3), D("0.833333"), D("0.833333"))
    assert k.forecast == D("2.5")  # a level forecasts as its current value
    assert k.status == "at_risk"  # 0.83: the same on day 5 as it would be on day 10


def test_after_due_a_cumulative_kpi_is_graded_on_attainment() -> None:
    ev = evaluate(plan(), MemoryObservations(SALES), day(10))
    sales = result(ev, "a.sales")
    assert (sales.actual, sales.expected, sales.pace) == (D(500), D(1000), D("0.5"))
    assert sales.forecast == D(500)  # due: nothing left to forecast
    assert sales.status == "missed"  # its time is up: met or not, no longer "off track"


@pytest.mark.parametrize(
    ("actual", "status"), [("999", "missed"), ("999.5", "achieved"), ("1000", "achieved")]
)
def test_from_its_due_date_a_kpi_is_achieved_or_missed(actual: str, status: str) -> None:
    # 90 % is "on track" while the KPI runs; once due, 99.9 % of the target is missed, and
    # 99.95 % (shown 100.0 %) achieved
    data = rows("a.sales", {10: actual})
    ev = evaluate(plan(), MemoryObservations(data), day(10))
    assert result(ev, "a.sales").status == status
    # the day before its due date the same KPI is paced
    before = evaluate(plan(), MemoryObservations(rows("a.sales", {9: actual})), day(9))
    assert result(before, "a.sales").status == "on_track"


def test_forecast_uses_the_last_seven_days_and_whole_counts() -> None:
    signups = {
        "id": "signups",
        "name": "Sign-ups",
        "unit": "count",
        "target": 100,
        "due": "2024-01-10",
    }
    data = rows("a.signups", {1: "10", 2: "2", 3: "3", 4: "3", 5: "3", 6: "3", 7: "3", 8: "3"})
    ev = evaluate(plan(module_kpis=(signups,)), MemoryObservations(data), day(8))
    k = result(ev, "a.signups")
    assert k.actual == D(30)
    assert k.expected == D(80)  # 100 × 8 ÷ 10
    # Jan 2–8 added 20 where the line planned 70; 20 are left to plan:
    # 30 + 20 × 20 ÷ 70 = 35.714286 → 36 sign-ups (the old straight run rate said 37.5)
    assert k.forecast == D(36)


def test_checkpoints_as_values_and_shares_shape_the_curve() -> None:
    gmv = {
        "id": "gmv",
        "name": "GMV",
        "unit": "CNY",
        "target": 1000,
        "due": "2024-01-10",
        "checkpoints": {"2024-01-03": "15%", "2024-01-08": 800},
    }
    data = rows("a.gmv", dict.fromkeys(range(1, 6), "80"))  # 400 by Jan 5
    ev = evaluate(plan(module_kpis=(gmv,)), MemoryObservations(data), day(5))
    k = result(ev, "a.gmv")
    # curve through (0, 0), (day 3, 150), (day 8, 800), (day 10, 1,000):
    # day 5 = 150 + 650 × 2 ÷ 5 = 410 (a straight line would say 500: pace 0.8, at risk)
    assert k.expected == D(410)
    assert k.pace == D("0.97561")  # 400 ÷ 410
    assert k.status == "on_track"
    # 400 + 400 × (1,000 − 410) ÷ 410 = 975.609756
    assert k.forecast == D("975.609756")


def test_target_curve_points() -> None:
    curve = TargetCurve.of(day(1), day(10), D(1000), [(day(3), D(150)), (day(8), D(800))])
    assert [curve.at(n) for n in (0, 1, 3, 5, 8, 9, 10, 12)] == [
        D(0),
        D(50),
        D(150),
        D(410),
        D(800),
        D(900),
        D(1000),
        D(1000),
    ]
