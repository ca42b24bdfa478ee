"""`report` and `cron` speak the one language setting in their own lines too: refusals,
usage errors, the files written, the alert counts and cron's per-step problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    shutil.copy(Q3, tmp_path / "plan.yaml")
    return tmp_path / "plan.yaml"


def _report(plan: Path, *args: str) -> tuple[int, str, str]:
    run = run_cli("report", "plan.yaml", "--as-of", "2023-07-31", *args, cwd=plan.parent)
    return run.code, run.stdout, run.stderr


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "mktplan: none.sqlite: there is no store at none.sqlite, so every KPI would show no "
            "data; no report written Hint: check --store or MKTPLAN_STORE, load exports with "
            "`mktplan ingest plan.yaml FILE…`, or add --allow-empty to report the plan without "
            "data.\n",
        ),
        (
            "zh",
            "mktplan: none.sqlite: none.sqlite 处没有数据库，所有指标都会显示无数据；未写出报告 "
            "提示：检查 --store 或 MKTPLAN_STORE，用 `mktplan ingest plan.yaml FILE…` 导入数据，"
            "或加上 --allow-empty 输出无数据的计划报告。\n",
        ),
    ],
)
def test_a_missing_store_is_refused_in_the_language(plan: Path, lang: str, expected: str) -> None:
    code, _, err = _report(plan, "--store", "none.sqlite", "-o", "r.md", "--lang", lang)
    assert (code, err) == (1, expected)
    assert not (plan.parent / "r.md").exists()


def test_an_empty_report_notes_why_in_the_plans_language(plan: Path) -> None:
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("\n  currency:", "\n  lang: zh\n  currency:", 1),
        encoding="utf-8",
    )
    code, out, err = _report(plan, "--store", "none.sqlite", "--allow-empty", "-o", "r.md")
    assert code == 0, err
    assert err == (
        "注意：none.sqlite 处没有数据库，所有指标都显示无数据；导入数据："
        "mktplan ingest plan.yaml FILE…\n"
    )
    assert out == "已写入 r.md\n"


@pytest.mark.parametrize(
    ("args", "en", "zh"),
    [
        (
            ["-f", "xlsx"],
            "mktplan: an xlsx report needs --out Hint: add --out reports/ or --out report.xlsx.\n",
            "mktplan: xlsx 报告需要 --out 提示：加上 --out reports/ 或 --out report.xlsx。\n",
        ),
        (
            ["-f", "brief", "-o", "b.txt"],
            "mktplan: the brief report prints to standard output only Hint: drop --out and "
            "redirect: mktplan report … --format brief > brief.txt.\n",
            "mktplan: 简报只输出到标准输出 提示：去掉 --out，改用重定向："
            "mktplan report … --format brief > brief.txt。\n",
        ),
        (
            ["-o", "r.pdf"],
            "mktplan: cannot tell the format from the file name 'r.pdf' Hint: pass --format "
            "md|xlsx|json|table or use .md, .xlsx, .json or .txt.\n",
            "mktplan: 无法从文件名 'r.pdf' 判断报告格式 提示：加上 --format md|xlsx|json|table，"
            "或使用 .md、.xlsx、.json、.txt 扩展名。\n",
        ),
        (
            ["-f", "json", "--template", "t.md.j2"],
            "mktplan: --template applies to --format md only Hint: drop --template or use "
            "--format md.\n",
            "mktplan: --template 只适用于 --format md 提示：去掉 --template，或使用 --format md。\n",
        ),
        (
            ["--template", "t.md.j2", "-f", "md"],
            "mktplan: t.md.j2: the template file does not exist Hint: name a .md.j2 file.\n",
            "mktplan: t.md.j2: 模板文件不存在 提示：指定一个 .md.j2 文件。\n",
        ),
        (
            ["--as-of", "31.7.2023"],
            "mktplan: --as-of must be a date like 2023-07-31, not '31.7.2023' Hint: write the "
            "date as YYYY-MM-DD.\n",
            "mktplan: --as-of 必须是 2023-07-31 这样的日期，而不是 '31.7.2023' 提示：日期写作 "
            "YYYY-MM-DD。\n",
        ),
    ],
)
def test_report_usage_errors_in_both_languages(
    plan: Path, args: list[str], en: str, zh: str
) -> None:
    for lang, expected in (("en", en), ("zh", zh)):
        code, _, err = _report(plan, *args, "--lang", lang)
        assert (code, err) == (2, expected)


def test_out_refusals_name_the_protected_file_in_the_language(plan: Path) -> None:
    empty = ("--store", "none.sqlite", "--allow-empty", "-q")
    code, _, err = _report(plan, *empty, "-f", "md", "-o", "plan.yaml", "--lang", "zh")
    assert (code, err) == (
        1,
        "mktplan: plan.yaml: --out 指向计划文件（plan.yaml）；把报告写到那里会毁掉它 "
        "提示：换一个文件名，或指定文件夹，例如 reports/。\n",
    )
    code, _, err = _report(plan, *empty, "-f", "md", "-o", "plan.yaml", "--lang", "en")
    assert err == (
        "mktplan: plan.yaml: --out names the plan (plan.yaml); writing the report there would "
        "destroy it Hint: choose another file name, or a folder such as reports/.\n"
    )
    (plan.parent / "mine.md").write_text("notes of my own\n", encoding="utf-8")
    code, _, err = _report(plan, *empty, "-o", "mine.md", "--lang", "zh")
    assert (code, err) == (
        1,
        "mktplan: mine.md: --out 指向一个已存在、但不是 mktplan 写出的报告的文件；已保持原样 "
        "提示：换一个文件名或指定文件夹（例如 reports/），或加上 --force 替换该文件。\n",
    )
    code, _, err = _report(plan, *empty, "-o", "mine.md", "--lang", "en")
    assert err == (
        "mktplan: mine.md: --out names an existing file that is not a report written by "
        "mktplan; it is left as it was Hint: choose another file name or a folder such as "
        "reports/, or add --force to replace the file.\n"
    )


def test_written_files_and_alert_counts_in_both_languages(plan: Path) -> None:
    ingest = run_cli(
        "ingest",
        "plan.yaml",
        PLANS / "q3-2023-growth.actuals.csv",
        "--store",
        "s.sqlite",
        "-q",
        cwd=plan.parent,
    )
    assert ingest.code == 0, ingest.output
    args = ("--store", "s.sqlite", "--fail-on", "warning", "-o", "r.md")
    code, out, err = _report(plan, *args, "--lang", "zh")
    assert code == 3
    assert out == "已写入 r.md\n"
    assert err == "4 条警告及以上级别的预警\n"
    code, out, err = _report(plan, *args, "--lang", "en")
    assert (code, out, err) == (3, "wrote r.md\n", "4 alerts at warning or worse\n")


def _cron(root: Path, *args: str) -> tuple[int, str]:
    run = run_cli(
        "cron",
        "plan.yaml",
        "inbox",
        "done",
        "rejected",
        "reports",
        "--store",
        "s.sqlite",
        "--as-of",
        "2023-07-31",
        *args,
        cwd=root,
    )
    return run.code, run.stderr


def test_cron_without_an_inbox_says_so_in_the_language(plan: Path) -> None:
    assert _cron(plan.parent, "--lang", "zh") == (2, "mktplan cron: 收件文件夹 inbox 不是文件夹\n")
    assert _cron(plan.parent, "--lang", "en") == (2, "mktplan cron: inbox inbox is not a folder\n")


def test_cron_reports_a_rejected_file_and_its_alerts_in_chinese(plan: Path) -> None:
    root = plan.parent
    (root / "inbox").mkdir()
    (root / "done").write_text("not a folder\n", encoding="utf-8")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", root / "inbox" / "a.csv")
    (root / "inbox" / "b.csv").write_text("date,kpi,value\n2023-07-03,x.y,1\n", encoding="utf-8")
    code, err = _cron(root, "--lang", "zh", "--fail-on", "warning")
    assert code == 1  # a folder could not be used and a file was rejected
    lines = err.splitlines()
    assert lines[0] == "mktplan cron: 已导入文件夹 done 不是文件夹"
    assert lines[1] == (  # the system's own words (strerror) stay as the system said them
        "mktplan cron: inbox/a.csv 已导入但仍留在收件文件夹：无法移到 done：Not a directory "
        "(done/a.csv)"
    )
    assert lines[2] == "mktplan cron: 已拒收 rejected/b.csv（见 rejected/b.csv.error.txt）"
    head = (root / "rejected" / "b.csv.error.txt").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("b.csv：被 mktplan ingest 拒收（长表格式，退出码 1），时间 ")
    alerts = [line for line in lines[3:] if not line.startswith("mktplan cron: ")]
    assert len(alerts) == 4
    assert all(line.startswith(("严重：", "警告：")) for line in alerts), alerts
    assert all("（负责人 " in line and " 前响应）：" in line for line in alerts), alerts
    # KPI names, not ids; the deadline to the minute, not ISO with a T
    assert all("2023-08-02 00:00 前响应" in line and "T00:00" not in line for line in alerts)
    assert alerts[0].startswith(
        "严重：Negative comments（负责人 Zhang Min，2023-08-02 00:00 前响应）："
    )
    reports = ", ".join(f"reports/q3-2023-growth-2023-07-31.{e}" for e in ("md", "xlsx", "json"))
    assert lines[-1] == f"mktplan cron: 存在警告及以上级别的预警；报告：{reports}"
