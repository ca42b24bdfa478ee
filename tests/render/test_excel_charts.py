"""The workbook's native charts, read back with openpyxl: each series references cells of
the workbook, and those cells hold the numbers worked out by hand in test_weekly_report.py
(GMV: cumulative 600 then 1,000 against the curve's 700 and 1,400, forecast 1,914.29 at
06-30; spend 400 then 800 against 9,000; week 1 against week 2)."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.render.ingested import ingested_plan
from tests.render.test_weekly_report import DATA, PLAN


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_plan(tmp_path_factory.mktemp("charts"), PLAN, DATA)


def workbook(plan: Path, tmp_path: Path, lang: str) -> Any:
    out = tmp_path / f"r.{lang}.xlsx"
    result = run_cli("report", plan, "--as-of", "2024-06-14", "--out", out, "--lang", lang)
    assert result.code == 0, result.output
    return openpyxl.load_workbook(out)


def text(title: Any) -> str:
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def category_ref(s: Any) -> str:
    return str((s.cat.numRef or s.cat.strRef).f)


def cells(wb: Any, ref: str) -> list[Any]:
    """The values of a chart reference such as 'Charts'!$B$4:$B$6."""
    sheet, area = ref.rsplit("!", 1)
    ws = wb[sheet.strip("'")]
    found = ws[area.replace("$", "")]
    if not isinstance(found, tuple):
        return [found.value]
    return [c.value for row in found for c in (row if isinstance(row, tuple) else (row,))]


def series(wb: Any, chart: Any) -> list[tuple[str, list[Any]]]:
    """Every series of a (possibly combined) chart: its name and its values."""
    return [
        (cells(wb, s.tx.strRef.f)[0], cells(wb, s.val.numRef.f))
        for part in chart._charts
        for s in part.series
    ]


def charts_by_title(wb: Any, sheet: str) -> dict[str, Any]:
    return {text(c.title): c for c in wb[sheet]._charts}


def test_burn_up_spend_and_period_charts_read_cells_with_the_right_numbers(
    plan: Path, tmp_path: Path
) -> None:
    wb = workbook(plan, tmp_path, "en")
    assert wb.sheetnames[-1] == "Charts"
    charts = charts_by_title(wb, "Charts")
    # GMV is the only plan-level KPI with a target; Sales and Conversion are summary KPIs
    assert list(charts) == [
        "Attainment by KPI",
        "GMV",
        "Spend burn",
        "This period vs the previous one (CNY)",
        "This period vs the previous one (%)",
    ]
    gmv = charts["GMV"]
    assert [type(part).__name__ for part in gmv._charts] == ["BarChart", "LineChart"]
    assert series(wb, gmv) == [
        ("actual to date", [600, 1000, None]),
        ("target curve", [700, 1400, 3000]),
        ("forecast", [600, 1000, pytest.approx(1914.285714)]),
    ]
    assert cells(wb, category_ref(gmv.series[0])) == ["06-07", "06-14", "06-30"]
    assert text(gmv.x_axis.title) == "End"
    assert text(gmv.y_axis.title) == "CNY"
    assert series(wb, charts["Spend burn"]) == [
        ("spent to date", [400, 800]),
        ("budget less reserve", [9000, 9000]),
    ]
    money = charts["This period vs the previous one (CNY)"]
    assert series(wb, money) == [
        ("Previous period week 1 (06-01 – 06-07)", [600, 600]),
        ("This period week 2 (06-08 – 06-14)", [400, 400]),
    ]
    assert cells(wb, category_ref(money.series[0])) == ["GMV", "Sales"]
    # 60 ÷ 2,000 = 3 % and 25 ÷ 1,000 = 2.5 %, as Excel percentages
    assert series(wb, charts["This period vs the previous one (%)"]) == [
        ("Previous period week 1 (06-01 – 06-07)", [0.03]),
        ("This period week 2 (06-08 – 06-14)", [0.025]),
    ]
    # GMV 1,000 of 3,000, Sales 1,000 of 3,000, Conversion 85 ÷ 3,000 = 2.833333 % of 5 %;
    # Visits, Orders and Spend have no target: no bar
    attainment = charts["Attainment by KPI"]
    assert series(wb, attainment) == [
        ("Attainment", [pytest.approx(0.333333), pytest.approx(0.333333), pytest.approx(0.566667)])
    ]
    assert cells(wb, category_ref(attainment.series[0])) == ["GMV", "Sales", "Conversion"]
    for chart in charts.values():
        assert chart.width >= 15
        assert chart.height >= 7.5


def test_chart_titles_and_axes_are_in_chinese(plan: Path, tmp_path: Path) -> None:
    wb = workbook(plan, tmp_path, "zh")
    charts = charts_by_title(wb, "图表")
    assert list(charts) == [
        "各指标达成率",
        "GMV",
        "花费进度",
        "本期与上期对比 (CNY)",
        "本期与上期对比 (%)",
    ]
    assert [name for name, _ in series(wb, charts["GMV"])] == ["累计实际", "目标曲线", "预测值"]
    assert text(charts["GMV"].x_axis.title) == "结束时间"
    spend = charts_by_title(wb, "预算")["各模块花费与预算"]
    assert text(spend.x_axis.title) == "策略模块"
    names = [name for name, _ in series(wb, spend)]
    assert names == ["预算", "花费"]
    assert [values for _, values in series(wb, spend)] == [[9000], [800]]


def test_charts_do_not_overlap_the_next_block(plan: Path, tmp_path: Path) -> None:
    wb = workbook(plan, tmp_path, "en")
    anchors = sorted(c.anchor._from.row for c in wb["Charts"]._charts)  # 0-based rows
    for upper, lower in itertools.pairwise(anchors):
        assert (lower - upper) * 0.53 >= 9.0  # a 9 cm chart ends before the next one starts


def test_kpis_without_data_get_no_chart(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    wb_path = tmp_path / "r.xlsx"
    result = run_cli("report", path, "--as-of", "2024-06-14", "--out", wb_path, "--allow-empty")
    assert result.code == 0, result.output
    wb = openpyxl.load_workbook(wb_path)
    assert "Charts" not in wb.sheetnames  # no data, no chart to draw


def test_this_period_vs_last_compares_at_most_eight_kpis() -> None:
    """A plan of 2,000 KPIs drew one bar pair each: a chart 2,000 cm tall."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from mktplan.evaluation import PeriodValue
    from mktplan.render.excel_charts import chart_blocks
    from tests.render.sample import sample_evaluation

    ev = sample_evaluation()
    week = PeriodValue(dt.date(2023, 7, 25), dt.date(2023, 7, 31), Decimal(5))
    before = PeriodValue(dt.date(2023, 7, 18), dt.date(2023, 7, 24), Decimal(4))
    kpis = [
        dataclasses.replace(
            ev.kpis[1],
            id=f"online.k{i}",
            name=f"K{i}",
            label=f"K{i}",
            period=week,
            previous_period=before,
        )
        for i in range(12)
    ]
    blocks = chart_blocks(dataclasses.replace(ev, kpis=kpis), "en")
    compared = [b for b in blocks if b.title.startswith("This period")]
    assert [r[0] for b in compared for r in b.rows] == [f"K{i}" for i in range(8)]


