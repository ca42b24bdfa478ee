"""Writing one ingest call: every file of the call in one transaction, counted as it goes.

An observation's key is (kpi, date, channel, budget line, ref): rows that differ in line or
ref are kept apart and add up when read; a later file giving the same key replaces it.

Each file's observations are compared with the stored ones of the same KPIs in the file's
date range (fetched by key range, not the whole store): new keys are inserted, changed ones
are copied to ``observation_history`` and replaced, unchanged ones are left alone (they keep
the provenance of the file that first gave that value).

The same bytes read another way before (another source, encoding, sheet or mapping) are
refused while values of that read which the file does not rewrite are stored; ``force``
removes those values instead (see :func:`replace_other_reads`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, groupby, islice
from operator import itemgetter
from typing import Any, Protocol, TypeVar

from mktplan.errors import StoreError
from mktplan.i18n import Msg, msg
from mktplan.store import reads, schema
from mktplan.store.records import (
    LONG_SOURCE,
    MAX_MICRO,
    MICRO,
    FileBatch,
    FileOutcome,
    Row,
    observation_of,
    read_part,
    to_micro,
)

CHUNK = 10_000  # rows per executemany: bounded memory for statement parameters

# (value micro-units, note) — what "unchanged" compares
Content = tuple[int, str | None]
# (kpi, ISO date, channel, budget line, ref); '' when a row has no line or ref
Key = tuple[str, str, str, str, str]
# (plan_id, kpi, date, channel, line, ref, value, note, file_id, row_number)
Inserted = tuple[str, str, str, str, str, str, int, str | None, int, int]

T = TypeVar("T")


def chunked(rows: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def start_run(conn: sqlite3.Connection, plan_id: str, started: dt.datetime, command: str) -> int:
    cur = conn.execute(
        "INSERT INTO ingest_run (plan_id, started_at, command) VALUES (?, ?, ?)",
        (plan_id, started.isoformat(), command),
    )
    return int(cur.lastrowid or 0)


def finish_run(conn: sqlite3.Connection, run_id: int, finished: dt.datetime) -> None:
    conn.execute(
        "UPDATE ingest_run SET finished_at = ? WHERE id = ?", (finished.isoformat(), run_id)
    )


@dataclass(frozen=True)
class Prepared:
    """A batch ready to compare with the store: ``rows`` keyed for comparison, or for a batch
    of :data:`Row` tuples the tuples themselves (``fresh``; keyed only if the store holds some
    of their keys), and each KPI's first and last date."""

    rows: dict[Key, tuple[Content, int]] | None
    fresh: Sequence[Row] | None
    spans: dict[str, tuple[str, str]]

    def __len__(self) -> int:
        return len(self.fresh) if self.fresh is not None else len(self.rows or {})

    def keyed(self, name: str) -> dict[Key, tuple[Content, int]]:
        if self.rows is not None:
            return self.rows
        keyed: dict[Key, tuple[Content, int]] = {}
        for kpi, day, channel, value, note, line, row, ref in self.fresh or ():
            key = (kpi, day, channel, line or "", ref or "")
            if key in keyed:
                raise _twice(name, key, keyed[key][1], row)
            keyed[key] = ((value, note or None), row)
        return keyed


def _twice(name: str, key: Key, first: int, row: int) -> StoreError:
    kpi, day, channel, line, ref = key
    where = "".join(
        f" {what} {text}"
        for what, text in (("in channel", channel), ("on line", line), ("with ref", ref))
        if text
    )
    return StoreError(
        f"{kpi} on {day}{where} appears twice in one file (rows {first} and {row})",
        file=name,
        line=row,
        path=kpi,
        hint="rows of one file are combined per KPI, date, channel, line and ref before "
        "storing; this is a bug in the reader of this file format",
    )


def _spans(rows: Sequence[Row]) -> dict[str, tuple[str, str]] | None:
    """First and last date per KPI of :data:`Row` tuples, or None when a value cannot be
    stored exactly (the observation path then says which)."""
    spans: dict[str, tuple[str, str]] = {}
    for kpi, group in groupby(rows, key=itemgetter(0)):  # runs of one KPI: usually one each
        run = list(group)
        days = [row[1] for row in run]
        if not all(-MAX_MICRO <= row[3] <= MAX_MICRO for row in run):
            return None
        first, last = min(days), max(days)
        if kpi in spans:
            first, last = min(first, spans[kpi][0]), max(last, spans[kpi][1])
        spans[kpi] = (first, last)
    return spans


