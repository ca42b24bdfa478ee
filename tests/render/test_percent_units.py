"""One rule for "this unit is percent points" (mktplan.vocab.is_percent): a KPI whose unit is
`pct`, `percent` or `％` prints as a percentage in every table of every renderer, as `%` does
(it printed 2.10 in the KPI table while the tracking table said 2.1%)."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pytest

from mktplan.evaluation import Evaluation
from mktplan.render.excel import render_xlsx
from mktplan.render.markdown import render_markdown
from mktplan.render.table import render_table_text
from mktplan.vocab import is_percent
from tests.render.sample import sample_evaluation


def _with_unit(unit: str) -> Evaluation:
    ev = sample_evaluation()
    kpis = [
        dataclasses.replace(k, unit=unit) if k.id == "online.conversion_rate" else k
        for k in ev.kpis
    ]
    return dataclasses.replace(ev, kpis=kpis)


@pytest.mark.parametrize("unit", ["%", "％", "pct", "percent", " pct "])
def test_every_percent_spelling_is_percent(unit: str) -> None:
    assert is_percent(unit)


@pytest.mark.parametrize("unit", [None, "", "count", "CNY", "ratio", "pcs"])
def test_other_units_are_not(unit: str | None) -> None:
    assert not is_percent(unit)


@pytest.mark.parametrize("unit", ["pct", "percent", "％"])
def test_a_pct_kpi_prints_as_percent_in_markdown_and_terminal(unit: str) -> None:
    ev = _with_unit(unit)
    assert any(k.id == "online.conversion_rate" for k in ev.kpis)
    md = render_markdown(ev).split("\n## Alerts", 1)[0]
    assert md.count("| 5.0% | 2.1% |") == 2  # the summary and the KPI table agree
    assert "2.10" not in md
    table = render_table_text(ev).split("\nAlerts", 1)[0]
    assert "2.1%" in table
    assert "2.10" not in table


def test_a_pct_kpi_is_an_excel_percentage() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(_with_unit("pct"))))
    ws = wb["KPIs"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "online.conversion_rate")
    actual = row[header.index("Actual")]
    assert actual.value == pytest.approx(0.021)
    assert actual.number_format == "0.0%"