def test_this_period_vs_last_compares_only_kpis_with_data_in_both_periods() -> None:
    """A KPI with data in one period only drew a lone bar beside a gap."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from mktplan.evaluation import PeriodValue
    from mktplan.render.excel_charts import chart_blocks
    from tests.render.sample import sample_evaluation

    ev = sample_evaluation()
    this = PeriodValue(dt.date(2023, 7, 25), dt.date(2023, 7, 31), Decimal(5))
    last = PeriodValue(dt.date(2023, 7, 18), dt.date(2023, 7, 24), Decimal(4))
    gap = PeriodValue(dt.date(2023, 7, 18), dt.date(2023, 7, 24), None)
    sales = ev.kpis[1]  # online.sales, CNY, in the evaluation table
    kpis = [
        dataclasses.replace(
            sales, id="online.both", name="Both", label="Both", period=this, previous_period=last
        ),
        dataclasses.replace(sales, id="online.now", name="Now only", label="Now only", period=this),
        dataclasses.replace(
            sales, id="online.gap", name="Gap", label="Gap", period=this, previous_period=gap
        ),
        dataclasses.replace(
            sales, id="online.was", name="Was only", label="Was only", previous_period=last
        ),
    ]
    blocks = chart_blocks(dataclasses.replace(ev, kpis=kpis), "en")
    compared = [b for b in blocks if b.title.startswith("This period")]
    assert [r for b in compared for r in b.rows] == [["Both", Decimal(4), Decimal(5)]]


def _with_roi_trend() -> Any:
    """The sample with its plan-level ROI (target 3) reported in two weeks: 1:2.5 then 1:3.5
    (cumulative 1:3), so it gets a burn-up chart and a this-vs-last chart of ratios."""
    import dataclasses
    import datetime as dt
    from decimal import Decimal

    from mktplan.evaluation import Change, PeriodValue
    from tests.render.sample import sample_evaluation

    ev = sample_evaluation()
    last = PeriodValue(dt.date(2023, 7, 18), dt.date(2023, 7, 24), Decimal("2.5"), Decimal("2.5"))
    this = PeriodValue(dt.date(2023, 7, 25), dt.date(2023, 7, 31), Decimal("3.5"), Decimal(3))
    roi = dataclasses.replace(
        ev.kpis[0], trend=[last, this], previous_period=last, period=this, change=Change(1, None)
    )
    return dataclasses.replace(ev, kpis=[roi, *ev.kpis[1:]])


def test_units_and_ratios_read_in_the_report_language() -> None:
    """A Chinese workbook titled a chart "本期与上期对比 (ratio)" with a y-axis "ratio", its
    单位 column said count and ratio, and the ROI axis read 2.50 where the cells say 1:2.5."""
    import io

    from mktplan.render.excel import render_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(_with_roi_trend(), "zh")))
    charts = charts_by_title(wb, "图表")
    compared = charts["本期与上期对比 (比值)"]
    assert text(compared.y_axis.title) == "比值"
    assert compared.y_axis.numFmt.formatCode == '"1:"0.0#'
    assert [values for _, values in series(wb, compared)] == [[2.5], [3.5]]
    burnup = charts["Return on marketing spend"]
    assert text(burnup.y_axis.title) == "比值"
    assert burnup.y_axis.numFmt.formatCode == '"1:"0.0#'
    ratios = [c for row in wb["图表"].iter_rows() for c in row if c.value in (2.5, 3.5)]
    assert ratios
    assert {c.number_format for c in ratios} == {'"1:"0.0#'}  # 1:2.5, 1:3.5
    kpis = wb["关键指标"]
    assert kpis["D1"].value == "单位"
    units = {row[1].value: row[3].value for row in kpis.iter_rows(min_row=2)}
    assert units == {
        "roi": "比值",
        "online.sales": "CNY",
        "online.conversion_rate": "%",
        "offline.cac": "CNY",
        "brand.followers": "数量",
        "brand.reads": "数量",
    }


def test_units_keep_their_english_names_in_english() -> None:
    import io

    from mktplan.render.excel import render_xlsx

    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(_with_roi_trend(), "en")))
    compared = charts_by_title(wb, "Charts")["This period vs the previous one (ratio)"]
    assert text(compared.y_axis.title) == "ratio"
    assert compared.y_axis.numFmt.formatCode == "#,##0.00"  # 1:X is the Chinese style
    assert [row[3].value for row in wb["KPIs"].iter_rows(min_row=2)] == [
        "ratio",
        "CNY",
        "%",
        "CNY",
        "count",
        "count",
    ]


@pytest.mark.parametrize(
    ("unit", "en", "zh"),
    [
        ("count", "count", "数量"),
        ("ratio", "ratio", "比值"),
        ("%", "%", "%"),
        ("pct", "%", "%"),
        ("CNY", "CNY", "CNY"),
        ("人", "人", "人"),  # the plan's own word, as written
        (None, "", ""),
    ],
)
def test_unit_label(unit: str | None, en: str, zh: str) -> None:
    from mktplan.render.numbers import unit_label

    assert (unit_label(unit, "en"), unit_label(unit, "zh")) == (en, zh)
