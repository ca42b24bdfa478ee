"""Reading exports: encoding and delimiter sniffing, CSV and .xlsx tables. Cell values are
parsed in :mod:`mktplan.ingest.cells`.

pandas and openpyxl are imported inside the functions that use them, so importing this
module stays cheap.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktplan.errors import IngestError

# value parsing lives in cells.py; re-exported for the callers that read it from here
from mktplan.ingest.cells import MAX_VALUE as MAX_VALUE
from mktplan.ingest.cells import NO_VALUE as NO_VALUE
from mktplan.ingest.cells import ParsedDates as ParsedDates
from mktplan.ingest.cells import ParsedNumbers as ParsedNumbers
from mktplan.ingest.cells import is_no_value as is_no_value
from mktplan.ingest.cells import normalize_text
from mktplan.ingest.cells import parse_date as parse_date
from mktplan.ingest.cells import parse_dates as parse_dates
from mktplan.ingest.cells import parse_numbers as parse_numbers
from mktplan.ingest.cells import parse_value as parse_value
from mktplan.ingest.columns import Body, arrow_body, pandas_body

if TYPE_CHECKING:
    import pandas as pd

SAMPLE_BYTES = 1 << 20
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def header_key(raw: str) -> str:
    """How headers are compared: NFKC, stripped, case-folded, BOM removed."""
    return normalize_text(raw.replace("\ufeff", "")).casefold()


# --- files -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TableHeader:
    """What sniffing found out about a file before its body is read."""

    file: str  # the path as the user gave it
    headers: tuple[str, ...]  # as written, stripped
    encoding: str  # codec used for CSV ('' for Excel)
    delimiter: str  # ',' ';' or '\t' ('' for Excel)
    excel: bool
    sheet: str | None = None


def detect_encoding(sample: bytes) -> str:
    """The codec of a CSV sample: utf-8-sig (BOM), utf-16 (BOM), utf-8, else gb18030."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            # final=False: the sample may end in the middle of a character
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        # bytes valid as both are read as UTF-8: a guess at GB18030 could garble a UTF-8 file
        # silently, while a GBK file that happens to be valid UTF-8 (only "元", D4 AA, say)
        # fails with a clear error that names --encoding
        return encoding
    return "latin-1"  # never fails; the hint says to pass --encoding


def detect_delimiter(lines: list[str]) -> str:
    """Comma, semicolon or tab: the one that splits the first lines into the most,
    equally many fields (comma when nothing splits)."""
    best, best_fields = ",", 1
    # csv.reader refuses fields over its size limit; pandas, which reads the body, does not,
    # so a long note in the sample must not decide (or crash) the sniffing
    limit = csv.field_size_limit()
    sample = [line for line in lines if len(line) < limit] or lines[:1]
    for delimiter in (",", ";", "\t"):
        try:
            counts = {len(row) for row in csv.reader(sample, delimiter=delimiter) if row}
        except csv.Error:
            continue
        if len(counts) == 1 and (fields := counts.pop()) > best_fields:
            best, best_fields = delimiter, fields
    return best


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise IngestError("the file does not exist", file=str(path), hint="check the path")
    if path.is_dir():
        raise IngestError("this is a directory, not an export", file=str(path))


def read_header(
    path: Path, *, encoding: str | None = None, sheet: str | None = None
) -> TableHeader:
    """Sniff a file: its encoding, delimiter and header row (or the Excel sheet's first row)."""
    _check_readable(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        frame, _, chosen = _excel_rows(path, sheet, header_only=True)
        return TableHeader(str(path), frame, "", "", True, chosen)
    if path.suffix.lower() == ".xls":
        raise IngestError(
            "old .xls workbooks are not supported",
            file=str(path),
            hint="save the export as .xlsx or CSV",
        )
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise IngestError(f"cannot read the file: {exc.strerror}", file=str(path)) from None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise IngestError(
                f"unknown encoding {encoding!r}",
                file=str(path),
                hint="use utf-8, utf-8-sig, gbk or gb18030",
            ) from None
    chosen_encoding = encoding or detect_encoding(sample)
    text = codecs.getincrementaldecoder(chosen_encoding)(errors="replace").decode(sample)
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()[:6]
    if len(sample) == SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the last sampled line may be cut off
    if not lines or not lines[0].strip():
        raise IngestError(
            "the file is empty or has no header row",
            file=str(path),
            line=1,
            hint="the first line names the columns, e.g. date,kpi,value",
        )
    if "\ufffd" in lines[0] and not encoding:
        raise IngestError(
            "cannot tell the file's encoding",
            file=str(path),
            hint="pass --encoding, e.g. --encoding gb18030",
        )
    delimiter = detect_delimiter(lines)
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except csv.Error as exc:
        raise IngestError(
            f"cannot read the header row: {exc}",
            file=str(path),
            line=1,
            hint="the first line must name the columns, e.g. date,kpi,value",
        ) from None
    return TableHeader(
        str(path), tuple(h.strip() for h in header), chosen_encoding, delimiter, False, None
    )


def read_columns(
    header: TableHeader,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None = None,
) -> Body:
    """The body of the file: the columns at ``positions`` (0-based). Columns in
    ``text_positions`` are text; the others values, parsed by :func:`parse_numbers`.

    A UTF-8 CSV is read by pyarrow when it reads cleanly; anything else (other encodings, a
    ragged row, a line break inside quotes) by pandas, whose errors name the line.
    ``quotes`` is the file's :class:`~mktplan.ingest.columns.QuoteCount`, when the caller
    counted them already."""
    path = Path(header.file)
    if header.excel:
        import pandas as pd

        rows, start, _ = _excel_rows(path, header.sheet, header_only=False)
        body = [tuple(r[i] if i < len(r) else "" for i in positions) for r in rows]
        frame = pd.DataFrame(body, columns=positions, dtype=object)
        return pandas_body(frame, positions, start)
    if header.encoding in ("utf-8", "utf-8-sig"):
        fast = arrow_body(
            header.file, header.delimiter, len(header.headers), positions, text_positions, quotes
        )
        if fast is not None:
            return fast
    return pandas_body(_read_csv_pandas(header), positions, 2)


def _read_csv_pandas(header: TableHeader) -> pd.DataFrame:
    """The whole CSV body by pandas' C parser as text, columns named by position: values are
    parsed by :func:`parse_numbers` from the text as written, never from pandas' floats."""
    import pandas as pd

    path = Path(header.file)
    try:
        with warnings.catch_warnings():
            # a too-long first row only warns; it is as wrong as any other too-long row
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                path,
                sep=header.delimiter,
                encoding=header.encoding,
                # header=0 with names, not header=None + skiprows=1: after a line ended by a
                # bare CR, skiprows swallows the next character (an empty first cell)
                header=0,
                names=list(range(len(header.headers))),
                # all columns, no usecols: only then does the C parser refuse a row with extra
                # fields (an unquoted "1,234") instead of silently dropping them
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                engine="c",
                on_bad_lines="error",
            )
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"the file is not valid {header.encoding} (byte {exc.start} of a chunk)",
            file=header.file,
            hint="pass the right --encoding, e.g. --encoding gb18030 or --encoding utf-8",
        ) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise IngestError(
            f"cannot read the CSV: {exc}".rstrip("\n"),
            file=header.file,
            hint="every row needs as many fields as the header; quote values that hold the "
            f"delimiter {header.delimiter!r}",
        ) from None
    except (pd.errors.EmptyDataError, ValueError) as exc:
        if isinstance(exc, pd.errors.EmptyDataError):
            width = range(len(header.headers))
            return pd.DataFrame({p: pd.Series([], dtype=object) for p in width})
        raise IngestError(f"cannot read the CSV: {exc}", file=header.file) from None
    return frame


