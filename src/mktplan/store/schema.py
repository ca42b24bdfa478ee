"""Opening a store file: connection settings, schema version and migrations.

The schema is an ordered list of migrations; ``schema_version`` records each one applied.
Migrations run inside one ``BEGIN IMMEDIATE`` transaction, so two processes opening a new
store at once cannot both create it, and a failed migration leaves the previous version.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from mktplan.errors import StoreError
from mktplan.i18n import msg
from mktplan.store import bi, failures


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]


# Migration 2's back-fill of the daily rollup, one row per observation (before version 4 an
# observation was one date × channel).
_ROLLUP_ALL_V2 = """INSERT INTO observation_day
    SELECT plan_id, kpi, date, count(*), sum(value / 1000000), sum(value % 1000000),
           min(value), max(value)
    FROM observation GROUP BY plan_id, kpi, date"""

# The rollup counts one value per date × channel: the budget lines and refs (invoices) of a
# date and channel are summed first, so n, low and high (count, min, max, mean) see what a
# channel did that day, not how many documents it took. The inner GROUP BY follows the
# primary key, so it streams.
_BY_CHANNEL = """SELECT plan_id, kpi, date, sum(value) AS v FROM observation {where}
    GROUP BY plan_id, kpi, date, channel"""
_DAY_OF_CHANNELS = """SELECT plan_id, kpi, date, count(*), sum(v / 1000000), sum(v % 1000000),
           min(v), max(v)
    FROM ({by_channel}) GROUP BY plan_id, kpi, date"""

# The daily rollup counted afresh from every observation: migration 4's back-fill, and what a
# bulk writer outside upsert.insert_new (the benchmark's store builder) runs after inserting.
ROLLUP_ALL = "INSERT INTO observation_day " + _DAY_OF_CHANNELS.format(
    by_channel=_BY_CHANNEL.format(where="")
)

# Recount one day of the rollup inside a trigger (OLD is the deleted observation).
_RECOUNT_DAY = """UPDATE observation_day SET (n, whole, rest, low, high) = (
        SELECT count(*), coalesce(sum(v / 1000000), 0), coalesce(sum(v % 1000000), 0),
               coalesce(min(v), 0), coalesce(max(v), 0)
        FROM (SELECT sum(value) AS v FROM observation
              WHERE plan_id = {row}.plan_id AND kpi = {row}.kpi AND date = {row}.date
              GROUP BY channel))
    WHERE plan_id = {row}.plan_id AND kpi = {row}.kpi AND date = {row}.date;"""

# The per-channel rollup (migration 6): per plan, KPI, channel and calendar month ('YYYY-MM')
# the number of observation rows and the exact sum of their values, whole units and micro
# remainders apart like observation_day.
# A report's channel view reads whole months from it and only the edge days from the rows.
# The channel rollup of the observations ``where`` selects, one row per KPI, channel and month
# (also read by upsert.count_fresh_rollups for the stored days of a new file's edge months).
CHANNEL_MONTHS = """SELECT plan_id, kpi, channel, substr(date, 1, 7), count(*),
           sum(value / 1000000), sum(value % 1000000)
    FROM observation {where} GROUP BY plan_id, kpi, channel, substr(date, 1, 7)"""

# The channel rollup counted afresh from every observation: migration 6's back-fill, and what
# a bulk writer outside upsert.insert_new (the benchmark's store builder) runs after inserting.
ROLLUP_CHANNEL_ALL = "INSERT INTO observation_channel_month " + CHANNEL_MONTHS.format(where="")

# The per-channel totals (migration 9): per plan, KPI and channel the rows and Σ value of all
# its observations, summed from the monthly channel rollup. A window that holds every day of
# a KPI's data (a report's to-date window, once the data stops before as-of) reads its channel
# split here: one row per channel instead of a row per channel and month.
_CHANNEL_TOTALS = """SELECT plan_id, kpi, channel, sum(n), sum(whole), sum(rest)
    FROM observation_channel_month {where} GROUP BY plan_id, kpi, channel"""

# The totals counted afresh: migration 9's back-fill, and what a bulk writer runs after
# counting the monthly channel rollup (ROLLUP_CHANNEL_ALL).
ROLLUP_TOTALS_ALL = "INSERT INTO observation_channel_total " + _CHANNEL_TOTALS.format(where="")

# The totals of every KPI (migration 11): its first and last days and the daily rollup's
# counts summed over all its days, so a window that holds all of a KPI's data (the to-date
# window of a report whose data stops before as-of) is one row, not a row per day.
_KPI_TOTALS = """SELECT plan_id, kpi, min(date), max(date), sum(n), sum(whole), sum(rest),
           min(low), max(high)
    FROM observation_day {where} GROUP BY plan_id, kpi"""
ROLLUP_KPI_TOTALS_ALL = "INSERT INTO observation_kpi_total " + _KPI_TOTALS.format(where="")

# ISO dates only: mktplan writes nothing else, so anything else is a hand edit
_ISO_DATE = "CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"

# Values are INTEGER micro-units (value × 10^6) so SQL SUM is exact; dates are ISO TEXT,
# times ISO TEXT in UTC. Provenance lives in ingest_file (one row per input file) and is
# referenced by file_id, which keeps observation rows narrow for fast window scans.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "observations with provenance, correction history, ingest log",
        (
            """CREATE TABLE ingest_run (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plan_id TEXT NOT NULL,
                started_at TEXT NOT NULL,
                finished_at TEXT,
                command TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX ingest_run_plan ON ingest_run (plan_id, id)",
            """CREATE TABLE ingest_file (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                run_id INTEGER NOT NULL REFERENCES ingest_run (id),
                name TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                source TEXT NOT NULL,
                config_digest TEXT NOT NULL,
                rows_read INTEGER NOT NULL,
                new INTEGER NOT NULL DEFAULT 0,
                changed INTEGER NOT NULL DEFAULT 0,
                unchanged INTEGER NOT NULL DEFAULT 0,
                already_ingested INTEGER NOT NULL CHECK (already_ingested IN (0, 1)),
                first_date TEXT,
                last_date TEXT,
                kpis TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX ingest_file_run ON ingest_file (run_id)",
            "CREATE INDEX ingest_file_content ON ingest_file (sha256, config_digest)",
            """CREATE TABLE observation (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                date TEXT NOT NULL,
                channel TEXT NOT NULL DEFAULT '',
                value INTEGER NOT NULL,
                note TEXT,
                line TEXT,
                file_id INTEGER NOT NULL REFERENCES ingest_file (id),
                row_number INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, date, channel)
            ) WITHOUT ROWID""",
            # notes are rare: a partial index answers "notes in a window" without a full scan
            """CREATE INDEX observation_notes ON observation (plan_id, date)
                WHERE note IS NOT NULL AND note <> ''""",
            """CREATE TABLE observation_history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                date TEXT NOT NULL,
                channel TEXT NOT NULL,
                value INTEGER NOT NULL,
                note TEXT,
                line TEXT,
                file_id INTEGER NOT NULL REFERENCES ingest_file (id),
                row_number INTEGER NOT NULL,
                replaced_by INTEGER NOT NULL REFERENCES ingest_file (id)
            )""",
            "CREATE INDEX observation_history_key ON observation_history (plan_id, kpi, date, channel)",
            """CREATE VIEW observation_provenance AS
                SELECT o.plan_id, o.kpi, o.date, o.channel, o.value, o.note, o.line,
                       f.name AS file_name, f.sha256 AS file_sha256, o.row_number,
                       f.source, f.run_id, r.started_at AS ingested_at
                FROM observation o
                JOIN ingest_file f ON f.id = o.file_id
                JOIN ingest_run r ON r.id = f.run_id""",
        ),
    ),
    Migration(
        2,
        "daily rollup of observations, kept by triggers, so report windows scan days not rows",
        (
            # whole units and micro remainders are summed apart so a day's total never
            # overflows 64 bits; low/high are micro-units
            """CREATE TABLE observation_day (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                date TEXT NOT NULL,
                n INTEGER NOT NULL,
                whole INTEGER NOT NULL,
                rest INTEGER NOT NULL,
                low INTEGER NOT NULL,
                high INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, date)
            ) WITHOUT ROWID""",
            _ROLLUP_ALL_V2,
            """CREATE TRIGGER observation_day_insert AFTER INSERT ON observation BEGIN
                INSERT INTO observation_day (plan_id, kpi, date, n, whole, rest, low, high)
                VALUES (NEW.plan_id, NEW.kpi, NEW.date, 1, NEW.value / 1000000,
                        NEW.value % 1000000, NEW.value, NEW.value)
                ON CONFLICT (plan_id, kpi, date) DO UPDATE SET
                    n = n + 1, whole = whole + excluded.whole, rest = rest + excluded.rest,
                    low = min(low, excluded.low), high = max(high, excluded.high);
            END""",
            # a corrected value may have been the day's min or max: recount the day
            """CREATE TRIGGER observation_day_update AFTER UPDATE OF value ON observation BEGIN
                UPDATE observation_day SET (n, whole, rest, low, high) = (
                    SELECT count(*), sum(value / 1000000), sum(value % 1000000),
                           min(value), max(value)
                    FROM observation
                    WHERE plan_id = NEW.plan_id AND kpi = NEW.kpi AND date = NEW.date)
                WHERE plan_id = NEW.plan_id AND kpi = NEW.kpi AND date = NEW.date;
            END""",
            """CREATE TRIGGER observation_day_delete AFTER DELETE ON observation BEGIN
                UPDATE observation_day SET (n, whole, rest, low, high) = (
                    SELECT count(*), coalesce(sum(value / 1000000), 0),
                           coalesce(sum(value % 1000000), 0),
                           coalesce(min(value), 0), coalesce(max(value), 0)
                    FROM observation
                    WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND date = OLD.date)
                WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND date = OLD.date;
                DELETE FROM observation_day
                WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND date = OLD.date AND n = 0;
            END""",
        ),
    ),
    Migration(
        3,
        "the rollup of inserted observations is recounted once per file, not once per row",
        # a trigger step per inserted row was a third of a big ingest's store time; inserts
        # happen only in upsert.insert_new, which recounts the days it touched (ROLLUP_DAYS)
        ("DROP TRIGGER observation_day_insert",),
    ),
    Migration(
        4,
        "an observation is keyed by (kpi, date, channel, budget line, ref): lines and the refs "
        "of a ledger add up instead of replacing each other; tables are STRICT; corrections "
        "recount the rollup once per file",
        (
            "DROP VIEW observation_provenance",
            "DROP TRIGGER observation_day_update",
            "DROP TRIGGER observation_day_delete",
            f"""CREATE TABLE observation_v4 (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                date TEXT NOT NULL {_ISO_DATE},
                channel TEXT NOT NULL DEFAULT '',
                line TEXT NOT NULL DEFAULT '',
                ref TEXT NOT NULL DEFAULT '',
                value INTEGER NOT NULL,
                note TEXT,
                file_id INTEGER NOT NULL REFERENCES ingest_file (id),
                row_number INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, date, channel, line, ref)
            ) STRICT, WITHOUT ROWID""",
            """INSERT INTO observation_v4 (plan_id, kpi, date, channel, line, ref, value, note,
                                          file_id, row_number)
                SELECT plan_id, kpi, date, channel, coalesce(line, ''), '', value, note,
                       file_id, row_number
                FROM observation ORDER BY plan_id, kpi, date, channel""",
            "DROP TABLE observation",
            "ALTER TABLE observation_v4 RENAME TO observation",
            """CREATE INDEX observation_notes ON observation (plan_id, date)
                WHERE note IS NOT NULL AND note <> ''""",
            "ALTER TABLE observation_history ADD COLUMN ref TEXT NOT NULL DEFAULT ''",
            """CREATE VIEW observation_provenance AS
                SELECT o.plan_id, o.kpi, o.date, o.channel, o.line, o.ref, o.value, o.note,
                       f.name AS file_name, f.sha256 AS file_sha256, o.row_number,
                       f.source, f.run_id, r.started_at AS ingested_at
                FROM observation o
                JOIN ingest_file f ON f.id = o.file_id
                JOIN ingest_run r ON r.id = f.run_id""",
            f"""CREATE TABLE observation_day_v4 (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                date TEXT NOT NULL {_ISO_DATE},
                n INTEGER NOT NULL,
                whole INTEGER NOT NULL,
                rest INTEGER NOT NULL,
                low INTEGER NOT NULL,
                high INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, date)
            ) STRICT, WITHOUT ROWID""",
            "DROP TABLE observation_day",
            "ALTER TABLE observation_day_v4 RENAME TO observation_day",
            ROLLUP_ALL,
            # no update trigger: recounting the day per corrected row made a file that
            # restates a month quadratic; upsert.replace_changed recounts once per file
            "CREATE TRIGGER observation_day_delete AFTER DELETE ON observation BEGIN "  # noqa: S608
            + _RECOUNT_DAY.format(row="OLD")
            + """ DELETE FROM observation_day
                WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND date = OLD.date AND n = 0;
            END""",
        ),
    ),
    Migration(
        5,
        "the lines each ingested file skipped on purpose (totals rows, titles above the header)",
        (
            """CREATE TABLE IF NOT EXISTS ingest_skipped (
                file_id INTEGER NOT NULL REFERENCES ingest_file (id),
                first_line INTEGER NOT NULL,
                last_line INTEGER NOT NULL,
                reason TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX IF NOT EXISTS ingest_skipped_file ON ingest_skipped (file_id)",
        ),
    ),
    Migration(
        6,
        "per-channel monthly rollup of observations, so a report's channel view scans months "
        "and edge days instead of every row",
        (
            """CREATE TABLE observation_channel_month (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                channel TEXT NOT NULL,
                month TEXT NOT NULL CHECK (month GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
                n INTEGER NOT NULL,
                whole INTEGER NOT NULL,
                rest INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, month, channel)
            ) STRICT, WITHOUT ROWID""",
            ROLLUP_CHANNEL_ALL,
            # deletes happen only by hand or in tests: recount the deleted row's month there;
            # inserts and corrections are recounted once per file by upsert (ROLLUP_MONTHS)
            """CREATE TRIGGER observation_channel_month_delete AFTER DELETE ON observation BEGIN
                DELETE FROM observation_channel_month WHERE plan_id = OLD.plan_id
                    AND kpi = OLD.kpi AND channel = OLD.channel
                    AND month = substr(OLD.date, 1, 7);
                INSERT INTO observation_channel_month
                    SELECT plan_id, kpi, channel, substr(date, 1, 7), count(*),
                           sum(value / 1000000), sum(value % 1000000)
                    FROM observation WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi
                        AND channel = OLD.channel
                        AND date BETWEEN substr(OLD.date, 1, 7) || '-01'
                                     AND substr(OLD.date, 1, 7) || '-31'
                    GROUP BY plan_id, kpi, channel, substr(date, 1, 7);
            END""",
        ),
    ),
    # numbered 7 on branch weekly: 5 and 6 are taken by branches merged meanwhile
    Migration(
        7,
        "refused and skipped input rows per file, for the report's data-quality banner",
        (
            """CREATE TABLE input_problem (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                plan_id TEXT NOT NULL,
                at TEXT NOT NULL,
                file TEXT NOT NULL,
                source TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('refused', 'skipped')),
                reason TEXT NOT NULL,
                rows INTEGER NOT NULL
            )""",
            "CREATE INDEX input_problem_plan ON input_problem (plan_id, at)",
        ),
    ),
    # numbered 5 on branch pg: 5-7 are taken by branches merged meanwhile
    Migration(
        8,
        "for BI tools: each plan's KPI definitions (written at ingest), the KPI results of "
        "the latest report per plan and as-of (written by report), and views over them",
        bi.SQLITE_TABLES,
    ),
    Migration(
        9,
        "per-channel totals of every KPI, so a report's channel split of a window that holds "
        "all of a KPI's data is a row per channel",
        (
            """CREATE TABLE observation_channel_total (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                channel TEXT NOT NULL,
                n INTEGER NOT NULL,
                whole INTEGER NOT NULL,
                rest INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi, channel)
            ) STRICT, WITHOUT ROWID""",
            ROLLUP_TOTALS_ALL,
            # deletes happen only by hand or in tests: the deleted row's whole units and micro
            # remainder come off its channel's totals (exact: they are summed row by row);
            # inserts and corrections are recounted once per file by upsert (ROLLUP_TOTALS)
            """CREATE TRIGGER observation_channel_total_delete AFTER DELETE ON observation BEGIN
                UPDATE observation_channel_total SET n = n - 1,
                    whole = whole - OLD.value / 1000000, rest = rest - OLD.value % 1000000
                WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND channel = OLD.channel;
                DELETE FROM observation_channel_total WHERE plan_id = OLD.plan_id
                    AND kpi = OLD.kpi AND channel = OLD.channel AND n = 0;
            END""",
        ),
    ),
    Migration(
        10,
        "an index of the observations booked to a budget line, so the budget's per-line "
        "spend reads those rows instead of every spend row",
        (
            """CREATE INDEX observation_lines ON observation (plan_id, kpi, date)
                WHERE line <> ''""",
        ),
    ),
    Migration(
        11,
        "totals of every KPI over all its days, so a report's window that holds all of a KPI's "
        "data reads one row instead of a row per day",
        (
            f"""CREATE TABLE observation_kpi_total (
                plan_id TEXT NOT NULL,
                kpi TEXT NOT NULL,
                first TEXT NOT NULL {_ISO_DATE.replace("date", "first")},
                last TEXT NOT NULL {_ISO_DATE.replace("date", "last")},
                n INTEGER NOT NULL,
                whole INTEGER NOT NULL,
                rest INTEGER NOT NULL,
                low INTEGER NOT NULL,
                high INTEGER NOT NULL,
                PRIMARY KEY (plan_id, kpi)
            ) STRICT, WITHOUT ROWID""",
            ROLLUP_KPI_TOTALS_ALL,
            # deletes happen only by hand or in tests: the day trigger recounts the KPI's
            # totals from its days after recounting the deleted row's day (a pass over the
            # KPI's days per deleted row); inserts and corrections are recounted once per file
            # by upsert (ROLLUP_KPI_TOTALS)
            "DROP TRIGGER observation_day_delete",
            "CREATE TRIGGER observation_day_delete AFTER DELETE ON observation BEGIN "  # noqa: S608
            + _RECOUNT_DAY.format(row="OLD")
            + """ DELETE FROM observation_day
                WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi AND date = OLD.date AND n = 0;
                DELETE FROM observation_kpi_total WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi;
                INSERT INTO observation_kpi_total """
            + _KPI_TOTALS.format(where="WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi")
            + "; END",
        ),
    ),
    Migration(
        12,
        "the bytes' hash of each refused or skipped file, so a file refused again unchanged "
        "counts once in the report's data-quality banner",
        ("ALTER TABLE input_problem ADD COLUMN sha256 TEXT NOT NULL DEFAULT ''",),
    ),
)

