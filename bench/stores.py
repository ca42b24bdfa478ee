"""Observation stores for the report benchmarks, built once and cached under bench/data/.

The schema comes from mktplan itself (``mktplan.store.schema.connect`` + ``migrate``, what
opening a store does). The rows are then inserted directly with sqlite3, in primary-key
order, with journalling off: going through ingest (Observation objects, Decimal values,
the compare-and-upsert path) would take minutes for 10,000,000 rows and the report
benchmark measures reading a store, not building one. The result is what ingest would have
written: one ingest run, one ingest file, every value in integer micro-units.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from pathlib import Path

from bench import generate

ROOT = Path(__file__).resolve().parent.parent
BUILD_SEED = 3
MICRO = 10**6  # the store keeps values as integer micro-units (value × 10^6)


# The statements of mktplan's schema module the build below runs itself.
BUILD_STATEMENTS = (
    "ROLLUP_ALL",
    "ROLLUP_CHANNEL_ALL",
    "ROLLUP_TOTALS_ALL",
    "ROLLUP_KPI_TOTALS_ALL",
)


def _schema_digest() -> str:
    """Digest of what shapes a built store: the schema an empty store gets (its tables,
    indexes, triggers and version, read back from one), the rollup statements the build runs
    and this module. A cached store is rebuilt when any of them changes, and only then: a
    reworded error message in the schema module keeps the 10M-row store (minutes to build)."""
    import tempfile

    from mktplan.store import schema

    digest = hashlib.sha256()
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "empty.sqlite"
        create_schema(empty)
        conn = sqlite3.connect(empty)
        try:
            versions = conn.execute("SELECT version FROM schema_version ORDER BY version")
            digest.update(repr(versions.fetchall()).encode())
            for row in conn.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ):
                digest.update(repr(row).encode())
        finally:
            conn.close()
    for name in BUILD_STATEMENTS:
        digest.update(getattr(schema, name).encode())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


def _stamp(modules: int, days: int, channels: int) -> str:
    return json.dumps(
        {
            "plan_id": generate.PLAN_ID,
            "modules": modules,
            "days": days,
            "channels": channels,
            "seed": BUILD_SEED,
            "schema": _schema_digest(),
        },
        sort_keys=True,
    )


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".stamp"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_schema(path: Path) -> None:
    """An empty store at ``path`` with mktplan's current schema."""
    from mktplan.store import schema  # fails loudly while the store does not exist

    conn = schema.connect(path, lock_timeout=30.0)
    try:
        schema.migrate(conn, path)
    finally:
        conn.close()


def build_store(path: Path, modules: int, days: int, channels: int) -> int:
    """Write modules × 10 KPIs × days × channels observations of the generated plan into a
    new store at ``path``; return the number of observations."""
    from mktplan.store import schema

    _remove(path)
    create_schema(path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # journalling off while building: the file is scratch until it is renamed into place
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MiB page cache for the bulk insert
        conn.execute("BEGIN")
        started = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        run_id = conn.execute(
            "INSERT INTO ingest_run (plan_id, started_at, finished_at, command) "
            "VALUES (?, ?, ?, ?)",
            (generate.PLAN_ID, started, started, "bench/stores.py build_store"),
        ).lastrowid
        count = modules * len(generate.MODULE_KPIS) * days * max(channels, 1)
        last = generate.PERIOD_START.toordinal() + days - 1
        file_id = conn.execute(
            "INSERT INTO ingest_file (run_id, name, sha256, source, config_digest, rows_read, "
            "new, already_ingested, first_date, last_date) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
            (
                run_id,
                f"generated:{modules}x10x{days}x{channels}",
                hashlib.sha256(_stamp(modules, days, channels).encode()).hexdigest(),
                "bench",
                "bench",
                count,
                count,
                generate.PERIOD_START.isoformat(),
                generate.PERIOD_START.fromordinal(last).isoformat(),
            ),
        ).lastrowid
        rows = (
            (generate.PLAN_ID, kpi, day.isoformat(), channel, value * MICRO, file_id, number)
            for number, (kpi, day, channel, value) in enumerate(
                generate.store_observations(modules, days, channels, BUILD_SEED), start=2
            )
        )
        conn.executemany(
            "INSERT INTO observation (plan_id, kpi, date, channel, value, file_id, row_number) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # mktplan's own inserts keep the daily rollup, the per-channel monthly one, the
        # per-channel totals and the KPI totals; so must we
        for name in BUILD_STATEMENTS:
            conn.execute(getattr(schema, name))
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")  # as mktplan leaves its stores
    finally:
        conn.close()
    return count


def ensure_store(path: Path, plan: Path, modules: int, days: int, channels: int) -> Path:
    """A store at ``path`` for the plan at ``plan`` holding modules × 10 KPIs × days ×
    channels observations; reused when the sizes and the store schema are unchanged."""
    stamp_file = Path(f"{path}.stamp")
    want = _stamp(modules, days, channels)
    if path.exists() and stamp_file.exists() and stamp_file.read_text() == want:
        return path
    if not plan.exists():
        raise FileNotFoundError(plan)
    tmp = path.with_name(path.name + ".building")
    _remove(tmp)
    start = time.perf_counter()
    count = build_store(tmp, modules, days, channels)
    _remove(path)
    tmp.replace(path)
    stamp_file.write_text(want)
    print(
        f"  built {path.name}: {count:,} observations in {time.perf_counter() - start:.0f} s",
        flush=True,
    )
    return path
