"""Opening stores: creation, settings, migrations, and every way opening can fail."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mktplan.errors import EXIT_STORE, StoreError, StoreUnavailable
from mktplan.store import SqliteLocation, Store, resolve_store, schema
from tests.store.helpers import old_store


def test_open_creates_directories_schema_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "store.sqlite"
    with Store.open(path) as store:
        conn = store.connection
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        versions = conn.execute("SELECT version, description FROM schema_version").fetchall()
        assert [v for v, _ in versions] == [m.version for m in schema.MIGRATIONS]
        assert all(description for _, description in versions)
        ddl = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'observation'").fetchone()[0]
        assert "WITHOUT ROWID" in ddl
        assert "PRIMARY KEY (plan_id, kpi, date, channel, line, ref)" in ddl
        assert "STRICT" in ddl
        assert store.schema_version() == schema.latest_version()
    assert path.is_file()


def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    Store.open(path).close()
    with Store.open(path) as store:
        count = store.connection.execute("SELECT count(*) FROM schema_version").fetchone()[0]
    assert count == len(schema.MIGRATIONS)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store, pytest.raises(sqlite3.IntegrityError):
        store.connection.execute(
            "INSERT INTO observation (plan_id, kpi, date, channel, value, file_id, row_number) "
            "VALUES ('p', 'k', '2024-06-01', '', 1, 999, 2)"
        )


def test_pending_migrations_run_in_order_and_are_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    base = schema.latest_version()
    extra = (
        schema.Migration(base + 1, "add a table", ("CREATE TABLE extra (x INTEGER)",)),
        schema.Migration(base + 2, "fill it", ("INSERT INTO extra (x) VALUES (42)",)),
    )
    monkeypatch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS + extra)
    with Store.open(path) as store:
        conn = store.connection
        rows = conn.execute("SELECT version, description FROM schema_version ORDER BY 1").fetchall()
        assert rows[-2:] == [(base + 1, "add a table"), (base + 2, "fill it")]
        assert conn.execute("SELECT x FROM extra").fetchall() == [(42,)]
        assert store.schema_version() == base + 2


def test_a_failing_migration_leaves_the_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    base = schema.latest_version()
    broken = schema.Migration(
        base + 1, "half done", ("CREATE TABLE extra (x INTEGER)", "INSERT INTO nowhere VALUES (1)")
    )
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    with pytest.raises(StoreUnavailable, match="cannot use the store"):
        Store.open(path)
    monkeypatch.undo()
    with Store.open(path) as store:
        conn = store.connection
        assert store.schema_version() == base
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        assert "extra" not in names


def test_a_store_from_a_newer_mktplan_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00+00:00')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError) as info:
        Store.open(path)
    err = info.value
    assert "newer mktplan" in err.message
    assert "schema version 99" in err.message
    assert err.hint
    assert "upgrade" in err.hint
    assert err.file == str(path)
    assert err.exit_code == EXIT_STORE  # the input was not judged: retry elsewhere or later


@pytest.mark.parametrize(
    "content",
    [b"date,kpi,value\n2024-06-01,a,1\n", bytes(range(256)) * 64],
    ids=["csv", "binary"],
)
def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "store.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="is not a mktplan store") as info:
        Store.open(path)
    assert info.value.exit_code == EXIT_STORE
    assert info.value.hint
    assert path.read_bytes() == content  # never overwritten


def test_an_sqlite_database_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreUnavailable, match=r"other tables: \['customers'\]"):
        Store.open(path)
    assert path.read_bytes() == before  # not even switched to WAL: its journal mode is its own
    assert not path.with_name("other.db-wal").exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="is a directory"):
        Store.open(tmp_path)


def test_an_uncreatable_directory_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="cannot create the store directory") as info:
        Store.open(blocker / "store.sqlite")
    assert info.value.hint
    assert "--store" in info.value.hint


def test_store_path_prefers_the_option_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plans" / "q3.yaml"
    monkeypatch.delenv("MKTPLAN_STORE", raising=False)
    default = SqliteLocation(tmp_path / "plans" / ".mktplan" / "store.sqlite")
    assert resolve_store(None, plan) == default
    monkeypatch.setenv("MKTPLAN_STORE", str(tmp_path / "env.sqlite"))
    assert resolve_store(None, plan) == SqliteLocation(tmp_path / "env.sqlite")
    assert resolve_store(tmp_path / "cli.sqlite", plan) == SqliteLocation(tmp_path / "cli.sqlite")
    monkeypatch.setenv("MKTPLAN_STORE", "")
    assert resolve_store(None, plan) == default


# the rollup as defined: one value per date × channel (its lines and refs summed), counted,
# summed (whole units and micro remainders apart), min and max per day
ROLLUP_FROM_ROWS = (
    "SELECT plan_id, kpi, date, count(*), sum(v / 1000000), sum(v % 1000000), min(v), max(v) "
    "FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation "
    "GROUP BY plan_id, kpi, date, channel) GROUP BY plan_id, kpi, date ORDER BY 1, 2, 3"
)


def test_daily_rollup_follows_inserts_and_corrections(tmp_path: Path) -> None:
    from tests.store.helpers import batch, obs

    first = [obs("k", 1, "5", "a"), obs("k", 1, "9", "b"), obs("k", 2, "-1.5", "a")]
    corrected = [obs("k", 1, "2", "b"), obs("k", 3, "7", "")]  # 9 was the day's max
    with Store.open(tmp_path / "s.sqlite") as store:
        store.ingest("p", [batch(first, name="1.csv")])
        store.ingest("p", [batch(corrected, name="2.csv")])
        conn = store.connection
        rollup = conn.execute("SELECT * FROM observation_day ORDER BY 1, 2, 3").fetchall()
        assert rollup == conn.execute(ROLLUP_FROM_ROWS).fetchall()
        assert rollup[0][3:] == (2, 7, 0, 2_000_000, 5_000_000)  # 5 + 2, min 2, max 5


def test_migration_2_backfills_the_rollup_of_an_older_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    # a version-1 mktplan kept no rollup at all
    old_store(
        path,
        1,
        [("k", "2024-06-01", "a", 5_000_000, None), ("k", "2024-06-01", "b", 3_000_000, None)],
    )
    with Store.open(path) as store:
        conn = store.connection
        assert store.schema_version() == schema.latest_version()
        assert (
            conn.execute("SELECT * FROM observation_day").fetchall()
            == conn.execute(ROLLUP_FROM_ROWS).fetchall()
            == [("p", "k", "2024-06-01", 2, 8, 0, 3_000_000, 5_000_000)]
        )


def test_migration_3_keeps_the_rollup_right_without_the_insert_trigger(tmp_path: Path) -> None:
    from tests.store.helpers import batch, obs

    path = tmp_path / "s.sqlite"
    # a version-2 store, rollup kept by the insert trigger
    old_store(
        path,
        2,
        [("k", "2024-06-01", "a", 5_000_000, None), ("k", "2024-06-03", "b", 3_000_000, None)],
    )
    with Store.open(path) as store:
        conn = store.connection
        assert store.schema_version() == schema.latest_version()
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert "observation_day_insert" not in triggers
        # new days, a day that already had a channel, and a day between two stored ones
        more = [obs("k", 1, "2", "b"), obs("k", 2, "4", "a"), obs("j", 2, "-1.25", "a")]
        store.ingest("p", [batch(more, name="2.csv")])
        rollup = conn.execute("SELECT * FROM observation_day ORDER BY 1, 2, 3").fetchall()
        assert rollup == conn.execute(ROLLUP_FROM_ROWS).fetchall()
        assert [r[2:4] for r in rollup if r[1] == "k"] == [
            ("2024-06-01", 2),
            ("2024-06-02", 1),
            ("2024-06-03", 1),
        ]


def test_corrections_recount_the_rollup_of_every_day_and_kpi_they_touch(tmp_path: Path) -> None:
    """The rollup is recounted once per file after its corrections (no per-row trigger)."""
    from tests.store.helpers import batch, obs

    first = [obs(k, d, str(d * 10), ch) for k in ("a", "b") for d in (1, 2, 5) for ch in "xy"]
    restated = [obs(k, d, str(d), "x") for k in ("a", "b") for d in (1, 5)]  # were the maxima
    with Store.open(tmp_path / "s.sqlite") as store:
        store.ingest("p", [batch(first, name="1.csv")])
        (outcome,) = store.ingest("p", [batch(restated, name="2.csv")]).files
        assert outcome.changed == 4
        conn = store.connection
        rollup = conn.execute("SELECT * FROM observation_day ORDER BY 1, 2, 3").fetchall()
        assert rollup == conn.execute(ROLLUP_FROM_ROWS).fetchall()
        assert rollup[2][3:] == (2, 55, 0, 5_000_000, 50_000_000)  # a on day 5: 5 + 50
        triggers = {
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        }
        assert triggers == {
            "observation_day_delete",
            "observation_channel_month_delete",
            "observation_channel_total_delete",
        }


def test_a_version_4_store_gets_the_skipped_lines_table_and_keeps_its_observations(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    # a store as mktplan left it at version 4 (the observation key with line and ref)
    old_store(path, 4, [("k", "2024-06-01", "a", 5_000_000, "creative")])
    with Store.open(path) as store:
        conn = store.connection
        assert store.schema_version() == schema.latest_version() == 12
        ddl = conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ingest_skipped'"
        ).fetchone()[0]
        assert "STRICT" in ddl
        assert conn.execute(
            "SELECT kpi, date, channel, line, ref, value FROM observation"
        ).fetchall() == [("k", "2024-06-01", "a", "creative", "", 5_000_000)]
        assert [r.files[0].skipped for r in store.runs("p")] == [()]
