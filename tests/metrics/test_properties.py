"""Properties that hold for any data: attainment reproduces actual, and ratio KPIs do not
care how observations are split across channels and days."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mktplan.metrics import QUANTUM, evaluate, quantize
from mktplan.observations import MemoryObservations, Observation

from .plans import AS_OF, small_plan

PLAN = small_plan()
money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**7), places=2)
counts = st.integers(min_value=0, max_value=10**6).map(Decimal)
days = st.integers(min_value=1, max_value=5).map(lambda n: dt.date(2024, 1, n))
channels = st.sampled_from(["", "a", "b", "c"])


@settings(max_examples=60, deadline=None)
@given(values=st.lists(money, min_size=1, max_size=8), target=money)
def test_attainment_times_target_is_actual(values: list[Decimal], target: Decimal) -> None:
    plan = PLAN.model_copy(
        update={
            "modules": [
                PLAN.modules[0].model_copy(
                    update={
                        "kpis": [
                            k.model_copy(update={"target": target}) if k.id == "sales" else k
                            for k in PLAN.modules[0].kpis
                        ]
                    }
                ),
                PLAN.modules[1],
            ]
        }
    )
    rows = [Observation("web.sales", dt.date(2024, 1, 1), v, f"c{i}") for i, v in enumerate(values)]
    sales = next(
        k for k in evaluate(plan, MemoryObservations(rows), AS_OF).kpis if k.id == "web.sales"
    )
    assert sales.actual == sum(values, Decimal(0))
    assert sales.attainment is not None
    # exact up to the six-place rounding of the attainment
    assert abs(sales.attainment * target - sales.actual) <= target * QUANTUM / 2


pairs = st.lists(st.tuples(counts, counts), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    pairs=pairs,
    places=st.lists(st.tuples(days, channels), min_size=6, max_size=6, unique=True),
    order=st.randoms(use_true_random=False),
)
def test_ratio_kpi_ignores_how_observations_are_split(
    pairs: list[tuple[Decimal, Decimal]], places: list[tuple[dt.date, str]], order: random.Random
) -> None:
    orders = sum((p[0] for p in pairs), Decimal(0))
    visits = sum((p[1] for p in pairs), Decimal(0))
    rows = []
    for (num, den), (day, channel) in zip(pairs, places, strict=False):
        rows.append(Observation("web.orders", day, num, channel))
        rows.append(Observation("web.visits", day, den, channel))
    order.shuffle(rows)
    split = evaluate(PLAN, MemoryObservations(rows), AS_OF).kpis
    lumped_rows = [
        Observation("web.orders", dt.date(2024, 1, 1), orders),
        Observation("web.visits", dt.date(2024, 1, 1), visits),
    ]
    lumped = evaluate(PLAN, MemoryObservations(lumped_rows), AS_OF).kpis
    cr_split = next(k for k in split if k.id == "web.cr")
    cr_lumped = next(k for k in lumped if k.id == "web.cr")
    assert cr_split.actual == cr_lumped.actual
    if visits:
        assert cr_split.actual == quantize(orders * 100 / visits)  # half-up, six places
    else:
        assert cr_split.actual is None  # division by zero is unknown, not zero
