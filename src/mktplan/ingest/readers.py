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
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mktplan.errors import IngestError, shorten
from mktplan.i18n import msg

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
from mktplan.ingest.columns import (
    Body,
    arrow_body,
    pandas_body,
)
from mktplan.ingest.read.parquet import is_parquet, parquet_body, parquet_header

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
    location: str = ""  # where the bytes are read, when not at ``file`` (a pipe's copy)
    parquet: bool = False  # a Parquet table: no lines, no encoding, columns typed
    # the header's file line (CSV) or sheet row (xlsx), 1-based: ``header_row`` when given,
    # else the first non-blank line until sniff finds the table's header (Parquet: 1, the
    # rows numbered as a sheet of the table would number them)
    line: int = field(kw_only=True)

    @property
    def text(self) -> bool:
        """Whether the file is text (a CSV), read line by line."""
        return not (self.excel or self.parquet)

    @property
    def readable(self) -> Path:
        return Path(self.location or self.file)

    def reading(self) -> dict[str, str]:
        """Everything besides the bytes that decides what is read from them: the codec,
        delimiter and sheet actually used (detected or given)."""
        return {
            "encoding": codecs.lookup(self.encoding).name if self.encoding else "",
            "delimiter": self.delimiter,
            "sheet": self.sheet or "",
        }


ZIP_MAGIC = b"PK\x03\x04"


# This many zero bytes in a row are padding or binary data, never text: a NUL character or a
# few in a note are kept as written, and UTF-16 text has at most two zero bytes in a row.
NUL_RUN = 256
_NULS = b"\0" * NUL_RUN


class NulRun:
    """Finds the first run of :data:`NUL_RUN` zero bytes in a file fed chunk by chunk (runs
    across chunks included), at the speed of ``bytes.find``."""

    def __init__(self) -> None:
        self.seen = 0
        self.tail = b""
        self.offset: int | None = None  # the file offset where the first run starts

    def feed(self, chunk: bytes) -> int | None:
        """Take the next chunk; the offset of the first run found so far, or None."""
        if self.offset is None and b"\0" in chunk:
            window = self.tail + chunk
            found = window.find(_NULS)
            if found >= 0:
                self.offset = self.seen - len(self.tail) + found
            self.tail = window[-(NUL_RUN - 1) :]
        elif self.offset is None:  # no zero byte here (memchr): a run cannot span it
            self.tail = b""
        self.seen += len(chunk)
        return self.offset


