"""The combine stage: a table mapped block by block, its blocks' observations combined to the
plan's grain exactly, so memory stays flat however long the file.

Each block is mapped as a table of its own (:func:`~mktplan.ingest.mapping.map_block`), then
its rows are merged by (KPI, day, channel, budget line, ref) with the KPI's aggregation: sums
add up (Python ints, exact), max and min keep the largest and smallest, `last` keeps the later
block's value (blocks are in file order), a value's line is its first row's. What only the
whole table can decide is decided from facts each block hands on, and checked:

* the day/month order of numeric dates (11/17 or 17/11) comes from the column as a whole:
  the blocks' evidence is merged, and a block that read its dates otherwise than the whole
  column would makes the table be mapped whole;
* unlabelled summary rows (Meta's) are looked for with every day's totals, with the float
  tolerances of the whole table's first look: when a row may be one, the table is mapped
  whole, where it is checked exactly, skipped and said as usual. Candidates are rows with
  every mapped naming cell empty (channel, routing, line, ref, note); blocks sum their days
  only from the first candidate on (the sums are a fifth of the map's time), and a candidate
  whose day has rows in an earlier block then makes the table be mapped whole. A source that
  maps no naming column is mapped whole from the start when the file has unmapped columns:
  which of them name rows is known only from the whole table;
* a rate (a `mean` KPI) whose day and channel spread over two blocks needs every row's
  weight: the table is mapped whole.

Mapping whole (reading the file again with the readers of :mod:`mktplan.ingest.readers`)
gives the same observations and rejects: blocks are a way to read, never a different answer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import reduce
from typing import cast

from mktplan.ingest.cells import DateOrder
from mktplan.ingest.columns import Body, keep_freed_memory
from mktplan.ingest.mapping import (
    HALF_UNIT_MOST,
    Layout,
    MappedFile,
    RejectedRow,
    SummaryFacts,
    map_block,
    map_body,
    named_by_unmapped,
    unmapped_columns,
)
from mktplan.ingest.read import ColumnIsText, NotStreamable
from mktplan.ingest.read.csv_arrow import csv_blocks
from mktplan.ingest.read.parquet import parquet_blocks
from mktplan.ingest.sniff import Dialect, read_body
from mktplan.plan.model import Plan
from mktplan.plan.refs import kpi_refs
from mktplan.store.records import Row, SkippedRows

# Bytes of CSV per block (pyarrow parses blocks on both cores while the last one is mapped),
# and rows per Parquet block: about 250,000 rows of a typical ad export either way.
BLOCK_BYTES = 1 << 24
BLOCK_ROWS = 1 << 18

Blocks = Callable[[set[int]], Iterator[Body]]  # columns to read as text → blocks


def map_table(
    plan: Plan,
    dialect: Dialect,
    layout: Layout,
    config_digest: str | None = None,
    quotes: tuple[int, int] | None = None,
    *,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = BLOCK_ROWS,
    whole: bool = True,
    stream: bool = True,
    between: Callable[[], None] | None = None,
) -> MappedFile:
    """Read the dialect's table through ``layout`` into observations: block by block where
    the format allows it (a UTF-8 CSV pyarrow reads cleanly, a Parquet file), else whole.
    ``config_digest`` and ``quotes``: ``layout.digest(plan)`` and the file's quote count,
    when the caller has them already (the whole read uses the count). With ``whole`` false,
    :class:`NotStreamable` instead of a whole read; with ``stream`` false, no block reading
    (it failed before); ``between`` is called before each block is mapped (it may raise to
    stop the read)."""
    digest = config_digest or layout.digest(plan)
    keep_freed_memory()  # each block's arrays reuse the last one's memory
    blocks = (
        _block_reader(dialect, layout, block_bytes, block_rows)
        if stream and not named_by_unmapped(plan, dialect.header, layout)
        else None
    )
    mapped = None
    if blocks is not None:
        try:
            mapped = map_blocks(plan, dialect, layout, digest, _calling(between, blocks))
        except NotStreamable:
            mapped = None
    if mapped is None and not whole:
        raise NotStreamable
    if mapped is None:
        # read whole, a wide table is read with its unmapped columns: they tell data rows
        # from a summary row exactly (blocks read only the first, for totals labels)
        unmapped = unmapped_columns(dialect.header, layout, every=layout.kpi is None)
        positions = sorted([*layout.positions, *unmapped])
        body = read_body(dialect, positions, layout.text_positions | set(unmapped), quotes)
        mapped = map_body(plan, dialect.header, layout, body, digest)
    if not dialect.skipped_above:
        return mapped
    above = SkippedRows(1, dialect.first_header_line - 1, dialect.skipped_above)
    return replace(mapped, skipped=(above, *mapped.skipped))


def _calling(between: Callable[[], None] | None, blocks: Blocks) -> Blocks:
    """``blocks`` with ``between`` called before each block is handed on."""
    if between is None:
        return blocks
    hook = between

    def called(as_text: set[int]) -> Iterator[Body]:
        for body in blocks(as_text):
            hook()
            yield body

    return called


def _block_reader(
    dialect: Dialect, layout: Layout, block_bytes: int, block_rows: int
) -> Blocks | None:
    header = dialect.header
    first = unmapped_columns(header, layout, every=False)
    positions, text_positions = sorted([*layout.positions, *first]), layout.text_positions
    if header.parquet:
        return lambda _: parquet_blocks(
            header.readable, header.headers, positions, text_positions, header.file, block_rows
        )
    if (
        header.excel
        or dialect.rows is not None
        or dialect.end_line is not None
        or header.encoding not in ("utf-8", "utf-8-sig")
    ):
        return None
    return lambda as_text: csv_blocks(
        header,
        header.last_line,
        positions,
        text_positions | as_text | set(first),
        block_bytes,
    )


def map_blocks(
    plan: Plan, dialect: Dialect, layout: Layout, digest: str, blocks: Blocks
) -> MappedFile:
    """Map the table block by block and combine; :class:`NotStreamable` when it must be
    mapped whole. A number column found to hold text on the way is read again as text from
    the start."""
    as_text: set[int] = set()
    while True:
        try:
            return _map_blocks(plan, dialect, layout, digest, blocks(as_text))
        except ColumnIsText as exc:
            if exc.position in as_text:  # pragma: no cover - a text column is never re-read
                raise NotStreamable from None
            as_text.add(exc.position)


# (kpi, day, channel, line, ref) of a row, '' for no line or ref: keys then sort as tuples of
# text, in the store's order
_Key = tuple[str, str, str, str, str]


@dataclass
class _Combined:
    """Observations of the blocks so far, by (kpi, day, channel, line, ref): each a block's
    row (its note a tuple of distinct notes in file order, or None), merged with the rows of
    later blocks that share its key."""

    aggregation: dict[str, str]
    groups: dict[_Key, Row] = field(default_factory=dict)

    def add(self, rows: tuple[Row, ...]) -> None:
        """Merge a block's rows (blocks come in file order)."""
        keyed = {(r[0], r[1], r[2], r[5] or "", r[7] or ""): r for r in rows}
        groups = self.groups
        # keys of one block are distinct: only those an earlier block had are merged one by
        # one (the days where two blocks meet, in a file sorted by date)
        for key in keyed.keys() & groups.keys():
            keyed[key] = self._merged(groups[key], keyed[key])
        groups.update(keyed)

    def _merged(self, found: Row, row: Row) -> Row:
        kpi, _, _, value, notes, _, _, _ = row
        how = self.aggregation[kpi]
        if how == "sum":
            value = found[3] + value
        elif how == "max":
            value = max(found[3], value)
        elif how == "min":
            value = min(found[3], value)
        elif how != "last":  # a rate over two blocks: its rows' weights are gone
            raise NotStreamable
        if notes:
            earlier = cast(tuple[str, ...], found[4] or ())
            # a block's notes travel as a tuple in the note's place (mapping._DISTINCT)
            notes = cast(str, tuple(dict.fromkeys(earlier + cast(tuple[str, ...], notes))))
        else:
            notes = found[4]
        # the first row's line number, the later block's value for `last`
        return (kpi, found[1], found[2], value, notes, found[5], found[6], found[7])

    def rows(self) -> tuple[Row, ...]:
        ordered = tuple(row for _, row in sorted(self.groups.items()))
        return _joined_notes(ordered)


