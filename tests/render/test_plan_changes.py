"""The weekly report lists the plan's changes of targets, budgets, owners and due dates during
the current period, from git: the plan as committed before the period started against the
plan as committed by the period's end (the working plan for a period that ends today). No
git or no repository: nothing, silently."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

AS_OF = "2024-02-25"  # weekly: the current period is 2024-02-19 … 2024-02-25


def _git(repo: Path, *args: str, when: str = "2024-01-01T12:00:00") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def _commit(repo: Path, text: str, when: str) -> None:
    (repo / "plan.yaml").write_text(text, encoding="utf-8")
    _git(repo, "add", "plan.yaml", when=when)
    _git(repo, "commit", "-q", "-m", "plan", when=when)


# before the period: the version the report compares with (its own edits are not news)
EARLIER = mutate("target: 500000,", "target: 520000,")
# during the period, committed or still in the working tree
LATER = mutate("target: 130000", "target: 150000", EARLIER)
LATER = mutate("owner: Zhang Min", "owner: Wang Fang", LATER)
LATER = mutate("reserve: 12000", "reserve: 13000", LATER)
LATER = mutate("promotion: 60000", "promotion: 59000", LATER)
LATER = mutate("budget: 60000", "budget: 59000", LATER)
LATER = mutate("target: 4, due: 2024-03-31", "target: 4, due: 2024-03-15", LATER)
LATER = mutate("name: Test plan", "name: Test plan (renamed)", LATER)  # not a listed kind


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, VALID, "2024-01-01T12:00:00")
    _commit(tmp_path, EARLIER, "2024-02-10T12:00:00")
    _commit(tmp_path, LATER, "2024-02-20T12:00:00")
    return tmp_path


def _report(where: Path, *args: str, env: dict[str, str] | None = None) -> str:
    run = run_cli(
        "report", "plan.yaml", "--as-of", AS_OF, "--allow-empty", "-q", *args, cwd=where, env=env
    )
    assert run.code == 0, run.output
    return run.stdout


EN_LINES = [
    "- kpi Brand searches (brand.searches): target 130,000 → 150,000 (+20,000)",
    "- kpi Conversion (online.conversion): due 2024-03-31 → 2024-03-15 (-16 days)",
    "- module Online (online): budget 60,000 → 59,000 (-1,000)",
    "- module Brand (brand): owner Zhang Min → Wang Fang",
    "- budget: reserve 12,000 → 13,000 (+1,000)",
    "- line promotion: amount 60,000 → 59,000 (-1,000)",
]


def test_markdown_and_brief_list_the_changes_of_this_period(repo: Path) -> None:
    markdown = _report(repo, "--format", "md")
    section = markdown.split("## Plan changes this period\n\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(section.splitlines()) == sorted(EN_LINES)
    assert "520,000" not in section  # changed before the period began
    brief = _report(repo, "--format", "brief")
    assert "Plan changes this period:\n" in brief
    assert sorted(line for line in brief.splitlines() if line in EN_LINES) == sorted(EN_LINES)


def test_json_lists_the_changes_with_stable_codes(repo: Path) -> None:
    document = json.loads(_report(repo, "--format", "json", "--lang", "zh"))
    found = {(c["area"], c["item"], c["field"]): c for c in document["plan_changes"]}
    assert found[("kpi", "brand.searches", "target")] == {
        "area": "kpi",
        "item": "brand.searches",
        "field": "target",
        "old": 130000,
        "new": 150000,
        "delta": 20000,
    }
    assert found[("kpi", "online.conversion", "due")]["delta"] == -16
    assert found[("module", "brand", "owner")]["new"] == "Wang Fang"
    assert len(found) == 6


def test_chinese_report_names_the_changes_in_chinese(repo: Path) -> None:
    markdown = _report(repo, "--format", "md", env={"MKTPLAN_LANG": "zh"})
    assert "## 本期计划变更\n\n" in markdown
    # numbers in the report's units: 万 by default in Chinese, plain on request
    assert (
        "- 关键指标 Brand searches（brand.searches）：目标值 13 万 → 15 万（+2 万）\n" in markdown
    )
    plain = _report(repo, "--format", "md", "--units", "plain", env={"MKTPLAN_LANG": "zh"})
    assert (
        "- 关键指标 Brand searches（brand.searches）：目标值 130,000 → 150,000（+20,000）\n"
        in plain
    )
    assert "- 预算科目 promotion：金额 6 万 → 5.9 万（-1,000）\n" in markdown
    assert "- 预算：应急预备金 1.2 万 → 1.3 万（+1,000）\n" in markdown
    assert (
        "- 关键指标 Conversion（online.conversion）：截止日期 2024-03-31 → 2024-03-15（-16 天）\n"
        in markdown
    )
    assert "- 策略模块 Brand（brand）：负责人 Zhang Min → Wang Fang\n" in markdown


def test_a_commit_after_the_period_is_not_a_change_of_the_period(repo: Path) -> None:
    # the week of 02-19 … 02-25 is reported after 02-27's commit: 130,000 → 150,000, as then
    _commit(repo, mutate("target: 150000", "target: 170000", LATER), "2024-02-27T12:00:00")
    (repo / "plan.yaml").write_text(
        mutate("target: 150000", "target: 180000", LATER), encoding="utf-8"
    )  # nor an edit not committed yet
    markdown = _report(repo, "--format", "md")
    section = markdown.split("## Plan changes this period\n\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(section.splitlines()) == sorted(EN_LINES)
    assert "- kpi Brand searches (brand.searches): target 130,000 → 150,000 (+20,000)" in section


def test_uncommitted_edits_count_in_a_period_that_ends_today(tmp_path: Path) -> None:
    import datetime as dt

    _git(tmp_path, "init", "-q")
    _commit(tmp_path, LATER, "2024-01-01T12:00:00")
    (tmp_path / "plan.yaml").write_text(
        mutate("target: 150000", "target: 160000", LATER), encoding="utf-8"
    )
    today = dt.date.today().isoformat()
    run = run_cli(
        "report", "plan.yaml", "--as-of", today, "--allow-empty", "-q", "--format", "md",
        cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.output
    assert (
        "- kpi Brand searches (brand.searches): target 150,000 → 160,000 (+10,000)\n" in run.stdout
    )


def test_later_commits_of_other_files_do_not_hide_the_plan_before_the_period(
    tmp_path: Path,
) -> None:
    """The plan as it was when the period began is the plan at its own last commit before
    then, however many commits of other files came after it."""
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, EARLIER, "2024-02-10T12:00:00")
    (tmp_path / "notes.txt").write_text("minutes\n", encoding="utf-8")
    _git(tmp_path, "add", "notes.txt", when="2024-02-15T12:00:00")
    _git(tmp_path, "commit", "-q", "-m", "notes", when="2024-02-15T12:00:00")
    _commit(tmp_path, LATER, "2024-02-20T12:00:00")
    section = _report(tmp_path, "--format", "md").split("## Plan changes this period\n\n", 1)[1]
    assert sorted(section.split("\n\n", 1)[0].splitlines()) == sorted(EN_LINES)


def test_a_plan_committed_only_during_the_period_has_no_changes(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "notes.txt").write_text("minutes\n", encoding="utf-8")
    _git(tmp_path, "add", "notes.txt", when="2024-02-01T12:00:00")
    _git(tmp_path, "commit", "-q", "-m", "notes", when="2024-02-01T12:00:00")
    _commit(tmp_path, LATER, "2024-02-20T12:00:00")
    assert "Plan changes" not in _report(tmp_path, "--format", "md")


def test_no_section_when_nothing_changed_in_the_period(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, VALID, "2024-01-01T12:00:00")
    assert "Plan changes" not in _report(tmp_path, "--format", "md")
    assert json.loads(_report(tmp_path, "--format", "json"))["plan_changes"] == []


def test_no_repository_or_no_git_means_silently_nothing(tmp_path: Path, repo: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "plan.yaml").write_text(LATER, encoding="utf-8")
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path)}
    assert "Plan changes" not in _report(outside, "--format", "md", env=env)
    no_git = run_cli(
        "report", "plan.yaml", "--as-of", AS_OF, "--allow-empty", "-q", "--format", "md",
        cwd=repo, env={"PATH": str(tmp_path / "empty")},
    )  # fmt: skip
    assert no_git.code == 0
    assert no_git.stderr == ""
    assert "Plan changes" not in no_git.stdout


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Shanghai"])
def test_a_commit_belongs_to_the_day_it_was_made_where_it_was_made(
    tmp_path: Path, zone: str
) -> None:
    # Monday 07:00 in Beijing is Sunday 23:00 UTC: on a cron host keeping UTC the change was
    # taken for last week's (the commit before the period) and this week listed nothing
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, EARLIER, "2024-02-10T12:00:00+08:00")
    _commit(tmp_path, LATER, "2024-02-19T07:00:00+08:00")
    env = {"TZ": zone}
    markdown = _report(tmp_path, "--format", "md", env=env)
    section = markdown.split("## Plan changes this period\n\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(section.splitlines()) == sorted(EN_LINES)
    # and Sunday 23:30 in Los Angeles is last week's, although it is Monday in UTC already
    later = mutate("target: 150000", "target: 170000", LATER)
    _commit(tmp_path, later, "2024-02-25T23:30:00-08:00")
    before_next = _report(tmp_path, "--format", "md", "--as-of", "2024-03-03", env=env)
    assert "target 150,000 → 170,000" not in before_next
