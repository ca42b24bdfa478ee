"""`mktplan diff`: the comparison on crafted plan pairs, its renderings, and the CLI with
two files or a real git repository."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.plan.diff import (
    Area,
    Change,
    Description,
    InvalidSide,
    Kind,
    compare,
    diff_plans,
    load_side,
    load_text_side,
    to_markdown,
)
from mktplan.plan.loader import load_yaml_text
from mktplan.plan.model import Plan
from tests.conftest import PLANS, run_cli

BASE = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")


def edit(*pairs: tuple[str, str], base: str = BASE) -> str:
    """Apply text replacements, each anchor matching exactly once."""
    text = base
    for old, new in pairs:
        assert text.count(old) == 1, f"anchor {old!r} found {text.count(old)} times"
        text = text.replace(old, new)
    return text


def plan_of(text: str) -> Plan:
    return Plan.model_validate(load_yaml_text(text, "plan.yaml").data)


def changes(*pairs: tuple[str, str]) -> list[Change]:
    return diff_plans(plan_of(BASE), plan_of(edit(*pairs)))


def keyed(found: list[Change]) -> dict[tuple[str, str, str], Change]:
    return {(c.area.value, c.item, c.field): c for c in found}


def test_identical_plans_have_no_changes() -> None:
    assert diff_plans(plan_of(BASE), plan_of(BASE)) == []


def test_comments_and_layout_are_not_changes() -> None:
    reformatted = edit(
        ("reserve: 45000            # 12 % contingency, held back for shocks", "reserve: 45000.00"),
        (
            "period: {start: 2023-07-01, end: 2023-09-30}",
            "period:\n    start: 2023-07-01\n    end: 2023-09-30",
        ),
    )
    assert diff_plans(plan_of(BASE), plan_of(reformatted)) == []


def test_budget_total_reserve_and_lines() -> None:
    found = keyed(
        changes(
            ("total: 375000", "total: 385000"),
            ("reserve: 45000 ", "reserve: 50000 "),
            ("    labour: 60000\n", "    labour: 65000\n"),
            ("    third_party: 30000\n", "    agency: 30000\n"),
        )
    )
    total = found[("budget", "budget", "total")]
    assert (total.old, total.new, total.delta) == (Decimal(375000), Decimal(385000), 10000)
    assert total.delta_text() == "+10,000 (+2.7 %)"
    assert found[("budget", "budget", "reserve")].new == Decimal(50000)
    assert found[("budget", "line labour", "amount")].delta == Decimal(5000)
    removed = found[("budget", "line third_party", "amount")]
    assert (removed.kind, removed.old, removed.new) == (Kind.removed, Decimal(30000), None)
    added = found[("budget", "line agency", "amount")]
    assert (added.kind, added.new) == (Kind.added, Decimal(30000))
    assert len(found) == 5


def test_reserve_range_change() -> None:
    text = edit(("  reserve: 45000 ", "  reserve_range: {min: 5, max: 15}\n  reserve: 45000 "))
    found = keyed(diff_plans(plan_of(BASE), plan_of(text)))
    change = found[("budget", "reserve_range", "min")]
    assert (change.old, change.new) == (Decimal(10), Decimal(5))


def test_target_and_due_date_of_a_module_kpi() -> None:
    found = changes(
        ("target: 1300000, due: 2023-08-31", "target: 1200000, due: 2023-09-07"),
    )
    assert [(c.item, c.field) for c in found] == [
        ("online.sales", "target"),
        ("online.sales", "due"),
    ]
    target, due = found
    assert target.delta == Decimal(-100000)
    assert target.delta_text() == "-100,000 (-7.7 %)"
    assert (due.old, due.new, due.delta) == (dt.date(2023, 8, 31), dt.date(2023, 9, 7), 7)
    assert due.delta_text() == "+7 days"


def test_plan_level_kpi_keeps_its_bare_id() -> None:
    found = changes(("    target: 3               # 1:3", "    target: 3.5"))
    assert [(c.area, c.item, c.field, c.new) for c in found] == [
        (Area.kpi, "roi", "target", Decimal("3.5"))
    ]


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("{id: visitors, name: Visitors, unit: count", "{id: visitors, name: Visitors, unit: visits", "unit"),
        ("formula: sales / orders}", "formula: sales / visitors}", "formula"),
        ('{id: follower_growth, name: Follower growth, unit: "%", aggregation: last',
         '{id: follower_growth, name: Follower growth, unit: "%", aggregation: max', "aggregation"),
        ("due: 2023-07-20, source: sign-up sheets}", "due: 2023-07-20, source: CRM}", "source"),
        ("{id: spend, name: Brand spend, unit: CNY, role: spend, source: finance ledger}",
         "{id: spend, name: Brand spend, unit: CNY, source: finance ledger}", "role"),
        ("unit: count, better: lower, source: third-party monitor}",
         "unit: count, source: third-party monitor}", "better"),
    ],
)  # fmt: skip
def test_kpi_definition_changes(old: str, new: str, field: str) -> None:
    found = changes((old, new))
    assert len(found) == 1
    assert found[0].area is Area.kpi
    assert found[0].field == field
    assert found[0].kind is Kind.changed


def test_role_removed_shows_none_as_new() -> None:
    (change,) = changes(
        (
            "{id: spend, name: Content spend, unit: CNY, role: spend,",
            "{id: spend, name: Content spend, unit: CNY,",
        )
    )
    assert (change.item, change.old, change.new) == ("content.spend", "spend", None)


def test_kpis_added_and_removed() -> None:
    found = changes(
        (
            "      - {id: leads, name: Leads, unit: count, source: e-mail system}\n",
            "      - {id: leads, name: Leads, unit: count, source: e-mail system}\n"
            "      - {id: webinars, name: Webinars, unit: count, target: 4, due: 2023-07-30,"
            " source: events}\n",
        ),
        (
            "      - {id: engagements, name: Engagements, unit: count, source: Weibo back end}\n",
            "",
        ),
        ("formula: engagements / topic_reads", "formula: topic_reads / topic_reads"),
    )
    found_keys = keyed(found)
    added = found_keys[("kpi", "content.webinars", "")]
    assert added.kind is Kind.added
    assert str(added.new) == "Webinars, target 4 count, due 2023-07-30"
    removed = found_keys[("kpi", "brand.engagements", "")]
    assert (removed.kind, str(removed.old)) == (Kind.removed, "Engagements")


def test_module_owner_budget_and_goal() -> None:
    found = keyed(
        changes(
            ("    owner: Wu Fang\n    budget: 20000", "    owner: Sun Li\n    budget: 25000"),
            ("budget: 200000\n", "budget: 195000\n"),
        )
    )
    owner = found[("module", "content", "owner")]
    assert (owner.old, owner.new) == ("Wu Fang", "Sun Li")
    assert found[("module", "content", "budget")].delta == Decimal(5000)
    assert found[("module", "online", "budget")].delta == Decimal(-5000)


def test_modules_added_and_removed() -> None:
    start = BASE.index("  - id: content\n")
    end = BASE.index("\nalerts:")
    without_content = BASE[:start] + BASE[end:]
    renamed = BASE[:start] + BASE[start:end].replace("id: content", "id: events") + BASE[end:]
    removed = keyed(diff_plans(plan_of(BASE), plan_of(without_content)))
    assert removed[("module", "content", "")].kind is Kind.removed
    described = removed[("module", "content", "")].old
    assert isinstance(described, Description)
    assert described.render("en") == (
        "Content marketing, owner Wu Fang, budget 20,000, 4 KPIs, 1 action"
    )
    assert (
        described.render("zh")
        == "Content marketing，负责人 Wu Fang，预算 20,000，4 个指标，1 项任务"
    )
    # A removed module is one line, not one per KPI: the reviewer reads the module row.
    assert len(removed) == 1
    both = keyed(diff_plans(plan_of(BASE), plan_of(renamed)))
    assert both[("module", "content", "")].kind is Kind.removed
    assert both[("module", "events", "")].kind is Kind.added
    assert both[("kpi", "events.downloads", "")].kind is Kind.added
    assert both[("action", "events: Publish 3 industry reports by e-mail and community", "")]


def test_actions_added_removed_and_rescheduled() -> None:
    found = keyed(
        changes(
            (
                "start: 2023-07-15, end: 2023-07-20, budget: 30000, status: planned}",
                "start: 2023-07-18, end: 2023-07-24, budget: 30000, status: in_progress}",
            ),
            (
                "    actions:\n      - {name: Rework",
                "    actions:\n      - {name: Search ads, owner: Sun Li, start: 2023-08-01,"
                " end: 2023-08-31, budget: 5000}\n      - {name: Rework",
            ),
            (
                "      - {name: KOL partnerships (5 KOLs with at least 500k followers), owner: Li Hua,"
                " start: 2023-07-15, end: 2023-08-15, budget: 50000, status: in_progress}\n",
                "",
            ),
        )
    )
    booth = "offline: Booths in 3 business districts"
    assert found[("action", booth, "start")].delta == 3
    assert found[("action", booth, "end")].delta == 4
    assert found[("action", booth, "status")].new == "in_progress"
    added = found[("action", "online: Search ads", "")]
    assert str(added.new) == "Sun Li, 2023-08-01 – 2023-08-31, budget 5,000"
    kol = "brand: KOL partnerships (5 KOLs with at least 500k followers)"
    assert found[("action", kol, "")].kind is Kind.removed


def test_plan_owner_period_and_alerts() -> None:
    found_list = changes(
            ("  owner: Chen Jing\n", "  owner: Liu Yang\n"),
            ("end: 2023-09-30}", "end: 2023-10-31}"),
            ("{kpi: offline.cac, above_target: 20%, severity: warning}",
             "{kpi: offline.cac, above_target: 10%, severity: critical}"),
    )  # fmt: skip
    found = keyed(found_list)
    assert found[("plan", "plan", "owner")].new == "Liu Yang"
    assert found[("plan", "period", "end")].delta == 31
    # an alert is matched by its KPI: a new threshold is a change, with its delta
    threshold = found[("alert", "offline.cac", "above_target")]
    assert (threshold.old, threshold.new, threshold.delta) == (
        Decimal(20),
        Decimal(10),
        Decimal(-10),
    )
    assert found[("alert", "offline.cac", "severity")].new == "critical"
    assert threshold.group.value == "grading rules"


def test_json_document_uses_numbers_and_iso_dates() -> None:
    new = plan_of(
        edit(("total: 375000", "total: 375000.5"), ("end: 2023-09-30}", "end: 2023-10-01}"))
    )
    document = compare(plan_of(BASE), new, "a.yaml", "b.yaml").as_dict()
    text = json.dumps(document)
    assert json.loads(text) == {
        "format_version": 2,
        "old": "a.yaml",
        "new": "b.yaml",
        "changed": True,
        "review_carefully": 0,
        "changes": [
            {"area": "plan", "item": "period", "field": "end", "kind": "changed",
             "old": "2023-09-30", "new": "2023-10-01", "delta": 1,
             "group": "targets and dates", "careful": False},
            {"area": "budget", "item": "budget", "field": "total", "kind": "changed",
             "old": 375000, "new": 375000.5, "delta": 0.5, "group": "money", "careful": False},
        ],
        "totals": [
            {"name": "total budget", "old": 375000, "new": 375000.5, "delta": 0.5},
            {"name": "reserve", "old": 45000, "new": 45000, "delta": 0},
            {"name": "reserve %", "old": 12, "new": 12, "delta": 0},
            {"name": "allocated to modules", "old": 330000, "new": 330000, "delta": 0},
            {"name": "unallocated", "old": 0, "new": 0.5, "delta": 0.5},
        ],
    }  # fmt: skip


def test_markdown_escapes_pipes_groups_and_summarises() -> None:
    new = plan_of(edit(("  owner: Wu Fang\n", "  owner: Wu Fang | Content\n")))
    text = to_markdown(compare(plan_of(BASE), new, "HEAD:plans/q3.yaml", "plans/q3.yaml"))
    assert text.splitlines()[:10] == [
        "### mktplan diff: `HEAD:plans/q3.yaml` → `plans/q3.yaml`",
        "",
        "1 change: 1 module",
        "",
        "#### People",
        "",
        "| area | item | field | old | new | change |",
        "|---|---|---|---|---|---|",
        "| module | content | owner | Wu Fang | Wu Fang \\| Content |  |",
        "",
    ]
    assert "| total budget | 375,000 | 375,000 |  |" in text


def test_load_text_side_names_the_revision_in_findings() -> None:
    broken = edit(("reserve: 45000 ", "reserve: 5000 "))
    with pytest.raises(InvalidSide) as info:
        load_text_side(broken, "HEAD~1:plans/q3.yaml", "q3.yaml")
    assert info.value.findings
    assert {f.file for f in info.value.findings} == {"HEAD~1:plans/q3.yaml"}
    assert any(f.path == "budget.reserve" for f in info.value.findings)


def test_load_side_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidSide) as info:
        load_side(tmp_path / "nope.yaml")
    assert "not found" in info.value.findings[0].message


# --- the command -------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    old = write(tmp_path / "old.yaml", BASE)
    new = write(
        tmp_path / "new.yaml",
        edit(("target: 1300000, due: 2023-08-31", "target: 1400000, due: 2023-08-31")),
    )
    return old, new


def test_cli_unchanged_prints_nothing(tmp_path: Path) -> None:
    old = write(tmp_path / "a.yaml", BASE)
    new = write(tmp_path / "b.yaml", BASE)
    for extra in ([], ["--exit-code"], ["--format", "json"], ["--format", "md"]):
        result = run_cli("diff", old, new, *extra)
        assert (result.code, result.stdout, result.stderr) == (0, "", "")


def test_cli_changed_table_and_exit_codes(pair: tuple[Path, Path]) -> None:
    result = run_cli("diff", *pair)
    assert result.code == 0
    assert "online.sales" in result.stdout
    assert "1,300,000" in result.stdout
    assert "1,400,000" in result.stdout
    assert "1 change: 1 kpi" in result.stdout
    assert run_cli("diff", *pair, "--exit-code").code == 1


def test_cli_table_shows_plan_text_as_written_not_as_rich_markup(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    name = next(line for line in BASE.splitlines() if line.startswith("  name: "))
    new = write(tmp_path / "new.yaml", edit((name, '  name: "[bold red]Q3[/] \\e[2Jplan"')))
    result = run_cli("diff", old, new, env={"COLUMNS": "200"})
    assert result.code == 0, result.output
    assert "[bold red]Q3[/] [2Jplan" in result.stdout  # its markup shown, its ESC dropped
    assert "\x1b" not in result.stdout


def test_cli_json_and_md(pair: tuple[Path, Path]) -> None:
    result = run_cli("diff", *pair, "--format", "json")
    assert result.code == 0
    document = json.loads(result.stdout)
    assert document["changes"] == [
        {"area": "kpi", "item": "online.sales", "field": "target", "kind": "changed",
         "old": 1300000, "new": 1400000, "delta": 100000, "group": "targets and dates",
         "careful": False},
    ]  # fmt: skip
    md = run_cli("diff", *pair, "--format", "md")
    assert (
        "| kpi | online.sales | target | 1,300,000 | 1,400,000 | +100,000 (+7.7 %) |" in md.stdout
    )


def test_cli_in_chinese_names_the_fields_the_weekly_report_names(pair: tuple[Path, Path]) -> None:
    md = run_cli("diff", *pair, "--format", "md", "--lang", "zh")
    assert "| 关键指标 | online.sales | 目标值 | 1,300,000 | 1,400,000 | +100,000 (+7.7 %) |" in (
        md.stdout
    )
    # a narrow terminal folds an id onto the next line, it never cuts it to "online.sa…"
    table = run_cli("diff", *pair, "--lang", "zh", env={"COLUMNS": "60"})
    assert table.code == 0, table.output
    assert "…" not in table.stdout
    rows = [line.split("│") for line in table.stdout.splitlines() if line.count("│") == 7]
    assert "".join(r[2].strip() for r in rows).startswith("online.sales")
    assert "".join(r[3].strip() for r in rows).startswith("目标值")


def test_cli_invalid_side_exits_1_with_all_errors(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    bad = write(
        tmp_path / "bad.yaml",
        edit(("total: 375000", "total: lots"), ("  owner: Wu Fang\n", "  owner: A and B\n")),
    )
    result = run_cli("diff", old, bad)
    assert result.code == 1
    assert result.stdout == ""
    assert "bad.yaml is not a valid plan" in result.stderr
    assert "(2 errors)" in result.stderr
    assert "budget.total" in result.stderr
    assert "modules[3].owner" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "a.yaml"],
        ["diff", "a.yaml", "b.yaml", "--rev", "HEAD"],
        ["diff", "a.yaml", "-f", "xml"],
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    write(tmp_path / "a.yaml", BASE)
    write(tmp_path / "b.yaml", BASE)
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 2
    assert "Traceback" not in result.output


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root / "plans" / "q3.yaml", BASE)
    git(root, "add", "plans/q3.yaml")
    git(root, "commit", "-q", "-m", "plan")
    return root


def test_cli_rev_compares_with_git_show(repo: Path) -> None:
    plan = repo / "plans" / "q3.yaml"
    write(plan, edit(("  owner: Zhou Yun\n", "  owner: Li Na\n")))
    # Run from a subfolder with a relative path: the path in git is taken from the repo top.
    result = run_cli("diff", "q3.yaml", "--rev", "HEAD", "--format", "json", cwd=repo / "plans")
    assert result.code == 0, result.output
    document = json.loads(result.stdout)
    assert document["old"] == "HEAD:plans/q3.yaml"
    assert document["new"] == "q3.yaml"
    assert [(c["item"], c["field"], c["old"], c["new"]) for c in document["changes"]] == [
        ("offline", "owner", "Zhou Yun", "Li Na")
    ]
    assert run_cli("diff", plan, "--rev", "HEAD", "--exit-code").code == 1


def test_cli_rev_unchanged_prints_nothing(repo: Path) -> None:
    result = run_cli("diff", repo / "plans" / "q3.yaml", "--rev", "main", "--exit-code")
    assert (result.code, result.output) == (0, "")


def test_cli_rev_unknown_revision(repo: Path) -> None:
    result = run_cli("diff", repo / "plans" / "q3.yaml", "--rev", "no-such-branch")
    assert result.code == 2
    assert "unknown revision 'no-such-branch'" in result.stderr
    assert "Traceback" not in result.output


def test_cli_rev_path_not_at_revision(repo: Path) -> None:
    newer = write(repo / "plans" / "new.yaml", BASE)
    result = run_cli("diff", newer, "--rev", "HEAD")
    assert result.code == 2
    assert "plans/new.yaml is not in revision 'HEAD' under this path" in result.stderr
    # the hint is true whether the plan was added later, misspelt or renamed
    assert "added after HEAD, or is misspelt" in result.stderr
    assert "git show HEAD:OLD_PATH > old.yaml" in result.stderr


def test_cli_rev_follows_a_rename(repo: Path) -> None:
    git(repo, "mv", "plans/q3.yaml", "plans/2023-q3.yaml")
    renamed = repo / "plans" / "2023-q3.yaml"
    write(renamed, edit(("  owner: Zhou Yun\n", "  owner: Li Na\n")))
    git(repo, "commit", "-q", "-am", "rename and edit")
    result = run_cli("diff", renamed, "--rev", "HEAD~1", "--format", "json")
    assert result.code == 0, result.output
    document = json.loads(result.stdout)
    assert document["old"] == "HEAD~1:plans/q3.yaml"
    assert [(c["item"], c["field"], c["old"], c["new"]) for c in document["changes"]] == [
        ("offline", "owner", "Zhou Yun", "Li Na")
    ]


def test_cli_rev_follows_a_rename_not_yet_committed(repo: Path) -> None:
    git(repo, "mv", "plans/q3.yaml", "plans/2023-q3.yaml")
    result = run_cli("diff", repo / "plans" / "2023-q3.yaml", "--rev", "HEAD", "--exit-code")
    assert (result.code, result.output) == (0, "")


def test_cli_rev_outside_git(tmp_path: Path) -> None:
    plan = write(tmp_path / "alone" / "q3.yaml", BASE)
    result = run_cli("diff", plan, "--rev", "HEAD", env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.code == 2
    assert "not inside a git repository" in result.stderr


def test_cli_rev_invalid_old_version(repo: Path) -> None:
    plan = repo / "plans" / "q3.yaml"
    write(plan, edit(("reserve: 45000 ", "reserve: 5000 ")))
    git(repo, "commit", "-q", "-am", "broken reserve")
    write(plan, BASE)
    result = run_cli("diff", plan, "--rev", "HEAD")
    assert result.code == 1
    assert "HEAD:plans/q3.yaml is not a valid plan" in result.stderr
    assert "HEAD:plans/q3.yaml" in result.stderr.split("not a valid plan", 1)[1]


# --- every field, grouped, with what to review carefully (issue 15) ----------------------

SOURCE = """
sources:
  shop:
    date: Date
    module: online
    columns: {Revenue: sales, Orders: orders}
