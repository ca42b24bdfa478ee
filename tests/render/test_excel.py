from __future__ import annotations

import dataclasses
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from mktplan.render.excel import money_format, render_xlsx
from tests.render.sample import HOSTILE_TEXTS, HYPERLINK, sample_evaluation
from tests.render.test_by_channel import CHANNEL_HEADERS

SHEETS = [
    "Summary",
    "Tracking",
    "KPIs",
    "Budget",
    "Budget lines",
    "Tasks",
    "Alerts",
    "By channel",
    "Daily",
    "Period",
    "Trend",
    "Charts",  # the sample's KPIs with a target give an attainment chart
]


def _load(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


@pytest.fixture(scope="module")
def workbook() -> Any:
    return _load(render_xlsx(sample_evaluation()))


def _header(ws: Any) -> list[Any]:
    return [c.value for c in ws[1]]


def test_sheets_in_order_with_frozen_headers(workbook: Any) -> None:
    assert workbook.sheetnames == SHEETS
    for ws in workbook:
        assert ws.freeze_panes == "A2", ws.title
        assert ws["A1"].font.b, ws.title


def test_header_values(workbook: Any) -> None:
    assert _header(workbook["Tracking"]) == [
        "Module",
        "SMART target",
        "Plan",
        "KPI",
        "Data source",
        "Actual",
        "Variance (target − actual)",
        "Cause",
        "Measure",
        "Owner",
        "Deadline",
    ]
    assert _header(workbook["KPIs"])[:7] == [
        "Module",
        "KPI id",
        "KPI",
        "Unit",
        "Target",
        "Actual",
        "Attainment",
    ]
    assert _header(workbook["Daily"]) == ["KPI id", "KPI", "Date", "Value"]


def test_chinese_headers() -> None:
    wb = _load(render_xlsx(sample_evaluation(), "zh"))
    assert wb.sheetnames[:3] == ["效果评估", "策略跟踪表", "关键指标"]
    assert _header(wb["策略跟踪表"])[:3] == ["策略模块", "具体目标(SMART)", "执行计划"]
    assert wb["任务跟踪表"]["G3"].value == "已完成"


def test_numbers_and_formats(workbook: Any) -> None:
    kpis = workbook["KPIs"]
    sales = next(r for r in kpis.iter_rows(min_row=2) if r[1].value == "online.sales")
    assert sales[4].value == 1300000
    assert sales[4].number_format == money_format("CNY") == '"¥"#,##0.00'
    assert sales[5].value == pytest.approx(412345.678)
    assert sales[6].value == pytest.approx(0.317189)
    assert sales[6].number_format == "0.0%"
    rate = next(r for r in kpis.iter_rows(min_row=2) if r[1].value == "online.conversion_rate")
    assert rate[5].value == pytest.approx(0.021)  # 2.1 percent points as an Excel percentage
    assert rate[5].number_format == "0.0%"
    assert kpis["N2"].number_format == "yyyy-mm-dd"
    budget = workbook["Budget"]
    assert budget["C3"].value == 200000
    assert budget["C3"].number_format == '"¥"#,##0.00'
    assert budget["H3"].value == 3.5  # ROI is a number shown as 1:3.5
    assert budget["H3"].number_format == '"1:"0.0#'
    alerts = workbook["Alerts"]
    assert alerts["J2"].number_format == "yyyy-mm-dd hh:mm"
    assert alerts["I2"].value == "Zhao Qiang"
    assert alerts["B2"].value == "Conversion rate"  # the name, its id beside it
    assert alerts["E2"].value == "below target"  # the rule by its name, not below_target
    assert alerts["F2"].value == pytest.approx(0.3)
    assert alerts["F2"].number_format == "0.0%"


def test_every_sheet_has_an_autofilter_and_prints_landscape_fitted_to_width(
    workbook: Any,
) -> None:
    for ws in workbook:
        if ws.title == "Charts":  # blocks of chart data, not one table
            continue
        width = len([h for h in _header(ws) if h is not None])
        assert ws.auto_filter.ref is not None, ws.title
        first, last = ws.auto_filter.ref.split(":")
        assert first == "A1", ws.title
        assert last.rstrip("0123456789") == openpyxl.utils.get_column_letter(width), ws.title
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    summary = workbook["Summary"]  # the filter covers the KPI table, not the facts under it
    assert summary.auto_filter.ref == f"A1:E{len(sample_evaluation().summary_kpis()) + 1}"


def test_counts_have_no_trailing_dot(workbook: Any) -> None:
    for ws in workbook:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                assert "0.##" not in cell.number_format, (ws.title, cell.coordinate)
    counted = 0
    for row in workbook["KPIs"].iter_rows(min_row=2):
        if row[3].value in (None, "count") and isinstance(row[5].value, int):
            assert row[5].number_format == "#,##0", row[1].value
            counted += 1
    assert counted


def test_the_summary_sheet_says_stale_as_markdown_does(workbook: Any) -> None:
    ev = sample_evaluation()
    stale = {k.name for k in ev.summary_kpis() if k.stale}
    assert stale  # the sample has one
    comments = {
        r[0].value: r[-1].value for r in workbook["Summary"].iter_rows(min_row=2, max_col=5)
    }
    for name in stale:
        assert str(comments[name]).endswith(", stale"), name
    # the KPIs sheet has a column of its own for it: its status cells stay plain labels
    kpis = workbook["KPIs"]
    status = _header(kpis).index("Status")
    assert all("stale" not in str(r[status].value) for r in kpis.iter_rows(min_row=2))


def test_budget_figures_are_numbers_so_sums_work(workbook: Any) -> None:
    """The plan totals and line amounts were written as text under the Owner column."""
    lines = workbook["Budget lines"]
    assert _header(lines) == ["Line", "Planned", "Spent", "Remaining", "Used", "Spend forecast"]
    for row in lines.iter_rows(min_row=2):
        assert isinstance(row[2].value, int | float), row[0].value
        assert row[4].value is None or row[4].number_format == "0.0%"
    summary = workbook["Summary"]
    totals = {r[0].value: r for r in summary.iter_rows(min_row=2) if r[0].value}
    assert totals["Total budget"][1].value == 375000
    assert totals["Contingency reserve"][1].value == 45000
    assert totals["Contingency reserve"][2].value == pytest.approx(0.12)
    assert totals["Contingency reserve"][2].number_format == "0.0%"
    for ws in workbook:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    assert not cell.value.replace(",", "").replace(".", "").isdigit(), (
                        ws.title,
                        cell.coordinate,
                    )


def test_no_sheet_has_two_columns_with_one_header(workbook: Any) -> None:
    for ws in workbook:
        header = [h for h in _header(ws) if h is not None]
        assert len(header) == len(set(header)), ws.title


def test_column_widths_are_set(workbook: Any) -> None:
    widths = workbook["Tracking"].column_dimensions
    assert widths["A"].width >= 8
    assert widths["B"].width > widths["K"].width  # the SMART target is wider than a date
    assert workbook["Tracking"]["B2"].alignment.wrap_text


def test_status_fills_and_charts(workbook: Any) -> None:
    assert len(workbook["Tasks"].conditional_formatting) >= 1
    assert len(workbook["KPIs"]._charts) == 0  # attainment is charted on the Charts sheet
    assert len(workbook["Budget"]._charts) == 1
    assert len(workbook["Charts"]._charts) == 1


STATUS_FILL = {"on_track": "C6EFCE", "at_risk": "FFEB9C", "off_track": "FFC7CE"}


def _fill(cell: Any) -> str | None:
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    return str(fill.fgColor.rgb)[-6:]


def test_every_coloured_cell_agrees_with_the_status_of_its_row() -> None:
    """A formula KPI at 137 % of its pace line but 45 % attainment mid-campaign is on track:
    its attainment cell was filled red beside a green status."""
    ev = sample_evaluation()
    ahead = dataclasses.replace(
        ev.kpis[0], attainment=Decimal("0.45"), pace=Decimal("1.37"), status="on_track"
    )
    behind = dataclasses.replace(
        ev.kpis[1], attainment=Decimal("0.95"), pace=Decimal("0.5"), status="off_track"
    )
    ev = dataclasses.replace(ev, kpis=[ahead, behind, *ev.kpis[2:]])
    book = _load(render_xlsx(ev))
    kpis = book["KPIs"]
    for row, k in enumerate(ev.kpis, start=2):
        expected = STATUS_FILL.get(k.status)
        for col in ("G", "J", "L"):
            cell = kpis[f"{col}{row}"]
            if cell.value is not None:
                assert _fill(cell) == expected, (k.id, col, k.status)
    assert _fill(kpis["G2"]) == "C6EFCE"  # 45 % attainment, on track: green
    assert _fill(kpis["G3"]) == "FFC7CE"  # 95 % attainment, off track: red
    summary = book["Summary"]
    for row, k in enumerate(ev.summary_kpis(), start=2):
        for col in ("D", "E"):
            cell = summary[f"{col}{row}"]
            if cell.value is not None:
                assert _fill(cell) == STATUS_FILL.get(k.status), (k.id, col)
    assert not summary.conditional_formatting  # no rule of its own that could disagree


def test_charts_are_native_bar_charts() -> None:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(render_xlsx(sample_evaluation()))) as archive:
        charts = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        assert len(charts) == 2
        xml = "".join(archive.read(name).decode() for name in charts)
    assert xml.count("<barChart>") == 2
    assert "<f>'Budget'!$C$2:$C$3</f>" in xml  # budget and spend of the two modules
    # attainment of the four KPIs with a target and data, not of all six (two empty bars)
    assert "<f>'Charts'!$B$4:$B$7</f>" in xml


