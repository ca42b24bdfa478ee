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

from tests.conftest import Backend, run_cli
from tests.render.ingested import ingested_plan

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
    return ingested_plan(tmp_path_factory.mktemp("weekly"), PLAN, DATA)


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
        {
            "start": "2024-06-01",
            "end": "2024-06-07",
            "actual": 600,
            "cumulative": 600,
            "planned": 700,  # the target curve: 3,000 × 7 ÷ 30
        },
        {
            "start": "2024-06-08",
            "end": "2024-06-14",
            "actual": 400,
            "cumulative": 1000,
            "planned": 1400,
        },
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


def test_markdown_shows_the_period_table_and_trend_in_english(plan: Path) -> None:
    text = report(plan, "--format", "md", "--lang", "en")
    assert "This period: week 2 (06-08 – 06-14) · Previous period: week 1 (06-01 – 06-07)" in text
    assert "| Web | Sales | 600.00 | 400.00 | -200.00 | -33.3% |" in text
    assert "| Web | Conversion | 3.0% | 2.5% | -0.5 pt | - |" in text
    assert "| GMV | █▁ | 600.00 → 400.00 | 33.3% | 46.7% |" in text  # 1,000 of 3,000; 14 of 30
    assert "| Time elapsed | 46.7% |" in text


def test_markdown_shows_the_period_table_and_trend_in_chinese(plan: Path) -> None:
    text = report(plan, "--format", "md", "--lang", "zh")
    assert "本期: 第2周 (06-08 – 06-14) · 上期: 第1周 (06-01 – 06-07)" in text
    assert "| 上期 | 本期 | 环比增减 | 环比增幅 |" in text
    assert "| Web | Conversion | 3.0% | 2.5% | -0.5 个百分点 | - |" in text
    assert "| 达成率 | 时间进度 |" in text


def test_language_comes_from_the_environment_then_the_plan(plan: Path, tmp_path: Path) -> None:
    assert "## 趋势" in report(plan, "--format", "md", env={"MKTPLAN_LANG": "zh"})
    assert "## Trend" in report(plan, "--format", "md", env={"MKTPLAN_LANG": "en"})
    chinese = tmp_path / "plan.yaml"
    chinese.write_text(PLAN.replace("  cadence: weekly\n", "  cadence: weekly\n  lang: zh\n"))
    store = plan.parent / ".mktplan" / "store.sqlite"
    args = ("--as-of", "2024-06-14", "--format", "md", "--store", str(store))
    assert "## 趋势" in run_cli("report", chinese, *args).stdout
    assert "## Trend" in run_cli("report", chinese, *args, "--lang", "en").stdout
    assert "## Trend" in run_cli("report", chinese, *args, env={"MKTPLAN_LANG": "en"}).stdout


def test_an_unknown_language_in_the_environment_is_a_usage_error(plan: Path) -> None:
    result = run_cli("report", plan, "--as-of", "2024-06-14", env={"MKTPLAN_LANG": "fr"})
    assert result.code == 2
    assert "MKTPLAN_LANG" in result.stderr or "--lang" in result.stderr


def test_brief_prints_the_summary_in_english(plan: Path) -> None:
    text = report(plan, "--format", "brief", "--lang", "en")
    # graded: GMV and Sales at pace 1,000 ÷ 1,400 = 71.4 % (at risk), Conversion 2.833 % ÷ 5 %
    # = 56.7 % (off track, the lowest); app's conversion 40 ÷ 1,000 = 4 % → 10 ÷ 500 = 2 %,
    # mini's 2 % → 3 %; spent 800 of 10,000 − 1,000, forecast 800 + 400 × 16 ÷ 7 = 1,714.29
    assert text == (
        "As of 2024-06-14, 0 of 3 KPIs are on track. Furthest behind is Conversion (owner "
        "Wang Fang) at 56.7% of its pace, off track; channel app fell most this period "
        "(4.0% → 2.0%). Spent 800.00 of 9,000.00 CNY (8.9%) with 46.7% of the time elapsed.\n"
    )