def _prepare(batch: FileBatch) -> Prepared:
    """The batch ready to compare with the store; raises StoreError on a value that cannot
    be stored exactly or (for observations) a key that appears twice."""
    if batch.rows is not None:
        spans = _spans(batch.rows)
        if spans is not None:
            return Prepared(None, batch.rows, spans)
        batch = replace(  # the observation path says which value cannot be stored
            batch,
            observations=[observation_of(r) for r in batch.rows],
            row_numbers=[r[6] for r in batch.rows],  # the source row (see Row)
            rows=None,
        )
    if len(batch.observations) != len(batch.row_numbers):
        raise StoreError(
            f"{batch.name}: {len(batch.observations)} observations but "
            f"{len(batch.row_numbers)} row numbers",
            file=batch.name,
            hint="this is a bug in the reader of this file format; please report it",
        )
    rows: dict[Key, tuple[Content, int]] = {}
    spans = {}
    for obs, row in zip(batch.observations, batch.row_numbers, strict=True):
        micro = to_micro(obs.value)
        if micro is None:
            raise StoreError(
                f"value {obs.value} of {obs.kpi} on {obs.date} cannot be stored exactly",
                file=batch.name,
                line=row,
                path=obs.kpi,
                hint="values must be finite and below 9,223,372,036,854 in absolute size",
            )
        day = obs.date.isoformat()
        key = (obs.kpi, day, obs.channel, obs.line or "", obs.ref or "")
        if key in rows:
            raise _twice(batch.name, key, rows[key][1], row)
        rows[key] = ((micro, obs.note or None), row)
        first, last = spans.get(obs.kpi, (day, day))
        spans[obs.kpi] = (min(first, day), max(last, day))
    return Prepared(rows, None, spans)


def _stored(
    conn: sqlite3.Connection, plan_id: str, spans: dict[str, tuple[str, str]]
) -> dict[Key, tuple[Content, int, int]]:
    """Stored (content, file id, row number) of the batch's KPIs within its date range."""
    found: dict[Key, tuple[Content, int, int]] = {}
    for kpi, (first, last) in spans.items():
        cur = conn.execute(
            "SELECT date, channel, line, ref, value, note, file_id, row_number FROM observation "
            "WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?",
            (plan_id, kpi, first, last),
        )
        for day, channel, line, ref, value, note, file_id, row_number in cur:
            found[(kpi, day, channel, line, ref)] = ((value, note), file_id, row_number)
    return found


_INSERT = (
    "INSERT INTO observation (plan_id, kpi, date, channel, line, ref, value, note, "
    "file_id, row_number) VALUES "
)
_ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_INSERT_ONE = _INSERT + _ROW
# rows bound to one INSERT statement: 990 parameters, within SQLite's oldest limit of 999
ROWS_PER_INSERT = 99
_INSERT_MANY = _INSERT + ", ".join([_ROW] * ROWS_PER_INSERT)


def _flat_groups(rows: Sequence[Inserted], size: int) -> Iterator[tuple[object, ...]]:
    """The rows ``size`` at a time, each group's values in one flat tuple (for a statement
    of ``size`` rows; ``len(rows)`` is a multiple of ``size``)."""
    for start in range(0, len(rows), size):
        yield tuple(chain.from_iterable(rows[start : start + size]))


def insert_new(conn: sqlite3.Connection, rows: Sequence[Inserted], *, alone: bool = False) -> None:
    """Insert new observations, in key order (cheapest for the table's B-tree), then recount
    the daily rollup of the days they fall on and the channel rollup of their months, one
    statement each per KPI. ``alone``: the store held no observation of these rows' KPIs
    between each KPI's first and last date (a new week's file), so those days hold these rows
    only and their rollups are counted from the rows in memory, not read back (see
    :func:`count_fresh_rollups`)."""
    # key order (ingest hands them over so already: a linear check); by key alone, so a key
    # given twice fails on the primary key below, not on comparing a note with None
    ordered = sorted(rows, key=itemgetter(0, 1, 2, 3, 4, 5))
    whole = len(ordered) - len(ordered) % ROWS_PER_INSERT
    if whole:  # ROWS_PER_INSERT rows a statement: 40 % less time than a statement a row
        conn.executemany(_INSERT_MANY, _flat_groups(ordered[:whole], ROWS_PER_INSERT))
    conn.executemany(_INSERT_ONE, ordered[whole:])
    spans = []
    for (plan_id, kpi), group in groupby(ordered, key=itemgetter(0, 1)):
        days = [row[2] for row in group]
        spans.append((plan_id, kpi, days[0], days[-1]))
    if alone and count_fresh_rollups(conn, ordered, spans):
        return
    recount_rollups(conn, spans)


