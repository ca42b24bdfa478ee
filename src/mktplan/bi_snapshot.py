"""What ingest and report leave in the store for BI tools: the plan's KPI definitions, and
the KPI lines of a report (see :mod:`mktplan.store.bi` for the tables and views)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mktplan.plan.model import Plan
from mktplan.store.bi import KpiDefinition, KpiOutcome, PlanDefinition

if TYPE_CHECKING:  # an ingest records the plan's definitions without the evaluation's 25 ms
    from mktplan.evaluation import Evaluation


def plan_definition(plan: Plan) -> PlanDefinition:
    """Every KPI of ``plan`` by its qualified id, with its module and owner."""
    info = plan.plan
    kpis = tuple(
        KpiDefinition(
            kpi=kpi_id,
            module=module.id if module else "",
            module_name=module.name if module else "",
            owner=module.owner if module else info.owner,
            name=kpi.name,
            unit=kpi.unit,
            aggregation=str(kpi.aggregation),
            better=str(kpi.better),
            formula=kpi.formula,
            baseline=kpi.baseline,
            target=kpi.target,
            due=kpi.due,
        )
        for kpi_id, (module, kpi) in plan.kpi_index().items()
    )
    return PlanDefinition(
        plan_id=info.id,
        name=info.name,
        owner=info.owner,
        currency=info.currency,
        start=info.period.start,
        end=info.period.end,
        kpis=kpis,
    )


def kpi_outcomes(evaluation: Evaluation) -> tuple[KpiOutcome, ...]:
    """Each KPI's line of the report, numbers as the report computed them."""
    return tuple(
        KpiOutcome(
            kpi=k.id,
            actual=k.actual,
            target=k.target,
            expected=k.expected,
            attainment=k.attainment,
            pace=k.pace,
            forecast=k.forecast,
            status=k.status,
            stale=k.stale,
            last_date=k.last_date,
        )
        for k in evaluation.kpis
    )
