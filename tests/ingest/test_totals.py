"""Totals and subtotal rows never become data and never make a file fail."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.ingest.cells import is_totals_label
from mktplan.store import Store
from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan

QIANCHUAN = (
    "日期,计划名称,消耗,成交金额,点击\n"
    "2025-10-21,计划A,100.50,300,10\n"
    "2025-10-21,计划B,50,200,5\n"
    "2025-10-21,合计,150.50,500,15\n"
    "2025-10-22,计划A,10,30,1\n"
    "合计,,10,30,1\n"
)


def test_a_totals_row_after_each_day_is_skipped_not_stored_as_a_channel(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "qc.csv", QIANCHUAN)
    run = run_cli("ingest", plan, export, "--source", "qianchuan", "--store", store)
    assert run.code == 0, run.output
    values = stored(store)
    assert values[("ads.spend", "2025-10-21", "计划A")] == Decimal("100.5")
    assert sum(v for (k, d, _), v in values.items() if k == "ads.spend") == Decimal("160.5")
    assert not any(channel == "合计" for _, _, channel in values)
    assert "3 rows read" in run.stdout
    assert "skipped line 4: a totals row (计划名称: '合计')" in run.stdout
    assert "skipped line 6: a totals row (日期: '合计')" in run.stdout
    log = run_cli("log", plan, "--store", store, "--format", "json")
    [file] = json.loads(log.stdout)["runs"][0]["files"]
    assert [(s["first_line"], s["reason"]) for s in file["skipped"]] == [
        (4, "a totals row (计划名称: '合计')"),
        (6, "a totals row (日期: '合计')"),
    ]
    text_log = run_cli("log", plan, "--store", store)
    assert "skipped line 4" in text_log.stdout


def test_google_total_rows_including_subtotals_are_skipped(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "g.csv",
        "Day,Campaign,Cost,Clicks\n"
        "2025-10-01,Search | Brand,12.00,3\n"
        "2025-10-01,Totally Fit,8.00,2\n"
        "Total: Search,,12.00,3\n"
        "Total: Account,,20.00,5\n"
        "2025-10-02,GRAND TOTAL,99,9\n"
        "2025-10-02,Summary,99,9\n",
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", "Search | Brand"): Decimal(12),
        ("ads.clicks", "2025-10-01", "Search | Brand"): Decimal(3),
        ("ads.spend", "2025-10-01", "Totally Fit"): Decimal(8),
        ("ads.clicks", "2025-10-01", "Totally Fit"): Decimal(2),
    }
    assert run.stdout.count("a totals row") == 4


@pytest.mark.parametrize(
    ("label", "is_total"),
    [
        ("Total", True),
        ("Totals", True),
        ("total:", True),
        ("Total: Demand Gen", True),
        ("Grand total", True),
        ("SUMMARY", True),
        ("合计", True),
        ("总计:", True),
        ("小计(华东)", True),
        ("汇总", True),
        ("TOTALS", True),
        ("Total - Search", True),
        ("Total – Search", True),
        ("total (all campaigns)", True),
        ("合计（含税）", True),
        ("汇总：全部", True),
        ("總計", True),
        ("  Total  ", True),
        ("Totally Fit", False),
        ("Total Wine & More - Search", False),
        ("Summary Sale 2025", False),
        ("Summary Sale Campaign", False),
        ("合计金额", False),
        ("Subtotal", True),
        ("Subtotal: Search", True),
        ("Sub-total (East)", True),
        ("Summer", False),
        ("天猫", False),
    ],
)
def test_totals_labels(label: str, is_total: bool) -> None:
    assert is_totals_label(label) is is_total


# Excel's Data > Subtotal on a daily report: a "<group> 汇总" row below each group and 总计
EXCEL_SUBTOTALS = (
    "日期,计划名称,消耗,成交金额,点击\n"
    "2025-10-21,搜索,100.50,300,10\n"
    "2025-10-22,搜索,50,200,5\n"
    ",搜索 汇总,150.50,500,15\n"
    "2025-10-21,信息流,10,30,1\n"
    ",信息流汇总,10,30,1\n"
    "2025-10-21,Search,1,1,1\n"
    "2025-10-21,Search Total,1,1,1\n"
    "2025-10-21,Colgate Total,7,7,7\n"
    ",总计,161.50,531,17\n"
)


def test_excel_subtotal_rows_are_skipped_not_stored_as_channels(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "subtotals.csv", EXCEL_SUBTOTALS)
    run = run_cli("ingest", plan, export, "--source", "qianchuan", "--store", store)
    assert run.code == 0, run.output
    values = stored(store)
    spend = {(d, c): v for (k, d, c), v in values.items() if k == "ads.spend"}
    assert spend == {
        ("2025-10-21", "搜索"): Decimal("100.5"),
        ("2025-10-22", "搜索"): Decimal(50),
        ("2025-10-21", "信息流"): Decimal(10),
        ("2025-10-21", "Search"): Decimal(1),
        # no "Colgate" row beside it: a campaign's name, not a subtotal
        ("2025-10-21", "Colgate Total"): Decimal(7),
    }
    assert "skipped line 4: a totals row (计划名称: '搜索 汇总')" in run.stdout
    assert "skipped line 8: a totals row (计划名称: 'Search Total')" in run.stdout


def test_campaigns_named_like_a_label_stay_data(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "tw.csv",
        "Day,Campaign,Cost,Clicks\n"
        "2025-10-01,Brand,10,1\n"
        "2025-10-01,Total Wine & More - Search,25,4\n"
        "2025-10-01,Summary Sale 2025,7,2\n"
        "2025-10-01,Total: Search,42,7\n",
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    values = stored(store)
    assert values[("ads.spend", "2025-10-01", "Total Wine & More - Search")] == Decimal(25)
    assert values[("ads.spend", "2025-10-01", "Summary Sale 2025")] == Decimal(7)
    assert sum(v for (k, _, _), v in values.items() if k == "ads.spend") == Decimal(42)
    assert run.stdout.count("a totals row") == 1


META = (
    "Reporting starts,Ad name,Amount spent (CNY),Reach,Link clicks\n"
    "2025-10-05,,30.50,900,7\n"  # Meta's summary row: names empty, reach de-duplicated
    "2025-10-05,Ad one,10.25,500,3\n"
    "2025-10-05,Ad two,20.25,600,4\n"
    "2025-10-06,Ad one,1,1,1\n"
)


@pytest.mark.parametrize("source", ["meta", "meta_no_names"])
def test_meta_summary_row_is_skipped_not_doubled(tmp_path: Path, source: str) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "meta.csv", META)
    run = run_cli("ingest", plan, export, "--source", source, "--store", store)
    assert run.code == 0, run.output
    values = stored(store)
    spend = sum(v for (k, d, _), v in values.items() if k == "ads.spend" and d == "2025-10-05")
    reach = sum(v for (k, d, _), v in values.items() if k == "ads.reach" and d == "2025-10-05")
    assert (spend, reach) == (Decimal("30.5"), Decimal(1100))
    assert "skipped line 2: a summary row" in run.stdout


@pytest.mark.parametrize("source", ["meta", "meta_no_names"])
def test_a_summary_row_whose_day_has_a_refused_cell_is_still_skipped(
    tmp_path: Path, source: str
) -> None:
    # with --skip-invalid, Ad two's clicks (#REF!) are refused: the clicks of the others are
    # then not known, so the summary row is told by its spend and reach alone, and skipped
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "meta.csv", META.replace("20.25,600,4", "20.25,600,#REF!"))
    run = run_cli("ingest", plan, export, "--source", source, "--skip-invalid", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 2: a summary row" in run.stdout
    values = stored(store)
    day = [(k, v) for (k, d, _), v in values.items() if d == "2025-10-05"]
    assert sum(v for k, v in day if k == "ads.spend") == Decimal("30.5")
    assert sum(v for k, v in day if k == "ads.clicks") == Decimal(3)
    rejects = (tmp_path / "meta.rejects.csv").read_text(encoding="utf-8-sig")
    assert "#REF!" in rejects
    assert rejects.count("\n") == 2  # the header and the refused cell, not the summary row


def test_a_row_with_empty_names_that_is_no_sum_is_kept(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "meta.csv",
        "Reporting starts,Ad name,Amount spent (CNY),Reach,Link clicks\n"
        "2025-10-05,,5,900,7\n"  # unnamed, but not the sum of the others
        "2025-10-05,Ad one,10.25,500,3\n"
        "2025-10-05,Ad two,20.25,600,4\n",
    )
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-05", "")] == Decimal(5)
    assert "skipped" not in run.stdout


def test_an_unnamed_row_whose_money_is_below_the_sum_is_kept(tmp_path: Path) -> None:
    # an unattributed sale of 5.00 beside 10.25 and 20.25 whose reach and clicks match the
    # others' sums by chance: money is never de-duplicated, so it is no summary row
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "meta.csv",
        "Reporting starts,Ad name,Amount spent (CNY),Reach,Link clicks\n"
        "2025-10-05,,5,1100,7\n"
        "2025-10-05,Ad one,10.25,500,3\n"
        "2025-10-05,Ad two,20.25,600,4\n",
    )
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-05", "")] == Decimal(5)
    assert "skipped" not in run.stdout


@pytest.mark.parametrize("summary", ["30.49", "30.50", "30.51"])
def test_a_summary_row_whose_money_is_off_by_rounding_is_still_skipped(
    tmp_path: Path, summary: str
) -> None:
    # ads rounded to cents each: the summary's spend may differ from their sum by half a
    # cent a row either way (30.50 for 10.25 + 20.25), its counts equal
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "meta.csv", META.replace("30.50,900,7", f"{summary},1100,7"))
    run = run_cli("ingest", plan, export, "--source", "meta", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 2: a summary row" in run.stdout
    values = stored(store)
    spend = sum(v for (k, d, _), v in values.items() if k == "ads.spend" and d == "2025-10-05")
    assert spend == Decimal("30.5")


def test_a_file_of_one_totals_row_is_not_refused(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "qc.csv", "日期,计划名称,消耗,成交金额,点击\n2025-10-21,合计,1,2,3\n")
    run = run_cli("ingest", plan, export, "--source", "qianchuan", "--store", store)
    assert run.code == 0, run.output
    assert "0 rows read" in run.stdout
    assert stored(store) == {}


def test_long_format_totals_rows_are_skipped(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "long.csv",
        "date,kpi,value,channel\n"
        "2025-10-01,ads.spend,5,天猫\n"
        "2025-10-01,合计,5,\n"
        "2025-10-01,ads.spend,7,小计\n"
        "Total,ads.spend,12,\n",
    )
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {("ads.spend", "2025-10-01", "天猫"): Decimal(5)}
    assert run.stdout.count("a totals row") == 3


def test_a_ledger_invoice_equal_to_the_others_of_its_day_is_no_summary_row(
    tmp_path: Path,
) -> None:
    # a row with a ref (an invoice number) names a document: it is data even when its amount
    # happens to be the sum of the day's other invoices
    ledger = PLAN + (
        "  ledger:\n    date: 日期\n    module: ads\n    ref: 发票号\n    columns: {花费: spend}\n"
    )
    plan, store = write_plan(tmp_path, ledger), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "ledger.csv",
        "日期,发票号,花费\n2025-10-01,INV-1,100\n2025-10-01,INV-2,50\n2025-10-01,INV-3,150\n",
    )
    run = run_cli("ingest", plan, export, "--source", "ledger", "--store", store)
    assert run.code == 0, run.output
    assert "skipped" not in run.stdout
    with Store.open(store) as opened:
        refs = {(s.observation.ref, s.observation.value) for s in opened.observations("shapes")}
    assert refs == {("INV-1", 100), ("INV-2", 50), ("INV-3", 150)}


# --- unlabelled summary rows: only rows with every name cell empty ------------------------

EXTRA_SOURCES = """\
  meta_note:                       # Meta by ad, the ad name kept as a note, no channel
    date: Reporting starts
    module: ads
    note: Ad name
    columns: {Amount spent (CNY): spend, Impressions: reach, Link clicks: clicks}
  google_days:                     # Google Ads by day, no channel
    date: Day
    module: ads
    columns: {Cost: spend, Clicks: clicks}
