"""One column specification per report table, read by every renderer.

A column says what it holds (``key``: the JSON field name, ``label``: the i18n label key of
its header), which kind of value it is (``kind``: how it is formatted as text by
:func:`cell_text` and typed in Excel), how to read it from a row
(``get``: the raw value, a code or a number, as JSON writes it) and which renderers show it
(``show``). Adding a column to a table is one entry here plus its labels in i18n.py.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from mktplan.evaluation import (
    ActionResult,
    AlertResult,
    BudgetLine,
    ChannelValue,
    Evaluation,
    KpiResult,
    ModuleChannel,
    ModuleResult,
    PeriodValue,
    TrackingRow,
)
from mktplan.i18n import labels
from mktplan.metrics import UNASSIGNED
from mktplan.render import numbers
from mktplan.render.weekly import period_label, recent_trend, sparkline, trend_kpis, trend_numbers
from mktplan.vocab import is_percent

if TYPE_CHECKING:
    from markupsafe import Markup

Format = Literal["md", "table", "xlsx", "json"]
# text: prose from the plan or an export; module: a module id shown by its name; status,
# severity, action: codes shown by their translated label; flag: a bool shown as the
# column's own label when true; channel: a channel, '' shown as "(no channel)"; kpi: a
# value in the row's KPI unit; money: in the plan currency; fraction: 1.2 = 120 %; roi:
# revenue ÷ spend shown as 1:X; int, number: counts; unit: a KPI unit code in words.
Kind = Literal[
    "text",
    "module",
    "status",
    "severity",
    "action",
    "rule",
    "line",
    "channel",
    "flag",
    "kpi",
    "money",
    "fraction",
    "roi",
    "int",
    "number",
    "date",
    "datetime",
    "unit",
]
Row = TypeVar("Row")

EVERYWHERE: frozenset[Format] = frozenset({"md", "table", "xlsx", "json"})
SHEET_AND_JSON: frozenset[Format] = frozenset({"xlsx", "json"})
JSON_ONLY: frozenset[Format] = frozenset({"json"})
SHEET: frozenset[Format] = frozenset({"xlsx"})  # a sheet of its own; JSON nests these values
TABLES: frozenset[Format] = frozenset({"md", "table", "xlsx"})  # not in the JSON document
TERMINAL: frozenset[Format] = frozenset({"table"})


@dataclass(frozen=True)
class Column(Generic[Row]):
    key: str
    label: str
    kind: Kind
    get: Callable[[Row], Any]
    show: frozenset[Format] = EVERYWHERE
    unit: Callable[[Row], str | None] | None = None  # the KPI unit of a "kpi" column
    note: Callable[[Row], bool] | None = None  # "status": adds ", stale" to the text when true
    difference: bool = False  # a difference of two values: percent KPIs in percent points
    wrap: bool = False  # long prose wraps inside its column in Excel
    status_fill: bool = False  # Excel fills it with the colour of its row's status
    signed: bool = False  # a change: a leading + on a positive value
    # a terminal too narrow for the whole table drops the column of the highest priority
    # first, and so on until it fits; 0: always shown
    priority: int = 0
    # "current" / "previous": the header names the period (本期 第2周 (06-08 – 06-14))
    dated: Literal["current", "previous"] | None = None

    @property
    def right(self) -> bool:
        """Numbers are right-aligned in Markdown and the terminal."""
        return self.kind in ("kpi", "money", "fraction", "roi", "int", "number")

    @property
    def whole(self) -> bool:
        """Numbers and dates: a terminal never wraps them. Their texts (digits, separators,
        signs, ``%``, ``1:``, 万/亿, the percent points label) hold nothing a renderer
        escapes, so tables do not escape them (a cache miss for each distinct number)."""
        return self.right or self.kind in ("date", "datetime")


@dataclass(frozen=True)
class Table(Generic[Row]):
    key: str  # the JSON key of its rows
    title: str  # label key of its heading
    columns: Sequence[Column[Row]]

    def shown(self, fmt: Format) -> list[Column[Row]]:
        return [c for c in self.columns if fmt in c.show]

    @functools.cached_property
    def _json(self) -> tuple[tuple[str, Callable[[Row], Any]], ...]:
        # by key: the records' keys come in the order the JSON writer sorts them into, so a
        # list of records is written without sorting each one
        return tuple(sorted(((c.key, c.get) for c in self.columns if "json" in c.show), key=_first))

    def record(self, row: Row) -> dict[str, Any]:
        """The row as the JSON document writes it: every JSON column's raw value, keys in
        sorted order."""
        return {key: get(row) for key, get in self._json}


def _first(pair: tuple[str, Any]) -> str:
    return pair[0]


def _unit(k: KpiResult) -> str | None:
    return k.unit


KPIS: Table[KpiResult] = Table(
    "kpis",
    "kpis",
    [
        # the last column an 80-column terminal drops: the KPI's name says what it is
        Column("module", "module", "module", lambda k: k.module, priority=1),
        Column("id", "kpi_id", "text", lambda k: k.id, SHEET_AND_JSON),
        Column("name", "kpi", "text", lambda k: k.name),
        Column("unit", "unit", "unit", lambda k: k.unit, SHEET_AND_JSON),
        Column("aggregation", "aggregation", "text", lambda k: k.aggregation, JSON_ONLY),
        Column("formula", "formula", "text", lambda k: k.formula, JSON_ONLY),
        Column("better", "better", "text", lambda k: k.better, JSON_ONLY),
        Column("baseline", "baseline", "kpi", lambda k: k.baseline, JSON_ONLY, _unit),
        Column("due", "due", "date", lambda k: k.due, JSON_ONLY),
        Column("target", "target", "kpi", lambda k: k.target, unit=_unit),
        Column("actual", "actual", "kpi", lambda k: k.actual, unit=_unit),
        Column("attainment", "attainment", "fraction", lambda k: k.attainment, status_fill=True),
        Column(
            "variance",
            "variance",
            "kpi",
            lambda k: k.variance,
            unit=_unit,
            difference=True,
            priority=3,
        ),
        Column("expected", "expected", "kpi", lambda k: k.expected, unit=_unit, priority=4),
        Column("pace", "pace", "fraction", lambda k: k.pace, status_fill=True),
        Column("forecast", "forecast", "kpi", lambda k: k.forecast, unit=_unit, priority=2),
        Column(
            "status",
            "status",
            "status",
            lambda k: k.status,
            note=lambda k: k.stale,
            status_fill=True,
        ),
        Column("stale", "stale", "flag", lambda k: k.stale, SHEET_AND_JSON),
        Column("last_date", "last_data", "date", lambda k: k.last_date, priority=5),
        Column("source", "source", "text", lambda k: k.source, SHEET_AND_JSON),
        Column("observations", "observations", "int", lambda k: k.observations, JSON_ONLY),
    ],
)


# The evaluation table (效果评估): plan-level KPIs, then module KPIs with a target. Its rows
# are in the JSON document's kpis already.
SUMMARY: Table[KpiResult] = Table(
    "summary",
    "summary",
    [
        Column("name", "dimension", "text", lambda k: k.label, TABLES),
        Column("target", "target", "kpi", lambda k: k.target, TABLES, _unit),
        Column("actual", "actual", "kpi", lambda k: k.actual, TABLES, _unit),
        Column(
            "attainment",
            "attainment",
            "fraction",
            lambda k: k.attainment,
            TABLES,
            status_fill=True,
        ),
        Column(
            "status",
            "comment",
            "status",
            lambda k: k.status,
            TABLES,
            note=lambda k: k.stale,
            status_fill=True,
        ),
    ],
)

# The strategy tracking table (策略跟踪表): its 11 columns, all prose but the deadline. A
# terminal keeps the module, KPIs, actuals, variances, causes, owner and deadline.
TRACKING: Table[TrackingRow] = Table(
    "tracking",
    "tracking",
    [
        Column("module", "module", "text", lambda t: t.module, wrap=True),
        Column("target", "smart_target", "text", lambda t: t.target, wrap=True, priority=2),
        Column("plan", "plan", "text", lambda t: t.plan, wrap=True, priority=3),
        Column("kpis", "kpi", "text", lambda t: t.kpis, wrap=True, priority=5),  # in the texts too
        Column("source", "source", "text", lambda t: t.source, wrap=True, priority=4),
        Column("actual", "actual", "text", lambda t: t.actual, wrap=True),
        Column("variance", "variance", "text", lambda t: t.variance, wrap=True),
        Column("cause", "cause", "text", lambda t: t.cause, wrap=True),
        Column("measure", "measure", "text", lambda t: t.measure, wrap=True, priority=1),
        Column("owner", "owner", "text", lambda t: t.owner, wrap=True),
        Column("deadline", "deadline", "date", lambda t: t.deadline, wrap=True),
    ],
)

# The task tracking table (任务跟踪表). A terminal drops the budget, the start date, then the
# actual finish (the status says done).
TASKS: Table[ActionResult] = Table(
    "actions",
    "tasks",
    [
        Column("module", "module", "module", lambda a: a.module),
        Column("name", "task", "text", lambda a: a.name),
        Column("owner", "owner", "text", lambda a: a.owner),
        Column("start", "start", "date", lambda a: a.start, priority=2),
        Column("end", "planned_finish", "date", lambda a: a.end),
        Column("finished", "actual_finish", "date", lambda a: a.finished, priority=1),
        Column("status", "status", "action", lambda a: a.status),
        Column("days_late", "days_late", "int", lambda a: a.days_late),
        Column("issue", "issue", "text", lambda a: a.issue),
        Column("budget", "budget_col", "money", lambda a: a.budget, priority=3),
    ],
)

# Budget by module (按模块). A terminal keeps the money columns and drops owner and shares.
MODULES: Table[ModuleResult] = Table(
    "modules",
    "by_module",
    [
        Column("id", "module_id", "text", lambda m: m.id, JSON_ONLY),
        Column("name", "module", "text", lambda m: m.name),
        Column("owner", "owner", "text", lambda m: m.owner, priority=1),
        Column("goal", "smart_target", "text", lambda m: m.goal, JSON_ONLY),
        Column("budget", "budget_col", "money", lambda m: m.budget),
        Column(
            "planned_actions", "planned_actions", "money", lambda m: m.planned_actions, JSON_ONLY
        ),
        Column("spend", "spend", "money", lambda m: m.spend),
        Column("budget_used", "budget_used", "fraction", lambda m: m.budget_used),
        Column("spend_forecast", "spend_forecast", "money", lambda m: m.spend_forecast, priority=4),
        Column("revenue", "revenue", "money", lambda m: m.revenue),
        Column("roi", "roi", "roi", lambda m: m.roi),
        Column(
            "roi_label",
            "roi",
            "text",
            lambda m: None if m.roi is None else numbers.roi_label(m.roi),
            JSON_ONLY,
        ),
        Column("spend_share", "spend_share", "fraction", lambda m: m.spend_share, priority=2),
        Column("revenue_share", "revenue_share", "fraction", lambda m: m.revenue_share, priority=3),
    ],
)

# Budget lines (预算科目): planned against spent per line of budget.lines.
BUDGET_LINES: Table[BudgetLine] = Table(
    "lines",
    "budget_lines",
    [
        Column("line", "line", "line", lambda b: b.line),
        Column("planned", "planned", "money", lambda b: b.planned),
        Column("spent", "spent", "money", lambda b: b.spent),
        Column("remaining", "remaining", "money", lambda b: b.remaining),
        Column("used", "used", "fraction", lambda b: b.used),
        Column("forecast", "spend_forecast", "money", lambda b: b.forecast),
    ],
)


@dataclass(frozen=True)
class ChannelRow:
    """A row of the channel view: a KPI's actual in a channel, or a module's money there."""

    module: str | None  # module id, None at plan level
    kpi: KpiResult | None  # None on a module's row
    value: ChannelValue | None  # a KPI's row
    money: ModuleChannel | None  # a module's row

    @property
    def channel(self) -> str:
        found = self.value or self.money
        return found.channel if found is not None else ""


def channel_parts(ev: Evaluation) -> tuple[list[ChannelRow], list[ChannelRow]]:
    """Every KPI's channels, and every module's, in plan order."""
    return (
        [ChannelRow(k.module, k, c, None) for k in ev.kpis for c in k.by_channel],
        [ChannelRow(m.id, None, None, c) for m in ev.modules for c in m.by_channel],
    )


def channel_rows(ev: Evaluation) -> list[ChannelRow]:
    """Every KPI's channels, then every module's, in plan order."""
    kpis, modules = channel_parts(ev)
    return kpis + modules


def _channel_unit(r: ChannelRow) -> str | None:
    return r.kpi.unit if r.kpi is not None else None


# The channel view (分渠道): Markdown writes its KPIs' and its modules' rows as two tables,
# the workbook both in one sheet (CHANNELS, the columns of the two in order); JSON nests
# these values in the KPI and module records.
SHEET_AND_MD: frozenset[Format] = frozenset({"xlsx", "md"})
_CHANNEL_MODULE: Column[ChannelRow] = Column(
    "module", "module", "module", lambda r: r.module, SHEET_AND_MD
)
_CHANNEL: Column[ChannelRow] = Column(
    "channel", "channel", "channel", lambda r: r.channel, SHEET_AND_MD
)
KPI_CHANNELS: Table[ChannelRow] = Table(
    "kpi_channels",
    "kpis_by_channel",
    [
        _CHANNEL_MODULE,
        Column("kpi", "kpi_id", "text", lambda r: r.kpi and r.kpi.id, SHEET),
        Column("name", "kpi", "text", lambda r: r.kpi and r.kpi.name, SHEET_AND_MD),
        _CHANNEL,
        Column(
            "actual",
            "actual",
            "kpi",
            lambda r: r.value and r.value.actual,
            SHEET_AND_MD,
            _channel_unit,
        ),
        Column("share", "share", "fraction", lambda r: r.value and r.value.share, SHEET_AND_MD),
    ],
)
MODULE_CHANNELS: Table[ChannelRow] = Table(
    "module_channels",
    "modules_by_channel",
    [
        _CHANNEL_MODULE,
        _CHANNEL,
        Column("spend", "spend", "money", lambda r: r.money and r.money.spend, SHEET_AND_MD),
        Column("revenue", "revenue", "money", lambda r: r.money and r.money.revenue, SHEET_AND_MD),
        Column("roi", "roi", "roi", lambda r: r.money and r.money.roi, SHEET_AND_MD),
    ],
)
CHANNELS: Table[ChannelRow] = Table(
    "by_channel",
    "by_channel",
    [
        *KPI_CHANNELS.columns,
        *(c for c in MODULE_CHANNELS.columns if c not in KPI_CHANNELS.columns),
    ],
)


def _previous(k: KpiResult) -> Decimal | None:
    return k.previous_period.actual if k.previous_period is not None else None


def _current(k: KpiResult) -> Decimal | None:
    return k.period.actual if k.period is not None else None


# This period vs the previous one (本期对比): JSON has them as kpis[i].period etc.
PERIOD: Table[KpiResult] = Table(
    "period",
    "period_section",
    [
        Column("module", "module", "module", lambda k: k.module, TABLES),
        Column("name", "kpi", "text", lambda k: k.name, TABLES),
        Column("id", "kpi_id", "text", lambda k: k.id, SHEET),
        Column("previous", "previous_period", "kpi", _previous, TABLES, _unit, dated="previous"),
        Column("current", "this_period", "kpi", _current, TABLES, _unit, dated="current"),
        Column(
            "change",
            "change",
            "kpi",
            lambda k: k.change and k.change.absolute,
            TABLES,
            _unit,
            difference=True,
            signed=True,
        ),
        Column(
            "change_relative",
            "change_relative",
            "fraction",
            lambda k: k.change and k.change.relative,
            TABLES,
            signed=True,
        ),
    ],
)


@dataclass(frozen=True)
class TrendRow:
    kpi: KpiResult
    period: PeriodValue


def trend_rows(ev: Evaluation) -> list[TrendRow]:
    """Each KPI's periods, oldest first, KPIs in plan order."""
    return [TrendRow(k, t) for k in ev.kpis for t in k.trend]


