"""A damaged store, a full disk, a path that cannot hold a database: every command says which
file, what is wrong and how to recover, exit 1, never an internal error."""

from __future__ import annotations

import contextlib
import os
import resource
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PLANS, ROOT, Run, run_cli

PLAN = PLANS / "q3-2023-growth.yaml"
EXPORT = """date,kpi,value,channel,note
2023-07-01,brand.spend,2019.47,,
2023-07-01,online.sales,24586.06,tmall,
2023-07-01,online.sales,21309.67,jd,
2023-07-02,brand.spend,1500,,
2023-07-02,online.sales,20000,tmall,late upload
"""


def build_store(tmp_path: Path) -> tuple[Path, Path]:
    export = tmp_path / "week.csv"
    export.write_text(EXPORT, encoding="utf-8")
    store = tmp_path / "store.sqlite"
    ran = run_cli("ingest", PLAN, export, "--store", store)
    assert ran.code == 0, ran.output
    return store, export


def commands(store: Path, export: Path) -> dict[str, tuple[str | Path, ...]]:
    return {
        "ingest": ("ingest", PLAN, export, "--force", "--store", store),
        "report": ("report", PLAN, "--format", "json", "--as-of", "2023-07-20", "--store", store),
        "log": ("log", PLAN, "--store", store),
    }


def garbage_in_pages(store: Path) -> None:
    """Random bytes over every page but the first (which holds the schema)."""
    size = store.stat().st_size
    with store.open("r+b") as handle:
        handle.seek(4096)
        handle.write(os.urandom(size - 4096))


def edit(store: Path, *statements: str) -> None:
    """A hand edit by sqlite3; one that SQLite refuses is rolled back and its connection closed
    (left open, its transaction held the write lock, and each report then waited 5 s to save
    its results)."""
    conn = sqlite3.connect(store)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def assert_damaged(ran: Run, store: Path) -> None:
    assert ran.code == 4, ran.output
    assert "Traceback" not in ran.output
    assert "internal error" not in ran.output
    assert f"the store {store} is damaged" in ran.stderr
    assert f"sqlite3 {store} 'PRAGMA integrity_check'" in ran.stderr
    assert "backup" in ran.stderr


@pytest.mark.parametrize("command", ["ingest", "report", "log"])
def test_garbage_in_the_pages_is_a_damaged_store(tmp_path: Path, command: str) -> None:
    store, export = build_store(tmp_path)
    garbage_in_pages(store)
    assert_damaged(run_cli(*commands(store, export)[command]), store)


def test_a_hand_edited_run_date_is_a_damaged_store(tmp_path: Path) -> None:
    store, export = build_store(tmp_path)
    edit(store, "UPDATE ingest_run SET started_at = 'yesterday'")
    ran = run_cli(*commands(store, export)["log"])
    assert_damaged(ran, store)
    assert "yesterday" in ran.stderr


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE observation SET value = 'abc'",
        "UPDATE observation SET value = 1e300",
        "UPDATE observation SET date = 'yesterday'",
        "UPDATE observation_day SET whole = 'x'",
    ],
)
def test_sqlite_itself_refuses_a_hand_edit_of_the_wrong_type(
    tmp_path: Path, statement: str
) -> None:
    store, export = build_store(tmp_path)
    with pytest.raises(sqlite3.IntegrityError):
        edit(store, statement)
    assert run_cli(*commands(store, export)["report"]).code == 0


@pytest.mark.parametrize("command", ["ingest", "report", "log"])
def test_a_wrong_type_in_a_store_from_before_strict_tables_is_damage(
    tmp_path: Path, command: str
) -> None:
    from tests.store.helpers import old_store

    store = tmp_path / "store.sqlite"
    old_store(store, 3, [("brand.spend", "2023-07-01", "", 1_000_000, None)])
    edit(store, "UPDATE observation SET value = 'abc'")
    export = tmp_path / "week.csv"
    export.write_text(EXPORT, encoding="utf-8")
    assert_damaged(run_cli(*commands(store, export)[command]), store)
    with sqlite3.connect(store) as conn:  # the failed upgrade left the store as it was
        assert conn.execute("SELECT max(version) FROM schema_version").fetchone() == (3,)