def test_attainment_chart_leaves_out_kpis_without_a_target_or_data() -> None:
    """The attainment chart drew all 22 KPI rows of the example, 12 of them empty bars."""
    from tests.render.test_excel_charts import category_ref, cells, charts_by_title, series

    ev = sample_evaluation()
    no_target = dataclasses.replace(ev.kpis[0], target=None, attainment=None, status="no_target")
    no_data = dataclasses.replace(ev.kpis[2], attainment=None, actual=None, status="no_data")
    ev = dataclasses.replace(ev, kpis=[no_target, ev.kpis[1], no_data, *ev.kpis[3:]])
    book = _load(render_xlsx(ev))
    chart = charts_by_title(book, "Charts")["Attainment by KPI"]
    # roi has no target now, the conversion rate no data; followers and reads had neither
    assert series(book, chart) == [("Attainment", [0.317189, 0.810811])]
    assert cells(book, category_ref(chart.series[0])) == ["Online sales", "Cost per new user"]
    assert book["Charts"]["B4"].number_format == "0.0%"


def test_daily_sheet_rows(workbook: Any) -> None:
    rows = list(workbook["Daily"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    assert rows[0][0] == "online.sales"
    assert rows[0][1] == "Online sales"
    assert rows[0][2].date().isoformat() == "2023-07-01"
    assert rows[0][3] == 250
    assert rows[1][3] == 250.25
    assert workbook["Daily"]["C2"].number_format == "yyyy-mm-dd"
    assert workbook["Daily"]["D2"].number_format == '"¥"#,##0.00'


def _hostile_evaluation() -> Any:
    ev = sample_evaluation(hostile=True)
    kpis = [
        dataclasses.replace(k, name=HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)], source="=1+2")
        for i, k in enumerate(ev.kpis)
    ]
    return dataclasses.replace(ev, kpis=kpis)


