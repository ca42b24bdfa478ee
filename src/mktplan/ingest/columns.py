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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

Kind = Literal["int", "float", "text"]
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

# A text cell that is a plain decimal number: parsed in bulk, everything else by parse_value.
PLAIN_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"  # [0-9]: \d also matches "１"


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
    first_line: int = 2

    def __getitem__(self, position: int) -> Column:
        return self.columns[position]


def factorize_objects(values: list[str]) -> tuple[Codes, list[str]]:
    """(codes, distinct values in first-seen order) of a list of texts, in plain Python."""
    index: dict[str, int] = {}
    codes = np.fromiter(
        (index.setdefault(v, len(index)) for v in values), dtype=np.intp, count=len(values)
    )
    return codes, list(index)


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
        return [str(v) for v in self._series.iloc[positions].tolist()]

    def raw(self, position: int) -> str:
        return str(self._series.iat[position])


class ArrowColumn:
    """A column read by pyarrow's CSV reader: int64, double or string."""

    def __init__(self, data: pa.ChunkedArray[Any]) -> None:
        import pyarrow as pa

        self._data = data
        kind = data.type
        self._kind: Kind = (
            "int" if pa.types.is_int64(kind) else "float" if pa.types.is_float64(kind) else "text"
        )
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
        index: dict[str, int] = {}
        parts: list[Codes] = []
        for chunk in _chunks(self._data):
            encoded = chunk.dictionary_encode()
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

        plain = pc.match_substring_regex(self._data, f"^{PLAIN_NUMBER}$")
        kept = pc.if_else(plain, self._data, pa.nulls(1, pa.string())[0])
        return _numpy(kept.cast(pa.float64()), np.float64, np.nan)

    def texts(self, positions: npt.NDArray[np.intp]) -> list[str]:
        import pyarrow as pa

        indices = np.ascontiguousarray(positions, dtype=np.int64)
        taken = self._data.take(
            pa.Array.from_buffers(
                pa.int64(), len(indices), [None, pa.py_buffer(cast(Any, indices))]
            )
        )
        return ["" if v is None else str(v) for v in taken.to_pylist()]

    def raw(self, position: int) -> str:
        value = self._data[position].as_py()
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


def arrow_body(
    path: str, delimiter: str, width: int, positions: list[int], text_positions: set[int]
) -> Body | None:
    """Read a UTF-8 CSV body with pyarrow, or None when pyarrow cannot read it cleanly (ragged
    rows, a quoted line break, invalid UTF-8, ...): the pandas reader then reads it and says
    what is wrong, with the line. Columns other than ``positions`` are read as text only to
    check them; numeric columns of ``positions`` outside ``text_positions`` are inferred."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    names = [f"c{i}" for i in range(width)]
    inferred = {p for p in positions if p not in text_positions}
    for _ in range(2):
        types = {name: pa.string() for i, name in enumerate(names) if i not in inferred}
        try:
            table = pcsv.read_csv(
                path,
                read_options=pcsv.ReadOptions(
                    skip_rows=1, column_names=names, use_threads=True, block_size=1 << 22
                ),
                parse_options=pcsv.ParseOptions(
                    delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=False
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    check_utf8=True,
                ),
            )
        except (pa.ArrowException, OSError):
            return None
        # an inferred bool, date, time or binary column is read again as text: "true" or
        # "2024-06-10" in a metric column is a bad number, reported as such
        odd = {
            p
            for p in inferred
            if not (
                pa.types.is_int64(kind := table.column(names[p]).type)
                or pa.types.is_float64(kind)
                or pa.types.is_null(kind)
            )
        }
        empty = {p for p in inferred if pa.types.is_null(table.column(names[p]).type)}
        if not odd:
            columns: dict[int, Column] = {}
            for p in positions:
                data = table.column(names[p])
                if p in empty:  # every cell empty: numbers with no values
                    data = data.cast(pa.int64())
                columns[p] = ArrowColumn(data)
            return Body(columns, table.num_rows, 2)
        inferred -= odd
    return None  # pragma: no cover - the second read forces every odd column to text