def _trend_unit(r: TrendRow) -> str | None:
    return r.kpi.unit


# The trend sheet (趋势): each KPI's actual and cumulative value per period.
TREND: Table[TrendRow] = Table(
    "trend",
    "trend_section",
    [
        Column("module", "module", "module", lambda r: r.kpi.module, SHEET),
        Column("name", "kpi", "text", lambda r: r.kpi.name, SHEET),
        Column("id", "kpi_id", "text", lambda r: r.kpi.id, SHEET),
        Column("start", "start", "date", lambda r: r.period.start, SHEET),
        Column("end", "period_end", "date", lambda r: r.period.end, SHEET),
        Column("actual", "actual", "kpi", lambda r: r.period.actual, SHEET, _trend_unit),
        Column(
            "cumulative",
            "trend_cumulative",
            "kpi",
            lambda r: r.period.cumulative,
            SHEET,
            _trend_unit,
        ),
    ],
)


@dataclass(frozen=True)
class TrendLine:
    """A row of the compact trend (趋势) the Markdown template writes with the weekly
    filters: an evaluation-table KPI, its latest periods as a sparkline and as numbers."""

    kpi: KpiResult
    spark: str
    values: str
    time_elapsed: Decimal | None


def trend_lines(ev: Evaluation, shown: numbers.Style) -> list[TrendLine]:
    """The compact trend's rows: the evaluation table's KPIs that have a trend."""
    return [
        TrendLine(k, sparkline(recent_trend(k)), trend_numbers(k, shown), ev.plan.time_elapsed)
        for k in trend_kpis(ev)
        if k.trend
    ]