def test_text_from_plans_and_exports_never_becomes_a_formula() -> None:
    wb = _load(render_xlsx(_hostile_evaluation()))
    seen: set[str] = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    assert cell.data_type == "s"
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    seen.add(cell.value)
    assert HYPERLINK in seen
    assert "+cmd" in seen
    assert "=A1" in seen  # a daily KPI id
    assert {"@SUM(A1:A2)", "-2+3", "=1+2"} <= seen


def test_same_evaluation_gives_the_same_bytes() -> None:
    assert render_xlsx(sample_evaluation()) == render_xlsx(sample_evaluation())


def test_workbook_properties_are_fixed(workbook: Any) -> None:
    assert workbook.properties.creator == "mktplan"
    assert workbook.properties.created.isoformat() == "2023-07-31T00:00:00"
    assert workbook.properties.modified.isoformat() == "2023-07-31T00:00:00"


def test_empty_evaluation_still_has_every_sheet() -> None:
    ev = dataclasses.replace(
        sample_evaluation(), kpis=[], modules=[], alerts=[], actions=[], tracking=[], daily=[]
    )
    wb = _load(render_xlsx(ev))
    assert wb.sheetnames == SHEETS[:-1]  # no KPI, no chart: no Charts sheet
    assert wb["Daily"].max_row == 1