def _bomless_utf16(head: bytes) -> bool:
    """Whether text starts as UTF-16 without its BOM does: zero bytes on one side of each
    pair only."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = head[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 8:
        return False
    zeros = sorted((even.count(0) / len(even), odd.count(0) / len(odd)))
    return zeros[0] < 0.05 and zeros[1] > 0.4


def binary_error(file: str, offset: int, head: bytes) -> IngestError:
    """The one message for an export that is not text (NUL padding, a binary file)."""
    if head.startswith(ZIP_MAGIC):
        return IngestError(
            msg("ingest.zip_not_csv"), file=file, hint=msg("ingest.zip_not_csv.hint")
        )
    return IngestError(
        msg("ingest.binary", run=NUL_RUN, offset=f"{offset:,}"),
        file=file,
        hint=msg("ingest.binary.hint"),
    )


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
        raise IngestError(
            msg("ingest.export_missing"), file=str(path), hint=msg("ingest.export_missing.hint")
        )
    if path.is_dir():
        raise IngestError(msg("ingest.export_is_directory"), file=str(path))


def read_header(
    path: Path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
    header_row: int | None = None,
) -> TableHeader:
    """Sniff a file's format: its encoding and delimiter (or sheet), and a first header: the
    line (CSV) or row (xlsx) ``header_row`` when given, else the first non-blank one (titles
    included: :func:`~mktplan.ingest.sniff.sniff` finds the table's header from here).
    ``name`` is the file as messages name it, when ``path`` is a copy (of a pipe)."""
    if name is None:
        return _read_header(path, encoding=encoding, sheet=sheet, header_row=header_row)
    with _named(str(path), name):
        found = _read_header(path, encoding=encoding, sheet=sheet, header_row=header_row)
    return replace(found, file=name, location=str(path))


@contextmanager
def _named(location: str, name: str) -> Iterator[None]:
    """Errors about ``location`` (a pipe's copy) name the file as the user gave it."""
    try:
        yield
    except IngestError as exc:
        if exc.file == location:
            exc.file = name
        raise


def _read_header(
    path: Path, *, encoding: str | None, sheet: str | None, header_row: int | None
) -> TableHeader:
    _check_readable(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        line, found, chosen = _excel_guard(path, lambda: _sheet_header(path, sheet, header_row))
        return TableHeader(str(path), found, "", "", True, chosen, line=line)
    if is_parquet(path):
        headers = parquet_header(path, str(path))
        return TableHeader(str(path), headers, "", "", False, None, parquet=True, line=1)
    if path.suffix.lower() == ".xls":
        raise IngestError(msg("ingest.xls"), file=str(path), hint=msg("ingest.xls.hint"))
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise IngestError(
            msg("ingest.cannot_read_file", why=exc.strerror), file=str(path)
        ) from None
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise IngestError(
                msg("ingest.unknown_encoding", encoding=encoding),
                file=str(path),
                hint=msg("ingest.unknown_encoding.hint"),
            ) from None
    offset = NulRun().feed(sample)
    if offset is not None or sample.startswith(ZIP_MAGIC):
        raise binary_error(str(path), offset or 0, sample)
    if not encoding and _bomless_utf16(sample):
        raise IngestError(msg("ingest.utf16"), file=str(path), hint=msg("ingest.utf16.hint"))
    chosen_encoding = encoding or detect_encoding(sample)
    text = codecs.getincrementaldecoder(chosen_encoding)(errors="replace").decode(sample)
    text = text.removeprefix("\ufeff")
    all_lines = _LINE_END.split(text)
    if len(sample) == SAMPLE_BYTES and len(all_lines) > 1:
        all_lines = all_lines[:-1]  # the last sampled line may be cut off
    # file lines, numbered from 1: ``header_row``, else the first with something on it
    starts = [header_row - 1] if header_row is not None else range(len(all_lines))
    start = next((i for i in starts if i < len(all_lines) and all_lines[i].strip()), None)
    if start is None:
        raise IngestError(
            msg("ingest.empty_file")
            if header_row is None
            else msg("ingest.header_row_blank", row=header_row),
            file=str(path),
            line=1 if header_row is None else header_row,
            hint=msg("ingest.empty_file.hint")
            if header_row is None
            else msg("ingest.header_row_blank.hint"),
        )
    lines = all_lines[start : start + 6]
    if "\ufffd" in lines[0] and not encoding:
        raise IngestError(
            msg("ingest.unknown_file_encoding"),
            file=str(path),
            hint=msg("ingest.unknown_file_encoding.hint"),
        )
    delimiter = detect_delimiter(lines)
    try:
        header = next(csv.reader([lines[0]], delimiter=delimiter))
    except csv.Error as exc:
        raise IngestError(
            msg("ingest.header_unreadable", why=str(exc)),
            file=str(path),
            line=start + 1,
            hint=msg("ingest.header_unreadable.hint"),
        ) from None
    return TableHeader(
        str(path),
        tuple(h.strip() for h in header),
        chosen_encoding,
        delimiter,
        False,
        None,
        line=start + 1,
    )


# what ends a line, as the CSV readers count lines (CRLF, LF, or a bare CR)
_LINE_END = re.compile(r"\r\n|\r|\n")


def read_columns(
    header: TableHeader,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None = None,
    end_line: int | None = None,
) -> Body:
    """The body of the file below its header (``header.line``) up to ``end_line`` (None: the
    end of the file): the columns at ``positions`` (0-based). Columns in ``text_positions``
    are text; the others values, parsed by :func:`parse_numbers`.

    A UTF-8 CSV is read by pyarrow when it reads cleanly; anything else (other encodings, a
    ragged row, a line break inside quotes) by pandas, whose errors name the line.
    ``quotes`` is the file's :class:`~mktplan.ingest.columns.QuoteCount`, when the caller
    counted them already."""
    with _named(header.location, header.file) if header.location else nullcontext():
        return _read_columns(header, positions, text_positions, quotes, end_line)


def _read_columns(
    header: TableHeader,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None,
    end_line: int | None,
) -> Body:
    path = header.readable
    if header.excel:
        import pandas as pd

        rows, _ = excel_rows(path, header.sheet)
        below = rows[header.line : None if end_line is None else end_line - 1]  # [0]: row 1
        body = [tuple(r[i] if i < len(r) else "" for i in positions) for r in below]
        frame = pd.DataFrame(body, columns=positions, dtype=object)
        return pandas_body(frame, positions, header.line + 1)
    if header.parquet:
        return parquet_body(path, header.headers, positions, text_positions, header.file)
    if header.encoding in ("utf-8", "utf-8-sig") and end_line is None:
        fast = arrow_body(
            str(path),
            header.delimiter,
            len(header.headers),
            positions,
            text_positions,
            quotes,
            header_line=header.line,
        )
        if fast is not None:
            return fast
    # a header on line 1 is read with pandas' header=0: see _read_csv_pandas
    plain = header.line == 1 and end_line is None
    frame = _read_csv_pandas(header) if plain else _read_table_pandas(header, end_line)
    return pandas_body(frame, positions, header.line + 1)


def pandas_csv(
    header: TableHeader,
    *,
    header_row: int | None = None,
    skiprows: int | None = None,
    nrows: int | None = None,
) -> pd.DataFrame:
    """pandas' C parser over a CSV with the options every CSV read here shares: cells as
    text as written (values are parsed by :func:`parse_numbers`, never from pandas' floats),
    columns named by position, blank lines kept (line numbers stay file lines), and a row
    with more fields than the header refused, never cut. The caller maps pandas' errors."""
    import pandas as pd

    return pd.read_csv(
        header.readable,
        sep=header.delimiter,
        encoding=header.encoding,
        header=header_row,
        skiprows=skiprows,
        nrows=nrows,
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


def _read_csv_pandas(header: TableHeader) -> pd.DataFrame:
    """The whole CSV body by pandas' C parser as text, columns named by position: values are
    parsed by :func:`parse_numbers` from the text as written, never from pandas' floats."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            # a too-long first row only warns; it is as wrong as any other too-long row
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # header=0 with names, not header=None + skiprows=1: after a line ended by a
            # bare CR, skiprows swallows the next character (an empty first cell)
            frame = pandas_csv(header, header_row=0)
    except UnicodeDecodeError as exc:
        raise IngestError(
            msg("ingest.invalid_encoding", encoding=header.encoding, byte=exc.start),
            file=header.file,
            hint=msg("ingest.invalid_encoding.hint"),
        ) from None
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise IngestError(
            msg("ingest.csv_unreadable", why=str(exc).rstrip("\n")),
            file=header.file,
            hint=msg("ingest.table_unreadable.hint", delimiter=header.delimiter),
        ) from None
    except (pd.errors.EmptyDataError, ValueError) as exc:
        if isinstance(exc, pd.errors.EmptyDataError):
            width = range(len(header.headers))
            return pd.DataFrame({p: pd.Series([], dtype=object) for p in width})
        raise IngestError(msg("ingest.csv_unreadable", why=str(exc)), file=header.file) from None
    return frame


def _read_table_pandas(header: TableHeader, end_line: int | None) -> pd.DataFrame:
    """The lines of a CSV's table below its header on ``header.line``, up to ``end_line``,
    by pandas' C parser as text (the lines above are skipped unparsed)."""
    import pandas as pd

    first = header.line + 1
    try:
        frame = pandas_csv(
            header,
            skiprows=header.line,
            nrows=None if end_line is None else end_line - first,
        )
    except pd.errors.EmptyDataError:
        width = range(len(header.headers))
        return pd.DataFrame({p: pd.Series([], dtype=object) for p in width})
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError) as exc:
        raise IngestError(
            msg("ingest.table_unreadable", line=header.line, why=shorten(str(exc).rstrip("\n"))),
            file=header.file,
            hint=msg("ingest.table_unreadable.hint", delimiter=header.delimiter),
        ) from None
    return frame.fillna("")


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


# A workbook's parts may inflate to at most this in all (a zip bomb is refused before any
# part is read); real exports stay far below it: a 200,000-row sheet is about 35 MB of XML.
MAX_XLSX_INFLATED = 1 << 30
# A part larger than XLSX_RATIO_FLOOR may inflate at most this many times: sheet XML, however
# repetitive, compresses about 12:1; a bomb of one repeated byte about 1000:1.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FLOOR = 16 << 20
_XLSX_HINT = msg("ingest.xlsx_unreadable.hint")


def _check_inflated_size(path: Path) -> None:
    """Refuse a workbook whose parts would inflate beyond :data:`MAX_XLSX_INFLATED`, or a
    large part packed more densely than any spreadsheet: the sizes are the zip directory's,
    and zipfile never inflates a part beyond its recorded size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(
            msg("ingest.xlsx_unreadable", why=_damage(exc)), file=str(path), hint=_XLSX_HINT
        ) from None
    total = sum(part.file_size for part in parts)
    dense = [
        p
        for p in parts
        if p.file_size > XLSX_RATIO_FLOOR and p.file_size > MAX_XLSX_RATIO * max(p.compress_size, 1)
    ]
    if total > MAX_XLSX_INFLATED or dense:
        why = (
            msg("ingest.xlsx_too_large", size=f"{total:,}", max=f"{MAX_XLSX_INFLATED:,}")
            if total > MAX_XLSX_INFLATED
            else msg(
                "ingest.xlsx_zip_bomb",
                part=dense[0].filename,
                size=f"{dense[0].file_size:,}",
                packed=f"{dense[0].compress_size:,}",
                ratio=MAX_XLSX_RATIO,
            )
        )
        raise IngestError(
            msg("ingest.xlsx_refused", why=why),
            file=str(path),
            hint=msg("ingest.xlsx_refused.hint"),
        )


def _damage(exc: BaseException) -> str:
    """What is wrong with a damaged workbook, in a few words."""
    import zlib

    if isinstance(exc, zlib.error):
        return "its compressed data is corrupt"
    text = shorten(str(exc), 200)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _has_formulas(path: Path) -> bool:
    """Whether any sheet of the workbook holds a formula (a streamed look at the sheet XML)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(name) as part:
                    tail = b""
                    for chunk in iter(lambda: part.read(1 << 20), b""):
                        window = tail + chunk
                        if b"<f>" in window or b"<f " in window:
                            return True
                        tail = chunk[-3:]
    return False


def _load_workbook(path: Path, *, data_only: bool) -> Any:
    """A read-only workbook, without openpyxl's warnings about styles and extensions it
    ignores (they say nothing about the data and would reach the user's terminal)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def _uncalculated_formulas(path: Path, sheet: str, body: list[tuple[str, ...]]) -> list[Any]:
    """``body`` (every row from row 1) with the formula text in place of empty cells whose
    formula has no saved result (files written by scripts): a value that is not there must
    not pass for "no value"."""

    workbook = _load_workbook(path, data_only=False)
    try:
        worksheet = workbook[sheet]
        worksheet.reset_dimensions()  # never trust the dimension record (see _open_sheet)
        rows = worksheet.iter_rows()
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


_T = TypeVar("_T")


def _excel_guard(path: Path, read: Callable[[], _T]) -> _T:
    """``read()`` of a workbook, whose damage (bad XML, corrupt compressed data, an entity
    bomb, a missing part) is an :class:`IngestError`; a zip bomb is refused before any part
    is read."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    try:
        from openpyxl.utils.exceptions import InvalidFileException
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise IngestError("reading .xlsx needs openpyxl", file=str(path)) from None
    _check_inflated_size(path)
    try:
        return read()
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        zlib.error,
        ParseError,
        OSError,
        EOFError,
        KeyError,
        ValueError,
        TypeError,  # openpyxl's typed attributes refuse a damaged value so
        IndexError,  # a shared-string index past the table
    ) as exc:
        raise IngestError(
            msg("ingest.xlsx_unreadable", why=_damage(exc)), file=str(path), hint=_XLSX_HINT
        ) from None


def excel_rows(path: Path, sheet: str | None) -> tuple[list[tuple[str, ...]], str]:
    """Every row of a sheet as texts, row 1 first (blank rows kept: ``rows[n - 1]`` is row
    ``n``), and the sheet's name. Where the header is, is sniff's to find."""
    return _excel_guard(path, lambda: _read_sheet(path, sheet))


def _open_sheet(workbook: Any, path: Path, sheet: str | None) -> Any:
    if not workbook.sheetnames:
        raise IngestError(msg("ingest.no_readable_sheet"), file=str(path), hint=_XLSX_HINT)
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            raise IngestError(
                msg("ingest.no_such_sheet", sheet=sheet),
                file=str(path),
                hint=msg("ingest.no_such_sheet.hint", sheets=", ".join(workbook.sheetnames)),
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    # read-only mode stops at the sheet's <dimension> record, which some writers leave
    # at A1:C2 whatever the sheet holds; Excel ignores it, and so do we
    worksheet.reset_dimensions()
    return worksheet


def _row_texts(row: Any) -> tuple[str, ...]:
    return tuple(_excel_cell_text(c.value, getattr(c, "number_format", "")) for c in row)


def _sheet_header(
    path: Path, sheet: str | None, header_row: int | None
) -> tuple[int, tuple[str, ...], str]:
    """The first header of a sheet: its row (``header_row``, else the first non-empty row),
    its cells stripped without the empty ones at its end, and the sheet's name."""
    workbook = _load_workbook(path, data_only=True)
    try:
        worksheet = _open_sheet(workbook, path, sheet)
        name = str(worksheet.title)
        for number, row in enumerate(worksheet.iter_rows(), start=1):
            if header_row is not None and number < header_row:
                continue
            headers = tuple(t.strip() for t in _row_texts(row))
            while headers and not headers[-1]:
                headers = headers[:-1]
            if headers or header_row is not None:
                break
        else:
            headers, number = (), header_row or 1
        if not headers:
            raise IngestError(
                msg("ingest.empty_sheet")
                if header_row is None
                else msg("ingest.header_row_beyond_sheet", row=header_row),
                file=str(path),
                path=name,
                line=number,
            )
        return number, headers, name
    finally:
        workbook.close()


def _read_sheet(path: Path, sheet: str | None) -> tuple[list[tuple[str, ...]], str]:
    workbook = _load_workbook(path, data_only=True)
    try:
        worksheet = _open_sheet(workbook, path, sheet)
        name = str(worksheet.title)
        rows = [_row_texts(row) for row in worksheet.iter_rows()]
        if _has_formulas(path):
            rows = _uncalculated_formulas(path, name, rows)
        return rows, name
    finally:
        workbook.close()
