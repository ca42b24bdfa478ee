"""The column specifications (mktplan.render.columns) are what every renderer reads: a
table's headers in Markdown, the terminal and Excel, and its JSON keys, come from one list."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence

import openpyxl
import pytest

from mktplan.i18n import LANGS, labels
from mktplan.render import columns
from mktplan.render.excel import render_xlsx
from mktplan.render.json import render_json
from mktplan.render.markdown import render_markdown
from mktplan.render.table import render_table_text
from tests.render.sample import sample_evaluation

TABLES: list[columns.Table] = [  # type: ignore[type-arg]
    columns.SUMMARY,
    columns.TRACKING,
    columns.KPIS,
    columns.TASKS,
    columns.MODULES,
    columns.BUDGET_LINES,
    columns.ALERTS,
]


@pytest.mark.parametrize("lang", LANGS)
def test_every_column_has_a_label_in_every_language(lang: str) -> None:
    words = labels(lang)
    for table in TABLES:
        assert table.title in words
        for column in table.columns:
            assert column.label in words, (table.key, column.key)


def test_no_table_shows_two_columns_with_one_header() -> None:
    for lang in LANGS:
        words = labels(lang)
        for table in TABLES:
            for fmt in ("md", "table", "xlsx"):
                headers = [words[c.label] for c in table.shown(fmt)]
                assert len(headers) == len(set(headers)), (table.key, fmt, lang)


def _md_header(text: str, title: str) -> list[str]:
    block = text.split(f"## {title}\n\n", 1)[1]
    return [cell.strip() for cell in block.splitlines()[0].strip("|").split("|")]


def test_the_kpi_table_reads_its_columns_in_every_renderer() -> None:
    ev = sample_evaluation()
    words = labels("en")
    md = render_markdown(ev)
    assert _md_header(md, "KPIs") == [words[c.label] for c in columns.KPIS.shown("md")]
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(ev)))["KPIs"]
    assert [c.value for c in sheet[1]] == [words[c.label] for c in columns.KPIS.shown("xlsx")]
    doc = json.loads(render_json(ev))
    # every column of the table, plus the KPI's channel split (a nested list, not a column)
    assert set(doc["kpis"][0]) == {c.key for c in columns.KPIS.shown("json")} | {
        "by_channel",
        "period",
        "previous_period",
        "change",
        "trend",
    }
    table = render_table_text(ev, width=100)
    section = table.split("\nKPIs", 1)[1].split(words["budget"], 1)[0]
    fitted = columns.text_table(columns.KPIS, ev.kpis, "table", columns.display(ev, "en"), str, 100)
    for column in columns.KPIS.shown("table"):
        kept = column.key in fitted.keys
        assert (words[column.label].split()[0] in section) == kept, column.key
    assert "last_date" not in fitted.keys  # the lowest-value column goes first


@pytest.mark.parametrize("lang", LANGS)
def test_alerts_name_the_kpi_and_the_rule_in_the_report_language(lang: str) -> None:
    words = labels(lang)
    md = render_markdown(sample_evaluation(), lang)
    alerts = md.split(f"## {words['alerts']}", 1)[1]
    row = next(line for line in alerts.splitlines() if "online.conversion_rate" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:5] == [
        "Conversion rate",
        "online.conversion_rate",
        words["rule_below_target"],
        "30.0%",  # a percent rule's threshold is percent, whatever the KPI's unit
    ]
    assert "below_target" not in md


def test_spend_with_no_budget_line_is_a_translated_row_in_a_chinese_report() -> None:
    import dataclasses
    from decimal import Decimal

    from mktplan.evaluation import BudgetLine
    from mktplan.metrics import UNASSIGNED

    ev = sample_evaluation()
    line = BudgetLine(UNASSIGNED, None, Decimal(100), None, None)
    ev = dataclasses.replace(ev, budget=dataclasses.replace(ev.budget, lines=[line]))
    md = render_markdown(ev, "zh")
    assert "| 未分配 | - | 100.00 |" in md
    assert UNASSIGNED not in md
    sheet = openpyxl.load_workbook(io.BytesIO(render_xlsx(ev, "zh")))["预算科目"]
    assert sheet["A2"].value == "未分配"
    assert json.loads(render_json(ev))["budget"]["lines"][0]["line"] == UNASSIGNED  # the code
    assert "未分配" in render_table_text(ev, "zh")


def test_a_rate_variance_is_in_percent_points_in_chinese() -> None:
    zh = render_markdown(sample_evaluation(), "zh")
    assert "| 5.0% | 2.1% | 42.0% | 2.9 个百分点 |" in zh
    assert "| 5.0% | 2.1% | 42.0% | 2.9 pt |" in render_markdown(sample_evaluation(), "en")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("hostile", [False, True])
def test_number_and_date_cells_need_no_escaping(lang: str, hostile: bool) -> None:
    """Tables leave the texts of number and date columns unescaped (``Column.whole``):
    escaping them for Markdown or the terminal would change nothing, in either style."""
    from mktplan.render import numbers

    ev = sample_evaluation(hostile=hostile)
    tables: list[tuple[columns.Table, Sequence[object]]] = [  # type: ignore[type-arg]
        (columns.SUMMARY, ev.summary_kpis()),
        (columns.TRACKING, ev.tracking),
        (columns.KPIS, ev.kpis),
        (columns.PERIOD, ev.kpis),
        (columns.TASKS, ev.actions),
        (columns.MODULES, ev.modules),
        (columns.BUDGET_LINES, ev.budget.lines),
        (columns.ALERTS, ev.alerts),
    ]
    for units in numbers.UNITS:
        shown = columns.display(ev, lang, units)
        for table, rows in tables:
            for column in table.columns:
                if not column.whole:
                    continue
                for row in rows:
                    text = columns.cell_text(column, row, shown)
                    assert numbers.md_cell(text) == text, (table.key, column.key, text)
                    assert numbers.terminal_text(text) == text, (table.key, column.key, text)
    points = labels(lang)["percent_points"].format("-1,234.5")
    assert numbers.md_cell(points) == numbers.terminal_text(points) == points
