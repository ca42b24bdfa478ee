"""pyarrow's fast CSV path and the pandas path give the same columns.

Which reader ran (pyarrow for UTF-8 files it reads cleanly, pandas for everything else) must
never change what a user gets: the same numbers, the same rejected rows with the same reasons
and the same cell text in the rejects, the same texts. Every test here reads real files
written to tmp_path with both readers and compares what mapping code sees.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktplan.errors import IngestError
from mktplan.ingest import readers
from mktplan.ingest.columns import ArrowColumn, Body, Column, PandasColumn, arrow_body, pandas_body
from mktplan.ingest.read import csv_pandas
from tests.ingest.helpers import write_plan

NOT_A_NUMBER = "not a number"
TOO_LARGE = "too large"


# --- helpers ---------------------------------------------------------------------------


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    """A CSV file as csv.writer writes it (quoting cells that hold the delimiter)."""
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def bodies(path: Path, positions: list[int], text_positions: set[int]) -> tuple[Body, Body]:
    """The file's body read by pyarrow (which must read it) and by pandas."""
    header = readers.read_header(path)
    arrow = arrow_body(
        str(path), header.delimiter, len(header.headers), positions, text_positions, header_line=1
    )
    assert arrow is not None, "pyarrow should read this file cleanly"
    pandas = pandas_body(csv_pandas.read_csv_pandas(header), positions, 2)
    return arrow, pandas


def row_texts(column: Column) -> list[str]:
    """The text of every row, through factorize (as mapping code reads text columns)."""
    codes, uniques = column.factorize()
    return [uniques[c] for c in codes.tolist()]


def numbers_view(column: Column) -> dict[str, Any]:
    """parse_numbers of a column as plain lists, plus the raw text of each rejected cell."""
    parsed = readers.parse_numbers(column)
    assert parsed.micro.dtype == np.int64
    assert parsed.present.dtype == np.bool_
    assert parsed.percent.dtype == np.bool_
    return {
        "micro": parsed.micro.tolist(),
        "present": parsed.present.tolist(),
        "percent": parsed.percent.tolist(),
        "errors": parsed.errors,
        "raw": {p: column.raw(p) for p in parsed.errors},
    }


def assert_numbers_agree(
    arrow: Column, pandas: Column, *, raw: Literal["text", "always"] = "text"
) -> None:
    """Both readers' column parses to the same micro/present/percent and errors. The raw text
    of the rejected cells is compared too: with ``raw="text"`` only when both columns are text
    (an inferred number knows its value, not how the file wrote it), with ``raw="always"``
    whatever the columns' kinds (what the rejects list shows the user)."""
    a = readers.parse_numbers(arrow)
    p = readers.parse_numbers(pandas)
    views = f"arrow ({arrow.kind}): {numbers_view(arrow)}\npandas ({pandas.kind}): " + str(
        numbers_view(pandas)
    )
    assert len(arrow) == len(pandas), views
    assert np.array_equal(a.micro, p.micro), views
    assert np.array_equal(a.present, p.present), views
    assert np.array_equal(a.percent, p.percent), views
    assert a.errors == p.errors, views
    if raw == "always" or (arrow.kind == pandas.kind == "text"):
        assert {k: arrow.raw(k) for k in a.errors} == {k: pandas.raw(k) for k in p.errors}, views


def assert_dates_agree(arrow: Column, pandas: Column) -> None:
    a = readers.parse_dates(arrow)
    p = readers.parse_dates(pandas)
    assert np.array_equal(a.ok, p.ok)
    assert np.array_equal(a.days[a.ok], p.days[p.ok])
    assert a.errors == p.errors
    assert {k: arrow.raw(k) for k in a.errors} == {k: pandas.raw(k) for k in p.errors}


def assert_bodies_agree(
    arrow: Body, pandas: Body, *, metrics: Sequence[int], texts: Sequence[int], date: int | None
) -> None:
    assert arrow.size == pandas.size
    assert arrow.first_line == pandas.first_line == 2
    for position in metrics:
        assert_numbers_agree(arrow[position], pandas[position])
    for position in texts:
        assert arrow[position].kind == pandas[position].kind == "text"
        assert row_texts(arrow[position]) == row_texts(pandas[position])
        everything = np.arange(arrow.size)
        assert arrow[position].texts(everything) == pandas[position].texts(everything)
    if date is not None:
        assert_dates_agree(arrow[date], pandas[date])


