"""The PostgreSQL store's schema: versioned migrations, applied on first use.

Same tables and meaning as the SQLite store (see :mod:`mktplan.store.schema`), in native
types a BI tool reads directly: ``date`` for dates, ``timestamptz`` for times, ``bigint``
micro-units for values (value × 10^6, exact; the views divide them back). Sums are taken as
``numeric``, so they never overflow. Key columns sort bytewise (``COLLATE "C"``), as SQLite
does, whatever the database's locale: listings and digests agree between the backends. The
versions count on their own: version N here is not version N of the SQLite schema.

Every migration runs in one transaction holding the store's advisory lock, so two processes
opening a new database at once cannot both create it. A column added later (an
observation's ``source``, say) is one ``ALTER TABLE ... ADD COLUMN`` migration; the views
name their columns, so they keep working and are recreated only to show it.
"""

from __future__ import annotations

from mktplan.store import bi
from mktplan.store.schema import Migration  # one kind of migration for both backends

# pg_advisory_xact_lock(LOCK_SPACE, key): the one lock an ingest or a migration takes
LOCK_SPACE = 0x6D6B74  # "mkt"
LOCK_STORE = 1


# Recount the daily rollup of one KPI over a date range (parameters: plan, kpi, first, last):
# one value per date × channel (its budget lines and refs summed), as in SQLite.
ROLLUP_DAYS = """
INSERT INTO observation_day (plan_id, kpi, date, n, total, low, high)
SELECT plan_id, kpi, date, count(*), sum(v), min(v), max(v)
FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation
      WHERE plan_id = %s AND kpi = %s AND date BETWEEN %s AND %s
      GROUP BY plan_id, kpi, date, channel) AS by_channel
GROUP BY plan_id, kpi, date
ORDER BY plan_id, kpi, date
ON CONFLICT (plan_id, kpi, date) DO UPDATE SET
    n = excluded.n, total = excluded.total, low = excluded.low, high = excluded.high"""

# The rollup counted afresh from every observation (a bulk writer such as `store copy`).
# Both rollups are written in key order, so the rows a window reads lie in neighbouring
# pages: written in hash order, a KPI's 12 months × 20 channels were 240 page reads.
ROLLUP_ALL = """
INSERT INTO observation_day (plan_id, kpi, date, n, total, low, high)
SELECT plan_id, kpi, date, count(*), sum(v), min(v), max(v)
FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation
      GROUP BY plan_id, kpi, date, channel) AS by_channel
GROUP BY plan_id, kpi, date
ORDER BY plan_id, kpi, date
ON CONFLICT (plan_id, kpi, date) DO UPDATE SET
    n = excluded.n, total = excluded.total, low = excluded.low, high = excluded.high"""

# The per-channel rollup (SQLite's migration 6): per plan, KPI, channel and calendar month
# (its first day) the number of observation rows and the exact sum of their values. A
# report's channel view reads whole months from it and only the edge days from the rows.
_CHANNEL_MONTHS = """
INSERT INTO observation_channel_month (plan_id, kpi, channel, month, n, total)
SELECT plan_id, kpi, channel, date_trunc('month', date)::date, count(*), sum(value)
FROM observation {where}
GROUP BY plan_id, kpi, channel, date_trunc('month', date)::date
ORDER BY plan_id, kpi, date_trunc('month', date)::date, channel"""

# The channel rollup counted afresh from every observation (the migration's back-fill and a
# bulk writer such as `store copy` or the benchmark's store builder).
ROLLUP_CHANNEL_ALL = _CHANNEL_MONTHS.format(where="")

# Recount the channel rollup of one KPI over the whole months holding a date range
# (parameters: plan, kpi, first, last), as upsert does in SQLite after each file.
ROLLUP_MONTHS_CLEAR = """
DELETE FROM observation_channel_month WHERE plan_id = %(plan)s AND kpi = %(kpi)s
    AND month BETWEEN date_trunc('month', %(first)s::date)::date
                  AND date_trunc('month', %(last)s::date)::date"""
ROLLUP_MONTHS = _CHANNEL_MONTHS.format(
    where="WHERE plan_id = %(plan)s AND kpi = %(kpi)s "
    "AND date >= date_trunc('month', %(first)s::date)::date "
    "AND date < (date_trunc('month', %(last)s::date) + interval '1 month')::date"
)

