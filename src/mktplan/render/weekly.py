"""Formatting of the weekly sections (this period vs the last, trend, charts): the filters
their Markdown templates use. Numbers only; labels come from :mod:`mktplan.i18n`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from mktplan.evaluation import Change, Evaluation, KpiResult, PlanSummary
from mktplan.i18n import labels, summary_sentences
from mktplan.render import numbers

SPARKS = "▁▂▃▄▅▆▇█"
SPARK_GAP = "·"  # a period without data
TREND_PERIODS = 12  # the compact trend shows at most this many latest periods


def sparkline(values: Sequence[Decimal | None]) -> str:
    """One character per value, the lowest ▁ and the highest █ (all equal: ▄); ``·`` when
    unknown. ``[1, 2, 3]`` → ``▁▄█``."""
    known = [v for v in values if v is not None]
    if not known:
        return SPARK_GAP * len(values)
    low, high = min(known), max(known)
    top = len(SPARKS) - 1
    out = []
    for value in values:
        if value is None:
            out.append(SPARK_GAP)
        elif high == low:
            out.append(SPARKS[top // 2])
        else:
            step = (value - low) * top / (high - low)
            out.append(SPARKS[int(step.to_integral_value(rounding="ROUND_HALF_UP"))])
    return "".join(out)


def signed(text: str, value: Decimal) -> str:
    """``text`` with a leading + for a positive value (a negative one has its own sign)."""
    return f"+{text}" if value > 0 else text


def change_value(change: Change | None, unit: str | None, lang: str) -> str:
    """The absolute change in the KPI's unit, signed: ``+400``, ``-0.5 pt`` / ``-0.5 个百分点``
    for percent KPIs."""
    if change is None or change.absolute is None:
        return numbers.MISSING
    value = change.absolute
    if unit == "%" or (unit or "").strip() in {"％", "percent", "pct"}:
        return signed(numbers.number(value, 2), value) + labels(lang)["points_unit"]
    return signed(numbers.kpi_value(value, unit), value)


def change_relative(change: Change | None) -> str:
    """The relative change as a signed percentage: ``-33.3%``."""
    if change is None or change.relative is None:
        return numbers.MISSING
    return signed(numbers.fraction(change.relative), change.relative)


def period_label(
    plan: PlanSummary, which: str, lang: str, start: dt.date | None, end: dt.date | None
) -> str:
    """``week 3 (10-27 – 11-02)``: the period's number from the plan start and its days;
    ``which`` is "current" or "previous"."""
    number = plan.period_number - (1 if which == "previous" else 0)
    days = "" if start is None or end is None else f" ({start:%m-%d} – {end:%m-%d})"
    if number < 1:
        return days.strip(" ()") or numbers.MISSING
    return labels(lang)[f"period_{plan.period}"].format(n=number) + days


def trend_kpis(ev: Evaluation) -> list[KpiResult]:
    """The KPIs of the compact trend: the evaluation table's rows."""
    return ev.summary_kpis()


def recent_trend(kpi: KpiResult) -> list[Decimal | None]:
    """The actuals of the KPI's latest TREND_PERIODS periods, oldest first."""
    return [p.actual for p in kpi.trend[-TREND_PERIODS:]]


def weekly_filters(lang: str) -> dict[str, Callable[..., str]]:
    """The filters of period.md.j2 and trend.md.j2, in ``lang``."""

    def trend_numbers(kpi: KpiResult) -> str:
        return " → ".join(numbers.kpi_value(v, kpi.unit) for v in recent_trend(kpi))

    return {
        "summary_paragraph": lambda ev: summary_paragraph(ev, lang),
        "spark": lambda kpi: sparkline(recent_trend(kpi)),
        "trend_numbers": trend_numbers,
        "change_value": lambda kpi: change_value(kpi.change, kpi.unit, lang),
        "change_relative": lambda kpi: change_relative(kpi.change),
        "this_period": lambda plan: period_label(
            plan, "current", lang, plan.period_start, plan.period_end
        ),
        "previous_period": lambda plan: period_label(
            plan, "previous", lang, plan.previous_start, plan.previous_end
        ),
    }


def summary_paragraph(ev: Evaluation, lang: str) -> str:
    """The summary sentences as one paragraph (no spaces between Chinese sentences)."""
    return ("" if lang == "zh" else " ").join(summary_sentences(ev, lang))


def render_brief(ev: Evaluation, lang: str) -> str:
    """The summary paragraph and one short line per alert, no tables: for pasting into
    企业微信, DingTalk or Slack."""
    words = labels(lang)
    lines = [summary_paragraph(ev, lang)]
    if ev.alerts:
        lines.append("")
        lines.append(f"{words['alerts']}:")
        for a in ev.alerts:
            severity = words.get(f"severity_{a.severity}", a.severity)
            deadline = numbers.timestamp(a.respond_by)
            lines.append(
                f"- [{severity}] {a.message} ({a.owner}, {words['respond_by']} {deadline})"
            )
    return "\n".join(numbers.without_controls(line) for line in lines) + "\n"