# The compact trend (Markdown and terminal; the workbook has a Trend sheet of every period):
# in a narrow terminal the numbers go first, the sparkline keeps their shape; the time
# elapsed, the same on every row, next.
MD_AND_TERMINAL: frozenset[Format] = frozenset({"md", "table"})
COMPACT_TREND: Table[TrendLine] = Table(
    "trend_lines",
    "trend_section",
    [
        Column("name", "dimension", "text", lambda r: r.kpi.label, MD_AND_TERMINAL),
        Column("spark", "trend", "text", lambda r: r.spark, MD_AND_TERMINAL),
        Column("values", "trend_values", "text", lambda r: r.values, MD_AND_TERMINAL, priority=2),
        Column("attainment", "attainment", "fraction", lambda r: r.kpi.attainment, MD_AND_TERMINAL),
        Column(
            "time_elapsed",
            "time_elapsed",
            "fraction",
            lambda r: r.time_elapsed,
            MD_AND_TERMINAL,
            priority=1,
        ),
    ],
)

# Rules whose threshold is percent points: how far from the target or the pace line.
PERCENT_RULES = frozenset({"below_target", "above_target", "below_pace"})


def _threshold_unit(a: AlertResult) -> str | None:
    return "%" if a.rule in PERCENT_RULES else a.unit


