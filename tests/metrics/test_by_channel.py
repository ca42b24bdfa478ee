"""The channel view (docs/metrics.md, "By channel"): every number worked out by hand."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mktplan.evaluation import ChannelValue, Evaluation, KpiResult, ModuleChannel
from mktplan.metrics import evaluate, ratio, shares
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from mktplan.store import Store
from tests.store.helpers import batch

D = Decimal
AS_OF = dt.date(2024, 1, 5)


def module(mid: str) -> dict[str, Any]:
    return {
        "id": mid,
        "name": f"Module {mid}",
        "owner": "Ann Wu",
        "budget": 400,
        "goal": "Sales of 1,000 CNY by 10 January 2024",
        "kpis": [
            {"id": "sales", "name": "Sales", "unit": "CNY", "role": "revenue", "target": 1000},
            {"id": "spend", "name": "Spend", "unit": "CNY", "role": "spend"},
            {"id": "visits", "name": "Visits", "unit": "count"},
            {"id": "orders", "name": "Orders", "unit": "count"},
            {"id": "cr", "name": "Conversion", "unit": "%", "formula": "orders / visits"},
            {"id": "peak", "name": "Peak", "unit": "count", "aggregation": "max"},
        ],
    }


def channel_plan() -> Plan:
    return Plan.model_validate(
        {
            "plan": {
                "id": "ch",
                "name": "Channel plan",
                "owner": "Pat Lee",
                "period": {"start": "2024-01-01", "end": "2024-01-10"},
            },
            "budget": {"total": 1000, "reserve": 100},
            "kpis": [
                {
                    "id": "total",
                    "name": "Total sales",
                    "formula": "a.sales + b.sales",
                    "target": 2000,
                },
                {"id": "roas", "name": "ROAS", "unit": "ratio", "formula": "revenue / spend"},
            ],
            "modules": [module("a"), module("b")],
        }
    )


def o(kpi: str, n: int, value: str, channel: str = "") -> Observation:
    return Observation(kpi, dt.date(2024, 1, n), D(value), channel)


OBSERVATIONS = [
    o("a.sales", 1, "300", "x"),
    o("a.sales", 2, "100", "y"),
    o("a.sales", 3, "50"),  # no channel
    o("a.sales", 7, "999", "y"),  # after as-of: outside every window
    o("a.spend", 1, "100", "x"),
    o("a.spend", 2, "100", "y"),
    o("b.sales", 1, "200", "x"),
    o("b.spend", 1, "50", "x"),
    # a.cr: x converts 10 of 100 and 3 of 300 (daily rates 10 % and 1 %), y 2 of 100
    o("a.visits", 1, "100", "x"),
    o("a.visits", 2, "300", "x"),
    o("a.visits", 1, "100", "y"),
    o("a.orders", 1, "10", "x"),
    o("a.orders", 2, "3", "x"),
    o("a.orders", 1, "2", "y"),
    # b.cr: orders by channel, visits without channels: no split of the rate
    o("b.visits", 1, "500"),
    o("b.orders", 1, "5", "x"),
    o("a.peak", 1, "7", "x"),
]


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    return evaluate(channel_plan(), MemoryObservations(OBSERVATIONS), AS_OF)


def kpi(ev: Evaluation, qid: str) -> KpiResult:
    return next(k for k in ev.kpis if k.id == qid)


def test_a_sum_kpi_splits_into_channels_with_shares(ev: Evaluation) -> None:
    # a.visits 500: x 100 + 300 = 400 (80 %), y 100 (20 %)
    assert kpi(ev, "a.visits").by_channel == [
        ChannelValue("x", D(400), D("0.8")),
        ChannelValue("y", D(100), D("0.2")),
    ]
    # a.sales 450: x 300, y 100, and 50 without a channel; largest first, "" is a row too
    assert kpi(ev, "a.sales").by_channel == [
        ChannelValue("x", D(300), D("0.666667")),
        ChannelValue("y", D(100), D("0.222222")),
        ChannelValue("", D(50), D("0.111111")),
    ]


six_places = st.decimals(
    min_value=D(-(10**12)), max_value=D(10**12), places=6, allow_nan=False, allow_infinity=False
)
# a formula KPI's actual may carry all 28 digits of a quotient
any_places = st.decimals(
    min_value=D(-(10**15)), max_value=D(10**15), allow_nan=False, allow_infinity=False
)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(six_places, any_places), max_size=25), total=any_places)
# the quotient rounds to 28 digits (…5000…) before the half-up rounding to six places
@example(values=[D("0.12345649999999999999999999999")], total=D(1))
@example(values=[D(1), D(2)], total=D(3))
@example(values=[D(1)], total=D(0))
@example(values=[D("1E+20")], total=D("3E-6"))
def test_shares_are_the_ratio_of_each_value(values: list[Decimal], total: Decimal) -> None:
    # the same digits and exponent, not only an equal number
    expected = [ratio(value, total) for value in values]
    assert [None if s is None else s.as_tuple() for s in shares(values, total)] == [
        None if s is None else s.as_tuple() for s in expected
    ]


def test_shares_of_many_random_values_are_their_ratios() -> None:
    draw = random.Random(20261130)  # noqa: S311 (reproducible test data)
    for _ in range(2000):
        total = D(draw.randint(-(10**15), 10**15)).scaleb(-draw.randint(0, 12))
        values = [D(draw.randint(-(10**12), 10**12)).scaleb(-6) for _ in range(20)]
        expected = [ratio(value, total) for value in values]
        assert [None if s is None else s.as_tuple() for s in shares(values, total)] == [
            None if s is None else s.as_tuple() for s in expected
        ]


@settings(max_examples=100, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(["", "a", "b", "c", "d", "e"]),
        st.sampled_from([D(-3), D(0), D("0.5"), D("2.50"), D("2.5"), D(7), D(10**6)]),
        min_size=1,
    )
)
def test_a_measured_split_is_largest_first_then_by_channel(values: dict[str, Decimal]) -> None:
    # ties (2.5 and 2.50), zeros and negatives: the order and shares the evaluation table
    # documents, worked out here the plain way
    rows = [o("a.sales", 1, str(value), channel) for channel, value in values.items()]
    if not any(values):  # no named channel: no split
        return
    found = kpi(evaluate(channel_plan(), MemoryObservations(rows), AS_OF), "a.sales")
    assert found.actual is not None
    expected = sorted(
        (ChannelValue(c, v, ratio(v, found.actual)) for c, v in values.items()),
        key=lambda r: (-(r.actual or 0), r.channel),
    )
    assert [(r.channel, str(r.actual), str(r.share)) for r in found.by_channel] == [
        (r.channel, str(r.actual), str(r.share)) for r in expected
    ]


def test_a_rate_is_a_ratio_of_the_channel_sums(ev: Evaluation) -> None:
    # total 15 ÷ 500 = 3 %; x: 13 ÷ 400 = 3.25 % (the mean of its daily rates would say
    # 5.5 %), y: 2 ÷ 100 = 2 %; the rates of channels do not add up: no share
    assert kpi(ev, "a.cr").actual == D(3)
    assert kpi(ev, "a.cr").by_channel == [
        ChannelValue("x", D("3.25"), None),
        ChannelValue("y", D(2), None),
    ]


def test_a_ratio_without_channels_on_both_sides_is_not_split(ev: Evaluation) -> None:
    assert kpi(ev, "b.orders").by_channel == [ChannelValue("x", D(5), D(1))]
    assert kpi(ev, "b.visits").by_channel == []  # no channel data at all
    assert kpi(ev, "b.cr").by_channel == []


def test_a_cumulative_formula_adds_per_channel(ev: Evaluation) -> None:
    # total = a.sales + b.sales = 450 + 200 = 650; x 300 + 200, y 100 + 0, "" 50 + 0
    total = kpi(ev, "total")
    assert total.actual == D(650)
    assert total.by_channel == [
        ChannelValue("x", D(500), D("0.769231")),
        ChannelValue("y", D(100), D("0.153846")),
        ChannelValue("", D(50), D("0.076923")),
    ]


def test_a_ratio_formula_of_roles_is_split_when_every_input_has_channels(ev: Evaluation) -> None:
    # roas = (450 + 200) ÷ (200 + 50) = 2.6; x (300 + 200) ÷ (100 + 50), y 100 ÷ 100,
    # "" 50 ÷ 0 = unknown (listed last)
    assert kpi(ev, "roas").actual == D("2.6")
    assert kpi(ev, "roas").by_channel == [
        ChannelValue("x", D("3.333333"), None),
        ChannelValue("y", D(1), None),
        ChannelValue("", None, None),
    ]


def test_levels_measured_with_max_have_no_split(ev: Evaluation) -> None:
    assert kpi(ev, "a.peak").by_channel == []


def test_a_module_has_spend_revenue_and_roi_per_channel(ev: Evaluation) -> None:
    a, b = ev.modules
    assert a.by_channel == [
        ModuleChannel("x", D(100), D(300), D(3)),
        ModuleChannel("y", D(100), D(100), D(1)),
        ModuleChannel("", D(0), D(50), None),  # revenue without spend: no ROI
    ]
    assert b.by_channel == [ModuleChannel("x", D(50), D(200), D(4))]


def test_a_module_whose_spend_has_no_channels_is_not_split() -> None:
    booked = [obs if obs.kpi != "a.spend" else replace(obs, channel="") for obs in OBSERVATIONS]
    a, _ = evaluate(channel_plan(), MemoryObservations(booked), AS_OF).modules
    assert a.spend == D(200)
    assert a.by_channel == []


def test_the_store_gives_the_same_channel_view(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.sqlite") as store:
        store.ingest("ch", [batch(OBSERVATIONS)])
        from_store = evaluate(channel_plan(), store.query("ch"), AS_OF)
    memory = evaluate(channel_plan(), MemoryObservations(OBSERVATIONS), AS_OF)
    assert [k.by_channel for k in from_store.kpis] == [k.by_channel for k in memory.kpis]
    assert [m.by_channel for m in from_store.modules] == [m.by_channel for m in memory.modules]
