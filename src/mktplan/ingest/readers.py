"""Finding a file's format and first header (encoding, delimiter or sheet, binary and
zip-bomb checks), and the read stage's entry point :func:`read_columns`, which hands the body
to the reader of its format: :mod:`~mktplan.ingest.read.csv_arrow` (UTF-8 CSV by pyarrow),
:mod:`~mktplan.ingest.read.csv_pandas` (any other CSV), :mod:`~mktplan.ingest.read.xlsx` and
:mod:`~mktplan.ingest.read.parquet`. Cell values are parsed in :mod:`mktplan.ingest.cells`.

pandas and openpyxl are imported inside the functions that use them, so importing this
module stays cheap.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from mktplan.errors import IngestError
from mktplan.i18n import msg

# value parsing lives in cells.py; re-exported for the callers that read it from here
from mktplan.ingest.cells import MAX_VALUE as MAX_VALUE
from mktplan.ingest.cells import NO_VALUE as NO_VALUE
from mktplan.ingest.cells import ParsedDates as ParsedDates
from mktplan.ingest.cells import ParsedNumbers as ParsedNumbers
from mktplan.ingest.cells import is_no_value as is_no_value
from mktplan.ingest.cells import parse_date as parse_date
from mktplan.ingest.cells import parse_dates as parse_dates
from mktplan.ingest.cells import parse_numbers as parse_numbers
from mktplan.ingest.cells import parse_value as parse_value
from mktplan.ingest.columns import (
    Body,
    arrow_body,
    pandas_body,
)
from mktplan.ingest.read.csv_pandas import LINE_END, read_csv_pandas, read_table_pandas
from mktplan.ingest.read.parquet import is_parquet, parquet_body, parquet_header
from mktplan.ingest.read.xlsx import (
    Merged,
    excel_guard,
    excel_rows,
    fill_merged,
    sheet_header,
)
from mktplan.ingest.scan import NUL_RUN, NulRun
from mktplan.plan.sources import encoding_problem
from mktplan.vocab import folded

SAMPLE_BYTES = 1 << 20
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def header_key(raw: str) -> str:
    """How headers are compared: NFKC, stripped, case-folded, BOM removed."""
    return folded(raw.replace("\ufeff", ""))


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
    # CSV: the records on the lines down to the header's, when a quoted value over two lines
    # above it makes them fewer than its line (sniff counts them; None: one a line)
    records_above: int | None = field(default=None, kw_only=True)
    # CSV: the file lines the header spans, more than one when a quoted header cell holds a
    # line break (Excel's "销售额\n(元)"); the body starts below its last line
    span: int = field(default=1, kw_only=True)
    # Parquet: the positions of its text columns (a typed number or date column holds no
    # totals label and names no row); None: any column may hold text
    text_columns: frozenset[int] | None = field(default=None, kw_only=True)

    @property
    def last_line(self) -> int:
        """The header's last file line: the body's first row is on the line below it."""
        return self.line + self.span - 1

    @property
    def skip_records(self) -> int:
        """The records above the body: what pandas' ``skiprows`` and pyarrow's ``skip_rows``
        count. With a quoted title over two lines above the header, skipping ``line``
        records ate the first row of data."""
        return self.line if self.records_above is None else self.records_above

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


# The codecs that take their byte order from a mark at the start, and the marks they accept
_BYTE_ORDER_MARKS: dict[str, tuple[bytes, ...]] = {
    "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE),
    "utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
}


def _bomless_utf16(head: bytes) -> bool:
    """Whether text starts as UTF-16 without its BOM does: zero bytes on one side of each
    pair only."""
    if head.startswith(_BYTE_ORDER_MARKS["utf-16"]):
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
    if sample.startswith(_BYTE_ORDER_MARKS["utf-16"]):
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
    try:
        exists = path.exists()
        is_dir = exists and path.is_dir()
    except OSError as exc:  # a folder on the way this user may not open
        raise IngestError(
            msg("ingest.cannot_read_file", why=exc.strerror or str(exc)),
            file=str(path),
            hint=msg("ingest.cannot_read_file.hint"),
        ) from None
    if not exists:
        raise IngestError(
            msg("ingest.export_missing"), file=str(path), hint=msg("ingest.export_missing.hint")
        )
    if is_dir:
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
        line, found, chosen = excel_guard(path, lambda: sheet_header(path, sheet, header_row))
        return TableHeader(str(path), found, "", "", True, chosen, line=line)
    if is_parquet(path):
        headers, texts = parquet_header(path, str(path))
        return TableHeader(
            str(path), headers, "", "", False, None, parquet=True, line=1, text_columns=texts
        )
    if path.suffix.lower() == ".xls":
        raise IngestError(msg("ingest.xls"), file=str(path), hint=msg("ingest.xls.hint"))
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise IngestError(
            msg("ingest.cannot_read_file", why=exc.strerror),
            file=str(path),
            hint=msg("ingest.cannot_read_file.hint"),
        ) from None
    if encoding:
        if problem := encoding_problem(encoding):
            raise IngestError(problem, file=str(path), hint=msg("ingest.unknown_encoding.hint"))
        codec = codecs.lookup(encoding).name
        if sample and not sample.startswith(_BYTE_ORDER_MARKS.get(codec, b"")):
            # Python's utf-16 and utf-32 need the mark to know the byte order
            raise IngestError(
                msg("ingest.no_byte_order_mark", encoding=encoding),
                file=str(path),
                hint=msg("ingest.no_byte_order_mark.hint", codec=codec),
            )
        if sample.startswith(_BYTE_ORDER_MARKS["utf-16"]) and not codec.startswith("utf-"):
            # every other byte zero: read as GBK or Latin-1 it is noise, never an error
            raise IngestError(
                msg("ingest.utf16_marked", encoding=encoding),
                file=str(path),
                hint=msg("ingest.utf16_marked.hint"),
            )
    offset = NulRun().feed(sample)
    if offset is not None or sample.startswith(ZIP_MAGIC):
        raise binary_error(str(path), offset or 0, sample)
    if not encoding and _bomless_utf16(sample):
        raise IngestError(msg("ingest.utf16"), file=str(path), hint=msg("ingest.utf16.hint"))
    chosen_encoding = encoding or detect_encoding(sample)
    text = codecs.getincrementaldecoder(chosen_encoding)(errors="replace").decode(sample)
    text = text.removeprefix("\ufeff")
    all_lines = LINE_END.split(text)
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
    ``quotes`` is the file's :class:`~mktplan.ingest.scan.QuoteCount`, when the caller
    counted them already."""
    with _named(header.location, header.file) if header.location else nullcontext():
        return _read_columns(header, positions, text_positions, quotes, end_line)


