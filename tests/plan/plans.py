"""A small valid plan as text, and a way to break exactly one thing in it.

Tests mutate the text (not the parsed data) so that the line numbers they assert are the
lines a user would see in their editor.
"""

from __future__ import annotations

from pathlib import Path

VALID = """\
plan:
  id: test-plan
  name: Test plan
  owner: Chen Jing
  period: {start: 2024-01-01, end: 2024-03-31}
  currency: CNY
  cadence: weekly
  approvals:
    - {role: management, name: Liu Yang, date: 2023-12-20}

budget:
  total: 100000
  reserve: 12000
  lines:
    promotion: 60000
    labour: 28000

kpis:
  - {id: roi, name: ROI, unit: ratio, formula: revenue / spend, target: 3, due: 2024-03-31}

modules:
  - id: online
    name: Online
    owner: Zhao Qiang
    budget: 60000
    goal: Online sales of 500,000 CNY by 31 March 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 500000, due: 2024-03-31, source: shop}
      - {id: visitors, name: Visitors, unit: count, source: shop}
      - {id: orders, name: Orders, unit: count, source: shop}
      - {id: conversion, name: Conversion, unit: "%", formula: orders / visitors, target: 4, due: 2024-03-31}
      - {id: spend, name: Spend, unit: CNY, role: spend, source: ledger}
    actions:
      - {name: Search ads, owner: Sun Li, start: 2024-01-05, end: 2024-03-20, budget: 50000, status: in_progress}

  - id: brand
    name: Brand
    owner: Zhang Min
    budget: 28000
    goal: Brand keyword searches +30 % by 31 March 2024
    kpis:
      - {id: searches, name: Brand searches, unit: count, target: 130000, baseline: 100000, due: 2024-03-31, source: index}
      - {id: spend, name: Spend, unit: CNY, role: spend, source: ledger}
    actions:
      - {name: KOL posts, owner: Li Hua, start: 2024-01-10, end: 2024-02-28, budget: 20000}

sources:
  shop_daily:
    date: Date
    module: online
    columns: {Sales: sales, Visitors: visitors}

alerts:
  - {kpi: online.conversion, below_target: 30%, severity: critical}

reviews:
  - {date: 2024-02-01, module: online, cause: Slow start, measure: More search budget}
"""


def write(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def mutate(old: str, new: str, base: str = VALID) -> str:
    """Replace exactly one occurrence of ``old``; fail loudly if the anchor drifted."""
    assert base.count(old) == 1, f"anchor {old!r} found {base.count(old)} times"
    return base.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle`` (``needle#N``: the N-th such line)."""
    wanted = 1
    if "#" in needle:
        needle, nth = needle.rsplit("#", 1)
        wanted = int(nth)
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            seen += 1
            if seen == wanted:
                return number
    raise AssertionError(f"{needle!r} not in text")
