"""Smoke tests of the benchmark generators at small sizes: their output validates and parses.
Never timed: the timings live in bench/run."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bench import generate
from mktplan.plan.validate import check_plan_file
from tests.conftest import run_cli


def test_plan_of_three_modules_validates_without_findings(tmp_path: Path) -> None:
    plan = generate.write_plan(tmp_path / "plan.yaml", modules=3)

    result = check_plan_file(plan)

    assert result.plan is not None
    assert [f.message for f in result.findings] == []
    assert len(result.plan.modules) == 3
    assert all(len(m.kpis) == 10 for m in result.plan.modules)
    budget = result.plan.budget
    assert budget.reserve * 100 == budget.total * generate.RESERVE_PERCENT
    assert sum(m.budget or 0 for m in result.plan.modules) + budget.reserve == budget.total
    assert generate.AD_SOURCE in result.plan.sources


def test_plan_passes_the_real_validate_command(tmp_path: Path) -> None:
    plan = generate.write_plan(tmp_path / "plan.yaml", modules=3)

    run = run_cli("validate", plan)

    assert run.code == 0, run.output
    assert "0 errors, 0 warnings" in run.output


def test_generators_are_deterministic(tmp_path: Path) -> None:
    assert generate.plan_yaml(5, seed=7) == generate.plan_yaml(5, seed=7)
    a = generate.write_ad_export(tmp_path / "a.csv", rows=50, days=5)
    b = generate.write_ad_export(tmp_path / "b.csv", rows=50, days=5)
    assert a.read_bytes() == b.read_bytes()


def test_ad_export_of_fifty_rows_parses(tmp_path: Path) -> None:
    path = generate.write_ad_export(tmp_path / "ads.csv", rows=50, days=5)

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))

    assert len(rows) == 50
    assert list(rows[0]) == list(generate.AD_HEADER)
    assert {r["date"] for r in rows} == {
        str(generate.PERIOD_START + dt.timedelta(days=d)) for d in range(5)
    }
    assert {r["channel"] for r in rows} <= set(generate.CHANNELS)
    for row in rows:
        for metric in generate.AD_METRICS:
            assert float(row[metric]) >= 0


def test_store_observations_cover_every_kpi_day_and_channel() -> None:
    rows = list(generate.store_observations(modules=2, days=3, channels=4))

    assert len(rows) == 2 * 10 * 3 * 4
    assert len({(kpi, day, channel) for kpi, day, channel, _ in rows}) == len(rows)
    assert all(value > 0 for *_, value in rows)


def test_built_store_holds_every_observation_in_micro_units(tmp_path: Path) -> None:
    pytest.importorskip("mktplan.store.schema")
    from bench import stores

    path = tmp_path / "store.sqlite"
    count = stores.build_store(path, modules=2, days=3, channels=2)

    expected = list(generate.store_observations(2, 3, 2, stores.BUILD_SEED))
    con = sqlite3.connect(path)
    try:
        stored = con.execute(
            "SELECT count(*), sum(value) FROM observation WHERE plan_id = ?", (generate.PLAN_ID,)
        ).fetchone()
    finally:
        con.close()
    assert count == len(expected) == 2 * 10 * 3 * 2
    assert stored == (count, sum(v for *_, v in expected) * stores.MICRO)