"""


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ("plain", "date,spend\n2025-10-01,100\n2025-10-02,200\n2025-10-03,300\n"),
        (
            "spend_sales",
            "date,spend,sales\n2025-10-01,100,10\n2025-10-02,200,25\n2025-10-03,300,30\n",
        ),
    ],
)
def test_a_dated_row_of_a_file_without_names_is_data_even_when_it_is_the_sum(
    tmp_path: Path, source: str, text: str
) -> None:
    # 300 = 100 + 200, but the row is named by its date: a day's figure, never a summary
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    run = run_cli(
        "ingest", plan, write(tmp_path, "d.csv", text), "--source", source, "--store", store
    )
    assert run.code == 0, run.output
    assert "3 rows read" in run.stdout
    assert "skipped" not in run.stdout
    assert stored(store)[("ads.spend", "2025-10-03", "")] == Decimal(300)
    assert sum(v for (k, _, _), v in stored(store).items() if k == "ads.spend") == Decimal(600)


def test_an_undated_unnamed_row_that_sums_the_file_is_a_summary_row(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "d.csv", "date,spend\n2025-10-01,100\n2025-10-02,200\n,300\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 4: a summary row" in run.stdout
    assert sum(stored(store).values()) == Decimal(300)


def test_a_named_row_is_data_when_the_name_is_only_a_note(tmp_path: Path) -> None:
    # Ad3's 10.00 / 90 / 3 equal Ad1 + Ad2 of its day, but Ad3 names an ad
    plan, store = write_plan(tmp_path, PLAN + EXTRA_SOURCES), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "meta5.csv",
        "Reporting starts,Ad name,Campaign name,Amount spent (CNY),Impressions,Link clicks\n"
        "2025-10-01,Ad1,C1,10.00,100,3\n"
        "2025-10-01,Ad2,C1,0,0,0\n"
        "2025-10-01,Ad3,C2,10.00,90,3\n"
        "2025-10-02,Ad1,C1,7.00,70,2\n",
    )
    run = run_cli("ingest", plan, export, "--source", "meta_note", "--store", store)
    assert run.code == 0, run.output
    assert "4 rows read" in run.stdout
    assert "skipped" not in run.stdout
    values = stored(store)
    assert values[("ads.spend", "2025-10-01", "")] == Decimal(20)
    assert values[("ads.reach", "2025-10-01", "")] == Decimal(190)
    assert values[("ads.clicks", "2025-10-01", "")] == Decimal(6)


def test_meta_summary_row_with_a_shared_setting_filled_is_still_skipped(tmp_path: Path) -> None:
    # as in Meta's .xlsx: the summary row's names are empty, but its attribution setting (the
    # same in every row, so it names nothing) and its dates are filled (a day: a row of a
    # longer span is refused, see test_dates)
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "meta.csv",
        "Reporting starts,Reporting ends,Ad name,Ad delivery,Attribution setting,"
        "Amount spent (CNY),Reach,Link clicks\n"
        "2025-10-05,2025-10-05,,,7-day click,30.50,900,7\n"
        "2025-10-05,2025-10-05,Ad one,active,7-day click,10.25,500,3\n"
        "2025-10-05,2025-10-05,Ad two,inactive,7-day click,20.25,600,4\n",
    )
    run = run_cli("ingest", plan, export, "--source", "meta_no_names", "--store", store)
    assert run.code == 0, run.output
    assert "skipped line 2: a summary row" in run.stdout
    values = stored(store)
    assert values[("ads.spend", "2025-10-05", "")] == Decimal("30.5")
    assert values[("ads.reach", "2025-10-05", "")] == Decimal(1100)


# --- a totals label in the first column -----------------------------------------------------

GOOGLE_DAYS = (
    "Campaign report\n"
    '"October 1, 2025 - October 2, 2025"\n'
    "Campaign status,Campaign,Day,Currency code,Cost,Clicks\n"
    "Enabled,Search | Brand,2025-10-01,CNY,12.00,3\n"
    "Enabled,Display,2025-10-02,CNY,8.00,2\n"
    "Total: Campaigns, --, --,CNY,20.00,5\n"
    "Total: Account,,,CNY,20.00,5\n"
    "Total: Search,,,CNY,12.00,3\n"
    "Total: Display,,,CNY,8.00,2\n"
)


@pytest.mark.parametrize("source", ["google", "google_days"])
def test_google_total_rows_labelled_in_the_first_column_are_skipped(
    tmp_path: Path, source: str
) -> None:
    plan, store = write_plan(tmp_path, PLAN + EXTRA_SOURCES), tmp_path / "s.sqlite"
    export = write(tmp_path, "gday.csv", GOOGLE_DAYS)
    run = run_cli("ingest", plan, export, "--source", source, "--store", store)
    assert run.code == 0, run.output
    assert "2 rows read" in run.stdout
    assert sum(v for (k, _, _), v in stored(store).items() if k == "ads.spend") == Decimal(20)
    assert sum(v for (k, _, _), v in stored(store).items() if k == "ads.clicks") == Decimal(5)
    assert "skipped line 6: a totals row (Campaign status: 'Total: Campaigns')" in run.stdout
    log = run_cli("log", plan, "--store", store, "--format", "json")
    [file] = json.loads(log.stdout)["runs"][0]["files"]
    totals = [s["first_line"] for s in file["skipped"] if "totals row" in s["reason"]]
    assert totals == [6, 7, 8, 9]


def test_a_totals_row_of_a_budget_line_column_is_skipped(tmp_path: Path) -> None:
    # a spend sheet by budget line with a 合计 line below: it was stored as a line named
    # 合计, doubling the day's spend (300 for 150)
    plan_text = PLAN + (
        "  by_line:\n    date: 日期\n    module: ads\n    line: 费用类别\n"
        "    columns: {花费: spend}\n"
    )
    plan, store = write_plan(tmp_path, plan_text), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "lines.csv",
        "日期,费用类别,花费\n2025-10-01,推广费,100\n2025-10-01,物料费,50\n2025-10-01,合计,150\n",
    )
    run = run_cli("ingest", plan, export, "--source", "by_line", "--store", store)
    assert run.code == 0, run.output
    with Store.open(store) as opened:
        lines = {s.observation.line: s.observation.value for s in opened.observations("shapes")}
    assert lines == {"推广费": Decimal(100), "物料费": Decimal(50)}
    assert "skipped line 4: a totals row (费用类别: '合计')" in run.stdout


def test_a_note_in_the_first_column_that_reads_like_a_label_is_a_note(tmp_path: Path) -> None:
    # the first column's totals labels are Google's "Total: Account"; in a note column,
    # "小计" is someone's remark and the row is data
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "noted.csv",
        "note,date,kpi,value\n小计,2025-10-01,ads.spend,5\nTotal,2025-10-02,ads.spend,7\n",
    )
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", ""): Decimal(5),
        ("ads.spend", "2025-10-02", ""): Decimal(7),
    }
