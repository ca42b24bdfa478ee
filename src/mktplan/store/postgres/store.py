"""An open PostgreSQL store: migrations on open, ingest in one locked transaction, reads."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg import errors as pg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from mktplan import interrupt
from mktplan.errors import StoreError
from mktplan.i18n import msg
from mktplan.store import bi, reads, upsert
from mktplan.store.failures import StoreUnusable
from mktplan.store.locate import mask_password
from mktplan.store.postgres import failures
from mktplan.store.postgres.query import PgObservations
from mktplan.store.postgres.schema import (
    LOCK_SPACE,
    LOCK_STORE,
    MIGRATIONS,
    ROLLUP_ALL,
    ROLLUP_CHANNEL_ALL,
    ROLLUP_DAYS,
    ROLLUP_KPI_TOTALS,
    ROLLUP_KPI_TOTALS_ALL,
    ROLLUP_KPI_TOTALS_CLEAR,
    ROLLUP_MONTHS,
    ROLLUP_MONTHS_CLEAR,
    ROLLUP_TOTALS,
    ROLLUP_TOTALS_ALL,
    ROLLUP_TOTALS_CLEAR,
    latest_version,
)
from mktplan.store.protocol import ClosesConnection
from mktplan.store.reads import POSTGRES
from mktplan.store.records import (
    FileBatch,
    FileOutcome,
    IngestOutcome,
    IngestRun,
    InputProblem,
    OpenProblem,
    StoredObservation,
    problem_log,
)
from mktplan.store.schema import Migration

Conn = psycopg.Connection[Any]
Cursor = psycopg.Cursor[Any]
# every table a bulk writer recounts from the observations
_ROLLUPS = (
    "observation_day",
    "observation_channel_month",
    "observation_channel_total",
    "observation_kpi_total",
)
_OBSERVATION_COLUMNS = "plan_id, kpi, date, channel, line, ref, value, note, file_id, row_number"


class _DryRunDone(Exception):
    """Raised inside the ingest transaction to roll a dry run back."""


def _lock(cur: Cursor, lock_timeout: float) -> None:
    """Take the store's advisory lock for the rest of the transaction, waiting at most
    ``lock_timeout`` seconds (0: not at all)."""
    if lock_timeout <= 0:
        got = cur.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", (LOCK_SPACE, LOCK_STORE))
        row = got.fetchone()
        if not row or not row[0]:
            raise pg.LockNotAvailable("the store's advisory lock is held")
        return
    # for the rest of the transaction too: once the advisory lock is ours, only a session
    # outside mktplan (LOCK TABLE, VACUUM FULL) can make a statement wait, and such a wait
    # ends as the store's lock would (exit 4), not after hours
    cur.execute(_lock_timeout_setting(lock_timeout, local=True))
    cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, LOCK_STORE))


def _lock_timeout_setting(lock_timeout: float, *, local: bool) -> str:
    """`SET [LOCAL] lock_timeout` to ``lock_timeout`` seconds; 0 (no wait) is 1 ms, since
    PostgreSQL's 0 waits without end."""
    scope = "LOCAL " if local else ""
    return f"SET {scope}lock_timeout = '{max(1, round(lock_timeout * 1000))}ms'"


def current_version(conn: Conn, where: str) -> int:
    """The highest applied migration, 0 for an empty schema."""
    # one statement, one snapshot: a process migrating meanwhile commits its tables together
    # with schema_version, so they are seen all or none
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY 1"
        )
    ]
    if "schema_version" not in tables:
        if tables:
            shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
            raise StoreUnusable(
                msg("store.pg.other_tables", store=where, tables=shown),
                file=where,
                hint=msg("store.pg.other_tables.hint"),
            )
        return 0
    found = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(found[0]) if found and found[0] is not None else 0