"""


def test_a_swapped_column_mapping_is_a_change_to_review_carefully(tmp_path: Path) -> None:
    old_text = BASE + SOURCE
    new_text = old_text.replace(
        "{Revenue: sales, Orders: orders}", "{Revenue: orders, Orders: sales}"
    )
    found = keyed(diff_plans(plan_of(old_text), plan_of(new_text)))
    revenue = found[("source", "shop", "columns.Revenue")]
    assert (revenue.old, revenue.new, revenue.careful) == ("sales", "orders", True)
    assert revenue.group.value == "data mapping"
    assert found[("source", "shop", "columns.Orders")].careful
    old, new = write(tmp_path / "old.yaml", old_text), write(tmp_path / "new.yaml", new_text)
    run = run_cli("diff", old, new, "--format", "md", "--exit-code")
    assert run.code == 1
    assert "#### Data mapping" in run.stdout
    assert "| source | shop | ⚠ columns.Revenue | sales | orders |  |" in run.stdout
    assert "⚠ 2 to review carefully" in run.stdout


def test_status_thresholds_are_grading_rules_to_review_carefully() -> None:
    found = keyed(
        changes(("  cadence: weekly", "  cadence: weekly\n  status_thresholds: {on_track: 0.5}"))
    )
    change = found[("plan", "status_thresholds", "on_track")]
    assert (change.old, change.new) == (Decimal("0.9"), Decimal("0.5"))
    assert change.careful
    assert change.group.value == "grading rules"


@pytest.mark.parametrize(
    ("old", "new", "key", "group", "careful"),
    [
        ("aggregation: last, target: 15", "aggregation: max, target: 15",
         ("kpi", "brand.follower_growth", "aggregation"), "data mapping", True),
        ("formula: orders / visitors,", "formula: orders / visitors * 100,",
         ("kpi", "online.conversion_rate", "formula"), "data mapping", True),
        ("- {role: management, name: Liu Yang, date: 2023-06-25}",
         "- {role: management, name: Liu Yang, date: 2023-06-28}",
         ("approval", "Liu Yang", "date"), "people", False),
        ("    module: online\n    cause:", "    module: offline\n    cause:",
         ("review", "2023-07-14", "module"), "descriptions", False),
        ("  cadence: weekly", "  cadence: weekly\n  alert_response_hours: 48",
         ("plan", "plan", "alert_response_hours"), "grading rules", False),
        ("  cadence: weekly", "  cadence: weekly\n  milestones: [{date: 2023-08-01, name: Midterm}]",
         ("milestone", "Midterm", ""), "targets and dates", False),
    ],
)  # fmt: skip
def test_every_kind_of_change_is_shown_in_its_group(
    old: str, new: str, key: tuple[str, str, str], group: str, careful: bool
) -> None:
    found = keyed(changes((old, new)))
    assert key in found, sorted(found)
    assert found[key].group.value == group
    assert found[key].careful is careful


def test_alert_changes_are_grading_rules() -> None:
    found = changes(
        ("{kpi: brand.negative_comments, above: 50,", "{kpi: brand.negative_comments, above: 80,"),
        ("  - {kpi: brand.topic_reads, below_pace: 20%, severity: warning}", ""),
    )
    assert {(c.item, c.field, c.kind) for c in found} == {
        ("brand.negative_comments", "above", Kind.changed),
        ("brand.topic_reads", "", Kind.removed),
    }
    assert {c.group.value for c in found} == {"grading rules"}


def test_every_field_of_every_entry_is_compared_without_field_lists() -> None:
    """A field added to a model is diffed with no new diff code: every field of a KPI, an
    action, a module, the plan info and an alert is changed in turn and must show up."""
    base = plan_of(BASE)
    module = base.modules[1]
    kpi, action = module.kpis[0], module.actions[0]
    samples: dict[type, object] = {
        str: "changed",
        Decimal: Decimal(7),
        dt.date: dt.date(2023, 8, 8),
    }

    def other(model: object, name: str) -> object:
        value = getattr(model, name)
        annotation = str(type(model).model_fields[name].annotation)  # type: ignore[attr-defined]
        if isinstance(value, list):
            return [*value, "Extra"] if "str" in annotation else value
        if "date" in annotation:
            return dt.date(2023, 8, 8)
        if "Decimal" in annotation:
            return Decimal(7)
        if "int" in annotation:
            return 99
        if "Literal" in annotation:
            import typing

            inner = type(model).model_fields[name].annotation  # type: ignore[attr-defined]
            options = [
                a
                for arg in typing.get_args(inner) or [inner]
                for a in typing.get_args(arg) or [arg]
            ]
            return next(o for o in options if o != value and isinstance(o, str))
        return samples[str]

    checked = 0
    for name in type(kpi).model_fields:
        if name == "id":
            continue
        new_kpi = kpi.model_copy(update={name: other(kpi, name)})
        new_module = module.model_copy(update={"kpis": [new_kpi, *module.kpis[1:]]})
        new = base.model_copy(update={"modules": [base.modules[0], new_module, *base.modules[2:]]})
        fields = {c.field for c in diff_plans(base, new)}
        assert name in fields, name
        checked += 1
    for name in type(action).model_fields:
        if name == "name":
            continue
        new_action = action.model_copy(update={name: other(action, name)})
        new_module = module.model_copy(update={"actions": [new_action, *module.actions[1:]]})
        new = base.model_copy(update={"modules": [base.modules[0], new_module, *base.modules[2:]]})
        assert name in {c.field for c in diff_plans(base, new)}, name
        checked += 1
    info = base.plan
    for name in type(info).model_fields:
        if isinstance(getattr(info, name), (list, Decimal)) or name in (
            "period",
            "status_thresholds",
        ):
            continue
        new = base.model_copy(update={"plan": info.model_copy(update={name: other(info, name)})})
        assert name in {c.field for c in diff_plans(base, new)}, name
        checked += 1
    assert checked > 25


def test_budget_totals_before_and_after(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", BASE)
    new_text = edit(("reserve: 45000 ", "reserve: 50000 "), ("total: 375000", "total: 380000"))
    new = write(tmp_path / "new.yaml", new_text)
    run = run_cli("diff", old, new, "--format", "md")
    assert run.code == 0
    assert "| total budget | 375,000 | 380,000 | +5,000 |" in run.stdout
    assert "| reserve | 45,000 | 50,000 | +5,000 |" in run.stdout
    assert "| reserve % | 12 % | 13.2 % | +1.2 pt |" in run.stdout  # points, not a ratio
    zh = run_cli("diff", old, new, "--format", "md", "--lang", "zh")
    assert "| 12 % | 13.2 % | +1.2 个百分点 |" in zh.stdout
    assert "| allocated to modules | 330,000 | 330,000 |  |" in run.stdout
    assert "| unallocated | 0 | 0 |  |" in run.stdout
    table = run_cli("diff", old, new)
    assert "Budget totals" in table.stdout
    assert "allocated to modules" in table.stdout


def test_a_list_field_added_to_a_model_later_is_diffed_entry_by_entry() -> None:
    """The KPI model will gain `checkpoints:`; the walk covers such a field unchanged."""
    from pydantic import create_model

    from mktplan.plan.model import Kpi, Milestone

    kpi_with_checkpoints = create_model(
        "KpiWithCheckpoints", __base__=Kpi, checkpoints=(list[Milestone], [])
    )
    base = plan_of(BASE)
    module = base.modules[1]
    kpi = module.kpis[0]

    def with_checkpoints(*days: int) -> Plan:
        points = [{"date": dt.date(2023, 7, d), "name": f"day {d}"} for d in days]
        new_kpi = kpi_with_checkpoints.model_validate({**kpi.model_dump(), "checkpoints": points})
        new_module = module.model_copy(update={"kpis": [new_kpi, *module.kpis[1:]]})
        return base.model_copy(update={"modules": [base.modules[0], new_module, *base.modules[2:]]})

    found = diff_plans(with_checkpoints(10, 20), with_checkpoints(10, 25))
    assert {(c.item, c.field, c.kind) for c in found} == {
        ("online.sales", "checkpoints[day 20]", Kind.removed),
        ("online.sales", "checkpoints[day 25]", Kind.added),
    }
    assert all(c.careful and c.group.value == "grading rules" for c in found)
    assert diff_plans(with_checkpoints(10, 20), with_checkpoints(10, 20)) == []
