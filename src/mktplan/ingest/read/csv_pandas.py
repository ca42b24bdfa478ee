"""The read stage for CSV that pyarrow does not read cleanly (other encodings, ragged rows,
line breaks inside quotes, a table below other tables): pandas' C parser, every cell as the
text written. Row i of a frame read here is the file line below the header + i, as a text
editor numbers lines: a record whose quoted value spans lines is followed by an empty row for
each further line, as blank lines are (and, like them, is no row of data)."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np

from mktplan.errors import IngestError, shorten
from mktplan.i18n import msg

if TYPE_CHECKING:
    import pandas as pd

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
            extra[hit.to_numpy()] += column[hit].str.count(r"\r\n|\r|\n").to_numpy(np.int64)
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
    return _line_per_row(frame) if may_span_lines else frame


def read_table_pandas(
    header: TableHeader, end_line: int | None, *, may_span_lines: bool = True
) -> pd.DataFrame:
    """The lines of a CSV's table below its header on ``header.line``, up to ``end_line``,
    by pandas' C parser as text (the lines above are skipped unparsed); ``may_span_lines``
    as in :func:`read_csv_pandas`."""
    import pandas as pd

    first = header.line + 1
    try:
        frame = pandas_csv(
            header,
            skiprows=header.skip_records,
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
    frame = frame.fillna("")
    if not may_span_lines:
        return frame
    # nrows counts records: with one over several lines, the rows past end_line are not its
    spread = _line_per_row(frame)
    return spread if end_line is None else spread.iloc[: end_line - first]
