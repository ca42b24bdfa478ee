"""The store of observations: where ingest writes and report reads.

:func:`resolve_store` / :func:`open_store` give a store behind one interface
(:class:`~mktplan.store.protocol.ObservationStore`): this module's SQLite file, the embedded
default, or a PostgreSQL database (:mod:`mktplan.store.postgres`). What follows describes
the SQLite file; the PostgreSQL store keeps the same guarantees.

One file holds any number of plans, keyed by plan id. An observation's key is
(plan_id, kpi, date, channel, budget line, ref), '' for a missing channel, line or ref; its
value is stored as INTEGER micro-units (value × 10^6), so SQL sums are exact. Rows of one
date and channel that differ in line or ref (the invoices of a ledger) add up when read.
Every ``ingest`` call is one ``BEGIN IMMEDIATE`` transaction: all its files land or none
does, and a concurrent ingest waits for the lock (up to ``lock_timeout`` seconds) instead
of failing.

Decisions:
* Re-ingesting a file already ingested for the plan with the same mapping (same sha256 and
  config_digest) rewrites nothing; the call is still logged as a run whose file is marked
  ``already_ingested`` with every observation counted unchanged, so `mktplan log` shows it.
* A later file with the same key and a different value or note replaces the current row
  (a restatement, or a corrected invoice: the same ref again) and keeps the replaced one in
  ``observation_history``; a file repeating the same content leaves the row (and its
  provenance) as it was.
* Values are rounded half-even to 6 decimals (``observations.SCALE``) when stored.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from mktplan import interrupt
from mktplan.errors import StoreError
from mktplan.i18n import msg
from mktplan.store import bi, failures, reads, schema, upsert
from mktplan.store.locate import STORE_ENV, SqliteLocation, locate, open_store, resolve_store
from mktplan.store.protocol import ClosesConnection, ObservationStore, ReadSnapshot, StoreLocation
from mktplan.store.query import SqlObservations
from mktplan.store.records import (
    FileBatch,
    FileOutcome,
    IngestOutcome,
    IngestRun,
    InputProblem,
    OpenProblem,
    StoredObservation,
    from_micro,
    problem_log,
    to_micro,
)

__all__ = [
    "STORE_ENV",
    "FileBatch",
    "FileOutcome",
    "IngestOutcome",
    "IngestRun",
    "ObservationStore",
    "ReadSnapshot",
    "SqlObservations",
    "SqliteLocation",
    "Store",
    "StoreLocation",
    "StoredObservation",
    "from_micro",
    "locate",
    "open_store",
    "resolve_store",
    "to_micro",
]


def dry_run_copy(path: Path, target: Path, *, lock_timeout: float = 600.0) -> Path | None:
    """For a dry run against the store at ``path``: ``target`` holding a copy of it when
    opening it would write to it (a schema upgrade, which an older mktplan cannot undo, or the
    switch of a store in rollback-journal mode to WAL, as a `VACUUM INTO` backup is), else
    None (the store can be used as it is). Raises StoreError when it cannot be read."""
    if path.exists() and not path.is_file():
        raise failures.not_a_regular_file(path)
    with failures.translated(path, lock_timeout):
        # a plain connection, not mode=ro: a read-only one leaves the WAL's side files behind
        source = sqlite3.connect(path, timeout=lock_timeout)
    try:
        version = schema.current_version(source, path)
        mode = str(source.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if version >= schema.latest_version() and mode == "wal":
            return None
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        except sqlite3.Error as exc:
            if isinstance(failures.explain(path, exc, lock_timeout), failures.StoreLocked):
                raise
            raise failures.StoreUnusable(  # the temporary folder's fault, not the input's
                msg("store.dry_run_copy", path=path, detail=str(exc)),
                file=str(path),
                hint=msg("store.dry_run_copy.hint"),
            ) from None
        finally:
            copy.close()
        return target
    except sqlite3.Error as exc:
        raise failures.explain(path, exc, lock_timeout) from None
    finally:
        source.close()


class Store(ClosesConnection):
    """An open store file. Use :meth:`open`; close it (or use ``with``) when done."""

    _conn: sqlite3.Connection

    def __init__(self, conn: sqlite3.Connection, path: Path, lock_timeout: float) -> None:
        self._conn = conn
        self.path = path
        self.lock_timeout = lock_timeout

    @classmethod
    def open(cls, path: Path, *, lock_timeout: float = 600.0) -> Store:
        """Open (creating its directory and schema if needed) the store at ``path``.

        Raises StoreError when the file is not a mktplan store, was written by a newer
        mktplan, or stays locked longer than ``lock_timeout`` seconds.
        """
        conn = schema.connect(path, lock_timeout)
        try:
            with failures.translated(path, lock_timeout):
                schema.migrate(conn, path)
        except StoreError:
            conn.close()
            raise
        return cls(conn, path, lock_timeout)

    def _translated(self, *, reading: bool = True) -> AbstractContextManager[None]:
        """Every use of the connection runs in this: SQLite errors and undecodable stored
        values become a StoreError naming the store file."""
        return failures.translated(self.path, self.lock_timeout, reading=reading)

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for read-only inspection (tests, diagnostics)."""
        return self._conn

    def schema_version(self) -> int:
        return schema.current_version(self._conn, self.path)

    def ingest(
        self,
        plan_id: str,
        batches: Sequence[FileBatch],
        *,
        dry_run: bool = False,
        command: str = "",
        force: bool = False,
        skipped: Sequence[InputProblem] = (),
        definition: bi.PlanDefinition | None = None,
        before_commit: Callable[[], None] | None = None,
    ) -> IngestOutcome:
        """Write every batch in one transaction and say per file what was new, changed and
        unchanged; the ``skipped`` rows' log entries and the plan's KPI ``definition`` go in
        the same transaction, so a killed ingest never keeps the values without them. With
        ``dry_run`` the same counts are computed and everything is rolled back; else
        ``before_commit`` is called just before the commit, the lock held (what it raises
        rolls back).
        A file ingested before is left alone (it changes nothing) unless ``force`` re-applies
        its values, e.g. to undo a later correction.

        Raises StoreError (nothing written) on a value that cannot be stored, a key repeated
        within one batch, or a lock held longer than ``lock_timeout`` seconds.
        """
        if not plan_id:
            raise StoreError(msg("store.no_plan_id"), hint=msg("store.no_plan_id.hint"))
        conn = self._conn
        with self._translated():
            conn.execute("BEGIN IMMEDIATE")  # take the write lock now: concurrent ingests queue
        try:
            started = schema.utc_now()
            run_id = upsert.start_run(conn, plan_id, started, command)
            files = tuple(
                upsert.apply_batch(conn, plan_id, run_id, batch, force=force) for batch in batches
            )
            finished = schema.utc_now()
            upsert.finish_run(conn, run_id, finished)
            if not dry_run:
                _log_problems(conn, plan_id, skipped, finished)
                if definition is not None:
                    _replace_plan(conn, definition, finished)
                if before_commit is not None:
                    before_commit()
            with interrupt.Hold(stored=not dry_run) as hold:
                hold.start()  # a Ctrl-C now is told whether the commit kept the changes
                conn.execute("ROLLBACK" if dry_run else "COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise failures.explain(self.path, exc, self.lock_timeout) from None
        except BaseException:
            self._rollback()
            raise
        return IngestOutcome(run_id=None if dry_run else run_id, dry_run=dry_run, files=files)

    def record_problems(self, plan_id: str, problems: Sequence[InputProblem]) -> None:
        """Log refused or skipped rows of input files (counts and codes, never values)."""
        if not problems:
            return
        conn = self._conn
        with self._translated(reading=False):
            conn.execute("BEGIN IMMEDIATE")
            try:
                _log_problems(conn, plan_id, problems, schema.utc_now())
                conn.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def open_problems(self, plan_id: str) -> list[OpenProblem]:
        """Refused and skipped rows per source (the file name for long-format files) logged
        at or after the source's last accepted ingest, oldest first per source and kind."""
        with self._translated():
            return reads.open_problems(self._conn, reads.SQLITE, plan_id)

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):  # the cause is what the user must see
                self._conn.execute("ROLLBACK")

    def already_ingested(self, plan_id: str, sha256: str, config_digest: str) -> bool:
        """True when these bytes were stored with this mapping for this plan before, so a
        reader may skip parsing them (re-ingest changes nothing)."""
        with self._translated():
            found = reads.previous_ingest(self._conn, reads.SQLITE, plan_id, sha256, config_digest)
            return found is not None

    def runs(self, plan_id: str | None = None, limit: int = 50) -> list[IngestRun]:
        """The latest ``limit`` ingest runs (of ``plan_id``, or of every plan), newest first."""
        with self._translated():
            return reads.runs(self._conn, reads.SQLITE, plan_id, limit)

    def plans(self) -> list[str]:
        """Ids of the plans that have observations or ingest runs, sorted."""
        with self._translated():
            return reads.plans(self._conn)

    def query(self, plan_id: str) -> SqlObservations:
        """The plan's observations as an :class:`~mktplan.observations.ObservationQuery`."""
        return SqlObservations(self._conn, plan_id, self.path)

    def observations(self, plan_id: str) -> list[StoredObservation]:
        """Every current observation of the plan with its provenance, in key order."""
        with self._translated():
            return reads.observations(self._conn, reads.SQLITE, plan_id)

    def record_results(
        self,
        plan_id: str,
        as_of: dt.date,
        results: Sequence[bi.KpiOutcome],
        *,
        wait: float = bi.RESULTS_WAIT,
    ) -> None:
        """Replace the KPI results reported for the plan at ``as_of`` (for BI views)."""
        rows = bi.result_rows(plan_id, as_of, tuple(results), schema.utc_now())
        with self._write(wait=wait) as conn:
            conn.execute(
                "DELETE FROM kpi_result WHERE plan_id = ? AND as_of = ?",
                (plan_id, as_of.isoformat()),
            )
            conn.executemany(bi.insert_results("?"), rows)

    def export_rows(
        self, table: str, columns: Sequence[str], order: str
    ) -> Iterator[tuple[object, ...]]:
        """Every row of one table, as stored (dates and times are ISO text already)."""
        with self._translated():
            cur = self._conn.execute(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"  # noqa: S608
            )
            yield from (tuple(row) for row in cur)

    def import_rows(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[tuple[object, ...]]]]
    ) -> None:
        """Write exported rows, every table in one transaction, and recount the daily and
        channel rollups."""
        with self._write() as conn:
            for table, columns, rows in tables:
                marks = ", ".join("?" * len(columns))
                insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                for chunk in upsert.chunked(rows):
                    conn.executemany(insert, chunk)
            conn.execute("DELETE FROM observation_day")
            conn.execute(schema.ROLLUP_ALL)
            conn.execute("DELETE FROM observation_channel_month")
            conn.execute(schema.ROLLUP_CHANNEL_ALL)
            conn.execute("DELETE FROM observation_channel_total")
            conn.execute(schema.ROLLUP_TOTALS_ALL)
            conn.execute("DELETE FROM observation_kpi_total")
            conn.execute(schema.ROLLUP_KPI_TOTALS_ALL)

    @contextlib.contextmanager
    def _write(self, wait: float | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction, waiting for an ingest up to ``wait`` seconds (default
        ``lock_timeout``)."""
        conn = self._conn
        with failures.translated(self.path, self.lock_timeout if wait is None else wait):
            if wait is not None:
                conn.execute(f"PRAGMA busy_timeout = {round(wait * 1000)}")
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
            finally:
                if wait is not None:
                    conn.execute(f"PRAGMA busy_timeout = {round(self.lock_timeout * 1000)}")

    def history_count(self, plan_id: str | None = None) -> int:
        """How many replaced observation rows are kept (of ``plan_id``, or of every plan)."""
        with self._translated():
            return reads.history_count(self._conn, reads.SQLITE, plan_id)

    def content_digest(self, plan_id: str | None = None) -> str:
        """sha256 over every current observation (key, value, note, provenance) in key
        order, then every history row in insertion order; equal digests mean an unchanged store
        for that plan (or all plans)."""
        with self._translated():
            return reads.content_digest(
                lambda sql, params, _name: self._conn.execute(sql, params), reads.SQLITE, plan_id
            )


def _log_problems(
    conn: sqlite3.Connection, plan_id: str, problems: Sequence[InputProblem], at: dt.datetime
) -> None:
    """Log input files' refused or skipped rows at ``at``, in the caller's transaction."""
    conn.executemany(*problem_log("?", plan_id, problems, at.isoformat()))


def _replace_plan(conn: sqlite3.Connection, plan: bi.PlanDefinition, at: dt.datetime) -> None:
    """Replace the plan's KPI definitions, recorded at ``at``, in the caller's transaction."""
    head, kpis = bi.plan_rows(plan, at)
    conn.execute("DELETE FROM kpi_definition WHERE plan_id = ?", (plan.plan_id,))
    conn.execute(bi.upsert_plan("?"), head)
    conn.executemany(bi.insert_kpis("?"), kpis)
