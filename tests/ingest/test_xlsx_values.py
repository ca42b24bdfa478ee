"""What the cells of .xlsx and Parquet exports mean: the value stored is the one Excel shows
(or the Parquet schema holds), or the cell is refused; never another number with exit 0.
Workbooks are built with openpyxl and, where a writer other than Excel saves what openpyxl
cannot (XlsxWriter's cached 0, Excel's empty text result), patched as that writer saves them."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq

from mktplan.ingest.read.xlsx import _FORMAT_TEXT, _format_currency, _format_scale, _merged_down
from mktplan.store import Store
from tests.conftest import run_cli
from tests.ingest import shapes
from tests.ingest.helpers import write_plan

SHEET = "xl/worksheets/sheet1.xml"
BOOK = "xl/workbook.xml"
# what Excel writes: no fullCalcOnLoad, the saved results are what it shows
EXCEL_CALC = b'<calcPr calcId="191029"/>'
OPENPYXL_CALC = b'<calcPr calcId="124519" fullCalcOnLoad="1" />'


def workbook(path: Path, rows: list[list[Any]], formats: dict[str, str] | None = None) -> Path:
    """A long-format workbook (header date, kpi, value) of ``rows``; ``formats`` maps a cell
    such as "C2" to its number format."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "kpi", "value"])
    for row in rows:
        sheet.append(row)
    for cell, number_format in (formats or {}).items():
        sheet[cell].number_format = number_format
    book.save(path)
    return path


def patched(path: Path, parts: dict[str, list[tuple[bytes, bytes]]]) -> Path:
    """``path`` with each part's (old, new) replacements made, each old text found once."""
    with zipfile.ZipFile(path) as archive:
        contents = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    for name, replacements in parts.items():
        for old, new in replacements:
            assert contents[name].count(old) == 1, (name, old)
            contents[name] = contents[name].replace(old, new)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
    return path


def observed(store: Path) -> dict[tuple[str, str, str], Decimal]:
    """(KPI, day, channel) → value of everything stored."""
    with Store.open(store) as opened:
        return {
            (s.observation.kpi, s.observation.date.isoformat(), s.observation.channel): (
                s.observation.value
            )
            for s in opened.observations("ingest-test")
        }


def stored(store: Path) -> dict[tuple[str, str], Decimal]:
    return {(kpi, day): value for (kpi, day, _), value in observed(store).items()}


def test_formula_results_a_writer_left_for_excel_to_compute_are_refused(tmp_path: Path) -> None:
    # XlsxWriter saves every formula's result as 0 and sets fullCalcOnLoad="1", so that Excel
    # computes them on opening: Excel shows 12500 where the file holds 0
    plan = write_plan(tmp_path)
    book = workbook(
        tmp_path / "xlsxwriter.xlsx",
        [["2024-06-01", "web.visits", 1000], ["2024-06-01", "web.sales", "=C2*12.5"]],
    )
    patched(book, {SHEET: [(b"<f>C2*12.5</f><v />", b"<f>C2*12.5</f><v>0</v>")]})
    assert OPENPYXL_CALC in zipfile.ZipFile(book).read(BOOK)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store)
    assert run.code == 1, run.output
    assert "xlsxwriter.xlsx:3 value: '=C2*12.5': a formula without a saved result" in run.output
    assert not store.exists()


def excel_saved(path: Path) -> Path:
    """A workbook as Excel saves it: visits 1000 and sales `=C2*12.5` with its result 12500
    saved, and no fullCalcOnLoad."""
    book = workbook(
        path, [["2024-06-01", "web.visits", 1000], ["2024-06-01", "web.sales", "=C2*12.5"]]
    )
    return patched(
        book,
        {
            SHEET: [(b"<f>C2*12.5</f><v />", b"<f>C2*12.5</f><v>12500</v>")],
            BOOK: [(OPENPYXL_CALC, EXCEL_CALC)],
        },
    )


def assert_excel_results_stored(plan: Path, book: Path, store: Path) -> None:
    run = run_cli("ingest", plan, book, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("web.visits", "2024-06-01"): Decimal(1000),
        ("web.sales", "2024-06-01"): Decimal(12500),
    }


