"""One column specification per report table, read by every renderer.

A column says what it holds (``key``: the JSON field name, ``label``: the i18n label key of
its header), which kind of value it is (``kind``: how it is formatted as text by
:func:`mktplan.render.numbers.cell_text` and typed in Excel), how to read it from a row
(``get``: the raw value, a code or a number, as JSON writes it) and which renderers show it
(``show``). Adding a column to a table is one entry here plus its labels in i18n.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from mktplan.evaluation import (
    ActionResult,
    AlertResult,
    BudgetLine,
    Evaluation,
    KpiResult,
    ModuleResult,
    TrackingRow,
)
from mktplan.i18n import labels
from mktplan.metrics import UNASSIGNED
from mktplan.render import numbers
from mktplan.vocab import is_percent

Format = Literal["md", "table", "xlsx", "json"]
# text: prose from the plan or an export; module: a module id shown by its name; status,
# severity, action: codes shown by their translated label; flag: a bool shown as the
# column's own label when true; kpi: a value in the row's KPI unit; money: in the plan
# currency; fraction: 1.2 = 120 %; roi: revenue ÷ spend shown as 1:X; int, number: counts.
Kind = Literal[
    "text",
    "module",
    "status",
    "severity",
    "action",
    "rule",
    "line",
    "flag",
    "kpi",
    "money",
    "fraction",
    "roi",
    "int",
    "number",
    "date",
    "datetime",
]
Row = TypeVar("Row")

EVERYWHERE: frozenset[Format] = frozenset({"md", "table", "xlsx", "json"})
# Wide formats: a terminal drops these columns to stay readable in 80 columns.
WIDE: frozenset[Format] = frozenset({"md", "xlsx", "json"})
SHEET_AND_JSON: frozenset[Format] = frozenset({"xlsx", "json"})
JSON_ONLY: frozenset[Format] = frozenset({"json"})
TABLES: frozenset[Format] = frozenset({"md", "table", "xlsx"})  # not in the JSON document


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

    @property
    def right(self) -> bool:
        """Numbers are right-aligned in Markdown and the terminal."""
        return self.kind in ("kpi", "money", "fraction", "roi", "int", "number")


@dataclass(frozen=True)
class Table(Generic[Row]):
    key: str  # the JSON key of its rows
    title: str  # label key of its heading
    columns: Sequence[Column[Row]]

    def shown(self, fmt: Format) -> list[Column[Row]]:
        return [c for c in self.columns if fmt in c.show]

    def record(self, row: Row) -> dict[str, Any]:
        """The row as the JSON document writes it: every JSON column's raw value."""
        return {c.key: c.get(row) for c in self.columns if "json" in c.show}


def _unit(k: KpiResult) -> str | None:
    return k.unit


KPIS: Table[KpiResult] = Table(
    "kpis",
    "kpis",
    [
        Column("module", "module", "module", lambda k: k.module),
        Column("id", "kpi_id", "text", lambda k: k.id, SHEET_AND_JSON),
        Column("name", "kpi", "text", lambda k: k.name),
        Column("unit", "unit", "text", lambda k: k.unit, SHEET_AND_JSON),
        Column("aggregation", "aggregation", "text", lambda k: k.aggregation, JSON_ONLY),
        Column("formula", "formula", "text", lambda k: k.formula, JSON_ONLY),
        Column("better", "better", "text", lambda k: k.better, JSON_ONLY),
        Column("baseline", "baseline", "kpi", lambda k: k.baseline, JSON_ONLY, _unit),
        Column("due", "due", "date", lambda k: k.due, JSON_ONLY),
        Column("target", "target", "kpi", lambda k: k.target, unit=_unit),
        Column("actual", "actual", "kpi", lambda k: k.actual, unit=_unit),
        Column("attainment", "attainment", "fraction", lambda k: k.attainment, status_fill=True),
        Column("variance", "variance", "kpi", lambda k: k.variance, WIDE, _unit, difference=True),
        Column("expected", "expected", "kpi", lambda k: k.expected, WIDE, _unit),
        Column("pace", "pace", "fraction", lambda k: k.pace, status_fill=True),
        Column("forecast", "forecast", "kpi", lambda k: k.forecast, WIDE, _unit),
        Column(
            "status",
            "status",
            "status",
            lambda k: k.status,
            note=lambda k: k.stale,
            status_fill=True,
        ),
        Column("stale", "stale", "flag", lambda k: k.stale, SHEET_AND_JSON),
        Column("last_date", "last_data", "date", lambda k: k.last_date, WIDE),
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
        Column("name", "dimension", "text", lambda k: k.name, TABLES),
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
        Column("target", "smart_target", "text", lambda t: t.target, WIDE, wrap=True),
        Column("plan", "plan", "text", lambda t: t.plan, WIDE, wrap=True),
        Column("kpis", "kpi", "text", lambda t: t.kpis, wrap=True),
        Column("source", "source", "text", lambda t: t.source, WIDE, wrap=True),
        Column("actual", "actual", "text", lambda t: t.actual, wrap=True),
        Column("variance", "variance", "text", lambda t: t.variance, wrap=True),
        Column("cause", "cause", "text", lambda t: t.cause, wrap=True),
        Column("measure", "measure", "text", lambda t: t.measure, WIDE, wrap=True),
        Column("owner", "owner", "text", lambda t: t.owner, wrap=True),
        Column("deadline", "deadline", "date", lambda t: t.deadline, wrap=True),
    ],
)

