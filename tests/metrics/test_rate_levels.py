"""A rate read as a level (`unit: "%"` or `ratio`, `aggregation: last`) is never added up
across channels: two stores' satisfaction of 60 % and 62 % was reported as 122 %, on track.
With several channels on its latest day it has no value, and the report says why; with one
channel a day it is that channel's value, as before. Worked out by hand, on the reference
observations and on a real SQLite store."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from tests.conftest import run_cli

D = Decimal
AS_OF = dt.date(2024, 1, 3)

PLAN = """\
plan:
  id: levels
  name: Rate levels
  owner: Chen Jing
  period: {start: 2024-01-01, end: 2024-01-10}
  currency: CNY
  cadence: daily
budget:
  total: 1000
  reserve: 100
modules:
  - id: m
    name: M
    owner: Zhang Min
    budget: 900
    goal: Satisfaction at 90 % by 10 January 2024
    kpis:
      - {id: satisfaction, name: Satisfaction, unit: "%", aggregation: last, target: 90,
         due: 2024-01-10, source: survey}
      - {id: roas, name: ROAS, unit: ratio, aggregation: last, target: 3, due: 2024-01-10, source: ads}
      - {id: followers, name: Followers, unit: count, aggregation: last, target: 500, due: 2024-01-10, source: social}
"""


def plan() -> Plan:
    import yaml

    data: Any = yaml.safe_load(PLAN)
    return Plan.model_validate(data)


def obs(kpi: str, day: int, value: str, channel: str) -> Observation:
    return Observation(f"m.{kpi}", dt.date(2024, 1, day), D(value), channel)


ROWS = [
    obs("satisfaction", 2, "58", "store_a"),  # one channel on Jan 2: its value
    obs("satisfaction", 3, "60", "store_a"),
    obs("satisfaction", 3, "62", "store_b"),
    obs("roas", 3, "1.5", "tmall"),  # one channel on the latest day: that value
    obs("followers", 3, "120", "weibo"),  # a count level adds its channels up
    obs("followers", 3, "60", "douyin"),
]


def test_a_rate_level_of_several_channels_has_no_value_and_the_report_says_why() -> None:
    ev = evaluate(plan(), MemoryObservations(ROWS), AS_OF)
    by_id = {k.id: k for k in ev.kpis}
    assert by_id["m.satisfaction"].actual is None  # was 122 (%), attainment 135.6 %
    assert by_id["m.satisfaction"].status == "no_data"
    assert by_id["m.roas"].actual == D("1.5")
    assert by_id["m.followers"].actual == D(180)  # 120 + 60: a count, added up
    [issue] = [i for i in ev.data_issues if i.kind == "rate_channels"]
    assert (issue.source, issue.since, issue.count) == ("survey", AS_OF, 2)
    assert issue.kpis == (("m.satisfaction", "Satisfaction"),)


def test_a_rate_level_with_one_channel_on_its_latest_day_keeps_its_value() -> None:
    # as of Jan 2 the latest day has store_a alone
    ev = evaluate(plan(), MemoryObservations(ROWS), dt.date(2024, 1, 2))
    [sat] = [k for k in ev.kpis if k.id == "m.satisfaction"]
    assert sat.actual == D(58)
    assert not [i for i in ev.data_issues if i.kind == "rate_channels"]


def test_the_daily_view_leaves_the_day_of_several_channels_empty() -> None:
    ev = evaluate(plan(), MemoryObservations(ROWS), AS_OF, include_daily=True)
    days = {(d.kpi, d.date.day): d.value for d in ev.daily}
    assert days[("m.satisfaction", 2)] == D(58)
    assert ("m.satisfaction", 3) not in days  # not 122
    assert days[("m.followers", 3)] == D(180)


def test_the_report_from_a_store_says_the_same_in_both_languages(tmp_path: Path) -> None:
    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(PLAN, encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(
        "date,kpi,value,channel\n"
        + "".join(f"{r.date},{r.kpi},{r.value},{r.channel}\n" for r in ROWS),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    run = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-03", "-f", "json")
    assert run.code == 0, run.output
    report = json.loads(run.stdout)
    actual = {k["id"]: k["actual"] for k in report["kpis"]}
    assert (actual["m.satisfaction"], actual["m.roas"], actual["m.followers"]) == (None, 1.5, 180)
    issues = [i for i in report["data_issues"] if i["kind"] == "rate_channels"]
    assert issues == [
        {"kind": "rate_channels", "source": "survey", "since": "2024-01-03", "count": 2,
         "days": None, "kpis": ["m.satisfaction"], "channels": []}
    ]  # fmt: skip
    md = run_cli("report", plan_file, "--store", store, "--as-of", "2024-01-03", "--lang", "zh")
    assert (
        "数据来源 survey：Satisfaction在 2024-01-03 有 2 个渠道的数值；比率不能跨渠道相加或平均"
        in md.stdout
    )