# Alerts (风险预警): the KPI (or budget) by name, its id beside it; rules by their names.
ALERTS: Table[AlertResult] = Table(
    "alerts",
    "alerts",
    [
        Column("severity", "severity", "severity", lambda a: a.severity),
        Column("name", "kpi", "text", lambda a: a.name or a.kpi),
        Column("kpi", "kpi_id", "text", lambda a: a.kpi, priority=4),
        Column("module", "module", "module", lambda a: a.module, SHEET_AND_JSON),
        Column("rule", "rule", "rule", lambda a: a.rule, priority=3),
        Column(
            "threshold", "threshold", "kpi", lambda a: a.threshold, unit=_threshold_unit, priority=2
        ),
        Column("actual", "actual", "kpi", lambda a: a.actual, unit=lambda a: a.unit, priority=1),
        Column("message", "message", "text", lambda a: a.message, wrap=True),
        Column("owner", "owner", "text", lambda a: a.owner),
        Column("respond_by", "respond_by", "datetime", lambda a: a.respond_by),
    ],
)


@dataclass(frozen=True)
class Display:
    """What turns codes into words: the report language's labels and the module names."""

    words: dict[str, str]
    module_names: dict[str | None, str]
    periods: dict[str, str] = field(default_factory=dict)  # "current": "week 2 (06-08 – 06-14)"
    style: numbers.Style = numbers.PLAIN  # 万/亿 and 1:X
    lang: str = "en"  # of what the catalogue writes (numbers.unit_label)


