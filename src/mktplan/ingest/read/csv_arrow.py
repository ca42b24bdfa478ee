"""UTF-8 CSV bodies read by pyarrow's streaming reader, block by block: it parses the next
blocks on both cores while the last one is mapped, and memory holds a few blocks, never the
file. The same trust rules as the whole-file reader (:func:`~mktplan.ingest.columns.
arrow_body`), piece by piece: a piece's quotes decide whether its values may hold line breaks,
and anything pyarrow does not read cleanly (a ragged row, invalid UTF-8, a line break inside a
value, a quote that never closes) stops the stream, so the file is read whole by the reader
that says what is wrong, with the line.

The stream needs nothing from a read of the whole file before it (the file's quote count was
once such a thing): a big export's rows are read while its hash is still being taken
(:mod:`mktplan.ingest.pipeline`)."""

from __future__ import annotations

import codecs
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
    block_bytes: int,
) -> Iterator[Body]:
    """The columns at ``positions`` of the table below ``header_line``, in blocks; the other
    columns are only checked (split into cells, valid UTF-8, no line break in a value).
    :class:`ColumnIsText` when a number column is not numbers throughout; :class:`NotStreamable`
    when pyarrow cannot read the file. Number columns are float64, or int64 from the second
    piece on where the first held whole numbers only; a decimal in such a column turns it
    back to float64, and an x anywhere in a piece (pyarrow reads 0x1F as the int 31, but as
    no float) all of them, from that piece on.

    The file is cut into pieces of about ``block_bytes`` at line ends outside quotes, and
    each piece is parsed by pyarrow on both cores while the one before it is mapped: one piece
    ahead, never more (pyarrow's own streaming reader parses ahead without bound)."""
    import pyarrow as pa

    width = len(header.headers)
    numbers = {p for p in positions if p not in text_positions}
    parse = _parser(header.delimiter, width, positions, numbers, text_positions)
    ints: frozenset[int] = frozenset()  # number columns read as int64 (see _whole_numbers)
    first_line = header_line + 1
    pieces = _pieces(header.readable, header_line, block_bytes)

    def read_next(
        ints: frozenset[int],
    ) -> tuple[Any, frozenset[int], dict[int, Column], bool] | None:
        # In the worker: reading and parsing the bytes, nothing more. The parse of the pieces
        # one after the other is what the stream waits for: the micro-units and codes of a
        # block are worked out by the mapping on the main thread, which had time to spare
        # (a 5M-row ingest 0.15 s faster than with them here). One worker, so the generator
        # is never run by two threads at once.
        found = next(pieces, None)
        if found is None:
            return None
        piece, quoted = found
        table, ints = parse(piece, ints, quoted=quoted)
        columns = {p: ArrowColumn(table.column(_name(p)), _as_text(p)) for p in positions}
        return table, ints, cast(dict[int, Column], columns), quoted

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mktplan-csv") as ahead:
        pending = ahead.submit(read_next, ints)
        first = True
        while True:
            try:
                done = pending.result()
            except pa.ArrowInvalid as exc:
                _raise_for(exc, numbers)
            except (pa.ArrowException, OSError):
                raise NotStreamable from None
            if done is None:
                return
            table, ints, columns, quoted = done
            if first:  # the columns of whole numbers: int64 from the next piece on
                ints = _whole_numbers(table, numbers)
                first = False
            pending = ahead.submit(read_next, ints)
            if quoted and any(
                _holds_line_break(table.column(_name(i))) for i in range(width) if i not in numbers
            ):
                raise NotStreamable  # a value over several lines: lines are not rows
            yield Body(columns, table.num_rows, first_line)
            first_line += table.num_rows


def _name(position: int) -> str:
    return f"c{position}"


