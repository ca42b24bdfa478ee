"""The built-in budget alerts (issue 10): over_budget and forecast_over_budget on modules and
budget lines, with owner and respond-by, configurable by `budget_alerts:`. Numbers by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path
from typing import Any

from mktplan.evaluation import AlertResult, Evaluation
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from mktplan.render.text import alert_message
from tests.conftest import PLANS, run_cli

AS_OF = dt.date(2024, 1, 5)  # day 5 of 10


def plan(**extra: Any) -> Plan:
    def module(mid: str, owner: str) -> dict[str, Any]:
        return {
            "id": mid,
            "name": f"Module {mid}",
            "owner": owner,
            "budget": 400,
            "goal": "Sales of 1,000 CNY by 10 January 2024",
            "kpis": [{"id": "spend", "name": "Spend", "unit": "CNY", "role": "spend"}],
        }

    return Plan.model_validate(
        {
            "plan": {
                "id": "p",
                "name": "Budget alerts",
                "owner": "Pat Lee",
                "period": {"start": "2024-01-01", "end": "2024-01-10"},
                "cadence": "daily",
            },
            "budget": {"total": 1000, "reserve": 100, "lines": {"media": 450, "people": 450}},
            "modules": [module("a", "Ann Wu"), module("b", "Bo Li")],
            **extra,
        }
    )


DATA = MemoryObservations(
    [
        *(Observation("a.spend", dt.date(2024, 1, n), D(100), line="media") for n in range(1, 6)),
        *(Observation("b.spend", dt.date(2024, 1, n), D(50), line="people") for n in range(1, 6)),
    ]
)


def budget_alerts(ev: Evaluation) -> dict[str, AlertResult]:
    return {a.kpi: a for a in ev.alerts if a.kpi.startswith("budget.")}


def test_over_budget_and_forecast_over_budget_by_default() -> None:
    ev = evaluate(plan(), DATA, AS_OF)
    found = budget_alerts(ev)
    assert {k: (a.rule, a.threshold, a.actual) for k, a in found.items()} == {
        # a spent 5 × 100 = 500 of its 400
        "budget.modules.a": ("over_budget", D(400), D(500)),
        # b spent 250, and 250 in its last 5 days: 250 + 250 × 5 days left ÷ 5 = 500 > 400
        "budget.modules.b": ("forecast_over_budget", D(400), D(500)),
        "budget.lines.media": ("over_budget", D(450), D(500)),  # a's 500 on media
        "budget.lines.people": ("forecast_over_budget", D(450), D(500)),
    }
    assert {a.severity for a in found.values()} == {"warning"}
    a = found["budget.modules.a"]
    assert (a.owner, a.module, a.respond_by) == ("Ann Wu", "a", dt.datetime(2024, 1, 7))
    assert a.message == ""  # metrics writes numbers and codes; render.text the sentence
    assert (a.name, a.reference, a.gap) == ("Module a", D(400), D(125))
    assert alert_message(a, "en") == "Module Module a (a) spent 500.00 of its budget 400.00 (125%)"
    assert (
        alert_message(a, "zh")
        == "模块 Module a（a）已花费 500.00，超出预算 400.00（为预算的 125%）"
    )
    line = found["budget.lines.people"]
    assert (line.owner, line.module) == ("Pat Lee", None)
    assert alert_message(line, "en") == (
        "Budget line people is forecast to spend 500.00 by 2024-01-10, over its budget 450.00 "
        "(spent 250.00 so far)"
    )
    assert {m.id: m.spend_forecast for m in ev.modules} == {"a": D(1000), "b": D(500)}


def test_budget_alerts_are_configurable() -> None:
    configured = plan(budget_alerts={"over_budget": "critical", "forecast_over_budget": "off"})
    found = budget_alerts(evaluate(configured, DATA, AS_OF))
    assert {k: (a.rule, a.severity) for k, a in found.items()} == {
        "budget.modules.a": ("over_budget", "critical"),
        "budget.lines.media": ("over_budget", "critical"),
    }


def test_within_budget_and_on_course_raises_nothing() -> None:
    ev = evaluate(plan(), DATA, dt.date(2024, 1, 2))  # a: 200 so far, 200 + 200 × 8 ÷ 2 = 1,000
    found = budget_alerts(ev)
    assert found["budget.modules.a"].rule == "forecast_over_budget"
    quiet = evaluate(plan(), MemoryObservations([]), AS_OF)
    assert budget_alerts(quiet) == {}


def test_validate_names_a_bad_budget_alert_level(tmp_path: Path) -> None:
    text = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(text + "\nbudget_alerts: {over_budget: loud}\n", encoding="utf-8")
    result = run_cli("validate", plan_file)
    assert result.code == 1, result.output
    assert "budget_alerts.over_budget" in result.output
    assert "Traceback" not in result.output
    plan_file.write_text(text + "\nbudget_alerts: {forecast_over_budget: off}\n", "utf-8")
    assert run_cli("validate", plan_file).code == 0
