"""The report's sentences, per language: the one place that turns the codes and numbers of
an :class:`~mktplan.evaluation.Evaluation` into prose (alert messages). Renderers call
:func:`localize` first, so the JSON, the Markdown template context (``a.message``), the
terminal and Excel all carry the same sentence in the report language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from decimal import Decimal

from mktplan.evaluation import AlertResult, Evaluation, KpiResult, PlanChange
from mktplan.i18n import labels, message
from mktplan.render import numbers
from mktplan.vocab import is_percent, is_ratio


def localize(ev: Evaluation, lang: str, shown: numbers.Style = numbers.PLAIN) -> Evaluation:
    """``ev`` with every alert's ``message``, the tracking table's actual and variance texts,
    each module's ``roi_label`` and the summary paragraph written in ``lang``, numbers in the
    ``shown`` style (万, 1:X). A row that names no key KPIs keeps its texts as they are."""
    alerts = [dataclasses.replace(a, message=alert_message(a, lang, shown)) for a in ev.alerts]
    kpis = {k.id: k for k in ev.kpis}
    tracking = [
        dataclasses.replace(
            row,
            actual=tracking_actual([kpis[i] for i in row.key_kpis if i in kpis], shown),
            variance=tracking_variance([kpis[i] for i in row.key_kpis if i in kpis], lang, shown),
        )
        if row.key_kpis
        else row
        for row in ev.tracking
    ]
    # ROI as the templates write it (1:3.5), for a team template's context
    modules = [
        dataclasses.replace(m, roi_label=None if m.roi is None else numbers.roi_label(m.roi))
        for m in ev.modules
    ]
    summary = ev.summary
    if summary is not None:
        from mktplan.render.weekly import summary_paragraph

        summary = dataclasses.replace(summary, text=summary_paragraph(ev, lang, shown))
    return dataclasses.replace(
        ev, alerts=alerts, tracking=tracking, modules=modules, summary=summary
    )


def tracking_actual(kpis: list[KpiResult], shown: numbers.Style = numbers.PLAIN) -> str:
    """ "Sales: 412,345.68 / 1,300,000; …": each key KPI's actual against its target."""
    return "; ".join(
        f"{k.name}: {_n(k.actual, k.unit, shown=shown)} / {_n(k.target, k.unit, shown=shown)}"
        for k in kpis
    )


def tracking_variance(
    kpis: list[KpiResult], lang: str, shown: numbers.Style = numbers.PLAIN
) -> str:
    """ "Sales: 887,654.32; …": target − actual; a percent KPI's in percent points (0.31 pt,
    0.31 个百分点), as every difference of percentages is written (metrics.md)."""

    def gap(k: KpiResult) -> str:
        if k.variance is not None and is_percent(k.unit):
            return labels(lang)["percent_points"].format(_n(k.variance, shown=shown))
        return _n(k.variance, k.unit, shown=shown.difference)

    return "; ".join(f"{k.name}: {gap(k)}" for k in kpis)


def plan_change_line(change: PlanChange, lang: str, shown: numbers.Style = numbers.PLAIN) -> str:
    """ "kpi brand.searches: target 130,000 → 150,000 (+20,000)": one change of the plan
    during the period, in ``lang``."""
    from mktplan.plan.diff import item_label

    area = message(f"diff.area.{change.area}", lang) if change.area != "budget" else ""
    field = message(f"weekly.change_field.{change.field}", lang)
    delta = ""
    if isinstance(change.delta, int):
        delta = message("diff.days", lang, days=f"{change.delta:+d}", n=abs(change.delta))
    elif isinstance(change.delta, Decimal):
        delta = ("+" if change.delta >= 0 else "-") + _n(abs(change.delta), shown=shown)
    item = item_label(change.item, lang)
    if change.name and change.name != change.item:  # the name, as the report shows it
        item = message("weekly.named_item", lang, name=change.name, id=change.item)
    return message(
        "weekly.plan_change_delta" if delta else "weekly.plan_change",
        lang,
        subject=f"{area} {item}".strip(),
        field=field,
        old=_shown(change.old, shown),
        new=_shown(change.new, shown),
        delta=delta,
    )


def _shown(value: object, shown: numbers.Style) -> str:
    if isinstance(value, Decimal):
        return _n(value, shown=shown)
    if value is None:
        return "—"
    return numbers.date(value) if isinstance(value, dt.date) else str(value)


def alert_message(a: AlertResult, lang: str, shown: numbers.Style = numbers.PLAIN) -> str:
    """One line saying why the alert fired, in ``lang`` (en or zh), after the plan's own
    alert message when it has one."""
    text = _alert_sentence(a, lang, shown)
    if a.note:
        return f"{a.note}：{text}" if lang == "zh" else f"{a.note}: {text}"
    return text


def _n(value: Decimal | None, unit: str | None = None, *, shown: numbers.Style) -> str:
    return numbers.readable(value, unit, shown)


_GAP_RULES = ("below_target", "above_target", "below_pace")  # threshold in %
_ALERT_KEYS = {
    "below_target": "alert.below_target",
    "above_target": "alert.above_target",
    "below_pace": "alert.below_pace",
    "above": "alert.above",
    "below": "alert.below",
}


def _alert_sentence(a: AlertResult, lang: str, shown: numbers.Style) -> str:
    """Why the alert fired, from the message catalogue in ``lang``."""
    n = functools.partial(_n, shown=shown)
    if a.rule in ("over_budget", "forecast_over_budget"):
        code = a.kpi.removeprefix("budget.modules.")
        subject = (
            message("alert.budget_line", lang, name=a.name)
            if a.kpi.startswith("budget.lines.")
            else message("alert.module", lang, name=a.name, code=code)
        )
        return message(
            f"alert.{a.rule}",
            lang,
            subject=subject,
            actual=n(a.actual, a.unit),
            budget=n(a.reference, a.unit),
            share=n(a.gap, "%"),
            end=numbers.date(a.until),
            spent=n(a.spent, a.unit),
        )
    # the value the actual is compared with: the threshold itself, or the target/pace line
    other = a.reference if a.rule in _GAP_RULES else a.threshold
    actual, compared = _apart(a.actual, other, a.unit, shown)
    return message(
        _ALERT_KEYS[a.rule],
        lang,
        subject=message("alert.subject", lang, name=a.name, kpi=a.kpi, actual=actual),
        gap=n(abs(a.gap), "%") if a.gap is not None else message("alert.gap_all", lang),
        reference=compared if a.rule in _GAP_RULES else n(a.reference, a.unit),
        threshold=n(a.threshold, "%") if a.rule in _GAP_RULES else compared,
    )


def _apart(
    value: Decimal | None, other: Decimal | None, unit: str | None, shown: numbers.Style
) -> tuple[str, str]:
    """``value`` and ``other`` as a sentence writes them, with as many more decimals as tell
    them apart when they differ but read alike ("1.5%, below 1.5%" is 1.495 % below 1.5 %:
    "1.495%, below 1.500%")."""
    first, second = _n(value, unit, shown=shown), _n(other, unit, shown=shown)
    if first != second or value is None or other is None or value == other:
        return first, second
    places = next(
        (
            p
            for p in range(1, 6)
            if value.quantize(Decimal(1).scaleb(-p)) != other.quantize(Decimal(1).scaleb(-p))
        ),
        6,
    )
    if is_ratio(unit) and shown.roi:  # 1:X as the report writes ROI
        return f"1:{value:,.{places}f}", f"1:{other:,.{places}f}"
    sign = "%" if is_percent(unit) else ""
    return f"{value:,.{places}f}{sign}", f"{other:,.{places}f}{sign}"
