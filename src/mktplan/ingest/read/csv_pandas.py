"""The read stage for CSV that pyarrow does not read cleanly (other encodings, ragged rows,
line breaks inside quotes, a table below other tables): pandas' C parser, every cell as the
text written. Row i of a frame read here is the file line below the header + i, as a text
editor numbers lines: a record whose quoted value spans lines is followed by an empty row for
each further line, as blank lines are (and, like them, is no row of data)."""

from __future__ import annotations

import codecs
import csv
import re
import warnings
from typing import TYPE_CHECKING, NoReturn

import numpy as np

from mktplan.errors import IngestError, shorten
from mktplan.i18n import msg

if TYPE_CHECKING:
    import pandas as pd

# A file line ends at a CRLF, an LF or a bare CR, as editors and the csv module count them
LINE_END = re.compile(r"\r\n|\r|\n")

if TYPE_CHECKING:
    from mktplan.ingest.readers import TableHeader


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


def _line_per_row(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with an empty row after each record for every further file line it spans (a
    line break inside a quoted value), so that rows count file lines."""
    extra = np.zeros(len(frame), dtype=np.int64)
    for position in frame.columns:  # every column is text (dtype=str)
        column = frame[position]
        hit = column.str.contains("\n", regex=False, na=False)
        hit |= column.str.contains("\r", regex=False, na=False)
        if hit.any():  # CRLF, LF or a bare CR: each ends one line, as the sniffer counts them
            extra[hit.to_numpy()] += column[hit].str.count(LINE_END.pattern).to_numpy(np.int64)
    if not extra.any():
        return frame
    shift = np.concatenate(([0], np.cumsum(extra)[:-1]))
    spread = frame.set_axis(np.arange(len(frame), dtype=np.int64) + shift)
    return spread.reindex(range(len(frame) + int(extra.sum())), fill_value="")


def read_csv_pandas(header: TableHeader, *, may_span_lines: bool = True) -> pd.DataFrame:
    """The whole CSV body by pandas' C parser as text, columns named by position: values are
    parsed by :func:`parse_numbers` from the text as written, never from pandas' floats.
    ``may_span_lines``: False when the file holds no double quote, so no value can hold a
    line break (the caller counted them)."""
    import pandas as pd

    try:
        with warnings.catch_warnings():
            # a too-long first row only warns; it is as wrong as any other too-long row
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # header=0 with names, not header=None + skiprows=1: after a line ended by a
            # bare CR, skiprows swallows the next character (an empty first cell)
            frame = pandas_csv(header, header_row=0)
    except UnicodeDecodeError as exc:
        _raise_undecodable(header, exc)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        _raise_wide_record(header, 1, None, exc)
        _raise_open_quote(header, exc)
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
    return _line_per_row(frame) if may_span_lines else frame


def read_table_pandas(
    header: TableHeader, end_line: int | None, *, may_span_lines: bool = True
) -> pd.DataFrame:
    """The lines of a CSV's table below its header (on ``header.line`` to
    ``header.last_line``), up to ``end_line``, by pandas' C parser as text (the records above
    are skipped unparsed); ``may_span_lines`` as in :func:`read_csv_pandas`."""
    import pandas as pd

    first = header.last_line + 1
    try:
        with warnings.catch_warnings():
            # a too-long first row only warns, and pandas cuts it: as wrong as any other
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pandas_csv(
                header,
                skiprows=header.skip_records,
                nrows=None if end_line is None else end_line - first,
            )
    except pd.errors.EmptyDataError:
        width = range(len(header.headers))
        return pd.DataFrame({p: pd.Series([], dtype=object) for p in width})
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.ParserWarning, ValueError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            _raise_undecodable(header, exc)
        _raise_wide_record(header, header.skip_records, end_line, exc)
        _raise_open_quote(header, exc)
        raise IngestError(
            msg("ingest.table_unreadable", line=header.line, why=shorten(str(exc).rstrip("\n"))),
            file=header.file,
            hint=msg("ingest.table_unreadable.hint", delimiter=header.delimiter),
        ) from None
    frame = frame.fillna("")
    if not may_span_lines:
        return frame
    # nrows counts records: with one over several lines, the rows past end_line are not its
    spread = _line_per_row(frame)
    return spread if end_line is None else spread.iloc[: end_line - first]


def _raise_undecodable(header: TableHeader, error: UnicodeDecodeError) -> NoReturn:
    """The :class:`IngestError` for a file that is not in its encoding, naming the line and
    the byte offset (from the file's start) of its first undecodable bytes: pandas' ``error``
    only says where they are in its chunk (and is what is said if the file decodes here)."""
    decoder = codecs.getincrementaldecoder(header.encoding)()
    offset, line = 0, 1  # offset: of the chunk read next
    pending_cr = False  # a CR at a chunk's end: a line end, unless an LF follows it
    with header.readable.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            # a character cut at the chunk's end waits in the decoder: the positions of an
            # error count from its first byte
            data = decoder.getstate()[0] + chunk
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                text = data[: exc.start].decode(header.encoding, errors="replace")
                line += _line_ends(text, pending_cr)
                raise IngestError(
                    msg(
                        "ingest.invalid_encoding",
                        encoding=header.encoding,
                        byte=f"{offset + len(chunk) - len(data) + exc.start:,}",
                        found=data[exc.start : exc.start + 4].hex(" "),
                    ),
                    file=header.file,
                    line=line,
                    hint=msg("ingest.invalid_encoding.hint"),
                ) from None
            line += _line_ends(text, pending_cr)
            pending_cr = text.endswith("\r")
            offset += len(chunk)
    raise IngestError(
        msg("ingest.csv_unreadable", why=str(error)),
        file=header.file,
        hint=msg("ingest.invalid_encoding.hint"),
    ) from None


def _line_ends(text: str, pending_cr: bool) -> int:
    """The line ends in ``text`` (CRLF, LF or a bare CR each one), less one when it starts
    with the LF of a CRLF whose CR ended the text before it."""
    return len(LINE_END.findall(text)) - (pending_cr and text.startswith("\n"))


def _raise_open_quote(header: TableHeader, exc: Exception) -> None:
    """When pandas ran into the file's end inside a quoted value, the :class:`IngestError`
    that names the file line of the record where that quote opened (pandas' "row" counts
    records, not lines); else nothing."""
    if "EOF inside string" not in str(exc):
        return
    line = 1
    with open(header.readable, encoding=header.encoding, errors="replace", newline="") as fh:
        reader = csv.reader(fh, delimiter=header.delimiter, strict=True)
        try:
            for _ in reader:
                line = reader.line_num + 1  # where the next record starts
        except csv.Error:
            pass  # the record starting on ``line`` holds the quote that never closes
    raise IngestError(
        msg("ingest.open_quote"),
        file=header.file,
        line=line,
        hint=msg("ingest.open_quote.hint"),
    ) from None


# pandas' C parser on a row with more fields than the header; its "line" counts records
_TOO_MANY_FIELDS = re.compile(r"Expected \d+ fields in line \d+, saw \d+")


def _raise_wide_record(
    header: TableHeader, records_above: int, end_line: int | None, exc: Exception
) -> None:
    """When pandas refused a row for its extra fields, the :class:`IngestError` that names
    the row's file line (pandas counts records: a quoted value over two lines, or a blank
    line, above the row made its number wrong), the field count and the first extra field;
    else nothing (the caller says what pandas said)."""
    import pandas as pd

    # a too-long first row is a warning, with no line in it
    if not (isinstance(exc, pd.errors.ParserWarning) or _TOO_MANY_FIELDS.search(str(exc))):
        return
    found = _wide_record(header, records_above, end_line)
    if found is None:  # pragma: no cover - Python's csv module and pandas' parser agree
        return
    line, fields = found
    width = len(header.headers)
    raise IngestError(
        msg(
            "ingest.too_many_fields",
            count=len(fields),
            width=width,
            field=width + 1,
            extra=shorten(fields[width]),
        ),
        file=header.file,
        line=line,
        hint=msg("ingest.table_unreadable.hint", delimiter=header.delimiter),
    ) from None


def _wide_record(
    header: TableHeader, records_above: int, end_line: int | None
) -> tuple[int, list[str]] | None:
    """The file line where the first record below the ``records_above`` records (the header's
    included) starts that has more fields than the header, and its fields; lines are counted
    as a text editor counts them (each line of a quoted value over several lines, and blank
    lines). None when Python's csv module finds no such record up to ``end_line``."""
    width = len(header.headers)
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # a note of 10 MB is a cell as any other
    try:
        with header.readable.open(encoding=header.encoding, newline="") as text:
            records = csv.reader(text, delimiter=header.delimiter)
            for _ in range(records_above):
                next(records, None)
            while True:
                start = records.line_num + 1
                if end_line is not None and start >= end_line:
                    return None
                fields = next(records, None)
                if fields is None:
                    return None
                if len(fields) > width:
                    return start, fields
    except (OSError, UnicodeError, csv.Error):  # pragma: no cover - pandas read it this far
        return None
    finally:
        csv.field_size_limit(limit)
