"""UTF-8 CSV bodies read by pyarrow's streaming reader, block by block: it parses the next
blocks on both cores while the last one is mapped, and memory holds a few blocks, never the
file. The same trust rules as the whole-file reader (:func:`~mktplan.ingest.columns.
arrow_body`): quotes decide whether values may hold line breaks, and anything pyarrow does not
read cleanly (a ragged row, invalid UTF-8, a line break inside a value) stops the stream, so
the file is read whole by the reader that says what is wrong, with the line."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

from mktplan.ingest.columns import ArrowColumn, Body, Column, _holds_line_break
from mktplan.ingest.read import ColumnIsText, NotStreamable
from mktplan.ingest.readers import TableHeader

_FAILED_COLUMN = re.compile(r"In CSV column #(\d+): CSV conversion error")


def csv_blocks(
    header: TableHeader,
    header_line: int,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int],
    block_bytes: int,
) -> Iterator[Body]:
    """The columns at ``positions`` of the table below ``header_line``, in blocks; the other
    columns are read as text only to check them. :class:`ColumnIsText` when a number column
    is not numbers throughout; :class:`NotStreamable` when pyarrow cannot read the file.

    The file is cut into pieces of about ``block_bytes`` at line ends outside quotes, and
    each piece is parsed by pyarrow on both cores while the one before it is mapped: one piece
    ahead, never more (pyarrow's own streaming reader parses ahead without bound)."""
    import pyarrow as pa

    total, in_header = quotes
    # a header with an odd count has a cell over two lines
    if total % 2 or in_header % 2:
        raise NotStreamable
    width = len(header.headers)
    numbers = {p for p in positions if p not in text_positions}
    parse = _parser(header.delimiter, width, numbers, text_positions, quoted=total > 0)
    first_line = header_line + 1
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mktplan-csv") as ahead:
        pieces = _pieces(header.readable, header_line, block_bytes, quoted=total > 0)
        pending = None
        piece = next(pieces, None)
        if piece is not None:
            pending = ahead.submit(parse, piece)
        while pending is not None:
            try:
                table = pending.result()
            except pa.ArrowInvalid as exc:
                _raise_for(exc, numbers)
            except (pa.ArrowException, OSError):
                raise NotStreamable from None
            piece = next(pieces, None)
            pending = ahead.submit(parse, piece) if piece is not None else None
            if total and any(
                _holds_line_break(table.column(i)) for i in range(width) if i not in numbers
            ):
                raise NotStreamable  # a value over several lines: lines are not rows
            columns: dict[int, Column] = {
                p: ArrowColumn(table.column(p), _as_text(p)) for p in positions
            }
            yield Body(columns, table.num_rows, first_line)
            first_line += table.num_rows


def _parser(
    delimiter: str, width: int, numbers: set[int], text_positions: set[int], *, quoted: bool
) -> Callable[[memoryview], Any]:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [f"c{i}" for i in range(width)]
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {
        name: pa.float64() if i in numbers else coded if i in text_positions else pa.string()
        for i, name in enumerate(names)
    }
    read_options = pcsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 21)
    parse_options = pcsv.ParseOptions(
        delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=quoted
    )
    convert_options = pcsv.ConvertOptions(
        column_types=types,
        null_values=[""],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        check_utf8=True,
    )

    def parse(piece: memoryview) -> Any:
        return pcsv.read_csv(
            cast(Any, pa.BufferReader(piece)),
            read_options=read_options,
            parse_options=parse_options,
            convert_options=convert_options,
        )

    return parse


def _pieces(
    path: Path, header_line: int, block_bytes: int, *, quoted: bool
) -> Iterator[memoryview]:
    """The bytes below line ``header_line``, cut at line ends (outside quotes when the file
    has quotes) into pieces of about ``block_bytes``, each read into a buffer of its own
    (the one before is still being parsed). Lines ended by a bare CR are not cut here:
    :class:`NotStreamable`."""
    try:
        with path.open("rb") as fh:
            rest = b""
            skip = header_line
            while True:
                buffer = bytearray(len(rest) + block_bytes)
                buffer[: len(rest)] = rest
                read = fh.readinto(memoryview(buffer)[len(rest) :])
                size = len(rest) + read
                if _bare_cr(buffer, len(rest), size):
                    raise NotStreamable
                start = 0
                while skip:
                    end = buffer.find(b"\n", start, size)
                    if end < 0:
                        break
                    start = end + 1
                    skip -= 1
                if not read:
                    if not skip and start < size:
                        yield memoryview(buffer)[start:size]
                    return
                cut = 0 if skip else _cut(buffer, start, size, quoted=quoted)
                if cut <= start:
                    rest = bytes(buffer[start:size])
                    continue
                rest = bytes(buffer[cut:size])
                yield memoryview(buffer)[start:cut]
    except OSError:
        raise NotStreamable from None


def _bare_cr(data: bytearray, low: int, high: int) -> bool:
    """Whether a line of ``data[low:high]`` ends with a CR alone (its last byte may be the CR
    of a CRLF cut in two)."""
    if data.find(b"\r", low, high) < 0:  # memchr: the usual file
        return False
    if data[high - 1 : high] == b"\r":
        high -= 1
    return data.count(b"\r", low, high) != data.count(b"\r\n", low, high)


def _cut(data: bytearray, start: int, size: int, *, quoted: bool) -> int:
    """Where to cut ``data[start:size]`` (which starts at a line): after its last line end
    outside quotes (an even number of quotes before it), or ``start`` when there is none."""
    end = data.rfind(b"\n", start, size)
    if not quoted:
        return end + 1 if end >= 0 else start
    while end >= 0 and data.count(b'"', start, end) % 2:
        end = data.rfind(b"\n", start, end)
    return end + 1 if end >= 0 else start


def _raise_for(exc: Any, numbers: set[int]) -> Any:
    found = _FAILED_COLUMN.search(str(exc))
    if found is not None and int(found.group(1)) in numbers:
        raise ColumnIsText(int(found.group(1))) from None
    raise NotStreamable from None


def _as_text(position: int) -> Any:
    def reread() -> Any:
        raise ColumnIsText(position)

    return reread