def display(ev: Evaluation, lang: str, units: numbers.Units | None = None) -> Display:
    words = labels(lang)
    names: dict[str | None, str] = {m.id: m.name for m in ev.modules}
    names[None] = words["plan_level"]
    p = ev.plan
    periods = {
        "current": period_label(p, "current", lang, p.period_start, p.period_end),
        "previous": period_label(p, "previous", lang, p.previous_start, p.previous_end),
    }
    return Display(words, names, periods, numbers.style(lang, units), lang)


def header(column: Column[Row], shown: Display, fmt: Format) -> str:
    """A column's header: its label, and in a sheet the period it covers (a Markdown or
    terminal table names the periods in a line above it)."""
    text = shown.words[column.label]
    if column.dated is not None and fmt == "xlsx":
        return f"{text} {shown.periods[column.dated]}"
    return text


def cell_text(column: Column[Row], row: Row, shown: Display) -> str:
    """The cell as text in the report language: the one place that formats a column's
    value for Markdown and the terminal (each renderer then escapes it for its medium)."""
    return cell_formatter(column, shown)(row)


def cell_formatter(column: Column[Row], shown: Display) -> Callable[[Row], str]:
    """The function that writes ``column``'s cells as :func:`cell_text` does, its kind, unit
    rule and labels looked up once: a table asks it for each of its rows (40,000 cells in a
    2,000-KPI report, where deciding per cell what to do cost as much as the formatting)."""
    text = _formatter(column, shown)
    if not column.signed:
        return text
    get = column.get

    def signed(row: Row) -> str:
        value = get(row)
        out = text(row)
        return f"+{out}" if value is not None and value > 0 else out

    return signed