def migrate(
    conn: Conn, where: str, lock_timeout: float, migrations: tuple[Migration, ...] | None = None
) -> int:
    """Bring the store to the latest schema version and return it; StoreError when it was
    written by a newer mktplan."""
    migrations = MIGRATIONS if migrations is None else migrations
    newest = latest_version(migrations)
    version = current_version(conn, where)
    if version < newest:
        with conn.transaction(), conn.cursor() as cur:
            _lock(cur, lock_timeout)
            version = current_version(conn, where)  # another process may have migrated
            if version == 0:
                cur.execute(
                    "CREATE TABLE schema_version (version integer PRIMARY KEY, "
                    "description text NOT NULL, applied_at timestamptz NOT NULL)"
                )
            for migration in migrations:
                if migration.version <= version:
                    continue
                for statement in migration.statements:
                    cur.execute(statement)
                cur.execute(
                    "INSERT INTO schema_version (version, description, applied_at) "
                    "VALUES (%s, %s, now())",
                    (migration.version, migration.description),
                )
                version = migration.version
    if version > newest:
        raise StoreUnusable(
            msg("store.pg.newer_schema", store=where, version=version, newest=newest),
            file=where,
            hint=msg("store.newer_schema.hint"),
        )
    return version


# psycopg logs what it ignores (a rollback on a broken connection) as warnings, which Python's
# last-resort handler would print beside mktplan's one message
logging.getLogger("psycopg").addHandler(logging.NullHandler())


# Seconds to wait for a server to answer at all: libpq waits as long as the network lets it
# (about two minutes for a host that drops packets), each step of a cron run again
CONNECT_TIMEOUT = 15


def with_connect_timeout(url: str, environ: Mapping[str, str] = os.environ) -> str:
    """``url`` with libpq's connect_timeout of :data:`CONNECT_TIMEOUT` seconds, unless it
    or PGCONNECT_TIMEOUT sets its own (a malformed URI is left as it is, for the connection
    to refuse with its own message)."""
    try:
        given = conninfo_to_dict(url)
    except psycopg.Error:
        return url
    if "connect_timeout" in given or environ.get("PGCONNECT_TIMEOUT"):
        return url
    return make_conninfo(url, connect_timeout=CONNECT_TIMEOUT)


