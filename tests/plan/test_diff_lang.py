"""`mktplan diff --lang zh` names every field it prints in Chinese; the plan's own keys (a
column header, a budget line) stay as written, and English keeps the YAML's names."""

from __future__ import annotations

from pathlib import Path

from mktplan.messages import zh
from mktplan.plan.diff import FIELD_NAMES, field_label
from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write


def _rows(tmp_path: Path, new: str, lang: str) -> list[list[str]]:
    run = run_cli(
        "diff",
        write(tmp_path, VALID, "old.yaml"),
        write(tmp_path, new, "new.yaml"),
        "--format",
        "md",
        "--lang",
        lang,
    )
    assert run.code == 0, run.stderr
    return [
        [cell.strip() for cell in line.strip("|").split(" | ")]
        for line in run.stdout.splitlines()
        if line.startswith("| ") and "---" not in line
    ]


EDITED = mutate("    name: Online\n", "    name: Online shop\n")
EDITED = mutate("cause: Slow start, measure: More search budget", "cause: Slow start", EDITED)
EDITED = mutate("owner: Sun Li,", "owner: Sun Li, collaborators: [Wu Fang],", EDITED)
EDITED = mutate("  cadence: weekly\n", "  cadence: weekly\n  lang: en\n", EDITED)
EDITED = mutate(
    "{role: management, name: Liu Yang, date: 2023-12-20}",
    "{role: management, name: Liu Yang, date: 2023-12-21}",
    EDITED,
)


def test_chinese_names_every_field(tmp_path: Path) -> None:
    fields = {row[2] for row in _rows(tmp_path, EDITED, "zh")[1:]}
    assert {"名称", "日期", "优化措施", "协作人", "语言"} <= fields
    assert not fields & {"name", "date", "measure", "collaborators", "lang"}


def test_english_keeps_the_yaml_names(tmp_path: Path) -> None:
    fields = {row[2] for row in _rows(tmp_path, EDITED, "en")[1:]}
    assert {"name", "date", "measure", "collaborators", "lang"} <= fields


def test_nested_fields_translate_names_not_keys() -> None:
    assert field_label("budget_alerts.over_budget", "zh") == "预算预警.超预算"
    assert field_label("columns.Sales", "zh") == "列映射.Sales"
    assert field_label("lines.promotion", "zh") == "预算科目.promotion"
    assert field_label("columns.Sales", "en") == "columns.Sales"


def test_every_model_field_has_a_chinese_label() -> None:
    assert sorted(f for f in FIELD_NAMES if f"diff.field.{f}" not in zh.MESSAGES) == []
