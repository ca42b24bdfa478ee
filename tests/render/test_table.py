from __future__ import annotations

import dataclasses

from mktplan.render.table import render_table_text
from tests.render.sample import sample_evaluation


def test_terminal_report_has_every_section_and_numbers() -> None:
    text = render_table_text(sample_evaluation(), "en", width=400)
    for title in (
        "Summary",
        "Strategy tracking",
        "KPIs",
        "Budget vs actual (CNY)",
        "Tasks",
        "Alerts",
    ):
        assert title in text, title
    assert "412,345.68" in text
    assert "1:3.5" in text
    assert "at risk, stale" in text


def test_markup_in_plan_text_is_printed_literally() -> None:
    ev = sample_evaluation()
    ev = dataclasses.replace(ev, plan=dataclasses.replace(ev.plan, name="[bold red]Q3[/]"))
    assert "[bold red]Q3[/]" in render_table_text(ev, "en", width=400)


def test_chinese_terminal_report() -> None:
    text = render_table_text(sample_evaluation(), "zh", width=400)
    assert "策略跟踪表" in text
    assert "偏差值(目标-实际)" in text