# SQLite's INTEGER range: a sum beyond it is SQLite's "integer overflow" (the recount in SQL
# then raises it, and the store names it)
def _fits(total: int) -> bool:
    return -MAX_MICRO - 1 <= total <= MAX_MICRO


def _whole_units(value: int) -> int:
    """SQLite's ``value / 1000000`` of a micro-unit value: truncated toward zero (Python's
    ``//`` floors), so that ``value - whole * MICRO`` is SQLite's ``value % 1000000``."""
    return value // MICRO if value >= 0 else -(-value // MICRO)


def count_fresh_rollups(
    conn: sqlite3.Connection,
    ordered: Sequence[Inserted],
    spans: Sequence[tuple[str, str, str, str]],
) -> bool:
    """Write the daily rollup, channel rollup and totals of rows just inserted into days that
    held none of their KPIs' observations before (rows in key order, spans per KPI as
    :func:`insert_new` makes them): the same rows as :func:`recount_rollups` writes, counted
    from the rows in memory instead of read back, plus the stored rows of the edge months
    outside the spans. False (nothing written) when a sum leaves SQLite's INTEGER range: the
    recount in SQL then fails as it always did."""
    days: list[tuple[str, str, str, int, int, int, int, int]] = []
    # (plan, kpi, channel, month) -> [rows, Σ whole units, Σ micro remainders]
    months: dict[tuple[str, str, str, str], list[int]] = {}
    for (plan_id, kpi, day), group in groupby(ordered, key=itemgetter(0, 1, 2)):
        month = day[:7]
        # the day's channels: their values summed over lines and refs (adjacent in key order)
        sums: list[int] = []
        channel: str | None = None
        for row in group:
            value = row[6]
            whole = _whole_units(value)
            counts = months.setdefault((plan_id, kpi, row[3], month), [0, 0, 0])
            counts[0] += 1
            counts[1] += whole
            counts[2] += value - whole * MICRO
            if row[3] != channel:
                channel = row[3]
                sums.append(value)
                continue
            sums[-1] += value
            if not _fits(sums[-1]):
                return False
        wholes = [_whole_units(v) for v in sums]
        whole_sum = sum(wholes)
        rest_sum = sum(sums) - whole_sum * MICRO
        days.append((plan_id, kpi, day, len(sums), whole_sum, rest_sum, min(sums), max(sums)))
    for span in spans:  # stored rows of the edge months, outside the span
        for plan_id, kpi, channel, month, n, whole, rest in conn.execute(_EDGE_MONTHS, span):
            counts = months.setdefault((plan_id, kpi, channel, month), [0, 0, 0])
            counts[0] += n
            counts[1] += whole
            counts[2] += rest
    if not all(_fits(x) for day_row in days for x in day_row[4:6]) or not all(
        _fits(x) for counts in months.values() for x in counts[1:]
    ):
        return False
    conn.executemany(_DAY_ROW, days)
    conn.executemany(schema.ROLLUP_MONTHS_CLEAR, spans)
    conn.executemany(
        "INSERT INTO observation_channel_month (plan_id, kpi, channel, month, n, whole, rest) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(*key, *counts) for key, counts in sorted(months.items())],
    )
    _recount_totals(conn, spans)
    return True


# A day of the daily rollup as counted in Python (as schema.ROLLUP_DAYS writes it).
_DAY_ROW = """INSERT INTO observation_day (plan_id, kpi, date, n, whole, rest, low, high)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (plan_id, kpi, date) DO UPDATE SET
        n = excluded.n, whole = excluded.whole, rest = excluded.rest,
        low = excluded.low, high = excluded.high"""