# The per-channel totals (SQLite's migration 9): per plan, KPI and channel the rows and Σ
# value of all its observations, summed from the monthly channel rollup. A window that holds
# every day of a KPI's data (a report's to-date window, once the data stops before as-of)
# reads its channel split here: a row per channel instead of a row per channel and month.
_CHANNEL_TOTALS = """
INSERT INTO observation_channel_total (plan_id, kpi, channel, n, total)
SELECT plan_id, kpi, channel, sum(n), sum(total) FROM observation_channel_month {where}
GROUP BY plan_id, kpi, channel
ORDER BY plan_id, kpi, channel"""

# The totals of every KPI (SQLite's migration 11): its first and last days and the daily
# rollup's counts summed over all its days, so a window that holds all of a KPI's data is
# one row, not a row per day.
_KPI_TOTALS = """
INSERT INTO observation_kpi_total (plan_id, kpi, first, last, n, total, low, high)
SELECT plan_id, kpi, min(date), max(date), sum(n), sum(total), min(low), max(high)
FROM observation_day {where}
GROUP BY plan_id, kpi
ORDER BY plan_id, kpi"""

# Both counted afresh: migration 7's back-fill, and what a bulk writer (`store copy`) runs
# after counting the rollups (ROLLUP_ALL, ROLLUP_CHANNEL_ALL).
ROLLUP_TOTALS_ALL = _CHANNEL_TOTALS.format(where="")
ROLLUP_KPI_TOTALS_ALL = _KPI_TOTALS.format(where="")

# Recount both totals of one KPI from its rollups, after those were recounted (parameters:
# plan, kpi), as upsert.recount_rollups does in SQLite after each file.
ROLLUP_TOTALS_CLEAR = "DELETE FROM observation_channel_total WHERE plan_id = %s AND kpi = %s"
ROLLUP_TOTALS = _CHANNEL_TOTALS.format(where="WHERE plan_id = %s AND kpi = %s")
ROLLUP_KPI_TOTALS_CLEAR = "DELETE FROM observation_kpi_total WHERE plan_id = %s AND kpi = %s"
ROLLUP_KPI_TOTALS = _KPI_TOTALS.format(where="WHERE plan_id = %s AND kpi = %s")

