"""The stable JSON document of a report.

Top-level keys (stable names; fields may be added): ``generator`` ("mktplan report", the
mark that lets mktplan overwrite the file later), ``plan``, ``kpis``, ``modules``,
``budget``, ``alerts``, ``actions``, plus ``tracking``, ``reviews`` and ``daily`` (the
latter only when the evaluation carries daily values). Numbers are JSON numbers (``Decimal``
→ int when integral, else float), ``null`` means unknown, dates are ISO strings, keys sorted.
Fractions (attainment, pace, shares, used) are fractions: 1.2 = 120 %. ``kpis[i].by_channel``
(``channel``, ``actual``, ``share``) and ``modules[i].by_channel`` (``channel``, ``spend``,
``revenue``, ``roi``) are the channel view, ``[]`` without channel data; ``channel`` is
``null`` for observations without a channel. ``plan.trend_shown`` of ``plan.trend_of``: the
evaluation table's KPIs with a ``trend`` (at most 50), and its rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from mktplan.evaluation import Evaluation, PeriodValue
from mktplan.render import columns


class ReportEncoder(json.JSONEncoder):
    """Decimal → int or float, dates and datetimes → ISO 8601 strings."""

    def default(self, o: Any) -> Any:
        kind = type(o)  # exact types first: the encoder asks once per Decimal and date
        if kind is Decimal:
            return decimal_number(o)
        if kind is dt.date:
            return _iso_date(o)
        if isinstance(o, Decimal):
            return decimal_number(o)
        if isinstance(o, dt.datetime):
            return o.isoformat(timespec="seconds")
        if isinstance(o, dt.date):
            return o.isoformat()
        return super().default(o)


@functools.lru_cache(maxsize=4096)
def _iso_date(day: dt.date) -> str:
    """A date as ISO text; a report repeats the same few hundred dates (every trend)."""
    return day.isoformat()


def decimal_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: int when integral, else the nearest float. Its exact
    ratio in one call: a whole value is the numerator, else numerator ÷ denominator, which
    Python rounds correctly as ``float(value)`` does (a fifth faster than comparing with
    ``to_integral_value``, for the 100,000 numbers of a 2,000-KPI report). NaN and infinity
    have no ratio: they go the usual way (and the encoder refuses them)."""
    try:
        numerator, denominator = value.as_integer_ratio()
    except (ValueError, OverflowError):
        return float(value)
    return numerator if denominator == 1 else numerator / denominator


def period_value(value: PeriodValue | None) -> dict[str, Any] | None:
    """A period as ``{start, end, actual}``."""
    if value is None:
        return None
    return {"start": value.start, "end": value.end, "actual": value.actual}


def trend_point(value: PeriodValue) -> dict[str, Any]:
    """One period of a trend: ``{start, end, actual, cumulative, planned}``."""
    return {  # keys in sorted order: a trend is written without sorting each point
        "actual": value.actual,
        "cumulative": value.cumulative,
        "end": value.end,
        "planned": value.planned,
        "start": value.start,
    }


def _number(value: Decimal | None) -> int | float | None:
    """:func:`decimal_number`, ``None`` kept."""
    return None if value is None else decimal_number(value)