# The channel rollup of a KPI's stored rows in the days of the span's first month before it,
# then in those of its last month after it (parameters: plan id, kpi, first, last date).
_EDGE_MONTHS = " UNION ALL ".join(
    schema.CHANNEL_MONTHS.format(where=f"WHERE plan_id = ?1 AND kpi = ?2 AND {days}")
    for days in (
        "date >= substr(?3, 1, 7) || '-01' AND date < ?3",
        "date > ?4 AND date <= substr(?4, 1, 7) || '-31'",
    )
)


def replace_changed(
    conn: sqlite3.Connection,
    history: Iterable[tuple[object, ...]],
    updates: Sequence[tuple[object, ...]],
) -> None:
    """Keep the replaced rows in observation_history, overwrite them, then recount the daily
    and channel rollups of the days they fall on, one statement per KPI (as
    :func:`insert_new` does)."""
    write_history(conn, reads.SQLITE, history)
    for chunk in chunked(updates):
        conn.executemany(
            "UPDATE observation SET value = ?, note = ?, file_id = ?, row_number = ? "
            "WHERE plan_id = ? AND kpi = ? AND date = ? AND channel = ? AND line = ? AND ref = ?",
            chunk,
        )
    spans: dict[tuple[object, object], tuple[str, str]] = {}
    for update in updates:  # (value, note, file, row, plan_id, kpi, date, …)
        key, day = (update[4], update[5]), str(update[6])
        first, last = spans.get(key, (day, day))
        spans[key] = (min(first, day), max(last, day))
    recount_rollups(conn, [(*key, *span) for key, span in spans.items()])


def recount_rollups(conn: sqlite3.Connection, spans: Sequence[tuple[object, ...]]) -> None:
    """Recount the daily rollup over each (plan id, kpi, first date, last date) span, the
    channel rollup over the whole months that hold it, and the KPI's totals and channel
    totals."""
    conn.executemany(schema.ROLLUP_DAYS, spans)
    conn.executemany(schema.ROLLUP_MONTHS_CLEAR, spans)
    conn.executemany(schema.ROLLUP_MONTHS, spans)
    _recount_totals(conn, spans)


def _recount_totals(conn: sqlite3.Connection, spans: Sequence[tuple[object, ...]]) -> None:
    """Recount the channel totals and KPI totals of the spans' KPIs from their rollups."""
    kpis = list(dict.fromkeys((span[0], span[1]) for span in spans))
    # (a total passes 64 bits only past about a million values of the largest size the store
    # takes; the ingest then fails whole with the store's overflow message)
    conn.executemany(schema.ROLLUP_TOTALS_CLEAR, kpis)
    conn.executemany(schema.ROLLUP_TOTALS, kpis)
    conn.executemany(schema.ROLLUP_KPI_TOTALS_CLEAR, kpis)
    conn.executemany(schema.ROLLUP_KPI_TOTALS, kpis)


