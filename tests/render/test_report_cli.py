"""`mktplan report` through the real entry point: usage errors, outputs, exit codes, and
both example plans end to end (ingested into a store in a temporary folder)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import PLANS, run_cli
from tests.render.golden_files import assert_golden

Q3 = PLANS / "q3-2023-growth.yaml"
LAUNCH = PLANS / "2024-06-launch.yaml"
DOUBLE11 = PLANS / "2025-11-double11.yaml"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("store") / "store.sqlite"
    for args in (
        (Q3, PLANS / "q3-2023-growth.actuals.csv"),
        (LAUNCH, PLANS / "2024-06-launch.daily.gbk.csv", "--source", "daily_report"),
        (LAUNCH, PLANS / "2024-06-launch.finance.csv"),
        (DOUBLE11, PLANS / "2025-11-double11.actuals.csv"),
    ):
        result = run_cli("ingest", *args, "--store", path, "-q")
        assert result.code == 0, result.output
    return path


# --- usage errors (exit 2) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--as-of", "31/07/2023"), "--as-of must be a date like 2023-07-31, not '31/07/2023'"),
        (("--as-of", "2023-02-30"), "--as-of must be a date like 2023-07-31"),
        (("--format", "xlsx"), "an xlsx report needs --out"),
        (("--format", "json", "--template", "x.md.j2"), "--template applies to --format md only"),
        (("--template", "missing.md.j2"), "the template file does not exist"),
        (("--out", "report.csv"), "cannot tell the format from the file name 'report.csv'"),
        (
            ("--format", "md", "--out", "r.json"),
            "--format md does not match 'r.json', a file name for the json format",
        ),
        (
            ("--format", "json", "--out", "r.xlsx"),
            "--format json does not match 'r.xlsx', a file name for the xlsx format",
        ),
    ],
)
def test_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("report", Q3, "--store", tmp_path / "none.sqlite", *args, cwd=tmp_path)
    assert result.code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written, not even the store


def test_out_dash_is_standard_output_not_a_file_named_dash(store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "report",
        Q3,
        "--store",
        store,
        "--as-of",
        "2023-07-31",
        "-f",
        "json",
        "-o",
        "-",
        cwd=tmp_path,
    )
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["plan"]["id"]
    assert list(tmp_path.iterdir()) == []


def test_unknown_language_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("report", Q3, "--lang", "fr", "--store", tmp_path / "s.sqlite")
    assert result.code == 2
    assert "--lang" in result.stderr


def test_missing_plan_is_invalid_input(tmp_path: Path) -> None:
    result = run_cli("report", tmp_path / "nope.yaml", "--as-of", "2023-07-31")
    assert result.code == 1
    assert "nope.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_a_file_that_is_not_a_store_means_the_store_could_not_be_used(tmp_path: Path) -> None:
    bad = tmp_path / "store.sqlite"
    bad.write_text("not a database", encoding="utf-8")
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--store", bad)
    assert result.code == 4
    assert "Traceback" not in result.output
    assert "store.sqlite" in result.stderr


# --- no store yet -------------------------------------------------------------------------


def test_without_a_store_no_report_is_written(tmp_path: Path) -> None:
    """A wrong --store in a crontab wrote an all-"no data" report with exit 0 (issue 10)."""
    missing = tmp_path / "none.sqlite"
    out = tmp_path / "r.md"
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--store", missing, "--out", out)
    assert result.code == 1, result.output
    assert f"there is no store at {missing}, so every KPI would show no data" in result.stderr
    assert "--allow-empty" in result.stderr
    assert not out.exists()
    assert not missing.exists()  # reporting never creates a store


def test_a_store_without_the_plans_data_is_refused(tmp_path: Path, store: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(
        Q3.read_text(encoding="utf-8").replace("id: q3-2023-growth", "id: q3-other", 1),
        encoding="utf-8",
    )
    result = run_cli("report", other, "--as-of", "2023-07-31", "--store", store, "-q")
    assert result.code == 1, result.output
    assert f"the store {store} holds no observation of plan 'q3-other'" in result.stderr
    allowed = run_cli(
        "report", other, "--as-of", "2023-07-31", "--store", store, "--allow-empty", "-q"
    )
    assert allowed.code == 0, allowed.output
    assert allowed.stdout.startswith("# Marketing plan report")


def test_allow_empty_reports_no_data_and_a_note_says_why(tmp_path: Path) -> None:
    missing = tmp_path / "none.sqlite"
    result = run_cli(
        "report", Q3, "--as-of", "2023-07-31", "-f", "json", "--store", missing, "--allow-empty"
    )
    assert result.code == 0, result.output
    assert f"note: there is no store at {missing}" in result.stderr
    doc = json.loads(result.stdout)
    assert all(k["actual"] is None for k in doc["kpis"])
    assert {k["status"] for k in doc["kpis"] if k["target"] is not None} == {"no_data"}
    assert not missing.exists()  # reporting never creates a store


def test_quiet_prints_nothing_but_the_requested_output(tmp_path: Path) -> None:
    result = run_cli(
        "report",
        Q3,
        "--as-of",
        "2023-07-31",
        "--out",
        tmp_path / "r.md",
        "-q",
        "--store",
        tmp_path / "none.sqlite",
        "--allow-empty",
    )
    assert result.code == 0
    assert result.stdout == ""
    assert result.stderr == ""
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Marketing plan report")


# --- outputs ------------------------------------------------------------------------------


def test_out_folder_gets_the_cron_file_name(tmp_path: Path, store: Path) -> None:
    reports = tmp_path / "reports"
    result = run_cli(
        "report", Q3, "--as-of", "2023-07-31", "--out", f"{reports}/", "--store", store
    )
    assert result.code == 0, result.output
    written = reports / "q3-2023-growth-2023-07-31.md"
    assert result.stdout.strip() == f"wrote {written}"
    assert sorted(p.name for p in reports.iterdir()) == [written.name]  # no temp file left

    result = run_cli(
        "report",
        Q3,
        "--as-of",
        "2023-07-31",
        "--out",
        reports,
        "--format",
        "xlsx",
        "--store",
        store,
        "-q",
    )
    assert result.code == 0, result.output
    assert (reports / "q3-2023-growth-2023-07-31.xlsx").is_file()


def test_default_as_of_is_yesterday_the_last_complete_day(tmp_path: Path, store: Path) -> None:
    # a Monday run must not count Monday, a day without data yet (issue 11, as cron does)
    reports = tmp_path / "reports"
    result = run_cli("report", Q3, "--out", f"{reports}/", "--store", store, "-q")
    assert result.code == 0, result.output
    yesterday = dt.date.today() - dt.timedelta(days=1)
    (written,) = reports.iterdir()
    assert written.name == f"q3-2023-growth-{yesterday.isoformat()}.md"


def test_format_follows_the_out_extension(tmp_path: Path, store: Path) -> None:
    target = tmp_path / "weekly.json"
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--out", target, "--store", store)
    assert result.code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["plan"]["id"] == "q3-2023-growth"


def test_markdown_is_the_default_when_stdout_is_not_a_terminal(store: Path) -> None:
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--store", store)
    assert result.code == 0
    assert result.stdout.startswith("# Marketing plan report: Q3 2023 online growth\n")


def test_fail_on_exits_3_after_writing(tmp_path: Path, store: Path) -> None:
    target = tmp_path / "r.md"
    result = run_cli(
        "report",
        Q3,
        "--as-of",
        "2023-07-31",
        "--out",
        target,
        "--store",
        store,
        "--fail-on",
        "critical",
    )
    assert result.code == 3, result.output
    assert target.is_file()
    assert "alert at critical or worse" in result.stderr

    quiet = run_cli(
        "report",
        Q3,
        "--as-of",
        "2023-07-31",
        "--out",
        target,
        "--store",
        store,
        "--fail-on",
        "warning",
        "-q",
    )
    assert quiet.code == 3
    assert quiet.output == ""


def test_fail_on_without_such_alerts_exits_0(tmp_path: Path) -> None:
    result = run_cli(
        "report",
        Q3,
        "--as-of",
        "2023-07-31",
        "--format",
        "json",
        "--fail-on",
        "warning",
        "--store",
        tmp_path / "none.sqlite",
        "--allow-empty",
        "-q",
    )
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["alerts"] == []


def test_team_template_from_the_command_line(tmp_path: Path, store: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    good = tmp_path / "t" / "weekly.md.j2"
    good.write_text("{{ plan.id }}: {{ ev.budget.spent | money }}\n", encoding="utf-8")
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--template", good, "--store", store)
    assert result.code == 0, result.output
    assert result.stdout == (
        "q3-2023-growth: 245,188.66\n\n"
        "<!-- generated by mktplan report; it may overwrite this file -->\n"
    )

    evil = tmp_path / "t" / "evil.md.j2"
    evil.write_text("{% include '../secret.txt' %}", encoding="utf-8")
    result = run_cli("report", Q3, "--as-of", "2023-07-31", "--template", evil, "--store", store)
    assert result.code == 1
    assert "TOP SECRET" not in result.output
    assert "template not found: ../secret.txt" in result.stderr


# --- both example plans, end to end -------------------------------------------------------

EXAMPLES = [(Q3, "2023-07-31"), (LAUNCH, "2024-06-15"), (DOUBLE11, "2025-11-02")]


@pytest.mark.parametrize(("plan", "as_of"), EXAMPLES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_example_markdown_matches_golden(plan: Path, as_of: str, lang: str, store: Path) -> None:
    result = run_cli("report", plan, "--as-of", as_of, "--lang", lang, "--store", store)
    assert result.code == 0, result.output
    assert_golden(f"{plan.stem}.{as_of}.{lang}.md", result.stdout)


@pytest.mark.parametrize(("plan", "as_of"), EXAMPLES)
def test_example_json(plan: Path, as_of: str, store: Path) -> None:
    result = run_cli("report", plan, "--as-of", as_of, "--format", "json", "--store", store)
    assert result.code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["plan"]["as_of"] == as_of
    assert doc["plan"]["id"] == plan.stem
    assert any(k["actual"] is not None for k in doc["kpis"])
    assert all(isinstance(m["budget"], int | float) for m in doc["modules"])


def test_phased_example_is_paced_along_its_checkpoints(store: Path) -> None:
    result = run_cli(
        "report", DOUBLE11, "--as-of", "2025-11-02", "--format", "json", "--store", store
    )
    assert result.code == 0, result.output
    kpis = {k["id"]: k for k in json.loads(result.stdout)["kpis"]}
    gmv = kpis["gmv"]
    # 12 days at 120,000 (Oct 20–31) + 1,200,000 (Nov 1) + 1,050,000 (Nov 2)
    assert gmv["actual"] == 3690000
    # curve: 15 % of 10 M by the end of Oct 31 (day 12), 50 % by Nov 3 (day 15); Nov 2 is
    # day 14: 1,500,000 + 3,500,000 × 2 ÷ 3 = 3,833,333.33
    assert gmv["expected"] == 3833333.333333
    assert gmv["pace"] == 0.962609  # on track, where a straight line said 71 % (at risk)
    assert gmv["status"] == "on_track"
    douyin = kpis["douyin.sales"]  # checkpoints as values: 600,000 → 2,000,000
    assert douyin["expected"] == 1533333.333333  # 600,000 + 1,400,000 × 2 ÷ 3
    assert douyin["status"] == "at_risk"  # 1,290,000 ÷ 1,533,333.33 = 84.1 %


@pytest.mark.parametrize(("plan", "as_of"), EXAMPLES)
def test_example_xlsx(plan: Path, as_of: str, store: Path, tmp_path: Path) -> None:
    result = run_cli(
        "report",
        plan,
        "--as-of",
        as_of,
        "--out",
        f"{tmp_path}/",
        "--store",
        store,
        "--format",
        "xlsx",
        "--lang",
        "zh",
    )
    assert result.code == 0, result.output
    data = (tmp_path / f"{plan.stem}-{as_of}.xlsx").read_bytes()
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [  # Chinese sheet names in a Chinese report
        "效果评估",
        "策略跟踪表",
        "关键指标",
        "预算",
        "预算科目",
        "任务跟踪表",
        "风险预警",
        "分渠道",
        "每日数据",
        "本期对比",
        "趋势",
        "图表",
    ]
    assert wb["策略跟踪表"]["A1"].value == "策略模块"
    budget = wb["预算"]
    assert budget["F1"].value == "花费预测"
    spend, forecast = budget["D2"].value, budget["F2"].value
    assert spend is None or forecast >= spend  # spend only grows to the plan end
    assert wb["每日数据"].max_row > 10
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"


@pytest.mark.parametrize(("plan", "as_of"), EXAMPLES)
def test_example_table(plan: Path, as_of: str, store: Path) -> None:
    result = run_cli(
        "report", plan, "--as-of", as_of, "--format", "table", "--lang", "en", "--store", store
    )
    assert result.code == 0, result.output
    for title in ("Summary", "Strategy tracking", "KPIs", "Tasks"):
        assert title in result.stdout