def _formatter(column: Column[Row], shown: Display) -> Callable[[Row], str]:
    get = column.get
    kind = column.kind
    if kind == "kpi":
        return _kpi_formatter(column, shown)
    if kind == "module":  # None is the plan level
        names = shown.module_names

        def module(row: Row) -> str:
            value = get(row)
            return names.get(value, str(value))

        return module
    write = _known_value_writer(column, shown)

    def cell(row: Row) -> str:
        value = get(row)
        return numbers.MISSING if value is None else write(value, row)

    return cell


def _known_value_writer(column: Column[Row], shown: Display) -> Callable[[Any, Row], str]:
    """How a column other than a KPI or module column writes a known (not None) value."""
    kind, words, style = column.kind, shown.words, shown.style
    if kind == "money":
        return lambda value, _: numbers.money(value, style)
    if kind == "fraction":  # shares repeat: 36,000 channel rows hold about 3,000
        fraction = numbers.memoized(numbers.fraction)
        return lambda value, _: fraction(value)
    if kind == "roi":
        return lambda value, _: numbers.roi_label(value)
    if kind in ("int", "number"):
        return lambda value, _: numbers.number(value, None, style)
    if kind == "date":
        return lambda value, _: numbers.date(value)
    if kind == "datetime":
        return lambda value, _: numbers.timestamp(value)
    if kind == "unit":
        return lambda value, _: numbers.unit_label(value, shown.lang)
    if kind == "flag":
        flag = words[column.label]
        return lambda value, _: flag if value else numbers.MISSING
    if kind == "channel":  # '' is data without a channel
        no_channel = words["no_channel"]
        return lambda value, _: numbers.text(value) if value else no_channel
    if kind == "line":  # spend that names no budget line
        unassigned = words["unassigned"]
        return lambda value, _: unassigned if value == UNASSIGNED else numbers.text(value)
    if kind in ("status", "severity", "action", "rule"):
        note, stale = column.note, words["stale"]

        def code(value: Any, row: Row) -> str:
            text = words.get(f"{kind}_{value}", str(value))
            return f"{text}, {stale}" if note is not None and note(row) else text

        return code
    return lambda value, _: numbers.text(value)