def report_document(ev: Evaluation) -> dict[str, Any]:
    """The report as plain JSON-ready values: Decimals and dates unconverted, but for the
    channel rows' numbers, which are JSON numbers already (int or float, as the encoder
    would write them): most of a report's values, encoded then without a call back into
    Python for each."""
    p = ev.plan
    b = ev.budget
    from mktplan.render import GENERATOR

    number = _number

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
            "trend_shown": p.trend_shown,
            "trend_of": p.trend_of,
        },
        "kpis": [
            {
                **columns.KPIS.record(k),
                "by_channel": [
                    {  # keys in sorted order: no sorting when encoded
                        "actual": number(c.actual),
                        "channel": c.channel or None,
                        "share": number(c.share),
                    }
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
                    {  # keys in sorted order: no sorting when encoded
                        "channel": c.channel or None,
                        "revenue": number(c.revenue),
                        "roi": number(c.roi),
                        "spend": number(c.spend),
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
    doc["summary"] = summary_document(ev)
    doc["data_issues"] = [
        {
            "kind": d.kind,
            "source": d.source,
            "since": d.since,
            "count": d.count,
            "days": d.days,
            "kpis": [kpi for kpi, _ in d.kpis],
            "channels": list(d.channels),
        }
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


def summary_document(ev: Evaluation) -> dict[str, Any] | None:
    """The summary paragraph's numbers and codes (docs/metrics.md, "Summary paragraph") and
    its text in the report's language; None for an evaluation without one."""
    s = ev.summary
    if s is None:
        return None
    gap = s.gap
    drop = gap.channel if gap is not None else None
    return {
        "text": s.text,
        "graded": s.graded,
        "on_track": s.on_track,
        "finished": s.finished,
        "achieved": s.achieved,
        "gap": None
        if gap is None
        else {
            "kpi": gap.kpi,
            "name": gap.name,
            "owner": gap.owner,
            "status": gap.status,
            "measure": gap.measure,
            "score": gap.score,
            "channel": None
            if drop is None
            else {
                "channel": drop.channel,
                "previous": drop.previous,
                "current": drop.current,
                "change": drop.change,
            },
        },
        "spent": s.spent,
        "budget": s.budget,
        "budget_used": s.budget_used,
        "time_elapsed": s.time_elapsed,
        "spend_forecast": s.spend_forecast,
        "overspend": s.overspend,
    }


def render_json(ev: Evaluation) -> str:
    """The report as indented JSON text with sorted keys and a final newline: the bytes of
    ``json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)``, written faster."""
    return indented_json(report_document(ev)) + "\n"


_CONTAINERS = (dict, list, tuple)
# Stands for a nested container while its parent is encoded; a private-use code point no
# report text holds (and if one did, the count check below falls back to a slower path).
_SLOT = "\ue000mktplan-json-slot\ue000"


def indented_json(doc: Any) -> str:
    """``doc`` as ``json.dumps(doc, cls=ReportEncoder, ensure_ascii=False, indent=2,
    sort_keys=True, allow_nan=False)`` writes it, byte for byte.

    ``indent`` makes Python fall back to its pure-Python encoder (a generator step per value:
    over a second for the million values of a 2,000-KPI report). Here each container is
    written by one call of the C encoder, whose item separator carries the newline and
    indent of its depth; nested containers stand in it as a placeholder string, replaced by
    their own text. Only the nesting is walked in Python.
    """
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator in this Python: the plain encoder, same text
        return json.dumps(
            doc, cls=ReportEncoder, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False
        )
    default = ReportEncoder().default
    encoders: dict[tuple[int, bool], Callable[[Any], str]] = {}

    def encoder(depth: int, sort_keys: bool = True) -> Callable[[Any], str]:
        """The C encoder of one container's items at ``depth``: value → text. Without
        ``sort_keys`` only for dicts whose keys are in sorted order already."""
        found = encoders.get((depth, sort_keys))
        if found is None:
            chunks = make(
                None,  # no circular check: the document is a tree built by report_document
                default,
                json.encoder.encode_basestring,  # ensure_ascii=False
                None,
                ": ",
                ",\n" + "  " * (depth + 1),
                sort_keys,
                False,  # skipkeys
                False,  # allow_nan
            )
            found = encoders[depth, sort_keys] = lambda value: "".join(chunks(value, 0))
        return found

    slot = encoder(0)(_SLOT)

    def text(value: Any, depth: int) -> str:
        if isinstance(value, dict):
            if not value:
                return "{}"
            inside = {k for k, v in value.items() if isinstance(v, _CONTAINERS)}
            if inside:  # nested containers, in the encoder's (sorted) key order
                nested = [value[k] for k in sorted(inside)]
                shallow: Any = {k: _SLOT if k in inside else v for k, v in value.items()}
            else:
                nested, shallow = [], value
        elif isinstance(value, (list, tuple)):
            if not value:
                return "[]"
            if _flat_dicts(value):
                return _flat_records(encoder(depth + 1, not _sorted_alike(value))(value), depth)
            nested = [v for v in value if isinstance(v, _CONTAINERS)]
            shallow = (
                [_SLOT if isinstance(v, _CONTAINERS) else v for v in value] if nested else value
            )
        else:
            return encoder(0)(value)
        body = encoder(depth)(shallow)
        inner = "\n" + "  " * (depth + 1)
        body = body[0] + inner + body[1:-1] + "\n" + "  " * depth + body[-1]
        if not nested:
            return body
        pieces = body.split(slot)
        if len(pieces) != len(nested) + 1:  # a text equal to the placeholder: walk by hand
            return _walked(value, depth, text)
        parts = [pieces[0]]
        for child, piece in zip(nested, pieces[1:], strict=True):
            parts.append(text(child, depth + 1))
            parts.append(piece)
        return "".join(parts)

    return text(doc, 0)


def _flat_dicts(items: list[Any] | tuple[Any, ...]) -> bool:
    """Whether ``items`` are all non-empty dicts without a container among their values
    (checked by C loops: this runs for 40,000 channel rows)."""
    if set(map(type, items)) != {dict} or not all(items):
        return False
    values = itertools.chain.from_iterable(map(dict.values, items))
    # the few types of the values, not each value (the encoder, too, goes by type)
    return not any(issubclass(kind, _CONTAINERS) for kind in set(map(type, values)))


def _sorted_alike(records: list[Any] | tuple[Any, ...]) -> bool:
    """Whether ``records`` (dicts) all hold the same text keys in the same, sorted order, as
    the channel rows do: the encoder then need not sort each one's items (the sorting took
    about as long as writing them)."""
    keys = set(map(tuple, records))
    if len(keys) != 1:
        return False
    (order,) = keys
    return all(type(key) is str for key in order) and list(order) == sorted(order)


def _flat_records(body: str, depth: int) -> str:
    """A list of non-empty flat dicts (the channel rows: most of a report's containers), as
    the C encoder wrote it in one call with the item separator of the dicts' items, laid out
    as ``json.dumps(indent=2)`` does.

    The text is ``[{"k": v,<sep>"k": v},<sep>{"k": v}]``. Encoded strings never hold a raw
    newline, a dict item starts with a quoted key and a scalar never ends with ``}``, so
    ``},<sep>{`` appears only between two dicts, and the only other brackets to open up are
    the first and the last."""
    outer, inner = "\n" + "  " * depth, "\n" + "  " * (depth + 1)
    item = inner + "  "
    middle = body[2:-2].replace("}," + item + "{", inner + "}," + inner + "{" + item)
    return "[" + inner + "{" + item + middle + inner + "}" + outer + "]"


def _walked(value: Any, depth: int, text: Callable[[Any, int], str]) -> str:
    """A container written item by item (the rare fallback of :func:`indented_json`)."""
    inner = "\n" + "  " * (depth + 1)
    if isinstance(value, dict):
        items = [
            f"{text(key if isinstance(key, str) else _key(key), 0)}: {text(item, depth + 1)}"
            for key, item in sorted(value.items())
        ]
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "}"
    items = [text(item, depth + 1) for item in value]
    return "[" + inner + ("," + inner).join(items) + "\n" + "  " * depth + "]"


def _key(key: Any) -> str:
    """A non-string dict key as ``json.dumps`` writes it (1 → "1", None → "null")."""
    return str(next(iter(json.loads(json.dumps({key: 0})))))
