"""`--lock-timeout` of ingest, report and cron: a wait the stores can keep (0 to 2,147,483 s,
their 32-bit milliseconds), else a usage error that touches nothing. NaN and infinity used to
reach the store: `report` then said the store was damaged."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PLANS, Backend, command_env, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"


@pytest.mark.parametrize("given", ["-1", "nan", "inf", "1e300", "2147484"])
def test_ingest_refuses_a_wait_the_store_cannot_keep(tmp_path: Path, given: str) -> None:
    store = tmp_path / "store.sqlite"
    run = run_cli("ingest", Q3, ACTUALS, "--store", store, "--lock-timeout", given)
    assert run.code == 2, run.output
    shown = f"{float(given):.15g}"  # 2147484, not 2.14748e+06
    assert (
        f"--lock-timeout must be a number of seconds from 0 to 2147483 (about 24 days), not {shown}"
    ) in run.stderr
    assert "Traceback" not in run.output
    assert not store.exists()


def test_report_and_cron_refuse_it_too_in_their_language(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    assert run_cli("ingest", Q3, ACTUALS, "--store", store, "--lock-timeout", "2147483").code == 0
    report = run_cli(
        "report", Q3, "--as-of", "2023-07-31", "--store", store, "--lock-timeout", "nan",
        "--lang", "zh", "--out", tmp_path / "r.md",
    )  # fmt: skip
    assert report.code == 2, report.output
    assert "--lock-timeout 必须是 0 到 2147483 之间的秒数（约 24 天），不能是 nan" in report.stderr
    assert not (tmp_path / "r.md").exists()
    folders = [tmp_path / name for name in ("inbox", "done", "rejected", "reports")]
    for folder in folders:
        folder.mkdir()
    cron = run_cli("cron", Q3, *folders, "--store", store, "--lock-timeout", "inf")
    assert cron.code == 2, cron.output
    assert "not inf" in cron.stderr
    assert not any((tmp_path / "reports").iterdir())


# --- PostgreSQL: a table locked by a session outside mktplan --------------------------------


@pytest.fixture
def locked_pg_store(pg_server_url: str, tmp_path: Path) -> Iterator[str]:
    """A PostgreSQL store holding the example's data, its observation table then locked by
    another session (as LOCK TABLE or VACUUM FULL would) until the test ends."""
    import psycopg

    backend = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        url = backend.new()
        assert run_cli("ingest", Q3, ACTUALS, "--store", url, "-q").code == 0
        with psycopg.connect(url) as other:
            other.execute("LOCK TABLE observation IN ACCESS EXCLUSIVE MODE")
            yield url
            other.rollback()
    finally:
        backend.drop_all()


def run_bounded(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own that is killed (failing the test) after 90 s:
    the waits below were without end before, and must not hang the suite if they come back."""
    return subprocess.run(
        [sys.executable, "-m", "mktplan", *map(str, args)],
        capture_output=True,
        text=True,
        env=command_env(None),
        timeout=90,
        check=False,
    )


def test_an_ingest_waits_for_a_table_locked_outside_mktplan_no_longer_than_told(
    locked_pg_store: str, tmp_path: Path
) -> None:
    more = tmp_path / "more.csv"
    more.write_text("date,kpi,value\n2023-07-04,online.orders,9\n", encoding="utf-8")
    run = run_bounded("ingest", Q3, more, "--store", locked_pg_store, "--lock-timeout", "1")
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr


def test_a_report_waits_for_a_table_locked_outside_mktplan_no_longer_than_told(
    locked_pg_store: str, tmp_path: Path
) -> None:
    out = tmp_path / "r.md"
    run = run_bounded(
        "report", Q3, "--as-of", "2023-07-31", "--store", locked_pg_store,
        "--lock-timeout", "1", "--out", out,
    )  # fmt: skip
    assert run.returncode == 4, run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists()