def _kpi_formatter(column: Column[Row], shown: Display) -> Callable[[Row], str]:
    """A value in its row's KPI unit; a difference of percent KPIs in percent points."""
    get, unit_of = column.get, column.unit
    style = shown.style.difference if column.difference else shown.style
    if not column.difference:
        if unit_of is None:
            write = numbers.kpi_formatter(None, style)
            return lambda row: write(get(row))
        by_unit: dict[str | None, Callable[[Decimal | None], str]] = {}  # no Style hashing

        def kpi(row: Row) -> str:
            unit = unit_of(row)
            write = by_unit.get(unit)
            if write is None:
                write = by_unit[unit] = numbers.kpi_formatter(unit, style)
            return write(get(row))

        return kpi
    percent_points = shown.words["percent_points"]

    def difference(row: Row) -> str:
        value = get(row)
        unit = None if unit_of is None else unit_of(row)
        if value is not None and is_percent(unit):
            return percent_points.format(numbers.number(value, 1))
        return numbers.kpi_formatter(unit, style)(value)

    return difference


@dataclass(frozen=True)
class TextTable:
    """A table as texts: headers, which columns are right-aligned, rows of cells, and the
    code behind each cell of a status-like column (for colours), else None."""

    headers: list[str]
    right: list[bool]
    whole: list[bool]  # numbers and dates: a terminal never wraps them
    rows: list[list[str]]
    codes: list[list[str | None]]
    keys: list[str] = field(default_factory=list)  # each column's key
    priorities: list[int] = field(default_factory=list)  # each column's priority

    def without(self, index: int) -> TextTable:
        """The table without its column ``index``."""

        def drop(values: list[Any]) -> list[Any]:
            return values[:index] + values[index + 1 :]

        return TextTable(
            drop(self.headers),
            drop(self.right),
            drop(self.whole),
            [drop(row) for row in self.rows],
            [drop(codes) for codes in self.codes],
            drop(self.keys),
            drop(self.priorities),
        )


def text_table(
    table: Table[Row],
    rows: Sequence[Row],
    fmt: Format,
    shown: Display,
    escape: Callable[[str], str],
    width: int | None = None,
) -> TextTable:
    """The table's cells as texts; given a terminal ``width``, without the columns that
    :func:`fit` drops to make it readable there."""
    columns = table.shown(fmt)
    # column by column, each with its formatter made once, then turned into rows; a text
    # escaped once per table however often it repeats (a module's name on its KPIs' rows)
    escaped = _once(escape)
    texts = [
        list(map(cell_formatter(c, shown), rows))
        if c.whole
        else list(map(escaped, map(cell_formatter(c, shown), rows)))
        for c in columns
    ]
    codes = [  # the codes behind the coloured columns
        list(map(str, map(c.get, rows)))
        if c.kind in ("status", "severity", "action")
        else [None] * len(rows)
        for c in columns
    ]
    out = TextTable(
        [header(c, shown, fmt) for c in columns],
        [c.right for c in columns],
        [c.whole for c in columns],
        [list(row) for row in zip(*texts, strict=True)],
        [list(row) for row in zip(*codes, strict=True)],
        [c.key for c in columns],
        [c.priority for c in columns],
    )
    return out if width is None else fit(out, width)


def _once(escape: Callable[[str], str]) -> Callable[[str], str]:
    """``escape`` remembering its answer for each text, for one table."""
    seen: dict[str, str] = {}

    def once(text: str) -> str:
        found = seen.get(text)
        if found is None:
            found = seen[text] = escape(text)
        return found

    return once