class PostgresStore(ClosesConnection):
    """An open PostgreSQL store. Use :meth:`open`; close it (or use ``with``) when done."""

    _conn: Conn

    def __init__(self, conn: Conn, where: str, lock_timeout: float) -> None:
        self._conn = conn
        self.where = where  # the URI without its password
        self.lock_timeout = lock_timeout

    @classmethod
    def open(cls, url: str, *, lock_timeout: float = 600.0) -> PostgresStore:
        where = mask_password(url)
        with failures.translated(where, lock_timeout):
            conn = psycopg.connect(
                with_connect_timeout(url), autocommit=True, application_name="mktplan"
            )
        try:
            with failures.translated(where, lock_timeout):
                # every statement of the session, a report's reads included: a table that a
                # session outside mktplan locked (LOCK TABLE, VACUUM FULL) is waited for as
                # the store's lock is, then exit 4, never without end
                conn.execute(_lock_timeout_setting(lock_timeout, local=False))
                migrate(conn, where, lock_timeout)
        except BaseException:
            conn.close()
            raise
        return cls(conn, where, lock_timeout)

    def _translated(self) -> AbstractContextManager[None]:
        return failures.translated(self.where, self.lock_timeout)

    @property
    def connection(self) -> Conn:
        """The underlying connection, for read-only inspection (tests, diagnostics)."""
        return self._conn

    def schema_version(self) -> int:
        with self._translated():
            return current_version(self._conn, self.where)

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
        """Write every batch in one transaction holding the store's advisory lock and say per
        file what was new, changed and unchanged; the ``skipped`` rows' log entries and the
        plan's KPI ``definition`` go in the same transaction. ``dry_run`` rolls it back;
        else ``before_commit`` is called just before the commit (what it raises rolls back)."""
        if not plan_id:
            raise StoreError(msg("store.no_plan_id"), hint=msg("store.no_plan_id.hint"))
        files: tuple[FileOutcome, ...] = ()
        run_id = 0
        # the commit ends the transaction's block; a Ctrl-C over it is told truly
        with interrupt.Hold(stored=not dry_run) as hold, self._translated():
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    _lock(cur, self.lock_timeout)
                    # the next number after the last run kept, as SQLite numbers them: the
                    # lock makes it this call's alone, and a dry or failed run rolled back
                    # leaves no gap (an identity's value would be spent for good)
                    row = cur.execute(
                        "INSERT INTO ingest_run (id, plan_id, started_at, command) "
                        "SELECT coalesce(max(id), 0) + 1, %s, %s, %s FROM ingest_run "
                        "RETURNING id",
                        (plan_id, dt.datetime.now(dt.UTC), command),
                    ).fetchone()
                    run_id = int(row[0]) if row else 0
                    files = tuple(_apply_batch(cur, plan_id, run_id, b, force) for b in batches)
                    finished = dt.datetime.now(dt.UTC)
                    cur.execute(
                        "UPDATE ingest_run SET finished_at = %s WHERE id = %s",
                        (finished, run_id),
                    )
                    if dry_run:
                        raise _DryRunDone
                    _log_problems(cur, plan_id, skipped, finished)
                    if definition is not None:
                        _replace_plan(cur, definition, finished)
                    if before_commit is not None:
                        before_commit()
                    hold.start()  # a Ctrl-C now is told whether the commit kept the changes
            except _DryRunDone:
                pass
        return IngestOutcome(run_id=None if dry_run else run_id, dry_run=dry_run, files=files)

    def already_ingested(self, plan_id: str, sha256: str, config_digest: str) -> bool:
        with self._translated():
            earlier = reads.previous_ingest(self._conn, POSTGRES, plan_id, sha256, config_digest)
            return earlier is not None

    def runs(self, plan_id: str | None = None, limit: int = 50) -> list[IngestRun]:
        with self._translated(), self._conn.cursor() as cur:
            return reads.runs(cur, POSTGRES, plan_id, limit)

    def plans(self) -> list[str]:
        with self._translated():
            return reads.plans(self._conn)

    def query(self, plan_id: str) -> PgObservations:
        return PgObservations(self._conn, plan_id, self.where)

    def observations(self, plan_id: str) -> list[StoredObservation]:
        with self._translated():
            return reads.observations(self._conn, POSTGRES, plan_id)

    def record_problems(self, plan_id: str, problems: Sequence[InputProblem]) -> None:
        """Log refused or skipped rows of input files (counts and codes, never values)."""
        if not problems:
            return
        with self._translated(), self._conn.transaction(), self._conn.cursor() as cur:
            _log_problems(cur, plan_id, problems, dt.datetime.now(dt.UTC))

    def open_problems(self, plan_id: str) -> list[OpenProblem]:
        """Refused and skipped rows per source (the file name for long-format files) logged
        at or after the source's last accepted ingest, oldest first per source and kind."""
        with self._translated():
            return reads.open_problems(self._conn, POSTGRES, plan_id)

    def record_results(
        self,
        plan_id: str,
        as_of: dt.date,
        results: Sequence[bi.KpiOutcome],
        *,
        wait: float = bi.RESULTS_WAIT,
    ) -> None:
        """Replace the KPI results reported for the plan at ``as_of`` (for BI views)."""
        rows = bi.result_rows(plan_id, as_of, tuple(results), dt.datetime.now(dt.UTC))
        with failures.translated(self.where, wait), self._conn.transaction():
            cur = self._conn.cursor()
            cur.execute(f"SET LOCAL lock_timeout = '{max(1, round(wait * 1000))}ms'")
            cur.execute(
                "DELETE FROM kpi_result WHERE plan_id = %s AND as_of = %s", (plan_id, as_of)
            )
            with cur.copy(f"COPY kpi_result ({bi.RESULT_COLUMNS}) FROM STDIN") as copy:
                for row in rows:  # 2,000 KPIs a report: COPY, not 2,000 INSERTs
                    copy.write_row(row)

    def export_rows(
        self, table: str, columns: Sequence[str], order: str
    ) -> Iterator[tuple[object, ...]]:
        """Every row of one table, dates and times as ISO text, booleans as 0/1."""
        from mktplan.store.copy import neutral

        with (
            self._translated(),
            self._conn.transaction(),
            self._conn.cursor(name=f"mk_export_{table}") as cur,  # streamed, not loaded
        ):
            cur.itersize = 10_000
            cur.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")  # noqa: S608
            yield from (tuple(neutral(v) for v in row) for row in cur)

    def import_rows(
        self, tables: Iterable[tuple[str, Sequence[str], Iterable[tuple[object, ...]]]]
    ) -> None:
        """Write exported rows with COPY, every table in one transaction holding the store's
        lock; then move the id sequences past the copied ids, recount the rollups and
        ANALYZE what was written."""
        written: list[str] = []
        with self._translated(), self._conn.transaction(), self._conn.cursor() as cur:
            _lock(cur, self.lock_timeout)
            for table, columns, rows in tables:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                written.append(table)
            for table in ("ingest_run", "ingest_file", "observation_history", "input_problem"):
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"coalesce(max(id), 0) + 1, false) FROM {table}"
                )
            cur.execute("DELETE FROM observation_day")
            cur.execute(ROLLUP_ALL)
            cur.execute("DELETE FROM observation_channel_month")
            cur.execute(ROLLUP_CHANNEL_ALL)
            cur.execute("DELETE FROM observation_channel_total")
            cur.execute(ROLLUP_TOTALS_ALL)
            cur.execute("DELETE FROM observation_kpi_total")
            cur.execute(ROLLUP_KPI_TOTALS_ALL)
            # statistics for the planner now, not when autovacuum next passes: a report right
            # after a copy would plan against an empty table (ANALYZE is transactional)
            for table in (*written, *_ROLLUPS):
                cur.execute(f"ANALYZE {table}")

    def history_count(self, plan_id: str | None = None) -> int:
        with self._translated():
            return reads.history_count(self._conn, POSTGRES, plan_id)

    def content_digest(self, plan_id: str | None = None) -> str:
        """sha256 over every current observation then every history row, computed exactly as
        the SQLite store computes it (dates as ISO text), so equal contents digest equal."""
        with self._translated(), self._conn.transaction():  # one snapshot for both tables
            return reads.content_digest(self._streamed, POSTGRES, plan_id)

    def _streamed(self, sql: str, params: Sequence[Any], name: str) -> Iterator[tuple[Any, ...]]:
        with self._conn.cursor(name=name) as cur:  # streamed, not loaded
            cur.execute(sql, params)
            yield from cur