def apply_batch(
    conn: sqlite3.Connection, plan_id: str, run_id: int, batch: FileBatch, *, force: bool = False
) -> FileOutcome:
    """Write one file's observations inside the caller's transaction and say what changed."""
    prepared = _prepare(batch)
    spans = prepared.spans
    earlier = (
        None
        if force
        else reads.previous_ingest(conn, reads.SQLITE, plan_id, batch.sha256, batch.config_digest)
    )
    already = earlier is not None
    count = len(prepared)
    first, last, kpis, rows_read = extent(batch, prepared, earlier)
    cur = conn.execute(
        "INSERT INTO ingest_file (run_id, name, sha256, source, config_digest, rows_read, "
        "already_ingested, first_date, last_date, kpis) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            run_id,
            batch.name,
            batch.sha256,
            batch.source,
            batch.config_digest,
            rows_read,
            int(already),
            first and first.isoformat(),
            last and last.isoformat(),
            "\n".join(kpis),
        ),
    )
    file_id = int(cur.lastrowid or 0)
    if batch.skipped:
        conn.executemany(
            "INSERT INTO ingest_skipped (file_id, first_line, last_line, reason) "
            "VALUES (?, ?, ?, ?)",
            skipped_rows(file_id, batch),
        )
    new = changed = unchanged = 0
    if earlier is None:  # values an earlier read of these bytes another way left: refused,
        # or with force removed (counted as changed), never counted beside this read's
        changed = replace_other_reads(
            conn, reads.SQLITE, plan_id, file_id, batch, lambda: prepared.keyed(batch.name), force
        )
    if earlier is not None:
        unchanged = count or earlier[0]
    elif prepared.fresh is not None and not _stored(conn, plan_id, spans):
        # the common weekly case: nothing of this file's KPIs and dates is stored yet
        try:
            insert_new(conn, fresh_rows(plan_id, file_id, prepared.fresh), alone=True)
        except sqlite3.IntegrityError:
            prepared.keyed(batch.name)  # names the key the file holds twice
            raise
        new = count
    else:
        rows, stored = prepared.keyed(batch.name), _stored(conn, plan_id, spans)
        beside = check_rate_split(conn, reads.SQLITE, batch, rows, stored, force=force)
        diff = compare(plan_id, file_id, rows, stored)
        if diff.history and not force:
            check_owners(conn, reads.SQLITE, batch, diff.history)
        new, unchanged = len(diff.inserts), diff.unchanged
        changed += len(diff.updates)
        delete_keys(conn, reads.SQLITE, plan_id, beside)  # a forced rate moved to another line
        changed += len(beside)
        insert_new(conn, diff.inserts)
        history = [*diff.history, *split_history(plan_id, file_id, beside, stored)]
        replace_changed(conn, history, diff.updates)
    conn.execute(
        "UPDATE ingest_file SET new = ?, changed = ?, unchanged = ? WHERE id = ?",
        (new, changed, unchanged, file_id),
    )
    return outcome(batch, (first, last, kpis, rows_read), new, changed, unchanged, already=already)


def fresh_rows(plan_id: str, file_id: int, fresh: Iterable[Row]) -> list[Inserted]:
    """A batch's :data:`Row` tuples as observation rows of the file ``file_id``."""
    return [
        (plan_id, kpi, day, channel, line or "", ref or "", value, note or None, file_id, row)
        for kpi, day, channel, value, note, line, row, ref in fresh
    ]


def skipped_rows(file_id: int, batch: FileBatch) -> list[tuple[int, int, int, str]]:
    """The lines the reader skipped in the batch's file, as ingest_skipped rows."""
    return [(file_id, s.first, s.last, s.reason) for s in batch.skipped]


def extent(
    batch: FileBatch,
    prepared: Prepared,
    earlier: tuple[int, str | None, str | None, str, int] | None,
) -> tuple[dt.date | None, dt.date | None, tuple[str, ...], int]:
    """(first date, last date, KPIs, rows read) of a batch: its own, or for a file the reader
    skipped parsing because it knew it, what the earlier ingest of it recorded."""
    spans = prepared.spans
    if earlier is not None and not len(prepared):
        first = dt.date.fromisoformat(earlier[1]) if earlier[1] else None
        last = dt.date.fromisoformat(earlier[2]) if earlier[2] else None
        return first, last, tuple(k for k in earlier[3].split("\n") if k), earlier[4]
    first = dt.date.fromisoformat(min(f for f, _ in spans.values())) if spans else None
    last = dt.date.fromisoformat(max(la for _, la in spans.values())) if spans else None
    return first, last, tuple(sorted(spans)), batch.rows_read


@dataclass(frozen=True)
class Changes:
    """A batch compared with what the store holds of its keys."""

    inserts: list[Inserted]  # new keys, as observation rows
    history: list[tuple[object, ...]]  # replaced rows, as observation_history rows
    updates: list[tuple[object, ...]]  # (value, note, file id, row number, plan id, *key)
    unchanged: int


def compare(
    plan_id: str,
    file_id: int,
    rows: Mapping[Key, tuple[Content, int]],
    stored: Mapping[Key, tuple[Content, int, int]],
) -> Changes:
    """Which of a file's keyed rows are new, changed (with the row they replace) or
    unchanged against ``stored`` (:func:`_stored`: content, file id, row number by key)."""
    inserts: list[Inserted] = []
    history: list[tuple[object, ...]] = []
    updates: list[tuple[object, ...]] = []
    unchanged = 0
    for key, ((micro, note), row) in rows.items():
        old = stored.get(key)
        if old is None:
            inserts.append((plan_id, *key, micro, note, file_id, row))
        elif old[0] == (micro, note):
            unchanged += 1
        else:
            (old_value, old_note), old_file, old_row = old
            history.append((plan_id, *key, old_value, old_note, old_file, old_row, file_id))
            updates.append((micro, note, file_id, row, plan_id, *key))
    return Changes(inserts, history, updates, unchanged)


