from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from markupsafe import escape

from mktplan.errors import ReportError
from mktplan.i18n import LANGS, labels
from mktplan.render.markdown import render_markdown
from tests.render.golden_files import assert_golden
from tests.render.sample import sample_evaluation

SECTIONS = ("summary", "tracking", "kpis", "budget", "tasks", "alerts")


@pytest.mark.parametrize("lang", LANGS)
def test_sample_report_matches_golden(lang: str) -> None:
    assert_golden(f"sample.{lang}.md", render_markdown(sample_evaluation(), lang))


@pytest.mark.parametrize("lang", LANGS)
def test_every_section_has_its_heading(lang: str) -> None:
    text = render_markdown(sample_evaluation(), lang)
    words = labels(lang)
    for key in SECTIONS:
        assert re.search(rf"^## {re.escape(words[key])}", text, re.M), key


def test_same_input_gives_the_same_bytes() -> None:
    assert render_markdown(sample_evaluation()) == render_markdown(sample_evaluation())


def _table_rows(text: str, heading: str) -> list[str]:
    block = text.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    return [line for line in block.splitlines() if line.startswith("|")]


def _cells(row: str) -> list[str]:
    return re.split(r"(?<!\\)\|", row.strip())[1:-1]


def test_tracking_table_has_eleven_columns_on_every_row() -> None:
    rows = _table_rows(render_markdown(sample_evaluation()), "Strategy tracking")
    assert len(rows) == 4  # header, rule, two modules
    assert {len(_cells(row)) for row in rows} == {11}
    assert _cells(rows[0])[6].strip() == "Variance (target − actual)"


def test_pipes_and_line_breaks_stay_inside_their_cell() -> None:
    text = render_markdown(sample_evaluation())
    assert "Brand \\| promotion<br>line two" in text
    assert "Design agency slipped<br>one week" in text
    for heading in ("Strategy tracking", "KPIs", "Tasks"):
        rows = _table_rows(text, heading)
        assert len({len(_cells(row)) for row in rows}) == 1, heading


def test_numbers_are_formatted_by_unit() -> None:
    text = render_markdown(sample_evaluation())
    assert (
        "| Online channel conversion | Online sales | 1,300,000.00 | 412,345.68 | 31.7% |" in text
    )
    assert "| 5.0% | 2.1% | 42.0% |" in text  # percent KPIs are in points
    assert "| 1:3.5 |" in text
    assert "| Contingency reserve | 45,000.00 (12.0%) |" in text
    assert "| Zhao Qiang | 2023-08-02 00:00 |" in text  # alert owner and respond-by


def test_stale_kpis_say_so_and_plan_level_kpis_are_marked() -> None:
    text = render_markdown(sample_evaluation())
    assert "| at risk, stale |" in text
    assert "| (plan) | Return on marketing spend |" in text


def test_no_alerts_and_no_tasks_print_a_sentence() -> None:
    ev = dataclasses.replace(sample_evaluation(), alerts=[], actions=[])
    text = render_markdown(ev, "zh")
    assert "无预警。" in text
    assert "## 任务跟踪表\n\n无。" in text


def test_chinese_report_uses_chinese_labels_and_status() -> None:
    text = render_markdown(sample_evaluation(), "zh")
    assert "| 策略模块 | 具体目标(SMART) | 执行计划 | 关键指标(KPI) | 数据来源 |" in text
    assert "| 延期 |" in text
    assert "| 严重 |" in text


# --- team templates -----------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_team_template_renders_with_partials_from_its_folder(tmp_path: Path) -> None:
    _write(tmp_path / "team" / "part.md.j2", "{{ plan.id }} {{ ev.budget.total | money }}\n")
    main = _write(
        tmp_path / "team" / "weekly.md.j2", "# {{ L.summary }}\n{% include 'part.md.j2' %}"
    )
    assert render_markdown(sample_evaluation(), "zh", main) == "# 效果评估\nq3-sample 37.50 万\n"
    plain = render_markdown(sample_evaluation(), "zh", main, units="plain")
    assert plain == "# 效果评估\nq3-sample 375,000.00\n"


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/hostname", "sub/../../secret.txt"])
def test_includes_cannot_leave_the_template_folder(tmp_path: Path, name: str) -> None:
    _write(tmp_path / "secret.txt", "TOP SECRET")
    main = _write(tmp_path / "team" / "weekly.md.j2", f"{{% include '{name}' %}}")
    with pytest.raises(ReportError, match="template not found") as caught:
        render_markdown(sample_evaluation(), "en", main)
    assert caught.value.hint is not None
    assert "own folder" in caught.value.hint


def test_symlinks_out_of_the_template_folder_are_refused(tmp_path: Path) -> None:
    _write(tmp_path / "secret.txt", "TOP SECRET")
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "leak.md.j2").symlink_to(tmp_path / "secret.txt")
    main = _write(tmp_path / "team" / "weekly.md.j2", "{% include 'leak.md.j2' %}")
    with pytest.raises(ReportError, match="template not found"):
        render_markdown(sample_evaluation(), "en", main)


def test_templates_are_sandboxed(tmp_path: Path) -> None:
    main = _write(tmp_path / "evil.md.j2", "{{ ev.__class__.__init__.__globals__ }}")
    with pytest.raises(ReportError, match="template"):
        render_markdown(sample_evaluation(), "en", main)


