"""The message catalogue: every code has its English and its Chinese text, and every code the
code base names is in both, so a missing translation fails here, not in front of a user."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mktplan.i18n import catalogue, message, msg
from mktplan.messages import en, zh

SRC = Path(__file__).resolve().parents[1] / "src" / "mktplan"
NAMESPACES = ("validate", "yaml", "file", "bounds", "formula", "plan", "diff", "cli", "init")
NAMESPACES += ("ingest", "log", "weekly", "report", "cron")
NAMESPACES += ("store", "template")
_CODE = re.compile(r'"((?:' + "|".join(NAMESPACES) + r')\.[a-z0-9_.]+)"')


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _codes_in_source() -> set[str]:
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        if path.parent.name == "messages":
            continue
        found.update(_CODE.findall(path.read_text(encoding="utf-8")))
    return {c for c in found if not c.endswith(FILE_NAMES)}  # report.md.j2 names a template


FILE_NAMES = (".j2", ".md", ".json", ".xlsx", ".yaml", ".csv", ".sqlite")


def test_both_languages_hold_the_same_codes() -> None:
    assert sorted(set(en.MESSAGES) - set(zh.MESSAGES)) == []
    assert sorted(set(zh.MESSAGES) - set(en.MESSAGES)) == []


@pytest.mark.parametrize("code", sorted(en.MESSAGES))
def test_chinese_text_names_no_value_the_english_lacks(code: str) -> None:
    assert zh.MESSAGES[code].strip(), code
    assert _fields(zh.MESSAGES[code]) <= _fields(en.MESSAGES[code]), code


def test_every_code_the_source_names_has_both_texts() -> None:
    used = _codes_in_source()
    assert len(used) > 150  # the scan finds the codes (validate, yaml, diff, ingest, …)
    assert sorted(c for c in used if c not in en.MESSAGES) == []
    assert sorted(c for c in used if c not in zh.MESSAGES) == []


def test_clauses_and_plurals_are_rendered_in_the_same_language() -> None:
    reason = msg("validate.no_quantity", goal="双11 期间提升品牌声量")
    text = msg("validate.vague_goal", module="brand", reason=reason)
    assert text.render("zh").startswith("模块 'brand'：目标 '双11 期间提升品牌声量' 不可衡量")
    assert text.render("en").startswith("module 'brand': the goal '双11 期间提升品牌声量' is not")
    assert message("validate.file_counts", "en", errors=1) == "1 error"
    assert message("validate.file_counts", "en", errors=2) == "2 errors"
    assert message("validate.file_counts", "zh", errors=2) == "2 个错误"


def test_report_labels_are_part_of_the_catalogue() -> None:
    assert catalogue("zh")["status_on_track"] == "正常"
    assert catalogue("en")["validate.missing_unit"] == "KPI {kpi!r} has no unit"


def test_every_code_built_from_a_name_has_both_texts() -> None:
    from mktplan.plan import diff, history, validate

    built = [f"diff.area.{a.value}" for a in diff.Area]
    built += [f"diff.kind.{k.value}" for k in diff.Kind]
    built += [f"diff.group.{g.name}" for g in diff.Group]
    built += [f"diff.header.{h}" for h in diff.HEADERS]
    built += [f"diff.total_header.{h}" for h in diff.TOTAL_HEADERS]
    built += [f"weekly.change_field.{f}" for f in history.CHANGE_FIELDS]
    built += [f"diff.field.{f}" for f in diff.FIELD_NAMES]
    built += [f"validate.{kind}" for kind in validate.TYPE_ERRORS]
    assert sorted(c for c in built if c not in en.MESSAGES or c not in zh.MESSAGES) == []
    assert {k for k in en.MESSAGES if k.startswith("diff.total.")} == set(diff.TOTAL_KEYS.values())