def _parser(
    delimiter: str,
    width: int,
    positions: list[int],
    numbers: set[int],
    text_positions: set[int],
) -> Callable[..., tuple[Any, frozenset[int]]]:
    """A function that parses a piece with pyarrow, the number columns in ``ints`` as int64
    (the others float64): (table, the columns it read as int64). A column of whole numbers
    that holds a decimal in this piece is read as float64 here and from now on.

    A piece without a double quote has no value over two lines, so its lines are its rows and
    the columns the layout does not read are not converted: pyarrow still splits every row
    into all its cells (a ragged row still fails), and the piece's bytes are checked as UTF-8
    at once instead of cell by cell (invalid UTF-8 anywhere hands over to the whole read). A
    quoted piece is parsed with line breaks allowed in values, every column converted."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = [_name(i) for i in range(width)]
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {
        name: pa.float64() if i in numbers else coded if i in text_positions else pa.string()
        for i, name in enumerate(names)
    }
    read_options = pcsv.ReadOptions(column_names=names, use_threads=True, block_size=1 << 21)
    parse_options = {
        quoted: pcsv.ParseOptions(
            delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=quoted
        )
        for quoted in (False, True)
    }
    some = len(positions) < width  # unquoted pieces convert only the columns read

    def convert(ints: frozenset[int], only_mapped: bool) -> Any:
        return pcsv.ConvertOptions(
            column_types={**types, **{names[p]: pa.int64() for p in ints}},
            include_columns=[names[p] for p in positions] if only_mapped else [],
            null_values=[""],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            check_utf8=not only_mapped,  # only_mapped: the piece is checked whole
        )

    def parse(
        piece: memoryview, ints: frozenset[int], *, quoted: bool
    ) -> tuple[Any, frozenset[int]]:
        only_mapped = some and not quoted
        if only_mapped:
            _check_utf8(piece)
        if ints and _may_hold_hex(piece):
            ints = frozenset()  # pyarrow reads 0x1F as the int 31, and no float: floats
        while True:
            try:
                table = pcsv.read_csv(
                    cast(Any, pa.BufferReader(piece)),
                    read_options=read_options,
                    parse_options=parse_options[quoted],
                    convert_options=convert(ints, only_mapped),
                )
            except pa.ArrowInvalid as exc:
                found = _FAILED_COLUMN.search(str(exc))
                if found is None or int(found.group(1)) not in ints:
                    raise
                ints = ints - {int(found.group(1))}  # a decimal: read as float64 again
                continue
            return table, ints

    return parse


def _whole_numbers(table: Any, numbers: set[int]) -> frozenset[int]:
    """The float64 columns of ``table`` whose present values are all whole numbers of at
    most 15 digits: pyarrow reads them as int64 exactly, and whole micro-units of an int64
    column cost a multiplication (not the exactness check of floats)."""
    import numpy as np

    from mktplan.ingest.columns import _chunks, _numpy

    whole = set()
    for p in numbers:
        column = table.column(_name(p))
        if not _chunks(column):
            continue
        values = _numpy(column, np.float64, 0.0)
        with np.errstate(invalid="ignore"):
            if np.all(np.abs(values) < 1e15) and np.array_equal(values, np.rint(values)):
                whole.add(p)
    return frozenset(whole)


def _check_utf8(piece: memoryview) -> None:
    """:class:`NotStreamable` when the piece is not valid UTF-8. An ASCII buffer is (one
    pass, about a millisecond: the whole buffer the piece lies in, so a piece whose buffer
    holds other bytes beside it is decoded); else the piece is decoded a MiB at a time. Not
    pyarrow's cast, which imports pyarrow.compute (40 ms)."""
    data = piece.obj
    if isinstance(data, bytes | bytearray) and data.isascii():
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    try:
        for start in range(0, len(piece), step):
            decoder.decode(piece[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise NotStreamable from None


def _may_hold_hex(piece: memoryview) -> bool:
    """Whether the piece's buffer holds an x or X anywhere, as a hex cell (0x1F) would:
    memchr, about a millisecond a piece. Looking for "0x" itself costs 15 ms with bytes.find
    (zeros are everywhere in numbers) and 6.5 ms with pyarrow.compute, whose import alone
    costs 40 ms; the int64 columns save about 10 ms a piece. (The whole buffer: bytes beside
    the piece can only make it say yes.)"""
    data = piece.obj if isinstance(piece.obj, bytes | bytearray) else bytes(piece)
    return data.find(b"x") >= 0 or data.find(b"X") >= 0


# A line this many pieces long holds a quote that never closes (or is no CSV line at all):
# the stream stops there instead of holding the rest of the file in memory.
LONGEST_LINE_PIECES = 4


def _pieces(path: Path, header_line: int, block_bytes: int) -> Iterator[tuple[memoryview, bool]]:
    """The bytes below line ``header_line``, cut at line ends outside quotes into pieces of
    about ``block_bytes``, each with whether it holds a double quote. Each piece is read into
    the buffer of the one before: ask for the next piece only when done with the last (pyarrow
    copies what it parses). A fresh 16 MiB buffer a piece cost 6 ms of page faults and zeroing,
    a third of the read.

    Every piece starts outside quotes: the lines above the body hold an even number of them
    (an odd count is a header cell over two lines), and a piece ends after a line end with an
    even number before it in the piece. :class:`NotStreamable` for a quote that never closes
    (the last piece's count is odd, or no line end outside quotes in
    :data:`LONGEST_LINE_PIECES` pieces) and for lines ended by a bare CR."""
    try:
        with path.open("rb") as fh:
            rest = b""
            skip = header_line
            above = 0  # double quotes in the lines above the body
            buffer = bytearray()
            while True:
                if len(buffer) < len(rest) + block_bytes:  # the first, or a long line
                    # room for the piece's unfinished last line too, so the buffer is reused
                    buffer = bytearray(len(rest) + block_bytes + (block_bytes >> 4))
                buffer[: len(rest)] = rest
                read = fh.readinto(memoryview(buffer)[len(rest) : len(rest) + block_bytes])
                size = len(rest) + read
                # from the unfinished line's last byte: a CR that ended the last read
                if _bare_cr(buffer, max(0, len(rest) - 1), size):
                    raise NotStreamable
                start = 0
                while skip:
                    end = buffer.find(b"\n", start, size)
                    if end < 0:
                        break
                    above += buffer.count(b'"', start, end)
                    start = end + 1
                    skip -= 1
                if not skip and above % 2:
                    raise NotStreamable  # a header cell over two lines
                quoted = buffer.find(b'"', start, size) >= 0  # memchr: the usual file has none
                if not read:
                    if not skip and start < size:
                        if quoted and buffer.count(b'"', start, size) % 2:
                            raise NotStreamable  # a quote that never closes
                        yield memoryview(buffer)[start:size], quoted
                    return
                cut = 0 if skip else _cut(buffer, start, size, quoted=quoted)
                if cut <= start:
                    if size - start > LONGEST_LINE_PIECES * block_bytes:
                        raise NotStreamable
                    rest = bytes(buffer[start:size])
                    continue
                rest = bytes(buffer[cut:size])
                yield memoryview(buffer)[start:cut], quoted and buffer.find(b'"', start, cut) >= 0
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
    outside quotes (an even number of quotes before it), or ``start`` when there is none.
    Line ends with no quote between them have the same count before them, so the walk back
    jumps from quote to quote (the line end before the last quote, with the count less the
    quotes between): one pass over the bytes, however many lines a stray quote (``55" TV``)
    leaves behind it."""
    end = data.rfind(b"\n", start, size)
    if not quoted or end < 0:
        return end + 1 if end >= 0 else start
    before = data.count(b'"', start, end)
    while before % 2:
        earlier = data.rfind(b"\n", start, data.rfind(b'"', start, end))
        if earlier < 0:
            return start
        before -= data.count(b'"', earlier, end)
        end = earlier
    return end + 1


def _raise_for(exc: Any, numbers: set[int]) -> Any:
    found = _FAILED_COLUMN.search(str(exc))
    if found is not None and int(found.group(1)) in numbers:
        raise ColumnIsText(int(found.group(1))) from None
    raise NotStreamable from None


def _as_text(position: int) -> Any:
    def reread() -> Any:
        raise ColumnIsText(position)

    return reread
