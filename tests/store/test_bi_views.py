"""The tables and views a BI tool reads, on both backends: KPI definitions written by
ingest, KPI results written by report, and the three documented views."""

from __future__ import annotations

import json
import shutil
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from mktplan.store import open_store
from tests.conftest import PLANS, Backend, run_cli
from tests.store.helpers import hold_write_lock

PLAN = "q3-2023-growth"


def rows(store: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in store.connection.execute(sql).fetchall()]


def test_ingest_and_report_leave_what_the_views_show(tmp_path: Path, backend: Backend) -> None:
    for name in (f"{PLAN}.yaml", f"{PLAN}.actuals.csv"):
        shutil.copy(PLANS / name, tmp_path / name)
    env = {"MKTPLAN_STORE": backend.new()}
    plan = tmp_path / f"{PLAN}.yaml"
    dry = run_cli("ingest", plan, tmp_path / f"{PLAN}.actuals.csv", "--dry-run", env=env)
    assert dry.code == 0, dry.output
    with open_store(env["MKTPLAN_STORE"]) as store:
        assert rows(store, "SELECT count(*) FROM kpi_definition") == [(0,)]  # a dry run
    assert run_cli("ingest", plan, tmp_path / f"{PLAN}.actuals.csv", env=env).code == 0
    report = run_cli("report", plan, "--as-of", "2023-07-31", "--format", "json", env=env)
    assert report.code == 0, report.output
    kpis = {k["id"]: k for k in json.loads(report.stdout)["kpis"]}
    with open_store(env["MKTPLAN_STORE"]) as store:
        stored = store.observations(PLAN)
        named = rows(
            store,
            "SELECT plan_name, module_name, kpi_name, unit, value FROM observation_named "
            "WHERE kpi = 'brand.engagements' ORDER BY date, channel",
        )
        expected = [o.observation.value for o in stored if o.observation.kpi == "brand.engagements"]
        assert [Decimal(str(r[4])) for r in named] == expected
        assert {r[:4] for r in named} == {
            ("Q3 2023 online growth", "Brand promotion", "Engagements", "count")
        }
        assert rows(store, "SELECT count(*) FROM observation_named WHERE kpi_name IS NULL") == [
            (0,)
        ]
        daily = rows(
            store,
            "SELECT sum(value) FROM kpi_daily WHERE kpi = 'brand.engagements'",
        )
        assert Decimal(str(daily[0][0])) == sum(expected)
        latest = rows(
            store,
            "SELECT kpi, actual, target, attainment, pace, status FROM kpi_latest ORDER BY kpi",
        )
        assert [r[0] for r in latest] == sorted(kpis)
        for kpi, actual, target, attainment, pace, status in latest:
            shown = kpis[kpi]
            assert status == shown["status"]
            for value, key in (
                (actual, "actual"),
                (target, "target"),
                (attainment, "attainment"),
                (pace, "pace"),
            ):
                if shown[key] is None:
                    assert value is None, (kpi, key)
                else:  # the report rounds its JSON to 6 places, as the store keeps them
                    assert Decimal(str(value)) == Decimal(str(shown[key])), (kpi, key)
    # a later report of the plan becomes the latest; the earlier one is kept
    assert run_cli("report", plan, "--as-of", "2023-08-31", "--format", "json", env=env).code == 0
    with open_store(env["MKTPLAN_STORE"]) as store:
        assert {str(r[0]) for r in rows(store, "SELECT as_of FROM kpi_latest")} == {"2023-08-31"}
        assert len(rows(store, "SELECT DISTINCT as_of FROM kpi_result")) == 2


def test_a_report_during_an_ingest_does_not_wait_for_it(tmp_path: Path, backend: Backend) -> None:
    url = backend.new()
    env = {"MKTPLAN_STORE": url}
    plan = PLANS / f"{PLAN}.yaml"
    assert run_cli("ingest", plan, PLANS / f"{PLAN}.actuals.csv", env=env).code == 0
    with hold_write_lock(url):
        started = time.monotonic()
        report = run_cli("report", plan, "--as-of", "2023-07-31", "--format", "json", env=env)
        assert time.monotonic() - started < 60  # not the 600 s lock timeout of an ingest
    assert report.code == 0, report.output
    assert json.loads(report.stdout)["kpis"]
    if backend.name == "sqlite":  # SQLite locks the whole file: the results wait for later
        assert "the KPI results were not saved in the store" in report.stderr


