"""The columns of an export's body, whichever reader produced them.

Two readers fill a :class:`Body`: pyarrow's multi-threaded CSV reader for UTF-8 files that it
reads cleanly (the fast path for big exports), and pandas for everything else (other
encodings, ragged rows, .xlsx bodies). Mapping code sees only :class:`Column`, so both give
the same observations and the same rejected rows; the property tests hold them to that.

A column is *int* or *float* when the reader inferred clean numbers (empty cells are
``nulls``), else *text*. Texts are handled per distinct value (:meth:`Column.factorize`), and
plain decimal numbers inside a text column take a vectorised path
(:meth:`Column.plain_numbers`): only cells matching :data:`PLAIN_NUMBER` do, so what counts as
a number never depends on the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import numpy as np
import numpy.typing as npt

from mktplan.errors import IngestError
from mktplan.i18n import msg
from mktplan.ingest.scan import QuoteCount
from mktplan.observations import SCALE

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

Kind = Literal["int", "float", "text"]
MICRO = 10**SCALE  # micro-units per value unit
Codes = npt.NDArray[np.intp]


def _small_pages() -> None:
    """Stop numpy advising huge pages for big arrays. With the kernel's usual
    ``defrag=madvise`` every such array can stall on memory compaction: 0.2 s of a 1M-row
    ingest on a 2-core VM. Ingest's arrays are short-lived, so small pages are cheaper."""
    try:
        from numpy._core import multiarray
    except ImportError:  # pragma: no cover - numpy < 2 names it numpy.core
        return
    setter = getattr(multiarray, "_set_madvise_hugepage", None)
    if setter is not None:
        setter(False)


_small_pages()


def keep_freed_memory() -> None:
    """Have glibc's malloc serve arrays up to 32 MiB from its heap and keep what is freed
    there (up to 512 MiB) for the next block, instead of mapping each block's arrays afresh
    and unmapping them: those were 170,000 page faults, about 0.8 s of system time and a
    fifth of the CPU of reading a 5M-row export; peak memory stays the same (the next block
    reuses the last one's memory). Process-wide and for the rest of the process: ingest calls
    it when it starts reading. Without glibc (musl, macOS) it does nothing."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # glibc's malloc.h
    mallopt(m_mmap_threshold, 32 << 20)  # its upper limit on 64-bit systems
    mallopt(m_trim_threshold, 512 << 20)


# A text cell that is a plain decimal number: parsed in bulk, everything else by parse_value.
# [0-9], not \d, which matches "１" too. Bounded: no backtracking blow-up on a long cell, and
# no float overflow for pandas (a longer number is "too large" anyway, said by parse_value).
PLAIN_NUMBER = r"[+-]?(?:[0-9]{1,20}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})(?:[eE][+-]?[0-9]{1,3})?"


def exact_micro(values: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.int64], Any]:
    """Micro-units of floats and the mask where rint(x·10^6) is provably the exact decimal.

    Below 10^9 the float error of x·10^6 stays under 0.13, so a result within 10^-3 of an
    integer can only come from a decimal with at most six places: that integer is exact.
    NaN and infinities are never exact. (In-place steps: this runs on every float cell.)
    """
    micro = np.empty(len(values), dtype=np.int64)
    ok = np.empty(len(values), dtype=np.bool_)
    _exact_into(values, micro, ok)
    return micro, ok


def _exact_into(
    values: npt.NDArray[np.float64],
    micro: npt.NDArray[np.int64],
    ok: npt.NDArray[np.bool_],
    scratch: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]] | None = None,
) -> None:
    """:func:`exact_micro` of ``values`` written into ``micro`` and ``ok`` (same length),
    using ``scratch`` float buffers at least as long when given."""
    size = len(values)
    scaled, rounded = scratch or (np.empty(size), np.empty(size))
    scaled, rounded = scaled[:size], rounded[:size]
    with np.errstate(invalid="ignore", over="ignore"):
        np.multiply(values, MICRO, out=scaled)
        np.rint(scaled, out=rounded)
        np.subtract(scaled, rounded, out=scaled)
        np.abs(scaled, out=scaled)
        np.less(scaled, 1e-3, out=ok)  # False for NaN and ±inf
        highest = np.fmax.reduce(rounded, initial=0)  # fmax/fmin skip NaN
        lowest = np.fmin.reduce(rounded, initial=0)
        if highest >= 1e15 or lowest <= -1e15:
            ok &= np.abs(rounded) < 1e15
        if not ok.all():
            rounded[~ok] = 0
        np.copyto(micro, rounded, casting="unsafe")


class Column(Protocol):
    """One column of a body, rows in file order."""

    @property
    def kind(self) -> Kind: ...

    def __len__(self) -> int: ...

    def values(self) -> npt.NDArray[Any]:
        """int64 (empty cells 0) or float64 (empty cells NaN) of a numeric column."""
        ...

    def nulls(self) -> npt.NDArray[np.bool_]:
        """Empty cells of a numeric column (none for text)."""
        ...

    def micro_units(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """A float column as (micro-units, exact, empty): see :func:`exact_micro`."""
        ...

    def factorize(self) -> tuple[Codes, list[str]]:
        """(code per row, distinct texts): the cells as text, each distinct text once."""
        ...

    def plain_numbers(self) -> npt.NDArray[np.float64]:
        """Text column: the float of each cell matching :data:`PLAIN_NUMBER`, NaN elsewhere."""
        ...

    def texts(self, positions: npt.NDArray[np.intp]) -> list[str]:
        """The cells at ``positions`` as text."""
        ...

    def raw(self, position: int) -> str:
        """One cell as text, for error messages."""
        ...


@dataclass(frozen=True)
class Body:
    """The columns a layout reads (by 0-based position in the header), the number of rows, and
    the 1-based line of the first row."""

    columns: dict[int, Column]
    size: int
    first_line: int  # the file line (or sheet row) of the first row

    def __getitem__(self, position: int) -> Column:
        return self.columns[position]


def factorize_objects(values: list[str]) -> tuple[Codes, list[str]]:
    """(codes, distinct values in first-seen order) of a list of texts, in plain Python."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.intp, count=len(values)
    )
    return codes, list(index)