def outcome(
    batch: FileBatch,
    extent: tuple[dt.date | None, dt.date | None, tuple[str, ...], int],
    new: int,
    changed: int,
    unchanged: int,
    *,
    already: bool,
) -> FileOutcome:
    """What :func:`apply_batch` says of one file."""
    first, last, kpis, rows_read = extent
    return FileOutcome(
        name=batch.name,
        sha256=batch.sha256,
        source=batch.source,
        rows_read=rows_read,
        new=new,
        changed=changed,
        unchanged=unchanged,
        already_ingested=already,
        first_date=first,
        last_date=last,
        kpis=kpis,
        skipped=batch.skipped,
    )


OWNERS_NAMED = 3  # replaced keys named in the message
OLD_FILE = 8  # index of the replaced value's file id in a history row


def check_owners(
    db: reads.Executes,
    d: reads.Dialect,
    batch: FileBatch,
    history: Sequence[tuple[object, ...]],
) -> None:
    """Refuse the batch when it would replace values another source stored (see
    :func:`owner_clash`)."""
    in_files, param = d.ids(replaced_files(history))
    owners = {
        int(i): str(s)
        for i, s in db.execute(
            f"SELECT id, source FROM ingest_file WHERE id {in_files}",  # noqa: S608
            (param,),
        )
    }
    clash = owner_clash(batch, history, owners)
    if clash is not None:
        raise clash


def check_rate_split(
    db: reads.Executes,
    d: reads.Dialect,
    batch: FileBatch,
    rows: Mapping[Key, tuple[Content, int]],
    stored: Mapping[Key, tuple[Content, int, int]],
    *,
    force: bool = False,
) -> list[Key]:
    """The stored keys a batch's rates would sit beside under another budget line or ref on
    the same date and channel: the store adds those up (a CTR of 2 % on one line and 3 % on
    another reads as 5 %). Within one file the reader refuses such rows; across files the
    batch is refused, or with ``force`` those stored values are to be replaced (a rate moved
    from no line to a line: see :func:`delete_keys`)."""
    if not batch.rates:
        return []
    held: dict[tuple[str, str, str], list[Key]] = {}
    for key in stored:
        if key[0] in batch.rates:
            held.setdefault(key[:3], []).append(key)
    if not held:
        return []
    beside: dict[Key, None] = {}
    for key, (_, row) in rows.items():
        others = [other for other in held.get(key[:3], ()) if other != key and other not in rows]
        if not others:
            continue
        if not force:
            raise _rate_split_error(db, d, batch, key, row, others[0], stored[others[0]][1])
        beside.update(dict.fromkeys(others))
    return list(beside)


def _rate_split_error(
    db: reads.Executes,
    d: reads.Dialect,
    batch: FileBatch,
    key: Key,
    row: int,
    other: Key,
    file_id: int,
) -> StoreError:
    found = next(
        iter(db.execute(f"SELECT name FROM ingest_file WHERE id = {d.mark}", (file_id,))),  # noqa: S608
        None,
    )
    kpi, day, channel, *_ = key
    return StoreError(
        msg(
            "store.rate_split",
            kpi=kpi,
            day=day,
            where=msg("store.rate_split_channel", channel=channel) if channel else "",
            parts=_line_and_ref(key),
            other=_line_and_ref(other),
            file=str(found[0]) if found else "?",
        ),
        file=batch.name,
        line=row,
        path=kpi,
        hint=msg("store.rate_split.hint"),
    )


def split_history(
    plan_id: str, file_id: int, keys: Sequence[Key], stored: Mapping[Key, tuple[Content, int, int]]
) -> list[tuple[object, ...]]:
    """The observation_history rows of the stored rate values ``keys`` that a forced batch
    (the file ``file_id``) removes (see :func:`check_rate_split`)."""
    history: list[tuple[object, ...]] = []
    for key in keys:
        (value, note), old_file, old_row = stored[key]
        history.append((plan_id, *key, value, note, old_file, old_row, file_id))
    return history