def _map_blocks(
    plan: Plan, dialect: Dialect, layout: Layout, digest: str, blocks: Iterator[Body]
) -> MappedFile:
    refs = kpi_refs(plan)
    combined = _Combined({qid: ref.kpi.aggregation for qid, ref in refs.items()})
    rows_read = rejected_rows = 0
    rejects: list[RejectedRow] = []
    skipped: list[SkippedRows] = []
    orders: list[DateOrder] = []
    first: tuple[Row, ...] = ()  # the first block's rows: a one-block table needs no merging
    candidates_seen = False
    number = -1
    summaries: list[SummaryFacts] = []
    for number, body in enumerate(blocks):
        mapped, facts = map_block(
            plan, dialect.header, layout, body, digest, whole=False, day_totals=candidates_seen
        )
        if number == 1:  # a second block: the first one's rows are combined with it
            combined.add(first)
        if number == 0:
            first = mapped.rows
        else:
            combined.add(mapped.rows)
        rows_read += mapped.rows_read
        rejected_rows += mapped.rejected_rows
        rejects.extend(mapped.rejects)
        skipped.extend(mapped.skipped)
        if facts.order.numeric:
            orders.append(facts.order)
        if facts.summary is not None:
            if facts.summary.candidate_count > len(facts.summary.candidates):
                raise NotStreamable
            summaries.append(facts.summary)
            # from the first candidate on, every block sums its days (what a candidate's day
            # needs; blocks before it are then not known per day, see _summary_found)
            candidates_seen = candidates_seen or facts.summary.candidate_count > 0
    if len(orders) > 1 and not _orders_agree(orders):
        raise NotStreamable
    if summaries and _summary_found(summaries):
        raise NotStreamable
    return MappedFile(
        layout=layout.name,
        rows_read=rows_read,
        rows=combined.rows() if number > 0 else _joined_notes(first),
        rejects=tuple(rejects),
        rejected_rows=rejected_rows,
        config_digest=digest,
        skipped=tuple(skipped),
    )


