"""A cumulative formula that subtracts (`net = sales - spend`) rises over a window by its
cumulative value at the window's end less its cumulative value the day before the window
starts, as the spend trend does for spend to date: a week in which spend had no rows still
saw the net rise with the sales, and the forecast projects that rise. Where the cumulative
values are unknown, the formula still needs every input (docs/metrics.md, "Formula KPIs").
Worked out by hand; on the reference observations and on a real SQLite store (QA37 D1)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from mktplan.evaluation import KpiResult
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from tests.conftest import run_cli

D = Decimal
AS_OF = dt.date(2025, 4, 24)


def document(net: str = "sales - spend") -> dict[str, Any]:
    return {
        "plan": {
            "id": "net",
            "name": "Net",
            "owner": "Chen Jing",
            "period": {"start": "2025-04-07", "end": "2025-04-27"},
            "cadence": "weekly",
        },
        "budget": {"total": 1000, "reserve": 100},
        "modules": [
            {
                "id": "m",
                "name": "Module M",
                "owner": "Zhao Qiang",
                "budget": 900,
                "goal": "Net sales of 100 CNY by 27 April 2025",
                "kpis": [
                    {
                        "id": "spend",
                        "name": "Spend",
                        "unit": "CNY",
                        "role": "spend",
                        "source": "ledger",
                    },
                    {
                        "id": "sales",
                        "name": "Sales",
                        "unit": "CNY",
                        "role": "revenue",
                        "source": "shop",
                    },
                    {
                        "id": "net",
                        "name": "Net",
                        "unit": "CNY",
                        "formula": net,
                        "target": 100,
                        "due": "2025-04-27",
                    },
                ],
            }
        ],
    }


def rows() -> list[Observation]:
    # the weeks as of 04-24: 04-07 … 04-10 (clipped), 04-11 … 04-17, 04-18 … 04-24;
    # spend has rows in the first two only
    return [
        Observation("m.spend", dt.date(2025, 4, 7), D("36.000001")),
        Observation("m.sales", dt.date(2025, 4, 8), D(10)),
        Observation("m.sales", dt.date(2025, 4, 14), D(100)),
        Observation("m.spend", dt.date(2025, 4, 15), D(20)),
        Observation("m.sales", dt.date(2025, 4, 21), D(50)),
    ]


def net(observations: list[Observation], formula: str = "sales - spend") -> KpiResult:
    ev = evaluate(Plan.model_validate(document(formula)), MemoryObservations(observations), AS_OF)
    [kpi] = [k for k in ev.kpis if k.id == "m.net"]
    return kpi


def test_a_week_without_spend_rows_still_has_the_net_rise() -> None:
    kpi = net(rows())
    assert kpi.actual == D("103.999999")  # 160 − 56.000001
    # cumulative −26.000001, 53.999999, 103.999999: the last week rose by 50 (sales only)
    assert [(p.actual, p.cumulative) for p in kpi.trend] == [
        (D("-26.000001"), D("-26.000001")),
        (D(80), D("53.999999")),
        (D(50), D("103.999999")),
    ]
    assert kpi.period is not None
    assert kpi.previous_period is not None
    assert (kpi.period.actual, kpi.previous_period.actual) == (D(50), D(80))
    assert (kpi.change.absolute, kpi.change.relative) == (D(-30), D("-0.375"))


def test_the_forecast_projects_the_recent_rise_of_a_subtracting_formula() -> None:
    # R = 04-18 … 04-24 (days 12-18 of the plan), due 04-27 (day 21), straight curve:
    # 103.999999 + 50 × 3 ÷ 7 = 125.4285704… → 125.428570 (= sales' 181.428571 − spend's
    # 56.000001, as the forecast of a difference should be)
    assert net(rows()).forecast == D("125.428570")


def test_a_kpi_without_a_trend_has_the_rise_in_its_periods_too() -> None:
    # without a target the net is no row of the evaluation table: no trend, only this
    # period and the last, read in the same batch as everything else
    plain = document()
    [module] = plain["modules"]
    del module["kpis"][-1]["target"]
    ev = evaluate(Plan.model_validate(plain), MemoryObservations(rows()), AS_OF)
    [kpi] = [k for k in ev.kpis if k.id == "m.net"]
    assert kpi.trend == []
    assert kpi.period is not None
    assert kpi.previous_period is not None
    assert (kpi.period.actual, kpi.previous_period.actual) == (D(50), D(80))
    assert kpi.forecast == D("125.428570")  # a straight curve without a target as well


def test_a_window_whose_cumulative_values_are_unknown_still_needs_every_input() -> None:
    # spend starts on 04-15: the net has no value through 04-14, so the second week's is
    # computed from its own sums (100 − 20), and the first week has none
    late = [o for o in rows() if o.date != dt.date(2025, 4, 7)]
    kpi = net(late)
    assert [p.actual for p in kpi.trend] == [None, D(80), D(50)]
    assert [p.cumulative for p in kpi.trend] == [None, D(90), D(140)]


def test_a_formula_of_spend_and_revenue_keywords_rises_the_same_way() -> None:
    kpi = net(rows(), "revenue - spend")
    assert [p.actual for p in kpi.trend] == [D("-26.000001"), D(80), D(50)]
    assert kpi.forecast == D("125.428570")


def test_a_sum_only_formula_keeps_the_sum_of_those_with_data() -> None:
    kpi = net(rows(), "sales + spend")  # not a difference: the week's sum of its inputs
    assert [p.actual for p in kpi.trend] == [D("46.000001"), D(120), D(50)]


def test_the_report_of_a_store_gives_the_rise_and_the_forecast(tmp_path: Path) -> None:
    import yaml

    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(document()), encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(
        "date,kpi,value\n" + "".join(f"{o.date.isoformat()},{o.kpi},{o.value}\n" for o in rows()),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    run = run_cli("report", plan_file, "--store", store, "--as-of", AS_OF.isoformat(), "-f", "json")
    assert run.code == 0
    [kpi] = [k for k in json.loads(run.stdout)["kpis"] if k["id"] == "m.net"]
    assert kpi["forecast"] == 125.42857
    assert (kpi["period"]["actual"], kpi["previous_period"]["actual"]) == (50, 80)
    assert [p["actual"] for p in kpi["trend"]] == [-26.000001, 80, 50]
