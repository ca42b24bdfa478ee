"""A small plan for ingest tests, written to tmp_path, and store read-back helpers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from mktplan.observations import Observation

PLAN = """\
plan:
  id: ingest-test
  name: Ingest test plan
  owner: Li Na
  period: {start: 2024-06-01, end: 2024-06-30}
budget:
  total: 100000
  reserve: 10000
kpis:
  - {id: nps, name: NPS, unit: count, aggregation: last, target: 50, due: 2024-06-30, source: export}
  - {id: share, name: Share, unit: ratio, aggregation: max, target: 1, due: 2024-06-30, source: export}
modules:
  - id: web
    name: Web
    owner: Wang Fang
    budget: 50000
    goal: Web sales reach 100,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 100000, due: 2024-06-30, source: export}
      - {id: visits, name: Visits, unit: count, source: export}
      - {id: ctr, name: CTR, unit: "%", aggregation: mean, weight: visits, source: export}
      - {id: cr, name: Conversion, unit: "%", aggregation: mean, source: export}
      - {id: low, name: Lowest price, unit: CNY, aggregation: min, source: export}
      - {id: aov, name: AOV, unit: CNY, formula: sales / visits}
  - id: shop
    name: Shop
    owner: Zhou Yun
    budget: 40000
    goal: Shop sales reach 50,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 50000, due: 2024-06-30, source: export}
sources:
  daily:
    date: 日期
    module_by: 渠道
    modules: {线上: web, 门店: shop}
    channel: 平台
    columns: {访问: visits, 点击率: ctr, 销售额: sales}
    note: 备注
  web_only:
    date: day
    module: web
    columns: {Sales: sales, Visits: visits}
"""


def write_plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def by_key(observations: tuple[Observation, ...]) -> dict[tuple[str, str, str], Decimal]:
    return {(o.kpi, o.date.isoformat(), o.channel): o.value for o in observations}