# Recount the daily rollup of one KPI over a date range from its observations: what
# upsert.insert_new runs after inserting (parameters: plan id, kpi, first and last date).
ROLLUP_DAYS = (
    "INSERT INTO observation_day (plan_id, kpi, date, n, whole, rest, low, high) "
    + _DAY_OF_CHANNELS.format(
        by_channel=_BY_CHANNEL.format(
            where="WHERE plan_id = ? AND kpi = ? AND date BETWEEN ? AND ?"
        )
    )
    + """
    ON CONFLICT (plan_id, kpi, date) DO UPDATE SET
        n = excluded.n, whole = excluded.whole, rest = excluded.rest,
        low = excluded.low, high = excluded.high"""
)


# Recount the channel rollup of one KPI over whole months from its observations: what
# upsert runs after inserting or correcting (parameters: plan id, kpi, first and last date;
# the months that hold them are recounted whole, so a month's rows are never half counted).
ROLLUP_MONTHS_CLEAR = """DELETE FROM observation_channel_month
    WHERE plan_id = ?1 AND kpi = ?2 AND month BETWEEN substr(?3, 1, 7) AND substr(?4, 1, 7)"""
ROLLUP_MONTHS = "INSERT INTO observation_channel_month " + CHANNEL_MONTHS.format(
    where="WHERE plan_id = ?1 AND kpi = ?2 "
    "AND date BETWEEN substr(?3, 1, 7) || '-01' AND substr(?4, 1, 7) || '-31'"
)


