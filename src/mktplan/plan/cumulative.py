"""Which KPIs accumulate over time (and so are paced along a target curve) and which are
levels (graded against the target itself). One definition, used by the metrics and by
`validate` (checkpoints are allowed on cumulative KPIs only); see docs/metrics.md.

Cumulative: a measured KPI with ``aggregation: sum``; a formula that only adds or subtracts
cumulative KPIs (``spend`` and ``revenue`` count when every role KPI in scope is cumulative).
Everything else is a level: ``last``/``max``/``min``/``mean``, formulas with × or ÷ or a
number, ratios and rates.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mktplan.plan import formula
from mktplan.plan.model import Kpi, Module, Plan
from mktplan.plan.refs import KEYWORDS, KpiRef, resolve_name


def additive_names(node: formula.Node) -> list[str] | None:
    """The names of a formula made only of names, + and - (unary too); None otherwise."""
    if isinstance(node, formula.Name):
        return [node.name]
    if isinstance(node, formula.Negate):
        return additive_names(node.operand)
    if isinstance(node, formula.Binary) and node.op in "+-":
        left, right = additive_names(node.left), additive_names(node.right)
        return None if left is None or right is None else left + right
    return None


def cumulative_ids(plan: Plan, refs: dict[str, KpiRef]) -> set[str]:
    """Qualified ids of the plan's cumulative KPIs (a formula that does not parse, or names
    something unknown or circular, is a level)."""
    known: dict[str, bool] = {}
    scopes: dict[tuple[str, str | None], list[str]] = {}
    for q, ref in refs.items():
        if ref.kpi.role is not None:
            scopes.setdefault((ref.kpi.role, None), []).append(q)
            if ref.module is not None:
                scopes.setdefault((ref.kpi.role, ref.module.id), []).append(q)

    def roles(role: str, module: Module | None) -> list[str]:
        return scopes.get((role, module.id if module else None), [])

    def cumulative(qid: str, seen: frozenset[str]) -> bool:
        if qid in known:
            return known[qid]
        if qid in seen:
            return False
        ref = refs[qid]
        text = ref.kpi.formula
        if text is None:
            found = ref.kpi.aggregation == "sum"
        else:
            try:
                names = additive_names(formula.parse(text))
            except formula.FormulaError:
                names = None
            found = names is not None
            for name in names or []:
                resolved = resolve_name(name, ref.module, refs)
                if resolved is None:
                    found = False
                elif resolved in KEYWORDS:
                    found = found and all(
                        cumulative(q, seen | {qid}) for q in roles(resolved, ref.module)
                    )
                else:
                    found = found and cumulative(resolved, seen | {qid})
        known[qid] = found
        return found

    return {qid for qid in refs if cumulative(qid, frozenset())}


def checkpoint_values(kpi: Kpi) -> list[tuple[dt.date, Decimal]]:
    """The KPI's checkpoints as (date, cumulative value), by date: a share (``"15%"``) is
    that share of the target. Shares of a KPI without a target are left out."""
    out: list[tuple[dt.date, Decimal]] = []
    for day, raw in sorted((kpi.checkpoints or {}).items()):
        try:
            share = checkpoint_share(raw)
        except ValueError:
            continue  # `validate` names it; a report never sees such a plan
        if share is None:
            out.append((day, Decimal(raw)))
        elif kpi.target is not None:
            out.append((day, kpi.target * share / 100))
    return out


def checkpoint_share(raw: Decimal | str) -> Decimal | None:
    """The percent of ``"15%"`` (15), None for a plain value; ValueError when a text is not
    a share."""
    if isinstance(raw, Decimal):
        return None
    text = raw.strip()
    if not text.endswith(("%", "％")):
        raise ValueError(raw)
    try:
        value = Decimal(text[:-1].strip())
    except ArithmeticError:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value