def _excel_cell_text(value: Any, number_format: str) -> str:
    """A cell as the text a CSV export would hold: dates ISO, percent cells with %."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        # a 100 % cell is stored as 1 and read back as an int: the format decides, not the type
        exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        percent = _percent_format(number_format or "")
        if percent == "scaled":
            return f"{(exact * 100).normalize():f}%"
        if percent == "literal":
            return f"{exact.normalize():f}%"  # 0.0"%" shows 2.1 as 2.1%: no scaling
        return f"{exact:f}"
    return str(value)


_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _percent_format(number_format: str) -> str:
    """'scaled' when Excel multiplies by 100 for the format (a bare %), 'literal' when the %
    is only quoted or escaped text (0.0"%" or 0.0\\%), else ''."""
    if "%" not in number_format:
        return ""
    return "scaled" if "%" in _FORMAT_LITERALS.sub("", number_format) else "literal"


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (a cheap look at the sheet XML)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if b"<f>" in xml or b"<f " in xml:
                    return True
    return False


def _uncalculated_formulas(path: Path, sheet: str, body: list[tuple[str, ...]]) -> list[Any]:
    """``body`` with the formula text in place of empty cells whose formula has no saved
    result (files written by scripts): a value that is not there must not pass for "no value"."""
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        rows = workbook[sheet].iter_rows(min_row=2)
        out: list[Any] = []
        for texts, cells in zip(body, rows, strict=False):
            fixed = list(texts)
            for i, cell in enumerate(cells):
                value = cell.value
                if i < len(fixed) and not fixed[i] and isinstance(value, str) and value[:1] == "=":
                    fixed[i] = value
            out.append(tuple(fixed))
        return out
    finally:
        workbook.close()


def _excel_rows(path: Path, sheet: str | None, *, header_only: bool) -> tuple[Any, int, str | None]:
    """Header row (``header_only``) or the data rows of a sheet, as texts, and the 1-based
    row of the first data row, and the sheet name."""
    import zipfile

    try:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise IngestError("reading .xlsx needs openpyxl", file=str(path)) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise IngestError(
            f"not a readable .xlsx workbook ({type(exc).__name__})",
            file=str(path),
            hint="open it in Excel and save it again as .xlsx, or export CSV",
        ) from None
    try:
        if sheet is not None:
            if sheet not in workbook.sheetnames:
                raise IngestError(
                    f"the workbook has no sheet {sheet!r}",
                    file=str(path),
                    hint=f"sheets: {', '.join(workbook.sheetnames)}",
                )
            worksheet = workbook[sheet]
        else:
            worksheet = workbook.worksheets[0]
        name = str(worksheet.title)
        rows = worksheet.iter_rows()
        first = next(rows, None)
        headers = tuple(
            _excel_cell_text(c.value, getattr(c, "number_format", "")).strip() for c in first or ()
        )
        while headers and not headers[-1]:
            headers = headers[:-1]
        if not headers:
            raise IngestError(
                "the sheet is empty or has no header row", file=str(path), path=name, line=1
            )
        if header_only:
            return headers, 2, name
        body = [
            tuple(_excel_cell_text(c.value, getattr(c, "number_format", "")) for c in row)
            for row in rows
        ]
        if _has_formulas(path):
            body = _uncalculated_formulas(path, name, body)
        return body, 2, name
    except zipfile.BadZipFile:
        raise IngestError("not a readable .xlsx workbook", file=str(path)) from None
    finally:
        workbook.close()