def _line_and_ref(key: Key) -> tuple[Msg, ...]:
    """A key's budget line and ref as a refusal names them: `line 'search'`, or none."""
    _, _, _, line, ref = key
    parts = [msg("store.rate_split_line", line=line)] if line else []
    if ref:
        parts.append(msg("store.rate_split_ref", ref=ref))
    return tuple(parts) or (msg("store.rate_split_none"),)


def replaced_files(history: Sequence[tuple[object, ...]]) -> list[int]:
    """The ids of the files that stored the values a batch replaces, sorted."""
    # a history row is (plan, kpi, date, channel, line, ref, old value, old note, old file,
    # old row, new file): the file that stored the replaced value is at OLD_FILE
    return sorted({int(str(row[OLD_FILE])) for row in history})


def owner_clash(
    batch: FileBatch, history: Sequence[tuple[object, ...]], owners: Mapping[int, str]
) -> StoreError | None:
    """A stored value is replaced only by the source that stored it (a restatement); another
    source writing the same key is refused, naming both (``--force`` replaces on purpose).
    ``owners`` maps the ids of :func:`replaced_files` to their sources."""
    clashes = [row for row in history if owners.get(int(str(row[OLD_FILE]))) != batch.source]
    if not clashes:
        return None
    other = str(owners.get(int(str(clashes[0][OLD_FILE]))))
    named = [
        msg("store.owner_clash_channel", kpi=kpi, day=day, channel=channel)
        if channel
        else msg("store.owner_clash_day", kpi=kpi, day=day)
        for _, kpi, day, channel, *_ in clashes[:OWNERS_NAMED]
    ]
    more = len(clashes) - OWNERS_NAMED
    return StoreError(
        msg(
            "store.owner_clash_more" if more > 0 else "store.owner_clash",
            source=batch.source,
            other=other,
            n=len(clashes),
            named=tuple(named),
            more=more,
        ),
        file=batch.name,
        # a long-format file has no source to give a fixed channel: it names channels per row
        hint=msg(
            "store.owner_clash_long.hint"
            if batch.source == LONG_SOURCE
            else "store.owner_clash.hint",
            source=batch.source,
        ),
    )


# --- the same bytes read another way ------------------------------------------------------


@dataclass(frozen=True)
class EarlierRead:
    """An earlier ingest of a file's bytes into the same plan that read them another way
    (another source, encoding, sheet or mapping: another config digest) and stored values."""

    file_id: int
    run_id: int
    started_at: dt.datetime  # UTC, the run's start
    name: str  # the file as that ingest named it
    source: str


@dataclass(frozen=True)
class OtherReads:
    """The values earlier reads of a batch's bytes stored that the batch does not rewrite
    (their keys are not the batch's): kept, they would sit beside the batch's values and the
    report would count the export twice."""

    reads: tuple[EarlierRead, ...]  # the reads that left such values, oldest first
    left: dict[Key, tuple[Content, int, int]]  # key -> (content, file id, row number)

    def count(self, file_id: int) -> int:
        return sum(1 for _, old_file, _ in self.left.values() if old_file == file_id)


class Writes(reads.Executes, Protocol):
    """A connection or cursor that also runs one statement over many parameter rows."""

    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> object: ...


