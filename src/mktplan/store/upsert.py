"""Writing one ingest call: every file of the call in one transaction, counted as it goes.

Each file's observations are compared with the stored ones of the same KPIs in the file's
date range (fetched by key range, not the whole store): new keys are inserted, changed ones
are copied to ``observation_history`` and replaced, unchanged ones are left alone (they keep
the provenance of the file that first gave that value).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from itertools import groupby, islice
from operator import itemgetter
from typing import TypeVar

from mktplan.errors import StoreError
from mktplan.store import schema
from mktplan.store.records import MAX_MICRO, FileBatch, FileOutcome, observation_of, to_micro

CHUNK = 10_000  # rows per executemany: bounded memory for statement parameters

# (value micro-units, note, line) — what "unchanged" compares
Content = tuple[int, str | None, str | None]
Key = tuple[str, str, str]  # (kpi, ISO date, channel)
# (plan_id, kpi, date, channel, value, note, line, file_id, row_number)
Inserted = tuple[str, str, str, str, int, str | None, str | None, int, int]

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


def _prepare(batch: FileBatch) -> tuple[dict[Key, tuple[Content, int]], dict[str, list[str]]]:
    """The batch as {key: (content, row number)} and the dates per KPI; raises StoreError on a
    value that cannot be stored exactly or a key that appears twice."""
    if batch.rows is None and len(batch.observations) != len(batch.row_numbers):
        raise StoreError(
            f"{batch.name}: {len(batch.observations)} observations but "
            f"{len(batch.row_numbers)} row numbers",
            file=batch.name,
            hint="this is a bug in the reader of this file format; please report it",
        )
    rows: dict[Key, tuple[Content, int]] = {}
    dates: dict[str, list[str]] = {}
    if batch.rows is not None:
        for kpi, day, channel, value, note, line, row in batch.rows:
            key = (kpi, day, channel)
            if key in rows or not -MAX_MICRO <= value <= MAX_MICRO:
                break  # the slow path below says what is wrong
            rows[key] = ((value, note or None, line or None), row)
            dates.setdefault(kpi, []).append(day)
        else:
            return rows, dates
        observations = [observation_of(r) for r in batch.rows]
        batch = replace(batch, observations=observations, row_numbers=[r[6] for r in batch.rows])
        batch = replace(batch, rows=None)
        rows, dates = {}, {}
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
        key = (obs.kpi, day, obs.channel)
        if key in rows:
            raise StoreError(
                f"{obs.kpi} on {day}{f' in channel {obs.channel}' if obs.channel else ''} "
                f"appears twice in one file (rows {rows[key][1]} and {row})",
                file=batch.name,
                line=row,
                path=obs.kpi,
                hint="rows of one file are combined per KPI, date and channel before storing; "
                "this is a bug in the reader of this file format",
            )
        rows[key] = ((micro, obs.note or None, obs.line or None), row)
        dates.setdefault(obs.kpi, []).append(day)
    return rows, dates


def previous_ingest(
    conn: sqlite3.Connection, plan_id: str, sha256: str, config_digest: str
) -> tuple[int, str | None, str | None, str, int] | None:
    """(observations, first date, last date, kpis, rows read) of the earlier ingest that stored these
    bytes with this mapping for this plan, or None when there was none."""
    row = conn.execute(
        "SELECT f.new + f.changed + f.unchanged, f.first_date, f.last_date, f.kpis, f.rows_read "
        "FROM ingest_file f JOIN ingest_run r ON r.id = f.run_id "
        "WHERE f.sha256 = ? AND f.config_digest = ? AND r.plan_id = ? AND f.already_ingested = 0 "
        "ORDER BY f.id LIMIT 1",
        (sha256, config_digest, plan_id),
    ).fetchone()
    return None if row is None else (int(row[0]), row[1], row[2], str(row[3]), int(row[4]))


def _stored(
    conn: sqlite3.Connection, plan_id: str, dates: dict[str, list[str]]
) -> dict[Key, tuple[Content, int, int]]:
    """Stored (content, file id, row number) of the batch's KPIs within its date range."""
    found: dict[Key, tuple[Content, int, int]] = {}
    for kpi, days in dates.items():
        cur = conn.execute(
            "SELECT date, channel, value, note, line, file_id, row_number FROM observation "
            "WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?",
            (plan_id, kpi, min(days), max(days)),
        )
        for day, channel, value, note, line, file_id, row_number in cur:
            found[(kpi, day, channel)] = ((value, note, line), file_id, row_number)
    return found