def _log_problems(
    cur: Cursor, plan_id: str, problems: Sequence[InputProblem], at: dt.datetime
) -> None:
    """Log input files' refused or skipped rows at ``at``, in the caller's transaction."""
    if problems:
        cur.executemany(*problem_log("%s", plan_id, problems, at))


def _replace_plan(cur: Cursor, plan: bi.PlanDefinition, at: dt.datetime) -> None:
    """Replace the plan's KPI definitions, recorded at ``at``, in the caller's transaction."""
    head, kpis = bi.plan_rows(plan, at)
    cur.execute("DELETE FROM kpi_definition WHERE plan_id = %s", (plan.plan_id,))
    cur.execute(bi.upsert_plan("%s"), head)
    with cur.copy(f"COPY kpi_definition ({bi.KPI_COLUMNS}) FROM STDIN") as copy:
        for row in kpis:  # a plan of 2,000 KPIs: COPY, not 2,000 INSERTs
            copy.write_row(row)


def _copy_observations(cur: Cursor, rows: Sequence[tuple[object, ...]]) -> None:
    if not rows:
        return
    with cur.copy(f"COPY observation ({_OBSERVATION_COLUMNS}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _stored(
    cur: Cursor, plan_id: str, spans: dict[str, tuple[str, str]]
) -> dict[upsert.Key, tuple[upsert.Content, int, int]]:
    found: dict[upsert.Key, tuple[upsert.Content, int, int]] = {}
    for kpi, (first, last) in spans.items():
        cur.execute(
            "SELECT date, channel, line, ref, value, note, file_id, row_number FROM observation "
            "WHERE plan_id = %s AND kpi = %s AND date BETWEEN %s AND %s",
            (plan_id, kpi, first, last),
        )
        for day, channel, line, ref, value, note, file_id, row_number in cur:
            key = (kpi, day.isoformat(), channel, line, ref)
            found[key] = ((int(value), note), int(file_id), int(row_number))
    return found


def _any_stored(cur: Cursor, plan_id: str, spans: dict[str, tuple[str, str]]) -> bool:
    for kpi, (first, last) in spans.items():
        row = cur.execute(
            "SELECT 1 FROM observation WHERE plan_id = %s AND kpi = %s "
            "AND date BETWEEN %s AND %s LIMIT 1",
            (plan_id, kpi, first, last),
        ).fetchone()
        if row is not None:
            return True
    return False


