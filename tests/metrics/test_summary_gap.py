"""The summary's "furthest behind" KPI: a worse status always wins (off track before at risk),
then the lowest score, a KPI without a score (a target of 0: no quotient ranks it) after the
scored ones of its status, then plan order (docs/metrics.md, "Summary paragraph"; QA37 D2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from mktplan.evaluation import Evaluation
from mktplan.i18n import summary_sentences
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan

D = Decimal
AS_OF = dt.date(2025, 4, 13)  # day 7 of 21


def plan(*extra: dict[str, Any]) -> Plan:
    return Plan.model_validate(
        {
            "plan": {
                "id": "gap",
                "name": "Gap",
                "owner": "Chen Jing",
                "period": {"start": "2025-04-07", "end": "2025-04-27"},
                "cadence": "weekly",
            },
            "budget": {"total": 1000, "reserve": 100},
            "modules": [
                {
                    "id": "m",
                    "name": "Module M",
                    "owner": "Zhao Qiang",
                    "budget": 900,
                    "goal": "Cost per order at most 10 CNY by 27 April 2025",
                    "kpis": [
                        {"id": "spend", "name": "Spend", "unit": "CNY", "role": "spend",
                         "source": "ledger"},
                        {"id": "orders", "name": "Orders", "unit": "count", "source": "shop"},
                        {"id": "sales", "name": "Sales", "unit": "CNY", "role": "revenue",
                         "source": "shop"},
                        {"id": "cpa", "name": "CPA", "unit": "CNY", "formula": "spend / orders",
                         "target": 10, "better": "lower", "due": "2025-04-27"},
                        {"id": "net", "name": "Net", "unit": "CNY", "formula": "sales - spend",
                         "target": 0, "due": "2025-04-27"},
                        *extra,
                    ],
                }
            ],
        }
    )  # fmt: skip


ROWS = [
    Observation("m.spend", dt.date(2025, 4, 7), D("36.000001")),
    Observation("m.orders", dt.date(2025, 4, 7), D(3)),
    Observation("m.sales", dt.date(2025, 4, 8), D(10)),
]


def summary_of(p: Plan) -> Evaluation:
    return evaluate(p, MemoryObservations(ROWS), AS_OF)


def test_an_off_track_kpi_without_a_score_is_behind_an_at_risk_one() -> None:
    ev = summary_of(plan())
    statuses = {k.id: (k.status, k.pace) for k in ev.kpis if k.target is not None}
    # CPA 36.000001 ÷ 3 = 12 against 10 (lower): 10 ÷ 12 = 0.833333, at risk; Net
    # 10 − 36.000001 = −26.000001 against a target (and pace line) of 0: off track, no score
    assert statuses == {"m.cpa": ("at_risk", D("0.833333")), "m.net": ("off_track", None)}
    assert ev.summary is not None
    assert ev.summary.gap is not None
    assert (ev.summary.gap.kpi, ev.summary.gap.status, ev.summary.gap.score) == (
        "m.net",
        "off_track",
        None,
    )
    english = " ".join(summary_sentences(ev, "en"))
    assert "Furthest behind is Net (owner Zhao Qiang), below its target 0.00, off track." in english
    assert "CPA" not in english


def test_within_a_status_a_scored_kpi_comes_before_an_unscored_one() -> None:
    # orders: 3 of a line at 100 × 7 ÷ 21 = 33.333333 → pace 0.09, off track with a score
    orders = {"id": "reach", "name": "Reach", "unit": "count", "formula": "orders",
              "target": 100, "due": "2025-04-27"}  # fmt: skip
    ev = summary_of(plan(orders))
    assert ev.summary is not None
    assert ev.summary.gap is not None
    assert (ev.summary.gap.kpi, ev.summary.gap.status, ev.summary.gap.score) == (
        "m.reach",
        "off_track",
        D("0.09"),
    )


def test_within_a_status_the_lowest_score_comes_first() -> None:
    # two at risk (Net left out): CPA at 0.833333 and cost per sale 36.000001 ÷ 10 = 3.6
    # against 2.7 → 2.7 ÷ 3.6 = 0.75
    cps = {"id": "cps", "name": "Cost per sale", "unit": "CNY", "formula": "spend / sales",
           "target": "2.7", "better": "lower", "due": "2025-04-27"}  # fmt: skip
    p = plan(cps)
    document = p.model_dump(exclude_unset=True)
    [module] = document["modules"]
    module["kpis"] = [k for k in module["kpis"] if k["id"] != "net"]
    ev = summary_of(Plan.model_validate(document))
    assert ev.summary is not None
    assert ev.summary.gap is not None
    assert (ev.summary.gap.kpi, ev.summary.gap.status, ev.summary.gap.score) == (
        "m.cps",
        "at_risk",
        D("0.75"),
    )


def test_a_running_kpi_behind_comes_before_one_that_missed_and_a_miss_is_by_attainment() -> None:
    # reach (due Apr 10, 3 of 100 orders: missed at 3 %) beside the running Net (off track)
    # and CPA (at risk): a running KPI, which can still be acted on, is named first; with
    # only the missed KPI left, it is named by its attainment ("of its target"), not a pace
    early = {"id": "reach", "name": "Reach", "unit": "count", "formula": "orders",
             "target": 100, "due": "2025-04-10"}  # fmt: skip
    p = plan(early)
    ev = summary_of(p)
    statuses = {k.id: k.status for k in ev.kpis if k.target is not None}
    assert statuses == {"m.cpa": "at_risk", "m.net": "off_track", "m.reach": "missed"}
    assert ev.summary is not None
    assert ev.summary.gap is not None
    assert ev.summary.gap.kpi == "m.net"
    assert (ev.summary.finished, ev.summary.achieved) == (1, 0)
    english = " ".join(summary_sentences(ev, "en"))
    assert "2 of 2 running KPIs" not in english
    assert "0 of 2 running KPIs are on track, and 0 of 1 past their due date" in english
    document = p.model_dump(exclude_unset=True)
    [module] = document["modules"]
    module["kpis"] = [k for k in module["kpis"] if k["id"] not in ("net", "cpa")]
    only = summary_of(Plan.model_validate(document))
    assert only.summary is not None
    assert only.summary.gap is not None
    assert (only.summary.gap.kpi, only.summary.gap.measure) == ("m.reach", "attainment")
    assert "at 3.0% of its target, missed" in " ".join(summary_sentences(only, "en"))
    assert "every KPI is past its due date: 0 of 1 achieved" in " ".join(
        summary_sentences(only, "en")
    )


def test_the_standing_says_when_the_running_kpis_have_no_data_yet() -> None:
    # reach is due Apr 10 (missed); CPA and Net run to Apr 27 with no data before Apr 13's
    # rows... here none at all: "every KPI is past its due date" would be false
    early = {"id": "reach", "name": "Reach", "unit": "count", "formula": "orders",
             "target": 100, "due": "2025-04-10"}  # fmt: skip
    only_orders = [Observation("m.orders", dt.date(2025, 4, 7), D(3))]
    ev = evaluate(plan(early), MemoryObservations(only_orders), AS_OF)
    english = " ".join(summary_sentences(ev, "en"))
    assert "0 of 1 KPIs past their due date achieved the target; the running ones" in english
    assert "every KPI" not in english


def test_a_score_is_graded_as_the_report_shows_it() -> None:
    # 99.96 % of the target is shown 100.0 %: achieved, as shown, not "100.0 %, missed"
    early = {"id": "reach", "name": "Reach", "unit": "count", "formula": "orders",
             "target": 2500, "due": "2025-04-10"}  # fmt: skip
    rows = [Observation("m.orders", dt.date(2025, 4, 7), D(2499))]
    ev = evaluate(plan(early), MemoryObservations(rows), AS_OF)
    reach = next(k for k in ev.kpis if k.id == "m.reach")
    assert (reach.attainment, reach.status) == (D("0.9996"), "achieved")
    rows = [Observation("m.orders", dt.date(2025, 4, 7), D(2498))]  # 99.92 %: 99.9 %
    ev = evaluate(plan(early), MemoryObservations(rows), AS_OF)
    assert next(k for k in ev.kpis if k.id == "m.reach").status == "missed"
