"""A formula that only adds KPIs up (`online.sales + offline.sales`, the launch plan's
headline) is the sum of those with data, as `revenue` is of its role KPIs: while the stores
had not sold yet, the plan's total sales showed no data and dropped out of the summary. A
formula that subtracts, multiplies or divides still needs every input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan

D = Decimal


def plan(total: str) -> Plan:
    kpi = {"name": "Sales", "unit": "CNY", "source": "shop"}
    data: dict[str, Any] = {
        "plan": {
            "id": "sums",
            "name": "Sums",
            "owner": "Pat Lee",
            "period": {"start": "2024-01-01", "end": "2024-01-10"},
            "cadence": "daily",
        },
        "budget": {"total": 1000, "reserve": 100},
        "kpis": [
            {
                "id": "total",
                "name": "Total",
                "unit": "CNY",
                "formula": total,
                "target": 1000,
                "due": "2024-01-10",
            },
        ],
        "modules": [
            {
                "id": m,
                "name": m,
                "owner": "Ann Wu",
                "goal": "Sales of 500 CNY by 10 January 2024",
                "kpis": [{"id": "sales", **kpi, "target": 500, "due": "2024-01-10"}],
            }
            for m in ("online", "offline")
        ],
    }
    return Plan.model_validate(data)


ONLINE = [
    Observation("online.sales", dt.date(2024, 1, 1), D(200)),
    Observation("online.sales", dt.date(2024, 1, 2), D(200)),
]


def total(formula: str, rows: list[Observation], day: int = 2) -> Any:
    ev = evaluate(plan(formula), MemoryObservations(rows), dt.date(2024, 1, day))
    [kpi] = [k for k in ev.kpis if k.id == "total"]
    return kpi


def test_a_sum_of_kpis_is_the_sum_of_those_with_data() -> None:
    kpi = total("online.sales + offline.sales", ONLINE)
    assert kpi.actual == D(400)  # was no data while offline had not sold
    assert kpi.status == "on_track"  # 400 of 1,000 on day 2 of 10: pace 2
    assert [(p.actual, p.cumulative) for p in kpi.trend] == [(D(200), D(200)), (D(200), D(400))]


def test_it_is_the_whole_sum_once_every_input_has_data() -> None:
    rows = [*ONLINE, Observation("offline.sales", dt.date(2024, 1, 2), D(50))]
    assert total("online.sales + offline.sales", rows).actual == D(450)


def test_without_any_input_it_has_no_value() -> None:
    assert total("online.sales + offline.sales", []).actual is None


@pytest.mark.parametrize(
    "formula", ["online.sales - offline.sales", "online.sales * offline.sales / 100"]
)
def test_other_formulas_still_need_every_input(formula: str) -> None:
    # sales less refunds with no refunds recorded is not known to be the sales
    assert total(formula, ONLINE).actual is None
