"""A plan whose sources map exports shaped like the real ones (Google Ads, Meta, GA4, 千川,
生意参谋, store sheets), written small by hand, and read-back helpers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from mktplan.store import open_store

PLAN = """\
plan:
  id: shapes
  name: Export shapes
  owner: Li Na
  period: {start: 2025-10-01, end: 2025-12-31}
budget:
  total: 100000
  reserve: 10000
modules:
  - id: ads
    name: Ads
    owner: Wang Fang
    budget: 90000
    goal: Sales reach 100,000 CNY by 31 December 2025
    kpis:
      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 100000, due: 2025-12-31, source: export}
      - {id: clicks, name: Clicks, unit: count, source: export}
      - {id: reach, name: Reach, unit: count, source: export}
      - {id: roi, name: ROI, unit: ratio, aggregation: last, source: export}
sources:
  qianchuan:                       # 千川 daily report, a 合计 row after each day
    date: 日期
    module: ads
    channel: 计划名称
    columns: {消耗: spend, 成交金额: sales, 点击: clicks}
  google:                          # Google Ads by day, Total: rows at the end
    date: Day
    module: ads
    channel: Campaign
    columns: {Cost: spend, Clicks: clicks}
  meta:                            # Meta Ads Manager, summary row with empty names first
    date: Reporting starts
    module: ads
    channel: Ad name
    columns: {Amount spent (CNY): spend, Reach: reach, Link clicks: clicks}
  meta_no_names:                   # the same export without mapping the ad name
    date: Reporting starts
    module: ads
    columns: {Amount spent (CNY): spend, Reach: reach, Link clicks: clicks}
  store_sheet:                     # a hand-kept store sheet in 万元
    date: 日期
    module: ads
    columns: {销售额(万元): sales, 花费(千元): spend}
  scaled:
    date: date
    module: ads
    columns: {Clicks (K): clicks, Spend: spend}
    scale: {Clicks (K): K}
  usd_header:
    date: date
    module: ads
    columns: {Amount spent (USD): spend}
  with_currency:
    date: date
    module: ads
    currency: Currency
    columns: {Spend: spend}
  plain:
    date: date
    module: ads
    columns: {spend: spend}
  plain_sales:
    date: date
    module: ads
    columns: {sales: sales}
  spend_sales:
    date: date
    module: ads
    columns: {spend: spend, sales: sales}
"""


def write_plan(tmp_path: Path, text: str = PLAN) -> Path:
    path = tmp_path / "shapes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored(store: Path | str) -> dict[tuple[str, str, str], Decimal]:
    with open_store(str(store)) as opened:
        return {
            (s.observation.kpi, s.observation.date.isoformat(), s.observation.channel): (
                s.observation.value
            )
            for s in opened.observations("shapes")
        }