def test_formula_results_excel_saved_are_stored(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    book = excel_saved(tmp_path / "excel.xlsx")
    assert_excel_results_stored(plan, book, tmp_path / "s.sqlite")


def test_a_formula_whose_saved_result_is_empty_text_is_no_value(tmp_path: Path) -> None:
    # =IF(C2>0,"",…) as Excel saves it: t="str" and an empty <v/>; Excel shows an empty cell,
    # and opening and saving the file (the advice for an unsaved result) changes nothing
    plan = write_plan(tmp_path)
    book = workbook(
        tmp_path / "blank.xlsx",
        [["2024-06-01", "web.sales", 100], ["2024-06-02", "web.sales", '=IF(C2>0,"",1)']],
    )
    patched(
        book,
        {
            SHEET: [
                (
                    b'<c r="C3"><f>IF(C2&gt;0,"",1)</f><v /></c>',
                    b'<c r="C3" t="str"><f>IF(C2&gt;0,"",1)</f><v></v></c>',
                )
            ],
            BOOK: [(OPENPYXL_CALC, EXCEL_CALC)],
        },
    )
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {("web.sales", "2024-06-01"): Decimal(100)}


def test_a_number_formatted_in_another_currency_is_refused_as_its_text_would_be(
    tmp_path: Path,
) -> None:
    # "$1,234.50" typed into a CSV is refused in a CNY plan; the same shown by a number format
    # was stored as 1234.5 CNY
    plan = write_plan(tmp_path)
    rows: list[list[Any]] = [["2024-06-0" + str(day), "web.sales", 1234.5] for day in range(1, 10)]
    formats = {
        "C2": '"$"#,##0.00',
        "C3": "[$$-409]#,##0.00",
        "C4": "[$€-2] #,##0.00",
        "C5": "$#,##0.00",
        # the plan's currency, shown
        "C6": '"¥"#,##0.00',
        "C7": "[$¥-804]#,##0.00",
        "C8": '#,##0.00"元"',
        # built-in currency format 7: the currency of the computer that opens the file
        "C9": '"$"#,##0.00_);("$"#,##0.00)',
    }
    book = workbook(tmp_path / "usd.xlsx", rows, formats)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    rejects = (tmp_path / "usd.rejects.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[1] for line in rejects] == ["2", "3", "4", "5"]
    assert "a value in USD, but 'web.sales' is in CNY" in rejects[0]
    assert "a value in EUR, but 'web.sales' is in CNY" in rejects[2]
    assert stored(store) == {
        ("web.sales", f"2024-06-0{day}"): Decimal("1234.5") for day in range(5, 10)
    }


def test_a_float32_parquet_column_is_read_as_the_decimals_it_holds(tmp_path: Path) -> None:
    # float32 150000.12 is the binary 150000.125: pyarrow, DuckDB and Spark show 150000.12,
    # and 2.1 (binary 2.0999999…) was already read as 2.1; one column, one rule
    plan, store = shapes.write_plan(tmp_path), tmp_path / "s.sqlite"
    export = tmp_path / "f32.parquet"
    days = [dt.date(2025, 10, day) for day in (1, 2, 3, 4)]
    sales = pa.array([150000.12, 2.1, 1234567.89, None], type=pa.float32())
    pq.write_table(pa.table({"date": days, "sales": sales}), export)
    run = run_cli("ingest", plan, export, "--source", "plain_sales", "--store", store)
    assert run.code == 0, run.output
    assert shapes.stored(store) == {
        ("ads.sales", "2025-10-01", ""): Decimal("150000.12"),
        ("ads.sales", "2025-10-02", ""): Decimal("2.1"),
        ("ads.sales", "2025-10-03", ""): Decimal("1234567.9"),
    }


def test_a_date_and_a_channel_merged_over_rows_are_read_on_each_row(tmp_path: Path) -> None:
    # a daily report with the day merged over its channels' rows (and a channel over two
    # days): Excel shows them on every row, the file holds them in the first; a number
    # merged over rows is one value, counted once
    plan = write_plan(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "渠道", "平台", "访问", "点击率", "销售额", "备注"])
    sheet.append(["2024-06-10", "线上", "wx", 100, 0.021, 1000, "KOL"])
    sheet.append([None, "门店", "店A", None, None, 2000, None])
    sheet.append(["2024-06-11", "线上", "wx", 300, None, 3000, None])
    sheet.append([None, None, "wx", 400, None, None, None])
    for cells in ("A2:A3", "A4:A5", "B4:B5", "F4:F5"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "merged.xlsx")
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, tmp_path / "merged.xlsx", "--source", "daily", "--store", store)
    assert run.code == 0, run.output
    found = observed(store)
    assert found == {
        ("web.visits", "2024-06-10", "wx"): Decimal(100),
        ("web.ctr", "2024-06-10", "wx"): Decimal("0.021"),
        ("web.sales", "2024-06-10", "wx"): Decimal(1000),
        ("shop.sales", "2024-06-10", "店A"): Decimal(2000),
        ("web.visits", "2024-06-11", "wx"): Decimal(700),
        ("web.sales", "2024-06-11", "wx"): Decimal(3000),
    }