def test_a_report_waits_its_lock_timeout_to_save_the_results(tmp_path: Path) -> None:
    """SQLite's write lock held by an ingest: the report is written, and saving its results
    waits --lock-timeout seconds (default 5) before it says they were not saved."""
    store = str(tmp_path / "store.sqlite")
    plan = PLANS / f"{PLAN}.yaml"
    assert run_cli("ingest", plan, PLANS / f"{PLAN}.actuals.csv", "--store", store).code == 0
    report = ["report", plan, "--as-of", "2023-07-31", "--format", "json", "--store", store]
    with hold_write_lock(store):
        waited = run_cli(*report, "--lock-timeout", "0.2")
    assert waited.code == 0, waited.output
    assert json.loads(waited.stdout)["kpis"]
    assert "the KPI results were not saved in the store" in waited.stderr
    assert "gave up after waiting 0.2 s" in waited.stderr
    with open_store(store) as opened:
        assert rows(opened, "SELECT count(*) FROM kpi_result") == [(0,)]
    negative = run_cli(*report, "--lock-timeout", "-1")
    assert negative.code == 2, negative.output
    assert "--lock-timeout must be a number of seconds from 0 to 2147483" in negative.output
    saved = run_cli(*report, "--lock-timeout", "0")  # nobody holds it now: no wait needed
    assert saved.code == 0, saved.output
    with open_store(store) as opened:
        assert rows(opened, "SELECT count(*) FROM kpi_result") != [(0,)]


def test_a_refused_or_failed_report_leaves_the_results_as_they_were(
    tmp_path: Path, backend: Backend
) -> None:
    """The results are written only once the report's file is: a report that may not
    overwrite its --out, or whose template fails, leaves the store's results as they were."""
    env = {"MKTPLAN_STORE": backend.new()}
    plan = PLANS / f"{PLAN}.yaml"
    assert run_cli("ingest", plan, PLANS / f"{PLAN}.actuals.csv", env=env).code == 0
    precious = tmp_path / "notes.json"
    precious.write_text('{"mine": true}\n', encoding="utf-8")
    refused = run_cli("report", plan, "--as-of", "2023-07-31", "--out", precious, env=env)
    assert refused.code == 1, refused.output
    assert precious.read_text(encoding="utf-8") == '{"mine": true}\n'
    broken = tmp_path / "broken.md.j2"
    broken.write_text("{{ plan.name }} {{ 1 / 0 }}\n", encoding="utf-8")
    failed = run_cli(
        "report", plan, "--as-of", "2023-07-31", "--template", broken, "--out", tmp_path, env=env
    )
    assert failed.code == 1, failed.output
    with open_store(env["MKTPLAN_STORE"]) as store:
        assert rows(store, "SELECT count(*) FROM kpi_result") == [(0,)]
    written = run_cli("report", plan, "--as-of", "2023-07-31", "--out", tmp_path, env=env)
    assert written.code == 0, written.output
    with open_store(env["MKTPLAN_STORE"]) as store:
        (count,) = rows(store, "SELECT count(*) FROM kpi_result")[0]
    assert count == len(
        json.loads(
            run_cli("report", plan, "--as-of", "2023-07-31", "--format", "json", env=env).stdout
        )["kpis"]
    )
    # and an Excel report's too
    xlsx = run_cli("report", plan, "--as-of", "2023-08-31", "--out", tmp_path / "r.xlsx", env=env)
    assert xlsx.code == 0, xlsx.output
    with open_store(env["MKTPLAN_STORE"]) as store:
        assert rows(store, "SELECT count(DISTINCT as_of) FROM kpi_result") == [(2,)]
