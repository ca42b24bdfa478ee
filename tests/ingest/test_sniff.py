"""The header is found, not assumed on line 1; a file of several tables needs `table:`."""

from __future__ import annotations

import codecs
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from mktplan.ingest.cells import is_name, reads_as_data
from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan

GOOGLE = (
    "Campaign report\n"
    '"October 1, 2025 - October 2, 2025"\n'
    "Day,Campaign,Cost,Clicks\n"
    "2025-10-01,Brand,12.00,3\n"
    "2025-10-02,Brand,8.00,2\n"
    "Total: Account,,20.00,5\n"
)


def test_title_and_date_range_lines_above_the_header_are_skipped(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "g.csv", GOOGLE)
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-02", "Brand")] == Decimal(8)
    assert "skipped lines 1–2: above the header on line 3 (titles or date ranges)" in run.stdout
    assert "2 rows read" in run.stdout
    # a preamble of several cells (`Date range:,from,to`) is a title when the header is found
    spread = write(tmp_path, "h.csv", GOOGLE.replace('"October', 'Date range:,"October', 1))
    run = run_cli("ingest", plan, spread, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert "above the header on line 3 (titles or date ranges)" in run.stdout


def test_without_source_the_hint_names_a_source_whose_header_is_below_titles(
    tmp_path: Path,
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "g.csv", GOOGLE)
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 1, run.output
    assert "not long format" in run.stderr
    assert "Hint: pass --source google." in run.stderr  # its header is on line 3
    assert not store.exists()


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE)],
)
def test_utf16_with_tabs_like_googles_excel_csv(tmp_path: Path, encoding: str, bom: bytes) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    text = GOOGLE.replace(",", "\t").replace('"October 1\t 2025 - October 2\t 2025"', "x")
    export = tmp_path / "g.csv"
    export.write_bytes(bom + text.replace("\n", "\r\n").encode(encoding))
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.clicks", "2025-10-01", "Brand")] == Decimal(3)


