"""Parquet exports, read with pyarrow: the schema's column names are the header, and each row
counts as the line it would be on in a CSV of the table (the header on line 1, the first row
on line 2), so rejects and skipped rows name rows the same way for every format.

Typed columns are handed on as the CSV reader hands them on: numbers as float64 (with their
exact text for the rare cell whose float is not provably the decimal, and for integers beyond
what a float holds), float32 and decimal numbers as the text of the decimal they hold (the
shortest that reads back, as pyarrow prints them), dates as ISO text (a timestamp with a time
zone as the day it was in that zone, as the date is written in a CSV), everything else as
text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mktplan.errors import IngestError, shorten
from mktplan.i18n import msg
from mktplan.ingest.columns import ArrowColumn, Body, Column

if TYPE_CHECKING:
    import pyarrow as pa

PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_MAGIC = b"PAR1"
_HINT = msg("ingest.parquet.hint")


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in PARQUET_SUFFIXES


def _open(path: Path, file: str) -> Any:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise IngestError(
            msg("ingest.parquet.unreadable", why=shorten(str(exc), 200)), file=file, hint=_HINT
        ) from None


def parquet_header(path: Path, file: str) -> tuple[tuple[str, ...], frozenset[int]]:
    """The column names of a Parquet file (its header), and the positions of its text
    columns (strings, dictionary-coded or not): only they can hold a totals label or name
    a row."""
    schema = _open(path, file).schema_arrow
    names = tuple(str(n) for n in schema.names)
    if not names:
        raise IngestError(msg("ingest.parquet.no_columns"), file=file, hint=_HINT)
    texts = frozenset(i for i, f in enumerate(schema) if _is_text(f.type))
    return names, texts


def _is_text(kind: Any) -> bool:
    import pyarrow as pa

    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _texts(data: Any, header: str, file: str) -> Any:
    """A column as text cells, empty where null; dates as ISO days."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = data.type
    if pa.types.is_dictionary(kind):
        data = data.cast(kind.value_type)
        kind = data.type
    try:
        if pa.types.is_timestamp(kind):
            if kind.tz is not None:  # the day as written where it happened, not in UTC
                data = pc.local_timestamp(data)
            data = data.cast(pa.date32())
        elif pa.types.is_date(kind):
            data = data.cast(pa.date32())
        texts = data.cast(pa.string())
    except (pa.ArrowException, ValueError):
        raise IngestError(
            msg("ingest.parquet.nested_column", column=shorten(header), kind=str(kind)),
            file=file,
            path=shorten(header),
            hint=msg("ingest.parquet.nested_column.hint"),
        ) from None
    return pc.fill_null(texts, "")


def _column(data: pa.ChunkedArray[Any], header: str, file: str, *, text: bool) -> Column:
    """One column as the CSV reader would give it: float64 numbers (their exact text kept for
    a second look), else text."""
    import pyarrow as pa

    kind = data.type
    # a float32 (or float16) holds the decimal it was given only to its own precision:
    # 150000.12 is the binary 150000.125, which as a float64 looks exact; its text is not
    numeric = pa.types.is_integer(kind) or kind == pa.float64()
    if text or not numeric:
        return ArrowColumn(_chunked(_texts(data, header, file)))

    def as_written() -> Any:
        return _chunked(_texts(data, header, file))

    # a float is exact below 2**53; beyond, the exact text is read for that cell
    return ArrowColumn(_chunked(data.cast(pa.float64(), safe=False)), as_written)


def _chunked(data: Any) -> Any:
    import pyarrow as pa

    return data if isinstance(data, pa.ChunkedArray) else pa.chunked_array([data])


def _body(
    table: Any,
    headers: tuple[str, ...],
    positions: list[int],
    text_positions: set[int],
    file: str,
    first_line: int,
) -> Body:
    columns = {
        p: _column(table.column(i), headers[p], file, text=p in text_positions)
        for i, p in enumerate(positions)
    }
    return Body(columns, table.num_rows, first_line)


def parquet_blocks(
    path: Path,
    headers: tuple[str, ...],
    positions: list[int],
    text_positions: set[int],
    file: str,
    rows: int = 1 << 18,
) -> Iterator[Body]:
    """The columns at ``positions`` in blocks of about ``rows`` rows, in file order."""
    import pyarrow as pa

    parquet = _open(path, file)
    names = [headers[p] for p in positions]
    first_line = 2
    try:
        for batch in parquet.iter_batches(batch_size=rows, columns=names, use_threads=True):
            table = pa.Table.from_batches([batch])
            yield _body(table, headers, positions, text_positions, file, first_line)
            first_line += batch.num_rows
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(
            msg(
                "ingest.parquet.broken_near", row=f"{first_line - 1:,}", why=shorten(str(exc), 200)
            ),
            file=file,
            hint=_HINT,
        ) from None


def parquet_body(
    path: Path,
    headers: tuple[str, ...],
    positions: list[int],
    text_positions: set[int],
    file: str,
) -> Body:
    """The whole table's columns at ``positions`` as one body."""
    import pyarrow as pa

    parquet = _open(path, file)
    try:
        table = parquet.read(columns=[headers[p] for p in positions], use_threads=True)
    except (pa.ArrowException, OSError) as exc:
        raise IngestError(
            msg("ingest.parquet.broken", why=shorten(str(exc), 200)), file=file, hint=_HINT
        ) from None
    return _body(table, headers, positions, text_positions, file, 2)
