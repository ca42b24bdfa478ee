"""The header's position is the one sniff finds (or `header_row:` gives) in every reader:
blank lines and titles above it never make a file look empty or put rows on wrong lines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from mktplan.ingest import readers
from mktplan.ingest.columns import ArrowColumn, PandasColumn
from mktplan.store import open_store
from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write_plan

STORE_SHEET_ROWS = (
    None,  # row 1 left blank, as many hand-kept sheets do
    ["生意参谋 店铺数据"],
    None,
    ["日期", "销售额(万元)", "花费(千元)"],
    ["2025-10-01", 1.5, 2],
    ["2025-10-02", 0.5, 1],
)
STORED = {
    ("ads.sales", "2025-10-01", ""): Decimal(15000),
    ("ads.sales", "2025-10-02", ""): Decimal(5000),
    ("ads.spend", "2025-10-01", ""): Decimal(2000),
    ("ads.spend", "2025-10-02", ""): Decimal(1000),
}


def _workbook(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for number, row in enumerate(STORE_SHEET_ROWS, start=1):
        for column, value in enumerate(row or (), start=1):
            sheet.cell(row=number, column=column, value=value)
    workbook.save(path)
    return path


@pytest.mark.parametrize("header_row", [None, 4])
def test_an_xlsx_with_a_blank_first_row_and_a_title_above_its_header(
    tmp_path: Path, header_row: int | None
) -> None:
    text = PLAN
    if header_row is not None:
        text = PLAN.replace(
            "    columns: {销售额(万元): sales, 花费(千元): spend}\n",
            f"    columns: {{销售额(万元): sales, 花费(千元): spend}}\n    header_row: {header_row}\n",
            1,
        )
        assert text != PLAN
    plan, store = write_plan(tmp_path, text), tmp_path / "s.sqlite"
    export = _workbook(tmp_path / "sycm.xlsx")
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == STORED
    assert "skipped lines 1–3: above the header on line 4" in run.stdout
    assert "2 rows read" in run.stdout


def test_an_xlsx_header_row_on_a_blank_row_names_the_row(tmp_path: Path) -> None:
    text = PLAN.replace(
        "    columns: {销售额(万元): sales, 花费(千元): spend}\n",
        "    columns: {销售额(万元): sales, 花费(千元): spend}\n    header_row: 3\n",
        1,
    )
    plan, store = write_plan(tmp_path, text), tmp_path / "s.sqlite"
    export = _workbook(tmp_path / "sycm.xlsx")
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 1
    assert "header_row 3 is empty" in run.stderr
    assert not store.exists()


CSV_WITH_TITLE = (
    "\n生意参谋 店铺数据\n\n日期,销售额(万元),花费(千元)\n2025-10-01,1.5,2\n2025-10-02,0.5,1\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_a_csv_with_a_blank_first_line_and_a_title_above_its_header(
    tmp_path: Path, encoding: str
) -> None:
    # UTF-8 is read in blocks by pyarrow, GBK by pandas: both below the header on line 4
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = tmp_path / "sycm.csv"
    export.write_bytes(CSV_WITH_TITLE.encode(encoding))
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == STORED
    assert "skipped lines 1–3: above the header on line 4" in run.stdout


@pytest.mark.parametrize(("encoding", "kind"), [("utf-8", ArrowColumn), ("gbk", PandasColumn)])
def test_read_columns_start_below_the_header_line_in_every_csv_reader(
    tmp_path: Path, encoding: str, kind: type
) -> None:
    export = tmp_path / "t.csv"
    export.write_bytes(CSV_WITH_TITLE.encode(encoding))
    first = readers.read_header(export)
    assert first.line == 2  # the first non-blank line (the title), until sniff finds more
    header = readers.read_header(export, header_row=4)
    assert (header.line, header.headers) == (4, ("日期", "销售额(万元)", "花费(千元)"))
    body = readers.read_columns(header, [0, 1, 2], {0})
    assert isinstance(body[1], kind)
    assert (body.first_line, body.size) == (5, 2)
    assert [body[0].raw(i) for i in range(2)] == ["2025-10-01", "2025-10-02"]
    assert [body[2].raw(i) for i in range(2)] == ["2", "1"]


def test_read_header_of_an_xlsx_takes_the_first_non_empty_row_or_header_row(
    tmp_path: Path,
) -> None:
    export = _workbook(tmp_path / "sycm.xlsx")
    first = readers.read_header(export)
    assert (first.line, first.headers) == (2, ("生意参谋 店铺数据",))
    header = readers.read_header(export, header_row=4)
    assert (header.line, header.headers) == (4, ("日期", "销售额(万元)", "花费(千元)"))
    body = readers.read_columns(header, [0, 1], {0})
    assert (body.first_line, body.size) == (5, 2)
    assert [body[1].raw(i) for i in range(2)] == ["1.5", "0.5"]


def test_a_header_not_found_is_named_by_its_first_non_blank_line(tmp_path: Path) -> None:
    # no line holds a mapped column: the message names the line taken as the header, the
    # first with something on it, never a blank line 1
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = tmp_path / "x.csv"
    export.write_text("\n\nfoo,bar\n1,2\n", encoding="utf-8")
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 1
    assert "x.csv:3" in run.stderr
    assert "line 3 was taken as the header" in run.stderr


# Google Ads by day, a campaign name over two lines (lines 2–3), a bad cost on line 4, totals
# rows on lines 5 and 6
MULTI_LINE = (
    'Day,Campaign,Cost,Clicks\n2025-10-01,"multi\nline",1,1\n2025-10-02,B,xx,2\n'
    "Summary,,1,3\nTOTALS,,1,3\n"
)


@pytest.mark.parametrize(
    ("encoding", "title"), [("utf-8", ""), ("gbk", ""), ("gbk", "谷歌广告 日报\n")]
)
def test_a_value_over_two_lines_keeps_the_lines_below_it_file_lines(
    tmp_path: Path, encoding: str, title: str
) -> None:
    """Rejected, skipped and stored rows name the line a text editor shows, below a value
    that spans lines too (pandas counted records: 'xx' was said to be on line 3)."""
    below = title.count("\n")  # a title line moves everything down by one
    write_plan(tmp_path)
    (tmp_path / "g.csv").write_bytes((title + MULTI_LINE).encode(encoding))
    ingest = ("ingest", "shapes.yaml", "g.csv", "--source", "google", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1
    assert run.stderr.startswith(f"error g.csv:{4 + below} Cost: 'xx': not a number")
    run = run_cli(*ingest, "--skip-invalid", cwd=tmp_path)
    assert run.code == 0, run.output
    assert f"skipped line {5 + below}: a totals row (Day: 'Summary')" in run.stdout
    assert f"skipped line {6 + below}: a totals row (Day: 'TOTALS')" in run.stdout
    rejects = (tmp_path / "g.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejects[1].startswith(f"g.csv,{4 + below},Cost,xx,")
    with open_store(str(tmp_path / "s.sqlite")) as store:
        rows = {
            (o.observation.kpi, o.observation.date.isoformat()): o.row_number
            for o in store.observations("shapes")
        }
    assert rows == {
        ("ads.clicks", "2025-10-01"): 2 + below,
        ("ads.spend", "2025-10-01"): 2 + below,
        ("ads.clicks", "2025-10-02"): 4 + below,  # its cost was rejected, its clicks kept
    }
    run = run_cli("log", "shapes.yaml", "--store", "s.sqlite", cwd=tmp_path)
    assert f"skipped line {6 + below}: a totals row (Day: 'TOTALS')" in run.stdout


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8", ","), ("gbk", ","), ("utf-16", "\t")]
)
def test_a_row_with_too_many_fields_below_a_title_is_named_by_its_file_line(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    """pandas names such a row by its record count below the skipped lines (here 2, for a
    row on line 7); the message names the file line and the extra field."""
    write_plan(tmp_path)
    table = MULTI_LINE.replace("B,xx,2", "B,8,741.3,2").replace(",", delimiter)
    text = '谷歌广告\n"2025-10-01 –\n2025-10-31"\n' + table
    (tmp_path / "g.csv").write_bytes(text.encode(encoding))
    ingest = ("ingest", "shapes.yaml", "g.csv", "--source", "google", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1
    assert run.stderr.startswith(
        "mktplan: g.csv:7: 5 fields where the header has 4; field 5 is '2'"
    ), run.stderr
    assert f"quote values that hold the delimiter {delimiter!r}" in run.stderr
    assert not (tmp_path / "s.sqlite").exists() or stored(tmp_path / "s.sqlite") == {}


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_too_wide_first_row_below_a_title_is_refused_not_cut(
    tmp_path: Path, encoding: str
) -> None:
    """pandas only warns about a first row wider than the header, and cuts it: 8,741.3
    unquoted was stored as 8."""
    write_plan(tmp_path)
    text = "店铺 日报\nDay,Campaign,Cost,Clicks\n2025-10-01,A,8,741.3,2\n2025-10-02,B,2,1\n"
    (tmp_path / "g.csv").write_bytes(text.encode(encoding))
    ingest = ("ingest", "shapes.yaml", "g.csv", "--source", "google", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1, run.output
    assert run.stderr.startswith(
        "mktplan: g.csv:3: 5 fields where the header has 4; field 5 is '2'"
    ), run.stderr
    assert not (tmp_path / "s.sqlite").exists() or stored(tmp_path / "s.sqlite") == {}
