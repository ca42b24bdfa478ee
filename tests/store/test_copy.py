"""`mktplan store copy SRC DST` between SQLite and PostgreSQL, both ways, compared after."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg

from mktplan.store import open_store
from mktplan.store.copy import contents_digest
from mktplan.store.records import InputProblem
from tests.conftest import PLANS, Backend, run_cli
from tests.store.helpers import batch, obs
from tests.store.test_channel_rollup import totals_agree

PLAN = PLANS / "q3-2023-growth.yaml"


def report(store: str) -> object:
    run = run_cli(
        "report", PLAN, "--as-of", "2023-07-31", "--format", "json", env={"MKTPLAN_STORE": store}
    )
    assert run.code == 0, run.output
    return json.loads(run.stdout)


def test_a_store_copied_to_postgres_and_back_keeps_everything(
    tmp_path: Path, pg_server_url: str
) -> None:
    laptop = str(tmp_path / "laptop.sqlite")
    env = {"MKTPLAN_STORE": laptop}
    assert run_cli("ingest", PLAN, PLANS / "q3-2023-growth.actuals.csv", env=env).code == 0
    with open_store(laptop) as store:  # a second plan, with a correction (history)
        store.ingest("other-plan", [batch([obs("a", 2, "7", note="late")], name="1.csv")])
        store.ingest("other-plan", [batch([obs("a", 2, "8")], name="2.csv")])
        refused = InputProblem("3.csv", "long", "refused", "invalid", 2, sha256="c" * 64)
        store.record_problems("other-plan", [refused])  # with the file's hash
    expected_report = report(laptop)  # also leaves KPI results and definitions behind
    pg = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        team = pg.new()
        copied = run_cli("store", "copy", laptop, team)
        assert copied.code == 0, copied.output
        assert "copied 2 plans into postgresql://" in copied.stdout
        assert "both stores compare equal" in copied.stdout
        with psycopg.connect(team) as conn:  # analyzed: a report right after plans well
            analyzed = conn.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
                "('observation', 'observation_day', 'observation_channel_month', "
                "'observation_channel_total', 'observation_kpi_total')"
            ).fetchall()
        assert len(analyzed) == 5
        with open_store(laptop) as a, open_store(team) as b:
            assert totals_agree(b)  # the bulk write counted the totals too
            assert contents_digest(a) == contents_digest(b)
            assert a.content_digest() == b.content_digest()
            assert a.runs() == b.runs()
            for plan in ("q3-2023-growth", "other-plan"):
                assert a.observations(plan) == b.observations(plan)
            assert a.history_count() == b.history_count() == 1
            assert a.open_problems("other-plan") == b.open_problems("other-plan") != []
            hashes = b.export_rows("input_problem", ("sha256",), "id")
            assert list(hashes) == [("c" * 64,)]
        assert report(team) == expected_report
        with open_store(team) as b:  # new ids continue after the copied ones
            outcome = b.ingest("other-plan", [batch([obs("a", 3, "1")], name="next.csv")])
            assert outcome.run_id == max(r.id for r in b.runs(limit=1000)) > 3
        back = str(tmp_path / "back.sqlite")
        assert run_cli("store", "copy", team, back).code == 0
        with open_store(team) as b, open_store(back) as c:
            assert contents_digest(b) == contents_digest(c)
            assert b.runs() == c.runs()
        assert report(back) == expected_report
    finally:
        pg.drop_all()


def test_copy_refuses_a_destination_that_holds_plans(tmp_path: Path, backend: Backend) -> None:
    source, target = str(tmp_path / "source.sqlite"), backend.new()
    with open_store(source) as store:
        store.ingest("p", [batch([obs("a", 1, "1")])])
    with open_store(target) as store:
        store.ingest("q", [batch([obs("a", 1, "2")])])
        before = contents_digest(store)
    run = run_cli("store", "copy", source, target)
    assert run.code == 1, run.output
    assert "already holds plans (q); nothing was copied" in run.output
    assert "Traceback" not in run.output
    with open_store(target) as store:
        assert contents_digest(store) == before


def test_copy_names_a_missing_source_and_creates_nothing(tmp_path: Path) -> None:
    run = run_cli("store", "copy", tmp_path / "nothing.sqlite", tmp_path / "new.sqlite")
    assert run.code == 1, run.output
    assert "there is no store at" in run.output
    assert not (tmp_path / "new.sqlite").exists()
