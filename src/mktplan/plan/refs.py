"""Where each KPI of a plan stands and what a KPI name means in a module's scope: what the
rules, the metrics and ingest share. Kept apart from the rules so that ingest and report,
which load a checked plan from the cache, need not import the YAML loader."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mktplan.plan.model import Kpi, Module, Plan

if TYPE_CHECKING:
    from mktplan.plan.loader import Loc

KEYWORDS = ("spend", "revenue")


@dataclass(frozen=True)
class KpiRef:
    """A KPI with where it stands in the plan."""

    qualified: str
    module: Module | None
    kpi: Kpi
    loc: Loc


_last: tuple[Plan, dict[str, KpiRef]] | None = None


def kpi_refs(plan: Plan) -> dict[str, KpiRef]:
    """Every KPI of the plan by qualified id (``module.kpi`` or a plan-level id). The last
    plan's map is kept: ingest and the metrics ask for the same plan many times."""
    global _last
    if _last is not None and _last[0] is plan:
        return dict(_last[1])
    refs = _build_refs(plan)
    _last = (plan, refs)
    return dict(refs)


def _build_refs(plan: Plan) -> dict[str, KpiRef]:
    refs: dict[str, KpiRef] = {}
    for k, kpi in enumerate(plan.kpis):
        refs.setdefault(kpi.id, KpiRef(kpi.id, None, kpi, ("kpis", k)))
    for m, module in enumerate(plan.modules):
        for k, kpi in enumerate(module.kpis):
            qid = f"{module.id}.{kpi.id}"
            refs.setdefault(qid, KpiRef(qid, module, kpi, ("modules", m, "kpis", k)))
    return refs


def resolve_name(name: str, module: Module | None, refs: dict[str, KpiRef]) -> str | None:
    """The qualified KPI id a formula name means in its scope, the keyword itself for
    `spend`/`revenue`, or None when it names nothing.

    In a module: its own KPI, then `spend`/`revenue`, then a plan-level KPI.
    At plan level: a plan-level KPI, then `spend`/`revenue`. `module.kpi` is always absolute.
    """
    if "." in name:
        return name if name in refs else None
    if module is not None and f"{module.id}.{name}" in refs:
        return f"{module.id}.{name}"
    if name in KEYWORDS:
        return name
    if name in refs and refs[name].module is None:
        return name
    return None
