"""A rate (`aggregation: mean`) keeps its rows' budget line and ref at ingest, like every
other KPI: the store sums the lines and refs of a date × channel before the mean sees one
value there (docs/metrics.md, "Aggregation over days and channels"). Only rows with the same
date, channel, line and ref in one file are still too fine for a rate, and a percent or ratio
KPI is refused rows of several lines or refs on one date and channel: they would add up."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from tests.conftest import run_cli

PLAN = """\
plan:
  id: ledger-rates
  name: Ledger rates
  owner: Pat Lee
  period: {start: 2024-01-01, end: 2024-01-10}
budget:
  total: 1000
  reserve: 100
modules:
  - id: a
    name: Module a
    owner: Ann Wu
    budget: 900
    goal: Sales of 1,000 CNY by 10 January 2024
    kpis:
      - {id: sales, name: Sales, unit: CNY, target: 1000, due: 2024-01-10, source: shop}
      - {id: mn, name: Average ticket, unit: CNY, aggregation: mean, source: ledger}
      - {id: pk, name: Peak, unit: CNY, aggregation: max, source: ledger}
"""

HEAD = "date,kpi,value,channel,line,ref\n"
# metrics.md: on Jan 1 in channel web 1,000 on line creative + 500 on line retail_display; on
# Jan 2 two invoices of 1,200 and 100
LINES = (
    "2024-01-01,a.mn,1000,web,creative,\n"
    "2024-01-01,a.mn,500,web,retail_display,\n"
    "2024-01-01,a.pk,1000,web,creative,\n"
    "2024-01-01,a.pk,500,web,retail_display,\n"
)
INV_1 = "2024-01-02,a.mn,1200,web,,INV-1\n2024-01-02,a.pk,1200,web,,INV-1\n"
INV_2 = "2024-01-02,a.mn,100,web,,INV-2\n2024-01-02,a.pk,100,web,,INV-2\n"


def _files(tmp_path: Path, **texts: str) -> list[str]:
    """The plan and each export written to tmp_path; the exports' names, relative to it."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    for name, text in texts.items():
        (tmp_path / f"{name}.csv").write_text(HEAD + text, encoding="utf-8")
    return [f"{name}.csv" for name in texts]


def _ingest(tmp_path: Path, *files: str) -> str:
    ran = run_cli("ingest", "plan.yaml", *files, "--store", "s.sqlite", cwd=tmp_path)
    assert ran.code == 0, ran.output
    return ran.stdout