def outcome(column: Column) -> list[Any]:
    """Per row: "error", None (no value), the micro-units, or ("%", micro) for a percent."""
    parsed = readers.parse_numbers(column)
    found: list[Any] = []
    for i in range(len(column)):
        if i in parsed.errors:
            assert not parsed.present[i]
            found.append("error")
        elif not parsed.present[i]:
            found.append(None)
        elif parsed.percent[i]:
            found.append(("%", int(parsed.micro[i])))
        else:
            found.append(int(parsed.micro[i]))
    return found


def metric_file(tmp_path: Path, cells: Sequence[str]) -> Path:
    """date,value with one cell per row (dates 2024-06-01, -02, ...)."""
    rows = [(f"2024-06-{i % 28 + 1:02d}", cell) for i, cell in enumerate(cells)]
    return write_csv(tmp_path / "export.csv", ("date", "value"), rows)


def both_metric(tmp_path: Path, cells: Sequence[str]) -> tuple[Column, Column]:
    arrow, pandas = bodies(metric_file(tmp_path, cells), [0, 1], {0})
    assert_dates_agree(arrow[0], pandas[0])
    return arrow[1], pandas[1]


# --- value spellings, one column at a time ----------------------------------------------

M = 1_000_000  # one unit in micro-units
ERR = "error"

# (id, cells of one metric column, what each cell must parse to)
SPELLINGS: list[tuple[str, list[str], list[Any]]] = [
    ("ints", ["1", "20", "-3", "0"], [M, 20 * M, -3 * M, 0]),
    ("two-decimals", ["1.25", "3.10", "0.01"], [1_250_000, 3_100_000, 10_000]),
    ("empty-and-numbers", ["", "5", "", "7.5"], [None, 5 * M, None, 7_500_000]),
    ("thousands-quoted", ["1,234", "5"], [1_234 * M, 5 * M]),
    ("thousands-decimals", ["1,234.50", "2"], [1_234_500_000, 2 * M]),
    ("percent", ["2.1%", "3"], [("%", 2_100_000), 3 * M]),
    ("full-width-yen", ["￥35,000", "1"], [35_000 * M, M]),
    ("parenthesised-negative", ["(1,200)", "1"], [-1_200 * M, M]),
    ("dash", ["-", "1"], [None, M]),
    ("n/a", ["N/A", "2"], [None, 2 * M]),
    ("only-dashes", ["-", "—", "N/A"], [None, None, None]),
    ("padded", [" 300 ", "1"], [300 * M, M]),
    ("padded-among-text", [" 300 ", "abc"], [300 * M, ERR]),
    ("full-width-digits", ["１２３", "1"], [123 * M, M]),
    ("exponent", ["1e5", "2"], [100_000 * M, 2 * M]),
    ("exponent-forms", ["1.5E+3", "2.5e-3", "1e5"], [1_500 * M, 2_500, 100_000 * M]),
    ("tiny-exponent", ["1e-7", "1.5e-6"], [0, 2]),
    ("inf", ["inf", "1"], [ERR, M]),
    ("minus-inf", ["-inf", "1.5"], [ERR, 1_500_000]),
    ("nan", ["nan", "1"], [None, M]),
    ("true-false-among-numbers", ["true", "1", "false"], [ERR, M, ERR]),
    ("dates-in-a-metric", ["2024-06-10", "2024-06-11"], [ERR, ERR]),
    ("dates-and-a-number", ["2024-06-10", "5"], [ERR, 5 * M]),
    ("huge-integer", ["99999999999999999999", "1"], [ERR, M]),
    ("too-large-int64", ["9999999999999", "1"], [ERR, M]),
    ("just-below-the-limit", ["999999999999", "1"], [999_999_999_999 * M, M]),
    ("negatives", ["-5", "-1.5", "-0.25"], [-5 * M, -1_500_000, -250_000]),
    ("plus-sign", ["+5", "1"], [5 * M, M]),
    ("leading-dot", [".5", "1"], [500_000, M]),
    ("trailing-dot", ["5.", "1"], [5 * M, M]),
    ("seven-decimals", ["0.1234567", "1"], [123_457, M]),
    ("abc", ["abc", "1"], [ERR, M]),
    ("all-empty", ["", ""], [None, None]),
    ("leading-zeros", ["007", "1"], [7 * M, M]),
    (
        "mixed-text",
        ["1,234", "", "abc", "2.5", "-", "(3)", "１２３", " 300 ", "2.1%"],
        [1_234 * M, None, ERR, 2_500_000, None, -3 * M, 123 * M, 300 * M, ("%", 2_100_000)],
    ),
]