# The task tracking table (任务跟踪表). A terminal drops the start date and the budget.
TASKS: Table[ActionResult] = Table(
    "actions",
    "tasks",
    [
        Column("module", "module", "module", lambda a: a.module),
        Column("name", "task", "text", lambda a: a.name),
        Column("owner", "owner", "text", lambda a: a.owner),
        Column("start", "start", "date", lambda a: a.start, WIDE),
        Column("end", "planned_finish", "date", lambda a: a.end),
        Column("finished", "actual_finish", "date", lambda a: a.finished),
        Column("status", "status", "action", lambda a: a.status),
        Column("days_late", "days_late", "int", lambda a: a.days_late),
        Column("issue", "issue", "text", lambda a: a.issue),
        Column("budget", "budget_col", "money", lambda a: a.budget, WIDE),
    ],
)

# Budget by module (按模块). A terminal keeps the money columns and drops owner and shares.
MODULES: Table[ModuleResult] = Table(
    "modules",
    "by_module",
    [
        Column("id", "module_id", "text", lambda m: m.id, JSON_ONLY),
        Column("name", "module", "text", lambda m: m.name),
        Column("owner", "owner", "text", lambda m: m.owner, WIDE),
        Column("goal", "smart_target", "text", lambda m: m.goal, JSON_ONLY),
        Column("budget", "budget_col", "money", lambda m: m.budget),
        Column(
            "planned_actions", "planned_actions", "money", lambda m: m.planned_actions, JSON_ONLY
        ),
        Column("spend", "spend", "money", lambda m: m.spend),
        Column("budget_used", "budget_used", "fraction", lambda m: m.budget_used),
        Column("spend_forecast", "spend_forecast", "money", lambda m: m.spend_forecast),
        Column("revenue", "revenue", "money", lambda m: m.revenue),
        Column("roi", "roi", "roi", lambda m: m.roi),
        Column(
            "roi_label",
            "roi",
            "text",
            lambda m: None if m.roi is None else numbers.roi_label(m.roi),
            JSON_ONLY,
        ),
        Column("spend_share", "spend_share", "fraction", lambda m: m.spend_share, WIDE),
        Column("revenue_share", "revenue_share", "fraction", lambda m: m.revenue_share, WIDE),
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
        Column("kpi", "kpi_id", "text", lambda a: a.kpi, WIDE),
        Column("module", "module", "module", lambda a: a.module, SHEET_AND_JSON),
        Column("rule", "rule", "rule", lambda a: a.rule, WIDE),
        Column("threshold", "threshold", "kpi", lambda a: a.threshold, WIDE, _threshold_unit),
        Column("actual", "actual", "kpi", lambda a: a.actual, WIDE, lambda a: a.unit),
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


def display(ev: Evaluation, lang: str) -> Display:
    words = labels(lang)
    names: dict[str | None, str] = {m.id: m.name for m in ev.modules}
    names[None] = words["plan_level"]
    return Display(words, names)


def cell_text(column: Column[Row], row: Row, shown: Display) -> str:
    """The cell as text in the report language: the one place that formats a column's
    value for Markdown and the terminal (each renderer then escapes it for its medium)."""
    value = column.get(row)
    kind = column.kind
    if kind == "kpi":
        unit = None if column.unit is None else column.unit(row)
        if column.difference and value is not None and is_percent(unit):
            return shown.words["percent_points"].format(numbers.number(value, 1))
        return numbers.kpi_value(value, unit)
    if kind == "module":  # None is the plan level
        return shown.module_names.get(value, str(value))
    if value is None:
        return numbers.MISSING
    if kind == "money":
        return numbers.money(value)
    if kind == "fraction":
        return numbers.fraction(value)
    if kind == "roi":
        return numbers.roi_label(value)
    if kind in ("int", "number"):
        return numbers.number(value)
    if kind == "date":
        return numbers.date(value)
    if kind == "datetime":
        return numbers.timestamp(value)
    if kind == "flag":
        return shown.words[column.label] if value else numbers.MISSING
    if kind == "line":  # spend that names no budget line
        return shown.words["unassigned"] if value == UNASSIGNED else numbers.text(value)
    if kind in ("status", "severity", "action", "rule"):
        text = shown.words.get(f"{kind}_{value}", str(value))
        if column.note is not None and column.note(row):
            text = f"{text}, {shown.words['stale']}"
        return text
    return numbers.text(value)


@dataclass(frozen=True)
class TextTable:
    """A table as texts: headers, which columns are right-aligned, rows of cells, and the
    code behind each cell of a status-like column (for colours), else None."""

    headers: list[str]
    right: list[bool]
    whole: list[bool]  # numbers and dates: a terminal never wraps them
    rows: list[list[str]]
    codes: list[list[str | None]]


def text_table(
    table: Table[Row],
    rows: Sequence[Row],
    fmt: Format,
    shown: Display,
    escape: Callable[[str], str],
) -> TextTable:
    columns = table.shown(fmt)
    coded = [c.kind in ("status", "severity", "action") for c in columns]  # coloured
    return TextTable(
        [shown.words[c.label] for c in columns],
        [c.right for c in columns],
        [c.right or c.kind in ("date", "datetime") for c in columns],
        [[escape(cell_text(c, row, shown)) for c in columns] for row in rows],
        [
            [str(c.get(row)) if k else None for c, k in zip(columns, coded, strict=True)]
            for row in rows
        ],
    )


def markdown_table(table: TextTable) -> str:
    """A Markdown table: header row, alignment row, one line per row."""
    lines = [
        "| " + " | ".join(table.headers) + " |",
        "|" + "|".join("---:" if right else "---" for right in table.right) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return "\n".join(lines)
