"""`--units wan|plain`: large money and counts in 万/亿 in Markdown, the terminal and the
brief (default in Chinese), 万 by number format in Excel over exact values, JSON exact; ROI
as 1:X in Chinese. Hand-computed values of the plan below:

revenue 7,000,000 + 5,000,000 = 12,000,000 → 1,200.00 万; spend 1,000,000 + 500,000 =
1,500,000 → 150.00 万; ROI 12,000,000 ÷ 1,500,000 = 8 → 1:8; budget 500,000,000 → 5.00 亿;
visits 200,000 + 150,000 = 350,000 → 35 万.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import run_cli
from tests.render.ingested import ingested_plan

PLAN = """\
plan:
  id: units-test
  name: Units test
  owner: Li Na
  period: {start: 2024-06-01, end: 2024-06-30}
  cadence: weekly
budget:
  total: 500000000
  reserve: 50000000
kpis:
  - {id: gmv, name: GMV, unit: CNY, formula: revenue, target: 30000000, due: 2024-06-30}
  - {id: roi, name: ROI, unit: ratio, formula: revenue / spend, target: 3, due: 2024-06-30}
modules:
  - id: web
    name: Web
    owner: Wang Fang
    budget: 450000000
    goal: Web sales reach 30,000,000 CNY by 30 June 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 30000000, due: 2024-06-30, source: export}
      - {id: visits, name: Visits, unit: count, target: 1000000, due: 2024-06-30, source: export}
      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}
sources:
  web:
    date: day
    module: web
    columns: {Sales: sales, Visits: visits, Spend: spend}
"""

DATA = """\
day,Sales,Visits,Spend
2024-06-03,7000000,200000,1000000
2024-06-10,5000000,150000,500000
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_plan(tmp_path_factory.mktemp("units"), PLAN, DATA)


def report(plan: Path, *args: str) -> str:
    result = run_cli("report", plan, "--as-of", "2024-06-14", *args)
    assert result.code == 0, result.output
    return result.stdout


def test_chinese_markdown_shows_wan_and_yi_and_roi_as_one_to_x(plan: Path) -> None:
    text = report(plan, "--format", "md", "--lang", "zh")
    assert "| GMV | 3,000.00 万 | 1,200.00 万 | 40.0% |" in text  # target, actual, attainment
    assert "| ROI | 1:3 | 1:8 |" in text
    assert "| 总预算 | 5.00 亿 |" in text
    assert "| Web | Visits | 100 万 | 35 万 |" in text  # a count: at most 2 decimals
    assert "12,000,000" not in text


def test_plain_units_in_chinese_and_the_english_default(plan: Path) -> None:
    plain = report(plan, "--format", "md", "--lang", "zh", "--units", "plain")
    assert "| GMV | 30,000,000.00 | 12,000,000.00 | 40.0% |" in plain
    assert "| ROI | 1:3 | 1:8 |" in plain  # ROI is 1:X in Chinese whatever the units
    assert "万" not in plain.replace("万元", "")
    english = report(plan, "--format", "md", "--lang", "en")
    assert "| GMV | 30,000,000.00 | 12,000,000.00 | 40.0% |" in english
    assert "| ROI | 3.00 | 8.00 |" in english
    assert "| GMV | 3,000.00 万 | 1,200.00 万 |" in report(
        plan, "--format", "md", "--lang", "en", "--units", "wan"
    )


def test_terminal_and_brief_use_wan(plan: Path) -> None:
    table = report(plan, "--format", "table", "--lang", "zh")
    assert "1,200.00 万" in table
    brief = report(plan, "--format", "brief", "--lang", "zh")
    assert "预算已花费150.00 万 / 4.50 亿 CNY" in brief  # 1,500,000 of 450,000,000


def test_json_stays_exact_whatever_the_units(plan: Path) -> None:
    wan = json.loads(report(plan, "--format", "json", "--lang", "zh", "--units", "wan"))
    plain = json.loads(report(plan, "--format", "json", "--lang", "zh", "--units", "plain"))
    assert wan == plain
    gmv = next(k for k in wan["kpis"] if k["id"] == "gmv")
    assert gmv["actual"] == 12000000


def test_workbook_keeps_exact_values_and_shows_wan_by_format(plan: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = run_cli("report", plan, "--as-of", "2024-06-14", "--out", out, "--lang", "zh")
    assert result.code == 0, result.output
    kpis = openpyxl.load_workbook(out)["关键指标"]
    rows = {r[1].value: r for r in kpis.iter_rows(min_row=2)}
    actual = rows["gmv"][5]
    assert actual.value == 12000000  # exact
    assert actual.number_format == ('[>=10000]"¥"0!.0,"万";[<=-10000]-"¥"0!.0,"万";"¥"#,##0.00')
    assert rows["roi"][5].value == 8
    assert rows["roi"][5].number_format == '"1:"0.0#'
    assert rows["web.visits"][5].number_format.startswith('[>=10000]0!.0,"万"')
    plain = tmp_path / "p.xlsx"
    result = run_cli(
        "report", plan, "--as-of", "2024-06-14", "--out", plain, "--lang", "zh", "--units", "plain"
    )
    assert result.code == 0, result.output
    kpis = openpyxl.load_workbook(plain)["关键指标"]
    rows = {r[1].value: r for r in kpis.iter_rows(min_row=2)}
    assert rows["gmv"][5].number_format == '"¥"#,##0.00'


def test_unknown_units_is_a_usage_error(plan: Path) -> None:
    result = run_cli("report", plan, "--as-of", "2024-06-14", "--units", "lakh")
    assert result.code == 2
    assert "--units" in result.output


def test_cron_passes_the_units_to_its_reports(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    inbox, reports = tmp_path / "inbox", tmp_path / "reports"
    inbox.mkdir()
    (inbox / "w24.web.csv").write_text(DATA, encoding="utf-8")
    folders = (inbox, tmp_path / "done", tmp_path / "rejected", reports)
    result = run_cli(
        "cron", path, *folders, "--as-of", "2024-06-14", "--lang", "zh", "--units", "plain"
    )
    assert result.code == 0, result.output
    text = (reports / "units-test-2024-06-14.md").read_text(encoding="utf-8")
    assert "| GMV | 30,000,000.00 | 12,000,000.00 | 40.0% |" in text
