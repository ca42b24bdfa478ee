"""The SQL answers equal the reference MemoryObservations, for any observations and requests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktplan.observations import AggRequest, MemoryObservations, Observation
from mktplan.store import open_store
from mktplan.store.query import _decimal
from mktplan.store.records import MICRO, from_micro
from tests.conftest import Backend
from tests.store.helpers import batch, channel_sums, obs

KPIS = ("a", "b", "c")
DAY0 = dt.date(2024, 6, 1)

values = st.decimals(
    min_value=Decimal("-1000000"), max_value=Decimal("1000000"), places=6, allow_nan=False
)
observations = st.builds(
    Observation,
    kpi=st.sampled_from(KPIS),
    date=st.integers(0, 9).map(lambda n: DAY0 + dt.timedelta(days=n)),
    value=values,
    channel=st.sampled_from(("", "web", "shop")),
    note=st.one_of(st.none(), st.sampled_from(("late", "低于预期"))),
    line=st.one_of(st.none(), st.sampled_from(("promotion", "labour"))),
)
windows = st.tuples(st.integers(-1, 10), st.integers(0, 11)).map(
    lambda w: (DAY0 + dt.timedelta(days=w[0]), DAY0 + dt.timedelta(days=w[0] + w[1]))
)
requests = st.builds(
    lambda kpi, window, how, weight: AggRequest(kpi, *window, how=how, weight=weight),
    st.sampled_from((*KPIS, "missing")),
    windows,
    st.sampled_from(("sum", "last", "max", "min", "mean")),
    st.one_of(st.none(), st.sampled_from(KPIS)),
)


def unique(items: list[Observation]) -> list[Observation]:
    """One observation per key (a file is aggregated before it reaches the store)."""
    return list({(o.kpi, o.date, o.channel): o for o in items}.values())


EXAMPLES = itertools.count()


# one store for every example (a fresh database per example would cost more than the
# example); each example writes plans of its own
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    first=st.lists(observations, max_size=40),
    second=st.lists(observations, max_size=20),
    asked=st.lists(requests, min_size=1, max_size=12),
    window=windows,
    kpis=st.lists(st.sampled_from((*KPIS, "missing")), max_size=3, unique=True),
)
def test_sql_answers_equal_the_reference(
    backend: Backend,
    first: list[Observation],
    second: list[Observation],
    asked: list[AggRequest],
    window: tuple[dt.date, dt.date],
    kpis: list[str],
) -> None:
    first, second = unique(first), unique(second)
    memory = MemoryObservations([*first, *second])  # the later file wins, as in the store
    plan = f"p{next(EXAMPLES)}"
    with open_store(backend.shared()) as store:
        store.ingest(plan, [batch(first, name="1.csv"), batch(second, name="2.csv")])
        store.ingest(f"{plan}-other", [batch(second, name="noise.csv")])  # invisible to plan
        sql = store.query(plan)
        assert sql.aggregate(asked) == memory.aggregate(asked)
        assert sql.latest_dates() == memory.latest_dates()
        assert sql.sums_by_line(kpis, *window) == memory.sums_by_line(kpis, *window)
        assert sql.daily_totals(kpis, *window) == memory.daily_totals(kpis, *window)
        spans = [window, (window[0], window[0]), (window[1], window[0])]
        assert sql.window_sums(kpis, spans) == memory.window_sums(kpis, spans)
        # windows that do not overlap, with a day between them, out of order, and an empty one
        day = dt.timedelta(days=1)
        apart = [
            (window[0] + n * day, min(window[1], window[0] + (n + 1) * day))
            for n in range(0, (window[1] - window[0]).days + 1, 3)
        ]
        apart = [*reversed(apart), (window[1] + day, window[0])]
        assert sql.window_sums(kpis, apart) == memory.window_sums(kpis, apart)
        assert sql.notes(*window) == memory.notes(*window)
        assert channel_sums(sql, kpis, *window) == channel_sums(memory, kpis, *window)
        assert sql.is_empty() == (not first and not second)


def test_window_sums_add_the_kpis_sums_as_decimals_in_the_order_given(backend: Backend) -> None:
    day = dt.date(2024, 6, 1)
    rows = [
        Observation("a", day, Decimal("1.5"), "web"),
        Observation("a", day, Decimal(1), "shop"),
        Observation("b", day, Decimal("2.5"), "web"),
        Observation("c", day + dt.timedelta(days=1), Decimal(3)),
    ]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(rows)])
        windows = [(day, day), (day, day + dt.timedelta(days=6)), (day - dt.timedelta(days=1),) * 2]
        found = store.query("p").window_sums(["b", "a", "b", "missing"], windows)
        # Σ of each KPI (2.5 and 2.5), added as Decimals: 5.0, as the metrics add a role's
        # KPIs; c is not asked for; no data the day before
        assert [str(v) for v in found] == ["5.0", "5.0", "None"]


def test_weighted_mean_joins_on_date_and_channel(backend: Backend) -> None:
    data = [
        obs("rate", 1, "2.5", "web"),
        obs("rate", 1, "5", "shop"),
        obs("rate", 2, "4", "web"),  # no weight on this date and channel: left out
        obs("visits", 1, "100", "web"),
        obs("visits", 1, "300", "shop"),
        obs("visits", 3, "999", "web"),
    ]
    request = AggRequest("rate", DAY0, DAY0 + dt.timedelta(days=9), "mean", weight="visits")
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(data)])
        result = store.query("p").aggregate([request])[request]
    assert result.value == Decimal("4.375")  # (2.5·100 + 5·300) ÷ 400
    assert result.count == 3
    assert result == MemoryObservations(data).aggregate([request])[request]


def test_sums_beyond_64_bits_stay_exact(backend: Backend) -> None:
    big = "4000000000000.000001"  # 4·10^18 micro-units each; three overflow a 64-bit sum
    data = [obs("gmv", 1, big, ch) for ch in ("a", "b", "c")] + [obs("gmv", 2, "-1", "a")]
    asked = [
        AggRequest("gmv", DAY0, DAY0 + dt.timedelta(days=1), how)
        for how in ("sum", "last", "mean", "max", "min")
    ]
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(data)])
        answers = store.query("p").aggregate(asked)
        by_line = store.query("p").sums_by_line(["gmv"], DAY0, DAY0 + dt.timedelta(days=1))
    assert answers == MemoryObservations(data).aggregate(asked)
    assert answers[asked[0]].value == Decimal("11999999999999.000003")
    assert by_line == {"": Decimal("11999999999999.000003")}


def test_weighted_mean_beyond_64_bits_is_close(backend: Backend) -> None:
    data = [obs("v", d, "3000000000000", "x") for d in (1, 2)] + [
        obs("w", 1, "5000000000000", "x"),
        obs("w", 2, "1000000000000", "x"),
    ]
    data[1] = obs("v", 2, "6000000000000", "x")
    request = AggRequest("v", DAY0, DAY0 + dt.timedelta(days=1), "mean", weight="w")
    with open_store(backend.new()) as store:
        store.ingest("p", [batch(data)])
        value = store.query("p").aggregate([request])[request].value
    expected = MemoryObservations(data).aggregate([request])[request].value
    assert value is not None
    assert expected == Decimal("3500000000000")
    assert value == pytest.approx(expected, rel=Decimal("1e-12"))


@given(st.integers(-(10**30), 10**30), st.one_of(st.just(0), st.integers(-(10**9), 10**9)))
def test_a_sum_in_whole_units_and_remainders_is_the_decimal_from_micro_gives(
    whole: int, rest: int
) -> None:
    found = _decimal(whole, rest)
    assert (str(found), found.as_tuple()) == (
        str(expected := from_micro(whole * MICRO + rest)),
        expected.as_tuple(),
    )