def test_a_header_that_is_not_sqlite_names_both_causes(tmp_path: Path) -> None:
    store, export = build_store(tmp_path)
    with store.open("r+b") as handle:
        handle.write(b"garbage" * 4)
    for command in ("report", "log", "ingest"):
        ran = run_cli(*commands(store, export)[command])
        assert ran.code == 4, ran.output
        assert "Traceback" not in ran.output
        assert f"{store} is not a mktplan store" in ran.stderr
        assert "damaged" in ran.stderr
        assert "PRAGMA integrity_check" in ran.stderr


@pytest.mark.parametrize("command", ["ingest", "report", "log"])
def test_dev_null_is_not_a_database(tmp_path: Path, command: str) -> None:
    export = tmp_path / "week.csv"
    export.write_text(EXPORT, encoding="utf-8")
    ran = run_cli(*commands(Path("/dev/null"), export)[command])
    assert ran.code == 4, ran.output
    assert "Traceback" not in ran.output
    assert "the store path /dev/null is not a regular file" in ran.stderr
    assert "another" not in ran.stderr  # not blamed on a concurrent ingest
    assert "I/O" not in ran.stderr


@contextlib.contextmanager
def small_disk(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill the disk but ``leave`` bytes (rounded to its blocks)."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    (disk / "padding").write_bytes(b"\0" * max(free - leave, 0))


def assert_disk_full(ran: Run, store: Path) -> None:
    assert ran.code == 4, ran.output
    assert "Traceback" not in ran.output
    assert f"the disk holding the store {store} is full" in ran.stderr
    assert "another" not in ran.stderr
    assert "rollback" not in ran.stderr


def test_a_full_disk_when_creating_the_store(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "256k") as disk:
        export = tmp_path / "week.csv"
        export.write_text(EXPORT, encoding="utf-8")
        fill(disk, 8192)
        store = disk / "store.sqlite"
        assert_disk_full(run_cli("ingest", PLAN, export, "--store", store), store)


def test_a_full_disk_when_ingesting_into_a_store(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk:
        store, _ = build_store(tmp_path)
        moved = disk / "store.sqlite"
        moved.write_bytes(store.read_bytes())
        big = tmp_path / "big.csv"
        rows = (
            f"2023-07-{d:02d},online.sales,{d}.{n},ch{n},note {n}"
            for d in range(1, 32)
            for n in range(300)
        )
        big.write_text("date,kpi,value,channel,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
        fill(disk, 64 << 10)
        before = moved.read_bytes()
        assert_disk_full(run_cli("ingest", PLAN, big, "--store", moved), moved)
        (disk / "padding").unlink()
        # the rejected ingest left the store as it was
        assert run_cli("log", PLAN, "--store", moved).stdout.count("run ") == 1
        assert moved.read_bytes()[:100] == before[:100]


def test_a_file_size_limit_is_named(tmp_path: Path) -> None:
    """`ulimit -f` (RLIMIT_FSIZE) stops the store growing: said so, not blamed on a lock."""
    store, _ = build_store(tmp_path)
    big = tmp_path / "big.csv"
    rows = (
        f"2023-07-{d:02d},online.sales,{d}.{n},ch{n},n{n}" for d in range(1, 32) for n in range(300)
    )
    big.write_text("date,kpi,value,channel,note\n" + "\n".join(rows) + "\n", encoding="utf-8")
    limit = store.stat().st_size + 16384

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails with EFBIG instead

    ran = _run_with(cap, "ingest", PLAN, big, "--store", store)
    assert ran.code == 4, ran.output
    assert "Traceback" not in ran.output
    assert "another" not in ran.stderr
    assert f"the store {store} cannot grow: a file size limit of {limit:,} bytes" in ran.stderr


def _run_with(before: Callable[[], None], *args: str | os.PathLike[str]) -> Run:
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("MKTPLAN_STORE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mktplan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=False,
        preexec_fn=before,  # a resource limit for this child only
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