@pytest.mark.parametrize(("given", "codec"), [("utf-16", "utf-16"), ("UTF32", "utf-32")])
def test_an_encoding_that_needs_a_byte_order_mark_on_a_file_without_one(
    tmp_path: Path, given: str, codec: str
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = tmp_path / "g.csv"
    export.write_bytes(GOOGLE.encode(f"{codec}-le"))  # no mark: Python cannot decode it
    run = run_cli(
        "ingest", plan, export, "--source", "google", "--encoding", given, "--store", store
    )
    assert run.code == 1, run.output
    assert f"g.csv: encoding '{given}' needs a byte-order mark" in run.stderr
    assert f"{codec}-le or {codec}-be" in run.stderr
    assert "internal error" not in run.output
    assert not store.exists()
    fixed = run_cli(
        "ingest", plan, export, "--source", "google", "--encoding", f"{codec}-le", "--store", store
    )
    assert fixed.code == 0, fixed.output
    assert stored(store)[("ads.clicks", "2025-10-01", "Brand")] == Decimal(3)


def test_a_utf16_file_with_its_mark_read_as_another_encoding_is_refused(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = tmp_path / "g.csv"
    export.write_bytes(codecs.BOM_UTF16_LE + GOOGLE.encode("utf-16-le"))
    run = run_cli(
        "ingest", plan, export, "--source", "google", "--encoding", "gbk", "--store", store
    )
    assert run.code == 1, run.output
    assert "starts with a UTF-16 byte-order mark, but encoding 'gbk' was given" in run.stderr
    assert "drop --encoding" in run.stderr
    assert not store.exists()


def test_ga4_comment_block_and_semicolons(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "ga4.csv",
        "# ----------------------------------------\n"
        "# Report CSV Export\n"
        "# Start date: 20251001\n"
        "#\n"
        "date;spend\n"
        "20251001;1,5\n"  # a semicolon file may write a decimal comma: refused, not misread
        "20251002;2\n",
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "ga4.csv:6 spend" in run.stderr
    fixed = write(tmp_path, "ga4b.csv", "# Report\n#\ndate;spend\n20251001;1.5\n20251002;2\n")
    run = run_cli("ingest", plan, fixed, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal("1.5")
    assert "skipped lines 1–2: above the header on line 3 (# comments)" in run.stdout


META_SUITE = (
    "sep=,\n"
    '"Facebook visits"\n'
    '"Date","Primary"\n'
    '"2025-10-01T00:00:00","138"\n'
    '"2025-10-02T00:00:00","117"\n'
    "\n"
    '"Instagram profile visits"\n'
    '"Date","Primary"\n'
    '"2025-10-01T00:00:00","5"\n'
    '"2025-10-02T00:00:00","10"\n'
)
SUITE_PLAN = PLAN + ("  visits:\n    date: Date\n    module: ads\n    columns: {Primary: clicks}\n")


def _suite(tmp_path: Path) -> Path:
    path = tmp_path / "visits.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + META_SUITE.replace("\n", "\r\n").encode("utf-16-le"))
    return path


def test_two_tables_are_refused_naming_them(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, SUITE_PLAN), tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, _suite(tmp_path), "--source", "visits", "--store", store)
    assert run.code == 1
    assert (
        "the file holds 2 tables: 1 'Facebook visits' (header on line 3); "
        "2 'Instagram profile visits' (header on line 8)" in run.stderr
    )
    assert "`table:`" in run.stderr
    assert not store.exists()


def test_the_hint_for_several_tables_names_one_that_holds_the_sources_columns(
    tmp_path: Path,
) -> None:
    # GA4 writes several report cards into one CSV; only the second holds the mapped columns,
    # below the 50 lines the header is looked for in
    plan, store = write_plan(tmp_path, SUITE_PLAN), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "ga4.csv",
        "# Report CSV Export\n# Start date: 20251001\nDate,Users\n"
        + "".join(f"202510{d:02},5\n" for d in range(1, 32))
        + "".join(f"202511{d:02},3\n" for d in range(1, 31))  # the header search's 50 lines
        + "\n"
        "# Start date: 20251001\nDate,Primary\n20251001,138\n20251002,117\n\n"
        "# Start date: 20251001\nDate,Sessions\n20251001,9\n20251002,4\n",
    )
    run = run_cli("ingest", plan, export, "--source", "visits", "--store", store)
    assert run.code == 1
    assert "the file holds 3 tables" in run.stderr
    assert "e.g. table: 2;" in run.stderr  # not the first table, which lacks the columns


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("Facebook visits", (138, 117)),
        ("1", (138, 117)),
        ("Instagram profile visits", (5, 10)),
        ("2", (5, 10)),
    ],
)
def test_a_table_is_picked_by_title_or_number(
    tmp_path: Path, table: str, values: tuple[int, int]
) -> None:
    plan_text = SUITE_PLAN.replace(
        "    columns: {Primary: clicks}\n",
        f"    columns: {{Primary: clicks}}\n    table: {table}\n",
    )
    plan, store = write_plan(tmp_path, plan_text), tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, _suite(tmp_path), "--source", "visits", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.clicks", "2025-10-01", ""): Decimal(values[0]),
        ("ads.clicks", "2025-10-02", ""): Decimal(values[1]),
    }


def test_an_unknown_table_is_refused(tmp_path: Path) -> None:
    plan_text = SUITE_PLAN.replace(
        "    columns: {Primary: clicks}\n", "    columns: {Primary: clicks}\n    table: 3\n"
    )
    plan, store = write_plan(tmp_path, plan_text), tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, _suite(tmp_path), "--source", "visits", "--store", store)
    assert run.code == 1
    assert "the source's table 3 is not in the file" in run.stderr