# cases where the two readers disagreed while pyarrow inferred int64/float64 columns and
# pandas read a column with an empty cell as text; value columns are now read as float64
# with the cells re-read as written wherever the float is not provably the decimal, and
# pandas reads every value as text: id -> (cells, what differed)
DISAGREEMENTS: dict[str, tuple[list[str], str]] = {
    "float-overflowing-exponent-with-an-empty-cell": (
        ["1E400", ""],
        "both reject row 0, for different reasons: pyarrow's float64 column holds inf, so "
        "'not a number; write e.g. ...' (raw 'inf'); pandas reads a column with an empty cell as "
        "text and parse_value says 'too large: values must stay below 1,000,000,000,000' "
        "(raw '1E400')",
    ),
    "hex-integer": (
        ["0x1A", "1"],
        "pyarrow's int64 inference accepts '0x1A' as 26 (present, no error); pandas reads the "
        "column as text and rejects '0x1A' as not a number",
    ),
    "signed-nan": (
        ["-nan", "1"],
        "pyarrow infers float64 and '-nan' is NaN, silently no value; pandas keeps the column "
        "as text and rejects '-nan' as not a number",
    ),
    "seventeen-digits-with-an-empty-cell": (
        ["12345678901.123456", ""],
        "pyarrow's float64 rounds to 12345678901.123455 (micro 12345678901123455); pandas reads "
        "a column with an empty cell as text and keeps 12345678901.123456 exactly",
    ),
    "just-below-the-limit-with-decimals-and-an-empty-cell": (
        ["999999999999.999999", ""],
        "pyarrow's float64 rounds to 1e12 and rejects the cell as too large (raw "
        "'1000000000000.0'); pandas (text column) keeps 999999999999.999999, present",
    ),
}


def spelling_params() -> list[Any]:
    """Each case as it is, and with an empty cell added: an empty cell turns a pandas column
    into text, while pyarrow keeps inferring numbers (the empty cell is a null)."""
    params = []
    for case, cells, expected in SPELLINGS:
        params.append(pytest.param(cells, expected, id=case))
        params.append(
            pytest.param([*cells, ""], [*expected, None], id=f"{case}-plus-an-empty-cell")
        )
    return params


@pytest.mark.parametrize(("cells", "expected"), spelling_params())
def test_value_spellings_agree(tmp_path: Path, cells: list[str], expected: list[Any]) -> None:
    arrow, pandas = both_metric(tmp_path, cells)
    assert_numbers_agree(arrow, pandas)
    assert outcome(arrow) == expected
    assert outcome(pandas) == expected


def test_spot_checks_name_the_reasons(tmp_path: Path) -> None:
    arrow, pandas = both_metric(tmp_path, ["1,234", "-", "abc", "99999999999999999999", "inf"])
    for column in (arrow, pandas):
        parsed = readers.parse_numbers(column)
        assert parsed.micro[0] == 1_234_000_000
        assert parsed.present.tolist() == [True, False, False, False, False]
        assert sorted(parsed.errors) == [2, 3, 4]  # "-" is no value, not an error
        assert str(parsed.errors[2]).startswith(NOT_A_NUMBER)
        assert str(parsed.errors[3]).startswith(TOO_LARGE)
        assert str(parsed.errors[4]).startswith(NOT_A_NUMBER)
        assert column.raw(2) == "abc"
    # the column holds text, so pyarrow did not decide it was numbers
    assert isinstance(arrow, ArrowColumn)
    assert isinstance(pandas, PandasColumn)
    assert arrow.kind == pandas.kind == "text"


