"""The computed report: frozen values that the renderers (terminal, Markdown, Excel, JSON)
only format. :func:`mktplan.metrics.evaluate` builds it.

Units: money and KPI values are ``Decimal`` in the KPI's own unit (percent KPIs in percent
points, 2.1 = 2.1 %); attainment, pace, budget_used and shares are fractions (1.2 = 120 %).
``None`` means unknown (no data, no target, division by zero).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

# on/at/off track while a KPI runs; achieved or missed from its due date on (final)
KpiStatus = Literal[
    "on_track", "at_risk", "off_track", "achieved", "missed", "no_target", "no_data"
]
ActionState = Literal["planned", "in_progress", "done", "delayed", "cancelled"]
Severity = Literal["info", "warning", "critical"]
PeriodKind = Literal["day", "week", "month"]


@dataclass(frozen=True)
class PeriodValue:
    """A KPI's value over one period: ``start`` … ``end`` inclusive, clipped to the plan and
    the KPI's due date. ``actual`` is computed within the window (rates as ratios of sums);
    ``cumulative`` is the value from the plan start through ``end``."""

    start: dt.date
    end: dt.date
    actual: Decimal | None
    cumulative: Decimal | None = None
    # the target curve at ``end`` (cumulative KPIs), the target itself (levels), or the
    # budget less the reserve (spend)
    planned: Decimal | None = None


@dataclass(frozen=True)
class Change:
    """This period against the previous one: ``absolute`` in the KPI's unit (percent KPIs
    in percent points), ``relative`` = absolute ÷ |previous| as a fraction (None for percent
    KPIs, whose change is read in points, and when the previous value is 0 or unknown)."""

    absolute: Decimal | None
    relative: Decimal | None


@dataclass(frozen=True)
class PlanSummary:
    id: str
    name: str
    owner: str
    as_of: dt.date
    currency: str
    start: dt.date
    end: dt.date
    cadence: str
    days_elapsed: int  # plan start through as_of, inclusive, clipped to the period
    days_total: int
    on_track: Decimal = Decimal("0.9")  # the plan's status thresholds (fractions)
    at_risk: Decimal = Decimal("0.7")
    time_elapsed: Decimal | None = None  # days_elapsed ÷ days_total (时间进度), a fraction
    period: PeriodKind = "week"  # the comparison period: the cadence or --period
    period_number: int = 0  # the current period counted from the plan start (1 = first)
    # this period and the previous one, clipped to the plan period (unclipped when outside)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    previous_start: dt.date | None = None
    previous_end: dt.date | None = None
    # the evaluation table's KPIs with a trend, and how many rows the table has: only the
    # first TREND_KPIS (metrics) get one, and the report says so when that leaves some out
    trend_shown: int = 0
    trend_of: int = 0


@dataclass(frozen=True)
class ChannelValue:
    """A KPI's actual in one channel over the KPI's window (docs/metrics.md, "By channel")."""

    channel: str  # '' for observations without a channel, shown "(no channel)"
    actual: Decimal | None  # in the KPI's unit; a rate recomputed from the channel's sums
    share: Decimal | None  # actual ÷ the KPI's actual, for cumulative KPIs; None for levels


@dataclass(frozen=True)
class ModuleChannel:
    """A module's spend, revenue and ROI in one channel, plan start through as-of."""

    channel: str  # '' for observations without a channel
    spend: Decimal
    revenue: Decimal
    roi: Decimal | None  # revenue ÷ spend; None when the channel spent nothing


@dataclass(frozen=True)
class KpiResult:
    id: str  # qualified: module.kpi, or the bare plan-level id
    module: str | None  # module id, None at plan level
    name: str
    # the name where no module column says which: a module KPI whose name another KPI of
    # the plan shares is named with its module's name (线上渠道 · 销售额), else its name
    label: str
    unit: str | None
    aggregation: str
    formula: str | None
    source: str | None
    definition: str | None
    better: str  # higher | lower
    baseline: Decimal | None
    target: Decimal | None
    due: dt.date | None
    actual: Decimal | None
    attainment: Decimal | None  # actual/target (target/actual when better is lower)
    variance: Decimal | None  # target − actual (偏差值)
    expected: Decimal | None  # target curve at as_of (cumulative), the target (levels)
    pace: Decimal | None  # actual/expected
    forecast: Decimal | None  # recent run rate along the curve to due; a level's actual
    status: KpiStatus
    stale: bool  # latest observation older than the plan's cadence allows
    last_date: dt.date | None  # latest observation used
    observations: int  # observations in the window (0 for formula KPIs)
    # per channel, actual descending then channel; empty without channel data
    by_channel: list[ChannelValue] = field(default_factory=list)
    period: PeriodValue | None = None  # this period (本期): the days ending at as_of
    previous_period: PeriodValue | None = None  # the same length before it (上期)
    change: Change | None = None  # period vs previous_period (环比)
    trend: list[PeriodValue] = field(default_factory=list)  # oldest first, from the plan start