def test_a_repeated_header_starts_a_second_table(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "twice.csv",
        "date,spend\n2025-10-01,1\ndate,spend\n2025-10-01,2\n",
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "the file holds 2 tables" in run.stderr
    assert "(header on line 3)" in run.stderr


def test_a_blank_line_inside_the_data_is_no_new_table(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "b.csv", "date,spend\n2025-10-01,1\n\n2025-10-02,2\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert len(stored(store)) == 2


@pytest.mark.parametrize(
    ("days", "last", "value"),
    [
        (("10/21/2025", "10/22/2025", "10/23/2025"), "￥2", Decimal(2)),
        (('"Oct 21, 2025"', '"Oct 22, 2025"', '"Oct 23, 2025"'), "1.2万", Decimal(12000)),
        (("10月21日", "10月22日", "10月23日"), "35元", Decimal(35)),
        (("2025-10-21", "2025-10-22", "2025-10-23T10:00:00Z"), "CN¥2", Decimal(2)),
    ],
)
def test_a_data_row_of_dates_and_money_after_a_blank_is_no_new_header(
    tmp_path: Path, days: tuple[str, str, str], last: str, value: Decimal
) -> None:
    """After a blank line and a row with one filled cell (a day without values), a row whose
    cells read as a date and an amount in any spelling the cell parsers take is data, not the
    header of a second table."""
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    text = f"date,spend\n{days[0]},1\n\n{days[1]},\n{days[2]},{last}\n"
    run = run_cli(
        "ingest", plan, write(tmp_path, "b.csv", text), "--source", "plain", "--store", store
    )
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-21", ""): Decimal(1),
        ("ads.spend", "2025-10-23", ""): value,
    }


@pytest.mark.parametrize(
    "cell",
    [
        *("1,234", "2.1%", "￥35,000", "1.2万", "US$2", "-", "N/A"),
        *("10/21/2025", "10/21", "10月21日", "Oct 21", "Oct 21, 2025"),
        *("2023-04-21T14:51:11+0300", "20251021"),
    ],
)
def test_numbers_dates_and_no_values_read_as_data_not_names(cell: str) -> None:
    assert reads_as_data(cell)
    assert not is_name(cell)


@pytest.mark.parametrize("cell", ["Date", "Amount spent (CNY)", "消耗", "Summer Sale 2025", "Oct"])
def test_header_names_and_ad_names_are_names(cell: str) -> None:
    assert not reads_as_data(cell)
    assert is_name(cell)


def _sheet(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_a_blank_row_above_a_row_with_empty_last_cells_is_no_new_table(tmp_path: Path) -> None:
    """A sheet leaves a row's empty last cells out: below a blank row, such a data row is
    narrower than the header, yet no new table (as the same CSV lines are not)."""
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    rows: list[list[object]] = [
        ["date", "spend", "note"],
        ["2025-10-01", 1, "a"],
        [],
        ["2025-10-02", 2],  # its note cell left out
        ["2025-10-03", 3, "c"],
    ]
    run = run_cli("ingest", plan, _sheet(tmp_path / "b.xlsx", rows), "--source", "plain",
                  "--store", store)  # fmt: skip
    assert run.code == 0, run.output
    assert len(stored(store)) == 3
    # a date written as text with slashes, the spend left empty as well as the note
    rows = [["date", "note", "spend"], ["2025-10-01", "ok", 1], [], ["2025/10/02", "paused"]]
    run = run_cli("ingest", plan, _sheet(tmp_path / "c.xlsx", rows), "--source", "plain",
                  "--store", tmp_path / "c.sqlite")  # fmt: skip
    assert run.code == 0, run.output
    csv = write(tmp_path, "b.csv", "date,spend,note\n2025-10-01,1,a\n\n2025-10-02,2,\n")
    run = run_cli("ingest", plan, csv, "--source", "plain", "--store", tmp_path / "d.sqlite")
    assert run.code == 0, run.output


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
@pytest.mark.parametrize(
    "second",
    [
        [["channel", "visits"], ["web", 3]],
        # a year-over-year header: '2025' reads as a number, yet 'Date' is no date
        [["Date", "2025"], ["2025-10-01", 500]],
    ],
)
def test_a_narrower_header_below_a_blank_row_starts_a_new_table(
    tmp_path: Path, kind: str, second: list[list[object]]
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    rows: list[list[object]] = [["date", "spend", "note"], ["2025-10-01", 1, "a"], [], *second]
    if kind == "xlsx":
        export = _sheet(tmp_path / "t.xlsx", rows)
    else:
        text = "".join(",".join(str(c) for c in row) + "\n" for row in rows)
        export = write(tmp_path, "t.csv", text)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "the file holds 2 tables" in run.stderr
    assert "(header on line 4)" in run.stderr


def test_header_row_overrides_the_search(tmp_path: Path) -> None:
    plan_text = PLAN.replace(
        "    columns: {spend: spend}\n", "    columns: {spend: spend}\n    header_row: 3\n", 1
    )
    plan, store = write_plan(tmp_path, plan_text), tmp_path / "s.sqlite"
    # line 1 would match too; the source says the header is on line 3
    export = write(tmp_path, "h.csv", "date,spend\nnotes\ndate,spend\n2025-10-01,4\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal(4)
    # line 1 is a row of cells, not a title: the summary says what was passed over
    assert "skipped lines 1–2: above the header on line 3 (rows of several cells, titles" in (
        run.stdout
    )


def test_missing_columns_name_the_line_taken_as_the_header(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "m.csv", "Campaign report\nJuly 2025\nDay,Campaign,Cost\n1,2,3\n")
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 1
    assert "m.csv:3" in run.stderr
    assert "needs column 'Clicks'" in run.stderr
    assert "line 3 was taken as the header" in run.stderr
    no_day = write(tmp_path, "n.csv", "Campaign report\nJuly 2025\nCampaign,Cost,Clicks\nA,3,1\n")
    run = run_cli("ingest", plan, no_day, "--source", "google", "--store", store)
    assert run.code == 1
    assert "needs column 'Day'" in run.stderr
    assert "export the report by day" in run.stderr


def test_an_xlsx_with_title_rows_above_the_header(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (
        ["生意参谋 店铺数据"],
        ["统计时间 2025-10-01 ~ 2025-10-02"],
        ["日期", "销售额(万元)", "花费(千元)"],
        ["2025-10-01", 1.5, 2],
        ["2025-10-02", 0.5, 1],
        ["合计", 2, 3],
    ):
        sheet.append(row)
    export = tmp_path / "sycm.xlsx"
    workbook.save(export)
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.sales", "2025-10-01", ""): Decimal(15000),
        ("ads.sales", "2025-10-02", ""): Decimal(5000),
        ("ads.spend", "2025-10-01", ""): Decimal(2000),
        ("ads.spend", "2025-10-02", ""): Decimal(1000),
    }
    assert "skipped lines 1–2: above the header on line 3" in run.stdout
    assert "skipped line 6: a totals row" in run.stdout


TWO_LEVEL = PLAN + (
    "  two_level:\n    date: 日期\n    module: ads\n"
    "    columns: {推广/消耗: spend, 成交金额: sales, 点击: clicks}\n"
)


def test_a_two_level_header_of_merged_cells(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, TWO_LEVEL), tmp_path / "s.sqlite"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["千川 日报"])
    sheet.append(["日期", "推广", None, "成交", None])
    sheet.append([None, "消耗", "点击", "成交金额", "消耗"])  # 消耗 twice: only 推广/消耗 names it
    sheet.append(["2025-10-01", 10, 3, 30, 99])
    sheet.append(["合计", 10, 3, 30, 99])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("D2:E2")
    export = tmp_path / "qc.xlsx"
    workbook.save(export)
    run = run_cli("ingest", plan, export, "--source", "two_level", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", ""): Decimal(10),
        ("ads.sales", "2025-10-01", ""): Decimal(30),
        ("ads.clicks", "2025-10-01", ""): Decimal(3),
    }
    # the title alone is skipped: row 2 is the header's upper row, not a title
    assert "skipped line 1: above the header on line 2 (titles or date ranges)" in run.stdout
    run = run_cli("log", plan, "--store", store)
    assert "skipped line 1: above the header on line 2 (titles or date ranges)" in run.stdout


def test_a_two_level_header_in_csv(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, TWO_LEVEL), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "qc.csv",
        "日期,推广,,成交,\n,消耗,点击,成交金额,消耗\n2025-10-01,10,3,30,99\n",
    )
    run = run_cli("ingest", plan, export, "--source", "two_level", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal(10)
    assert "skipped" not in run.stdout  # line 1 is the header's upper line
    run = run_cli("log", plan, "--store", store)
    assert "skipped" not in run.stdout


AMBIGUOUS = PLAN + (
    "  ambiguous:\n    date: 日期\n    module: ads\n    columns: {消耗: spend, 点击: clicks}\n"
)


def test_a_lower_name_under_two_upper_ones_is_said_to_be_ambiguous(tmp_path: Path) -> None:
    write_plan(tmp_path, AMBIGUOUS)
    store = tmp_path / "s.sqlite"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["日期", "推广", None, "成交", None])
    sheet.append([None, "消耗", "点击", "成交金额", "消耗"])
    sheet.append(["2025-10-01", 10, 3, 30, 99])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.merge_cells("D1:E1")
    workbook.save(tmp_path / "qc.xlsx")
    run = run_cli("ingest", "shapes.yaml", "qc.xlsx", "--source", "ambiguous", "--store", store,
                  cwd=tmp_path)  # fmt: skip
    assert run.code == 1
    # it said: source 'ambiguous' needs column '日期', which the file lacks
    assert run.stderr == (
        "mktplan: qc.xlsx:2 消耗: the column '消耗' is ambiguous: the two-level header on lines "
        "1–2 has it under more than one upper header ('推广/消耗', '成交/消耗') Hint: map it "
        "by both headers, as `upper/lower` (e.g. `推广/消耗`), so it names one column.\n"
    )
    assert not store.exists()


def test_an_ambiguous_lower_name_in_csv_in_chinese(tmp_path: Path) -> None:
    write_plan(tmp_path, AMBIGUOUS)
    store = tmp_path / "s.sqlite"
    write(tmp_path, "qc.csv", "日期,推广,,成交,\n,消耗,点击,成交金额,消耗\n2025-10-01,10,3,30,99\n")
    run = run_cli("ingest", "shapes.yaml", "qc.csv", "--source", "ambiguous", "--store", store,
                  "--lang", "zh", cwd=tmp_path)  # fmt: skip
    assert run.code == 1
    assert run.stderr == (
        "mktplan: qc.csv:2 消耗: 列 '消耗' 有歧义：第 1–2 行的两级表头中，它位于多个上级表头之下"
        "（'推广/消耗'、'成交/消耗'） 提示：请写成 `上级/下级`（例如 `推广/消耗`），使它只指向一列。\n"
    )


def test_a_trailing_delimiter_on_every_line_keeps_the_file_readable(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "t.csv", "date,spend,,\n2025-10-01,4,,\n2025-10-02,5,,\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal(4)


@pytest.mark.parametrize(
    ("option", "other", "outcome", "value"),
    [
        ("    table: 1\n", "    table: 2\n", "0 new, 1 changed", Decimal(2)),
        ("    table: 2\n", "    table: 2\n    date_format: '%Y-%m-%d'\n", "1 unchanged", 2),
        ("    table: 2\n", "    table: 2\n    scale: {spend: K}\n", "1 changed", 2000),
    ],
)
def test_the_same_bytes_read_with_other_source_options_are_not_already_ingested(
    tmp_path: Path, option: str, other: str, outcome: str, value: Decimal
) -> None:
    # an ingest's identity is the bytes and how they are read: the table, the header's line,
    # the date format and the scale are part of it, like --sheet and --encoding
    def plan_with(extra: str) -> Path:
        anchor = "    columns: {spend: spend}\n"
        return write_plan(tmp_path, PLAN.replace(anchor, anchor + extra, 1))

    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "two.csv", "date,spend\n2025-10-01,1\ndate,spend\n2025-10-01,2\n")
    first = run_cli("ingest", plan_with(option), export, "-s", "plain", "--store", store)
    assert first.code == 0, first.output
    again = run_cli("ingest", plan_with(option), export, "-s", "plain", "--store", store)
    assert "already ingested" in again.stdout
    changed = run_cli("ingest", plan_with(other), export, "-s", "plain", "--store", store)
    assert changed.code == 0, changed.output
    assert "already ingested" not in changed.stdout
    assert outcome in changed.stdout
    assert stored(store)[("ads.spend", "2025-10-01", "")] == value


def test_a_huge_table_title_is_cut_in_the_message(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    title = "x" * 100_000
    export = write(
        tmp_path, "t.csv", f"{title}\ndate,spend\n2025-10-01,1\n\nOther\ndate,spend\n2025-10-01,2\n"
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "the file holds 2 tables" in run.stderr
    assert "(100,000 characters)" in run.stderr
    assert len(run.stderr) < 2_000


@pytest.mark.parametrize("memo", ['"\n"', '"0\n"'])
def test_a_row_cut_off_inside_quotes_at_the_end_of_the_sniffed_sample_ends_no_table(
    tmp_path: Path, memo: str
) -> None:
    # the sniffer looks for tables in the first MiB; a row cut off there inside its quotes
    # (its line break taken for the row's end), after a blank line, was taken for a title
    # (the rows below it silently left unread) or for the header of a second table (a
    # valid file refused)
    huge = "备注" * 400_000  # 2.4 MB: the row crosses the end of the sample
    lines = [
        "date,memo,spend,note",
        "2025-10-01,date as paid,1,",  # the header's first name again: every line looked at
        "",
        f"2025-10-02,{memo},2,{huge}",
        "2025-10-03,,3,",
        "",
        "2025-10-04,,4,",
    ]
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "cut.csv", "\n".join(lines) + "\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", f"2025-10-0{day}", ""): Decimal(day) for day in range(1, 5)
    }


def test_a_line_cut_off_at_the_end_of_the_sample_with_old_mac_line_ends_ends_no_table(
    tmp_path: Path,
) -> None:
    # lines ended by CR alone: the sample was cut at its last LF (there is none), so a
    # line cut off by the sample's end after a blank line read as a narrower table
    lines = ["date,memo,spend,note", "2025-10-01,date as paid,0,"]
    lines += ["2025-10-01," + "x" * 1000 + ",1,"] * 1020
    text = "\r".join(lines) + "\r"
    pad = (1 << 20) - 20 - len(text) - len("2025-10-01,,1,\r\r")
    text += f"2025-10-01,{'y' * pad},1,\r\r" + "2025-10-02," + "z" * 100 + ",2,\r2025-10-03,,3,\r"
    assert len(text.encode()) > 1 << 20 > text.index("z")
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "mac.csv", text)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", ""): Decimal(1021),
        ("ads.spend", "2025-10-02", ""): Decimal(2),
        ("ads.spend", "2025-10-03", ""): Decimal(3),
    }


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_two_tables_are_found_whatever_the_line_ends(tmp_path: Path, end: str) -> None:
    # with old Mac line ends (CR alone) the blank line between the tables went unseen and
    # the second table's header was read as a ragged row of the first
    text = (
        '"Facebook visits"\n"Date","Primary"\n"2025-10-01","138"\n"2025-10-02","117"\n\n'
        '"Weekly"\n"Week","Primary","Reach"\n"2025-10-02","5","7"\n'
    )
    plan, store = write_plan(tmp_path, SUITE_PLAN), tmp_path / "s.sqlite"
    export = write(tmp_path, "v.csv", text.replace("\n", end))
    run = run_cli("ingest", plan, export, "--source", "visits", "--store", store)
    assert run.code == 1
    assert (
        "the file holds 2 tables: 1 'Facebook visits' (header on line 2); "
        "2 'Weekly' (header on line 7)" in run.stderr
    )