def test_brief_prints_the_summary_in_chinese(plan: Path) -> None:
    text = report(plan, "--format", "brief", "--lang", "zh")
    assert text == (
        "截至2024-06-14，3个指标中0个正常。差距最大的是Conversion（负责人Wang Fang），"
        "进度达成率56.7%，偏离；本期降幅最大的渠道是app（4.0% → 2.0%）。"
        "预算已花费800.00 / 9,000.00 CNY（8.9%），时间进度46.7%。\n"
    )


def test_brief_names_the_forecast_overspend_and_lists_alerts(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    small = PLAN.replace("total: 10000", "total: 1000").replace("reserve: 1000", "reserve: 100")
    path.write_text(small.replace("budget: 9000", "budget: 900"), encoding="utf-8")
    (tmp_path / "web.csv").write_text(DATA, encoding="utf-8")
    assert run_cli("ingest", path, tmp_path / "web.csv", "--source", "web", "-q").code == 0
    text = report(path, "--format", "brief", "--lang", "en")
    # forecast 1,714.29 − (1,000 − 100) = 814.29
    assert "by 814.29 CNY." in text
    assert "Spent 800.00 of 900.00 CNY (88.9%)" in text
    assert "\n\nAlerts:\n- [warning] Module Web (web) is forecast to spend 1,714.29" in text
    zh = report(path, "--format", "brief", "--lang", "zh")
    assert "按近期花费速度预计超支814.29 CNY。" in zh
    assert "\n\n风险预警：\n- [警告] " in zh
    # the owner and the deadline as each language writes them: the end of 06-14 + 24 h
    assert text.rstrip().endswith("(Wang Fang, respond by 2024-06-16 00:00)")
    assert zh.rstrip().endswith("（负责人 Wang Fang，2024-06-16 00:00 前响应）")


def test_brief_keeps_each_alert_on_one_line_whatever_the_names_hold(tmp_path: Path) -> None:
    # a module name and an owner written over two lines (YAML "\\n") split the alert's line
    path = tmp_path / "plan.yaml"
    small = PLAN.replace("total: 10000", "total: 1000").replace("reserve: 1000", "reserve: 100")
    small = small.replace("name: Web\n", 'name: "Web\\n  shop"\n')
    small = small.replace("owner: Wang Fang", 'owner: "Wang\\nFang"')
    path.write_text(small.replace("budget: 9000", "budget: 900"), encoding="utf-8")
    (tmp_path / "web.csv").write_text(DATA, encoding="utf-8")
    assert run_cli("ingest", path, tmp_path / "web.csv", "--source", "web", "-q").code == 0
    text = report(path, "--format", "brief", "--lang", "en")
    paragraph, alerts = text.split("\n\nAlerts:\n")
    assert "\n" not in paragraph
    assert alerts.count("\n") == 1  # one alert, one line
    assert alerts.startswith("- [warning] Module Web shop (web) is forecast to spend 1,714.29")
    assert alerts.endswith("(Wang Fang, respond by 2024-06-16 00:00)\n")


def test_markdown_opens_with_the_summary_paragraph(plan: Path) -> None:
    text = report(plan, "--format", "md", "--lang", "zh")
    assert text.startswith("# 营销计划报告: Weekly test\n\n截至2024-06-14，3个指标中0个正常。")


def test_brief_cannot_be_written_to_a_file(plan: Path, tmp_path: Path) -> None:
    result = run_cli("report", plan, "--format", "brief", "--out", tmp_path / "b.txt")
    assert result.code == 2
    assert "standard output" in result.stderr


def test_workbook_has_period_and_trend_sheets_with_numbers(plan: Path, tmp_path: Path) -> None:
    import datetime as dt

    import openpyxl

    out = tmp_path / "r.xlsx"
    result = run_cli("report", plan, "--as-of", "2024-06-14", "--out", out, "--lang", "zh")
    assert result.code == 0, result.output
    wb = openpyxl.load_workbook(out)
    period = wb["本期对比"]  # a Chinese report names its sheets in Chinese
    header = [c.value for c in period[1]]
    assert header[3:] == [
        "上期 第1周 (06-01 – 06-07)",
        "本期 第2周 (06-08 – 06-14)",
        "环比增减",
        "环比增幅",
    ]
    sales = next(r for r in period.iter_rows(min_row=2, values_only=True) if r[2] == "web.sales")
    assert sales[3:] == (600, 400, -200, -0.333333)
    assert period.auto_filter.ref == f"A1:G{period.max_row}"
    trend = wb["趋势"]
    rows = [r for r in trend.iter_rows(min_row=2, values_only=True) if r[2] == "web.cr"]
    # percent KPIs are real percentages: 3 % → 0.03; cumulative 85 ÷ 3,000 = 2.833333 %
    assert [(r[3], r[4], r[5], r[6]) for r in rows] == [
        (dt.datetime(2024, 6, 1), dt.datetime(2024, 6, 7), 0.03, 0.03),
        (dt.datetime(2024, 6, 8), dt.datetime(2024, 6, 14), 0.025, 0.02833333),
    ]
    assert trend.auto_filter.ref == f"A1:G{trend.max_row}"


@pytest.mark.parametrize(
    ("plan_lang", "env", "args", "heading"),
    [
        ("zh", {}, (), "## 趋势"),  # the plan's lang:
        ("zh", {"MKTPLAN_LANG": "en"}, (), "## Trend"),  # the environment over the plan
        ("en", {"MKTPLAN_LANG": "en"}, ("--lang", "zh"), "## 趋势"),  # --lang over both
    ],
)
def test_cron_reports_in_the_chosen_language(
    tmp_path: Path, plan_lang: str, env: dict[str, str], args: tuple[str, ...], heading: str
) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(
        PLAN.replace("  cadence: weekly\n", f"  cadence: weekly\n  lang: {plan_lang}\n"),
        encoding="utf-8",
    )
    inbox, reports = tmp_path / "inbox", tmp_path / "reports"
    inbox.mkdir()
    (inbox / "w24.web.csv").write_text(DATA, encoding="utf-8")
    folders = (inbox, tmp_path / "done", tmp_path / "rejected", reports)
    result = run_cli(
        "cron", path, *folders, "--as-of", "2024-06-14", "--fail-on", "critical", *args, env=env
    )
    assert result.code == 0, result.output
    assert heading in (reports / "weekly-test-2024-06-14.md").read_text(encoding="utf-8")


def test_markdown_draws_a_burn_up_chart_with_its_data_table(plan: Path) -> None:
    text = report(plan, "--format", "md", "--lang", "en")
    # GMV: cumulative 600 then 1,000; target curve 3,000 × 7 ÷ 30 = 700 and × 14 ÷ 30 = 1,400;
    # forecast at the due date 06-30: the last 7 days' 400 against the curve's 700 planned
    # for them, over its remaining 1,600: 1,000 + 400 × 1,600 ÷ 700 = 1,914.29
    assert (
        "```mermaid\nxychart-beta\n"
        '    title "GMV: actual to date (bars) · target curve (line 1) · forecast (line 2)"\n'
        '    x-axis ["06-07", "06-14", "06-30"]\n'
        '    y-axis "CNY"\n'
        "    bar [600, 1000, 0]\n"
        "    line [700, 1400, 3000]\n"
        "    line [600, 1000, 1914.29]\n"
        "```\n\n"
        "| End | actual to date | target curve | forecast |\n"
        "|---|---:|---:|---:|\n"
        "| 06-07 | 600.00 | 700.00 | 600.00 |\n"
        "| 06-14 | 1,000.00 | 1,400.00 | 1,000.00 |\n"
        "| 06-30 | - | 3,000.00 | 1,914.29 |\n"
    ) in text
    # spend: 300 + 100 in week 1, 200 + 200 in week 2, against 10,000 − 1,000
    assert "    bar [400, 800]\n    line [9000, 9000]\n" in text
    assert "| 06-14 | 800.00 | 9,000.00 |" in text


def test_json_trend_carries_the_planned_curve_and_the_spend_trend(plan: Path) -> None:
    doc = document(plan)
    assert [t["planned"] for t in kpi(doc, "gmv")["trend"]] == [700, 1400]
    assert doc["spend_trend"] == [
        {
            "start": "2024-06-01",
            "end": "2024-06-07",
            "actual": 400,
            "cumulative": 400,
            "planned": 9000,
        },
        {
            "start": "2024-06-08",
            "end": "2024-06-14",
            "actual": 400,
            "cumulative": 800,
            "planned": 9000,
        },
    ]


def test_banner_names_the_stale_source_since_when_and_how_much(plan: Path) -> None:
    # weekly cadence: data older than 7 days is stale; the latest is 06-12, 18 days before
    result = run_cli("report", plan, "--as-of", "2024-06-30", "--format", "md", "--lang", "en")
    assert result.code == 0, result.output
    assert result.stdout.startswith(
        "# Marketing plan report: Weekly test\n\n"
        "> **Data quality**\n"
        "> - source export: no new data for Sales, Visits, Orders and 1 more since 2024-06-12 "
        "(18 days before as-of)\n\n"
    )
    doc = json.loads(run_cli("report", plan, "--as-of", "2024-06-30", "--format", "json").stdout)
    assert doc["data_issues"] == [
        {
            "kind": "stale",
            "source": "export",
            "since": "2024-06-12",
            "count": 4,
            "days": 18,
            "kpis": ["web.sales", "web.visits", "web.orders", "web.spend"],
            "channels": [],
        }
    ]
    assert "> **Data quality**" not in report(plan, "--format", "md")  # fresh on 06-14


def test_banner_names_only_the_stale_kpis_of_a_source_whose_others_are_current(
    tmp_path: Path,
) -> None:
    # Sales has data to 06-28 (2 days before as-of), the others stop by 06-12: the source is
    # not stale as a whole, so the banner names those KPIs, not "source export: no new data"
    data = DATA.replace("2024-06-12,mini,300,500,15,200", "2024-06-12,mini,300,500,,")
    data += "2024-06-28,app,50,,,\n"
    plan = ingested_plan(tmp_path, PLAN, data)
    for lang, line in (
        (
            "en",
            "> - source export: no new data for Visits, Orders, Spend since 2024-06-12 "
            "(18 days before as-of)",
        ),
        (
            "zh",
            "> - 数据来源 export：Visits、Orders、Spend自 2024-06-12 起无新数据（截至日期前 18 天）",
        ),
    ):
        text = run_cli("report", plan, "--as-of", "2024-06-30", "-f", "md", "--lang", lang).stdout
        assert line + "\n" in text
    doc = json.loads(run_cli("report", plan, "--as-of", "2024-06-30", "--format", "json").stdout)
    (issue,) = doc["data_issues"]
    # orders and spend stop on 06-10 (the 06-12 row has none), visits on 06-12: none of them
    # has data after 06-12
    assert (issue["since"], issue["kpis"]) == (
        "2024-06-12",
        ["web.visits", "web.orders", "web.spend"],
    )


def test_banner_names_refused_then_skipped_rows_until_the_next_accepted_ingest(
    tmp_path: Path, backend: Backend
) -> None:
    import datetime as dt

    from tests.store.helpers import select

    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    good, bad = tmp_path / "w1.csv", tmp_path / "w2.csv"
    good.write_text(DATA, encoding="utf-8")
    bad.write_text(
        "day,channel,Sales,Visits,Orders,Spend\n"
        "2024-06-13,app,SECRET-VALUE,10,1,1\n"
        "2024-06-13,mini,5,10,1,1\n",
        encoding="utf-8",
    )
    store = backend.new()
    env = {"MKTPLAN_STORE": store}
    today = dt.datetime.now(dt.UTC).date().isoformat()

    def banner() -> str:
        text = report(path, "--format", "md", "--lang", "en", env=env)
        return text.split("\n\n")[1]

    assert run_cli("ingest", path, good, "--source", "web", "-q", env=env).code == 0
    # refused by hand: the store stays exactly as it was, nothing logged
    assert run_cli("ingest", path, bad, "--source", "web", "-q", env=env).code == 1
    assert select(store, "SELECT count(*) FROM input_problem") == [(0,)]
    assert "Data quality" not in report(path, "--format", "md", "--lang", "en", env=env)
    # refused with --log-refusal (as cron runs it): logged for the banner
    logging = ("--source", "web", "-q", "--log-refusal")
    assert run_cli("ingest", path, bad, *logging, env=env).code == 1
    assert banner() == f"> **Data quality**\n> - source web: 1 row(s) refused since {today}"
    # counts and codes only, never the values
    logged = select(store, "SELECT file, source, kind, reason, rows FROM input_problem")
    assert logged == [(str(bad), "web", "refused", "rejected_row", 1)]
    assert "SECRET" not in str(select(store, "SELECT * FROM input_problem"))

    skipped = run_cli("ingest", path, bad, "--source", "web", "--skip-invalid", "-q", env=env)
    assert skipped.code == 0, skipped.output
    # the accepted ingest clears the refusal; its own skipped row is named instead
    assert banner() == f"> **Data quality**\n> - source web: 1 row(s) skipped since {today}"

    good.write_text(DATA + "2024-06-14,app,1,1,1,1\n", encoding="utf-8")
    assert run_cli("ingest", path, good, "--source", "web", "-q", env=env).code == 0
    assert "Data quality" not in report(path, "--format", "md", env=env)


def _many_kpis_plan(targeted: int) -> str:
    kpis = "\n".join(
        f"      - {{id: k{i:02d}, name: KPI {i}, unit: count, target: 100, due: 2024-06-30, "
        f"source: export{', role: revenue' if i == 1 else ''}}}"
        for i in range(1, targeted + 1)
    )
    return (
        PLAN.split("modules:")[0]
        + "modules:\n  - id: web\n    name: Web\n    owner: Wang Fang\n    budget: 9000\n"
        "    goal: Web sales reach 3,000 CNY by 30 June 2024\n    kpis:\n" + kpis + "\n"
    )


@pytest.mark.parametrize(("targeted", "capped"), [(49, False), (52, True)])
def test_the_report_says_when_the_trend_is_capped(
    tmp_path: Path, targeted: int, capped: bool
) -> None:
    # the evaluation table has 1 plan-level KPI + `targeted` module KPIs; trends stop at 50
    plan = tmp_path / "many.yaml"
    plan.write_text(_many_kpis_plan(targeted), encoding="utf-8")
    common = ("--as-of", "2024-06-14", "--store", tmp_path / "none.sqlite", "--allow-empty", "-q")
    ran = run_cli("report", plan, "--format", "json", *common)
    assert ran.code in (0, 3), ran.output
    doc = json.loads(ran.stdout)
    rows = targeted + 1
    assert (doc["plan"]["trend_shown"], doc["plan"]["trend_of"]) == (min(rows, 50), rows)
    assert sum(1 for k in doc["kpis"] if k["trend"]) == min(rows, 50)
    for lang, sentence in (
        (
            "en",
            f"Trends of the first 50 of the {rows} KPIs of the evaluation table: a report "
            "computes at most 50.",
        ),
        ("zh", f"仅列出效果评估表前 50 个指标的趋势（共 {rows} 个）：每份报告最多计算 50 个。"),
    ):
        md = run_cli("report", plan, "--format", "md", "--lang", lang, *common)
        assert md.code in (0, 3), md.output
        assert (sentence in md.stdout) is capped, md.stdout


def test_json_carries_the_summary_numbers_and_its_text(plan: Path) -> None:
    summary = document(plan)["summary"]
    # spend 400 + 400 of 10,000 − 1,000; 14 of 30 days; conversion 2.833…% of 5 % at a
    # pace of 0.566667 (expected 5 %: a level), app's conversion 40/1000 → 10/500
    assert {k: v for k, v in summary.items() if k not in ("text", "gap")} == {
        "graded": 3,
        "on_track": 0,
        "finished": 0,
        "achieved": 0,
        "spent": 800,
        "budget": 9000,
        "budget_used": 0.088889,
        "time_elapsed": 0.466667,
        "spend_forecast": 1714.285714,
        "overspend": None,
    }
    assert summary["gap"] == {
        "kpi": "web.cr",
        "name": "Conversion",
        "owner": "Wang Fang",
        "status": "off_track",
        "measure": "pace",
        "score": 0.566667,
        "channel": {"channel": "app", "previous": 4, "current": 2, "change": -2},
    }
    # the paragraph the Markdown report opens with, in the report's language
    assert summary["text"] in report(plan, "--format", "md")
    zh = document(plan, "--lang", "zh")["summary"]["text"]
    assert zh.startswith("截至2024-06-14，3个指标中0个正常。")
