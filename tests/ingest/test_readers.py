"""Unit tests of value, date, encoding and delimiter parsing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mktplan.errors import IngestError
from mktplan.ingest.columns import PandasColumn
from mktplan.ingest.readers import (
    detect_delimiter,
    detect_encoding,
    parse_date,
    parse_dates,
    parse_numbers,
    parse_value,
    read_header,
)


@pytest.mark.parametrize(
    ("raw", "value", "percent"),
    [
        ("1,234", "1234", False),
        ("1,234.50", "1234.5", False),
        ("2.1%", "2.1", True),
        ("2.1 ％", "2.1", True),
        ("￥35,000", "35000", False),
        ("¥35,000", "35000", False),
        ("35000元", "35000", False),
        ("(1,200)", "-1200", False),
        ("(¥1,200)", "-1200", False),
        ("-¥1,200", "-1200", False),
        (" 300 ", "300", False),
        ("１２３", "123", False),
        ("１，２３４．５", "1234.5", False),
        (".5", "0.5", False),
        ("0.1234567", "0.123457", False),  # quantized to six places
        ("0.0000005", "0.000000", False),  # half-even
        ("1e5", "100000", False),  # spreadsheets write big numbers so; pandas and pyarrow read it
        ("1.2E+5", "120000", False),
        ("5.", "5", False),
        ("1e-999999999999", "0", False),
        ("1e-999999999999999999999", "0", False),
        ("1e0000001", "10", False),  # leading zeros in the exponent are just zeros
        ("1e-0000001", "0.1", False),
    ],
)
def test_parse_value_forms(raw: str, value: str, percent: bool) -> None:
    parsed, pct = parse_value(raw)
    assert parsed == Decimal(value)
    assert pct is percent


@pytest.mark.parametrize("raw", ["", "  ", "-", "—", "–", "N/A", "n/a", "/", "--"])
def test_parse_value_no_value(raw: str) -> None:
    assert parse_value(raw) == (None, False)


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("abc", "not a number"),
        ("1,23", "not a number"),
        ("1.2.3", "not a number"),
        ("¥12%", "both money and a percentage"),
        ("1e999999999999", "too large"),  # no arithmetic on the exponent: no overflow
        ("1e999999999999999999999", "too large"),  # beyond what Decimal takes at all
        ("999999999999.9999999", "too large"),  # rounds up to the limit
        ("1,234e5", "not a number"),
        ("1000000000000", "too large"),
    ],
)
def test_parse_value_rejects(raw: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_value(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-06-10",
        "2024/6/10",
        "2024.6.10",
        "2024年6月10日",
        "２０２４年６月１０日",
        "2024-06-10 00:00:00",
        "2024/6/10 0:00",
        "20240610",
    ],
)
def test_parse_date_forms(raw: str) -> None:
    assert parse_date(raw) == dt.date(2024, 6, 10)


def test_parse_date_excel_serial_only_for_excel() -> None:
    assert parse_date("45453", excel=True) == dt.date(2024, 6, 10)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("45453")


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("2024-02-30", "calendar"),
        ("June 10", "not a date on its own"),
        ("2024041623", "a date and an hour"),  # GA4's dateHour
        ("2024041624", "not a date; write"),  # no hour 24
        ("2024023012", "not a date; write"),  # no 30 February
        ("0027", "a number, not a date"),  # GA4's "Nth day"
        ("7", "a number, not a date"),
        ("1234567890", "not a date; write"),
    ],
)
def test_parse_date_rejects(raw: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_date(raw)


def test_parse_numbers_fast_and_slow_paths_agree() -> None:
    texts = pd.Series(["1", "2.5", "1,234.56", "-", "2.1%", "x", "0.1234567", "999999999.99"])
    parsed = parse_numbers(PandasColumn(texts))
    assert parsed.micro[:3].tolist() == [1_000_000, 2_500_000, 1_234_560_000]
    assert parsed.present.tolist() == [True, True, True, False, True, False, True, True]
    assert parsed.percent.tolist() == [False, False, False, False, True, False, False, False]
    assert parsed.micro[4] == 2_100_000
    assert parsed.micro[6] == 123_457
    assert parsed.micro[7] == 999_999_999_990_000
    assert set(parsed.errors) == {5}


def test_parse_numbers_int_and_float_columns() -> None:
    ints = parse_numbers(PandasColumn(pd.Series([1, 2, 3], dtype="int64")))
    assert ints.micro.tolist() == [1_000_000, 2_000_000, 3_000_000]
    floats = parse_numbers(PandasColumn(pd.Series([0.1, 24586.06, 0.12345678, np.nan])))
    assert floats.micro[:3].tolist() == [100_000, 24_586_060_000, 123_457]
    assert floats.present.tolist() == [True, True, True, False]


def test_parse_dates_maps_unique_values() -> None:
    parsed = parse_dates(PandasColumn(pd.Series(["2024-06-10", "2024/6/10", "bad", "2024-06-10"])))
    assert parsed.ok.tolist() == [True, True, False, True]
    assert parsed.days[1] == np.datetime64("2024-06-10")
    assert list(parsed.errors) == [2]


def test_detect_encoding() -> None:
    assert detect_encoding("日期,渠道\n".encode()) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbfdate,kpi\n") == "utf-8-sig"
    assert detect_encoding("日期,渠道\n".encode("gbk")) == "gb18030"
    # a sample cut in the middle of a character is still UTF-8
    assert detect_encoding("日期".encode()[:4]) == "utf-8"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_detect_delimiter(delimiter: str) -> None:
    lines = [delimiter.join(["date", "kpi", "value"]), delimiter.join(["2024-06-10", "a", "1,5"])]
    if delimiter == ",":
        lines[1] = '2024-06-10,a,"1,5"'
    assert detect_delimiter(lines) == delimiter


def test_read_header_errors(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        read_header(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match="no header row") as info:
        read_header(empty)
    assert info.value.line == 1
    with pytest.raises(IngestError, match="unknown encoding"):
        read_header(tmp_path / "empty.csv", encoding="klingon")
    old = tmp_path / "old.xls"
    old.write_bytes(b"x")
    with pytest.raises(IngestError, match=r"\.xls"):
        read_header(old)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(IngestError, match="not a readable"):
        read_header(bad)


def test_bytes_valid_as_utf8_and_gbk_are_read_as_utf8(tmp_path: Path) -> None:
    # 元 in GBK is D4 AA, which UTF-8 reads as "Ԫ": guessing GB18030 could garble real UTF-8
    # (full-width digits read as GB18030 become ideographs), so UTF-8 wins and --encoding
    # settles it; a GBK file with a Chinese header is never valid UTF-8
    sample = "date,kpi,value\n2024-06-01,web.sales,35000元\n".encode("gb18030")
    assert detect_encoding(sample) == "utf-8"
    assert detect_encoding("日期,渠道\n".encode("gb18030")) == "gb18030"
    assert detect_encoding("０．３４,４\n".encode()) == "utf-8"


def test_an_excel_percent_cell_holding_a_whole_number_keeps_its_percent() -> None:
    from mktplan.ingest.read.xlsx import _excel_cell_text

    assert _excel_cell_text(1, "0%") == "100%"  # 100 % is stored as 1 and read back as an int
    assert _excel_cell_text(0.021, "0.0%") == "2.1%"
    assert _excel_cell_text(1, "General") == "1"


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (2.1, '0.0"%"', "2.1%"),  # the % is quoted text: Excel shows 2.1 as "2.1%"
        (3.5, "0.0\\%", "3.5%"),  # escaped: likewise not scaled
        (0.045, "0.0%", "4.5%"),  # a real percent format: Excel shows 0.045 as 4.5%
        (0.5, '[Red]0%;"-"', "50%"),
        (7, '"pcs"0', "7"),
    ],
)
def test_excel_percent_formats_scale_only_when_excel_does(
    value: float, number_format: str, text: str
) -> None:
    from mktplan.ingest.read.xlsx import _excel_cell_text

    assert _excel_cell_text(value, number_format) == text


@pytest.mark.parametrize("raw", ["--5", "(−5)", "-+5", "(-1,200)"])
def test_more_than_one_sign_is_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="more than one sign"):
        parse_value(raw)


def test_a_mapped_column_named_twice_is_refused(tmp_path: Path) -> None:
    from tests.conftest import run_cli
    from tests.ingest.helpers import write, write_plan

    plan = write_plan(tmp_path)
    export = write(tmp_path, "dup.csv", "date,kpi,value,value\n2024-06-02,web.sales,1,5\n")
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite")
    assert run.code == 1
    assert "'value' appears twice (columns 3 and 4)" in run.stderr
    assert not (tmp_path / "s.sqlite").exists()


def test_an_xlsx_formula_without_a_saved_result_is_a_rejected_row(tmp_path: Path) -> None:
    import openpyxl

    from tests.conftest import run_cli
    from tests.ingest.helpers import write_plan

    plan = write_plan(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["date", "kpi", "value"])
    sheet.append(["2024-06-02", "web.sales", 10])
    sheet.append(["2024-06-03", "web.sales", "=C2*2"])  # openpyxl saves no cached result
    export = tmp_path / "calc.xlsx"
    book.save(export)
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite")
    assert run.code == 1
    assert "calc.xlsx:3 value: '=C2*2': a formula without a saved result" in run.stderr