@pytest.mark.parametrize(("currency", "fmt"), [("USD", '"$"#,##0.00'), ("SEK", '#,##0.00 "SEK"')])
def test_money_format_follows_the_plan_currency(currency: str, fmt: str) -> None:
    assert money_format(currency) == fmt


def test_every_daily_row_is_written(tmp_path: Path) -> None:
    """Twenty thousand daily rows, each in the sheet (their speed, at 100,000 rows, is
    bench/run's `report-xlsx`, not a timed test)."""
    ev = sample_evaluation(daily_rows=20_000)
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(ev)), read_only=True)
    rows = list(wb["Daily"].iter_rows(values_only=True))
    assert len(rows) == 20_001
    assert rows[-1][0] == "brand.spend"
    assert rows[-1][3] == pytest.approx((1000 + 19_999) / 4)


# --- characters XML 1.0 forbids (issue 14, item 10) ---------------------------------------

XML_FORBIDDEN = "\uffff\ufffe\x01\x1b\x0b\ud800"
KEYS = {"status", "severity", "aggregation", "better", "cadence", "unit"}  # codes, not text


def _poisoned(value: Any) -> Any:
    """``value`` with every text field (plan, module, KPI and line names, notes, messages…)
    carrying characters that XML 1.0 forbids."""
    if isinstance(value, str):
        return f"{value}{XML_FORBIDDEN}x"
    if isinstance(value, list):
        return [_poisoned(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _poisoned(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in KEYS
        }
        return dataclasses.replace(value, **changes)
    return value


def test_characters_xml_forbids_never_reach_the_workbook() -> None:
    ev = _poisoned(sample_evaluation())
    book = _load(render_xlsx(ev))  # openpyxl refuses a sheet with such characters
    texts = [
        cell.value
        for ws in book
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]
    assert texts
    assert not [t for t in texts if set(t) & set(XML_FORBIDDEN)]
    facts = {row[0].value: row[1].value for row in book["Summary"].iter_rows() if row[0].value}
    assert facts["Plan"] == "Q3 sample plan\ufffd\ufffd\ufffdx"  # noncharacters → U+FFFD
    daily = book["Daily"]
    assert daily["A2"].value.endswith("\ufffd\ufffd\ufffdx")
    assert book.properties.title.startswith("q3-sample")


def test_an_export_note_with_a_noncharacter_gives_a_readable_workbook(tmp_path: Path) -> None:
    from tests.conftest import PLANS, run_cli

    plan = PLANS / "q3-2023-growth.yaml"
    export = tmp_path / "notes.csv"
    export.write_text(
        "date,kpi,value,channel,note\n2023-07-03,brand.topic_reads,10,weibo,bad\uffffday\x1b[2J\n",
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan, export, "--store", store, "-q").code == 0
    out = tmp_path / "r.xlsx"
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", store, "--out", out)
    assert result.code == 0, result.output
    book = _load(out.read_bytes())
    causes = [row[7].value for row in book["Tracking"].iter_rows(min_row=2)]
    assert any("bad\ufffdday[2J" in (c or "") for c in causes), causes


def test_channel_sheet_reads_its_column_specification(workbook: Any) -> None:
    """The By channel sheet was built by hand: its ROI was a plain number (2.5), not 1:2.5,
    and a column added to the specification did not reach it."""
    from mktplan.render import columns

    ws = workbook["By channel"]
    assert _header(ws) == CHANNEL_HEADERS
    assert len(_header(ws)) == len(columns.CHANNELS.shown("xlsx"))
    tmall = next(r for r in ws.iter_rows(min_row=2) if r[3].value == "tmall" and r[6].value)
    assert tmall[8].value == 2.5
    assert tmall[8].number_format == '"1:"0.0#'  # ROI as the teams write it, still a number
    assert tmall[0].value == "Online channel conversion"  # the module by its name
    plan_level = [r for r in ws.iter_rows(min_row=2) if r[1].value == "roi"]
    assert all(r[0].value == "(plan)" for r in plan_level)


# --- budget used coloured by overspend (issue 11) ------------------------------------------


def _rules(ws: Any) -> dict[str, list[tuple[str, str]]]:
    """Each conditional-format area of ``ws``: its (formula, fill colour) rules."""
    return {
        str(area.sqref): [(r.formula[0], str(r.dxf.fill.bgColor.rgb)[-6:]) for r in area.rules]
        for area in ws.conditional_formatting
    }


def test_budget_used_is_coloured_by_overspend_not_by_attainment() -> None:
    """A module at 120 % of its budget was green (≥ 90 %, the attainment colours). 31 of 92
    days elapsed: 31 ÷ 92 × (2 − 0.9) = 0.3706521739… → 0.370652173913 (twelve places, down) is
    the amber limit, 1 the red one."""
    ev = sample_evaluation()
    ev = dataclasses.replace(
        ev,
        plan=dataclasses.replace(ev.plan, time_elapsed=Decimal("0.336957")),
        modules=[
            dataclasses.replace(ev.modules[0], budget_used=Decimal("1.2")),
            dataclasses.replace(ev.modules[1], budget_used=Decimal("0.3")),
        ],
    )
    book = _load(render_xlsx(ev))
    budget = book["Budget"]
    assert budget["E1"].value == "Budget used"
    assert _rules(budget) == {
        "E2:E3": [
            ("AND(ISNUMBER(E2),E2>1)", "FFC7CE"),  # over budget: red
            ("AND(ISNUMBER(E2),E2>0.370652173913,E2<=1)", "FFEB9C"),  # ahead of the calendar
        ]
    }  # no green: spending little is no achievement
    lines = book["Budget lines"]
    assert lines["E1"].value == "Used"
    assert list(_rules(lines).values()) == list(_rules(budget).values())
    # without the time elapsed only overspend is marked
    plain = _load(render_xlsx(sample_evaluation()))
    assert list(_rules(plain["Budget"]).values()) == [[("AND(ISNUMBER(E2),E2>1)", "FFC7CE")]]


def test_budget_used_limits_follow_the_plan_threshold() -> None:
    from mktplan.render.excel import budget_used_limits

    plan = sample_evaluation().plan
    assert budget_used_limits(plan) == (Decimal(1), None)
    half = dataclasses.replace(
        plan, days_elapsed=15, days_total=30, time_elapsed=Decimal("0.5"), on_track=Decimal("0.8")
    )
    assert budget_used_limits(half) == (Decimal(1), Decimal("0.6"))  # 0.5 × 1.2
    # 23 of 30 days × 1.1 = 0.84333…: from the days, not from the rounded 0.766667 (0.843334
    # used is ahead of it, and amber)
    late = dataclasses.replace(half, days_elapsed=23, time_elapsed=Decimal("0.766667"))
    late = dataclasses.replace(late, on_track=Decimal("0.9"))
    assert budget_used_limits(late) == (Decimal(1), Decimal("0.843333333333"))


# --- differences of percentages in percent points (issue 11) -------------------------------


@pytest.mark.parametrize(
    ("lang", "signed", "plain"),
    [
        ("en", '+0.0" pt";-0.0" pt";0.0" pt"', '0.0" pt"'),
        ("zh", '+0.0" 个百分点";-0.0" 个百分点";0.0" 个百分点"', '0.0" 个百分点"'),
    ],
)
def test_changes_of_percent_kpis_are_points_as_markdown_writes_them(
    lang: str, signed: str, plain: str
) -> None:
    """A change of 11.01 % → 14.69 % was stored 0.0368 as 0.0%: "3.7%" beside Markdown's
    "+3.7 个百分点". Now the cell holds 3.68 points, shown "+3.7 pt" / "+3.7 个百分点"."""
    import datetime as dt

    from mktplan.evaluation import Change, PeriodValue

    ev = sample_evaluation()
    week = (dt.date(2023, 7, 25), dt.date(2023, 7, 31))
    rate = dataclasses.replace(
        ev.kpis[2],  # online.conversion_rate, unit %: target 5, actual 2.1
        period=PeriodValue(*week, Decimal("14.69")),
        previous_period=PeriodValue(dt.date(2023, 7, 18), dt.date(2023, 7, 24), Decimal("11.01")),
        change=Change(Decimal("3.68"), None),
        variance=Decimal("2.9"),  # 5 − 2.1
    )
    ev = dataclasses.replace(ev, kpis=[*ev.kpis[:2], rate, *ev.kpis[3:]])
    book = _load(render_xlsx(ev, lang))
    period = book.worksheets[9]
    row = next(r for r in period.iter_rows(min_row=2) if r[2].value == "online.conversion_rate")
    assert (row[3].value, row[3].number_format) == (pytest.approx(0.1101), "0.0%")
    assert (row[4].value, row[4].number_format) == (pytest.approx(0.1469), "0.0%")
    assert (row[5].value, row[5].number_format) == (pytest.approx(3.68), signed)
    kpis = book.worksheets[2]
    row = next(r for r in kpis.iter_rows(min_row=2) if r[1].value == "online.conversion_rate")
    assert (row[7].value, row[7].number_format) == (pytest.approx(2.9), plain)  # variance
    assert (row[5].value, row[5].number_format) == (pytest.approx(0.021), "0.0%")  # actual


# --- the Summary sheet opens with what the Markdown report opens with (issue 11) -----------


def _summarised(lang: str) -> Any:
    """The sample with a summary, a stale source and a changed target, 31 of 92 days in."""
    import datetime as dt

    from mktplan.evaluation import DataIssue, PlanChange, ReportSummary

    ev = sample_evaluation()
    summary = ReportSummary(
        graded=4,
        on_track=1,
        gap=None,
        spent=Decimal("90000"),
        budget=Decimal("330000"),
        budget_used=Decimal("0.272727"),  # 90,000 ÷ 330,000
        time_elapsed=Decimal("0.336957"),  # 31 ÷ 92
        spend_forecast=None,
        overspend=None,
    )
    ev = dataclasses.replace(
        ev,
        plan=dataclasses.replace(ev.plan, time_elapsed=Decimal("0.336957")),
        summary=summary,
        data_issues=[DataIssue("stale", "finance ledger", dt.date(2023, 7, 20), 1, 11)],
        plan_changes=[
            PlanChange(
                "kpi", "online.sales", "target", Decimal(1000000), Decimal(1300000), Decimal(300000)
            )
        ],
    )
    return ev, _load(render_xlsx(ev, lang))


def _under_table(ws: Any, table_rows: int) -> list[tuple[Any, ...]]:
    """The Summary sheet's rows under its table (and the empty row after it), trailing
    empty cells dropped."""
    rows = []
    for row in ws.iter_rows(min_row=table_rows + 3, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
    return rows


def test_summary_sheet_has_the_summary_banner_plan_changes_and_one_block_of_facts() -> None:
    import datetime as dt

    ev, book = _summarised("en")
    ws = book["Summary"]
    n = len(ev.summary_kpis())
    assert ws.auto_filter.ref == f"A1:E{n + 1}"  # the filter covers the table only
    assert _under_table(ws, n) == [
        ("As of 2023-07-31, 1 of 4 KPIs are on track.",),
        ("Spent 90,000.00 of 330,000.00 CNY (27.3%) with 33.7% of the time elapsed.",),
        (),
        ("Data quality",),
        (
            "source finance ledger: no new data since 2023-07-20 (11 days before as-of), "
            "1 KPI(s) stale",
        ),
        (),
        ("Plan changes this period",),
        ("kpi online.sales: target 1,000,000 → 1,300,000 (+300,000)",),
        (),
        ("Item", "Value"),
        ("Plan id", "q3-sample"),
        ("Plan", "Q3 sample plan"),
        ("Owner", "Chen Jing"),
        ("Period", "2023-07-01 – 2023-09-30"),
        ("As of", dt.datetime(2023, 7, 31)),
        ("Days elapsed", "31 / 92"),
        ("Time elapsed", 0.336957),
        ("Tracking cycle", "weekly"),
        ("Currency", "CNY"),
        ("Total budget", 375000),
        ("Contingency reserve", 45000, 0.12, "Reserve share"),
        ("Allocated to modules", 280000),
        ("Spent", 100002, 0.303036, "of the budget less the reserve"),  # 100,002 ÷ 330,000
        ("Remaining (reserve included)", 274998),  # 375,000 − 100,002
    ]
    facts = {r[0].value: r for r in ws.iter_rows(min_row=n + 3) if r[0].value}
    assert facts["Time elapsed"][1].number_format == "0.0%"  # a real percentage: 33.7%
    assert facts["As of"][1].number_format == "yyyy-mm-dd"
    assert facts["Spent"][1].number_format == '"¥"#,##0.00'
    assert facts["Spent"][2].number_format == "0.0%"
    assert facts["Item"][0].font.b
    assert facts["Data quality"][0].font.b


def test_summary_sheet_sentences_are_the_markdown_reports_in_chinese() -> None:
    from mktplan.i18n import summary_sentences
    from mktplan.render import numbers
    from mktplan.render.text import plan_change_line
    from mktplan.render.weekly import data_issue_text

    ev, book = _summarised("zh")
    ws = book["效果评估"]
    rows = _under_table(ws, len(ev.summary_kpis()))
    assert rows[:8] == [
        ("截至2023-07-31，4个指标中1个正常。",),
        ("预算已花费9.00 万 / 33.00 万 CNY（27.3%），时间进度33.7%。",),
        (),
        ("数据质量",),
        (
            "数据来源 finance ledger：自 2023-07-20 起无新数据（截至日期前 11 天），1 个指标数据过期",
        ),
        (),
        ("本期计划变更",),
        ("关键指标 online.sales：目标值 100 万 → 130 万（+30 万）",),
    ]
    shown = numbers.style("zh")  # the same functions write the Markdown report's lines
    assert [r[0] for r in rows[:2]] == summary_sentences(ev, "zh", shown)
    assert rows[4][0] == data_issue_text(ev.data_issues[0], "zh")
    assert rows[7][0] == plan_change_line(ev.plan_changes[0], "zh", shown)
    assert ("时间进度", 0.336957) in rows


def test_full_width_formula_starts_keep_their_quote_prefix() -> None:
    # Excel in a Chinese locale reads ＝ typed into a cell as =: without the quote prefix,
    # editing the cell turned ＝HYPERLINK(...) into a live formula
    texts = ('＝HYPERLINK("http://evil.example","x")', "＋1+1", "－1+1", "＠SUM(A1:A2)")
    ev = sample_evaluation()
    kpis = [dataclasses.replace(k, name=texts[i % len(texts)]) for i, k in enumerate(ev.kpis)]
    wb = _load(render_xlsx(dataclasses.replace(ev, kpis=kpis)))
    seen: set[str] = set()
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "＝＋－＠":
                    assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
                    seen.add(cell.value)
    assert set(texts) <= seen