def latest_version(migrations: tuple[Migration, ...] | None = None) -> int:
    migrations = MIGRATIONS if migrations is None else migrations
    return migrations[-1].version if migrations else 0


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def connect(path: Path, lock_timeout: float) -> sqlite3.Connection:
    """An autocommit connection to ``path`` (created with its directory if missing) in WAL
    mode with foreign keys on; ``lock_timeout`` seconds is how long a write waits for a lock."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise failures.StoreUnusable(
            msg("store.cannot_create_folder", folder=path.parent, why=str(exc.strerror or exc)),
            file=str(path),
            hint=msg("store.cannot_create_folder.hint"),
        ) from None
    if path.is_dir():
        raise failures.StoreUnusable(
            msg("store.is_directory", path=path),
            file=str(path),
            hint=msg("store.is_directory.hint"),
        )
    if path.exists() and not path.is_file():  # /dev/null, a pipe: SQLite would say "I/O error"
        raise failures.not_a_regular_file(path)
    with failures.translated(path, lock_timeout):
        # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE for writes)
        conn = sqlite3.connect(path, timeout=lock_timeout, isolation_level=None)
    try:
        with failures.translated(path, lock_timeout):
            mode = _setup(conn, lock_timeout, path)
    except StoreError:
        conn.close()
        raise
    if mode != "wal":
        conn.close()
        raise failures.StoreUnusable(
            msg("store.no_wal", path=path, mode=mode),
            file=str(path),
            hint=msg("store.no_wal.hint"),
        )
    return conn


def _setup(conn: sqlite3.Connection, lock_timeout: float, path: Path) -> str:
    """Apply the connection settings; return the journal mode now in force. A database of
    other tables is refused before anything is set: switching it to WAL would change a file
    that is not ours (its journal mode is kept in the file)."""
    deadline = time.monotonic() + lock_timeout
    while True:
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            current_version(conn, path)  # not a store: refused here, the file untouched
            # switching a new file to WAL can report "locked" at once, without the busy
            # handler, while another process does the same: retry until lock_timeout
            row = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            conn.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; safe in WAL
            return str(row[0]).lower() if row else ""
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def current_version(conn: sqlite3.Connection, path: Path) -> int:
    """The highest applied migration, 0 for an empty database."""
    tables = {
        str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    if "schema_version" not in tables:
        user_tables = {t for t in tables if not t.startswith("sqlite_")}
        if user_tables:
            raise failures.not_a_store(
                path, msg("store.other_tables", tables=str(sorted(user_tables)))
            )
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(
    conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...] | None = None
) -> int:
    """Bring the store at ``path`` to the latest schema version and return it.

    Raises StoreUnusable (exit 4) when the store was written by a newer mktplan.
    """
    migrations = MIGRATIONS if migrations is None else migrations  # read late: tests extend it
    newest = latest_version(migrations)
    version = current_version(conn, path)
    if version == newest:
        return version  # the common case takes no write lock
    if version < newest:
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = current_version(conn, path)  # another process may have migrated meanwhile
            if version == 0:
                conn.execute(
                    "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                    "description TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for migration in migrations:
                if migration.version <= version:
                    continue
                for statement in migration.statements:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.description, utc_now().isoformat()),
                )
                version = migration.version
            conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back after some errors (a full disk): do not hide
            # the cause behind "cannot rollback - no transaction is active"
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    if version > newest:
        raise failures.StoreUnusable(
            msg("store.newer_schema", store=path, version=version, newest=newest),
            file=str(path),
            hint=msg("store.newer_schema.hint"),
        )
    return version


# Recount the per-channel totals of one KPI from its monthly channel rollup, after that was
# recounted (parameters: plan id, kpi).
ROLLUP_TOTALS_CLEAR = "DELETE FROM observation_channel_total WHERE plan_id = ? AND kpi = ?"
ROLLUP_TOTALS = "INSERT INTO observation_channel_total " + _CHANNEL_TOTALS.format(
    where="WHERE plan_id = ? AND kpi = ?"
)


# Recount the totals of one KPI from its daily rollup, after that was recounted (parameters:
# plan id, kpi).
ROLLUP_KPI_TOTALS_CLEAR = "DELETE FROM observation_kpi_total WHERE plan_id = ? AND kpi = ?"
ROLLUP_KPI_TOTALS = "INSERT INTO observation_kpi_total " + _KPI_TOTALS.format(
    where="WHERE plan_id = ? AND kpi = ?"
)
