"""Formatting of the weekly sections (this period vs the last, trend, charts): the filters
their Markdown templates use. Numbers only; labels come from :mod:`mktplan.i18n`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from mktplan.evaluation import Change, DataIssue, Evaluation, KpiResult, PlanSummary
from mktplan.i18n import LIST_SEPARATOR, labels, message, summary_sentences
from mktplan.render import numbers
from mktplan.render.text import localize, plan_change_line
from mktplan.vocab import is_percent

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


def change_value(
    change: Change | None, unit: str | None, lang: str, shown: numbers.Style = numbers.PLAIN
) -> str:
    """The absolute change in the KPI's unit, signed: ``+400``, ``-0.5 pt`` / ``-0.5 个百分点``
    for percent KPIs (as the Period table writes it)."""
    if change is None or change.absolute is None:
        return numbers.MISSING
    value = change.absolute
    if is_percent(unit):
        return signed(labels(lang)["percent_points"].format(numbers.number(value, 1)), value)
    return signed(numbers.kpi_value(value, unit, shown.difference), value)


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


def trend_numbers(kpi: KpiResult, shown: numbers.Style = numbers.PLAIN) -> str:
    """The actuals of :func:`recent_trend` in the KPI's unit: ``9.15 → 8.86 → 5.58``."""
    return " → ".join(numbers.kpi_value(v, kpi.unit, shown) for v in recent_trend(kpi))


def weekly_filters(
    lang: str, shown: numbers.Style = numbers.PLAIN
) -> dict[str, Callable[..., Any]]:
    """The filters of period.md.j2 and trend.md.j2, in ``lang``, numbers in ``shown``."""
    return {
        "plan_change": lambda change: plan_change_line(change, lang, shown),
        "summary_paragraph": lambda ev: summary_paragraph(ev, lang, shown),
        "charts": lambda ev: charts(ev, lang, shown),
        "data_issue": lambda issue: data_issue_text(issue, lang),
        "spark": lambda kpi: sparkline(recent_trend(kpi)),
        "trend_numbers": lambda kpi: trend_numbers(kpi, shown),
        "change_value": lambda kpi: change_value(kpi.change, kpi.unit, lang, shown),
        "change_relative": lambda kpi: change_relative(kpi.change),
        "this_period": lambda plan: period_label(
            plan, "current", lang, plan.period_start, plan.period_end
        ),
        "previous_period": lambda plan: period_label(
            plan, "previous", lang, plan.previous_start, plan.previous_end
        ),
    }


def summary_paragraph(ev: Evaluation, lang: str, shown: numbers.Style = numbers.PLAIN) -> str:
    """The summary sentences as one paragraph (no spaces between Chinese sentences)."""
    return ("" if lang == "zh" else " ").join(summary_sentences(ev, lang, shown))


def render_brief(ev: Evaluation, lang: str, units: numbers.Units | None = None) -> str:
    """The summary paragraph and one short line per alert, no tables: for pasting into
    企业微信, DingTalk or Slack. ``units``: 万/亿 or plain (default: 万 in Chinese)."""
    shown = numbers.style(lang, units)
    ev = localize(ev, lang, shown)  # the alert messages in the report language
    words = labels(lang)
    lines = [summary_paragraph(ev, lang, shown)]
    if ev.plan_changes:
        lines.append("")
        lines.append(message("weekly.brief_section", lang, title=words["plan_changes"]))
        lines += [f"- {plan_change_line(c, lang, shown)}" for c in ev.plan_changes]
    if ev.alerts:
        lines.append("")
        lines.append(message("weekly.brief_section", lang, title=words["alerts"]))
        for a in ev.alerts:
            lines.append(
                message(
                    "weekly.brief_alert",
                    lang,
                    severity=words.get(f"severity_{a.severity}", a.severity),
                    message=a.message,
                    owner=a.owner,
                    deadline=numbers.timestamp(a.respond_by),
                )
            )
    # one line per alert (docs/metrics.md): a line break in a name, an owner or a plan's
    # alert message would start a line of its own
    return "\n".join(numbers.one_line(line) for line in lines) + "\n"


CHART_KPIS = 8  # burn-up charts: plan-level KPIs with a target, at most this many


@dataclass(frozen=True)
class Series:
    kind: Literal["bar", "line"]
    label: str  # what the title says the series is
    values: list[Decimal | None]


