"""This period vs the last, the trend and the time elapsed: every number worked out by hand
from the small plan (2024-01-01 … 2024-01-10) and its data in plans.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from mktplan.evaluation import Change, ChannelDrop, Evaluation, KpiResult, PeriodValue
from mktplan.i18n import summary_sentences
from mktplan.metrics import evaluate, period_length, period_steps
from mktplan.observations import MemoryObservations, Observation

from .plans import AS_OF, day, obs, small_data, small_plan, small_rows

D = Decimal


def kpi(ev: Evaluation, qid: str) -> KpiResult:
    return next(k for k in ev.kpis if k.id == qid)


def test_day_periods_compare_as_of_with_the_day_before() -> None:
    ev = evaluate(small_plan(), small_data(), day(3), period="day")
    sales = kpi(ev, "web.sales")
    assert sales.period == PeriodValue(day(3), day(3), D(150))
    assert sales.previous_period == PeriodValue(day(2), day(2), D(200))
    assert sales.change == Change(D(-50), D("-0.25"))  # −50 ÷ 200
    assert ev.plan.period == "day"
    assert ev.plan.period_number == 3


def test_rate_is_a_ratio_of_sums_within_each_window_and_changes_in_points() -> None:
    ev = evaluate(small_plan(), small_data(), day(3), period="day")
    cr = kpi(ev, "web.cr")
    # Jan 3: orders 6+2 = 8 ÷ visits 300+100 = 400 → 2 %; Jan 2: 14 ÷ 500 → 2.8 %
    assert cr.period is not None
    assert cr.period.actual == D(2)
    assert cr.previous_period is not None
    assert cr.previous_period.actual == D("2.8")
    assert cr.change == Change(D("-0.8"), None)  # percent points, no relative change
    # cumulative: Jan 1–2 28 ÷ 1000 = 2.8 %; Jan 1–3 36 ÷ 1400 = 2.571429 % (the actual)
    assert [(p.actual, p.cumulative) for p in cr.trend] == [
        (D("2.8"), D("2.8")),
        (D("2.8"), D("2.8")),
        (D(2), D("2.571429")),
    ]
    assert cr.trend[-1].cumulative == cr.actual


def test_level_kpi_takes_its_last_value_within_the_window() -> None:
    ev = evaluate(small_plan(), small_data(), day(3), period="day")
    followers = kpi(ev, "web.followers")
    assert followers.period is not None
    assert followers.period.actual == D(180)
    assert followers.previous_period is not None
    assert followers.previous_period.actual is None
    assert followers.change == Change(None, None)


def test_week_trend_steps_back_from_as_of_and_the_first_week_is_partial() -> None:
    ev = evaluate(small_plan(), small_data(), day(10), period="week")
    sales = kpi(ev, "web.sales")
    # current week Jan 4–10: 50 + 999; previous Dec 28–Jan 3 clipped to Jan 1–3: 450
    assert sales.period == PeriodValue(day(4), day(10), D(1049))
    assert sales.previous_period == PeriodValue(day(1), day(3), D(450))
    # 7 days against the 3 of a first week cut at the plan start: no change (see below)
    assert sales.change == Change(None, None)
    assert sales.trend == [
        PeriodValue(day(1), day(3), D(450), D(450), D(300)),  # target curve 1,000 × 3 ÷ 10
        PeriodValue(day(4), day(10), D(1049), D(1499), D(1000)),
    ]
    assert ev.plan.period_number == 2


def test_trend_stops_at_the_kpi_due_date() -> None:
    ev = evaluate(small_plan(), small_data(), day(10), period="week")
    leads = kpi(ev, "web.leads")  # due Jan 4; the 50 of Jan 5 never counts
    assert leads.trend == [
        PeriodValue(day(1), day(3), D(60), D(60), D(75)),  # 100 × 3 ÷ 4
        PeriodValue(day(4), day(4), None, D(60), D(100)),
    ]
    assert leads.period == PeriodValue(day(4), day(4), None)


def test_period_follows_the_plan_cadence_by_default() -> None:
    ev = evaluate(small_plan(cadence="weekly"), small_data(), AS_OF)
    assert ev.plan.period == "week"
    sales = kpi(ev, "web.sales")
    # Dec 30–Jan 5 clipped to Jan 1–5: 500; the week before lies before the plan
    assert sales.period == PeriodValue(day(1), AS_OF, D(500))
    assert sales.previous_period == PeriodValue(dt.date(2023, 12, 23), dt.date(2023, 12, 29), None)


def test_time_elapsed_is_days_elapsed_over_days_total() -> None:
    ev = evaluate(small_plan(), small_data(), AS_OF)
    assert ev.plan.time_elapsed == D("0.5")  # 5 of 10 days


def test_a_report_long_after_the_plan_compares_its_last_periods() -> None:
    # this period is the plan's last day, not Dec 31 (no data: a change of one day against
    # nothing, or against a whole period, says nothing)
    late = dt.date(2024, 12, 31)
    ev = evaluate(small_plan(), small_data(), late, period="day")
    sales = kpi(ev, "web.sales")
    assert [p.start for p in sales.trend] == [day(n) for n in range(1, 11)]
    assert sales.trend[-1].cumulative == D(1499)
    assert sales.period == PeriodValue(day(10), day(10), sales.trend[-1].actual)
    assert sales.previous_period == PeriodValue(day(9), day(9), sales.trend[-2].actual)
    assert ev.plan.period_number == 10
    # a week: Jan 4–10 against Dec 28–Jan 3 (clipped to Jan 1–3), not Dec 25–31 against
    # Dec 18–24
    weekly = kpi(evaluate(small_plan(), small_data(), late, period="week"), "web.sales")
    this, before = weekly.period, weekly.previous_period
    assert this is not None
    assert before is not None
    assert ((this.start, this.end), (before.start, before.end)) == (
        (day(4), day(10)),
        (day(1), day(3)),
    )


def test_month_length_is_the_days_since_the_same_day_a_month_before() -> None:
    assert period_length("month", dt.date(2023, 7, 31)) == 31  # Jul 1 – Jul 31
    assert period_length("month", dt.date(2023, 3, 15)) == 28  # Feb 16 – Mar 15
    assert period_length("month", dt.date(2024, 3, 31)) == 31  # Mar 1 – Mar 31 (Feb 29 back)
    assert period_length("month", dt.date(2023, 1, 10)) == 31  # Dec 11 – Jan 10
    assert period_length("week", dt.date(2023, 1, 10)) == 7


def test_steps_reach_the_plan_start() -> None:
    steps = period_steps(day(1), day(10), day(10), 4)
    assert steps == [(day(7), day(10)), (day(3), day(6)), (dt.date(2023, 12, 30), day(2))]


def test_summary_counts_the_standing_and_finds_the_kpi_furthest_behind() -> None:
    summary = evaluate(small_plan(), small_data(), day(3), period="day").summary
    assert summary is not None
    # the evaluation table: roi, cr, sales, followers, complaints, cpa, signups, leads,
    # shop.sales; signups has no data, 4 of the other 8 are on track
    assert (summary.graded, summary.on_track) == (8, 4)
    gap = summary.gap
    assert gap is not None
    # followers (a level): 120 + 60 = 180 of 500 → 0.36, the lowest score
    assert (gap.kpi, gap.owner, gap.score, gap.measure) == (
        "web.followers",
        "Ann Wu",
        D("0.36"),
        "pace",
    )
    assert gap.channel is None  # a level's channels are not compared
    # spend 40 + 60 + 50 + 70 = 220 of 1,000 − 100; forecast 220 + 220 × 7 ÷ 3 = 733.333333
    assert (summary.spent, summary.budget, summary.budget_used) == (D(220), D(900), D("0.244444"))
    assert summary.time_elapsed == D("0.3")
    assert summary.spend_forecast == D("733.333333")
    assert summary.overspend is None


def test_summary_names_the_channel_whose_rate_fell_most() -> None:
    data = small_data()
    without = MemoryObservations(o for o in data._by_kpi["web.visits"] + data._by_kpi["web.orders"])
    summary = evaluate(small_plan(), without, day(3), period="day").summary
    assert summary is not None
    assert summary.gap is not None
    assert summary.gap.kpi == "web.cr"  # 36 ÷ 1,400 = 2.571429 % of 5 % → 0.514286
    # channel a: 10 ÷ 100 = 10 % on Jan 2 → 6 ÷ 300 = 2 % on Jan 3; b: 1 % → 2 % (rose)
    assert summary.gap.channel == ChannelDrop("a", D(10), D(2), D(-8))


def test_summary_counts_a_channel_without_orders_as_a_rate_of_zero() -> None:
    # channel a: 10 of 100 visits on Jan 2, then 300 visits and no order rows on Jan 3:
    # 10 % → 0 %, as the channel view counts it; b: 1 % → 2 % (rose). The channel whose
    # orders stopped is the one that fell most, not a channel left out.
    data = MemoryObservations(
        [
            obs("web.visits", 2, "100", "a"),
            obs("web.orders", 2, "10", "a"),
            obs("web.visits", 2, "100", "b"),
            obs("web.orders", 2, "1", "b"),
            obs("web.visits", 3, "300", "a"),
            obs("web.visits", 3, "100", "b"),
            obs("web.orders", 3, "2", "b"),
        ]
    )
    summary = evaluate(small_plan(), data, day(3), period="day").summary
    assert summary is not None
    assert summary.gap is not None
    assert summary.gap.kpi == "web.cr"  # 13 ÷ 600 = 2.166667 % of 5 %
    assert summary.gap.channel == ChannelDrop("a", D(10), D(0), D(-10))


def test_summary_names_the_channel_whose_cost_rose_most() -> None:
    # cost per order (better: lower) 200 ÷ 40 = 5 against 4 → 0.8, at risk. Channel a went
    # from 60 ÷ 10 = 6 to 80 ÷ 10 = 8 (worse), b from 4 to 2 (better): a is named, as rising.
    data = MemoryObservations(
        [
            obs("web.spend", 2, "60", "a"),
            obs("web.orders", 2, "10", "a"),
            obs("web.spend", 2, "40", "b"),
            obs("web.orders", 2, "10", "b"),
            obs("web.spend", 3, "80", "a"),
            obs("web.orders", 3, "10", "a"),
            obs("web.spend", 3, "20", "b"),
            obs("web.orders", 3, "10", "b"),
        ]
    )
    ev = evaluate(small_plan(), data, day(3), period="day")
    assert ev.summary is not None
    assert ev.summary.gap is not None
    assert (ev.summary.gap.kpi, ev.summary.gap.score) == ("web.cpa", D("0.8"))
    assert ev.summary.gap.channel == ChannelDrop("a", D(6), D(8), D(2))
    assert "channel a rose most this period (6.00 → 8.00)" in summary_sentences(ev, "en")[1]
    assert "本期升幅最大的渠道是a（6.00 → 8.00）" in summary_sentences(ev, "zh")[1]


def test_spend_trend_is_the_plan_spend_per_period_against_the_budget() -> None:
    ev = evaluate(small_plan(), small_data(), day(10), period="week")
    # Jan 1–3: web 40 + 60 + 50, shop 70; Jan 4–10: web 30; budget 1,000 − 100 reserve
    assert ev.spend_trend == [
        PeriodValue(day(1), day(3), D(220), D(220), D(900)),
        PeriodValue(day(4), day(10), D(30), D(250), D(900)),
    ]


def test_level_kpis_plan_their_target_in_every_period() -> None:
    ev = evaluate(small_plan(), small_data(), day(10), period="week")
    assert [p.planned for p in kpi(ev, "web.cr").trend] == [D(5), D(5)]


def test_trend_is_kept_for_the_evaluation_table_only_but_every_kpi_has_its_periods() -> None:
    ev = evaluate(small_plan(), small_data(), day(3), period="day")
    visits = kpi(ev, "web.visits")  # no target: not a row of the evaluation table
    assert visits.trend == []
    assert visits.period == PeriodValue(day(3), day(3), D(400))  # 300 + 100
    assert visits.change == Change(D(-100), D("-0.2"))  # against 100 + 400 on Jan 2
    assert len(kpi(ev, "web.sales").trend) == 3


def test_periods_at_the_calendar_edges_do_not_overflow() -> None:
    first = dt.date.min
    assert period_steps(first, day(10), first, 7) == [(first, first), (first, first)]
    last = evaluate(small_plan(), small_data(), dt.date.max, period="month")
    assert kpi(last, "web.sales").trend[-1].cumulative == D(1499)


def test_spend_trend_takes_each_kpis_own_aggregation_when_a_spend_kpi_is_not_summed() -> None:
    # with every spend KPI summed, the plan's spend per period is one grouped read; a spend
    # KPI aggregated by max must count its max per period instead (the per-KPI path)
    plan = small_plan()
    web, shop = plan.modules
    spend = shop.kpis[1].model_copy(update={"aggregation": "max"})
    shop = shop.model_copy(update={"kpis": [shop.kpis[0], spend]})
    plan = plan.model_copy(update={"modules": [web, shop]})
    data = MemoryObservations(
        [
            Observation("web.spend", day(1), D(40), line="ads"),
            Observation("web.spend", day(2), D(60), line="ads"),
            Observation("web.spend", day(3), D(50), line="people"),
            Observation("web.spend", day(4), D(30)),
            Observation("shop.spend", day(2), D(70), line="events"),
            Observation("shop.spend", day(3), D(20), line="events"),
        ]
    )
    ev = evaluate(plan, data, day(10), period="week")
    # Jan 1–3: web 40 + 60 + 50, shop max(70, 20) = 70; Jan 4–10: web 30; to Jan 10: 180 + 70
    assert ev.spend_trend == [
        PeriodValue(day(1), day(3), D(220), D(220), D(900)),
        PeriodValue(day(4), day(10), D(30), D(250), D(900)),
    ]


def test_a_period_cut_short_at_the_due_date_has_no_change() -> None:
    # leads are due Jan 4: as of Jan 5 with weekly periods this week is Jan 1–4 (4 days),
    # the last one lies before the plan; daily: Jan 5 lies after the due date. With two-day
    # periods, Jan 4–5 is cut to Jan 4 against Jan 2–3: no change is computed
    ev = evaluate(small_plan(), small_data(), AS_OF, period="day")
    leads = kpi(ev, "web.leads")
    assert leads.period is not None
    assert leads.change is not None
    assert (leads.change.absolute, leads.change.relative) == (None, None)


def test_a_first_period_cut_short_at_the_plan_start_has_no_change_for_sums() -> None:
    # as of Jan 9, weekly: this week is Jan 3–9, the previous one Dec 27 – Jan 2 cut to the
    # plan's Jan 1–2. A steady 100 a day is 700 against 200: not +250 %, no change. The
    # conversion rate (a level: 2 % every day) compares as well over 2 days as over 7
    steady = [obs("web.sales", n, "100", "a") for n in range(1, 10)]
    steady += [obs("web.visits", n, "50", "a") for n in range(1, 10)]
    steady += [obs("web.orders", n, "1", "a") for n in range(1, 10)]
    ev = evaluate(small_plan(), MemoryObservations(steady), day(9), period="week")
    sales = kpi(ev, "web.sales")
    assert sales.previous_period == PeriodValue(day(1), day(2), D(200))
    assert sales.period == PeriodValue(day(3), day(9), D(700))
    assert sales.change == Change(None, None)
    cr = kpi(ev, "web.cr")
    assert cr.previous_period is not None
    assert cr.previous_period.actual == D(2)
    assert cr.change == Change(D(0), None)


def test_a_rate_keeps_its_change_against_a_shorter_period() -> None:
    # as of Jan 10, weekly: Jan 4–10 against Jan 1–3 (the first week, cut at the plan start).
    # Sales are a sum: no change. The conversion rate is a level: Jan 4–10 has no orders or
    # visits in the small data, so it has no value and no change either; Jan 1–3 is
    # 36 ÷ 1400 = 2.571429 %. With a visit and an order on Jan 4 it is 1 ÷ 1 = 100 %: a change
    # of 97.428571 points against the 3 days before
    more = MemoryObservations(
        [*small_rows(), obs("web.visits", 4, "1", "a"), obs("web.orders", 4, "1", "a")]
    )
    ev = evaluate(small_plan(), more, day(10), period="week")
    cr = kpi(ev, "web.cr")
    assert cr.previous_period == PeriodValue(day(1), day(3), D("2.571429"))
    assert cr.period == PeriodValue(day(4), day(10), D(100))
    assert cr.change == Change(D("97.428571"), None)
    assert kpi(ev, "web.sales").change == Change(None, None)
