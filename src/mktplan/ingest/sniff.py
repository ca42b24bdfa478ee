"""Where a file's table is: the header found, not assumed on line 1, and which of several
tables to read. One :class:`Dialect` per file, the same for CSV and .xlsx.

The header is the first line within the first :data:`HEADER_WINDOW` that holds the wanted
columns (a source's date and mapped columns, else long format's date,kpi,value); the lines
above it (titles, date ranges, ``#`` comments, Excel's ``sep=`` hint) are skipped and said.
A file holding several tables (a repeated header, or a blank line and a new title above
another header) is refused unless the source picks one with ``table:``.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mktplan.errors import IngestError, shorten
from mktplan.i18n import Msg, msg
from mktplan.ingest.cells import reads_as_data
from mktplan.ingest.columns import Body
from mktplan.ingest.read.csv_pandas import LINE_END
from mktplan.ingest.read.xlsx import Merged, excel_rows
from mktplan.ingest.readers import (
    SAMPLE_BYTES,
    TableHeader,
    _named,
    header_key,
    read_columns,
    read_header,
    sheet_body,
)
from mktplan.store.records import skip_reason

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mktplan.plan.model import Source

HEADER_WINDOW = 50  # lines searched for the header
_SEP_HINT = re.compile(r"\s*sep=(.)\s*", re.IGNORECASE)

Record = tuple[int, tuple[str, ...]]  # (1-based line or row, cells)


@dataclass(frozen=True)
class Table:
    """One table of a file: its title (the line above its header, '' when none), its header's
    line, and the line after its last row (None: the end of the file)."""

    title: str
    header_line: int
    end_line: int | None
    headers: tuple[str, ...]

    def label(self, number: int) -> str:
        """The table's identity in the ingest digest (:meth:`Dialect.reading`), never shown:
        it must not change, or a file read before would no longer be "already ingested".
        Users read :meth:`label_text`."""
        named = f" {shorten(self.title)!r}" if self.title else ""
        return f"{number}{named} (header on line {self.header_line})"

    def label_text(self, number: int) -> Msg:
        """:meth:`label` as a catalogue sentence, for a refusal in the reader's language."""
        named = f" {shorten(self.title)!r}" if self.title else ""
        return msg("ingest.table_label", number=number, named=named, line=self.header_line)


def _listed(tables: list[Table]) -> Msg:
    """The tables' labels as one sentence: `1 … ; 2 …` (`；` in zh)."""
    labels = [t.label_text(n) for n, t in enumerate(tables, start=1)]
    listed = labels[-1]
    for label in reversed(labels[:-1]):
        listed = msg("ingest.table_list", first=label, rest=listed)
    return listed


@dataclass(frozen=True)
class Dialect:
    """How to read one file: what :class:`TableHeader` says (encoding, delimiter, sheet) plus
    where its table is and what was skipped above it."""

    header: TableHeader  # headers of the chosen table, and their line
    end_line: int | None = None
    skipped_above: str = ""  # what the lines above the header were (records.skip_reason)
    table: str = ""  # the chosen table's Table.label when the file holds several (digest only)
    rows: tuple[tuple[str, ...], ...] | None = None  # xlsx: every row of the sheet as text
    merged: Merged = ()  # xlsx: the sheet's cells merged down over rows
    aliases: tuple[tuple[str, int], ...] = ()  # two-level header: unique lower names
    upper_line: int | None = None  # two-level header: the line of its upper cells

    @property
    def header_line(self) -> int:
        """The header's file line (CSV) or sheet row (xlsx); a two-level header's lower line."""
        return self.header.line

    @property
    def first_header_line(self) -> int:
        """The header's first line: a two-level header's upper line, which is not skipped."""
        return self.header_line if self.upper_line is None else self.upper_line

    def reading(self) -> dict[str, str]:
        """Everything besides the bytes and the source's options that decides what is read:
        the header's reading (codec, delimiter, sheet) and where the table was found."""
        return {
            **self.header.reading(),
            "header_line": str(self.header_line),
            "end_line": "" if self.end_line is None else str(self.end_line),
            "table": self.table,
            "aliases": json.dumps(self.aliases, ensure_ascii=False),
        }


