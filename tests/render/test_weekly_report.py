"""The weekly report's new numbers through the real CLI: this period vs the last, the trend,
time elapsed, the summary and the language setting, on a small plan whose every number is
worked out by hand below.

Data (two channels, two weeks up to as-of 2024-06-14, weekly cadence, plan of 30 days):
week 1 (06-01 – 06-07): app 400 sales / 1,000 visits / 40 orders / 300 spend,
                        mini 200 / 1,000 / 20 / 100
week 2 (06-08 – 06-14): app 100 / 500 / 10 / 200, mini 300 / 500 / 15 / 200
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

PLAN = """\
plan:
  id: weekly-test
  name: Weekly test
  owner: Li Na
  period: {start: 2024-06-01, end: 2024-06-30}
  cadence: weekly
budget:
  total: 10000
  reserve: 1000
kpis:
  - {id: gmv, name: GMV, unit: CNY, formula: revenue, target: 3000, due: 2024-06-30}
modules:
  - id: web
    name: Web
    owner: Wang Fang
    budget: 9000
    goal: Web sales reach 3,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 3000, due: 2024-06-30, source: export}
      - {id: visits, name: Visits, unit: count, source: export}
      - {id: orders, name: Orders, unit: count, source: export}
      - {id: cr, name: Conversion, unit: "%", formula: orders / visits, target: 5, due: 2024-06-30}
      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}
sources:
  web:
    date: day
    module: web
    channel: channel
    columns: {Sales: sales, Visits: visits, Orders: orders, Spend: spend}
"""

DATA = """\
day,channel,Sales,Visits,Orders,Spend
2024-06-03,app,400,1000,40,300
2024-06-05,mini,200,1000,20,100
2024-06-10,app,100,500,10,200
2024-06-12,mini,300,500,15,200
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("weekly")
    path = folder / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    (folder / "web.csv").write_text(DATA, encoding="utf-8")
    result = run_cli("ingest", path, folder / "web.csv", "--source", "web", "-q")
    assert result.code == 0, result.output
    return path


def report(plan: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = run_cli("report", plan, "--as-of", "2024-06-14", *args, env=env)
    assert result.code == 0, result.output
    return result.stdout


def document(plan: Path, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report(plan, "--format", "json", *args))
    return data


def kpi(doc: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(k for k in doc["kpis"] if k["id"] == qid)


def test_json_compares_this_week_with_the_last(plan: Path) -> None:
    doc = document(plan)
    sales = kpi(doc, "web.sales")
    assert sales["period"] == {"start": "2024-06-08", "end": "2024-06-14", "actual": 400}
    assert sales["previous_period"] == {"start": "2024-06-01", "end": "2024-06-07", "actual": 600}
    assert sales["change"] == {"absolute": -200, "relative": -0.333333}  # −200 ÷ 600
    cr = kpi(doc, "web.cr")  # 25 ÷ 1,000 = 2.5 % against 60 ÷ 2,000 = 3 %
    assert (cr["period"]["actual"], cr["previous_period"]["actual"]) == (2.5, 3)
    assert cr["change"] == {"absolute": -0.5, "relative": None}  # points
    assert (doc["plan"]["period"], doc["plan"]["period_number"]) == ("week", 2)


def test_json_trend_and_time_elapsed(plan: Path) -> None:
    doc = document(plan)
    assert kpi(doc, "gmv")["trend"] == [
        {"start": "2024-06-01", "end": "2024-06-07", "actual": 600, "cumulative": 600},
        {"start": "2024-06-08", "end": "2024-06-14", "actual": 400, "cumulative": 1000},
    ]
    cr = kpi(doc, "web.cr")  # cumulative 85 ÷ 3,000 = 2.833333 %
    assert [t["cumulative"] for t in cr["trend"]] == [3, 2.833333]
    assert doc["plan"]["time_elapsed"] == 0.466667  # 14 of 30 days


def test_period_option_overrides_the_cadence(plan: Path) -> None:
    doc = document(plan, "--period", "day")
    sales = kpi(doc, "web.sales")
    assert sales["period"] == {"start": "2024-06-14", "end": "2024-06-14", "actual": None}
    assert sales["previous_period"]["end"] == "2024-06-13"
    assert len(sales["trend"]) == 14
    assert doc["plan"]["period"] == "day"


def test_unknown_period_is_a_usage_error(plan: Path) -> None:
    result = run_cli("report", plan, "--as-of", "2024-06-14", "--period", "year")
    assert result.code == 2
    assert "--period" in result.stderr
