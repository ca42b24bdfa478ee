from __future__ import annotations

import dataclasses

import pytest

from mktplan.render import table
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


def test_long_tables_are_drawn_as_aligned_lines_with_the_same_content(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past RICH_ROWS rows rich's table layout took seconds (2,000 KPIs: 3.3 s); long tables
    are aligned lines instead, with every section, number and status still there."""
    from rich.cells import cell_len

    ev = sample_evaluation()
    ev = dataclasses.replace(ev, plan=dataclasses.replace(ev.plan, name="[bold red]Q3[/]"))
    monkeypatch.setattr(table, "RICH_ROWS", 0)
    text = table.render_table_text(ev, "en", width=400)
    for title in ("Summary", "Strategy tracking", "KPIs", "Budget vs actual (CNY)", "Tasks"):
        assert f"\n{title}\n" in text, title
    assert "412,345.68" in text
    assert "1:3.5" in text
    assert "at risk, stale" in text
    assert "[bold red]Q3[/]" in text
    kpi_lines = text.split("\nKPIs\n", 1)[1].split("\n\n", 1)[0].splitlines()
    header, rule, *rows = kpi_lines
    assert set(rule) == {"─"}
    # every row as wide as the header, numbers right-aligned under their header's end
    assert {cell_len(line) for line in rows} == {cell_len(header)}
    assert "…" not in "".join(rows)  # 400 columns: nothing needs cutting
    target_end = header.index("Target") + len("Target")
    assert all(line[target_end - 1] != " " for line in rows)


def _terminal_text(ev: object, lang: str, width: int) -> str:
    """The report as a terminal of ``width`` columns shows it (no colours)."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=True, color_system=None)
    table.print_report(ev, console, lang)  # type: ignore[arg-type]
    return buffer.getvalue()


def _section(text: str, title: str) -> list[str]:
    return text.split(f"\n{title}\n", 1)[1].split("\n\n", 1)[0].splitlines()


def test_long_tables_fit_a_terminal_by_cutting_text_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.cells import cell_len

    monkeypatch.setattr(table, "RICH_ROWS", 0)
    ev = sample_evaluation()
    kpis = _section(_terminal_text(ev, "en", 75), "KPIs")
    assert all(cell_len(line) <= 75 for line in kpis)
    assert any("…" in line for line in kpis)
    assert "412,345.68" in "\n".join(kpis)  # numbers are never cut
    assert "Attainment" in "\n".join(kpis)  # nor headers


def test_long_tables_keep_every_text_where_they_cannot_fit_or_go_to_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too narrow a terminal to fit: cutting text would lose it for nothing, so lines wrap.
    A file (or a pipe) has no width to fit: nothing is cut or cropped there either."""
    monkeypatch.setattr(table, "RICH_ROWS", 0)
    ev = sample_evaluation()
    narrow = "\n".join(_section(_terminal_text(ev, "zh", 60), "关键指标(KPI)"))
    whole = table.render_table_text(ev, "zh", width=60)
    for text in (narrow, whole):
        assert "…" not in text
        assert "41.23 万" in text  # 412,345.68 in 万, the Chinese default
        assert "状态" in text


def test_tabs_and_control_characters_do_not_break_the_alignment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rich.cells import cell_len

    monkeypatch.setattr(table, "RICH_ROWS", 0)
    ev = sample_evaluation()
    kpi = dataclasses.replace(ev.kpis[1], name="tab\there\rreturn")
    ev = dataclasses.replace(ev, kpis=[ev.kpis[0], kpi, *ev.kpis[2:]])
    lines = _section(table.render_table_text(ev, "en", width=400), "KPIs")
    # a CR is a line break, drawn as a space on an aligned line; the tab becomes a space
    assert "tab here return" in "\n".join(lines)
    assert len({cell_len(line) for line in lines[2:]}) == 1


def _headers(text: str, first: str, second: str) -> str:
    """The header lines of the table titled ``first`` (up to the title ``second``)."""
    part = text.split(f"\n{first}", 1)[1].split(f"\n{second}", 1)[0]
    return part.split("─", 1)[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_every_line_fits_the_console_and_no_header_or_number_is_cut(lang: str, width: int) -> None:
    """Headers were cut to "Mod… SMA…" and numbers to "200,0…" in an 80-column terminal,
    and tables ran past its edge."""
    from rich.cells import cell_len

    from mktplan.i18n import labels
    from mktplan.render import columns
    from mktplan.render.table import render_table_text

    ev = sample_evaluation()
    text = render_table_text(ev, lang, width=width)
    assert "…" not in text
    assert max(cell_len(line.rstrip()) for line in text.splitlines()) <= width
    words = labels(lang)
    shown = columns.display(ev, lang)
    for spec, rows in ((columns.KPIS, ev.kpis), (columns.MODULES, ev.modules)):
        fitted = columns.text_table(spec, rows, "table", shown, str, width)
        for header in fitted.headers:  # a header may wrap onto lines, never lose letters
            assert set(header.replace(" ", "")) <= set(text), header
    if lang == "en":
        assert "1,300,000.00" in text
        assert "412,345.68" in text
    else:  # in 万, the Chinese default
        assert "130.00 万" in text
        assert "41.23 万" in text
    kpis = _headers(text, words["kpis"], words["budget"])
    assert words["pace"] in kpis  # priority 0: always there
    if width == 80:  # the lowest-value columns go first: last data, expected, variance
        assert words["forecast"] not in kpis
        assert words["expected"] not in kpis
    else:  # 120 columns have room for the forecast
        assert words["forecast"] in kpis


def test_priorities_drop_the_highest_first_until_the_table_fits() -> None:
    from mktplan.render import columns

    ev = sample_evaluation()
    shown = columns.display(ev, "en")
    every = columns.text_table(columns.KPIS, ev.kpis, "table", shown, str)
    assert every.keys[-2:] == ["status", "last_date"]  # no width: every terminal column
    wide = columns.text_table(columns.KPIS, ev.kpis, "table", shown, str, 1000)
    assert wide.keys == every.keys
    narrow = columns.text_table(columns.KPIS, ev.kpis, "table", shown, str, 20)
    assert narrow.keys == ["name", "target", "actual", "attainment", "pace", "status"]


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Gift redemptions stale", 11, ["Gift", "redemptions", "stale"]),  # never "redemption|s"
        ("a b c", 3, ["a b", "c"]),
        # CJK between any two characters, a CJK character two cells
        ("差距最大的是订单数", 8, ["差距最大", "的是订单", "数"]),
        # no line starts with closing punctuation; 万 stays with its number
        ("负责人赵强），进度", 6, ["负责人", "赵", "强），", "进度"]),
        ("7.50 万 → 80.00 万", 9, ["7.50 万 →", "80.00 万"]),
        # a KPI id in brackets goes to the next line whole
        ("订单数(tmall.orders)为 9,600", 14, ["订单数", "(tmall.orders)", "为 9,600"]),
        ("line\nbreak kept", 20, ["line", "break kept"]),
        ("abcdefgh", 3, ["abc", "def", "gh"]),  # wider than the column: cut, the last resort
    ],
)
def test_wrap_breaks_between_words(text: str, width: int, lines: list[str]) -> None:
    assert table.wrap(text, width) == lines


def test_a_pipe_is_80_columns_wide_unless_columns_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rich takes the width of a terminal on stdin or stderr when stdout is a pipe: a report
    piped to a file was as wide as the terminal that started it."""
    import io

    from rich.console import Console

    pipe = Console(file=io.StringIO(), width=200)  # as rich measures a terminal on stdin
    monkeypatch.delenv("COLUMNS", raising=False)
    assert table.report_width(pipe) == 80
    monkeypatch.setenv("COLUMNS", "100")
    assert table.report_width(pipe) == 100
    terminal = Console(file=io.StringIO(), width=120, force_terminal=True)
    assert table.report_width(terminal) == 120
