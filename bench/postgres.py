"""The PostgreSQL side of the benchmarks: a server (``MKTPLAN_BENCH_PG_URL``, else a
pgserver kept under bench/data/<mode>/pg) and the databases the ``-pg`` entries use. The
10,000,000-observation report database is filled once, untimed, by `mktplan store copy`
from the SQLite report store, and kept while that store's build stamp and the PostgreSQL
schema version are unchanged."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PG_ENV = "MKTPLAN_BENCH_PG_URL"
_servers: dict[Path, Any] = {}


def server_url(root: Path) -> str:
    given = os.environ.get(PG_ENV, "").strip()
    if given:
        return given
    if root not in _servers:
        import pgserver

        (root / "pg").mkdir(parents=True, exist_ok=True)
        _servers[root] = pgserver.get_server(root / "pg", cleanup_mode="stop")
    return str(_servers[root].get_uri())


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url, autocommit=True)


def fresh_database(root: Path, name: str) -> str:
    """An empty database ``name`` (dropped first if it exists); its URL."""
    url = server_url(root)
    with _admin(url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def copied_database(root: Path, name: str, sqlite_store: Path, mktplan: str) -> str:
    """Database ``name`` holding a copy of ``sqlite_store`` (copied when missing or when the
    SQLite store was rebuilt or the PostgreSQL schema changed since); its URL."""
    from mktplan.store.postgres.schema import latest_version

    url = server_url(root)
    stamp = root / f"{name}.stamp"
    # the SQLite store's build stamp, not its mtime: every SQLite report writes its KPI
    # results into that store, which re-copied 10,000,000 rows (7 minutes) on each bench run;
    # copied again after a PostgreSQL schema change, so no migration runs in a timed report
    built = Path(f"{sqlite_store}.stamp")
    want = f"{built.read_text() if built.exists() else sqlite_store.stat().st_mtime_ns}"
    want += f"\npostgres schema {latest_version()}"
    with _admin(url) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    target = with_database(url, name)
    if exists and stamp.exists() and stamp.read_text() == want:
        return target
    fresh_database(root, name)
    subprocess.run([mktplan, "store", "copy", str(sqlite_store), target, "-q"], check=True)
    with _admin(target) as conn:
        # the copy ANALYZEs what it wrote; VACUUM sets the visibility map and hint bits, as
        # autovacuum does soon after 10,000,000 inserts, so the first timed run is not the
        # one that writes them
        conn.execute("VACUUM")
    stamp.write_text(want)
    return target