def _actuals(tmp_path: Path) -> dict[str, Decimal]:
    """The ledger KPIs' actuals that have data, as the JSON report gives them."""
    ran = run_cli(
        "report", "plan.yaml", "--store", "s.sqlite", "--as-of", "2024-01-09", "-f", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert ran.code in (0, 3), ran.output
    kpis = json.loads(ran.stdout)["kpis"]
    return {
        k["id"]: Decimal(str(k["actual"]))
        for k in kpis
        if k["id"] != "a.sales" and k["actual"] is not None
    }


def test_the_metrics_example_in_one_file(tmp_path: Path) -> None:
    (export,) = _files(tmp_path, ledger=LINES + INV_1 + INV_2)
    assert "8 rows read; 8 new" in _ingest(tmp_path, export)
    # Jan 1: 1,000 + 500 = 1,500; Jan 2: 1,200 + 100 = 1,300
    assert _actuals(tmp_path) == {"a.mn": Decimal(1400), "a.pk": Decimal(1500)}


def test_a_later_invoice_adds_up_and_a_corrected_one_replaces_its_ref(tmp_path: Path) -> None:
    first, second, fixed = _files(
        tmp_path,
        w1=LINES + INV_1,
        w2=INV_2,
        w3="2024-01-02,a.mn,1000,web,,INV-1\n2024-01-02,a.pk,1000,web,,INV-1\n",
    )
    _ingest(tmp_path, first)
    assert _actuals(tmp_path) == {"a.mn": Decimal(1350), "a.pk": Decimal(1500)}  # (1500+1200)/2
    # the second invoice was replacing the first for the rate: a.mn was (1,500 + 100) ÷ 2
    assert "2 new, 0 changed" in _ingest(tmp_path, second)
    assert _actuals(tmp_path) == {"a.mn": Decimal(1400), "a.pk": Decimal(1500)}
    assert "0 new, 2 changed" in _ingest(tmp_path, fixed)
    # Jan 2: 1,000 + 100 = 1,100; mean (1,500 + 1,100) ÷ 2 = 1,300
    assert _actuals(tmp_path) == {"a.mn": Decimal(1300), "a.pk": Decimal(1500)}


def test_the_same_line_and_ref_twice_in_one_file_is_still_too_fine(tmp_path: Path) -> None:
    twice = "2024-01-02,a.mn,1200,web,,INV-1\n2024-01-02,a.mn,100,web,,INV-1\n"
    other = "2024-01-02,a.mn,50,web,,INV-2\n2024-01-02,a.mn,70,shop,,INV-1\n"
    (export,) = _files(tmp_path, dup=twice + other)
    ran = run_cli("ingest", "plan.yaml", export, "--store", "s.sqlite", cwd=tmp_path)
    assert ran.code == 1
    reason = (
        "2 rows for rate 'a.mn' with the same date, channel, line and ref: a rate is not "
        "averaged; export one row per date and channel (rows with different refs add up), or "
        "give the KPI a `weight:` exported in the same rows"
    )
    errors = [line for line in ran.stderr.splitlines() if line.startswith("error")]
    # each names its rate cell as written
    assert errors == [
        f"error dup.csv:2 value: '1200': {reason}",
        f"error dup.csv:3 value: '100': {reason}",
    ]
    ran = run_cli(
        "ingest", "plan.yaml", export, "--store", "s.sqlite", "--skip-invalid", cwd=tmp_path
    )
    assert ran.code == 0, ran.output
    assert "2 new" in ran.stdout  # INV-2 on web and INV-1 on shop
    # Jan 2: web 50, shop 70: one value per date × channel, mean (50 + 70) ÷ 2 = 60
    assert _actuals(tmp_path) == {"a.mn": Decimal(60)}


def test_the_rate_reason_in_chinese(tmp_path: Path) -> None:
    (export,) = _files(tmp_path, dup="2024-01-02,a.mn,1,web,x,R\n2024-01-02,a.mn,2,web,x,R\n")
    ran = run_cli(
        "ingest", "plan.yaml", export, "--store", "s.sqlite", "--lang", "zh", cwd=tmp_path
    )
    assert ran.code == 1
    assert ran.stderr.splitlines()[0] == (
        "错误 dup.csv:2 value: '1'：比率指标 'a.mn' 有 2 行的日期、渠道、line 和 ref 都相同："
        "比率不做平均；请每个日期和渠道导出一行（ref 不同的行会相加），或为该指标设置 "
        "`weight:`，并在同一行中导出权重"
    )


# --- a percent or ratio KPI: its lines and refs are never added up ---------------------------

RATES = PLAN + (
    "      - {id: imps, name: Impressions, unit: count, source: ads}\n"
    '      - {id: ctr, name: CTR, unit: "%", aggregation: mean, weight: imps, source: ads}\n'
    "      - {id: roi, name: ROI, unit: ratio, aggregation: last, source: ads}\n"
)


def _rates(tmp_path: Path, text: str, *args: str) -> tuple[int, str]:
    (tmp_path / "plan.yaml").write_text(RATES, encoding="utf-8")
    (tmp_path / "r.csv").write_text(HEAD + text, encoding="utf-8")
    ran = run_cli("ingest", "plan.yaml", "r.csv", "--store", "s.sqlite", *args, cwd=tmp_path)
    return ran.code, ran.output


def test_a_rate_of_two_budget_lines_on_one_day_and_channel_is_refused(tmp_path: Path) -> None:
    # the store added CTR 2 % + 3 % (each on 1,000 impressions) up to 5 %, on track at 3 %
    code, output = _rates(
        tmp_path,
        "2024-01-01,a.imps,1000,web,search,\n"
        "2024-01-01,a.ctr,2%,web,search,\n"
        "2024-01-01,a.imps,1000,web,display,\n"
        "2024-01-01,a.ctr,3%,web,display,\n",
    )
    assert code == 1
    assert "r.csv:3 value: '2%': 'a.ctr' is a rate, and this row (line 'search')" in output
    assert "map that column as the source's `channel:`" in output
    assert not (tmp_path / "s.sqlite").exists()


def test_skip_invalid_keeps_the_other_cells_and_refs_count_too(tmp_path: Path) -> None:
    code, output = _rates(
        tmp_path,
        "2024-01-01,a.imps,1000,web,search,\n"
        "2024-01-01,a.roi,1.5,web,,INV-1\n"
        "2024-01-01,a.roi,2.5,web,,INV-2\n"
        "2024-01-02,a.roi,2,web,,INV-3\n",
        "--skip-invalid",
    )
    assert code == 0, output
    assert "2 rows rejected and skipped" in output
    rejected = (tmp_path / "r.rejects.csv").read_text(encoding="utf-8")
    assert "'a.roi' is a rate, and this row (ref 'INV-1')" in rejected
    report = run_cli(
        "report", "plan.yaml", "--store", "s.sqlite", "--as-of", "2024-01-02", "-f", "json",
        cwd=tmp_path,
    )  # fmt: skip
    actual = {k["id"]: k["actual"] for k in json.loads(report.stdout)["kpis"]}
    assert (actual["a.imps"], actual["a.roi"]) == (1000, 2)  # Jan 2's one ref: kept


def test_one_line_a_day_and_channel_is_fine_for_a_rate(tmp_path: Path) -> None:
    # a source's fixed line (推广费) gives every row the same line: nothing is added up
    code, output = _rates(
        tmp_path,
        "2024-01-01,a.roi,1.5,web,推广费,\n2024-01-01,a.roi,2.5,app,推广费,\n",
    )
    assert code == 0, output


def test_a_rate_split_by_line_across_files_is_refused(tmp_path: Path) -> None:
    # each file alone is fine; the second's CTR beside the first's would read 2 % + 3 %
    code, output = _rates(tmp_path, "2024-01-01,a.ctr,2%,web,search,\n")
    assert code == 0, output
    before = (tmp_path / "s.sqlite").read_bytes()
    (tmp_path / "b.csv").write_text(
        HEAD + "2024-01-01,a.imps,1000,web,display,\n2024-01-01,a.ctr,3%,web,display,\n",
        encoding="utf-8",
    )
    ran = run_cli("ingest", "plan.yaml", "b.csv", "--store", "s.sqlite", cwd=tmp_path)
    assert ran.code == 1
    assert ran.output.startswith(
        "mktplan: b.csv:3 a.ctr: 'a.ctr' is a rate, and this file gives it on 2024-01-01 in "
        "channel web under budget line 'display', while the store holds it for that day and "
        "channel under budget line 'search' (from r.csv)"
    )
    assert "Traceback" not in ran.output
    assert (tmp_path / "s.sqlite").read_bytes() == before
    # the same line corrects it
    (tmp_path / "c.csv").write_text(HEAD + "2024-01-01,a.ctr,4%,web,search,\n", encoding="utf-8")
    ran = run_cli("ingest", "plan.yaml", "c.csv", "--store", "s.sqlite", cwd=tmp_path)
    assert ran.code == 0, ran.output
    assert "0 new, 1 changed" in ran.output
    # --force moves it to the other line
    ran = run_cli("ingest", "plan.yaml", "b.csv", "--store", "s.sqlite", "--force", cwd=tmp_path)
    assert ran.code == 0, ran.output
    assert "2 new, 1 changed" in ran.output
    report = run_cli(
        "report", "plan.yaml", "--store", "s.sqlite", "--as-of", "2024-01-01", "-f", "json",
        cwd=tmp_path,
    )  # fmt: skip
    actual = {k["id"]: k["actual"] for k in json.loads(report.stdout)["kpis"]}
    assert actual["a.ctr"] == 3