def sheet_body(
    rows: Sequence[tuple[str, ...]],
    merged: Merged,
    header_line: int,
    end_line: int | None,
    positions: list[int],
    text_positions: set[int],
) -> Body:
    """The body of a sheet's table: its ``rows`` (row 1 first) below the header's row up to
    ``end_line``, the text cells merged down over rows filled in (:func:`fill_merged`), the
    columns at ``positions``."""
    import pandas as pd

    filled = fill_merged(rows, merged, text_positions, header_line)
    below = filled[header_line : None if end_line is None else end_line - 1]  # [0]: row 1
    cells = [tuple(r[i] if i < len(r) else "" for i in positions) for r in below]
    frame = pd.DataFrame(cells, columns=positions, dtype=object)
    return pandas_body(frame, positions, header_line + 1)


def _read_columns(
    header: TableHeader,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None,
    end_line: int | None,
) -> Body:
    path = header.readable
    if header.excel:
        rows, _, merged = excel_rows(path, header.sheet)
        return sheet_body(rows, merged, header.line, end_line, positions, text_positions)
    if header.parquet:
        return parquet_body(path, header.headers, positions, text_positions, header.file)
    lines_are_records = header.skip_records == header.line
    if header.encoding in ("utf-8", "utf-8-sig") and end_line is None and lines_are_records:
        fast = arrow_body(
            str(path),
            header.delimiter,
            len(header.headers),
            positions,
            text_positions,
            quotes,
            header_line=header.last_line,
        )
        if fast is not None:
            return fast
    # a header on line 1 is read with pandas' header=0: see read_csv_pandas
    plain = header.line == 1 and end_line is None
    spans = quotes is None or quotes[0] > 0  # without a '"' no value holds a line break
    frame = (
        read_csv_pandas(header, may_span_lines=spans)
        if plain
        else read_table_pandas(header, end_line, may_span_lines=spans)
    )
    return pandas_body(frame, positions, header.last_line + 1)