def test_a_unit_a_number_format_writes_after_the_number_scales_it(tmp_path: Path) -> None:
    # 0.0"万" shows 1.2 as 1.2万: 12,000, as the text 1.2万 is; 0!.0,"万" shows 12345 as
    # 1.2万 by dividing it for the eye: the value is 12345 already
    plan = write_plan(tmp_path)
    rows: list[list[Any]] = [
        ["2024-06-01", "web.sales", 1.2],
        ["2024-06-02", "web.sales", 3.9],
        ["2024-06-03", "web.sales", 12345],
        ["2024-06-04", "web.sales", 1200],
    ]
    formats = {"C2": '0.0"万"', "C3": '#,##0.0"万元"', "C4": '0!.0,"万"', "C5": '#,##0.0,"K"'}
    book = workbook(tmp_path / "wan.xlsx", rows, formats)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("web.sales", "2024-06-01"): Decimal(12000),
        ("web.sales", "2024-06-02"): Decimal(39000),
        ("web.sales", "2024-06-03"): Decimal(12345),
        ("web.sales", "2024-06-04"): Decimal(1200),
    }


def test_a_crafted_number_format_is_read_in_linear_time() -> None:
    # "[$" repeated without a closing "]" made the format pattern try every split of the
    # run: minutes for one 5 KB file. A broken pattern hangs this test rather than failing it
    hostile = ["0" + "[$" * 10_000, "[" * 20_000, "[$" + "a" * 20_000, "[$-" * 7_000]
    for number_format in hostile:
        list(_FORMAT_TEXT.finditer(number_format))
        _format_currency(number_format)
        _format_scale(number_format)
    assert _format_currency("[$$-409]#,##0.00") == "USD"
    assert _format_currency("[$€-2] #,##0.00") == "EUR"
    assert _format_currency("[$¥-804]#,##0.00") == "¥"
    assert _format_currency("[Red][$-804]0;[$£-809]0") == "GBP"


def test_a_number_format_longer_than_excel_allows_says_nothing(tmp_path: Path) -> None:
    # Excel refuses a format beyond 255 characters: such a file was crafted, and its format
    # neither scales the number nor gives it a currency
    plan = write_plan(tmp_path)
    rows: list[list[Any]] = [["2024-06-01", "web.sales", 1.2], ["2024-06-02", "web.sales", 3]]
    padding = "_)" * 130
    formats = {"C2": '0.0"万"' + padding, "C3": '"$"0' + padding}
    book = workbook(tmp_path / "long.xlsx", rows, formats)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("web.sales", "2024-06-01"): Decimal("1.2"),
        ("web.sales", "2024-06-02"): Decimal(3),
    }


def test_a_channel_merged_down_in_the_sheets_last_column_is_read_on_each_row(
    tmp_path: Path,
) -> None:
    # openpyxl (and Excel) leave the covered cells out: rows 3 and 4 end before column G,
    # and were stored with no channel
    plan = write_plan(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "渠道", "访问", "点击率", "销售额", "备注", "平台"])
    sheet.append(["2024-06-01", "线上", 100, None, None, None, "天猫"])
    sheet.append(["2024-06-02", "线上", 200])
    sheet.append(["2024-06-03", "线上", 300])
    sheet.merge_cells("G2:G4")
    book.save(tmp_path / "last.xlsx")
    assert b'r="G3"' not in zipfile.ZipFile(tmp_path / "last.xlsx").read(SHEET)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, tmp_path / "last.xlsx", "--source", "daily", "--store", store)
    assert run.code == 0, run.output
    found = {(day, channel): value for (_, day, channel), value in observed(store).items()}
    assert found == {
        ("2024-06-01", "天猫"): Decimal(100),
        ("2024-06-02", "天猫"): Decimal(200),
        ("2024-06-03", "天猫"): Decimal(300),
    }