def _apply_batch(
    cur: Cursor, plan_id: str, run_id: int, batch: FileBatch, force: bool
) -> FileOutcome:
    """One file's observations inside the caller's transaction (the logic and counts of
    :func:`mktplan.store.upsert.apply_batch`)."""
    prepared = upsert._prepare(batch)  # one definition of a storable batch
    spans = prepared.spans
    earlier = (
        None
        if force
        else reads.previous_ingest(cur, POSTGRES, plan_id, batch.sha256, batch.config_digest)
    )
    count = len(prepared)
    first, last, kpis, rows_read = upsert.extent(batch, prepared, earlier)
    row = cur.execute(
        "INSERT INTO ingest_file (run_id, name, sha256, source, config_digest, rows_read, "
        "already_ingested, first_date, last_date, kpis) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (
            run_id,
            batch.name,
            batch.sha256,
            batch.source,
            batch.config_digest,
            rows_read,
            earlier is not None,
            first,
            last,
            "\n".join(kpis),
        ),
    ).fetchone()
    file_id = int(row[0]) if row else 0
    if batch.skipped:
        cur.executemany(
            "INSERT INTO ingest_skipped (file_id, first_line, last_line, reason) "
            "VALUES (%s, %s, %s, %s)",
            upsert.skipped_rows(file_id, batch),
        )
    new = changed = unchanged = 0
    if earlier is None:  # values an earlier read of these bytes another way left: refused,
        # or with force removed (counted as changed), never counted beside this read's
        changed = upsert.replace_other_reads(
            cur, POSTGRES, plan_id, file_id, batch, lambda: prepared.keyed(batch.name), force
        )
    if earlier is not None:
        unchanged = count or earlier[0]
    elif prepared.fresh is not None and not _any_stored(cur, plan_id, spans):
        # the common weekly case: nothing of this file's KPIs and dates is stored yet
        try:
            _copy_observations(cur, upsert.fresh_rows(plan_id, file_id, prepared.fresh))
        except pg.UniqueViolation:
            prepared.keyed(batch.name)  # names the key the file holds twice
            raise
        new = count
    else:
        rows = prepared.keyed(batch.name)
        stored = _stored(cur, plan_id, spans) if rows else {}
        beside = upsert.check_rate_split(cur, POSTGRES, batch, rows, stored, force=force)
        diff = upsert.compare(plan_id, file_id, rows, stored)
        history, updates = diff.history, diff.updates
        if history and not force:
            upsert.check_owners(cur, POSTGRES, batch, history)
        new, unchanged = len(diff.inserts), diff.unchanged
        changed += len(updates)
        if beside:  # a forced rate moved to another line: the old values kept in history
            history = [*history, *upsert.split_history(plan_id, file_id, beside, stored)]
            upsert.delete_keys(cur, POSTGRES, plan_id, beside)
            changed += len(beside)
        _copy_observations(cur, diff.inserts)
        if history:
            upsert.write_history(cur, POSTGRES, history)
            cur.executemany(
                "UPDATE observation SET value = %s, note = %s, file_id = %s, row_number = %s "
                "WHERE plan_id = %s AND kpi = %s AND date = %s AND channel = %s AND line = %s "
                "AND ref = %s",
                updates,
            )
    if new or changed:
        cur.executemany(ROLLUP_DAYS, [(plan_id, kpi, a, b) for kpi, (a, b) in spans.items()])
        months = [
            {"plan": plan_id, "kpi": kpi, "first": a, "last": b} for kpi, (a, b) in spans.items()
        ]
        cur.executemany(ROLLUP_MONTHS_CLEAR, months)
        cur.executemany(ROLLUP_MONTHS, months)
        # then the touched KPIs' totals from their rollups (numeric: no overflow)
        touched = [(plan_id, kpi) for kpi in spans]
        cur.executemany(ROLLUP_TOTALS_CLEAR, touched)
        cur.executemany(ROLLUP_TOTALS, touched)
        cur.executemany(ROLLUP_KPI_TOTALS_CLEAR, touched)
        cur.executemany(ROLLUP_KPI_TOTALS, touched)
    cur.execute(
        "UPDATE ingest_file SET new = %s, changed = %s, unchanged = %s WHERE id = %s",
        (new, changed, unchanged, file_id),
    )
    return upsert.outcome(
        batch, (first, last, kpis, rows_read), new, changed, unchanged, already=earlier is not None
    )
