"""The PostgreSQL store's schema: created on first use, refused when newer or foreign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from mktplan.errors import EXIT_STORE, StoreError
from mktplan.store import open_store
from mktplan.store.postgres import schema
from tests.conftest import Backend
from tests.store.helpers import batch, channel_sums, obs
from tests.store.test_channel_rollup import PG_KPI_TOTALS, totals_agree


@pytest.fixture
def url(pg_server_url: str, tmp_path: Path) -> Iterator[str]:
    databases = Backend("postgres", tmp_path, pg_server_url, [])
    try:
        yield databases.new()
    finally:
        databases.drop_all()


def test_first_use_creates_every_version_once(url: str) -> None:
    for _ in range(2):
        with open_store(url) as store:
            assert store.schema_version() == schema.latest_version()
    with psycopg.connect(url) as conn:
        versions = conn.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()
    assert [v for (v,) in versions] == [m.version for m in schema.MIGRATIONS]


def test_a_store_from_a_newer_mktplan_is_refused_and_left_alone(url: str) -> None:
    with open_store(url) as store:
        store.ingest("p", [batch([obs("a", 1, "1")])])
        digest = store.content_digest()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO schema_version VALUES (%s, 'from the future', now())",
            (schema.latest_version() + 1,),
        )
    with pytest.raises(StoreError, match="written by a newer mktplan") as info:
        open_store(url)
    assert "upgrade mktplan" in (info.value.hint or "")
    assert info.value.exit_code == EXIT_STORE
    assert "password" not in info.value.message
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM schema_version WHERE description = 'from the future'")
    with open_store(url) as store:
        assert store.content_digest() == digest


def test_a_database_holding_other_tables_is_not_taken_over(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE customers (id int)")
    with pytest.raises(StoreError, match="not a mktplan store") as info:
        open_store(url)
    assert "customers" in info.value.message
    assert info.value.exit_code == EXIT_STORE
    assert "search_path" in (info.value.hint or "")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA mktplan")
    # its own schema in the same database: the hint's way out works
    with open_store(f"{url}&options=-csearch_path%3Dmktplan") as store:
        store.ingest("p", [batch([obs("a", 1, "1")])])
        assert store.plans() == ["p"]


def test_many_plans_share_one_database(url: str) -> None:
    with open_store(url) as store:
        for plan in ("alpha", "beta", "gamma"):
            store.ingest(plan, [batch([obs("a", 1, str(len(plan)))], name=f"{plan}.csv")])
        assert store.plans() == ["alpha", "beta", "gamma"]
        assert [o.observation.value for o in store.observations("beta")] == [4]
        assert [r.plan_id for r in store.runs("gamma")] == ["gamma"]


def test_a_version_2_store_gets_the_channel_rollup_back_filled(url: str) -> None:
    from mktplan.store.postgres.store import migrate

    # a store as the first PostgreSQL release left it: observations, no channel rollup
    with psycopg.connect(url, autocommit=True) as conn:
        assert migrate(conn, "test", 5.0, schema.MIGRATIONS[:2]) == 2
        conn.execute("INSERT INTO ingest_run (plan_id, started_at) VALUES ('p', now())")
        conn.execute(
            "INSERT INTO ingest_file (run_id, name, sha256, source, config_digest, rows_read, "
            "already_ingested) SELECT max(id), 'old.csv', 'sha', 'long', 'c', 3, false "
            "FROM ingest_run"
        )
        conn.execute(
            "INSERT INTO observation (plan_id, kpi, date, channel, line, value, file_id, "
            "row_number) SELECT 'p', 'k', d::date, c, l, v, (SELECT max(id) FROM ingest_file), 2 "
            "FROM (VALUES ('2024-06-01', 'a', 'promotion', 5000000), "
            "('2024-06-01', 'a', 'labour', 1500000), ('2024-07-01', '', '', 2000000)) "
            "AS rows (d, c, l, v)"
        )
        conn.execute(schema.ROLLUP_ALL)  # ingest at version 2 kept the daily rollup
    with open_store(url) as store:
        assert store.schema_version() == schema.latest_version()
        sums = channel_sums(store.query("p"), ["k"], dt.date(2024, 6, 1), dt.date(2024, 7, 31))
        assert sums == {"k": {"a": Decimal("6.5"), "": Decimal(2)}}
        assert store.runs("p")[0].files[0].skipped == ()
        assert store.open_problems("p") == []
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "SELECT channel, month::text, n, total FROM observation_channel_month ORDER BY 1"
        ).fetchall() == [("", "2024-07-01", 1, 2_000_000), ("a", "2024-06-01", 2, 6_500_000)]


def test_named_budget_lines_are_read_through_their_own_index(url: str) -> None:
    from mktplan.store.postgres.query import NAMED_LINES

    data = [
        obs("spend", d, "10", "web", line="creative" if d % 5 == 0 else None) for d in range(1, 28)
    ]
    with open_store(url) as store:
        store.ingest("p", [batch(data)])
        assert store.query("p").sums_by_line(
            ["spend"], dt.date(2024, 6, 1), dt.date(2024, 6, 30)
        ) == {
            "creative": Decimal(50),
            "": Decimal(220),
        }
    with psycopg.connect(url) as conn:
        conn.execute("SET enable_seqscan = off")  # tiny tables: ask which index could serve
        plan = "\n".join(
            str(row[0])
            for row in conn.execute(
                f"EXPLAIN {NAMED_LINES}",
                ("p", ["spend"], dt.date(2024, 6, 1), dt.date(2024, 6, 30)),
            )
        )
    assert "observation_lines" in plan, plan


def test_a_version_5_store_gets_the_line_index_and_its_rollups_in_key_order(url: str) -> None:
    with open_store(url) as store:  # a store grown by ingests, then taken back to version 5
        for day in (20, 3, 11, 1):
            store.ingest(
                "p",
                [batch([obs(k, day, "1", ch) for k in "zya" for ch in "cab"], name=f"{day}.csv")],
            )
    with psycopg.connect(url, autocommit=True) as conn:
        # as the hash-ordered back-fill left them: every rollup row in reverse key order
        for table, key in (
            ("observation_day", "plan_id, kpi, date"),
            ("observation_channel_month", "plan_id, kpi, month, channel"),
        ):
            conn.execute(f"CREATE TEMP TABLE saved AS SELECT * FROM {table} ORDER BY {key} DESC")  # noqa: S608
            conn.execute(f"DELETE FROM {table}")  # noqa: S608
            conn.execute(f"INSERT INTO {table} SELECT * FROM saved")  # noqa: S608
            conn.execute("DROP TABLE saved")
        conn.execute("DELETE FROM schema_version WHERE version > 5")
        conn.execute("DROP INDEX IF EXISTS observation_lines")
        conn.execute("DROP TRIGGER observation_totals_delete ON observation")  # version 7's
        conn.execute("DROP FUNCTION observation_totals_recount()")
        conn.execute("DROP TABLE observation_channel_total, observation_kpi_total")
    with open_store(url) as store:
        assert store.schema_version() == schema.latest_version()
        assert store.query("p").latest_dates() == dict.fromkeys("ayz", dt.date(2024, 6, 20))
    with psycopg.connect(url) as conn:
        assert conn.execute(
            "SELECT 1 FROM pg_indexes WHERE indexname = 'observation_lines'"
        ).fetchone()
        for table, key in (
            ("observation_day", "plan_id, kpi, date"),
            ("observation_channel_month", "plan_id, kpi, month, channel"),
        ):
            by_page = conn.execute(f"SELECT {key} FROM {table} ORDER BY ctid").fetchall()  # noqa: S608
            assert by_page == sorted(by_page), table


def test_a_report_snapshot_groups_in_memory_and_gives_the_memory_back(url: str) -> None:
    with open_store(url) as store:
        store.ingest("p", [batch([obs("a", 1, "1", "web")])])
        conn = store.connection
        default = conn.execute("SHOW work_mem").fetchone()
        with store.query("p") as query:
            assert channel_sums(query, ["a"], dt.date(2024, 6, 1), dt.date(2024, 6, 30)) == {
                "a": {"web": Decimal(1)}
            }
            assert conn.execute("SHOW work_mem").fetchone() == ("64MB",)
        assert conn.execute("SHOW work_mem").fetchone() == default != ("64MB",)


def test_a_version_6_store_gets_its_channel_and_kpi_totals_back_filled(url: str) -> None:
    rows = [obs(k, d, str(d), ch) for k in "ab" for d in (1, 2, 30) for ch in ("web", "")]
    rows += [obs("a", 3, "2.5", "web", line="promotion"), obs("a", 3, "-1", "web", line="labour")]
    with open_store(url) as store:  # a store grown by ingests, then taken back to version 6
        store.ingest("p", [batch(rows)])
        store.ingest("q", [batch([obs("a", 9, "4")])])
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TRIGGER observation_totals_delete ON observation")
        conn.execute("DROP FUNCTION observation_totals_recount()")
        conn.execute("DROP TABLE observation_channel_total, observation_kpi_total")
        conn.execute("DELETE FROM schema_version WHERE version > 6")
    with open_store(url) as store:
        assert store.schema_version() == schema.latest_version() == 8
        assert totals_agree(store)
        assert store.connection.execute(PG_KPI_TOTALS).fetchall() == [
            # first and last day, day-channel rows, Σ value, lowest and highest of them
            (
                "p",
                "a",
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 30),
                7,
                67_500_000,
                1_000_000,
                30_000_000,
            ),
            (
                "p",
                "b",
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 30),
                6,
                66_000_000,
                1_000_000,
                30_000_000,
            ),
            (
                "q",
                "a",
                dt.date(2024, 6, 9),
                dt.date(2024, 6, 9),
                1,
                4_000_000,
                4_000_000,
                4_000_000,
            ),
        ]
        june = (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
        assert channel_sums(store.query("p"), ["a", "b"], *june) == {
            "a": {"web": Decimal("34.5"), "": Decimal(33)},
            "b": {"web": Decimal(33), "": Decimal(33)},
        }
        # and a later ingest and a hand delete keep them right
        store.ingest("p", [batch([obs("a", 2, "9", "web"), obs("c", 5, "1")], name="2.csv")])
        assert totals_agree(store)
        store.connection.execute("DELETE FROM observation WHERE date = '2024-06-30'")
        assert totals_agree(store)


def test_a_hand_delete_recounts_the_totals_once_per_statement(url: str) -> None:
    rows = [obs("a", d, "1", ch) for d in range(1, 31) for ch in ("web", "shop", "app", "")]
    with open_store(url) as store:
        store.ingest("p", [batch(rows)])
        conn = store.connection
        with conn.transaction():
            conn.execute("SET LOCAL track_functions = 'pl'")
            gone = conn.execute("DELETE FROM observation WHERE channel <> 'app'").rowcount
            (calls,) = conn.execute(
                "SELECT calls FROM pg_stat_xact_user_functions "
                "WHERE funcname = 'observation_totals_recount'"
            ).fetchone() or (None,)
        # 90 rows deleted, their days and KPI recounted once, not once per row
        assert (gone, calls) == (90, 1)
        assert totals_agree(store)
        assert channel_sums(
            store.query("p"), ["a"], dt.date(2024, 1, 1), dt.date(2024, 12, 31)
        ) == {"a": {"app": Decimal(30)}}