def _float_text(value: float) -> str:
    """A float read by pandas as the decimal text it came from: the shortest text that round-trips,
    without an exponent (so 1e+20 reads as "too large", not "not a number"); NaN and empty
    cells are ""."""
    if np.isnan(value):
        return ""
    text = repr(value)
    return f"{Decimal(text):f}" if "e" in text and np.isfinite(value) else text


class PandasColumn:
    """A column of a pandas frame (CSV read by pandas, or an .xlsx body of texts)."""

    def __init__(self, series: pd.Series[Any]) -> None:
        kind = series.dtype.kind
        self._kind: Kind = "int" if kind in "iu" else "float" if kind == "f" else "text"
        # bools and other inferred types are text: "True" is not a number
        self._series = series if self._kind != "text" else series.astype(str)
        self._factorized: tuple[Codes, list[str]] | None = None

    @property
    def kind(self) -> Kind:
        return self._kind

    def __len__(self) -> int:
        return len(self._series)

    def values(self) -> npt.NDArray[Any]:
        dtype = np.int64 if self._kind == "int" else np.float64
        return self._series.to_numpy(dtype=dtype)

    def nulls(self) -> npt.NDArray[np.bool_]:
        return np.zeros(len(self._series), dtype=np.bool_)

    def micro_units(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        micro, exact = exact_micro(self.values())
        return micro, exact, self.nulls()

    def factorize(self) -> tuple[Codes, list[str]]:
        if self._factorized is None:
            import pandas as pd

            texts = self._series.astype(str).to_numpy(dtype=object)
            codes, uniques = pd.factorize(texts, use_na_sentinel=False)
            self._factorized = np.asarray(codes, dtype=np.intp), [str(u) for u in uniques]
        return self._factorized

    def plain_numbers(self) -> npt.NDArray[np.float64]:
        import pandas as pd

        texts = self._series
        plain = texts.str.fullmatch(PLAIN_NUMBER).to_numpy(dtype=np.bool_, na_value=False)
        floats = np.full(len(texts), np.nan)
        if plain.any():
            floats[plain] = pd.to_numeric(texts[plain]).to_numpy(dtype=np.float64)
        return floats

    def texts(self, positions: npt.NDArray[np.intp]) -> list[str]:
        values = self._series.iloc[positions].tolist()
        if self._kind == "float":
            return [_float_text(float(v)) for v in values]
        return [str(v) for v in values]

    def raw(self, position: int) -> str:
        return str(self._series.iat[position])


class ArrowColumn:
    """A column read by pyarrow's CSV reader: float64 or int64 numbers, or (dictionary-coded)
    text. int64 comes from the block reader only, for columns of whole numbers (their
    micro-units are exact without the float check).

    A number column keeps a way to read its cells again as written (``text_source``), for the
    rare cells whose float is not provably the decimal written (more than six decimals,
    10^9 and up, nan, inf): those are parsed from their text, exactly as the pandas path
    would."""

    def __init__(
        self,
        data: pa.ChunkedArray[Any],
        text_source: Callable[[], pa.ChunkedArray[Any]] | None = None,
    ) -> None:
        import pyarrow as pa

        self._data = data
        self._kind: Kind = (
            "float"
            if pa.types.is_floating(data.type)
            else "int"
            if pa.types.is_integer(data.type)
            else "text"
        )
        self._text_source = text_source
        self._as_written: pa.ChunkedArray[Any] | None = None
        self._factorized: tuple[Codes, list[str]] | None = None

    @property
    def kind(self) -> Kind:
        return self._kind

    def __len__(self) -> int:
        return len(self._data)

    def values(self) -> npt.NDArray[Any]:
        if self._kind == "int":
            return _numpy(self._data, np.int64, 0)
        return _numpy(self._data, np.float64, np.nan)

    def nulls(self) -> npt.NDArray[np.bool_]:
        return _nulls(self._data)

    def micro_units(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Block by block straight from pyarrow's buffers, through two small scratch buffers
        that stay in the CPU cache: no column-long temporaries."""
        size = len(self._data)
        micro = np.empty(size, dtype=np.int64)
        exact = np.empty(size, dtype=np.bool_)
        empty = np.zeros(size, dtype=np.bool_)
        chunks = _chunks(self._data)
        longest = max((len(c) for c in chunks), default=0)
        scratch = (np.empty(longest), np.empty(longest))
        start = 0
        for chunk in chunks:
            end = start + len(chunk)
            values = np.frombuffer(
                cast(Any, chunk.buffers()[1]),
                dtype=np.float64,
                count=len(chunk),
                offset=chunk.offset * 8,
            )
            _exact_into(values, micro[start:end], exact[start:end], scratch)
            nulls = _chunk_nulls(chunk)
            if nulls is not None:  # a null's slot holds any number: neither exact nor a value
                empty[start:end] = nulls
                exact[start:end] &= ~nulls
                micro[start:end][nulls] = 0
            start = end
        return micro, exact, empty

    def _written(self) -> pa.ChunkedArray[Any]:
        """The cells as written: the text itself, or the numbers read again as text."""
        if self._kind == "text":
            return self._data
        if self._as_written is None:
            if self._text_source is None:  # pragma: no cover - arrow_body always gives one
                raise ValueError("this number column cannot be read again as text")
            self._as_written = self._text_source()
        return self._as_written

    def factorize(self) -> tuple[Codes, list[str]]:
        if self._factorized is None:
            if self._kind != "text":  # numbers are rarely asked for as text: plain Python
                self._factorized = factorize_objects(self.texts(np.arange(len(self._data))))
            else:  # text columns are read with empty strings, never nulls
                self._factorized = self._encode()
        return self._factorized

    def _encode(self) -> tuple[Codes, list[str]]:
        """Dictionary-encode chunk by chunk and merge the (small) dictionaries in Python:
        cheaper than combining the chunks of a long text column first."""
        import pyarrow as pa

        index: dict[str, int] = {}
        parts: list[Codes] = []
        for chunk in _chunks(self._data):
            encoded = chunk if isinstance(chunk, pa.DictionaryArray) else chunk.dictionary_encode()
            local = np.fromiter(
                (index.setdefault(str(u), len(index)) for u in encoded.dictionary.to_pylist()),
                dtype=np.intp,
            )
            parts.append(local[_numpy(encoded.indices, np.int32, 0)])
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.intp)
        return codes, list(index)

    def plain_numbers(self) -> npt.NDArray[np.float64]:
        import pyarrow as pa
        import pyarrow.compute as pc

        data = self._data
        if pa.types.is_dictionary(data.type):  # a text column also mapped as a value
            data = data.cast(pa.string())
        plain = pc.match_substring_regex(data, f"^{PLAIN_NUMBER}$")
        kept = pc.if_else(plain, data, pa.nulls(1, pa.string())[0])
        return _numpy(kept.cast(pa.float64()), np.float64, np.nan)

    def texts(self, positions: npt.NDArray[np.intp]) -> list[str]:
        import pyarrow as pa

        if not len(positions):
            return []
        indices = np.ascontiguousarray(positions, dtype=np.int64)
        taken = self._written().take(
            pa.Array.from_buffers(
                pa.int64(), len(indices), [None, pa.py_buffer(cast(Any, indices))]
            )
        )
        return ["" if v is None else str(v) for v in taken.to_pylist()]

    def raw(self, position: int) -> str:
        value = self._written()[position].as_py()
        return "" if value is None else str(value)


# pyarrow's to_numpy, pa.array and Python values as compute arguments go through its pandas
# bridge, which imports pandas (0.2 s of an ingest): these helpers read the buffers instead.


def _chunks(data: pa.Array[Any] | pa.ChunkedArray[Any]) -> list[pa.Array[Any]]:
    return [c for c in (data.chunks if hasattr(data, "chunks") else [data]) if len(c)]


def _chunk_nulls(chunk: pa.Array[Any]) -> npt.NDArray[np.bool_] | None:
    validity = chunk.buffers()[0]
    if chunk.null_count == 0 or validity is None:
        return None
    bits = np.unpackbits(np.frombuffer(cast(Any, validity), dtype=np.uint8), bitorder="little")
    nulls: npt.NDArray[np.bool_] = bits[chunk.offset : chunk.offset + len(chunk)] == 0
    return nulls


def _nulls(data: pa.Array[Any] | pa.ChunkedArray[Any]) -> npt.NDArray[np.bool_]:
    """Which cells of an array are null."""
    parts = []
    for chunk in _chunks(data):
        found = _chunk_nulls(chunk)
        parts.append(np.zeros(len(chunk), dtype=np.bool_) if found is None else found)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.bool_)


def _numpy(
    data: pa.Array[Any] | pa.ChunkedArray[Any], dtype: type[Any], fill: float
) -> npt.NDArray[Any]:
    """A fixed-width array as numpy, nulls as ``fill``."""
    width = np.dtype(dtype).itemsize
    parts = []
    for chunk in _chunks(data):
        values = np.frombuffer(
            cast(Any, chunk.buffers()[1]),
            dtype=dtype,
            count=len(chunk),
            offset=chunk.offset * width,
        )
        found = _chunk_nulls(chunk)
        parts.append(values if found is None else np.where(found, fill, values).astype(dtype))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def pandas_body(frame: pd.DataFrame, positions: list[int], first_line: int) -> Body:
    """A body of the frame's columns at ``positions`` (columns named by position)."""
    return Body({p: PandasColumn(frame[p]) for p in positions}, len(frame), first_line)


def count_quotes(path: str) -> tuple[int, int]:
    """:class:`QuoteCount` of a file read here, for a caller that has not read it."""
    counter = QuoteCount()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            counter.feed(block)
    return counter.counts


def _holds_line_break(column: pa.ChunkedArray[Any]) -> bool:
    """Whether any cell of a text column holds a line break: a dictionary column's distinct
    values, a plain text column's cells."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for chunk in _chunks(column):
        values = chunk.dictionary if isinstance(chunk, pa.DictionaryArray) else chunk
        if pa.types.is_string(values.type) and (
            pc.any(pc.match_substring_regex(values, "[\r\n]")).as_py()
        ):
            return True
    return False


def arrow_body(
    path: str,
    delimiter: str,
    width: int,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None = None,
    *,
    header_line: int,
) -> Body | None:
    """Read a UTF-8 CSV body below the header on ``header_line`` with pyarrow, or None when
    pyarrow cannot read it cleanly (ragged rows, invalid UTF-8, an odd number of double
    quotes, ...): the pandas reader then reads it and says what is wrong, with the line.

    Quotes decide how much pyarrow is trusted. ``quotes`` is (double quotes in the file, in its
    first line), counted here when not given. With none, no value can hold a line break and
    pyarrow splits the file into blocks at any newline. Otherwise it splits only outside
    quotes (a little slower), and the file goes to pandas when the count is odd, the header
    line's count is odd (a header cell over two lines), or any text read holds a line break.
    A quote that never closes makes pyarrow run the cell on to the end of the file or to the
    next stray quote, swallowing the rows between; pandas refuses the first and, for quoted
    line breaks, is the reference whose line numbers the rejects report.

    Columns in ``text_positions`` are read as dictionary-coded text; the other ``positions``
    (values) as float64 when every cell is a number pyarrow reads, else as text (a column
    with "1,234" or "-" in it is found from pyarrow's error and read again as text). Columns
    outside ``positions`` are read as text only to check them."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    try:
        total, in_header = count_quotes(path) if quotes is None else quotes
    except OSError:
        return None
    if total % 2 or in_header % 2:
        return None
    names = [f"c{i}" for i in range(width)]
    numbers = {p for p in positions if p not in text_positions}
    coded = pa.dictionary(pa.int32(), pa.string())

    def read(types: dict[str, Any], include: list[str] | None = None) -> pa.Table:
        return pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(
                skip_rows=header_line, column_names=names, use_threads=True, block_size=1 << 22
            ),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=total > 0
            ),
            convert_options=pcsv.ConvertOptions(
                column_types=types,
                include_columns=include or [],
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )

    def as_written(name: str, rows: int) -> Callable[[], pa.ChunkedArray[Any]]:
        def reread() -> pa.ChunkedArray[Any]:
            try:
                column = read({name: pa.string()}, [name]).column(name)
            except (pa.ArrowException, OSError):
                column = None
            if column is None or len(column) != rows:
                raise IngestError(
                    msg("ingest.changed_while_read"),
                    file=path,
                    hint=msg("ingest.changed_while_read.hint"),
                )
            return column

        return reread

    for _ in range(len(numbers) + 1):
        types = {
            name: pa.float64() if i in numbers else coded if i in text_positions else pa.string()
            for i, name in enumerate(names)
        }
        try:
            table = read(types)
        except pa.ArrowInvalid as exc:
            # "In CSV column #5: CSV conversion error to double: invalid value '1,234'"
            found = _FAILED_COLUMN.search(str(exc))
            if found is None or int(found.group(1)) not in numbers:
                return None
            numbers.discard(int(found.group(1)))
            continue
        except (pa.ArrowException, OSError):
            return None
        if total and any(
            _holds_line_break(table.column(name))
            for i, name in enumerate(names)
            if i not in numbers
        ):
            return None
        columns: dict[int, Column] = {
            p: ArrowColumn(table.column(names[p]), as_written(names[p], table.num_rows))
            for p in positions
        }
        return Body(columns, table.num_rows, header_line + 1)
    return None  # pragma: no cover - every number column has become text by then


_FAILED_COLUMN = re.compile(r"In CSV column #(\d+): CSV conversion error")