def test_merge_tags_in_a_cells_text_or_a_comment_merge_nothing(tmp_path: Path) -> None:
    # <mergeCell …> written in a CDATA cell text, or in a comment, is no merge: only the
    # <mergeCells> after the sheet data are; a note merged C2:C4 filled the channel down
    plan = write_plan(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["日期", "渠道", "平台", "访问", "点击率", "销售额", "备注"])
    sheet.append(["2024-06-01", "线上", "wx", 100, None, None, "NOTE"])
    sheet.append(["2024-06-02", "线上", None, 200])
    sheet.append(["2024-06-03", "线上", None, 300])
    book.save(tmp_path / "cdata.xlsx")
    fake = b'<mergeCell ref="C2:C4"/>'
    patched(
        tmp_path / "cdata.xlsx",
        {
            SHEET: [
                (
                    b'<c r="G2" t="inlineStr"><is><t>NOTE</t></is></c>',
                    b'<c r="G2" t="inlineStr"><is><t><![CDATA['
                    + fake
                    + b"<mergeCell " * 2_000
                    + b"]]></t></is></c>",
                ),
                (b"</sheetData>", b"</sheetData><!-- " + fake + b" -->"),
            ]
        },
    )
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, tmp_path / "cdata.xlsx", "--source", "daily", "--store", store)
    assert run.code == 0, run.output
    found = {(day, channel): value for (_, day, channel), value in observed(store).items()}
    assert found == {
        ("2024-06-01", "wx"): Decimal(100),
        ("2024-06-02", ""): Decimal(200),
        ("2024-06-03", ""): Decimal(300),
    }


def test_merged_cells_are_found_wherever_the_chunks_of_sheet_xml_cut_them(tmp_path: Path) -> None:
    # the sheet XML is read 1 MiB at a time: a tag, a comment or the end of the sheet data
    # cut at a chunk's end is read whole
    data = b'<c r="A1" t="inlineStr"><is><t>x</t></is></c>'
    ending = b'</sheetData><!-- <mergeCell ref="B2:B9"/> --><mergeCells count="1">'
    merge = b'<mergeCell ref="A2:A5"/></mergeCells></worksheet>'
    for cut in range(0, len(ending) + len(merge), 3):
        head = b"<worksheet><sheetData>" + data * ((1 << 20) // len(data))
        head += b" " * ((1 << 20) - len(head) % (1 << 20) - cut)
        book = tmp_path / f"cut{cut}.xlsx"
        with zipfile.ZipFile(book, "w") as archive:
            archive.writestr(SHEET, head + ending + merge)
        assert _merged_down(book, SHEET) == ((0, 2, 5),), cut


def test_a_yen_sign_with_the_japanese_locale_is_japanese_yen(tmp_path: Path) -> None:
    # [$¥-411] is how Excel writes yen for ja-JP: 1234.5 JPY was stored as 1234.5 CNY,
    # since a bare ¥ means the plan's currency; the Chinese locales' ¥ is still yuan
    plan = write_plan(tmp_path)
    rows: list[list[Any]] = [["2024-06-0" + str(day), "web.sales", 1234.5] for day in (1, 2, 3)]
    formats = {"C2": "[$¥-411]#,##0.0", "C3": "[$¥-804]#,##0.0", "C4": '"¥"#,##0.0'}
    book = workbook(tmp_path / "jpy.xlsx", rows, formats)
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, book, "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    rejects = (tmp_path / "jpy.rejects.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[1] for line in rejects] == ["2"]
    assert "a value in JPY, but 'web.sales' is in CNY" in rejects[0]
    assert stored(store) == {
        ("web.sales", "2024-06-02"): Decimal("1234.5"),
        ("web.sales", "2024-06-03"): Decimal("1234.5"),
    }
    for chinese in ("804", "1004", "404", "c04", "1404"):
        assert _format_currency(f"[$¥-{chinese}]0") == "¥"
    assert _format_currency("[$¥-80411]0") == "JPY"