@pytest.mark.parametrize(
    "cells",
    [pytest.param(cells, id=case) for case, (cells, _) in DISAGREEMENTS.items()],
)
def test_cells_the_readers_once_disagreed_on(tmp_path: Path, cells: list[str]) -> None:
    arrow, pandas = both_metric(tmp_path, cells)
    assert_numbers_agree(arrow, pandas, raw="always")


# the rejected cell's text, as the rejects list and rejects file show it; it once differed:
# id -> (cells, what differed)
RAW_DISAGREEMENTS: dict[str, tuple[list[str], str]] = {
    "only-true-false": (
        ["true", "false"],
        "both reject both cells as not a number, but pandas infers a bool column, so raw() "
        "gives 'True'/'False' where pyarrow (re-read as text) gives the file's 'true'/'false'",
    ),
    "only-upper-case-true": (
        ["TRUE"],
        "both reject the cell; raw() is 'TRUE' from pyarrow and 'True' from pandas",
    ),
    "huge-integer": (
        ["99999999999999999999", "1"],
        "both reject row 0 as too large; raw() is '1e+20' from pyarrow (float64 column) and "
        "'99999999999999999999' from pandas (text column)",
    ),
    "infinity-with-an-empty-cell": (
        ["Infinity", ""],
        "both reject row 0 as not a number; raw() is 'inf' from pyarrow (float64 column) and "
        "'Infinity' from pandas (text column)",
    ),
}


@pytest.mark.parametrize(
    "cells",
    [pytest.param(cells, id=case) for case, (cells, _) in RAW_DISAGREEMENTS.items()],
)
def test_rejected_cells_the_readers_once_showed_apart(tmp_path: Path, cells: list[str]) -> None:
    arrow, pandas = both_metric(tmp_path, cells)
    # the numbers and reasons agree; only the text shown for the rejected cell differs
    assert readers.parse_numbers(arrow).errors == readers.parse_numbers(pandas).errors
    assert_numbers_agree(arrow, pandas, raw="always")


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(",", "utf-8"), (";", "utf-8"), ("\t", "utf-8"), (",", "utf-8-sig")],
)
def test_a_wide_table_agrees_column_by_column(
    tmp_path: Path, delimiter: str, encoding: str
) -> None:
    rows = [
        ("2024-06-01", "天猫", "1,234", "12", "2.5%", "note, with a comma"),
        ("2024-06-02", " tmall ", "", "7", "-", 'say "hi"'),
        ("2024/6/3", "-", "(1,200)", "", "3%", ""),
        ("2024年6月4日", "", "１２３", "8", "N/A", "备注; 含分号"),
        ("not a date", "天猫", "abc", "9", "1.5", "x"),
    ]
    header = ("date", "channel", "sales", "visits", "ctr", "note")
    path = write_csv(tmp_path / "wide.csv", header, rows, encoding=encoding, delimiter=delimiter)
    positions, text_positions = [0, 1, 2, 3, 4, 5], {0, 1, 5}
    arrow, pandas = bodies(path, positions, text_positions)
    assert_bodies_agree(arrow, pandas, metrics=[2, 3, 4], texts=[0, 1, 5], date=0)
    assert outcome(arrow[2]) == [1_234 * M, None, -1_200 * M, 123 * M, ERR]
    assert outcome(arrow[3]) == [12 * M, 7 * M, None, 8 * M, 9 * M]
    assert row_texts(arrow[1]) == ["天猫", " tmall ", "-", "", "天猫"]
    assert row_texts(arrow[5])[3] == "备注; 含分号"
    assert sorted(readers.parse_dates(arrow[0]).errors) == [4]
    # the same columns through read_columns, which takes the fast path here
    header_read = readers.read_header(path)
    assert header_read.delimiter == delimiter
    assert isinstance(readers.read_columns(header_read, positions, text_positions)[2], ArrowColumn)


# --- files pyarrow does not read: read_columns falls back to pandas ---------------------


