"""The Excel workbook of a report (openpyxl, write-only so 100,000 daily rows stay fast).

Sheets: Summary, Tracking, KPIs, Budget, Budget lines, Tasks, Alerts, By channel, Daily,
Period, Trend, Charts. Each has a bold, frozen header row, column widths from its content,
number formats (money in the plan currency, fractions as percentages, percent-point KPIs as
percentages, their differences in percent points), red/amber/green fills (a KPI row's
status, attainment and pace cells all in the colour of its status; tasks and alerts by
their own values; budget used by overspend, :func:`budget_used_limits`), and native bar
charts (spend vs budget by module on the Budget sheet; the others on the Charts sheet,
:mod:`mktplan.render.excel_charts`). Text from plans and exports is always written as
text: a leading = + - @ tab or CR gets a quote prefix and never becomes a formula. Workbook
properties and zip timestamps are fixed, so the same evaluation gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any, Literal

from mktplan.evaluation import Evaluation, PlanSummary
from mktplan.i18n import labels
from mktplan.render import XLSX_KEYWORDS, columns, numbers
from mktplan.render.columns import Row
from mktplan.spreadsheet_text import FORMULA_STARTS
from mktplan.vocab import is_percent, is_ratio, unit_currency

Kind = Literal[
    "text", "money", "fraction", "int", "number", "roi", "date", "datetime", "kpi", "label"
]
ROI_FORMAT = '"1:"0.0#'  # revenue ÷ spend as the teams write it: 1:3.5, a number still
# What XML 1.0 forbids: C0 controls but tab, LF and CR (removed), and the noncharacters
# U+FFFE/U+FFFF and lone surrogates (each replaced by U+FFFD so the reader sees a gap).
_XML_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XML_NONCHARACTERS = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_SYMBOLS = {"CNY": "¥", "JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$"}
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # zip entry timestamp: the earliest a zip can hold
GREEN, AMBER, RED = "C6EFCE", "FFEB9C", "FFC7CE"
HEADER_FILL = "D9E1F2"
DAILY_WIDTH_SAMPLE = 1000  # rows looked at to size columns; the rest are alike


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    wrap: bool = False  # long prose (targets, plans, causes) wraps inside the column width
    status_fill: bool = False  # filled with the colour of its row's status
    difference: bool = False  # a difference of two values: a change of ROI is no 1:X
    signed: bool = False  # a change: a leading + on a positive value


# The colour of each KPI status: a row's status, attainment and pace cells all take it, so
# no cell contradicts the status beside it (the score behind it is pace or attainment).
STATUS_COLOURS = {
    "on_track": GREEN,
    "at_risk": AMBER,
    "off_track": RED,
    "achieved": GREEN,
    "missed": RED,
}


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    sample: Sequence[Sequence[Any]]  # rows used to size the columns
    row_fills: Sequence[str | None] = ()  # colour of the status_fill cells of row 1, 2, …


def xml_safe(text: str) -> str:
    """``text`` as XML 1.0 may hold it: the one filter every text bound for the workbook
    (cells, headers, number formats, properties, rules, the Daily sheet's XML) goes through."""
    return _XML_NONCHARACTERS.sub("\ufffd", _XML_CONTROLS.sub("", text))


def money_format(currency: str, wan: bool = False) -> str:
    """An Excel number format for money in ``currency``: ``"¥"#,##0.00``, else a code suffix;
    with ``wan`` values from 10,000 up are shown in 万 (the cell keeps the exact value)."""
    symbol = _SYMBOLS.get(currency)
    if symbol is not None:
        plain = f'"{symbol}"#,##0.00'
        return wan_format(plain, prefix=f'"{symbol}"') if wan else plain
    code = xml_safe(currency).replace('"', "'")
    plain = f'#,##0.00 "{code}"'
    return wan_format(plain, suffix=f' "{code}"') if wan else plain


def wan_format(plain: str, prefix: str = "", suffix: str = "") -> str:
    """``plain`` below 10,000 in size, 万 from there: Excel cannot divide by 10,000, but
    ``0!.0,`` divides by 1,000 and puts a literal point before the last digit, so 12,345,678
    shows as 1234.6万 while the cell keeps 12345678."""
    scaled = f'{prefix}0!.0,"万"{suffix}'
    limit = int(numbers.WAN_FROM)
    return f"[>={limit}]{scaled};[<=-{limit}]-{scaled};{plain}"


EXCEL_LARGEST = Decimal("1e300")  # Excel's numbers stop near 1.8e308; larger ones go as text


def _beyond_excel(value: Decimal | int | float) -> bool:
    return abs(Decimal(value)) > EXCEL_LARGEST


def _number(value: Decimal | int | float | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Writer:
    """Writes :class:`Sheet` descriptions into a write-only workbook."""

    def __init__(self, currency: str, words: dict[str, str], shown: numbers.Style) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font, PatternFill

        self.wb = Workbook(write_only=True)
        self.words = words
        self.currency = currency
        self.money = money_format(currency, shown.wan)
        self.plain_money = money_format(currency)  # chart axes
        self._monies: dict[tuple[str, bool], str] = {}
        self.style = shown
        self.bold = Font(bold=True)
        self.header_fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.fills: dict[str, Any] = {}

    def money_of(self, unit: str | None, *, plain: bool = False) -> str | None:
        """The number format of a KPI's money, in the currency its unit names (the plan's
        symbol only for the plan's currency: a USD-per-click KPI in a CNY plan is not ¥);
        None when the unit is no money. ``plain``: without 万 (chart axes)."""
        code = unit_currency(unit, self.currency)
        if code is None:
            return None
        if code == self.currency:
            return self.plain_money if plain else self.money
        key = (code, plain)
        if key not in self._monies:
            self._monies[key] = money_format(code, self.style.wan and not plain)
        return self._monies[key]

    def text_cell(self, ws: Any, value: object) -> Any:
        """A cell that holds ``value`` as text, whatever it starts with."""
        from openpyxl.cell import WriteOnlyCell

        text = xml_safe(value if isinstance(value, str) else numbers.text(value))
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # a leading "=" made openpyxl guess a formula; it is text
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited too
        return cell

    def cell(self, ws: Any, column: Column, value: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        if value is None:
            return None
        if column.kind == "kpi" and value[0] is not None and _beyond_excel(value[0]):
            return self.text_cell(ws, numbers.kpi_value(value[0], value[1]))
        if isinstance(value, Decimal) and _beyond_excel(value):
            return self.text_cell(ws, numbers.number(value))
        if column.kind in ("text", "label") or isinstance(value, str):
            cell = self.text_cell(ws, value)
            if column.wrap:
                cell.alignment = self.wrap
            return cell
        if column.kind == "kpi":
            amount, unit = value
            if amount is None:
                return None
            if is_percent(unit) and column.difference:  # percent points, as Markdown says
                cell = WriteOnlyCell(ws, value=_number(amount))
                cell.number_format = self.points_format(column.signed)
            elif is_percent(unit):  # percent points → a real Excel percentage
                cell = WriteOnlyCell(ws, value=_number(Decimal(amount) / 100))
                cell.number_format = "0.0%"
            elif (money := self.money_of(unit)) is not None:
                cell = WriteOnlyCell(ws, value=_number(amount))
                cell.number_format = money
            else:
                cell = WriteOnlyCell(ws, value=_number(amount))
                cell.number_format = (
                    (ROI_FORMAT if self.style.roi and not column.difference else "#,##0.00")
                    if is_ratio(unit)
                    else self.count_format(amount)
                )
            return cell
        if column.kind == "money":
            cell = WriteOnlyCell(ws, value=_number(value))
            cell.number_format = self.money
        elif column.kind == "fraction":
            cell = WriteOnlyCell(ws, value=_number(value))
            cell.number_format = "0.0%"
        elif column.kind == "int":
            cell = WriteOnlyCell(ws, value=_number(value))
            cell.number_format = "#,##0"
        elif column.kind == "number":
            cell = WriteOnlyCell(ws, value=_number(value))
            cell.number_format = self.count_format(value)
        elif column.kind == "roi":
            cell = WriteOnlyCell(ws, value=_number(value))
            cell.number_format = ROI_FORMAT
        elif column.kind == "date":
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = "yyyy-mm-dd"
        else:  # datetime
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = "yyyy-mm-dd hh:mm"
        return cell

    def add(self, sheet: Sheet) -> Any:
        """Write one sheet: widths, frozen bold header, rows; returns the worksheet."""
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.utils import get_column_letter

        ws = self.wb.create_sheet(sheet.title)
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = _width(
                column, [row[index - 1] for row in sheet.sample]
            )
        print_setup(ws)
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(ws, value=xml_safe(column.header))
            cell.data_type = "s"
            cell.font = self.bold
            cell.fill = self.header_fill
            header.append(cell)
        ws.append(header)
        written = 0
        for index, row in enumerate(sheet.rows):
            cells = [self.cell(ws, c, v) for c, v in zip(sheet.columns, row, strict=True)]
            colour = sheet.row_fills[index] if index < len(sheet.row_fills) else None
            if colour is not None:
                for column, cell in zip(sheet.columns, cells, strict=True):
                    if column.status_fill and cell is not None:
                        cell.fill = self.fill(colour)
            ws.append(cells)
            written = index + 1
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{written + 1}"
        return ws

    def points_format(self, signed: bool) -> str:
        """A difference of two percentages in percent points, labelled in the report
        language as the Markdown report writes it: 0.5 → ``0.5 pt`` / ``0.5 个百分点``;
        ``signed``: ``+0.5 pt`` (a change)."""
        before, _, after = self.words["percent_points"].partition("{}")
        shown = f"{_literal(before)}0.0{_literal(after)}"
        return f"+{shown};-{shown};{shown}" if signed else shown

    def count_format(self, value: Any) -> str:
        """:func:`count_format`, in 万 from 10,000 up in that style."""
        plain = count_format(value)
        return wan_format(plain) if self.style.wan else plain

    def fill(self, colour: str) -> Any:
        from openpyxl.styles import PatternFill

        if colour not in self.fills:
            self.fills[colour] = PatternFill("solid", start_color=colour, end_color=colour)
        return self.fills[colour]


def _literal(text: str) -> str:
    """``text`` as literal text of a number format (quoted; nothing when empty)."""
    return f'"{xml_safe(text).replace(chr(34), chr(39))}"' if text else ""


def print_setup(ws: Any) -> None:
    """Frozen header row, printed landscape, fitted to the page width, the header row
    repeated on every page. Set before the first row: a write-only sheet writes its
    properties then."""
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.freeze_panes = "A2"
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.print_title_rows = "1:1"


def count_format(value: Any) -> str:
    """Whole numbers without decimals, others with two: ``#,##0.##`` showed "65,453."."""
    if isinstance(value, Decimal):
        return "#,##0" if value == value.to_integral_value() else "#,##0.00"
    return "#,##0" if float(value).is_integer() else "#,##0.00"


def _width(column: Column, values: Sequence[Any]) -> float:
    """Characters wide enough for the header and the sampled values, between 8 and 60."""

    def length(value: Any) -> int:
        if value is None:
            return 0
        if isinstance(value, str):
            # CJK characters take two columns in Excel's default font
            return sum(2 if ord(ch) > 0x2E80 else 1 for ch in max(value.split("\n"), key=len))
        if column.kind == "kpi":
            return len(numbers.kpi_value(value[0], value[1])) + 2
        if column.kind in ("money", "number", "int", "roi"):
            return len(numbers.money(value)) + 3
        if column.kind == "fraction":
            return 8
        if column.kind in ("date", "datetime"):
            return 16 if column.kind == "datetime" else 11
        return len(str(value))

    widest = max([length(v) for v in values] + [0])
    return float(min(60, max(8, length(column.header) + 2, widest + 1)))


def _status_rules(
    ws: Any, col: str, last_row: int, words: dict[str, str], keys: dict[str, str]
) -> None:
    """Fill a status column green/amber/red by its (translated) text."""
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill

    if last_row < 2:
        return
    area = f"{col}2:{col}{last_row}"
    for key, colour in keys.items():
        label = xml_safe(words[key]).replace('"', '""')
        ws.conditional_formatting.add(
            area,
            CellIsRule(
                operator="equal",
                formula=[f'"{label}"'],
                fill=PatternFill("solid", start_color=colour, end_color=colour),
            ),
        )


def budget_used_limits(plan: PlanSummary) -> tuple[Decimal, Decimal | None]:
    """Where "budget used" turns red and amber (fractions): red above 1 (over budget),
    amber above the time elapsed × (2 − on_track), spending ahead of the calendar by more
    than the margin a KPI may fall behind its pace and stay on track (10 % by default);
    no amber limit while the time elapsed is unknown."""
    if plan.time_elapsed is None or plan.days_total <= 0:
        return Decimal(1), None
    # from the days, not the rounded time elapsed: 23 of 30 days × 1.1 is 0.8433…, and the
    # rounded 0.766667 × 1.1 = 0.843334 left a module at 0.843334 plain; twelve places,
    # rounded down, keep every six-place budget used on its side of the exact limit
    exact = Fraction(plan.days_elapsed, plan.days_total) * Fraction(2 - plan.on_track)
    ahead = Decimal(exact.numerator) / Decimal(exact.denominator)
    return Decimal(1), ahead.quantize(Decimal(1).scaleb(-12), rounding=ROUND_DOWN)


def _budget_used_rules(ws: Any, col: str, last_row: int, plan: PlanSummary) -> None:
    """Fill a budget used column by overspend, not by the attainment colours: red over the
    budget, amber ahead of the calendar (:func:`budget_used_limits`); blanks and the rest
    stay white."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    if last_row < 2:
        return
    area = f"{col}2:{col}{last_row}"
    first = f"{col}2"
    over, ahead = budget_used_limits(plan)
    rules = [(f"AND(ISNUMBER({first}),{first}>{over})", RED)]
    if ahead is not None and ahead < over:
        rules.append((f"AND(ISNUMBER({first}),{first}>{ahead.normalize()},{first}<={over})", AMBER))
    for formula, colour in rules:
        ws.conditional_formatting.add(
            area,
            FormulaRule(
                formula=[formula], fill=PatternFill("solid", start_color=colour, end_color=colour)
            ),
        )


def _bar_chart(title: str, y_format: str, x_title: str, y_title: str) -> Any:
    from openpyxl.chart import BarChart

    chart = BarChart()
    chart.type = "bar"
    chart.title = xml_safe(title)
    chart.x_axis.title = xml_safe(x_title)
    chart.y_axis.title = xml_safe(y_title)
    chart.y_axis.numFmt = y_format
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False  # openpyxl hides axes by default; Excel then shows no labels
    chart.y_axis.delete = False
    chart.width = 18
    return chart


_SHEET_KINDS: dict[str, Kind] = {
    "text": "text",
    "module": "text",
    "status": "label",
    "severity": "label",
    "action": "label",
    "rule": "label",
    "line": "text",
    "channel": "text",
    "flag": "label",
    "unit": "label",
    "kpi": "kpi",
    "money": "money",
    "fraction": "fraction",
    "roi": "roi",
    "int": "int",
    "number": "number",
    "date": "date",
    "datetime": "datetime",
}


def _sheet_value(
    column: columns.Column[Row], row: Row, shown: columns.Display, *, noted: bool = False
) -> Any:
    """A cell's value as the sheet stores it: numbers and dates typed, codes as labels (with
    the column's note, "stale", when ``noted``)."""
    value = column.get(row)
    if column.kind == "kpi":
        return (value, None if column.unit is None else column.unit(row))
    if column.kind == "module":
        return shown.module_names.get(value, value)
    if column.kind == "flag":
        return shown.words[column.label] if value else None
    if column.kind == "unit":
        return numbers.unit_label(value, shown.lang) or None
    if column.kind in ("line", "channel"):
        return columns.cell_text(column, row, shown)
    if column.kind in ("status", "severity", "action", "rule"):
        label = shown.words.get(f"{column.kind}_{value}", str(value))
        if noted and column.note is not None and column.note(row):
            return f"{label}, {shown.words['stale']}"
        return label
    return value


Fact = tuple[str, Kind, Any, Any, str | None]  # label, kind, value, share, note


def _facts(ev: Evaluation, w: dict[str, str]) -> list[Fact]:
    """The plan facts of the Summary sheet, one row each: label, the value and its kind,
    a fraction beside it and what that fraction is of."""
    p, b = ev.plan, ev.budget
    return [
        (w["plan_id"], "text", p.id, None, None),
        (w["plan_name"], "text", p.name, None, None),
        (w["plan_owner"], "text", p.owner, None, None),
        (w["period"], "text", f"{p.start.isoformat()} – {p.end.isoformat()}", None, None),
        (w["as_of"], "date", p.as_of, None, None),
        (w["days_elapsed"], "text", f"{p.days_elapsed} / {p.days_total}", None, None),
        (w["time_elapsed"], "fraction", p.time_elapsed, None, None),
        (w["cadence"], "label", w.get(f"cadence_{p.cadence}", p.cadence), None, None),
        (w["currency"], "text", p.currency, None, None),
        (w["total"], "money", b.total, None, None),
        (w["reserve"], "money", b.reserve, b.reserve_share, w["reserve_share"]),
        (w["allocated"], "money", b.allocated, None, None),
        (w["spent"], "money", b.spent, b.used, w["spent_share_of"]),
        (w["remaining_total"], "money", b.remaining, None, None),
    ]


def _add_summary_notes(
    writer: _Writer, ws: Any, ev: Evaluation, lang: str, shown: numbers.Style
) -> None:
    """Under the Summary sheet's table, each part after an empty row: the summary sentences,
    the data-quality banner, the plan's changes this period (each by the functions that
    write them in Markdown, one line a row) and the plan facts in one block (item, value,
    share of, note)."""
    from mktplan.i18n import summary_sentences
    from mktplan.render.text import plan_change_line
    from mktplan.render.weekly import data_issue_text

    w = writer.words

    def heading(*texts: str) -> list[Any]:
        cells = [writer.text_cell(ws, text) for text in texts]
        for cell in cells:
            cell.font = writer.bold
        return cells

    parts: list[list[list[Any]]] = []
    sentences = summary_sentences(ev, lang, shown)
    if sentences:
        parts.append([[writer.text_cell(ws, s)] for s in sentences])
    if ev.data_issues:
        lines = [[writer.text_cell(ws, data_issue_text(i, lang))] for i in ev.data_issues]
        parts.append([heading(w["data_quality"]), *lines])
    if ev.plan_changes:
        changes = [
            [writer.text_cell(ws, plan_change_line(c, lang, shown))] for c in ev.plan_changes
        ]
        parts.append([heading(w["plan_changes"]), *changes])
    facts = [
        [
            writer.text_cell(ws, label),
            writer.cell(ws, Column(label, kind), value),
            writer.cell(ws, Column(label, "fraction"), share),
            None if note is None else writer.text_cell(ws, note),
        ]
        for label, kind, value, share, note in _facts(ev, w)
    ]
    parts.append([heading(w["item"], w["value"]), *facts])
    for part in parts:
        ws.append([])
        for row in part:
            ws.append(row)


def _spec_sheet(
    table: columns.Table[Row], rows: Sequence[Row], shown: columns.Display
) -> tuple[list[Column], list[list[Any]]]:
    """The sheet columns and rows of a table from its column specification."""
    spec = table.shown("xlsx")
    sheet_columns = [
        Column(
            columns.header(c, shown, "xlsx"),
            _SHEET_KINDS[c.kind],
            c.wrap,
            c.status_fill,
            c.difference,
            c.signed,
        )
        for c in spec
    ]
    # a status column notes "stale" in its cell (as Markdown does) unless the sheet has a
    # column of its own for it (the KPIs sheet)
    flagged = any(c.kind == "flag" and c.label == "stale" for c in spec)
    values = [[_sheet_value(c, row, shown, noted=not flagged) for c in spec] for row in rows]
    return sheet_columns, values


def _position(table: columns.Table[Row], key: str) -> int:
    """The 1-based sheet column of ``key`` in ``table``."""
    return next(i for i, c in enumerate(table.shown("xlsx"), start=1) if c.key == key)


def _letter(table: columns.Table[Row], key: str, after: int = 0) -> str:
    """The sheet column letter of ``key`` in ``table`` (or ``after`` columns to its right)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(_position(table, key) + after))


def build_workbook(
    ev: Evaluation, lang: str = "en", units: numbers.Units | None = None
) -> tuple[Any, _DailyRows]:
    """The report as an openpyxl write-only Workbook (not yet saved) and its daily rows."""
    from openpyxl.chart import Reference

    from mktplan.render.excel_charts import add_charts_sheet

    w = labels(lang)
    shown = columns.display(ev, lang, units)
    writer = _Writer(ev.plan.currency, w, shown.style)
    action_colours = {"action_done": GREEN, "action_in_progress": AMBER, "action_delayed": RED}
    p, b = ev.plan, ev.budget

    # Summary: the evaluation table, then under it what the Markdown report opens with (the
    # summary sentences, the data-quality banner, the plan's changes) and the plan facts.
    summary_kpis = ev.summary_kpis()
    summary_cols, summary_rows = _spec_sheet(columns.SUMMARY, summary_kpis, shown)
    ws = writer.add(
        Sheet(
            w["sheet_summary"],
            summary_cols,
            summary_rows,
            [*summary_rows, *([label, None, None, None, None] for label, *_ in _facts(ev, w))],
            [STATUS_COLOURS.get(k.status) for k in summary_kpis],
        )
    )
    _add_summary_notes(writer, ws, ev, lang, shown.style)

    tracking_cols, tracking_rows = _spec_sheet(columns.TRACKING, ev.tracking, shown)
    writer.add(Sheet(w["sheet_tracking"], tracking_cols, tracking_rows, tracking_rows))

    kpi_cols, kpi_rows = _spec_sheet(columns.KPIS, ev.kpis, shown)
    writer.add(
        Sheet(
            w["sheet_kpis"],
            kpi_cols,
            kpi_rows,
            kpi_rows,
            [STATUS_COLOURS.get(k.status) for k in ev.kpis],
        )
    )
    budget_cols, module_rows = _spec_sheet(columns.MODULES, ev.modules, shown)
    ws = writer.add(Sheet(w["sheet_budget"], budget_cols, module_rows, module_rows))
    last = len(module_rows) + 1
    _budget_used_rules(ws, _letter(columns.MODULES, "budget_used"), last, ev.plan)
    if module_rows:
        chart = _bar_chart(w["chart_spend"], writer.plain_money, w["module"], ev.plan.currency)
        chart.add_data(
            Reference(
                ws,
                min_col=_position(columns.MODULES, "budget"),
                max_col=_position(columns.MODULES, "spend"),
                min_row=1,
                max_row=last,
            ),
            titles_from_data=True,
        )
        chart.set_categories(
            Reference(ws, min_col=_position(columns.MODULES, "name"), min_row=2, max_row=last)
        )
        chart.height = min(60.0, max(7.5, 1.0 * len(module_rows)))
        ws.add_chart(chart, f"{_letter(columns.MODULES, 'revenue_share', after=2)}2")
    line_cols, line_rows = _spec_sheet(columns.BUDGET_LINES, b.lines, shown)
    ws = writer.add(Sheet(w["sheet_budget_lines"], line_cols, line_rows, line_rows))
    _budget_used_rules(ws, _letter(columns.BUDGET_LINES, "used"), len(line_rows) + 1, ev.plan)

    task_cols, task_rows = _spec_sheet(columns.TASKS, ev.actions, shown)
    ws = writer.add(Sheet(w["sheet_tasks"], task_cols, task_rows, task_rows))
    _status_rules(ws, _letter(columns.TASKS, "status"), len(task_rows) + 1, w, action_colours)

    alert_cols, alert_rows = _spec_sheet(columns.ALERTS, ev.alerts, shown)
    ws = writer.add(Sheet(w["sheet_alerts"], alert_cols, alert_rows, alert_rows))
    _status_rules(
        ws,
        _letter(columns.ALERTS, "severity"),
        len(alert_rows) + 1,
        w,
        {"severity_info": GREEN, "severity_warning": AMBER, "severity_critical": RED},
    )

    channel_cols, channel_rows = _spec_sheet(columns.CHANNELS, columns.channel_rows(ev), shown)
    writer.add(
        Sheet(w["sheet_by_channel"], channel_cols, channel_rows, channel_rows[:DAILY_WIDTH_SAMPLE])
    )
    daily = _add_daily(writer, ev, w)
    period_cols, period_rows = _spec_sheet(columns.PERIOD, ev.kpis, shown)
    writer.add(Sheet(w["sheet_period"], period_cols, period_rows, period_rows))
    trend_cols, trend_rows = _spec_sheet(columns.TREND, columns.trend_rows(ev), shown)
    writer.add(Sheet(w["sheet_trend"], trend_cols, trend_rows, trend_rows[:DAILY_WIDTH_SAMPLE]))
    add_charts_sheet(writer, ev, lang)
    props = writer.wb.properties
    stamp = dt.datetime.combine(p.as_of, dt.time())
    props.created = stamp
    props.modified = stamp
    props.creator = "mktplan"
    props.lastModifiedBy = "mktplan"
    props.keywords = XLSX_KEYWORDS  # the mark that lets mktplan overwrite its own workbook
    props.title = xml_safe(f"{p.id} {p.as_of.isoformat()}")
    return writer.wb, daily


@dataclass(frozen=True)
class _DailyRows:
    """The Daily sheet's data rows, written as XML after openpyxl saved the probe rows.

    openpyxl needs about 50 µs a row; the data rows are instead generated as sheet XML that
    reuses the style ids openpyxl gave to one probe row per number format.
    """

    sheet_index: int  # 1-based position of the Daily sheet in the workbook
    formats: tuple[str, ...]  # number format of probe row 2, 3, …
    rows: Sequence[tuple[str, str, int, float | int, str]]  # id, name, serial, value, format


def _add_daily(writer: _Writer, ev: Evaluation, w: dict[str, str]) -> _DailyRows:
    """The Daily sheet: header and probe rows now, one row per KPI and date at save time."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    kpi_names = {k.id: k.name for k in ev.kpis}
    units = {k.id: k.unit for k in ev.kpis}
    ws = writer.wb.create_sheet(w["sheet_daily"])
    headers = (w["kpi_id"], w["kpi"], w["date"], w["value"])
    sample = ev.daily[:DAILY_WIDTH_SAMPLE]
    widths = (
        max([len(d.kpi) for d in sample] + [len(headers[0])]) + 2,
        max([len(kpi_names.get(d.kpi, "")) * 2 for d in sample] + [len(headers[1])]) + 2,
        12,
        16,
    )
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(60, max(8, width))
    print_setup(ws)
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=xml_safe(text))
        cell.font = writer.bold
        cell.fill = writer.header_fill
        header.append(cell)
    ws.append(header)

    def value_format(unit: str | None, value: Decimal) -> str:
        if is_percent(unit):
            return "0.0%"
        return writer.money_of(unit) or writer.count_format(value)

    epoch = dt.date(1899, 12, 30)  # Excel's day 0 in the 1900 date system
    rows = [
        (
            _xml_text(d.kpi),
            _xml_text(kpi_names.get(d.kpi, "")),
            (d.date - epoch).days,
            _number(d.value / 100 if is_percent(units.get(d.kpi)) else d.value) or 0,
            value_format(units.get(d.kpi), d.value),
        )
        for d in ev.daily
    ]
    ws.auto_filter.ref = f"A1:D{len(rows) + 1}"
    used = tuple(sorted({r[4] for r in rows}))
    for fmt in used:  # probe rows, replaced by the data rows when the file is saved
        date = WriteOnlyCell(ws, value=epoch)
        date.number_format = "yyyy-mm-dd"
        value = WriteOnlyCell(ws, value=0)
        value.number_format = fmt
        ws.append([writer.text_cell(ws, "x"), writer.text_cell(ws, "=x"), date, value])
    return _DailyRows(len(writer.wb.worksheets), used, rows)


def _xml_text(value: str) -> str:
    """Text escaped for an inline string, with Excel's quote prefix flag as a leading \x00."""
    text = xml_safe(value)
    flag = "\0" if text.startswith(FORMULA_STARTS) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return flag + text


_PROBE_CELL = re.compile(r'<c r="([A-D])(\d+)"(?: s="(\d+)")?')


def _daily_sheet_xml(xml: str, daily: _DailyRows) -> str:
    """The Daily sheet XML with its probe rows replaced by the data rows."""
    styles: dict[tuple[str, int], str] = {}
    for col, row, style in _PROBE_CELL.findall(xml):
        styles[(col, int(row))] = f' s="{style}"' if style else ""
    plain, quoted = styles.get(("A", 2), ""), styles.get(("B", 2), "")
    date_style = styles.get(("C", 2), "")
    value_style = {fmt: styles.get(("D", i + 2), "") for i, fmt in enumerate(daily.formats)}
    parts: list[str] = []
    for r, (kid, name, serial, value, fmt) in enumerate(daily.rows, start=2):
        parts.append(
            f'<row r="{r}">{_inline("A", r, kid, plain, quoted)}{_inline("B", r, name, plain, quoted)}'
            f'<c r="C{r}"{date_style} t="n"><v>{serial}</v></c>'
            f'<c r="D{r}"{value_style[fmt]} t="n"><v>{value!r}</v></c></row>'
        )
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    head = xml[start:end]
    first_row_end = head.index("</row>") + len("</row>")
    last = len(daily.rows) + 1
    top = re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="A1:D{last}"/>', xml[:start])
    return top + head[:first_row_end] + "".join(parts) + xml[end:]


def _inline(col: str, row: int, text: str, plain: str, quoted: str) -> str:
    if not text:
        return ""
    style = plain
    if text.startswith("\0"):
        text, style = text[1:], quoted
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{col}{row}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def render_xlsx(ev: Evaluation, lang: str = "en", units: numbers.Units | None = None) -> bytes:
    """The report workbook as .xlsx bytes, identical for identical evaluations; ``units``:
    万 number formats or plain (default: 万 in Chinese), the cells keep exact values."""
    from openpyxl.writer.excel import ExcelWriter

    wb, daily = build_workbook(ev, lang, units)
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        # ExcelWriter, not save_workbook: the latter stamps "modified" with the current time
        ExcelWriter(wb, archive).save()
    return _fixed_zip(raw.getvalue(), daily)


def _fixed_zip(data: bytes, daily: _DailyRows) -> bytes:
    """The same zip with every entry's timestamp fixed, so output bytes are reproducible,
    and the Daily sheet's data rows in place of its probe rows."""
    daily_name = f"xl/worksheets/sheet{daily.sheet_index}.xml"
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == daily_name:
                content = _daily_sheet_xml(content.decode("utf-8"), daily).encode("utf-8")
            target.writestr(entry, content)
    return out.getvalue()
