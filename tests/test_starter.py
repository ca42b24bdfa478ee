"""The starter plans `mktplan init` writes: they validate cleanly and teach every field."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from mktplan.plan import model
from mktplan.plan.loader import load_yaml_file
from mktplan.plan.model import Plan
from tests.conftest import run_cli

LANGS = ("en", "zh")


def _field_names() -> set[str]:
    names: set[str] = set()
    for value in vars(model).values():
        if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
            names.update(value.model_fields)
    return names


@pytest.fixture(params=LANGS)
def starter(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    lang: str = request.param
    path = tmp_path / "plans" / f"starter-{lang}.yaml"
    result = run_cli("init", path, "--lang", lang)
    assert result.code == 0, result.output
    assert path.is_file()
    return lang, path


def test_starter_validates_without_errors_or_warnings(starter: tuple[str, Path]) -> None:
    _, path = starter
    result = run_cli("validate", "--strict", "--format", "json", path)
    document = json.loads(result.stdout)
    assert document["errors"] == []
    assert document["warnings"] == []
    assert result.code == 0


DAILY = {
    "en": "Date,Channel,Visitors,Orders,Sales,Registrations,Remark\n"
    "2026-01-05,Online shop,200,20,4000,,\n2026-03-05,Store,,,,35,booth\n",
    "zh": "日期,渠道,访客数,订单数,销售额(元),新增注册,异常说明\n"
    "2026-01-05,电商,200,20,4000,,\n2026-03-05,门店,,,,35,设点\n",
}


def test_the_starters_daily_report_takes_a_row_of_each_module(
    starter: tuple[str, Path], tmp_path: Path
) -> None:
    """Its source routes store rows to the offline module: they must have a column there."""
    lang, path = starter
    export = tmp_path / "daily.csv"
    export.write_text(DAILY[lang], encoding="utf-8")
    run = run_cli(
        "ingest", path, export, "--source", "daily_report", "--store", tmp_path / "s.sqlite"
    )
    assert run.code == 0, run.output
    assert "offline.registrations, online.orders, online.sales, online.visitors" in run.stdout


def test_starter_teaches_the_rules_of_a_good_plan(starter: tuple[str, Path]) -> None:
    _, path = starter
    plan = Plan.model_validate(load_yaml_file(path).data)
    reserve_share = plan.budget.reserve / plan.budget.total * 100
    assert Decimal(10) <= reserve_share <= Decimal(15)
    assert plan.budget.lines
    assert len(plan.budget.lines) >= 3
    assert plan.plan.approvals
    assert len(plan.modules) >= 2
    assert all(re.search(r"\d", m.goal) for m in plan.modules), "SMART goals carry numbers"
    kpis = [k for m in plan.modules for k in m.kpis] + plan.kpis
    assert any(k.formula for k in kpis)
    assert any(k.better == "lower" for k in kpis)
    assert any(k.role == "spend" for k in kpis)
    assert any(k.role == "revenue" for k in kpis)
    assert any(k.weight for k in kpis)
    assert all(m.actions for m in plan.modules)
    assert plan.sources
    assert plan.alerts
    assert plan.reviews
    assert any(a.severity == "critical" for a in plan.alerts)


def test_every_field_in_the_starter_is_commented(starter: tuple[str, Path]) -> None:
    _, path = starter
    loaded = load_yaml_file(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = _field_names()
    uncommented: set[str] = set()
    commented: set[str] = set()

    def walk(data: Any, loc: tuple[str | int, ...]) -> None:
        items = data.items() if isinstance(data, dict) else enumerate(data)
        for key, value in items:
            here = (*loc, key)
            if isinstance(key, str) and key in fields:
                mark = loaded.marks.get(here)
                assert mark is not None
                if "#" in lines[mark.line - 1]:
                    commented.add(key)
                else:
                    uncommented.add(key)
            if isinstance(value, (dict, list)):
                walk(value, here)

    walk(loaded.data, ())
    assert uncommented - commented == set(), "each field needs a comment where it first appears"
    assert len(commented) >= 40


def test_chinese_starter_is_in_chinese(tmp_path: Path) -> None:
    path = tmp_path / "zh.yaml"
    assert run_cli("init", path, "--lang", "zh").code == 0
    plan = Plan.model_validate(load_yaml_file(path).data)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert all(cjk.search(m.name) and cjk.search(m.goal) for m in plan.modules)
    comments = [ln.split("#", 1)[1] for ln in path.read_text("utf-8").splitlines() if "#" in ln]
    assert sum(bool(cjk.search(c)) for c in comments) >= 0.8 * len(comments)


def test_chinese_starter_says_lang_zh_so_every_command_speaks_chinese(tmp_path: Path) -> None:
    path = tmp_path / "zh.yaml"
    assert run_cli("init", path, "--lang", "zh").code == 0
    assert Plan.model_validate(load_yaml_file(path).data).plan.lang == "zh"
    result = run_cli("validate", path)  # no --lang, no MKTPLAN_LANG: the plan's own lang
    assert result.code == 0, result.output
    assert "检查了 1 个计划：1 个有效，0 个无效" in result.stdout


def test_english_starter_needs_no_lang(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    assert run_cli("init", path, "--lang", "en").code == 0
    assert Plan.model_validate(load_yaml_file(path).data).plan.lang is None
    assert "lang:" not in path.read_text("utf-8")
    assert "1 plan checked: 1 valid, 0 invalid" in run_cli("validate", path).stdout


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("mine", encoding="utf-8")
    result = run_cli("init", path)
    assert result.code == 2
    assert "exists" in result.stderr
    assert path.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_init_onto_a_directory_says_it_is_one_at_once(tmp_path: Path, force: list[str]) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    result = run_cli("init", folder, *force)
    assert result.code == 2
    assert f"mktplan: {folder}: this is a directory" in result.stderr
    assert "exists already" not in result.stderr
    assert "--force" not in result.stderr  # it would not help
    assert list(folder.iterdir()) == []
