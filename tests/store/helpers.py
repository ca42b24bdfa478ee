"""Building real batches for store tests."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from mktplan.observations import Observation, ObservationQuery, Span
from mktplan.store import FileBatch, schema


def batch(
    observations: Sequence[Observation],
    *,
    name: str = "export.csv",
    config: str = "cfg",
    source: str = "long",
    sha256: str | None = None,
    rates: frozenset[str] = frozenset(),
) -> FileBatch:
    """A batch whose sha256 is derived from its content unless given."""
    digest = sha256 or hashlib.sha256(repr(list(observations)).encode()).hexdigest()
    return FileBatch(
        name=name,
        sha256=digest,
        source=source,
        config_digest=config,
        rows_read=len(observations),
        observations=list(observations),
        row_numbers=list(range(2, len(observations) + 2)),
        rates=rates,
    )


def channel_sums(
    query: ObservationQuery, kpis: Sequence[str], start: dt.date, end: dt.date
) -> dict[str, dict[str, Decimal]]:
    """The channel sums of ``kpis`` over one window, by KPI."""
    found = query.channel_sums([Span(kpi, start, end) for kpi in kpis])
    return {span.kpi: sums for span, sums in found.items()}


def obs(
    kpi: str,
    day: int,
    value: str,
    channel: str = "",
    note: str | None = None,
    line: str | None = None,
) -> Observation:
    """An observation on 2024-06-``day``."""
    return Observation(kpi, dt.date(2024, 6, day), Decimal(value), channel, note, line)


def read_long_csv(path: Path) -> FileBatch:
    """The bundled long-format example, read with the csv module (no aggregation needed:
    its rows are unique per kpi, date and channel)."""
    raw = path.read_bytes()
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    observations = [
        Observation(
            r["kpi"],
            dt.date.fromisoformat(r["date"]),
            Decimal(r["value"]),
            r.get("channel") or "",
            r.get("note") or None,
        )
        for r in rows
    ]
    return FileBatch(
        name=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        source="long",
        config_digest="long",
        rows_read=len(rows),
        observations=observations,
        row_numbers=list(range(2, len(rows) + 2)),
    )


def old_store(path: Path, version: int, rows: list[tuple[str, str, str, int, str | None]]) -> None:
    """A store as mktplan at schema ``version`` left it: ``rows`` are (kpi, date, channel,
    micro-units, budget line), all from one ingested file, with that version's rollup."""
    conn = schema.connect(path, 5.0)
    schema.migrate(conn, path, schema.MIGRATIONS[:version])
    conn.execute(
        "INSERT INTO ingest_run (plan_id, started_at, finished_at, command) "
        "VALUES ('p', '2024-06-30T00:00:00+00:00', '2024-06-30T00:00:01+00:00', '')"
    )
    conn.execute(
        "INSERT INTO ingest_file (run_id, name, sha256, source, config_digest, rows_read, new, "
        "already_ingested) VALUES (1, 'old.csv', 'sha-old', 'long', 'c', ?, ?, 0)",
        (len(rows), len(rows)),
    )
    conn.executemany(
        "INSERT INTO observation (plan_id, kpi, date, channel, value, note, line, file_id, "
        "row_number) VALUES ('p', ?, ?, ?, ?, NULL, ?, 1, 2)",
        rows,
    )
    if version == 3:  # version 3 recounted the rollup of inserted rows itself, one per row
        conn.execute("DELETE FROM observation_day")
        conn.execute(
            "INSERT INTO observation_day SELECT plan_id, kpi, date, count(*), "
            "sum(value / 1000000), sum(value % 1000000), min(value), max(value) "
            "FROM observation GROUP BY plan_id, kpi, date"
        )
    conn.close()


def select(url: str, sql: str) -> list[tuple[Any, ...]]:
    """The rows of a read-only statement, run on the store at ``url`` (either backend)."""
    if "://" not in url:
        with closing(sqlite3.connect(url)) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    import psycopg

    with psycopg.connect(url) as pg:
        return [tuple(r) for r in pg.execute(sql).fetchall()]  # type: ignore[arg-type]


def in_transaction(store: Any) -> bool:
    """True when the store's connection has a transaction open (either backend)."""
    conn = store.connection
    if isinstance(conn, sqlite3.Connection):
        return conn.in_transaction
    import psycopg

    return bool(conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)


@contextmanager
def hold_write_lock(url: str) -> Iterator[Any]:
    """Another connection holding the store's write lock (SQLite's, or the PostgreSQL
    store's advisory lock) in an open transaction, rolled back at the end; it is yielded so
    a test can write in that transaction."""
    if "://" not in url:
        holder = sqlite3.connect(url, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield holder
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    import psycopg

    from mktplan.store.postgres.schema import LOCK_SPACE, LOCK_STORE

    with psycopg.connect(url) as holder:  # not autocommit: one transaction until rollback
        holder.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, LOCK_STORE))
        try:
            yield holder
        finally:
            holder.rollback()
