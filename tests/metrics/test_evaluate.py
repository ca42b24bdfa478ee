"""evaluate() on the small hand-made plan: every number below is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from mktplan.evaluation import Evaluation, KpiResult
from mktplan.metrics import evaluate
from mktplan.observations import AggRequest, AggResult, MemoryObservations, Observation
from mktplan.plan.model import Alert
from mktplan.render.text import alert_message, localize

from .plans import AS_OF, day, obs, small_data, small_plan

D = Decimal


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    return evaluate(small_plan(), small_data(), AS_OF)


def kpi(ev: Evaluation, qid: str) -> KpiResult:
    return next(k for k in ev.kpis if k.id == qid)


def test_kpis_come_in_plan_order(ev: Evaluation) -> None:
    assert [k.id for k in ev.kpis][:4] == ["roi", "web.visits", "web.orders", "web.cr"]
    assert ev.kpis[-1].id == "shop.spend"


def test_plan_summary_counts_days_inclusively(ev: Evaluation) -> None:
    assert (ev.plan.days_elapsed, ev.plan.days_total) == (5, 10)
    late = evaluate(small_plan(), small_data(), dt.date(2024, 3, 1))
    assert late.plan.days_elapsed == 10  # as_of clipped to the period


def test_ratio_kpi_is_ratio_of_sums_not_mean_of_daily_ratios(ev: Evaluation) -> None:
    # orders 10+4+10+4+6+2 = 36, visits 100+400+100+400+300+100 = 1400 → 2.5714285…%.
    # The mean of the six daily channel ratios (10,1,10,1,2,2 %) would be 4.333 %.
    cr = kpi(ev, "web.cr")
    assert cr.actual == D("2.571429")
    assert cr.attainment == D("0.514286")  # 2.571429 / 5
    assert cr.variance == D("2.428571")  # 5 − 2.571429
    assert cr.status == "off_track"  # a level: attainment 0.51 < 0.7
    # a level is graded against its target, never prorated: expected = target, pace =
    # attainment, forecast = the current value
    assert (cr.expected, cr.pace, cr.forecast) == (D(5), D("0.514286"), D("2.571429"))
    assert cr.observations == 0
    assert cr.last_date == day(3)


def test_sum_window_stops_at_as_of(ev: Evaluation) -> None:
    sales = kpi(ev, "web.sales")
    assert sales.actual == D(500)  # 100+200+150+50; the 999 of Jan 7 is after as_of
    assert sales.observations == 4


def test_last_sums_channels_on_latest_date(ev: Evaluation) -> None:
    followers = kpi(ev, "web.followers")
    assert followers.actual == D(180)  # Jan 3: 120 + 60
    assert followers.attainment == D("0.36")
    assert followers.status == "off_track"  # not summed: graded on attainment


def test_weighted_mean_max_min_mean(ev: Evaluation) -> None:
    assert kpi(ev, "web.ctr").actual == D("1.25")  # (2×1000 + 1×3000) / 4000, not (2+1)/2
    assert kpi(ev, "web.peak").actual == D(9)
    assert kpi(ev, "web.low").actual == D(5)
    assert kpi(ev, "web.avg").actual == D(7)  # (5+9+7)/3


def test_pace_expected_and_forecast_for_summed_kpi(ev: Evaluation) -> None:
    sales = kpi(ev, "web.sales")
    assert sales.expected == D(500)  # 1000 × 5 days ÷ 10 days
    assert sales.pace == D(1)  # 500 / 500
    assert sales.attainment == D("0.5")
    assert sales.forecast == D(1000)  # 500 × 10 ÷ 5
    assert sales.status == "on_track"  # before due: pace 1.0 decides, not attainment 0.5


def test_expected_is_capped_at_target_after_due(ev: Evaluation) -> None:
    leads = kpi(ev, "web.leads")
    assert leads.actual == D(60)  # Jan 1–2; the 50 of Jan 5 is after the due date Jan 4
    assert leads.expected == D(100)  # 100 × 5 ÷ 4 = 125, capped at the target
    assert leads.pace == D("0.6")
    assert leads.forecast == D(60)  # 60 × 4 ÷ 4: the window ended
    assert leads.status == "missed"  # due passed: 0.6 of the target, its time up


def test_better_lower_attainment_and_pace(ev: Evaluation) -> None:
    complaints = kpi(ev, "web.complaints")
    assert complaints.actual == D(7)
    assert complaints.attainment == D("1.428571")  # target ÷ actual = 10 / 7
    assert complaints.expected == D(5)  # allowance so far: 10 × 5 ÷ 10
    assert complaints.pace == D("0.714286")  # expected ÷ actual = 5 / 7
    assert complaints.status == "at_risk"
    assert complaints.forecast == D(14)
    cpa = kpi(ev, "web.cpa")
    assert cpa.actual == D(5)  # spend 40+60+50+30 = 180 ÷ orders 36
    assert cpa.attainment == D("0.8")  # 4 / 5
    assert cpa.status == "at_risk"


def test_zero_cost_with_better_lower_is_on_track() -> None:
    data = MemoryObservations([obs("web.complaints", 1, "0")])
    complaints = kpi(evaluate(small_plan(), data, AS_OF), "web.complaints")
    assert complaints.attainment is None  # 10 / 0
    assert complaints.status == "on_track"


def test_a_better_lower_kpi_below_zero_is_graded_by_the_plain_comparison() -> None:
    # refunds beyond the complaints' count make no sense, but a net cost does go below 0:
    # 10 ÷ −2 = −500 % would rank it below every KPI that missed its target
    data = MemoryObservations([obs("web.complaints", 1, "-2")])
    ev = evaluate(small_plan(), data, AS_OF)
    complaints = kpi(ev, "web.complaints")
    assert (complaints.attainment, complaints.pace) == (None, None)
    assert complaints.status == "on_track"  # −2 is within the allowance of 5 so far
    assert ev.summary.gap is None or ev.summary.gap.kpi != "web.complaints"


def test_the_summary_names_an_unscored_kpi_by_its_side_of_the_target() -> None:
    from mktplan.i18n import summary_sentences
    from mktplan.plan.model import Plan

    document = small_plan().model_dump(exclude_unset=True)
    for module in document["modules"]:
        for k in module["kpis"]:
            if k["id"] == "sales":
                k["target"] = D(0)  # a target of 0: no quotient ranks the KPI
    data = MemoryObservations([obs("web.sales", 1, "-20")])
    ev = evaluate(Plan.model_validate(document), data, AS_OF)
    assert ev.summary.gap is not None
    assert ev.summary.gap.score is None
    english = " ".join(summary_sentences(ev, "en"))
    assert "), below its target 0.00, off track." in english
    assert " at - " not in english
    assert "低于目标值 0.00，偏离" in " ".join(summary_sentences(ev, "zh"))


def test_status_no_target_and_no_data(ev: Evaluation) -> None:
    assert kpi(ev, "web.visits").status == "no_target"
    signups = kpi(ev, "web.signups")
    assert signups.status == "no_data"
    assert signups.actual is None
    assert signups.attainment is None


def test_formula_with_missing_input_is_no_data() -> None:
    data = MemoryObservations([obs("web.orders", 1, "3")])
    cr = kpi(evaluate(small_plan(), data, AS_OF), "web.cr")
    assert cr.actual is None
    assert cr.status == "no_data"


def test_thresholds_come_from_the_plan() -> None:
    plan = small_plan(status_thresholds={"on_track": "0.5", "at_risk": "0.4"})
    ev = evaluate(plan, small_data(), AS_OF)
    assert kpi(ev, "web.cr").status == "on_track"  # 0.514 ≥ 0.5
    assert kpi(ev, "web.followers").status == "off_track"  # 0.36 < 0.4
    plan = small_plan(status_thresholds={"on_track": "0.9", "at_risk": "0.5"})
    assert kpi(evaluate(plan, small_data(), AS_OF), "web.cr").status == "at_risk"


def test_stale_against_daily_cadence(ev: Evaluation) -> None:
    assert kpi(ev, "web.sales").stale is False  # last Jan 4, as_of Jan 5: 1 day
    assert kpi(ev, "web.followers").stale is True  # last Jan 3: 2 days > 1
    assert kpi(ev, "web.cr").stale is True  # its inputs ended Jan 3
    assert kpi(ev, "web.leads").stale is False  # due Jan 4 has passed: no longer running
    assert kpi(ev, "web.signups").stale is False  # never had data: no_data, not stale
    weekly = evaluate(small_plan(cadence="weekly"), small_data(), AS_OF)
    assert kpi(weekly, "web.followers").stale is False  # 2 days ≤ 7


def test_a_kpi_whose_data_stopped_before_its_due_date_stays_stale_after_it() -> None:
    # leads (due Jan 4) had data on Jan 1 only: a report of Jan 9 (past the due date, and
    # past the plan's end for the sales, whose data stopped on Jan 4 of 10) still says the
    # figures are not complete; leads with data through Jan 4 are not stale
    data = MemoryObservations(
        [obs("web.leads", 1, "30"), obs("web.sales", 4, "100"), obs("web.sales", 2, "50")]
    )
    late = evaluate(small_plan(), data, dt.date(2024, 1, 20))
    assert (kpi(late, "web.leads").stale, kpi(late, "web.sales").stale) == (True, True)
    issues = {i.source: i for i in late.data_issues if i.kind == "stale"}
    assert {k for i in issues.values() for k, _ in i.kpis} >= {"web.leads", "web.sales"}
    done = MemoryObservations([obs("web.leads", 4, "30"), obs("web.sales", 10, "100")])
    finished = evaluate(small_plan(), done, dt.date(2024, 1, 20))
    assert (kpi(finished, "web.leads").stale, kpi(finished, "web.sales").stale) == (False, False)


def test_plan_level_formula_uses_whole_plan_spend_and_revenue(ev: Evaluation) -> None:
    roi = kpi(ev, "roi")
    assert roi.actual == D(3)  # revenue 500+250 ÷ spend 180+70
    assert roi.attainment == D("1.5")
    assert roi.module is None


def test_modules_roi_and_contribution_shares(ev: Evaluation) -> None:
    web, shop = ev.modules
    assert (web.spend, web.revenue) == (D(180), D(500))
    assert web.roi == D("2.777778")  # 500 / 180
    assert web.roi_label is None  # metrics returns numbers; render.text writes "1:2.78"
    from mktplan.render.text import localize

    assert localize(ev, "en").modules[0].roi_label == "1:2.78"
    assert web.budget_used == D("0.3")  # 180 / 600
    assert web.spend_share == D("0.72")  # 180 / 250
    assert web.revenue_share == D("0.666667")  # 500 / 750
    assert web.planned_actions == D(350)  # 100 + 200 + 50, the cancelled one has none
    assert shop.roi == D("3.571429")  # 250 / 70
    assert shop.spend_share == D("0.28")
    assert shop.revenue_share == D("0.333333")


def test_budget_totals_and_lines(ev: Evaluation) -> None:
    b = ev.budget
    assert (b.total, b.reserve, b.allocated, b.spent, b.remaining) == (
        D(1000),
        D(100),
        D(900),
        D(250),
        D(750),
    )
    assert b.reserve_share == D("0.1")
    assert b.used == D("0.277778")  # 250 / (1000 − 100)
    assert [(x.line, x.planned, x.spent, x.remaining, x.used) for x in b.lines] == [
        ("ads", D(600), D(100), D(500), D("0.166667")),
        ("people", D(300), D(50), D(250), D("0.166667")),
        ("unassigned", None, D(30), None, None),  # web spend of Jan 4 names no line
        ("events", None, D(70), None, None),  # only the data name it
    ]


def test_actions_delayed_and_days_late(ev: Evaluation) -> None:
    got = [(a.name, a.status, a.days_late) for a in ev.actions]
    assert got == [
        ("Launch", "done", 1),  # done, finished Jan 4 after its end Jan 3
        ("Ads", "delayed", 1),  # planned, end Jan 4 < as_of Jan 5
        ("Blog", "in_progress", 0),  # ends Jan 8
        ("Old", "cancelled", 0),
    ]
    assert ev.actions[1].issue == "agency late"


@pytest.mark.parametrize(
    ("as_of", "status", "late", "finished"),
    [
        (2, "in_progress", 0, None),  # Launch runs Jan 1-3
        (3, "in_progress", 0, None),  # its last day: still under way, not "done" yet
        (4, "done", 1, day(4)),  # finished on Jan 4, a day after its end
    ],
)
def test_an_action_finished_after_as_of_was_still_open_that_day(
    as_of: int, status: str, late: int, finished: dt.date | None
) -> None:
    # a report for Jan 3 said "done" (and 1 day late) of an action finished on Jan 4
    ev = evaluate(small_plan(), small_data(), day(as_of))
    launch = ev.actions[0]
    assert (launch.name, launch.status, launch.days_late, launch.finished) == (
        "Launch",
        status,
        late,
        finished,
    )


def test_alerts_fire_sorted_with_owner_and_deadline(ev: Evaluation) -> None:
    got = [(a.severity, a.kpi, a.rule, a.threshold) for a in ev.alerts]
    assert got == [
        ("critical", "web.cr", "below_target", D(30)),  # 2.57 < 5 × 0.7
        ("warning", "web.cpa", "above_target", D(20)),  # 5 > 4 × 1.2
        ("warning", "web.followers", "below", D(200)),  # 180 < 200
        ("warning", "web.leads", "below_pace", D(20)),  # 60 < 100 × 0.8
        ("info", "web.complaints", "above", D(6)),  # 7 > 6
    ]
    # not fired: web.sales 500 ≤ 1000 and ≤ 1000 × 1.1; web.signups has no data
    first = ev.alerts[0]
    assert first.owner == "Ann Wu"
    assert first.actual == D("2.571429")
    assert first.respond_by == dt.datetime(2024, 1, 8, 0, 0)  # the end of as_of + 48 h
    assert alert_message(first, "en") == (
        "Conversion (web.cr) is 2.57%, 48.57% below target 5% (alert below 30%)"
    )
    assert alert_message(ev.alerts[3], "en") == (
        "Leads (web.leads) is 60, 40% below the pace line 100 (alert below 20%)"
    )


def test_plan_level_alert_goes_to_plan_owner() -> None:
    alert = Alert.model_validate({"kpi": "roi", "above": 2})
    plan = small_plan().model_copy(update={"alerts": [alert]})
    (fired,) = evaluate(plan, small_data(), AS_OF).alerts
    assert (fired.owner, fired.module, alert_message(fired, "en")) == (
        "Pat Lee",
        None,
        "ROI (roi) is 3, above 2",
    )
    assert alert_message(fired, "zh") == "ROI（roi）为 3，高于 2"
    assert fired.respond_by == dt.datetime(2024, 1, 8)


def test_tracking_row(ev: Evaluation) -> None:
    web, shop = ev.tracking
    assert web.module == "Web shop"
    assert web.target == "Web sales of 1,000 CNY by 10 January 2024"
    assert web.plan.startswith("Launch (2024-01-01–2024-01-03); Ads (2024-01-02–2024-01-04)")
    assert web.kpis.startswith("Visits, Orders, Conversion, Sales")
    assert web.source == "analytics, shop, ledger, social, ads, support, crm"
    assert (web.actual, web.variance) == ("", "")  # metrics returns ids; render.text writes
    assert web.key_kpis[:3] == ("web.cr", "web.sales", "web.followers")
    (written,) = [r for r in localize(ev, "en").tracking if r.module == "Web shop"]
    assert written.actual.startswith(
        "Conversion: 2.57% / 5%; Sales: 500.00 / 1,000.00; Followers: 180 / 500"
    )
    assert "Signups: — / 50" in written.actual
    assert written.variance.startswith("Conversion: 2.43 pt; Sales: 500.00; Followers: 320")
    # reviews latest first (the Jan 8 one is after as_of), then ingested notes
    assert web.cause == "2024-01-04: cause B; 2024-01-02: cause A; 2024-01-02 Visits (a): outage"
    assert web.measure == "2024-01-02: fix A"
    assert web.owner == "Ann Wu"
    assert web.deadline == day(10)
    assert shop.cause == "2024-01-03 Store sales: shop note"
    assert shop.measure == "2024-01-03: shop measure"


def test_reviews_up_to_as_of(ev: Evaluation) -> None:
    assert [r.date for r in ev.reviews] == [day(2), day(4), day(3)]


def test_daily_only_when_asked() -> None:
    assert evaluate(small_plan(), small_data(), AS_OF).daily == []
    ev = evaluate(small_plan(), small_data(), AS_OF, include_daily=True)
    sales = [(d.date, d.value) for d in ev.daily if d.kpi == "web.sales"]
    assert sales == [(day(1), D(100)), (day(2), D(200)), (day(3), D(150)), (day(4), D(50))]
    visits = [(d.date, d.value) for d in ev.daily if d.kpi == "web.visits"]
    assert visits[0] == (day(1), D(500))  # channels summed


def test_before_the_plan_starts_everything_is_no_data() -> None:
    ev = evaluate(small_plan(), small_data(), dt.date(2023, 12, 31))
    assert {k.status for k in ev.kpis} == {"no_data", "no_target"}
    assert ev.plan.days_elapsed == 0
    assert ev.budget.spent == D(0)
    assert ev.alerts == []


class CountingQuery(MemoryObservations):
    def __init__(self, observations: list[Observation]) -> None:
        super().__init__(observations)
        self.batches: list[int] = []

    def aggregate(self, requests: object) -> dict[AggRequest, AggResult]:
        assert isinstance(requests, list)
        self.batches.append(len(requests))
        return super().aggregate(requests)


def test_one_batched_aggregate_call() -> None:
    data = CountingQuery([obs("web.sales", 1, "5")])
    evaluate(small_plan(), data, AS_OF)
    assert len(data.batches) == 1


def test_no_float_anywhere(ev: Evaluation) -> None:
    for k in ev.kpis:
        for value in (k.actual, k.attainment, k.pace, k.expected, k.forecast, k.variance):
            assert value is None or isinstance(value, Decimal)