def test_too_many_fields_is_refused_with_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"date,m,n\n2024-06-01,1,a\n2024-06-02,2,b,extra\n")
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    header = readers.read_header(path)
    with pytest.raises(IngestError) as info:
        readers.read_columns(header, [0, 1, 2], {0, 2})
    assert str(info.value) == "4 fields where the header has 3; field 4 is 'extra'"
    assert info.value.line == 3
    assert "as many fields as the header" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # pandas counts records: a quoted value over two lines above made it say line 3
        (b'date,m,n\n2024-06-01,1,"a\nb"\n2024-06-02,2,b,extra\n', 4),
        # ... and blank lines: it said line 4
        (b"date,m,n\n2024-06-01,1,a\n\n\n2024-06-02,2,b,extra\n", 5),
        (b'date,m,n\r\n2024-06-01,1,"a\r\n\r\nb"\r\n\r\n2024-06-02,2,b,x,y\r\n', 6),
        # a quoted cell longer than Python's csv module reads by default (131,072)
        (b'date,m,n\n2024-06-01,1,"' + b"x" * 200_000 + b'\ny"\n\n2024-06-02,2,b,extra\n', 5),
    ],
)
def test_a_row_with_too_many_fields_is_named_by_its_file_line(
    tmp_path: Path, text: bytes, line: int
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(text)
    with pytest.raises(IngestError, match="fields where the header has 3; field 4 is ") as info:
        readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert info.value.line == line


def test_too_many_fields_in_the_first_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"date,m,n\n2024-06-01,1,a,extra\n2024-06-02,2,b\n")
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    with pytest.raises(IngestError, match="4 fields where the header has 3") as info:
        readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert info.value.line == 2


def test_too_few_fields_fall_back_to_pandas_which_pads_them(tmp_path: Path) -> None:
    path = tmp_path / "short.csv"
    path.write_bytes(b"date,m,n\n2024-06-01,1,a\n2024-06-02,2\n2024-06-03\n")
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    body = readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert isinstance(body[1], PandasColumn)
    assert body.size == 3
    assert row_texts(body[0]) == ["2024-06-01", "2024-06-02", "2024-06-03"]
    assert row_texts(body[2]) == ["a", "", ""]
    # the missing number is no value, not an error
    assert outcome(body[1]) == [M, 2 * M, None]


def test_a_quoted_line_break_goes_to_pandas(tmp_path: Path) -> None:
    """Text holding a line break is read by pandas, and rows stay file lines: a record over
    two lines is followed by an empty row (like a blank line), so the next record is on
    line 4, as a text editor shows it (it was said to be on line 3)."""
    for name, data in {
        "lf.csv": b'date,m,n\n2024-06-01,1,"a\nb"\n2024-06-02,2,c\n',
        "crlf.csv": b'date,m,n\r\n2024-06-01,1,"a\r\nb"\r\n2024-06-02,2,c\r\n',
        "cr.csv": b'date,m,n\r2024-06-01,1,"a\rb"\r2024-06-02,2,c\r',
    }.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
        body = readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
        assert isinstance(body[2], PandasColumn)
        assert (body.first_line, body.size) == (2, 3), name
        texts = row_texts(body[2])
        assert texts[0] in ("a\nb", "a\r\nb", "a\rb")
        assert texts[1:] == ["", "c"]
        assert row_texts(body[0]) == ["2024-06-01", "", "2024-06-02"]


def test_a_quoted_line_break_below_a_title_and_above_another_table(tmp_path: Path) -> None:
    """The table-reading path (a header below line 1, an end line) counts lines too: a note
    of three lines puts the next record two lines lower, and the rows past the table's end
    (pandas counted records) are not read as the table's."""
    path = tmp_path / "t.csv"
    path.write_bytes(
        '标题\ndate,m,n\n2024-06-01,1,"x\ny\nz"\n2024-06-02,2,c\n\n其他\ndate,m,n\n'
        "2024-06-09,9,q\n".encode("gbk")
    )
    header = replace(readers.read_header(path, encoding="gbk"), headers=("date", "m", "n"), line=2)
    body = readers.read_columns(header, [0, 1, 2], {0, 2}, end_line=7)
    assert (body.first_line, body.size) == (3, 4)  # lines 3–6, the blank line 7 not read
    assert row_texts(body[0]) == ["2024-06-01", "", "", "2024-06-02"]
    assert row_texts(body[2])[3] == "c"
    body = readers.read_columns(header, [0, 1, 2], {0, 2})  # to the end of the file
    assert row_texts(body[0])[3:] == ["2024-06-02", "", "其他", "date", "2024-06-09"]