# Deletes happen only by hand (or in tests). Once per DELETE statement, over the rows it
# deleted (a transition table): they come off their channels' totals in place; their days
# are recounted from the rows left on those days (the daily rollup had no delete trigger
# before migration 7: a hand delete left its days stale); then the touched KPIs' totals are
# recounted from their days. Linear: a statement deleting 2,000 rows of one KPI recounts its
# days once, not once per row. Inserts and corrections are recounted once per file by the
# store (ROLLUP_DAYS, ROLLUP_TOTALS, ROLLUP_KPI_TOTALS).
_DELETE_RECOUNT = """CREATE FUNCTION observation_totals_recount() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE observation_channel_total t SET n = t.n - g.n, total = t.total - g.total
    FROM (SELECT plan_id, kpi, channel, count(*) AS n, sum(value) AS total FROM gone
          GROUP BY plan_id, kpi, channel) AS g
    WHERE t.plan_id = g.plan_id AND t.kpi = g.kpi AND t.channel = g.channel;
    DELETE FROM observation_channel_total t
    USING (SELECT DISTINCT plan_id, kpi, channel FROM gone) AS g
    WHERE t.plan_id = g.plan_id AND t.kpi = g.kpi AND t.channel = g.channel AND t.n = 0;

    DELETE FROM observation_day d USING (SELECT DISTINCT plan_id, kpi, date FROM gone) AS g
    WHERE d.plan_id = g.plan_id AND d.kpi = g.kpi AND d.date = g.date;
    INSERT INTO observation_day (plan_id, kpi, date, n, total, low, high)
    SELECT plan_id, kpi, date, count(*), sum(v), min(v), max(v)
    FROM (SELECT o.plan_id, o.kpi, o.date, sum(o.value) AS v
          FROM (SELECT DISTINCT plan_id, kpi, date FROM gone) AS g
          JOIN observation o ON o.plan_id = g.plan_id AND o.kpi = g.kpi AND o.date = g.date
          GROUP BY o.plan_id, o.kpi, o.date, o.channel) AS by_channel
    GROUP BY plan_id, kpi, date;

    DELETE FROM observation_kpi_total t USING (SELECT DISTINCT plan_id, kpi FROM gone) AS g
    WHERE t.plan_id = g.plan_id AND t.kpi = g.kpi;
    INSERT INTO observation_kpi_total (plan_id, kpi, first, last, n, total, low, high)
    SELECT d.plan_id, d.kpi, min(d.date), max(d.date), sum(d.n), sum(d.total), min(d.low),
           max(d.high)
    FROM (SELECT DISTINCT plan_id, kpi FROM gone) AS g
    JOIN observation_day d ON d.plan_id = g.plan_id AND d.kpi = g.kpi
    GROUP BY d.plan_id, d.kpi;
    RETURN NULL;
END $$"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "observations keyed by (plan, kpi, date, channel, budget line, ref) with provenance, "
        "correction history, ingest log and a daily rollup",
        (
            """CREATE TABLE ingest_run (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                plan_id text COLLATE "C" NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz,
                command text NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX ingest_run_plan ON ingest_run (plan_id, id)",
            """CREATE TABLE ingest_file (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES ingest_run (id),
                name text NOT NULL,
                sha256 text NOT NULL,
                source text NOT NULL,
                config_digest text NOT NULL,
                rows_read bigint NOT NULL,
                new bigint NOT NULL DEFAULT 0,
                changed bigint NOT NULL DEFAULT 0,
                unchanged bigint NOT NULL DEFAULT 0,
                already_ingested boolean NOT NULL,
                first_date date,
                last_date date,
                kpis text NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX ingest_file_run ON ingest_file (run_id)",
            "CREATE INDEX ingest_file_content ON ingest_file (sha256, config_digest)",
            """CREATE TABLE observation (
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                date date NOT NULL,
                channel text COLLATE "C" NOT NULL DEFAULT '',
                line text COLLATE "C" NOT NULL DEFAULT '',
                ref text COLLATE "C" NOT NULL DEFAULT '',
                value bigint NOT NULL,
                note text,
                file_id bigint NOT NULL REFERENCES ingest_file (id),
                row_number bigint NOT NULL,
                PRIMARY KEY (plan_id, kpi, date, channel, line, ref)
            )""",
            """CREATE INDEX observation_notes ON observation (plan_id, date)
                WHERE note IS NOT NULL AND note <> ''""",
            """CREATE TABLE observation_history (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                date date NOT NULL,
                channel text COLLATE "C" NOT NULL,
                line text COLLATE "C" NOT NULL DEFAULT '',
                ref text COLLATE "C" NOT NULL DEFAULT '',
                value bigint NOT NULL,
                note text,
                file_id bigint NOT NULL REFERENCES ingest_file (id),
                row_number bigint NOT NULL,
                replaced_by bigint NOT NULL REFERENCES ingest_file (id)
            )""",
            """CREATE INDEX observation_history_key
                ON observation_history (plan_id, kpi, date, channel)""",
            """CREATE TABLE observation_day (
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                date date NOT NULL,
                n bigint NOT NULL,
                total numeric NOT NULL,
                low numeric NOT NULL,
                high numeric NOT NULL,
                PRIMARY KEY (plan_id, kpi, date)
            )""",
            """CREATE VIEW observation_provenance AS
                SELECT o.plan_id, o.kpi, o.date, o.channel, o.line, o.ref, o.value, o.note,
                       f.name AS file_name, f.sha256 AS file_sha256, o.row_number,
                       f.source, f.run_id, r.started_at AS ingested_at
                FROM observation o
                JOIN ingest_file f ON f.id = o.file_id
                JOIN ingest_run r ON r.id = f.run_id""",
        ),
    ),
    Migration(
        2,
        "for BI tools: each plan's KPI definitions (written at ingest), the KPI results of "
        "the latest report per plan and as-of (written by report), and views over them",
        bi.POSTGRES_TABLES,
    ),
    Migration(
        3,
        "the lines each ingested file skipped on purpose (totals rows, titles above the header)",
        (
            """CREATE TABLE ingest_skipped (
                file_id bigint NOT NULL REFERENCES ingest_file (id),
                first_line bigint NOT NULL,
                last_line bigint NOT NULL,
                reason text COLLATE "C" NOT NULL
            )""",
            "CREATE INDEX ingest_skipped_file ON ingest_skipped (file_id)",
        ),
    ),
    Migration(
        4,
        "per-channel monthly rollup of observations, so a report's channel view scans months "
        "and edge days instead of every row",
        (
            """CREATE TABLE observation_channel_month (
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                channel text COLLATE "C" NOT NULL,
                month date NOT NULL CHECK (extract(day FROM month) = 1),
                n bigint NOT NULL,
                total numeric NOT NULL,
                PRIMARY KEY (plan_id, kpi, month, channel)
            )""",
            ROLLUP_CHANNEL_ALL,
            # deletes happen only by hand: recount the deleted row's month there; inserts
            # and corrections are recounted once per file by the store (ROLLUP_MONTHS)
            """CREATE FUNCTION observation_channel_month_recount() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                DELETE FROM observation_channel_month WHERE plan_id = OLD.plan_id
                    AND kpi = OLD.kpi AND channel = OLD.channel
                    AND month = date_trunc('month', OLD.date)::date;
                INSERT INTO observation_channel_month (plan_id, kpi, channel, month, n, total)
                    SELECT plan_id, kpi, channel, date_trunc('month', date)::date, count(*),
                           sum(value)
                    FROM observation WHERE plan_id = OLD.plan_id AND kpi = OLD.kpi
                        AND channel = OLD.channel
                        AND date >= date_trunc('month', OLD.date)::date
                        AND date < (date_trunc('month', OLD.date) + interval '1 month')::date
                    GROUP BY plan_id, kpi, channel, date_trunc('month', date)::date;
                RETURN NULL;
            END $$""",
            """CREATE TRIGGER observation_channel_month_delete AFTER DELETE ON observation
                FOR EACH ROW EXECUTE FUNCTION observation_channel_month_recount()""",
        ),
    ),
    Migration(
        5,
        "refused and skipped input rows per file, for the report's data-quality banner",
        (
            """CREATE TABLE input_problem (
                id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                plan_id text COLLATE "C" NOT NULL,
                at timestamptz NOT NULL,
                file text COLLATE "C" NOT NULL,
                source text COLLATE "C" NOT NULL,
                kind text COLLATE "C" NOT NULL CHECK (kind IN ('refused', 'skipped')),
                reason text NOT NULL,
                rows bigint NOT NULL
            )""",
            "CREATE INDEX input_problem_plan ON input_problem (plan_id, at)",
        ),
    ),
    Migration(
        6,
        "an index of the observations that name a budget line, so a report's budget lines "
        "read those rows only (the rest is the daily rollup less them); both rollups "
        "rewritten in key order",
        (
            # small: spend booked by line is the exception; maintained by every write
            """CREATE INDEX observation_lines ON observation (plan_id, kpi, date)
                WHERE line <> ''""",
            # once: rollups back-filled or grown in hash order spread a window over many pages
            "CLUSTER observation_day USING observation_day_pkey",
            "CLUSTER observation_channel_month USING observation_channel_month_pkey",
        ),
    ),
    Migration(
        7,
        "per-channel totals and totals of every KPI over all its days, so a report's window "
        "that holds all of a KPI's data reads a row per channel, and one row, instead of its "
        "months and days; a hand delete recounts its days",
        (
            """CREATE TABLE observation_channel_total (
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                channel text COLLATE "C" NOT NULL,
                n bigint NOT NULL,
                total numeric NOT NULL,
                PRIMARY KEY (plan_id, kpi, channel)
            )""",
            """CREATE TABLE observation_kpi_total (
                plan_id text COLLATE "C" NOT NULL,
                kpi text COLLATE "C" NOT NULL,
                first date NOT NULL,
                last date NOT NULL,
                n bigint NOT NULL,
                total numeric NOT NULL,
                low numeric NOT NULL,
                high numeric NOT NULL,
                PRIMARY KEY (plan_id, kpi)
            )""",
            ROLLUP_TOTALS_ALL,
            ROLLUP_KPI_TOTALS_ALL,
            _DELETE_RECOUNT,
            """CREATE TRIGGER observation_totals_delete AFTER DELETE ON observation
                REFERENCING OLD TABLE AS gone
                FOR EACH STATEMENT EXECUTE FUNCTION observation_totals_recount()""",
        ),
    ),
    Migration(
        8,
        "the bytes' hash of each refused or skipped file, so a file refused again unchanged "
        "counts once in the report's data-quality banner",
        (
            "ALTER TABLE input_problem "
            "ADD COLUMN IF NOT EXISTS sha256 text COLLATE \"C\" NOT NULL DEFAULT ''",
        ),
    ),
)


def latest_version(migrations: tuple[Migration, ...] | None = None) -> int:
    migrations = MIGRATIONS if migrations is None else migrations
    return migrations[-1].version if migrations else 0
