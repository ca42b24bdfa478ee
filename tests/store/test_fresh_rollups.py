"""The rollups of a file whose days held none of its KPIs' observations (a new week's file):
SQLite counts them from the rows in memory instead of reading the rows back
(``upsert.count_fresh_rollups``). They must be the rollups as defined, counted from the stored
rows, whatever was stored around the file's days, on both backends."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import sqlite3
from collections.abc import Sequence
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktplan.store import FileBatch, ObservationStore, open_store
from mktplan.store.records import Row
from tests.conftest import Backend
from tests.store.test_channel_rollup import from_rows, rollup, totals_agree

# SQLite's daily rollup, stored and as defined (a day-channel's lines and refs added up first)
DAYS = "SELECT * FROM observation_day WHERE plan_id = ? ORDER BY 1, 2, 3"
DAYS_FROM_ROWS = (
    "SELECT plan_id, kpi, date, count(*), sum(v / 1000000), sum(v % 1000000), min(v), max(v) "
    "FROM (SELECT plan_id, kpi, date, sum(value) AS v FROM observation WHERE plan_id = ? "
    "GROUP BY plan_id, kpi, date, channel) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)


def rows_batch(rows: Sequence[Row], name: str) -> FileBatch:
    """A batch in ingest's fast form (:data:`Row` tuples, in key order), as the pipeline
    hands it over: the form whose rollups of new days are counted in memory."""
    ordered = sorted(rows, key=lambda r: (r[0], r[1], r[2], r[5] or "", r[7] or ""))
    return FileBatch(
        name=name,
        sha256=hashlib.sha256(repr(ordered).encode()).hexdigest(),
        source="long",
        config_digest="cfg",
        rows_read=len(ordered),
        rows=ordered,
    )


def row(
    kpi: str,
    day: str,
    micro: int,
    channel: str = "",
    line: str | None = None,
    ref: str | None = None,
) -> Row:
    return (kpi, day, channel, micro, None, line, 2, ref)


def rollups_agree(store: ObservationStore, plan: str) -> bool:
    """Every rollup of ``plan`` as counted from its rows."""
    conn = store.connection  # type: ignore[attr-defined]
    days_agree = not isinstance(conn, sqlite3.Connection) or (
        conn.execute(DAYS, (plan,)).fetchall() == conn.execute(DAYS_FROM_ROWS, (plan,)).fetchall()
    )
    return days_agree and rollup(store, plan) == from_rows(store, plan) and totals_agree(store)


def test_a_file_between_stored_days_counts_the_edge_months_whole(backend: Backend) -> None:
    # June 1, 2 and 5 and July 25 and 30 stored; then a file of June 10 - July 20 (none of
    # its days stored): June's and July's channel rows hold both files' rows
    around = [row("k", f"2024-06-0{d}", 1_000_000 * d, "a") for d in (1, 5)]
    around += [row("k", f"2024-07-{d}", 1_000_000 * d, "a") for d in (25, 30)]
    around += [row("k", "2024-06-02", 7, "b")]
    between = [
        row("k", "2024-06-10", 3_000_000, "a"),
        row("k", "2024-06-10", -1_999_999, "b", line="L1"),
        row("k", "2024-06-10", -500_000, "b", line="L2"),
        row("k", "2024-06-20", 250_000, "b", ref="inv-1"),
        row("k", "2024-06-20", 750_001, "b", ref="inv-2"),
        row("k", "2024-07-20", -2_500_001, "a"),
        row("j", "2024-06-10", 1, ""),
    ]
    with open_store(backend.new()) as store:
        store.ingest("p", [rows_batch(around, "around.csv")])
        (outcome,) = store.ingest("p", [rows_batch(between, "between.csv")]).files
        assert (outcome.new, outcome.changed) == (7, 0)
        assert rollups_agree(store, "p")
        assert [r[2:] for r in rollup(store, "p") if r[1] == "k"] == [
            ("a", "2024-06", 3, 9_000_000),  # 1 + 5 + 3
            ("a", "2024-07", 3, 52_499_999),  # -2.500001 + 25 + 30
            ("b", "2024-06", 5, -1_499_991),  # 7 µ, -1.999999 - 0.5 + 0.25 + 0.750001
        ]
        if isinstance(store.connection, sqlite3.Connection):  # type: ignore[attr-defined]
            day = store.connection.execute(  # type: ignore[attr-defined]
                "SELECT n, whole, rest, low, high FROM observation_day "
                "WHERE kpi = 'k' AND date = '2024-06-10'"
            ).fetchone()
            # channel a: 3; channel b: its two lines, -2.499999 (whole -2, rest -499999)
            assert day == (2, 3 - 2, -499_999, -2_499_999, 3_000_000)


EXAMPLES = itertools.count()
DAY0 = dt.date(2024, 5, 25)
MICROS = st.one_of(
    st.integers(-(10**12), 10**12), st.integers(-(10**18), 10**18), st.sampled_from([0, -1, 1])
)
ROWS = st.tuples(
    st.sampled_from(["a", "b"]),
    st.integers(0, 45).map(lambda d: (DAY0 + dt.timedelta(days=d)).isoformat()),
    st.sampled_from(["", "x", "y"]),
    MICROS,
    st.sampled_from([None, "L1", "L2"]),
    st.sampled_from([None, "r1"]),
)


def _unique(drawn: list[tuple[str, str, str, int, str | None, str | None]]) -> list[Row]:
    keyed = {
        (k, d, c, line or "", ref or ""): (k, d, c, v, line, ref) for k, d, c, v, line, ref in drawn
    }
    return [(k, d, c, v, None, line, 2, ref) for k, d, c, v, line, ref in keyed.values()]


# one store for every example; each example writes a plan of its own
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(ROWS, max_size=25), min_size=1, max_size=4))
def test_rollups_of_new_days_are_those_of_the_rows(
    backend: Backend, files: list[list[tuple[Any, ...]]]
) -> None:
    plan = f"p{next(EXAMPLES)}"
    with open_store(backend.shared()) as store:
        for number, drawn in enumerate(files):
            store.ingest(plan, [rows_batch(_unique(drawn), f"{number}.csv")])
            assert rollups_agree(store, plan)