def test_a_quoted_line_break_across_a_block_boundary(tmp_path: Path) -> None:
    """A note over several lines, straddling pyarrow's 4 MiB block: once its lines became
    rows. Text holding a line break now goes to pandas, whose line numbers are the ones to
    report, and both read the note whole."""
    row = b"2024-06-01,1,plain text\n"
    block = 1 << 22  # arrow_body's block_size
    head = b"date,m,n\n" + row * ((block - 600) // len(row))
    # a quoted note of ten lines, straddling the 4 MiB boundary: the last line break before
    # the boundary is inside the quotes, wherever exactly pyarrow cuts
    note = "\n".join(["2024-06-09,999,x" * 6] * 10)  # lines that look like rows, too
    tail = b'2024-06-02,2,"' + note.encode() + b'"\n' + row * 3
    path = tmp_path / "big.csv"
    path.write_bytes(head + tail)
    assert len(head) < block < len(head) + len(tail)
    rows = (len(head) - len(b"date,m,n\n")) // len(row) + 1 + 3
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    body = readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert isinstance(body[2], PandasColumn)
    assert body.size == rows + 9  # the note's nine further lines are empty rows
    assert body[2].texts(np.array([rows - 4]))[0] == note
    assert readers.parse_numbers(body[1]).micro.sum() == (rows + 1) * 1_000_000


@pytest.mark.parametrize(
    ("data", "line"),
    [
        (b'date,m,n\n2024-06-01,1,"oops\n2024-06-02,3,\n2024-06-03,4,\n', 2),
        (b'date,m,n\n2024-06-01,1,a\n2024-06-02,3,"never closed', 3),
        (b'date,m,n\n2024-06-01,"1\n2024-06-02,3,b\n', 2),
        # a stray quote in an unquoted cell makes the count even (found in review)
        (
            b'date,m,n\n2024-06-01,1,5" screen\n2024-06-02,3,"oops\n2024-06-03,4,x\n'
            b"2024-06-04,7,y\n",
            3,
        ),
        # pandas counts records: a value over two lines above must not shift the line
        (b'date,m,n\n2024-06-01,1,"two\nlines"\n2024-06-02,3,"oops\n2024-06-03,4,x\n', 4),
    ],
    ids=["in-a-note-mid-file", "in-the-last-row", "in-a-value", "after-a-stray-quote", "below"],
)
def test_a_quote_that_never_closes_is_refused_not_read_to_the_end(
    tmp_path: Path, data: bytes, line: int
) -> None:
    """pyarrow lets an unclosed quote run to the end of the file, swallowing the rows after
    it; such a file goes to pandas, and is refused naming the line where the quote opens."""
    path = tmp_path / "open-quote.csv"
    path.write_bytes(data)
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    with pytest.raises(IngestError, match="never closed") as refused:
        readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert refused.value.line == line
    assert refused.value.hint is not None


def test_a_header_cell_over_two_lines_is_one_record_as_pandas_reads_it(tmp_path: Path) -> None:
    """pyarrow skips one line as the header, pandas one record (found in review: the 999
    inside the header's quotes became a row)."""
    path = tmp_path / "header.csv"
    path.write_bytes(b'date,m,"n\n2024-06-01,999,zz"\n2024-06-02,3,b\n')
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    body = readers.read_columns(readers.read_header(path), [0, 1, 2], {0, 2})
    assert body.size == 1
    assert readers.parse_numbers(body[1]).micro.tolist() == [3_000_000]


def test_a_column_both_text_and_value_reads_in_both_roles(tmp_path: Path) -> None:
    """A source may name one column as the note and map it to a KPI too."""
    path = tmp_path / "both.csv"
    path.write_bytes(b"day,clicks\n2024-06-01,5\n2024-06-02,1,234\n".replace(b"1,234", b'"7"'))
    body = readers.read_columns(readers.read_header(path), [0, 1], {0, 1})
    assert isinstance(body[1], ArrowColumn)
    assert readers.parse_numbers(body[1]).micro.tolist() == [5_000_000, 7_000_000]
    assert body[1].factorize()[1] == ["5", "7"]


def test_a_number_too_long_for_a_float_is_too_large_on_both_paths(tmp_path: Path) -> None:
    arrow, pandas = both_metric(tmp_path, ["1" * 400, "2"])
    for column in (arrow, pandas):
        parsed = readers.parse_numbers(column)
        assert str(parsed.errors[0]).startswith(TOO_LARGE)
        assert parsed.micro[1] == 2_000_000


@pytest.mark.parametrize(
    ("data", "column"),
    [
        (b"date,m,n\n2024-06-01,1,x\xff\n2024-06-02,2,b\n", 2),
        (b"date,m,n\n2024-06-01,1\xff,a\n2024-06-02,2,b\n", 1),
    ],
    ids=["in-a-text-cell", "in-a-metric-cell"],
)
def test_invalid_utf8_is_not_read_by_pyarrow(tmp_path: Path, data: bytes, column: int) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    assert arrow_body(str(path), ",", 3, [0, 1, 2], {0, 2}, header_line=1) is None
    # sniffed: neither UTF-8 nor GB18030, so latin-1, read by pandas
    sniffed = readers.read_header(path)
    assert sniffed.encoding == "latin-1"
    body = readers.read_columns(sniffed, [0, 1, 2], {0, 2})
    assert isinstance(body[1], PandasColumn)
    assert body.size == 2
    assert "\xff" in body[column].raw(0)
    # told it is UTF-8: the fast path declines and pandas names the encoding problem
    told = readers.read_header(path, encoding="utf-8")
    with pytest.raises(IngestError, match="not valid utf-8") as info:
        readers.read_columns(told, [0, 1, 2], {0, 2})
    assert "--encoding" in (info.value.hint or "")


# --- blank lines -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "blank_rows"),
    [
        (b"date,m,n\n2024-06-01,1,a\n\n2024-06-02,2,b\n", [1]),
        (b"date,m,n\n2024-06-01,1,a\n\n\n2024-06-02,,b\n", [1, 2]),
        (b"date,m,n\n2024-06-01,1,a\n2024-06-02,2,b\n\n", [2]),
        (b"date,m,n\r\n2024-06-01,1,a\r\n\r\n2024-06-02,2,b\r\n", [1]),
        (b"date,m,n\r2024-06-01,1.5,a\r\r2024-06-02,2,b\r", [1]),
        (b"date,m,n\n2024-06-01,1%,a\n\n2024-06-02,x,b\n", [1]),
    ],
    ids=["lf", "two-blank-lines", "at-the-end", "crlf", "bare-cr", "text-metric"],
)
def test_a_blank_line_is_an_empty_row_in_both(
    tmp_path: Path, data: bytes, blank_rows: list[int]
) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(data)
    arrow, pandas = bodies(path, [0, 1, 2], {0, 2})
    assert_bodies_agree(arrow, pandas, metrics=[1], texts=[0, 2], date=None)
    assert arrow.size == pandas.size == data.count(b"\n" if b"\n" in data else b"\r") - 1
    for body in (arrow, pandas):
        parsed = readers.parse_numbers(body[1])
        for row in blank_rows:
            assert row_texts(body[0])[row] == ""
            assert row_texts(body[2])[row] == ""
            assert not parsed.present[row]
            assert row not in parsed.errors


