"""The real CLI on the bundled example plans against a PostgreSQL store: the same ingest
counts and the same report numbers as with the SQLite file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PLANS, Backend, run_cli

INGESTS = [
    ("q3-2023-growth.yaml", ["q3-2023-growth.actuals.csv"]),
    ("2024-06-launch.yaml", ["2024-06-launch.finance.csv"]),
    ("2024-06-launch.yaml", ["2024-06-launch.daily.gbk.csv", "--source", "daily_report"]),
    ("2025-11-double11.yaml", ["2025-11-double11.actuals.csv"]),
]
# (plan, as-of, --period): the period windows, trend, channel view, spend forecast and
# data-quality banner of the JSON report all come from the store
REPORTS = [
    ("q3-2023-growth.yaml", "2023-07-31", "week"),
    ("q3-2023-growth.yaml", "2023-08-20", "month"),
    ("2024-06-launch.yaml", "2024-06-15", "week"),
    ("2025-11-double11.yaml", "2025-11-02", "day"),
    ("2025-11-double11.yaml", "2025-11-12", "week"),
]


def _copy_plans(tmp_path: Path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(PLANS, folder, ignore=shutil.ignore_patterns(".mktplan"))
    return folder


def _ingest_and_report(plans: Path, env: dict[str, str]) -> tuple[list[str], list[object]]:
    """Every example export ingested (twice: the second changes nothing), then each plan's
    JSON report; the store comes from MKTPLAN_STORE in ``env``."""
    summaries = []
    for _ in range(2):
        for plan, args in INGESTS:
            run = run_cli(
                "ingest",
                plans / plan,
                *(plans / a if a.endswith(".csv") else a for a in args),
                "--lang",
                "en",  # the summaries are compared in English (双11 says lang: zh)
                env=env,
            )
            assert run.code == 0, run.output
            summaries.append(run.stdout.splitlines()[0])
    reports = []
    for plan, as_of, period in REPORTS:
        run = run_cli(
            "report",
            plans / plan,
            "--as-of",
            as_of,
            "--period",
            period,
            "--format",
            "json",
            env=env,
        )
        assert run.code == 0, run.output
        reports.append(json.loads(run.stdout))
    return summaries, reports


@pytest.mark.slow
def test_the_examples_report_the_same_numbers_from_postgres(
    tmp_path: Path, pg_server_url: str
) -> None:
    sqlite_plans = _copy_plans(tmp_path / "a")
    sqlite_env = {"MKTPLAN_STORE": str(tmp_path / "a" / "store.sqlite")}
    pg = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        pg_env = {"MKTPLAN_STORE": pg.new()}
        pg_plans = _copy_plans(tmp_path / "b")
        expected = _ingest_and_report(sqlite_plans, sqlite_env)
        got = _ingest_and_report(pg_plans, pg_env)
        assert got[0] == [s.replace(str(sqlite_plans), str(pg_plans)) for s in expected[0]]
        assert "already ingested" in got[0][-1]  # the second round changed nothing
        assert json.dumps(got[1], sort_keys=True) == json.dumps(expected[1], sort_keys=True)
        log = run_cli("log", pg_plans / "2024-06-launch.yaml", "--format", "json", env=pg_env)
        assert log.code == 0, log.output
        assert len(json.loads(log.stdout)["runs"]) == 4
        dry = run_cli(
            "ingest",
            pg_plans / "q3-2023-growth.yaml",
            pg_plans / "q3-2023-growth.actuals.csv",
            "--dry-run",
            "--force",
            env=pg_env,
        )
        assert dry.code == 0, dry.output
        assert "dry run: nothing written to postgresql://" in dry.output
        again = run_cli("log", pg_plans / "q3-2023-growth.yaml", "--format", "json", env=pg_env)
        assert len(json.loads(again.stdout)["runs"]) == 2  # the dry run left no run behind
    finally:
        pg.drop_all()


def test_a_store_without_the_plans_data_is_refused(tmp_path: Path, backend: Backend) -> None:
    store = backend.new()
    plan = PLANS / "q3-2023-growth.yaml"
    ingested = run_cli("ingest", plan, PLANS / "q3-2023-growth.actuals.csv", "--store", store)
    assert ingested.code == 0, ingested.output
    other = tmp_path / "other.yaml"
    other.write_text(
        plan.read_text(encoding="utf-8").replace("id: q3-2023-growth", "id: q3-other", 1),
        encoding="utf-8",
    )
    refused = run_cli("report", other, "--as-of", "2023-07-31", "--store", store, "-q")
    assert refused.code == 1, refused.output
    assert "holds no observation of plan 'q3-other'" in refused.stderr
    assert "Traceback" not in refused.output
    allowed = run_cli(
        "report", other, "--as-of", "2023-07-31", "--store", store, "--allow-empty", "-q"
    )
    assert allowed.code == 0, allowed.output
    assert allowed.stdout.startswith("# Marketing plan report")


def test_a_store_password_is_never_kept_in_the_run_log(backend: Backend) -> None:
    import re

    store = backend.new()
    if backend.server is not None:  # the test server trusts its user: any password will do
        store = re.sub(r"^(postgresql://[^:@/]*)@", r"\1:s3cret@", store)
    plan = PLANS / "q3-2023-growth.yaml"
    export = PLANS / "q3-2023-growth.actuals.csv"
    run = run_cli("ingest", plan, export, "--store", store, "-q")
    assert run.code == 0, run.output
    for fmt in ("text", "json"):
        log = run_cli("log", plan, "--store", store, "--format", fmt)
        assert log.code == 0, log.output
        assert "s3cret" not in log.stdout
        assert "mktplan ingest" in log.stdout
    if backend.server is not None:
        from tests.store.helpers import select

        (command,) = select(store.replace(":s3cret@", "@"), "SELECT command FROM ingest_run")
        assert ":***@" in command[0]
        assert "s3cret" not in command[0]


def test_runs_are_numbered_without_gaps_after_dry_and_refused_runs(
    tmp_path: Path, backend: Backend
) -> None:
    # PostgreSQL's identity spent a number on every rolled-back run: `log` then showed runs
    # 1 and 3, as if one had been deleted
    store = backend.new()
    plan = PLANS / "q3-2023-growth.yaml"
    actuals = PLANS / "q3-2023-growth.actuals.csv"
    assert run_cli("ingest", plan, actuals, "--store", store, "--dry-run").code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kpi,value\n2023-07-03,online.sales,x\n", encoding="utf-8")
    assert run_cli("ingest", plan, bad, "--store", store).code == 1
    first = run_cli("ingest", plan, actuals, "--store", store)
    assert "ingest run 1 stored" in first.stdout, first.output
    assert run_cli("ingest", plan, actuals, "--store", store, "--force", "--dry-run").code == 0
    second = run_cli("ingest", plan, actuals, "--store", store, "--force")
    assert "ingest run 2 stored" in second.stdout, second.output
    log = run_cli("log", plan, "--store", store, "--format", "json")
    assert [run["id"] for run in json.loads(log.stdout)["runs"]] == [2, 1]