def _joined_notes(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """A block's rows with their distinct notes joined, as a table's rows have them."""
    if not any(row[4] for row in rows):
        return rows
    return tuple(
        (
            kpi,
            day,
            channel,
            value,
            "; ".join(cast(tuple[str, ...], note)) if note else None,
            line,
            first_line,
            ref,
        )
        for kpi, day, channel, value, note, line, first_line, ref in rows
    )


def _orders_agree(orders: list[DateOrder]) -> bool:
    """Whether every block read its numeric dates in the order the whole column gives."""
    whole = reduce(DateOrder.merge, orders).decide()
    return all(order.decide() == whole for order in orders)


def _summary_found(blocks: list[SummaryFacts]) -> bool:
    """Whether a candidate of any block may be a summary row of the whole table: its non-zero
    values near the totals of the other rows of its day or of the file, with the generous
    float tolerances of :func:`~mktplan.ingest.mapping._may_sum_up` (the whole read then
    checks it exactly). A candidate whose day has rows in a block that did not sum its days
    may be one too. A column with a refused cell among the rows of a scope is not compared
    there, as the whole read does."""
    day_counts: dict[int, int] = {}
    day_totals: dict[int, list[float]] = {}
    unsummed: set[int] = set()  # days with rows in a block that did not sum its days
    width = len(blocks[0].file_totals)
    for facts in blocks:
        for day, count in facts.day_counts.items():
            day_counts[day] = day_counts.get(day, 0) + count
        if facts.day_totals is None:
            unsummed.update(facts.day_counts)
            continue
        for day, totals in facts.day_totals.items():
            known = day_totals.setdefault(day, [0.0] * width)
            for i, total in enumerate(totals):
                known[i] += total
    file_count = sum(day_counts.values())
    file_totals = [sum(f.file_totals[i] for f in blocks) for i in range(width)]
    # every row a candidate (the mapped names empty throughout) is looked at too: the whole
    # read, with the unmapped columns, may tell them apart
    candidates = [c for facts in blocks for c in facts.candidates]
    if file_count < 2:
        return False
    # per sum column, the days with a refused cell: that column's sums are not known there
    refused = [frozenset().union(*(f.refused[i] for f in blocks)) for i in range(width)]
    for c in candidates:
        scopes = [(file_count, file_totals)]
        if c.day is not None:
            if c.day in unsummed:
                return True
            scopes.insert(0, (day_counts.get(c.day, 0), day_totals.get(c.day, [0.0] * width)))
        for scope, (count, totals) in enumerate(scopes):
            others = count - (c.day is not None)
            own = [
                v if c.day is not None and p else 0
                for v, p in zip(c.values, c.present, strict=True)
            ]
            rest = [t - o for t, o in zip(totals, own, strict=True)]
            by_day = scope == 0 and c.day is not None
            # a column with a refused cell in the scope is not compared (its sum is unknown)
            values = tuple(
                0 if (c.day in days if by_day else bool(days)) else v
                for v, days in zip(c.values, refused, strict=True)
            )
            if others >= 2 and _may_sum_up(values, rest, others):
                return True
    return False


def _may_sum_up(values: tuple[int, ...], totals: list[float], count: int) -> bool:
    equal = below = 0
    for value, total in zip(values, totals, strict=True):
        if value == 0:
            continue
        slack = count * HALF_UNIT_MOST + 1e-9 * abs(total) + 1  # money rounded per row
        if abs(value - total) <= slack:
            equal += 1
        elif 0 < value < total + slack:
            below += 1
        else:
            return False
    return equal > 0 and equal >= below