def other_reads(
    db: reads.Executes,
    d: reads.Dialect,
    plan_id: str,
    batch: FileBatch,
    keys: Callable[[], Collection[Key]],
) -> OtherReads | None:
    """What earlier reads of the batch's bytes (same plan, sha256 and part of the bytes,
    another config digest) left stored outside the batch's ``keys`` (called only when there
    were such reads), or None. Only the KPIs the batch writes count: two sources may read
    other columns of one file (a ledger's brand and online sales), and neither re-reads the
    other. Each earlier read's rows are fetched by its KPIs and dates (the key's index), not
    by scanning the store."""
    m = d.mark
    part = read_part(batch.config_digest)
    found = [
        row[1:]
        for row in db.execute(
            "SELECT f.config_digest, f.id, f.run_id, r.started_at, f.name, f.source, "  # noqa: S608
            "f.first_date, f.last_date, f.kpis FROM ingest_file f "
            "JOIN ingest_run r ON r.id = f.run_id "
            f"WHERE f.sha256 = {m} AND r.plan_id = {m} AND f.config_digest <> {m} "
            f"AND f.already_ingested = {d.false} AND f.first_date IS NOT NULL ORDER BY f.id",
            (batch.sha256, plan_id, batch.config_digest),
        )
        if read_part(str(row[0])) == part
    ]
    if not found:
        return None
    rewritten = keys()
    written = {key[0] for key in rewritten}
    left: dict[Key, tuple[Content, int, int]] = {}
    earlier: list[EarlierRead] = []
    for file_id, run_id, started, name, source, first, last, kpis in found:
        before = len(left)
        for kpi in filter(written.__contains__, str(kpis).split("\n")):
            for day, channel, line, ref, value, note, row in db.execute(
                f"SELECT {d.day_text}, channel, line, ref, value, note, row_number "  # noqa: S608
                f"FROM observation WHERE plan_id = {m} AND kpi = {m} "
                f"AND date BETWEEN {m} AND {m} AND file_id = {m}",
                (plan_id, kpi, first, last, file_id),
            ):
                key = (kpi, str(day), str(channel), str(line or ""), str(ref or ""))
                if key not in rewritten:
                    left[key] = ((int(value), note), int(file_id), int(row))
        if len(left) > before:
            moment = d.moment(started)
            earlier.append(EarlierRead(int(file_id), int(run_id), moment, str(name), str(source)))
    return OtherReads(tuple(earlier), left) if left else None


READS_NAMED = 3  # earlier reads named in the refusal


def other_reads_error(batch: FileBatch, found: OtherReads) -> StoreError:
    """The refusal of a batch whose bytes an earlier ingest read another way: naming that
    ingest (run, time, source, file) and how many of its values would stay beside the
    batch's; ``--force`` replaces them."""
    named = tuple(
        msg(
            "store.reread_earlier",
            run=r.run_id,
            when=r.started_at.strftime("%Y-%m-%d %H:%M:%S UTC"),
            source=r.source,
            name=r.name,
            n=found.count(r.file_id),
        )
        for r in found.reads[:READS_NAMED]
    )
    more = len(found.reads) - READS_NAMED
    return StoreError(
        msg(
            "store.reread_more" if more > 0 else "store.reread",
            source=batch.source,
            earlier=named,
            more=more,
            n=len(found.left),
        ),
        file=batch.name,
        hint=msg("store.reread.hint"),
    )


def replace_other_reads(
    db: Writes,
    d: reads.Dialect,
    plan_id: str,
    file_id: int,
    batch: FileBatch,
    keys: Callable[[], Collection[Key]],
    force: bool,
) -> int:
    """Refuse a batch whose bytes an earlier ingest of the plan read another way, when values
    of that read that the batch does not rewrite are still stored (see :func:`other_reads`);
    with ``force`` remove them instead, each kept in observation_history as replaced by the
    batch's file ``file_id`` (the delete triggers recount their days' rollups). The number of
    values removed (counted as changed: the file replaced them)."""
    found = other_reads(db, d, plan_id, batch, keys)
    if found is None:
        return 0
    if not force:
        raise other_reads_error(batch, found)
    gone = list(found.left)
    write_history(db, d, split_history(plan_id, file_id, gone, found.left))
    delete_keys(db, d, plan_id, gone)
    return len(gone)


def write_history(db: Writes, d: reads.Dialect, rows: Iterable[tuple[object, ...]]) -> None:
    """Keep replaced or removed values in observation_history: rows of (plan id, the key,
    value, note, file id, row number, the replacing file's id)."""
    for chunk in chunked(rows):
        db.executemany(
            "INSERT INTO observation_history (plan_id, kpi, date, channel, line, ref, value, "  # noqa: S608
            f"note, file_id, row_number, replaced_by) VALUES ({', '.join([d.mark] * 11)})",
            chunk,
        )


def delete_keys(db: Writes, d: reads.Dialect, plan_id: str, keys: Sequence[Key]) -> None:
    """Remove the stored values of ``keys`` (their history rows written beside, see
    :func:`write_history`): the delete triggers recount their days' rollups."""
    m = d.mark
    for chunk in chunked([(plan_id, *key) for key in keys]):
        db.executemany(
            f"DELETE FROM observation WHERE plan_id = {m} AND kpi = {m} AND date = {m} "  # noqa: S608
            f"AND channel = {m} AND line = {m} AND ref = {m}",
            chunk,
        )