def test_titles_at_the_end_of_the_sniffed_sample_do_not_end_the_table(tmp_path: Path) -> None:
    # a blank line and titles as the last lines of the first MiB, the next header beyond it:
    # the table was taken to end at the blank line and the second table was silently never
    # read; now the title lines are read as rows and the header below them refuses the file
    lines = ["date,memo,spend,note", "2025-10-01,date as paid,0,"]
    lines += ["2025-10-01," + "x" * 1000 + ",1,"] * 1020
    text = "\n".join(lines) + "\n"
    titles = "\nWeek 2\nBy channel\n"
    pad = (1 << 20) - 2 - len(text) - len("2025-10-01,,1,\n") - len(titles)
    text += f"2025-10-01,{'y' * pad},1,\n{titles}date,memo,spend,note\n2025-10-05,,5,\n"
    assert text.index("By channel") < 1 << 20 < text.index("2025-10-05")
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "weeks.csv", text)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1, run.output
    assert "weeks.csv:1027: this line repeats the date column's header 'date'" in run.stderr
    assert not store.exists()


@pytest.mark.parametrize(
    ("text", "one"),
    [
        ("date,spend\r\n2025-10-01,1\r\n", True),  # a CRLF is one line end, not a blank line
        ("date,spend\n2025-10-01,1\n", True),
        ("date,spend\r2025-10-01,1\r", True),
        ("date,spend\r\n\r\n2025-10-01,1\r\n", False),
        ("date,spend\r\r2025-10-01,1\r", False),
        ("date,spend\n,\n2025-10-01,1\n", False),
    ],
)
def test_a_sample_without_blank_lines_is_one_table_at_a_glance(text: str, one: bool) -> None:
    # the cheap look that spares splitting the whole sample into records
    from mktplan.ingest.sniff import _one_table

    assert _one_table(text, ("date", "spend")) is one


