"""The workbook's Charts sheet: native Excel charts over data written in the same sheet.

One block per chart, top to bottom: a bold header row, then its data rows (the numbers
each series references), with the chart anchored to the right of its block. The charts:
attainment by KPI (the KPIs with a target and data), a burn-up per chart KPI (plan-level
KPIs with a target and data, at most 8: cumulative actual as bars, the target curve and
the forecast as lines, the same data as the Markdown charts), the spend burn, and this
period against the previous one per summary KPI with data in both periods (the first 8),
one bar chart per unit (counts, money and percentages do not share an axis).
Titles, axes and headers are in the report language.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from mktplan.evaluation import Evaluation, KpiResult
from mktplan.i18n import labels
from mktplan.render import numbers
from mktplan.render.weekly import (
    CHART_KPIS,
    Chart,
    burnup_chart,
    chart_kpis,
    period_label,
    spend_chart,
)
from mktplan.vocab import is_percent, is_ratio

if TYPE_CHECKING:
    from mktplan.render.excel import _Writer

CHART_WIDTH = 18.0  # cm: about ten columns of the default width
CHART_HEIGHT = 9.0  # cm: about 17 rows of the default height
ROW_CM = 0.53  # the default row height (15 pt) in cm
FIRST_BLOCK = 3  # row 1 is the sheet's title, row 2 is empty
CHART_COLUMN = "F"  # charts are anchored right of the data (at most 4 columns)


@dataclass(frozen=True)
class ChartBlock:
    """One chart and the rows it reads: ``rows[i] = [category, value, value, …]``; values
    are in ``unit`` (a KPI unit, a currency code, or None for counts)."""

    title: str
    style: Literal["burnup", "bars"]
    headers: list[str]  # the category column's header, then one per series
    rows: list[list[Any]]
    unit: str | None
    x_title: str
    y_title: str
    fraction: bool = False  # values are fractions (attainment: 1.2 = 120 %), not in ``unit``


def _has_data(kpi: KpiResult) -> bool:
    return any(p.cumulative is not None for p in kpi.trend)


def _from_chart(
    chart: Chart, style: Literal["burnup", "bars"], x_title: str, lang: str
) -> ChartBlock:
    return ChartBlock(
        title=chart.title,
        style=style,
        headers=[x_title, *(s.label for s in chart.series)],
        rows=[[x, *(s.values[i] for s in chart.series)] for i, x in enumerate(chart.x)],
        unit=chart.unit or None,
        x_title=x_title,
        y_title=numbers.unit_label(chart.unit or None, lang),
    )


def _unit_group(unit: str | None) -> str:
    """KPIs whose values can share an axis: percentages, each currency, ratios, counts."""
    if is_percent(unit):
        return "%"
    if numbers.is_currency(unit) or is_ratio(unit):
        return str(unit)
    return ""


def attainment_block(ev: Evaluation, lang: str) -> ChartBlock | None:
    """Attainment by KPI over the KPIs with a target and an attainment (the others would be
    empty bars), in plan order; None when there is none."""
    words = labels(lang)
    graded = [k for k in ev.kpis if k.target is not None and k.attainment is not None]
    if not graded:
        return None
    return ChartBlock(
        title=words["chart_attainment"],
        style="bars",
        headers=[words["kpi"], words["attainment"]],
        rows=[[k.label, k.attainment] for k in graded],
        unit=None,
        x_title=words["kpi"],
        y_title=words["attainment"],
        fraction=True,
    )


def chart_blocks(ev: Evaluation, lang: str) -> list[ChartBlock]:
    """Every chart of the Charts sheet with its data, in sheet order."""
    words = labels(lang)
    attainment = attainment_block(ev, lang)
    blocks = [] if attainment is None else [attainment]
    blocks += [
        _from_chart(burnup_chart(ev, k, lang), "burnup", words["period_end"], lang)
        for k in chart_kpis(ev)
        if _has_data(k)
    ]
    spend = spend_chart(ev, lang)
    if spend is not None and any(v is not None for v in spend.series[0].values):
        blocks.append(_from_chart(spend, "burnup", words["period_end"], lang))
    p = ev.plan
    before = period_label(p, "previous", lang, p.previous_start, p.previous_end)
    this = period_label(p, "current", lang, p.period_start, p.period_end)
    groups: dict[str, list[KpiResult]] = {}
    # KPIs with a value in both periods: a bar beside a gap compares nothing. Plan-level
    # KPIs first; a chart of hundreds of bars is read by nobody.
    compared = [
        k
        for k in ev.summary_kpis()
        if all(v is not None and v.actual is not None for v in (k.previous_period, k.period))
    ][:CHART_KPIS]
    for k in compared:
        groups.setdefault(_unit_group(k.unit), []).append(k)
    for group, kpis in groups.items():
        unit = kpis[0].unit if group else None
        shown_unit = numbers.unit_label(unit, lang)  # 比值, not ratio, in Chinese
        title = words["chart_period_compare"]
        blocks.append(
            ChartBlock(
                title=f"{title} ({shown_unit})" if shown_unit else title,
                style="bars",
                headers=[
                    words["kpi"],
                    f"{words['previous_period']} {before}",
                    f"{words['this_period']} {this}",
                ],
                rows=[
                    [
                        k.label,
                        k.previous_period.actual if k.previous_period else None,
                        k.period.actual if k.period else None,
                    ]
                    for k in kpis
                ],
                unit=unit,
                x_title=words["kpi"],
                y_title=shown_unit or words["value"],
            )
        )
    return blocks


def _value_format(writer: _Writer, unit: str | None, values: Sequence[Any]) -> str:
    from mktplan.render.excel import ROI_FORMAT

    if is_percent(unit):
        return "0.0%"
    if (money := writer.money_of(unit, plain=True)) is not None:
        return money
    if is_ratio(unit) and writer.style.roi:  # ROI as 1:X, as the cells beside it
        return ROI_FORMAT
    whole = all(v is None or Decimal(v) == Decimal(v).to_integral_value() for v in values)
    return "#,##0" if whole else "#,##0.00"


def add_charts_sheet(writer: _Writer, ev: Evaluation, lang: str) -> Any:
    """The Charts sheet (after every other sheet); returns it, or None without any chart."""
    from openpyxl.cell import WriteOnlyCell

    from mktplan.render.excel import Column, print_setup, xml_safe

    blocks = chart_blocks(ev, lang)
    if not blocks:
        return None
    words = labels(lang)
    ws = writer.wb.create_sheet(words["sheet_charts"])
    ws.column_dimensions["A"].width = max(
        [12]
        + [
            min(40, sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(r[0])) + 2)
            for b in blocks
            for r in b.rows
        ]
    )
    for letter in "BCDE":
        ws.column_dimensions[letter].width = 16
    print_setup(ws)
    title = WriteOnlyCell(ws, value=xml_safe(words["sheet_charts"]))
    title.font = writer.bold
    ws.append([title])
    ws.append([])
    row = FIRST_BLOCK
    placed: list[tuple[ChartBlock, int]] = []
    for block in blocks:
        header = []
        for text in block.headers:
            cell = WriteOnlyCell(ws, value=xml_safe(text))
            cell.font = writer.bold
            cell.fill = writer.header_fill
            header.append(cell)
        ws.append(header)
        for data in block.rows:
            category = writer.text_cell(ws, data[0])
            if block.fraction:
                values = [writer.cell(ws, Column("", "fraction"), v) for v in data[1:]]
            else:
                values = [writer.cell(ws, Column("", "kpi"), (v, block.unit)) for v in data[1:]]
            ws.append([category, *values])
        used = len(block.rows) + 1
        # the block is as tall as its chart, so no chart covers the next block's data
        height = max(math.ceil(_height(block) / ROW_CM) + 2, used + 2)
        for _ in range(height - used):
            ws.append([])
        placed.append((block, row))
        row += height
    for block, first in placed:
        ws.add_chart(_chart(writer, ws, block, first), f"{CHART_COLUMN}{first}")
    return ws


def _chart(writer: _Writer, ws: Any, block: ChartBlock, first: int) -> Any:
    """The native chart of ``block``, whose header row is ``first``."""
    from openpyxl.chart import BarChart, LineChart, Reference

    from mktplan.render.excel import xml_safe

    last = first + len(block.rows)
    series = len(block.headers) - 1
    values = [v for r in block.rows for v in r[1:]]
    y_format = "0%" if block.fraction else _value_format(writer, block.unit, values)
    if y_format == "0.0%":
        y_format = "0%"
    categories = Reference(ws, min_col=1, min_row=first + 1, max_row=last)
    bars = BarChart()
    if block.style == "bars":
        bars.type = "bar"  # horizontal: KPI names stay readable
        bars.add_data(
            Reference(ws, min_col=2, max_col=1 + series, min_row=first, max_row=last),
            titles_from_data=True,
        )
        chart = bars
    else:  # cumulative actual as bars, the target curve and the forecast as lines
        bars.type = "col"
        bars.add_data(Reference(ws, min_col=2, min_row=first, max_row=last), titles_from_data=True)
        lines = LineChart()
        lines.add_data(
            Reference(ws, min_col=3, max_col=1 + series, min_row=first, max_row=last),
            titles_from_data=True,
        )
        lines.set_categories(categories)
        bars += lines
        chart = bars
    bars.set_categories(categories)

    chart.title = xml_safe(block.title)
    chart.x_axis.title = xml_safe(block.x_title)
    chart.y_axis.title = xml_safe(block.y_title)
    chart.y_axis.numFmt = y_format
    chart.x_axis.delete = False  # openpyxl hides axes by default; Excel then shows no labels
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.width = CHART_WIDTH
    chart.height = _height(block)
    return chart


def _height(block: ChartBlock) -> float:
    """The chart's height in cm: horizontal bars grow with their KPIs."""
    if block.style == "bars":
        return max(CHART_HEIGHT, 0.5 * len(block.rows) * (len(block.headers) - 1) + 3)
    return CHART_HEIGHT