@dataclass(frozen=True)
class ModuleResult:
    id: str
    name: str
    owner: str
    goal: str
    budget: Decimal | None
    planned_actions: Decimal  # Σ action budgets
    spend: Decimal | None  # Σ role: spend KPIs through as_of (None without such data)
    revenue: Decimal | None
    roi: Decimal | None  # revenue ÷ spend
    budget_used: Decimal | None  # spend ÷ budget
    spend_share: Decimal | None  # module spend ÷ plan spend (贡献度)
    revenue_share: Decimal | None
    roi_label: str | None = None  # ROI as the templates write it, "1:3.5" (render.text.localize)
    spend_forecast: Decimal | None = None  # spend projected to the plan end (recent run rate)
    # per channel, spend descending then channel; empty without channel data
    by_channel: list[ModuleChannel] = field(default_factory=list)


@dataclass(frozen=True)
class BudgetLine:
    line: str
    planned: Decimal | None  # from budget.lines; None for a line only the actuals name
    spent: Decimal
    remaining: Decimal | None
    used: Decimal | None  # spent ÷ planned
    forecast: Decimal | None = None  # spent projected to the plan end (recent run rate)


@dataclass(frozen=True)
class BudgetResult:
    total: Decimal
    reserve: Decimal
    reserve_share: Decimal  # reserve ÷ total
    allocated: Decimal  # Σ module budgets
    spent: Decimal  # Σ role: spend KPIs through as_of
    remaining: Decimal  # total − spent
    used: Decimal | None  # spent ÷ (total − reserve)
    lines: list[BudgetLine] = field(default_factory=list)


@dataclass(frozen=True)
class AlertResult:
    kpi: str
    module: str | None
    # below_target | above_target | below_pace | above | below, or the budget rules
    # over_budget | forecast_over_budget, whose kpi is budget.modules.<id> / budget.lines.<name>
    rule: str
    threshold: Decimal
    actual: Decimal | None
    severity: Severity
    message: str  # the sentence in the report language: written by mktplan.render.text only
    owner: str
    respond_by: dt.datetime
    # What the sentence says, as numbers and codes (metrics writes no sentences):
    name: str = ""  # the KPI's, module's or budget line's name
    reference: Decimal | None = None  # the target, the pace line or the budget compared with
    unit: str | None = None  # the KPI's unit; the plan currency for the budget rules
    gap: Decimal | None = None  # percent beyond the reference (target rules), or spent ÷ budget
    note: str | None = None  # the plan's own alert message, put before the sentence
    spent: Decimal | None = None  # forecast_over_budget: spent so far
    until: dt.date | None = None  # forecast_over_budget: the plan end the forecast runs to


@dataclass(frozen=True)
class ActionResult:
    module: str
    name: str
    owner: str
    status: ActionState  # delayed automatically when past end and not done
    start: dt.date
    end: dt.date
    finished: dt.date | None
    budget: Decimal | None
    issue: str | None
    days_late: int  # finished (or as_of when open) − end, 0 when on time


@dataclass(frozen=True)
class TrackingRow:
    """One row of the strategy tracking table (策略跟踪表), one per module."""

    module: str  # module name
    target: str  # the SMART goal
    plan: str  # actions with their dates
    kpis: str  # KPI names
    source: str  # data sources
    actual: str  # key KPIs' actual vs target: written by mktplan.render.text
    variance: str  # target − actual of the key KPIs: written by mktplan.render.text
    cause: str  # reviews and ingested notes
    measure: str
    owner: str
    deadline: dt.date | None  # latest KPI due date of the module
    key_kpis: tuple[str, ...] = ()  # ids of the module's KPIs with a target, in plan order


