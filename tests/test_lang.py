"""One language setting for every command: --lang, else MKTPLAN_LANG, else the plan's own
`lang:`. validate, diff, ingest, log and init speak it; codes and JSON keys stay English."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write
from tests.render.golden_files import assert_golden

# four independent problems: a vague goal, a reserve out of range, an alert on a KPI that
# does not exist, a department as owner (a warning)
BROKEN = mutate(
    "goal: Brand keyword searches +30 % by 31 March 2024", "goal: 双11 期间提升品牌声量"
)
BROKEN = mutate("reserve: 12000", "reserve: 2000", BROKEN)
BROKEN = mutate("labour: 28000", "labour: 38000", BROKEN)
BROKEN = mutate("{kpi: online.conversion,", "{kpi: online.convrsion,", BROKEN)
BROKEN = mutate("owner: Li Hua,", "owner: 市场部,", BROKEN)
CHINESE = mutate("  cadence: weekly\n", "  cadence: weekly\n  lang: zh\n", BROKEN)


def _validate(tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> str:
    write(tmp_path, text)
    run = run_cli("validate", "plan.yaml", *args, cwd=tmp_path, env=env)
    assert run.code == 1, run.output
    return run.stdout


def test_validate_in_english_and_chinese(tmp_path: Path) -> None:
    assert_golden("cli/validate.en.txt", _validate(tmp_path, BROKEN))
    assert_golden("cli/validate.zh.txt", _validate(tmp_path, BROKEN, "--lang", "zh"))


def test_a_chinese_plan_gets_chinese_messages_unless_told_otherwise(tmp_path: Path) -> None:
    chinese = _validate(tmp_path, CHINESE)
    assert "检查了 1 个计划：0 个有效，1 个无效（3 个错误，1 个警告）" in chinese
    assert "错误 plan.yaml:" in chinese
    assert "提示：" in chinese
    english = _validate(tmp_path, CHINESE, env={"MKTPLAN_LANG": "en"})
    assert "1 plan checked: 0 valid, 1 invalid (3 errors, 1 warning)" in english
    # --lang wins over MKTPLAN_LANG
    told = _validate(tmp_path, CHINESE, "--lang", "en", env={"MKTPLAN_LANG": "zh"})
    assert told == english


def test_json_keeps_codes_and_keys_and_translates_the_text(tmp_path: Path) -> None:
    english = json.loads(_validate(tmp_path, BROKEN, "--format", "json"))
    chinese = json.loads(_validate(tmp_path, BROKEN, "--format", "json", "--lang", "zh"))
    assert [e["code"] for e in chinese["errors"]] == [e["code"] for e in english["errors"]]
    assert [sorted(e) for e in chinese["errors"]] == [sorted(e) for e in english["errors"]]
    by_code = {e["code"]: e for e in chinese["errors"]}
    assert by_code["reserve_out_of_range"]["message"] == (
        "应急预备金占总预算的 2.0 %，应在 10 % 到 15 % 之间"
    )
    assert by_code["unknown_kpi"]["hint"] == "KPI 写作 `module.kpi`，计划级 KPI 直接写编号"


def test_yaml_mistakes_are_explained_in_the_plans_language(tmp_path: Path) -> None:
    tab = CHINESE.replace("  name: Test plan", "\tname: Test plan")
    out = _validate(tmp_path, tab)
    assert "第 3 行用制表符（Tab）缩进；YAML 只能用空格缩进" in out
    scaled = mutate("target: 500000,", "target: 50万,", CHINESE)
    out = _validate(tmp_path, scaled)
    assert "'50万' 不是 'target' 的数字" in out
    assert "提示：50万 写作 500000：数字要完整写出，单位写在 KPI 的 `unit:` 中" in out


def test_limits_and_types_of_values_are_explained_in_chinese(tmp_path: Path) -> None:
    hours = mutate("  cadence: weekly\n", "  cadence: weekly\n  alert_response_hours: 0\n", CHINESE)
    out = _validate(tmp_path, hours)
    assert "'alert_response_hours' 的值 0 太小：必须大于 0" in out
    assert "Input should" not in out


def test_github_annotations_follow_the_language(tmp_path: Path) -> None:
    out = _validate(tmp_path, BROKEN, "--format", "github", "--lang", "zh")
    assert "。提示：" in out
    assert "::error file=plan.yaml" in out


def test_diff_markdown_is_a_chinese_pull_request_comment(tmp_path: Path) -> None:
    old = write(tmp_path, VALID, "old.yaml")
    changed = mutate("target: 130000", "target: 150000", VALID)
    changed = mutate("owner: Zhang Min", "owner: Wang Fang", changed)
    changed = mutate(
        "columns: {Sales: sales, Visitors: visitors}",
        "columns: {Sales: visitors, Visitors: sales}",
        changed,
    )
    changed = mutate("reserve: 12000", "reserve: 13000", changed)
    changed = mutate("promotion: 60000", "promotion: 59000", changed)
    changed = mutate("budget: 60000", "budget: 59000", changed)
    new = write(tmp_path, changed, "new.yaml")
    for lang in ("en", "zh"):
        run = run_cli("diff", old.name, new.name, "--format", "md", "--lang", lang, cwd=tmp_path)
        assert run.code == 0, run.output
        assert_golden(f"cli/diff.{lang}.md", run.stdout)
    table = run_cli("diff", old.name, new.name, cwd=tmp_path, env={"MKTPLAN_LANG": "zh"})
    assert "预算总览" in table.stdout
    assert "数据映射" in table.stdout
    assert "7 处变更：预算 2、策略模块 2、关键指标 1、数据来源 2" in table.stdout
    document = json.loads(
        run_cli("diff", old.name, new.name, "-f", "json", "--lang", "zh", cwd=tmp_path).stdout
    )
    assert {c["group"] for c in document["changes"]} == {
        "data mapping",
        "targets and dates",
        "money",
        "people",
    }


LONG = "date,kpi,value\n2024-01-08,online.sales,1000\n2024-01-09,online.sales,1500\n"


def test_ingest_summary_and_log_in_chinese(tmp_path: Path) -> None:
    write(tmp_path, mutate("  cadence: weekly\n", "  cadence: weekly\n  lang: zh\n"))
    (tmp_path / "a.csv").write_text(LONG, encoding="utf-8")
    run = run_cli("ingest", "plan.yaml", "a.csv", "--store", "s.sqlite", cwd=tmp_path)
    assert run.code == 0, run.output
    assert run.stdout == (
        "a.csv（long）：读取 2 行；新增 2，修改 0，未变 0；2024-01-08 … 2024-01-09；"
        "1 个指标：online.sales\n"
        "导入批次 1 已存入 s.sqlite\n"
    )
    again = run_cli(
        "ingest", "plan.yaml", "a.csv", "--store", "s.sqlite", "--lang", "en", cwd=tmp_path
    )
    assert again.stdout == (
        "a.csv: already ingested (same content and mapping); nothing changed\n"
        "ingest run 2 stored in s.sqlite\n"
    )
    log = run_cli("log", "plan.yaml", "--store", "s.sqlite", cwd=tmp_path)
    lines = log.stdout.splitlines()
    assert lines[0].startswith("批次 2  ")
    assert lines[1] == ("    a.csv：已导入过（内容和映射相同）；没有变化")
    missing = run_cli("log", "plan.yaml", "--store", "none.sqlite", cwd=tmp_path)
    assert missing.code == 1
    assert missing.stderr == (
        "mktplan: none.sqlite: 还没有数据库：此计划尚未导入任何数据 提示：先运行 "
        "`mktplan ingest plan.yaml FILE...`，或用 --store 指定。\n"
    )


def test_rejected_rows_are_refused_in_chinese(tmp_path: Path) -> None:
    write(tmp_path, mutate("  cadence: weekly\n", "  cadence: weekly\n  lang: zh\n"))
    bad = LONG + "2024-01-10,online.sales,abc\n2024-01-11,online.sale,5\n"
    (tmp_path / "bad.csv").write_text(bad + "2024-01-3x,online.sales,5\n", encoding="utf-8")
    run = run_cli("ingest", "plan.yaml", "bad.csv", "--store", "s.sqlite", cwd=tmp_path)
    assert run.code == 1
    assert "mktplan: bad.csv: bad.csv 中 3 行被拒收；没有存入任何数据 提示：修正上面列出的行" in (
        run.stderr
    )
    assert (
        "错误 bad.csv:4 value: 'abc'：不是数字；请写作 1234、1,234.50、2.1%、¥35,000、1.2万，"
        "负数写作 (1,200)\n" in run.stderr
    )
    assert "错误 bad.csv:5 kpi: 'online.sale'：未知指标 'online.sale'；是不是想写" in run.stderr
    assert "错误 bad.csv:6 date: '2024-01-3x'：不是日期；请写作 2024-06-10" in run.stderr
    assert not (tmp_path / "s.sqlite").exists()
    english = run_cli("ingest", "plan.yaml", "bad.csv", "--lang", "en", cwd=tmp_path)
    assert "error bad.csv:5 kpi: 'online.sale': unknown KPI 'online.sale'; did you mean" in (
        english.stderr
    )


def test_init_speaks_the_language_it_writes(tmp_path: Path) -> None:
    run = run_cli("init", "p.yaml", cwd=tmp_path, env={"MKTPLAN_LANG": "zh"})
    assert run.code == 0
    assert run.stdout == "已写入 p.yaml；用以下命令检查：mktplan validate p.yaml\n"
    assert "负责人" in (tmp_path / "p.yaml").read_text(encoding="utf-8")  # the zh starter
    again = run_cli("init", "p.yaml", "--lang", "zh", cwd=tmp_path)
    assert again.code == 2
    assert "文件已存在" in again.stderr


def test_diff_refusals_speak_the_plans_language(tmp_path: Path) -> None:
    write(tmp_path, CHINESE.replace("reserve: 2000", "reserve: 12000"))
    env = {"GIT_CEILING_DIRECTORIES": str(tmp_path.parent)}
    run = run_cli("diff", "plan.yaml", "--rev", "HEAD", cwd=tmp_path, env=env)
    assert run.code == 2
    assert run.stderr == (
        "mktplan: plan.yaml: 不在 git 仓库中，--rev 无从比较 提示：改为比较两个文件："
        "mktplan diff OLD.yaml NEW.yaml。\n"
    )
    usage = run_cli("diff", "plan.yaml", cwd=tmp_path, env={"MKTPLAN_LANG": "zh"})
    assert usage.code == 2
    assert "请给出两个计划文件，或一个计划加 --rev" in usage.stderr


def test_diff_describes_added_and_removed_entries_in_the_language(tmp_path: Path) -> None:
    old = write(tmp_path, VALID, "old.yaml")
    changed = mutate(
        "source: ledger}\n    actions:\n      - {name: KOL",
        "source: ledger}\n      - {id: mentions, name: Mentions, unit: count, target: 1000, "
        "due: 2024-03-31, source: index}\n    actions:\n      - {name: KOL",
        VALID,
    )
    changed = mutate("    labour: 28000", "    staff: 28000", changed)
    changed = mutate(
        "{kpi: online.conversion, below_target: 30%, severity: critical}",
        "{kpi: brand.searches, below_target: 20%, severity: warning}",
        changed,
    )
    changed = mutate(
        "budget: 50000, status: in_progress}\n",
        "budget: 50000, status: in_progress}\n      - {name: Banner, owner: Sun Li, "
        "start: 2024-02-01, end: 2024-02-10, budget: 1000}\n",
        changed,
    )
    new = write(tmp_path, changed, "new.yaml")
    rows = {
        "en": [
            "| alert | online.conversion | removed | below_target 30 (critical) |  |  |",
            "| alert | brand.searches | added |  | below_target 20 (warning) |  |",
            # the KPI carries a target: under targets and dates, before the money group
            "| kpi | brand.mentions | added |  | Mentions, target 1,000 count, due 2024-03-31 |  |",
            "| budget | line labour | removed | 28,000 |  |  |",
            "| budget | line staff | added |  | 28,000 |  |",
            "| action | online: Banner | added |  | Sun Li, 2024-02-01 – 2024-02-10, budget 1,000 |  |",
        ],
        "zh": [
            "| 预警 | online.conversion | 删除 | below_target 30（严重） |  |  |",
            "| 预警 | brand.searches | 新增 |  | below_target 20（警告） |  |",
            "| 关键指标 | brand.mentions | 新增 |  | Mentions，目标 1,000 count，截止 2024-03-31 |  |",
            "| 预算 | 预算科目 labour | 删除 | 28,000 |  |  |",
            "| 预算 | 预算科目 staff | 新增 |  | 28,000 |  |",
            "| 任务 | online: Banner | 新增 |  | Sun Li，2024-02-01 – 2024-02-10，预算 1,000 |  |",
        ],
    }
    for lang, expected in rows.items():
        run = run_cli("diff", old.name, new.name, "-f", "md", "--lang", lang, cwd=tmp_path)
        assert run.code == 0, run.output
        assert [line for line in run.stdout.splitlines() if line in expected] == expected
    # JSON keeps the stable English item and description whatever the language
    document = json.loads(
        run_cli("diff", old.name, new.name, "-f", "json", "--lang", "zh", cwd=tmp_path).stdout
    )
    by_item = {c["item"]: c for c in document["changes"]}
    assert by_item["line staff"]["new"] == 28000
    assert by_item["brand.mentions"]["new"] == "Mentions, target 1,000 count, due 2024-03-31"