@pytest.mark.parametrize("skip", [[], ["--skip-invalid"]])
@pytest.mark.parametrize("titles", ["", "\nWeek 2\n"])
def test_a_table_that_starts_below_the_first_mib_is_refused_at_its_header(
    tmp_path: Path, skip: list[str], titles: str
) -> None:
    # tables are looked for in the first MiB; a second one further down reached the mapping
    # as rows, and with --skip-invalid its header was rejected and its rows summed with the
    # first table's (1,100 + 5 stored as 1,105)
    rows = "".join(["2025-10-01," + "x" * 1000 + ",1,\n"] * 1100)
    text = f"date,memo,spend,note\n{rows}{titles}date,memo,spend,note\n2025-10-01,,5,\n"
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "far.csv", text)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store, *skip)
    assert run.code == 1, run.output
    line = 1102 + titles.count("\n")
    assert (
        f"far.csv:{line}: this line repeats the date column's header 'date': another table "
        "starts here" in run.stderr
    )
    assert "tables are never summed together" in run.stderr
    assert not store.exists()


# read in blocks, or whole (an unmapped column may tell a summary row from data)
@pytest.mark.parametrize("extra", ["", ";campaign"])
def test_one_separator_before_three_digits_is_ambiguous_in_a_semicolon_file(
    tmp_path: Path, extra: str
) -> None:
    # European spreadsheets save 1,234 for 1.234 and 1.234 for 1234: either reading of such a
    # cell may be a thousand times off, so it is refused; 0.125, 1234 and 1,234,567 are not
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    cells = ["1,234", "1.234", "12,345", "¥1.234"]
    named = ";a" if extra else ""
    export = write(
        tmp_path,
        "eu.csv",
        f"date;spend{extra}\n"
        + "".join(f"20251001;{c}{named}\n" for c in cells)
        + f"20251002;0.125{named}\n20251002;1234{named}\n20251003;1,234,567{named}\n",
    )
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    for line, cell in enumerate(cells, start=2):
        assert f"eu.csv:{line} spend: {cell!r}: ambiguous in a file separated by semicolons" in (
            run.stderr
        )
    assert run.stderr.count("ambiguous") == len(cells)
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-02", "")] == Decimal("1234.125")
    assert stored(store)[("ads.spend", "2025-10-03", "")] == Decimal(1234567)
    # a column pyarrow would read as floats throughout is judged as written too: 1.230 is
    # no 1.23 there
    floats = write(tmp_path, "f.csv", f"date;spend{extra}\n20251001;1.230{named}\n")
    run = run_cli("ingest", plan, floats, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "f.csv:2 spend: '1.230': ambiguous" in run.stderr


def test_a_thousands_group_never_starts_with_zero(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "z.csv", 'date,spend\n20251001,"0,125"\n20251002,"1,250"\n')
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "z.csv:2 spend: '0,125': not a number" in run.stderr
    assert "z.csv:3" not in run.stderr