def insert_new(conn: sqlite3.Connection, rows: Sequence[Inserted]) -> None:
    """Insert new observations, in key order (cheapest for the table's B-tree), then recount
    the daily rollup of the days they fall on, one statement per KPI."""
    ordered = sorted(rows)  # ingest hands them over in this order already: a linear check
    for chunk in chunked(ordered):
        conn.executemany(
            "INSERT INTO observation (plan_id, kpi, date, channel, value, note, line, file_id, "
            "row_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            chunk,
        )
    spans = []
    for (plan_id, kpi), group in groupby(ordered, key=itemgetter(0, 1)):
        days = [row[2] for row in group]
        spans.append((plan_id, kpi, days[0], days[-1]))
    conn.executemany(schema.ROLLUP_DAYS, spans)


def replace_changed(
    conn: sqlite3.Connection,
    history: Iterable[tuple[object, ...]],
    updates: Iterable[tuple[object, ...]],
) -> None:
    """Keep the replaced rows in observation_history, then overwrite them."""
    for chunk in chunked(history):
        conn.executemany(
            "INSERT INTO observation_history (plan_id, kpi, date, channel, value, note, line, "
            "file_id, row_number, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            chunk,
        )
    for chunk in chunked(updates):
        conn.executemany(
            "UPDATE observation SET value = ?, note = ?, line = ?, file_id = ?, row_number = ? "
            "WHERE plan_id = ? AND kpi = ? AND date = ? AND channel = ?",
            chunk,
        )


def apply_batch(
    conn: sqlite3.Connection, plan_id: str, run_id: int, batch: FileBatch, *, force: bool = False
) -> FileOutcome:
    """Write one file's observations inside the caller's transaction and say what changed."""
    rows, dates = _prepare(batch)
    all_days = [d for days in dates.values() for d in days]
    first = dt.date.fromisoformat(min(all_days)) if all_days else None
    last = dt.date.fromisoformat(max(all_days)) if all_days else None
    kpis = tuple(sorted(dates))
    earlier = None if force else previous_ingest(conn, plan_id, batch.sha256, batch.config_digest)
    already = earlier is not None
    if earlier is not None and not rows:
        # the reader skipped parsing a file it knew: the earlier ingest says what it held
        first = dt.date.fromisoformat(earlier[1]) if earlier[1] else None
        last = dt.date.fromisoformat(earlier[2]) if earlier[2] else None
        kpis = tuple(k for k in earlier[3].split("\n") if k)
    rows_read = earlier[4] if earlier is not None and not rows else batch.rows_read
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
    new = changed = unchanged = 0
    if earlier is not None:
        unchanged = len(rows) if rows else earlier[0]
    else:
        stored = _stored(conn, plan_id, dates)
        inserts: list[Inserted] = []
        history: list[tuple[object, ...]] = []
        updates: list[tuple[object, ...]] = []
        for (kpi, day, channel), ((micro, note, line), row) in rows.items():
            old = stored.get((kpi, day, channel))
            if old is None:
                inserts.append((plan_id, kpi, day, channel, micro, note, line, file_id, row))
            elif old[0] == (micro, note, line):
                unchanged += 1
            else:
                (old_value, old_note, old_line), old_file, old_row = old
                history.append(
                    (
                        plan_id,
                        kpi,
                        day,
                        channel,
                        old_value,
                        old_note,
                        old_line,
                        old_file,
                        old_row,
                        file_id,
                    )
                )
                updates.append((micro, note, line, file_id, row, plan_id, kpi, day, channel))
        new, changed = len(inserts), len(updates)
        insert_new(conn, inserts)
        replace_changed(conn, history, updates)
    conn.execute(
        "UPDATE ingest_file SET new = ?, changed = ?, unchanged = ? WHERE id = ?",
        (new, changed, unchanged, file_id),
    )
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
    )


def file_outcomes(conn: sqlite3.Connection, run_ids: Sequence[int]) -> dict[int, list[FileOutcome]]:
    """The recorded file outcomes of the given runs, by run id, in ingest order."""
    found: dict[int, list[FileOutcome]] = {run_id: [] for run_id in run_ids}
    cur = conn.execute(
        "SELECT run_id, name, sha256, source, rows_read, new, changed, unchanged, "
        "already_ingested, first_date, last_date, kpis FROM ingest_file "
        "WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(list(run_ids)),),
    )
    for row in cur:
        run_id, name, sha, source, rows_read, new, changed, same, already, first, last, kpis = row
        found[run_id].append(
            FileOutcome(
                name=name,
                sha256=sha,
                source=source,
                rows_read=rows_read,
                new=new,
                changed=changed,
                unchanged=same,
                already_ingested=bool(already),
                first_date=dt.date.fromisoformat(first) if first else None,
                last_date=dt.date.fromisoformat(last) if last else None,
                kpis=tuple(kpis.split("\n")) if kpis else (),
            )
        )
    return found