def wanted_columns(source: Source | None) -> list[str]:
    """The headers a source needs (date, mapped and routing columns)."""
    if source is None:
        return []
    wanted = [source.date, *source.columns]
    wanted += [
        h
        for h in (
            source.module_by,
            source.channel,
            source.note,
            source.line,
            source.ref,
            source.currency,
        )
        if h
    ]
    return wanted


LONG_COLUMNS = ("date", "kpi", "value")


def _sample_text(path: Path, header: TableHeader) -> tuple[str, str, bool]:
    """The sampled lines of a CSV as text, its ``sep=`` hint's delimiter ('' when none), and
    whether the sample stops before the end of the file (its last record may be cut off)."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise IngestError(
            msg("ingest.cannot_read_file", why=exc.strerror),
            file=header.file,
            hint=msg("ingest.cannot_read_file.hint"),
        ) from None
    text = codecs.getincrementaldecoder(header.encoding)(errors="replace").decode(sample)
    text = text.removeprefix("\ufeff")
    cut = len(sample) == SAMPLE_BYTES
    if cut:  # the last sampled line may be cut off
        text = text[: max(text.rfind("\n"), text.rfind("\r")) + 1] or text
    first = LINE_END.split(text, maxsplit=1)[0]
    hint = _SEP_HINT.fullmatch(first)
    return text, hint.group(1) if hint else "", cut


def _head(text: str, lines: int) -> tuple[str, bool]:
    """The first ``lines`` lines of ``text`` (CR, LF or CRLF each end one), and whether that
    is less than the whole of it."""
    ends = LINE_END.finditer(text)
    end = next(itertools.islice(ends, lines - 1, None), None)
    if end is None or end.end() == len(text):
        return text, False
    return text[: end.end()], True


# a line end (a CR of a CRLF is none by itself), cells of nothing, and another line end
_BLANK_LINE = re.compile(r"(?:\r\n|\r(?!\n)|\n)[ \t,;]*(?:\r|\n)")


def _one_table(text: str, header: tuple[str, ...]) -> bool:
    """A cheap look at the sample: no blank line and the header's first cell only once, so
    no table can start after the header (else the lines are split and looked at)."""
    first = header[0] if header else ""
    return bool(first) and not _BLANK_LINE.search(text) and text.count(first) == 1


def _split(text: str, delimiter: str, *, cut: bool) -> list[Record]:
    """The records of ``text``, each with its first line. ``cut``: ``text`` stops before the
    end of the file, so its last record may be part of one (cut inside a quoted field, a line
    break in it taken for the end: ``"\\n`` read as an empty cell) and is left out: a partial
    record taken for a title or a narrower line would end the table there, and the rows
    below it would never be read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[Record] = []
    line = 1
    try:
        for cells in reader:
            records.append((line, tuple(c.strip() for c in cells)))
            line = reader.line_num + 1
    except csv.Error:
        return records  # a broken quote late in the sample: the readers say what is wrong
    return records[:-1] if cut else records


def _span(records: list[Record], line: int) -> int:
    """The file lines of the record on ``line``: up to the next record's, more than one when
    a quoted cell of it holds a line break (else the line breaks left in its cells)."""
    below = next((ln for ln, _ in records if ln > line), None)
    if below is not None:
        return below - line
    cells = dict(records).get(line, ())
    return 1 + sum(len(LINE_END.findall(c)) for c in cells)


def _holds(cells: tuple[str, ...], wanted: list[str]) -> int:
    keys = {header_key(c) for c in cells}
    return sum(header_key(w) in keys for w in wanted)


def _is_title(cells: tuple[str, ...]) -> bool:
    """A line that names a table or a range, not a row: at most one non-empty cell."""
    return sum(bool(c) for c in cells) <= 1


def _describe(
    records: list[Record], header_line: int, tables: list[Table], given: bool = False
) -> str:
    """What the lines above the header are (``tables``: the file's, one of them the chosen
    one), in the stored form of a skipped row's reason; ``given``: the source's `header_row:`
    put the header there, so a line of several cells above it is a row it passes over (an
    exporter's preamble, `Date range:,…,…`, is a title when the header was found)."""
    kinds: list[str] = []
    others = [t for t in tables if t.header_line < header_line]
    for line, cells in records:
        if line >= header_line:
            break
        first = cells[0] if cells else ""
        if any(t.header_line <= line < (t.end_line or header_line) for t in others):
            kind = "ingest.skip.kind.other_table"
        elif line == 1 and _SEP_HINT.fullmatch(",".join(cells)):
            kind = "ingest.skip.kind.sep_hint"
        elif first.startswith("#"):
            kind = "ingest.skip.kind.comments"
        elif not any(cells):
            kind = "ingest.skip.kind.blank"
        elif given and not _is_title(cells):  # data or an older header passed over
            kind = "ingest.skip.kind.rows"
        else:
            kind = "ingest.skip.kind.titles"
        if kind not in kinds:
            kinds.append(kind)
    return skip_reason("ingest.skip.above_header", line=header_line, kinds=kinds)


def _find_header(
    records: list[Record], wanted: list[str], header_row: int | None, file: str
) -> int | None:
    """The line of the header: ``header_row``, else the first line within the window that
    holds every wanted column; None when no line does."""
    if header_row is not None:
        if not any(line == header_row for line, _ in records):
            raise IngestError(
                msg("ingest.header_row_beyond", row=header_row),
                file=file,
                hint=msg("ingest.header_row_beyond.hint"),
            )
        return header_row
    for line, cells in records[:HEADER_WINDOW]:
        if wanted and _holds(cells, wanted) == len(set(map(header_key, wanted))):
            return line
    return None


@dataclass(frozen=True)
class TwoLevel:
    """A header over two lines (merged cells above): the lower line, a name per column
    (`上级/下级` where both are written, else the one written), and the lower names that are
    unique, by which a column may be mapped too."""

    line: int
    names: tuple[str, ...]
    aliases: tuple[tuple[str, int], ...]
    lower: tuple[str, ...] = ()  # the lower cells, one per name


def _two_level(upper: tuple[str, ...], lower: tuple[str, ...], line: int) -> TwoLevel:
    width = max(len(upper), len(lower))
    filled: list[str] = []
    last = ""
    for i in range(width):  # a merged cell is written once, in its first column
        cell = upper[i] if i < len(upper) else ""
        last = cell or last
        filled.append(last)
    below = [lower[i] if i < len(lower) else "" for i in range(width)]
    names = tuple(
        f"{up}/{low}" if up and low and up != low else (low or up)
        for up, low in zip(filled, below, strict=True)
    )
    keys = [header_key(low) for low in below]
    aliases = tuple(
        (low, i) for i, low in enumerate(below) if low and keys.count(header_key(low)) == 1
    )
    return TwoLevel(line, names, aliases, tuple(below))


def _two_level_pairs(records: list[Record]) -> Iterator[tuple[TwoLevel, set[str]]]:
    """Each pair of lines within the window that may be a two-level header, and the keys of
    the names a column may be mapped by (literal, `上级/下级`, or a unique lower name)."""
    window = records[:HEADER_WINDOW]
    for (_, upper), (line, lower) in itertools.pairwise(window):
        if not any(upper) or not any(lower):
            continue
        found = _two_level(upper, lower, line)
        names = {header_key(n) for n in found.names} | {header_key(a) for a, _ in found.aliases}
        names |= {header_key(c) for c in upper if c}
        yield found, names


def _find_two_level(records: list[Record], wanted: list[str]) -> TwoLevel | None:
    """The first pair of lines within the window whose names hold every wanted column."""
    keys = set(map(header_key, wanted))
    for found, names in _two_level_pairs(records):
        if keys <= names:
            return found
    return None


def _ambiguous_lower(records: list[Record], wanted: list[str], file: str) -> None:
    """Refuse a two-level header that holds every wanted column but one or more by a lower
    name found under several upper ones (成交/消耗 and 推广/消耗 for `消耗`): which was
    meant is anyone's guess, and the missing-column message would name the wrong one."""
    keys = set(map(header_key, wanted))
    for found, names in _two_level_pairs(records):
        lower = [header_key(c) for c in found.lower]
        unclear = [w for w in wanted if header_key(w) not in names and header_key(w) in lower]
        if not unclear or not keys <= names | {header_key(w) for w in unclear}:
            continue
        column = unclear[0]
        choices = [
            n for n, low in zip(found.names, lower, strict=True) if low == header_key(column)
        ]
        listed: str | Msg = repr(shorten(choices[-1]))
        for choice in reversed(choices[:-1]):  # 'a', 'b' (「、」 in zh)
            listed = msg("ingest.skip.list", first=repr(shorten(choice)), rest=listed)
        raise IngestError(
            msg(
                "ingest.ambiguous_lower_header",
                column=shorten(column),
                upper=found.line - 1,
                lower=found.line,
                choices=listed,
            ),
            file=file,
            line=found.line,
            path=shorten(column),
            hint=msg("ingest.ambiguous_lower_header.hint", example=shorten(choices[0])),
        )


# Cells of numbers and signs that no cell parser reads as one value: times ("12:30"), ranges
# ("1-3", "2023-2024"), a lone "%" or "+/-".
_NUMBER_SHAPED = re.compile(r"[\d.,:/%$¥￥ +-]+")


def _is_data(cell: str) -> bool:
    """Whether a filled cell holds data (a number, a date or no value, as the cell parsers
    read them: :func:`~mktplan.ingest.cells.reads_as_data`) rather than a name."""
    return bool(_NUMBER_SHAPED.fullmatch(cell)) or reads_as_data(cell)


def _looks_like_header(cells: tuple[str, ...]) -> bool:
    """At least two non-empty cells, none of them data (:func:`_is_data`): a header, not a
    data row."""
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not any(_is_data(c) for c in filled)


def _breaks(after: list[Record], i: int, width: int, *, ragged: bool) -> bool:
    """Whether the blank line ``after[i]`` ends a table: the next line has another width
    (a CSV title), or is a title above a header. ``ragged``: a sheet's rows, which leave
    their empty last cells out, so a data row may be narrower than the header: a narrower
    line ends the table only when it is a title or does not read as the data row above the
    blank (see :func:`_same_kinds`)."""
    if i + 1 >= len(after) or not any(after[i + 1][1]):
        return False
    following = after[i + 1][1]
    length = len(_trimmed(following)) if ragged else len(following)
    if length > width or (length < width and not ragged):
        return True
    if length < width:
        above = next((cells for _, cells in reversed(after[:i]) if any(cells)), None)
        return _is_title(following) or above is None or not _same_kinds(following, above)
    return _is_title(following) and i + 2 < len(after) and _looks_like_header(after[i + 2][1])


def _trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _same_kinds(row: tuple[str, ...], above: tuple[str, ...]) -> bool:
    """Whether every filled cell of ``row`` is of the kind (number or date, or text) of the
    filled cell above it, at least one such pair: a data row of the same table, not a header
    ('Date' over a date, 'Visits' over a number)."""
    pairs = [(_is_data(c), _is_data(a)) for c, a in zip(row, above, strict=False) if c and a]
    return bool(pairs) and all(x == y for x, y in pairs)


def _tables(
    records: list[Record], header_line: int, *, ragged: bool = False, cut: bool = False
) -> list[Table]:
    """The tables from ``header_line`` on: a new one starts at a repeated header, or at a
    blank line followed by a title or by a line of another width than the header. ``cut``:
    the records are a sample that stops before the end of the file, so titles at its end
    may stand above a header beyond it: they do not end the table (read as rows, they are
    refused or skipped as totals, never silently the end of the data)."""
    by_line = dict(records)
    header = by_line[header_line]
    keys = tuple(header_key(c) for c in header)
    tables: list[Table] = []
    start, start_title, start_headers = header_line, _title_above(records, header_line), header
    after = [(line, cells) for line, cells in records if line > header_line]
    width = len(_trimmed(header)) if ragged else len(header)
    i = 0
    while i < len(after):
        line, cells = after[i]
        repeated = tuple(header_key(c) for c in cells) == keys
        if repeated or (not any(cells) and _breaks(after, i, width, ragged=ragged)):
            end = line  # the table ends before the blank or title lines above the next header
            if repeated:
                j = i - 1
                while j >= 0 and _is_title(after[j][1]):
                    end = after[j][0]
                    j -= 1
            k = i if repeated else i + 1  # the next header: the repeated line, or after titles
            while k < len(after) and _is_title(after[k][1]):
                k += 1
            if k >= len(after) and cut:
                break
            tables.append(Table(start_title, start, end, start_headers))
            if k >= len(after):
                return tables
            start, start_headers = after[k][0], after[k][1]
            start_title = _title_above(records, start)
            i = k + 1
            continue
        i += 1
    tables.append(Table(start_title, start, None, start_headers))
    return tables


def _title_above(records: list[Record], header_line: int) -> str:
    """The nearest titled line above a header (not a comment, not a sep= hint)."""
    above = [(line, cells) for line, cells in records if line < header_line]
    for line, cells in reversed(above):
        text = next((c for c in cells if c), "")
        if not text:
            continue
        if (
            not _is_title(cells)
            or text.startswith("#")
            or (line == 1 and _SEP_HINT.fullmatch(text))
        ):
            return ""
        return text
    return ""


def _pick(
    tables: list[Table], table: str | int | None, file: str, wanted: list[str]
) -> tuple[Table, str]:
    if table is None:
        if len(tables) == 1:
            return tables[0], ""
        # the example: the first table holding the source's columns (GA4 writes several)
        number, example = next(
            (
                (n, t)
                for n, t in enumerate(tables, start=1)
                if _holds(t.headers, wanted) == len(wanted)
            ),
            (1, tables[0]),
        )
        raise IngestError(
            msg("ingest.several_tables", n=len(tables), found=_listed(tables)),
            file=file,
            line=tables[1].header_line,
            hint=msg("ingest.several_tables.hint", example=repr(shorten(example.title) or number)),
        )
    for number, candidate in enumerate(tables, start=1):
        if (isinstance(table, int) and table == number) or (
            isinstance(table, str) and header_key(table) == header_key(candidate.title)
        ):
            return candidate, candidate.label(number) if len(tables) > 1 else ""
    raise IngestError(
        msg("ingest.table_not_found", table=table, found=_listed(tables)),
        file=file,
        hint=msg("ingest.table_not_found.hint"),
    )


def sniff(
    path: Path,
    source: Source | None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    name: str | None = None,
) -> Dialect:
    """Find the header and the table of a file for ``source`` (None: long format). ``name``
    is the file as messages name it, when ``path`` is a copy (of a pipe)."""
    header_row = source.header_row if source else None
    header = read_header(path, encoding=encoding, sheet=sheet, name=name, header_row=header_row)
    with _named(str(path), header.file) if name is not None else nullcontext():
        return _sniff(header, source)


def _sniff(header: TableHeader, source: Source | None) -> Dialect:
    if header.parquet:  # a table with named columns: no lines above it, one table
        return Dialect(header)
    path = header.readable
    rows: tuple[tuple[str, ...], ...] | None = None
    merged: Merged = ()
    header_row = source.header_row if source else None
    wanted = wanted_columns(source)
    if header.excel:
        sheet_rows, _, merged = excel_rows(path, header.sheet)
        rows = tuple(tuple(c.strip() for c in r) for r in sheet_rows)
        candidates = [("", [(i, r) for i, r in enumerate(rows, start=1)])]
        order, text, cut = [""], "", False
    else:
        text, hinted, cut = _sample_text(path, header)
        order = list(dict.fromkeys([hinted] if hinted else [header.delimiter, ",", "\t", ";"]))
        candidates = []
    # the first delimiter under which some line holds the wanted columns (else long format's);
    # split lazily: a plain file is found under its sniffed delimiter at once
    found: tuple[str, list[Record], int] | None = None
    window = max(HEADER_WINDOW, header_row or 0) + 1
    for names in (wanted, list(LONG_COLUMNS)) if wanted else (list(LONG_COLUMNS),):
        for n, delimiter in enumerate(order):
            if n == len(candidates):  # the lines the header may be on; the rest if needed
                head, head_cut = _head(text, window)
                candidates.append((delimiter, _split(head, delimiter, cut=cut or head_cut)))
            split = candidates[n][1]
            line = _find_header(split, names, header_row, header.file)
            if line is not None:
                found = (delimiter, split, line)
                break
        if found is not None or header_row is not None:
            break
    two_level = None
    if found is None and wanted and header_row is None:
        for delimiter, split in candidates:
            two_level = _find_two_level(split, wanted)
            if two_level is not None:
                found = (delimiter, split, two_level.line)
                break
        else:
            for _, split in candidates:
                _ambiguous_lower(split, wanted, header.file)
    if found is None:
        # the closest line: what a missing-columns message names as taken for the header
        scored = [
            (_holds(cells, wanted), len(cells), -ln, n)
            for n, (_, split) in enumerate(candidates)
            for ln, cells in split[:HEADER_WINDOW]
        ]
        best = max(scored, default=(0, 0, -1, 0))
        if not best[0] or best[2] == -1:  # the layout names what is missing from the header
            if candidates and not header.excel:  # or reads below it: its last line, then
                header = replace(header, span=_span(candidates[0][1], header.line))
            return Dialect(header, rows=rows, merged=merged)
        delimiter, records = candidates[best[3]]
        line = -best[2]
    else:
        delimiter, records, line = found
    if not header.excel:
        by_line = dict(records)
        if line in by_line and _one_table(text, by_line[line]):
            title = _title_above(records, line)
            tables = [Table(title, line, None, by_line[line])]
        else:
            records = _split(text, delimiter, cut=cut)
            tables = _tables(records, line, cut=cut) if records else []
    else:  # a sheet leaves each row's empty last cells out
        tables = _tables(records, line, ragged=True) if records else []
    chosen, label = (
        _pick(tables, source.table if source else None, header.file, wanted)
        if tables
        else (Table("", line, None, header.headers), "")
    )
    headers = chosen.headers
    aliases: tuple[tuple[str, int], ...] = ()
    upper_line = None
    if two_level is not None and chosen.header_line == two_level.line:
        headers, aliases = two_level.names, two_level.aliases
        upper_line = two_level.line - 1
    first_line = chosen.header_line if upper_line is None else upper_line
    # a sheet's rows run to its widest column; a CSV's width is what its lines hold
    while header.excel and headers and not headers[-1]:
        headers = headers[:-1]
    # records, not lines, are what the readers skip: a quoted title over two lines is one
    above = sum(1 for ln, _ in records if ln <= chosen.header_line)
    table_header = replace(
        header,
        headers=headers,
        delimiter=delimiter or header.delimiter,
        line=chosen.header_line,
        records_above=None if header.excel or above == chosen.header_line else above,
        span=1 if header.excel else _span(records, chosen.header_line),
    )
    return Dialect(
        table_header,
        end_line=chosen.end_line,
        skipped_above=(
            _describe(records, first_line, tables, given=header_row is not None)
            if first_line > 1
            else ""
        ),
        table=label,
        rows=rows,
        merged=merged,
        aliases=aliases,
        upper_line=upper_line,
    )


def read_body(
    dialect: Dialect,
    positions: list[int],
    text_positions: set[int],
    quotes: tuple[int, int] | None = None,
) -> Body:
    """The body of the dialect's table, line numbers as in the file: a sheet's rows from
    what sniffing read, a CSV's or Parquet file's by the readers (from the header's line to
    the table's end)."""
    if dialect.rows is None:
        return read_columns(dialect.header, positions, text_positions, quotes, dialect.end_line)
    return sheet_body(
        dialect.rows,
        dialect.merged,
        dialect.header_line,
        dialect.end_line,
        positions,
        text_positions,
    )