@dataclass(frozen=True)
class ReviewNote:
    date: dt.date
    module: str | None
    kpi: str | None
    cause: str | None
    measure: str | None


@dataclass(frozen=True)
class DailyValue:
    kpi: str
    date: dt.date
    value: Decimal


@dataclass(frozen=True)
class ChannelDrop:
    """The channel whose actual moved most the wrong way from the previous period to this
    one: fell most, or rose most for a `better: lower` KPI."""

    channel: str
    previous: Decimal  # the KPI's value in that channel, in its unit
    current: Decimal
    change: Decimal  # current − previous (negative; positive for a `better: lower` KPI)


@dataclass(frozen=True)
class Gap:
    """The KPI furthest behind: the lowest pace (attainment once due) below on track."""

    kpi: str
    name: str
    module: str | None
    owner: str
    unit: str | None
    status: KpiStatus
    score: Decimal | None  # pace while the KPI runs, else attainment (fractions)
    measure: Literal["pace", "attainment"]  # which of the two ``score`` is
    channel: ChannelDrop | None


@dataclass(frozen=True)
class ReportSummary:
    """What the summary paragraph says, as numbers and codes (the sentences are i18n's)."""

    graded: int  # rows of the evaluation table with a status on/at/off track or final
    on_track: int
    gap: Gap | None
    spent: Decimal
    budget: Decimal  # total − reserve: what may be spent without the reserve
    budget_used: Decimal | None  # spent ÷ budget (fraction)
    time_elapsed: Decimal | None  # fraction
    spend_forecast: Decimal | None  # spend projected to the plan end
    # spent − budget once spend has passed the budget, else spend_forecast − budget when
    # positive: the figure the summary sentence says
    overspend: Decimal | None
    finished: int = 0  # of the graded, those past their due date (achieved or missed)
    achieved: int = 0
    running: int = 0  # rows of the evaluation table before their due date, graded or not
    text: str | None = None  # the paragraph in the report's language (render.text.localize)


@dataclass(frozen=True)
class DataIssue:
    """A data-quality problem the report's banner names: a source whose data are stale, or
    (from the store's log) an input refused or rows skipped since its last accepted ingest."""

    kind: Literal["stale", "refused", "skipped", "rate_channels", "lagging_channels"]
    source: str  # the plan's data source (KPI `source:`), or the export file's name
    since: dt.date | None  # stale: the latest data; refused/skipped: the first such run
    count: int  # stale: KPIs affected; refused/skipped: rows
    days: int | None = None  # stale: days from the latest data to as_of
    # stale: (id, name) of the KPIs without new data; the source's other KPIs may be current
    kpis: tuple[tuple[str, str], ...] = ()
    # lagging_channels: the channels with values before ``since`` and none on it
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanChange:
    """A change of the plan during the current period (from git): a target, budget, owner
    or due date of ``item``, from ``old`` to ``new``; ``delta`` is new − old (days for dates)."""

    area: str  # kpi, module, budget, action (as mktplan diff names them)
    item: str  # e.g. online.sales, brand, line promotion
    field: str  # target, due, owner, budget, total, reserve, amount
    old: str | Decimal | dt.date | None
    new: str | Decimal | dt.date | None
    delta: Decimal | int | None = None
    name: str | None = None  # the KPI's or module's name in the plan, shown before its id


@dataclass(frozen=True)
class Evaluation:
    plan: PlanSummary
    kpis: list[KpiResult]
    modules: list[ModuleResult]
    budget: BudgetResult
    alerts: list[AlertResult]
    actions: list[ActionResult]
    tracking: list[TrackingRow]
    reviews: list[ReviewNote]
    daily: list[DailyValue] = field(default_factory=list)  # filled when a renderer asks for it
    summary: ReportSummary | None = None
    spend_trend: list[PeriodValue] = field(default_factory=list)  # plan spend per period
    data_issues: list[DataIssue] = field(default_factory=list)
    plan_changes: list[PlanChange] = field(default_factory=list)  # filled from git by report

    def summary_kpis(self) -> list[KpiResult]:
        """The evaluation table's rows (效果评估): plan-level KPIs, then every module KPI
        with a target, in plan order."""
        return [k for k in self.kpis if k.module is None] + [
            k for k in self.kpis if k.module is not None and k.target is not None
        ]