# A prose column is given room for its longest word up to this (a KPI id in an alert
# message: "(offline.gift_redemptions)"); only longer words (links, paths) are cut.
PROSE_WIDTH = 30
# A prose column is worth its room in a narrow terminal with this many cells for a line: an
# owner's two names, a status with its note on one line.
PROSE_LINE = 12
# A Chinese header keeps up to this many cells on one line (进度达成, 实际完成值).
CJK_HEADER = 10
_CJK = re.compile(r"[\u2e80-\uffff]")
# What a terminal keeps on one line: a word of Latin text (broken before "(", so a KPI id
# in brackets goes to the next line whole) with the 万 or 亿 of a number, or one CJK
# character; closing punctuation stays with what it closes and opening with what it opens,
# so no line starts with "）" or ",".
_OPEN = "（《「『【〈("
_CLOSE = "，。；：、！？）》」』】〉),.;:!?%"
WORDS = re.compile(
    rf"[{_OPEN}]*(?:[^\s\u2e80-\uffff(]+(?: [万亿](?![\u2e80-\u9fff]))?|[\u2e80-\uffff]|\S)"
    rf"[{re.escape(_CLOSE)}]*"
)


def _longest_word(text: str) -> int:
    return max((numbers.display_width(w) for w in WORDS.findall(text)), default=0)


def needed_width(table: TextTable, index: int) -> int:
    """Terminal cells column ``index`` needs: its header's longest word (a header never
    loses letters), numbers and dates whole (they never wrap), prose its longest word up to
    PROSE_WIDTH (it wraps between words)."""
    header = max(1, _longest_word(table.headers[index]))
    if _CJK.search(table.headers[index]):  # a Chinese header is not cut into characters
        header = max(header, min(numbers.display_width(table.headers[index]), CJK_HEADER))
    if table.whole[index]:
        cells = max((numbers.display_width(row[index]) for row in table.rows), default=0)
    else:
        cells = min(PROSE_WIDTH, max((_longest_word(row[index]) for row in table.rows), default=0))
    return max(header, cells)


def wanted_width(table: TextTable, index: int) -> int:
    """Terminal cells column ``index`` wants before a narrow terminal drops columns to give
    it: :func:`needed_width`, and prose its longest line up to PROSE_LINE."""
    needed = needed_width(table, index)
    if table.whole[index]:
        return needed
    longest = max((numbers.display_width(row[index]) for row in table.rows), default=0)
    return max(needed, min(longest, PROSE_LINE))


def frame_width(columns: int) -> int:
    """Terminal cells a table's frame takes beside its columns' text: two between two
    columns (padding and a blank separator), none at the edges."""
    return 2 * max(0, columns - 1)


def fit(table: TextTable, width: int) -> TextTable:
    """``table`` readable in ``width`` terminal cells: while its columns (each as wide as
    :func:`wanted_width`, and the frame) are wider, drop the column of the highest priority
    (the rightmost on a tie); columns of priority 0 always stay, and wrap when even they
    are too wide."""
    needed = [wanted_width(table, i) for i in range(len(table.headers))]  # once: 2,000 rows
    while True:
        total = sum(needed) + frame_width(len(needed))
        droppable = [i for i, p in enumerate(table.priorities) if p > 0]
        if total <= width or not droppable:
            return table
        index = max(droppable, key=lambda i: (table.priorities[i], i))
        table = table.without(index)
        del needed[index]


def html_table(table: TextTable) -> Markup:
    """An HTML table (for HTML templates, whose ``tables`` hold HTML-escaped cells): a
    header row, one row per table row, numbers right-aligned."""
    from markupsafe import Markup

    def row(plain: Markup, right: Markup, cells: Sequence[str]) -> Markup:
        return Markup("<tr>{}</tr>").format(
            Markup("").join(
                (right if at_right else plain).format(cell)
                for cell, at_right in zip(cells, table.right, strict=True)
            )
        )

    head = row(Markup("<th>{}</th>"), Markup('<th style="text-align:right">{}</th>'), table.headers)
    plain, right = Markup("<td>{}</td>"), Markup('<td style="text-align:right">{}</td>')
    body = Markup("\n").join(row(plain, right, cells) for cells in table.rows)
    return Markup("<table>\n<thead>\n{}\n</thead>\n<tbody>\n{}\n</tbody>\n</table>").format(
        head, body
    )


def markdown_table(table: TextTable) -> str:
    """A Markdown table: header row, alignment row, one line per row."""
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join("---:" if right else "---" for right in table.right) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return "\n".join(lines)