def test_markdown_is_not_escaped_but_html_is(tmp_path: Path) -> None:
    ev = dataclasses.replace(
        sample_evaluation(),
        plan=dataclasses.replace(sample_evaluation().plan, name="<b>Q3 & more</b>"),
    )
    md = _write(tmp_path / "r.md.j2", "{{ plan.name }}")
    html = _write(tmp_path / "r.html.j2", "{{ plan.name }}")
    plain_html = _write(tmp_path / "r.html", "{{ plan.name }}")
    assert render_markdown(ev, "en", md) == "<b>Q3 & more</b>"
    assert render_markdown(ev, "en", html) == "&lt;b&gt;Q3 &amp; more&lt;/b&gt;"
    assert render_markdown(ev, "en", plain_html) == "&lt;b&gt;Q3 &amp; more&lt;/b&gt;"


def test_html_templates_escape_plan_text_once(tmp_path: Path) -> None:
    # Markdown's escapes (entities, backslashes before brackets) would show in an HTML page
    # as "&amp;lt;" and "\\["; an HTML template's text, cells and tables are HTML-escaped once
    name = "<b>Q3 & [more]</b>\nnext"
    ev = dataclasses.replace(
        sample_evaluation(),
        plan=dataclasses.replace(sample_evaluation().plan, name=name),
    )
    page = _write(
        tmp_path / "r.html.j2",
        "<h1>{{ plan.name | text }}</h1><p>{{ plan.name | cell }}</p>\n"
        "{% for row in tables.modules.rows %}{{ row[0] }};{% endfor %}\n\n"  # trim_blocks eats one
        "{{ tables.alerts | html_table }}",
    )
    md = _write(tmp_path / "r.md.j2", "{{ plan.name | text }} {{ plan.name | cell }}")
    out = render_markdown(ev, "en", page)
    first, modules, table = out.split("\n", 2)
    assert first == (
        "<h1>&lt;b&gt;Q3 &amp; [more]&lt;/b&gt; next</h1>"
        "<p>&lt;b&gt;Q3 &amp; [more]&lt;/b&gt;<br>next</p>"
    )
    module_names = [m.name for m in ev.modules]
    assert modules.split(";")[:-1] == [str(escape(n)).replace("\n", "<br>") for n in module_names]
    assert table.startswith("<table>\n<thead>\n<tr><th>")
    assert table.count("<tr>") == len(ev.alerts) + 1
    assert table.endswith("</tbody>\n</table>")
    assert "&amp;amp;" not in out
    assert "&amp;lt;" not in out
    # Markdown templates keep Markdown's escapes
    assert render_markdown(ev, "en", md) == (
        "&lt;b&gt;Q3 &amp; \\[more\\]&lt;/b&gt; next &lt;b&gt;Q3 &amp; \\[more\\]&lt;/b&gt;<br>next"
    )


def test_html_table_escapes_hostile_cells(tmp_path: Path) -> None:
    ev = sample_evaluation(hostile=True)
    page = _write(tmp_path / "r.html", "{{ tables.kpis | html_table }}")
    out = render_markdown(ev, "en", page)
    assert "<script" not in out.lower()
    assert "<img" not in out.lower()
    assert out.count("<tr>") == len(ev.kpis) + 1


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    main = _write(tmp_path / "bad.md.j2", "line one\n{% for x in %}\n")
    with pytest.raises(ReportError, match="syntax error") as caught:
        render_markdown(sample_evaluation(), "en", main)
    assert caught.value.line == 2
    assert caught.value.file is not None
    assert caught.value.file.endswith("bad.md.j2")


def test_unknown_name_in_template_is_an_error_not_a_blank(tmp_path: Path) -> None:
    main = _write(tmp_path / "typo.md.j2", "{{ evaluation.plan }}")
    with pytest.raises(ReportError, match="evaluation"):
        render_markdown(sample_evaluation(), "en", main)


def test_template_that_is_not_utf8_is_reported(tmp_path: Path) -> None:
    main = tmp_path / "gbk.md.j2"
    main.write_bytes("计划 {{ plan.id }}".encode("gbk"))
    with pytest.raises(ReportError, match="UTF-8"):
        render_markdown(sample_evaluation(), "en", main)


def test_an_error_inside_a_team_template_is_the_templates(tmp_path: Path) -> None:
    broken = _write(tmp_path / "broken.md.j2", "{{ 1 / 0 }}")
    with pytest.raises(ReportError, match="the template failed: ZeroDivisionError") as info:
        render_markdown(sample_evaluation(), "en", broken)
    assert info.value.file == str(broken)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("line one\n\n{{ 1 / 0 }}\n", "the template failed: ZeroDivisionError"),
        ("line one\n\n{{ plan.no_such_field }}\n", "no attribute 'no_such_field'"),
        ("line one\n\n{{ ev.kpis[999] }}\n", "no element 999"),
    ],
)
def test_an_error_while_rendering_names_the_templates_line(
    tmp_path: Path, text: str, error: str
) -> None:
    broken = _write(tmp_path / "broken.md.j2", text)
    with pytest.raises(ReportError, match=error) as info:
        render_markdown(sample_evaluation(), "en", broken)
    assert (info.value.file, info.value.line) == (str(broken), 3)


def test_an_error_in_an_included_template_names_that_file_and_line(tmp_path: Path) -> None:
    part = _write(tmp_path / "team" / "part.md.j2", "a\nb\n{{ ev.no_such_field }}\n")
    main = _write(tmp_path / "team" / "weekly.md.j2", "# {{ plan.id }}\n{% include 'part.md.j2' %}")
    with pytest.raises(ReportError, match="no_such_field") as info:
        render_markdown(sample_evaluation(), "en", main)
    assert (info.value.file, info.value.line) == (str(part), 3)
    assert info.value.hint is not None
    assert "summary_kpis, tables" in info.value.hint  # every value a template sees