# --- property: any table of these cells reads the same -----------------------------------

DATES = [f"2024-06-0{d}" for d in range(1, 10)]
# the odd spellings of SPELLINGS, and the cells the readers once disagreed on, in any mix
ODD_CELLS = [
    "true",
    "FALSE",
    "0x1A",
    "-nan",
    "Infinity",
    "1E400",
    "12345678901.123456",
    "999999999999.999999",
    "1,234",
    "1,234.50",
    "2.1%",
    "￥35,000",
    "(1,200)",
    "-",
    "—",
    "N/A",
    " 300 ",
    "１２３",
    "1e5",
    "2.5E-3",
    "1.5e+3",
    "inf",
    "-inf",
    "nan",
    "+5",
    ".5",
    "5.",
    "-7",
    "abc",
    "2024-06-10",
    "99999999999999999999",
    "9999999999999",
    "007",
]


@st.composite
def decimal_texts(draw: st.DrawFn) -> str:
    """A decimal below 10^9 with 1 to 6 places, e.g. -123.045."""
    whole = draw(st.integers(0, 999_999_999))
    places = draw(st.integers(1, 6))
    fraction = draw(st.integers(0, 10**places - 1))
    sign = draw(st.sampled_from(["", "-"]))
    return f"{sign}{whole}.{fraction:0{places}d}"