@dataclass(frozen=True)
class Chart:
    """One chart's data: what the Mermaid block draws and the table beside it repeats."""

    title: str
    unit: str
    x: list[str]  # labels of the period ends
    series: list[Series]
    lang: str = "en"
    style: numbers.Style = numbers.PLAIN  # of the table under the chart (万/亿)

    def mermaid(self) -> str:
        """An ``xychart-beta`` block (no legend there, so the title names each series:
        the bars, then line 1, line 2 … in the order Mermaid colours them)."""
        words = labels(self.lang)
        names = []
        lines_seen = 0
        for s in self.series:
            if s.kind == "bar":
                names.append(f"{s.label} ({words['chart_bars']})")
            else:
                lines_seen += 1
                names.append(f"{s.label} ({words['chart_line'].format(n=lines_seen)})")
        named = " · ".join(names)
        lines = [
            "```mermaid",
            "xychart-beta",
            f'    title "{mermaid_text(self.title)}: {mermaid_text(named)}"',
            f"    x-axis [{', '.join(chr(34) + mermaid_text(x) + chr(34) for x in self.x)}]",
            f'    y-axis "{mermaid_text(numbers.unit_label(self.unit or None, self.lang))}"',
        ]
        for s in self.series:
            values = ", ".join(_plain(v) for v in s.values)
            lines.append(f"    {s.kind} [{values}]")
        lines.append("```")
        return "\n".join(lines)

    def rows(self) -> list[list[str]]:
        """The table under the chart: one row per x label, one column per series, each value
        as the KPI tables write a value of the chart's unit (a ROI as 1:X in Chinese)."""
        write = numbers.kpi_formatter(self.unit or None, self.style)
        return [[x, *(write(s.values[i]) for s in self.series)] for i, x in enumerate(self.x)]


_MERMAID_DROP = str.maketrans(
    {"\n": " ", "\r": " ", "`": "'", '"': "'", "\\": "/", ";": ",", "<": "‹", ">": "›"}
)


def mermaid_text(value: str) -> str:
    """Text safe inside a quoted Mermaid label: no quote, backtick (it could end the code
    fence), backslash, semicolon, angle bracket (renderers may read a label as HTML) or line
    break; control characters removed."""
    return numbers.without_controls(value).translate(_MERMAID_DROP).strip()


def _plain(value: Decimal | None) -> str:
    """A value as Mermaid reads it: digits, at most two decimals, 0 when unknown."""
    if value is None:
        return "0"
    text = f"{value.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP'):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def chart_kpis(ev: Evaluation) -> list[KpiResult]:
    """The KPIs that get a burn-up chart: plan-level ones with a target and a trend."""
    return [k for k in ev.kpis if k.module is None and k.target is not None and k.trend][
        :CHART_KPIS
    ]


def burnup_chart(ev: Evaluation, kpi: KpiResult, lang: str) -> Chart:
    """Cumulative actual per period (bars), the target curve and the forecast path (lines:
    the actual to date, then the forecast at the due date)."""
    words = labels(lang)
    x = [f"{p.end:%m-%d}" for p in kpi.trend]
    actual = [p.cumulative for p in kpi.trend]
    planned = [p.planned for p in kpi.trend]
    forecast: list[Decimal | None] = list(actual)
    due = kpi.due or ev.plan.end
    if kpi.trend and due > kpi.trend[-1].end:
        x.append(f"{due:%m-%d}")
        actual.append(None)
        planned.append(kpi.target)
        forecast.append(kpi.forecast)
    unit = kpi.unit or ""
    return Chart(
        title=kpi.label,
        unit=unit,
        x=x,
        series=[
            Series("bar", words["chart_actual"], actual),
            Series("line", words["chart_target"], planned),
            Series("line", words["chart_forecast"], forecast),
        ],
        lang=lang,
    )


def spend_chart(ev: Evaluation, lang: str) -> Chart | None:
    """Cumulative spend per period (bars) against the budget less the reserve (line)."""
    if not ev.spend_trend:
        return None
    words = labels(lang)
    return Chart(
        title=words["chart_spend_burn"],
        unit=ev.plan.currency,
        x=[f"{p.end:%m-%d}" for p in ev.spend_trend],
        series=[
            Series("bar", words["chart_spent"], [p.cumulative for p in ev.spend_trend]),
            Series("line", words["chart_budget"], [p.planned for p in ev.spend_trend]),
        ],
        lang=lang,
    )


def charts(ev: Evaluation, lang: str, shown: numbers.Style = numbers.PLAIN) -> list[Chart]:
    """Every chart of the Markdown report: one burn-up per chart KPI, then spend burn; the
    tables under them in the ``shown`` style."""
    found = [burnup_chart(ev, k, lang) for k in chart_kpis(ev)]
    spend = spend_chart(ev, lang)
    every = [*found, spend] if spend is not None else found
    return [dataclasses.replace(c, style=shown) for c in every]


# stale KPIs named in a banner line before "and N more"
NAMED_STALE = 3


def data_issue_text(issue: DataIssue, lang: str) -> str:
    """One line of the data-quality banner in ``lang``: a stale source names its KPIs without
    new data (not the source as a whole: its other KPIs may be current), or how many when
    the issue does not name them."""
    words = labels(lang)
    names = [name for _, name in issue.kpis]
    kpis = LIST_SEPARATOR.get(lang, ", ").join(names[:NAMED_STALE])
    if len(names) > NAMED_STALE:
        kpis = words["issue_more"].format(
            names=kpis, more=len(names) - NAMED_STALE, count=len(names)
        )
    kind = "stale_unnamed" if issue.kind == "stale" and not names else issue.kind
    return words[f"issue_{kind}"].format(
        source=issue.source,
        since=numbers.date(issue.since),
        days=numbers.text(issue.days),
        count=issue.count,
        kpis=kpis,
        channels=LIST_SEPARATOR.get(lang, ", ").join(issue.channels),
    )
