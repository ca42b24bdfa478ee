"""A formula computes with its inputs' values before they are rounded to six decimals:
only what is reported is rounded (docs/metrics.md, "Formula KPIs")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from mktplan.evaluation import KpiResult
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.cache import load_plan

PLAN = """\
plan:
  id: exact
  name: Exact formulas
  owner: Pat Lee
  period: {start: 2024-01-01, end: 2024-01-10}
  cadence: daily
  status_thresholds: {on_track: 1, at_risk: 0.7}
budget: {total: 1000, reserve: 100}
modules:
  - id: web
    name: Web
    owner: Ann Wu
    budget: 900
    goal: Sales of 1000 CNY by 2024-01-10
    kpis:
      - {id: sales, name: Sales, unit: CNY, target: 1000, due: 2024-01-10, source: shop}
      - {id: visits, name: Visits, unit: count, source: shop}
      - {id: orders, name: Orders, unit: count, source: shop}
      - {id: cr, name: CR, unit: ratio, formula: orders / visits}
      - {id: x, name: X, unit: ratio, formula: cr * 3, target: 1}
      - {id: pct, name: CR %, unit: "%", formula: orders / visits, target: 20}
      - {id: impressions, name: Impressions, unit: count, source: ads}
      - {id: ctr, name: CTR, unit: "%", aggregation: mean, weight: impressions, source: ads}
      - {id: clicks, name: Clicks, unit: count, formula: ctr * impressions}
"""


def _kpis(
    tmp_path: Path, *rows: tuple[str, int, str] | tuple[str, int, str, str]
) -> dict[str, KpiResult]:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    data = MemoryObservations(
        [Observation(r[0], dt.date(2024, 1, r[1]), Decimal(r[2]), *r[3:]) for r in rows]
    )
    ev = evaluate(load_plan(path, remember=False), data, dt.date(2024, 1, 3))
    return {k.id: k for k in ev.kpis}


def test_a_quotient_times_its_divisor_is_exact(tmp_path: Path) -> None:
    kpis = _kpis(tmp_path, ("web.visits", 1, "3"), ("web.orders", 1, "1"))
    assert kpis["web.cr"].actual == Decimal("0.333333")  # reported with six decimals
    x = kpis["web.x"]
    # 3 × (1 ÷ 3) = 1, not 3 × 0.333333 = 0.999999 (which was at risk below 1)
    assert (x.actual, x.attainment, x.variance) == (1, 1, 0)
    assert x.status == "on_track"


def test_a_weighted_mean_enters_a_formula_unrounded(tmp_path: Path) -> None:
    kpis = _kpis(
        tmp_path,
        ("web.impressions", 1, "1000"),
        ("web.ctr", 1, "1"),
        ("web.impressions", 2, "2000"),
        ("web.ctr", 2, "2"),
    )
    # CTR (1 % × 1,000 + 2 % × 2,000) ÷ 3,000 = 5/3 %, reported as 1.666667
    assert kpis["web.ctr"].actual == Decimal("1.666667")
    # clicks = 5/3 % × 3,000 = 50 exactly (1.666667 % × 3,000 would be 50.00001)
    assert kpis["web.clicks"].actual == 50


def test_a_result_on_a_half_millionth_is_rounded_up(tmp_path: Path) -> None:
    # 3 × (5 ÷ 384) = 0.0390625 exactly: half-up gives 0.039063 (a 28-digit decimal
    # 0.03906249999… would have given 0.039062)
    kpis = _kpis(tmp_path, ("web.visits", 1, "384"), ("web.orders", 1, "5"))
    assert kpis["web.cr"].actual == Decimal("0.013021")
    assert kpis["web.x"].actual == Decimal("0.039063")


def test_each_channel_of_a_formula_is_exact_too(tmp_path: Path) -> None:
    kpis = _kpis(
        tmp_path,
        ("web.visits", 1, "3", "a"),
        ("web.orders", 1, "1", "a"),
        ("web.visits", 1, "384", "b"),
        ("web.orders", 1, "5", "b"),
    )
    by_channel = {c.channel: c.actual for c in kpis["web.x"].by_channel}
    assert by_channel == {"a": 1, "b": Decimal("0.039063")}


def test_what_is_derived_from_a_value_uses_it_as_reported(tmp_path: Path) -> None:
    # 190 ÷ 957 = 19.8537095… %, reported as 19.85371; the attainment is computed from
    # the reported value, as a reader of the report or its workbook would: 19.85371 ÷ 20 =
    # 0.9926855 → 0.992686 (the unrounded value would give 0.992685). docs/metrics.md
    kpis = _kpis(tmp_path, ("web.visits", 1, "957"), ("web.orders", 1, "190"))
    pct = kpis["web.pct"]
    assert pct.actual == Decimal("19.85371")
    assert (pct.attainment, pct.pace) == (Decimal("0.992686"), Decimal("0.992686"))
    assert pct.variance == Decimal("0.14629")