def test_a_scale_a_number_format_writes_is_read_as_a_cell_would_read_it(tmp_path: Path) -> None:
    # 0.0"万次" shows 1.2 as 1.2万次, which no cell reads: refused, not stored as 1.2;
    # 0"w" shows 3 as 3w (30,000); 0"万"0000 writes 万 among the digits, scaling nothing;
    # a negative number is shown by the format's second section
    plan = write_plan(tmp_path)
    rows: list[list[Any]] = [
        ["2024-06-0" + str(day), 1, value] for day, value in enumerate((1.2, 3, 12, -2, 5), start=1)
    ]
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["day", "Sales", "Visits"])
    for row in rows:
        sheet.append(row)
    formats = {
        "C2": '0.0"万次"',
        "C3": '0"w"',
        "C4": '0"万"0000',
        "C5": '0"万";-0',
        "C6": '0;-0"万"',
    }
    for cell, number_format in formats.items():
        sheet[cell].number_format = number_format
    book.save(tmp_path / "wan.xlsx")
    store = tmp_path / "s.sqlite"
    run = run_cli(
        "ingest",
        plan,
        tmp_path / "wan.xlsx",
        "--source",
        "web_only",
        "--store",
        store,
        "--skip-invalid",
    )
    assert run.code == 0, run.output
    rejects = (tmp_path / "wan.rejects.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [line.split(",")[1] for line in rejects] == ["2"]
    assert "1.2万次" in rejects[0]
    visits = {day: value for (kpi, day, _), value in observed(store).items() if kpi == "web.visits"}
    assert visits == {
        "2024-06-02": Decimal(30000),
        "2024-06-03": Decimal(12),
        "2024-06-04": Decimal(-2),
        "2024-06-05": Decimal(5),
    }


def test_only_the_workbook_part_the_package_names_asks_for_recalculation(tmp_path: Path) -> None:
    # any part ending in workbook.xml was read: a stale copy beside the real workbook (here
    # customXml/workbook.xml) refused the results Excel saved as unsaved
    plan = write_plan(tmp_path)
    book = excel_saved(tmp_path / "decoy.xlsx")
    with zipfile.ZipFile(book, "a") as archive:
        archive.writestr("customXml/workbook.xml", b"<workbook>" + OPENPYXL_CALC + b"</workbook>")
    assert_excel_results_stored(plan, book, tmp_path / "s.sqlite")


def test_a_number_excel_formatted_as_a_date_says_so(tmp_path: Path) -> None:
    """GA4's "Event count per user" 3.95 saved under `mmm-yy` is the date Mar-95: refused
    with what happened and how to export it, not a bare "not a number"."""
    plan = write_plan(tmp_path)
    book = workbook(tmp_path / "d.xlsx", [["2024-06-05", "web.sales", 34759]], {"C2": "mmm-yy"})
    run = run_cli("ingest", plan, book, "--store", tmp_path / "s.sqlite")
    assert run.code == 1
    assert "d.xlsx:2 value: '1995-03-01': a date where a number belongs" in run.stderr
    assert "format the column as numbers" in run.stderr


def test_a_formula_error_cell_is_refused_as_one_and_na_is_no_value(tmp_path: Path) -> None:
    # Excel shows #DIV/0!, #REF! … where a formula failed: refused, saying so (not "not a
    # number"); #N/A, a lookup that found nothing, is no value, as it is in a CSV
    plan = write_plan(tmp_path)
    errors = ["#DIV/0!", "#REF!", "#VALUE!", "#NAME?"]
    rows: list[list[Any]] = [["2024-06-01", "web.sales", "#N/A"]]
    rows += [[f"2024-06-0{day}", "web.sales", error] for day, error in enumerate(errors, 2)]
    book = workbook(tmp_path / "errors.xlsx", rows)
    opened = openpyxl.load_workbook(book)
    sheet = opened.active
    assert sheet is not None
    for row in range(2, 3 + len(errors)):
        sheet.cell(row=row, column=3).data_type = "e"  # error cells, t="e", as Excel saves them
    opened.save(book)
    run = run_cli("ingest", plan, book, "--store", tmp_path / "s.sqlite")
    assert run.code == 1
    for line, error in enumerate(errors, 3):
        assert (
            f"errors.xlsx:{line} value: {error!r}: the spreadsheet's formula failed" in run.stderr
        )
    assert "errors.xlsx:2" not in run.stderr
    assert "not a number" not in run.stderr
    csv = tmp_path / "errors.csv"
    csv.write_text("date,kpi,value\n2024-06-02,web.sales,#div/0!\n", encoding="utf-8")
    zh = run_cli("ingest", plan, csv, "--store", tmp_path / "s.sqlite", "--lang", "zh")
    assert "errors.csv:2 value: '#div/0!'：表格中此单元格的公式出错" in zh.stderr
