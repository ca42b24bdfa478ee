"""Real processes against one store: concurrent ingests queue, a killed ingest leaves no trace
(on both backends)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mktplan.store import open_store
from tests.conftest import Backend
from tests.store.helpers import batch, obs

CHILD = Path(__file__).with_name("child.py")


def spawn(*args: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ}
    env.pop("MKTPLAN_STORE", None)
    return subprocess.Popen(
        [sys.executable, str(CHILD), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def writing(store_path: str, store: Any) -> bool:
    """True once another process's ingest has written uncommitted rows: SQLite pages spilling
    into the WAL, or a PostgreSQL transaction holding the store's lock that has been COPYing
    for a while."""
    if "://" not in store_path:
        wal = Path(store_path + "-wal")
        return (wal.stat().st_size if wal.exists() else 0) > 1_000_000
    row = store.connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND query LIKE 'COPY observation%' "
        "AND now() - query_start > interval '200 milliseconds'"
    ).fetchone()
    return bool(row[0])


@pytest.mark.slow
def test_two_processes_ingesting_at_once_both_land(tmp_path: Path, backend: Backend) -> None:
    store_path = backend.new()
    go = tmp_path / "go"
    count = 60_000
    children = [spawn(store_path, plan, count, f"{plan}.csv", go) for plan in ("alpha", "beta")]
    time.sleep(0.5)  # both have built their batches and wait at the start line
    go.touch()
    results = [child.communicate(timeout=240) for child in children]
    for child, (out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, out + err
        assert f"new={count}" in out
        assert "locked" not in out + err
        assert "Traceback" not in err
    with open_store(store_path) as store:
        assert sorted(r.plan_id for r in store.runs()) == ["alpha", "beta"]
        for plan in ("alpha", "beta"):
            assert len(store.observations(plan)) == count
        if backend.name == "sqlite":
            assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_store_as_it_was(backend: Backend) -> None:
    store_path = backend.new()
    with open_store(store_path) as store:
        store.ingest("p", [batch([obs("k1", 1, "5", "ch0"), obs("other", 2, "7")])])
        before = store.content_digest()
        runs_before = len(store.runs())
        child = spawn(store_path, "p", 400_000, "huge.csv")
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ingesting"
        deadline = time.monotonic() + 120
        while not writing(store_path, store):  # kill once the write is under way
            assert child.poll() is None, "the child finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with open_store(store_path) as store:
        if backend.name == "sqlite":
            assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.content_digest() == before
        assert len(store.runs()) == runs_before
        assert [o.observation.value for o in store.observations("p")] == [Decimal(5), Decimal(7)]
        (again,) = store.ingest("p", [batch([obs("k1", 1, "6", "ch0")])]).files
        assert again.changed == 1
