"""The per-channel monthly rollup (SQLite migration 6, PostgreSQL migration 4), the
per-channel and KPI totals (SQLite migrations 9 and 11, PostgreSQL migration 7) and
``channel_sums``: kept right by every write, back-filled on upgrade, and answering exactly as
MemoryObservations does, on both backends."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from contextlib import closing
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktplan.observations import AggRequest, MemoryObservations, Observation, Span
from mktplan.store import ObservationStore, Store, open_store, schema
from mktplan.store.query import Piece, channel_pieces
from tests.conftest import Backend
from tests.store.helpers import batch, channel_sums, obs, old_store

D = Decimal

# the rollup as defined: rows and Σ value per plan, KPI, channel and month, whole units and micro
# remainders apart
CHANNEL_MONTHS_FROM_ROWS = (
    "SELECT plan_id, kpi, channel, substr(date, 1, 7), count(*), sum(value / 1000000), "
    "sum(value % 1000000) FROM observation GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"
)
ROLLUP = "SELECT * FROM observation_channel_month ORDER BY plan_id, kpi, channel, month"

# both backends' rollup as (plan, kpi, channel, 'YYYY-MM', rows, Σ micro-units)
SQLITE_ROLLUP = (
    "SELECT plan_id, kpi, channel, month, n, whole * 1000000 + rest FROM observation_channel_month"
)
SQLITE_FROM_ROWS = (
    "SELECT plan_id, kpi, channel, substr(date, 1, 7), count(*), sum(value) FROM observation "
    "GROUP BY 1, 2, 3, 4"
)
PG_ROLLUP = (
    "SELECT plan_id, kpi, channel, to_char(month, 'YYYY-MM'), n, total FROM "
    "observation_channel_month"
)
PG_FROM_ROWS = (
    "SELECT plan_id, kpi, channel, to_char(date, 'YYYY-MM'), count(*), sum(value) FROM "
    "observation GROUP BY 1, 2, 3, 4"
)


# SQLite's per-channel totals, stored and as defined: (plan, kpi, channel, rows, whole, rest)
TOTALS = "SELECT * FROM observation_channel_total ORDER BY plan_id, kpi, channel"
TOTALS_FROM_ROWS = (
    "SELECT plan_id, kpi, channel, count(*), sum(value / 1000000), sum(value % 1000000) "
    "FROM observation GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)


# and its KPI totals (migration 11): first and last day, then the daily rollup's n, whole,
# rest, low and high summed over all days (a day-channel's lines and refs added up first)
KPI_TOTALS = "SELECT * FROM observation_kpi_total ORDER BY plan_id, kpi"
KPI_TOTALS_FROM_ROWS = (
    "SELECT plan_id, kpi, min(date), max(date), count(*), sum(v / 1000000), sum(v % 1000000), "
    "min(v), max(v) FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation "
    "GROUP BY plan_id, kpi, date, channel) GROUP BY 1, 2 ORDER BY 1, 2"
)


# PostgreSQL's (migration 7), stored and as defined: Σ value as one numeric, not whole and rest
PG_TOTALS = "SELECT plan_id, kpi, channel, n, total FROM observation_channel_total ORDER BY 1, 2, 3"
PG_TOTALS_FROM_ROWS = (
    "SELECT plan_id, kpi, channel, count(*), sum(value) FROM observation GROUP BY 1, 2, 3 "
    "ORDER BY 1, 2, 3"
)
PG_KPI_TOTALS = (
    "SELECT plan_id, kpi, first, last, n, total, low, high FROM observation_kpi_total ORDER BY 1, 2"
)
PG_KPI_TOTALS_FROM_ROWS = (
    "SELECT plan_id, kpi, min(date), max(date), count(*), sum(v), min(v), max(v) "
    "FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation "
    "GROUP BY plan_id, kpi, date, channel) AS by_channel GROUP BY 1, 2 ORDER BY 1, 2"
)
# and its daily rollup, which a hand delete recounts since migration 7
PG_DAYS = "SELECT plan_id, kpi, date, n, total, low, high FROM observation_day ORDER BY 1, 2, 3"
PG_DAYS_FROM_ROWS = (
    "SELECT plan_id, kpi, date, count(*), sum(v), min(v), max(v) "
    "FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation "
    "GROUP BY plan_id, kpi, date, channel) AS by_channel GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)


def totals_agree(store: ObservationStore) -> bool:
    """Whether the channel and KPI totals (and in PostgreSQL the daily rollup) are those of
    the rows."""
    conn = store.connection  # type: ignore[attr-defined]
    if isinstance(conn, sqlite3.Connection):
        pairs = [(TOTALS, TOTALS_FROM_ROWS), (KPI_TOTALS, KPI_TOTALS_FROM_ROWS)]
    else:
        pairs = [
            (PG_TOTALS, PG_TOTALS_FROM_ROWS),
            (PG_KPI_TOTALS, PG_KPI_TOTALS_FROM_ROWS),
            (PG_DAYS, PG_DAYS_FROM_ROWS),
        ]
    return all(
        conn.execute(stored).fetchall() == conn.execute(counted).fetchall()
        for stored, counted in pairs
    )


def rollup(store: ObservationStore, plan: str | None = None) -> list[tuple[Any, ...]]:
    """The stored channel rollup (of ``plan``), in key order."""
    return _rows(store, SQLITE_ROLLUP, PG_ROLLUP, plan)


def from_rows(store: ObservationStore, plan: str | None = None) -> list[tuple[Any, ...]]:
    """The channel rollup as defined, counted from the observations."""
    return _rows(store, SQLITE_FROM_ROWS, PG_FROM_ROWS, plan)


def _rows(
    store: ObservationStore, sqlite_sql: str, pg_sql: str, plan: str | None
) -> list[tuple[Any, ...]]:
    conn = store.connection  # type: ignore[attr-defined]
    sql = sqlite_sql if isinstance(conn, sqlite3.Connection) else pg_sql
    rows = [(*r[:4], int(r[4]), int(r[5])) for r in conn.execute(sql).fetchall()]
    return sorted(r for r in rows if plan is None or r[0] == plan)


def on(kpi: str, date: str, value: str, channel: str = "", ref: str | None = None) -> Observation:
    return Observation(kpi, dt.date.fromisoformat(date), D(value), channel, ref=ref)


def test_rollup_follows_new_rows_and_corrections(backend: Backend) -> None:
    first = [
        on("k", "2024-05-31", "1", "a"),
        on("k", "2024-06-01", "5", "a"),
        on("k", "2024-06-20", "2.5", "a"),
        on("k", "2024-06-02", "9", "b"),
        on("k", "2024-07-01", "4", ""),
    ]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(first, name="1.csv")])
        assert rollup(store) == [
            ("p", "k", "", "2024-07", 1, 4_000_000),
            ("p", "k", "a", "2024-05", 1, 1_000_000),
            ("p", "k", "a", "2024-06", 2, 7_500_000),  # 5 + 2.5
            ("p", "k", "b", "2024-06", 1, 9_000_000),
        ]
        # a correction (b 9 → 3), a new row in a month that has rows, a new month
        later = [on("k", "2024-06-02", "3", "b"), on("k", "2024-06-30", "1", "a")]
        later.append(on("k", "2024-08-15", "-2", "b"))
        (outcome,) = store.ingest("p", [batch(later, name="2.csv")]).files
        assert (outcome.new, outcome.changed) == (2, 1)
        found = rollup(store)
        assert found == from_rows(store)
        assert totals_agree(store)
        assert [r[2:] for r in found if r[3] in ("2024-06", "2024-08")] == [
            ("a", "2024-06", 3, 8_500_000),  # 5 + 2.5 + 1
            ("b", "2024-06", 1, 3_000_000),
            ("b", "2024-08", 1, -2_000_000),
        ]
        # a hand delete (the trigger) recounts the month too
        store.connection.execute(  # type: ignore[attr-defined]
            "DELETE FROM observation WHERE kpi = 'k' AND date = '2024-06-20'"
        )
        assert rollup(store) == from_rows(store)
        assert ("p", "k", "a", "2024-06", 2, 6_000_000) in rollup(store)
        assert totals_agree(store)
        # the last row of a channel deleted by hand: its totals row goes too
        store.connection.execute(  # type: ignore[attr-defined]
            "DELETE FROM observation WHERE kpi = 'k' AND channel = ''"
        )
        assert totals_agree(store)
        assert rollup(store) == from_rows(store)
        # a ledger's refs and a budget line on one day and channel, then every row of k deleted
        more = [
            on("k", "2024-06-03", "2", "a", ref="inv-1"),
            on("k", "2024-06-03", "5", "a", ref="inv-2"),
        ]
        store.ingest("p", [batch(more, name="3.csv"), batch([on("j", "2024-06-01", "1", "a")])])
        assert totals_agree(store)
        store.connection.execute(  # type: ignore[attr-defined]
            "DELETE FROM observation WHERE kpi = 'k' AND ref = 'inv-1'"
        )
        assert totals_agree(store)
        store.connection.execute("DELETE FROM observation WHERE kpi = 'k'")  # type: ignore[attr-defined]
        assert totals_agree(store)
        assert rollup(store) == from_rows(store)
        assert [r[1] for r in rollup(store)] == ["j"]


def test_refs_of_a_ledger_add_up_in_the_rollup(backend: Backend) -> None:
    with open_store(backend.new()) as store:
        store.ingest("p", [batch([on("k", "2024-06-03", "2600", "a", ref="inv-1")], name="1")])
        store.ingest("p", [batch([on("k", "2024-06-03", "800", "a", ref="inv-2")], name="2")])
        assert rollup(store) == [("p", "k", "a", "2024-06", 2, 3_400_000_000)]
        sums = channel_sums(store.query("p"), ["k"], dt.date(2024, 6, 1), dt.date(2024, 6, 30))
        assert sums == {"k": {"a": D(3400)}}


def test_migration_5_backfills_the_rollup_of_a_version_4_store(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    old_store(
        path,
        4,
        [
            ("k", "2024-06-01", "a", 5_000_000, "promotion"),
            ("k", "2024-06-01", "a", 1_500_000, "labour"),
            ("k", "2024-06-30", "b", 3_000_000, ""),
            ("k", "2024-07-01", "", 2_000_000, ""),
        ],
    )
    with closing(sqlite3.connect(path)) as conn:  # version 4 recounted its daily rollup itself
        conn.execute(schema.ROLLUP_ALL)
        conn.commit()
    with Store.open(path) as store:
        assert store.schema_version() == schema.latest_version() == 12
        conn = store.connection
        assert conn.execute(ROLLUP).fetchall() == [
            ("p", "k", "", "2024-07", 1, 2, 0),
            ("p", "k", "a", "2024-06", 2, 6, 500_000),
            ("p", "k", "b", "2024-06", 1, 3, 0),
        ]
        # and ingest keeps it right afterwards
        store.ingest("p", [batch([obs("k", 15, "4", "b")], name="2.csv")])
        assert conn.execute(ROLLUP).fetchall() == conn.execute(CHANNEL_MONTHS_FROM_ROWS).fetchall()
        assert conn.execute(TOTALS).fetchall() == [  # migration 9's back-fill, then the ingest
            ("p", "k", "", 1, 2, 0),
            ("p", "k", "a", 2, 6, 500_000),
            ("p", "k", "b", 2, 7, 0),
        ]
        assert totals_agree(store)  # and migration 11's KPI totals
        assert conn.execute(KPI_TOTALS).fetchall()[0][:5] == (
            "p",
            "k",
            "2024-06-01",
            "2024-07-01",
            4,
        )
        sums = channel_sums(store.query("p"), ["k"], dt.date(2024, 6, 1), dt.date(2024, 7, 1))
        assert sums == {"k": {"a": D("6.5"), "b": D(7), "": D(2)}}


def test_window_edges_come_from_rows_and_whole_months_from_the_rollup(backend: Backend) -> None:
    # one value a day in channel a from 2024-01-30 to 2024-04-02 (64 days), day n worth n
    days = [dt.date(2024, 1, 30) + dt.timedelta(days=n) for n in range(64)]
    rows = [Observation("k", d, D(n + 1), "a") for n, d in enumerate(days)]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(rows)])
        sql = store.query("p")
        # Jan 31 (day 2) … Apr 1 (day 63): 2 + 3 + … + 63 = 2015
        assert channel_sums(sql, ["k"], dt.date(2024, 1, 31), dt.date(2024, 4, 1)) == {
            "k": {"a": D(2015)}
        }
        # the whole of February (days 3 … 31 of the run): 3 + … + 31 = 493
        assert channel_sums(sql, ["k"], dt.date(2024, 2, 1), dt.date(2024, 2, 29)) == {
            "k": {"a": D(493)}
        }
        assert channel_sums(sql, ["k", "none"], dt.date(2024, 5, 1), dt.date(2024, 5, 2)) == {}
        # a window holding every day of the data: 1 + … + 64 = 2080
        everything = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        assert channel_sums(sql, ["k"], *everything) == {"k": {"a": D(2080)}}
        assert channel_sums(sql, ["k"], days[0], days[-1]) == {"k": {"a": D(2080)}}


def test_a_window_holding_all_of_a_kpis_data_reads_its_channel_totals(backend: Backend) -> None:
    days = [dt.date(2024, 1, 30) + dt.timedelta(days=n) for n in range(64)]
    rows = [Observation("k", d, D(n + 1), "a") for n, d in enumerate(days)]
    rows += [Observation("j", d, D(1), "b") for d in days[10:20]]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(rows)])
        # mark the stored totals (a hand edit), to see which windows read them
        store.connection.execute(  # type: ignore[attr-defined]
            "UPDATE observation_channel_total SET whole = whole + 1000"
            if backend.name == "sqlite"
            else "UPDATE observation_channel_total SET total = total + 1000000000"
        )
        sql = store.query("p")
        assert channel_sums(sql, ["k", "j"], days[0], days[-1]) == {
            "k": {"a": D(3080)},  # all of k's days: its totals
            "j": {"b": D(1010)},
        }
        # one day short of k's data: k's totals less that day; j still wholly inside
        assert channel_sums(sql, ["k", "j"], days[1], days[-1]) == {
            "k": {"a": D(3079)},
            "j": {"b": D(1010)},
        }
        # February and March: two months of k's rollup, fewer than its totals less the
        # months around them (3 + … + 62 = 1950); all of j's days, its totals
        assert channel_sums(sql, ["k", "j"], days[2], days[61]) == {
            "k": {"a": D(1950)},
            "j": {"b": D(1010)},
        }
        with sql as held:  # inside a report's snapshot (PostgreSQL reads the spans once)
            assert channel_sums(held, ["j"], days[1], days[-1]) == {"j": {"b": D(1010)}}
            assert channel_sums(held, ["k", "j"], days[1], days[-1]) == {
                "k": {"a": D(3079)},
                "j": {"b": D(1010)},
            }
            assert channel_sums(held, ["k", "x"], days[0], days[-1]) == {"k": {"a": D(3080)}}


def test_a_span_is_cut_into_the_fewest_rollup_rows() -> None:
    first, last = dt.date(2025, 1, 1), dt.date(2025, 9, 7)  # a KPI's data days

    def cut(start: str, end: str) -> list[Piece]:
        return channel_pieces(dt.date.fromisoformat(start), dt.date.fromisoformat(end), first, last)

    assert cut("2024-12-01", "2025-12-31") == [("total", "", "", 1)]  # all of the data
    assert cut("2025-01-01", "2025-09-07") == [("total", "", "", 1)]
    assert cut("2025-09-08", "2025-12-31") == []  # none of it
    # a due date early in the data: the months before it, then its days
    assert cut("2025-01-01", "2025-03-04") == [
        ("months", "2025-01", "2025-02", 1),
        ("days", "2025-03-01", "2025-03-04", 1),
    ]
    # late in the data: the totals less the rest of its month (August less its first
    # 20 days would be 21 rows) and less September, whose seven days of data are all in
    # its month of the rollup
    assert cut("2025-01-01", "2025-08-20") == [
        ("total", "", "", 1),
        ("months", "2025-09", "2025-09", -1),
        ("days", "2025-08-21", "2025-08-31", -1),
    ]
    # September's days are those up to the last day of data: 3 inside, 4 after
    assert cut("2025-01-01", "2025-09-03") == [
        ("total", "", "", 1),
        ("days", "2025-09-04", "2025-09-07", -1),
    ]
    # a week in the middle: its days
    assert cut("2025-05-12", "2025-05-18") == [("days", "2025-05-12", "2025-05-18", 1)]
    # most of a month: the month less its other days
    assert cut("2025-05-02", "2025-05-30") == [
        ("months", "2025-05", "2025-05", 1),
        ("days", "2025-05-01", "2025-05-01", -1),
        ("days", "2025-05-31", "2025-05-31", -1),
    ]


def _covered(pieces: list[Piece], first: dt.date, last: dt.date) -> dict[dt.date, int]:
    """How many times each day of the data ``first`` … ``last`` is counted by ``pieces``."""
    counted: dict[dt.date, int] = {}
    day = first
    while day <= last:
        month = day.isoformat()[:7]
        for kind, a, b, sign in pieces:
            if (
                kind == "total"
                or (kind == "months" and a <= month <= b)
                or (kind == "days" and a <= day.isoformat() <= b)
            ):
                counted[day] = counted.get(day, 0) + sign
        day += dt.timedelta(days=1)
    return {d: n for d, n in counted.items() if n}


@given(
    st.dates(dt.date(2023, 11, 1), dt.date(2024, 4, 30)),
    st.integers(0, 200),
    st.dates(dt.date(2023, 12, 1), dt.date(2024, 3, 31)),
    st.integers(0, 120),
)
def test_the_pieces_of_a_span_count_each_day_of_data_in_it_once(
    start: dt.date, length: int, first: dt.date, span: int
) -> None:
    end, last = start + dt.timedelta(days=length), first + dt.timedelta(days=span)
    wanted = {
        first + dt.timedelta(days=n): 1
        for n in range(span + 1)
        if start <= first + dt.timedelta(days=n) <= end
    }
    assert _covered(channel_pieces(start, end, first, last), first, last) == wanted


def test_latest_dates_are_the_last_days_of_the_kpi_totals(backend: Backend) -> None:
    june = [dt.date(2024, 6, n) for n in (1, 5, 3)]
    rows = [Observation("k", june[0], D(1), "a"), Observation("k", june[1], D(2), "b")]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch([*rows, Observation("j", june[2], D(3))])])
        store.ingest("q", [batch([Observation("k", dt.date(2024, 7, 1), D(4))], name="q.csv")])
        assert store.query("p").latest_dates() == {"k": june[1], "j": june[2]}
        # mark the stored totals (a hand edit), to see that a report reads them: one row
        # per KPI, not a seek into each KPI's days
        store.connection.execute(  # type: ignore[attr-defined]
            "UPDATE observation_kpi_total SET last = '2024-06-09' WHERE plan_id = 'p' AND kpi = 'k'"
        )
        expected = {"k": dt.date(2024, 6, 9), "j": june[2]}
        assert store.query("p").latest_dates() == expected
        with store.query("p") as held:  # PostgreSQL: the totals read once for the snapshot
            assert held.aggregate([AggRequest("j", june[0], june[2])])
            assert held.latest_dates() == expected


def test_a_window_holding_all_of_a_kpis_data_reads_its_kpi_totals(backend: Backend) -> None:
    days = [dt.date(2024, 1, 30) + dt.timedelta(days=n) for n in range(64)]
    rows = [Observation("k", d, D(n + 1), "a") for n, d in enumerate(days)]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(rows)])
        # mark the stored totals (a hand edit), to see which windows read them
        store.connection.execute(  # type: ignore[attr-defined]
            "UPDATE observation_kpi_total SET whole = whole + 1000, high = high + 5000000"
            if backend.name == "sqlite"
            else "UPDATE observation_kpi_total SET total = total + 1000000000, high = high + 5000000"
        )
        sql = store.query("p")
        asked = [
            AggRequest("k", first, last, how)
            for first, last in (
                (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
                (days[0], days[-1]),  # exactly the data's days: its totals
                (days[1], days[-1]),  # a day short at either end: its days
                (days[0], days[-2]),
            )
            for how in ("sum", "max")
        ]
        found = sql.aggregate(asked)
        assert [found[a].value for a in asked] == [
            *(D(3080), D(69), D(3080), D(69)),
            *(D(2079), D(64), D(2016), D(63)),
        ]
        assert [found[a].count for a in asked] == [64, 64, 64, 64, 63, 63, 63, 63]
        assert found[asked[0]].first == days[0]
        assert found[asked[0]].last == days[-1]
        # a sum one day short: the totals less that day (fewer day rows than its own 63)
        short = [AggRequest("k", days[1], days[-1]), AggRequest("k", days[0], days[-2], "mean")]
        found = sql.aggregate(short)
        assert [found[a].value for a in short] == [D(3079), D(3016) / 63]
        assert [(found[a].count, found[a].first, found[a].last) for a in short] == [
            (63, days[1], days[-1]),
            (63, days[0], days[-2]),
        ]
        # a window after the last day of the totals (moved back by hand) holds none of the
        # KPI's data: no statement looks for its days
        store.connection.execute(  # type: ignore[attr-defined]
            "UPDATE observation_kpi_total SET last = '2024-03-31'"
            if backend.name == "sqlite"
            else "UPDATE observation_kpi_total SET last = DATE '2024-03-31'"
        )
        after = [AggRequest("k", days[-2], days[-1], how) for how in ("sum", "last", "max")]
        found = sql.aggregate(after)
        assert [found[a].value for a in after] == [None, None, None]
        assert [found[a].count for a in after] == [0, 0, 0]


DAY0 = dt.date(2024, 1, 20)
observations = st.builds(
    Observation,
    kpi=st.sampled_from(("a", "b")),
    date=st.integers(0, 80).map(lambda n: DAY0 + dt.timedelta(days=n)),
    value=st.decimals(min_value=D(-1000), max_value=D(1000), places=6, allow_nan=False),
    channel=st.sampled_from(("", "web", "shop")),
    line=st.one_of(st.none(), st.sampled_from(("promotion", "labour"))),
)
windows = st.tuples(st.integers(-5, 85), st.integers(0, 90)).map(
    lambda w: (DAY0 + dt.timedelta(days=w[0]), DAY0 + dt.timedelta(days=w[0] + w[1]))
)


EXAMPLES = itertools.count()


# one store for every example (a fresh database per example would cost more than the
# example); each example writes a plan of its own
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(observations, max_size=30),
    st.lists(observations, max_size=15),
    st.lists(
        st.tuples(windows, st.lists(st.sampled_from(("a", "b", "c")), min_size=1, max_size=3)),
        min_size=1,
        max_size=4,
    ),
)
def test_channel_sums_agree_with_memory(
    backend: Backend,
    first: list[Observation],
    second: list[Observation],
    asked: list[tuple[tuple[dt.date, dt.date], list[str]]],
) -> None:
    def unique(rows: list[Observation]) -> list[Observation]:
        return list({(o.kpi, o.date, o.channel, o.line): o for o in rows}.values())

    first, second = unique(first), unique(second)
    memory = MemoryObservations(first + second)
    plan = f"p{next(EXAMPLES)}"
    with open_store(backend.shared()) as store:
        store.ingest(plan, [batch(first, name="1.csv")])
        store.ingest(plan, [batch(second, name="2.csv")])  # new rows and corrections
        assert rollup(store, plan) == from_rows(store, plan)
        assert totals_agree(store)
        sql = store.query(plan)
        for (start, end), kpis in asked:
            assert channel_sums(sql, kpis, start, end) == channel_sums(memory, kpis, start, end)
        # every window in one call, each with KPIs of its own (some asked twice)
        spans = [Span(kpi, start, end) for (start, end), kpis in asked for kpi in kpis]
        assert sql.channel_sums(spans) == memory.channel_sums(spans)
