"""Report figures checked by hand against docs/metrics.md (QA of the weekly report): each
expected value below is worked out in the comment beside it, not read off the code."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation

from .plans import AS_OF, day, small_data, small_plan

D = Decimal


def _daily(kpi: str) -> list[tuple[dt.date, Decimal]]:
    ev = evaluate(small_plan(), small_data(), AS_OF, include_daily=True)
    return [(d.date, d.value) for d in ev.daily if d.kpi == kpi]


def test_a_rate_is_never_summed_over_channels_in_the_daily_values() -> None:
    # web.ctr, mean weighted by impressions: 2 % on 1,000 (a) and 1 % on 3,000 (b) on Jan 1
    # is (2×1000 + 1×3000) ÷ 4000 = 1.25 %, as the KPI itself says for that day; the sum of
    # the channels' rates, 3 %, is no CTR at all
    assert _daily("web.ctr") == [(day(1), D("1.25"))]


def test_a_mean_is_the_mean_of_the_days_channels() -> None:
    # web.avg (mean): 5 (a) and 9 (b) on Jan 1 → 7, not 14; 7 (a) on Jan 2 → 7
    assert _daily("web.avg") == [(day(1), D(7)), (day(2), D(7))]


def test_max_and_min_take_the_days_channels_not_their_sum() -> None:
    # web.peak (max) and web.low (min): 5 (a) and 9 (b) on Jan 1, 7 (a) on Jan 2
    assert _daily("web.peak") == [(day(1), D(9)), (day(2), D(7))]
    assert _daily("web.low") == [(day(1), D(5)), (day(2), D(7))]


def test_sums_and_last_values_still_add_up_their_channels() -> None:
    # web.visits 100 (a) + 400 (b) on Jan 1; web.followers (last) 100 (a) + 50 (b) on Jan 1,
    # 120 + 60 on Jan 3: a level's value on a day is Σ over its channels that day
    assert _daily("web.visits")[0] == (day(1), D(500))
    assert _daily("web.followers") == [(day(1), D(150)), (day(3), D(180))]


def test_a_threshold_is_met_from_exactly_its_value_and_grades_the_reported_score() -> None:
    # web.followers (last, a level) against its target 500: 450 is 0.9 = on_track, 350 is
    # 0.7 = at_risk; a score is graded as shown, a percentage to one place (docs/metrics.md,
    # "Status"): 449.9 is 0.8998, shown 90.0 %: on_track; 449.7 is 0.8994, shown 89.9 %:
    # at_risk; 349.99 is 0.69998, shown 70.0 %: at_risk; 349.7 (69.9 %) is off_track
    def graded(value: str) -> tuple[Decimal | None, str]:
        data = MemoryObservations([Observation("web.followers", day(1), D(value))])
        k = next(k for k in evaluate(small_plan(), data, AS_OF).kpis if k.id == "web.followers")
        return k.attainment, k.status

    assert graded("450") == (D("0.9"), "on_track")
    assert graded("449.9999") == (D("0.900000"), "on_track")
    assert graded("449.9") == (D("0.8998"), "on_track")
    assert graded("449.7") == (D("0.8994"), "at_risk")
    assert graded("350") == (D("0.7"), "at_risk")
    assert graded("349.9999") == (D("0.700000"), "at_risk")
    assert graded("349.99") == (D("0.69998"), "at_risk")
    assert graded("349.7") == (D("0.6994"), "off_track")