CELLS = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    decimal_texts(),
    st.sampled_from(ODD_CELLS),
    st.just(""),
)
CHANNELS = st.text(alphabet="ab 天猫,;-\"'\n\r\t", max_size=4)


@st.composite
def tables(draw: st.DrawFn) -> tuple[int, list[list[str]]]:
    metrics = draw(st.integers(1, 3))
    size = draw(st.integers(1, 30))
    rows = [
        [draw(st.sampled_from(DATES)), draw(CHANNELS)] + [draw(CELLS) for _ in range(metrics)]
        for _ in range(size)
    ]
    return metrics, rows


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(table=tables(), bom=st.booleans())
def test_any_table_reads_the_same_with_both_readers(
    tmp_path: Path, table: tuple[int, list[list[str]]], bom: bool
) -> None:
    metrics, rows = table
    header = ["date", "channel", *(f"m{i}" for i in range(metrics))]
    path = write_csv(tmp_path / "prop.csv", header, rows, encoding="utf-8-sig" if bom else "utf-8")
    positions = list(range(len(header)))
    body = readers.read_columns(readers.read_header(path), positions, {0, 1})
    # a row whose cells hold line breaks is followed by an empty row per further file line
    expected = []
    for row in rows:
        expected += [row[1]] + [""] * sum(len(re.findall(r"\r\n|\r|\n", c)) for c in row)
    assert body.size == len(expected)
    assert row_texts(body[1]) == expected
    if any("\n" in r[1] or "\r" in r[1] for r in rows):
        # text over several lines is pandas' to read (line numbers)
        assert all(isinstance(c, PandasColumn) for c in body.columns.values())
        return
    arrow, pandas = bodies(path, positions, {0, 1})
    assert_bodies_agree(arrow, pandas, metrics=positions[2:], texts=[0, 1], date=0)


# --- performance guard --------------------------------------------------------------------

NO_PANDAS_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from mktplan.ingest.pipeline import parse_file
    from mktplan.plan.validate import load_plan

    plan = load_plan(Path(sys.argv[1]))
    mapped = parse_file(plan, Path(sys.argv[2]), source="web_only").mapped
    print(json.dumps({
        "rows_read": mapped.rows_read,
        "rejects": len(mapped.rejects),
        "values": {f"{o.kpi} {o.date}": str(o.value) for o in mapped.observations},
        "pyarrow": "pyarrow" in sys.modules,
        "pandas": "pandas" in sys.modules,
    }))
    """
)


@pytest.mark.slow
def test_a_clean_utf8_wide_export_is_ingested_without_pandas(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    rows = [(f"2024-06-{d:02d}", f"1,2{d:02d}.5", str(d)) for d in range(1, 29)]
    rows += [("2024-06-29", "", "-"), ("2024-06-30", " 300 ", "N/A"), ("2024-06-30", "7", "")]
    export = write_csv(tmp_path / "wide.csv", ("day", "Sales", "Visits"), rows)
    run = subprocess.run(
        [sys.executable, "-c", NO_PANDAS_SCRIPT, str(plan), str(export)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["rows_read"] == len(rows)
    assert found["rejects"] == 0
    assert found["values"]["web.sales 2024-06-01"] == "1201.500000"
    assert found["values"]["web.sales 2024-06-30"] == "307.000000"
    assert found["values"]["web.visits 2024-06-28"] == "28.000000"
    assert found["pyarrow"] is True  # the fast path ran ...
    assert found["pandas"] is False  # ... and did not pull pandas in
