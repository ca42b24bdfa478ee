"""The stable JSON document of a report.

Top-level keys (stable names; fields may be added): ``generator`` ("mktplan report", the
mark that lets mktplan overwrite the file later), ``plan``, ``kpis``, ``modules``,
``budget``, ``alerts``, ``actions``, plus ``tracking``, ``reviews`` and ``daily`` (the
latter only when the evaluation carries daily values). Numbers are JSON numbers (``Decimal``
→ int when integral, else float), ``null`` means unknown, dates are ISO strings, keys sorted.
Fractions (attainment, pace, shares, used) are fractions: 1.2 = 120 %. ``kpis[i].by_channel``
(``channel``, ``actual``, ``share``) and ``modules[i].by_channel`` (``channel``, ``spend``,
``revenue``, ``roi``) are the channel view, ``[]`` without channel data; ``channel`` is
``null`` for observations without a channel.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from mktplan.evaluation import Evaluation, PeriodValue
from mktplan.render import columns


class ReportEncoder(json.JSONEncoder):
    """Decimal → int or float, dates and datetimes → ISO 8601 strings."""

    def default(self, o: Any) -> Any:
        if isinstance(o, Decimal):
            return decimal_number(o)
        if isinstance(o, dt.datetime):
            return o.isoformat(timespec="seconds")
        if isinstance(o, dt.date):
            return o.isoformat()
        return super().default(o)


def decimal_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: int when integral, else the nearest float."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def period_value(value: PeriodValue | None) -> dict[str, Any] | None:
    """A period as ``{start, end, actual}``."""
    if value is None:
        return None
    return {"start": value.start, "end": value.end, "actual": value.actual}


def trend_point(value: PeriodValue) -> dict[str, Any]:
    """One period of a trend: ``{start, end, actual, cumulative, planned}``."""
    return {
        "start": value.start,
        "end": value.end,
        "actual": value.actual,
        "cumulative": value.cumulative,
        "planned": value.planned,
    }


def report_document(ev: Evaluation) -> dict[str, Any]:
    """The report as plain JSON-ready values (Decimals and dates still unconverted)."""
    p = ev.plan
    b = ev.budget
    from mktplan.render import GENERATOR

    doc: dict[str, Any] = {
        "generator": GENERATOR,
        "plan": {
            "id": p.id,
            "name": p.name,
            "owner": p.owner,
            "as_of": p.as_of,
            "currency": p.currency,
            "start": p.start,
            "end": p.end,
            "cadence": p.cadence,
            "days_elapsed": p.days_elapsed,
            "days_total": p.days_total,
            "time_elapsed": p.time_elapsed,
            "period": p.period,
            "period_number": p.period_number,
        },
        "kpis": [
            {
                **columns.KPIS.record(k),
                "by_channel": [
                    {"channel": c.channel or None, "actual": c.actual, "share": c.share}
                    for c in k.by_channel
                ],
                "period": period_value(k.period),
                "previous_period": period_value(k.previous_period),
                "change": None
                if k.change is None
                else {"absolute": k.change.absolute, "relative": k.change.relative},
                "trend": [trend_point(t) for t in k.trend],
            }
            for k in ev.kpis
        ],
        "modules": [
            {
                **columns.MODULES.record(m),
                "by_channel": [
                    {
                        "channel": c.channel or None,
                        "spend": c.spend,
                        "revenue": c.revenue,
                        "roi": c.roi,
                    }
                    for c in m.by_channel
                ],
            }
            for m in ev.modules
        ],
        "budget": {
            "total": b.total,
            "reserve": b.reserve,
            "reserve_share": b.reserve_share,
            "allocated": b.allocated,
            "spent": b.spent,
            "remaining": b.remaining,
            "used": b.used,
            "lines": [columns.BUDGET_LINES.record(line) for line in b.lines],
        },
        "alerts": [columns.ALERTS.record(a) for a in ev.alerts],
        "actions": [columns.TASKS.record(a) for a in ev.actions],
        "tracking": [columns.TRACKING.record(t) for t in ev.tracking],
        "reviews": [
            {
                "date": r.date,
                "module": r.module,
                "kpi": r.kpi,
                "cause": r.cause,
                "measure": r.measure,
            }
            for r in ev.reviews
        ],
    }
    doc["spend_trend"] = [trend_point(t) for t in ev.spend_trend]
    doc["data_issues"] = [
        {"kind": d.kind, "source": d.source, "since": d.since, "count": d.count, "days": d.days}
        for d in ev.data_issues
    ]
    doc["plan_changes"] = [
        {
            "area": c.area,
            "item": c.item,
            "field": c.field,
            "old": c.old,
            "new": c.new,
            "delta": c.delta,
        }
        for c in ev.plan_changes
    ]
    if ev.daily:
        doc["daily"] = [{"kpi": d.kpi, "date": d.date, "value": d.value} for d in ev.daily]
    return doc


def render_json(ev: Evaluation) -> str:
    """The report as indented JSON text with sorted keys and a final newline."""
    text = json.dumps(
        report_document(ev),
        cls=ReportEncoder,
        ensure_ascii=False,
        indent=2,
        sort_keys=True,
        allow_nan=False,
    )
    return text + "\n"
