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


def test_the_share_of_budget_used_sits_beside_the_budget_less_the_reserve() -> None:
    ev = sample_evaluation()
    b = ev.budget
    text = render_table_text(ev, "en", width=400)
    rows = {line.split("  ")[0].strip(): line for line in text.splitlines()}
    used = f"{float(b.used) * 100:.1f}%"
    assert used not in rows["Total budget"]  # used is of total − reserve, not of the total
    assert used in rows["Budget less the reserve"]
    assert f"{b.total - b.reserve:,.2f}" in rows["Budget less the reserve"]
    assert "扣除应急预备金后的预算" in render_table_text(ev, "zh", width=400)


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


def test_long_tables_fit_a_terminal_by_wrapping_text_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Long tables cut text to fit ("Return on mark…"); they wrap it at words now, as the
    short tables do."""
    from rich.cells import cell_len

    monkeypatch.setattr(table, "RICH_ROWS", 0)
    ev = sample_evaluation()
    kpis = _section(_terminal_text(ev, "en", 75), "KPIs")
    assert all(cell_len(line) <= 75 for line in kpis)
    assert not any("…" in line for line in kpis)
    assert _cells(kpis[2]) == ["Return on", "3.00", "3.50", "116.7%", "-", "on track"]
    assert _cells(kpis[3]) == ["marketing spend"]
    assert "412,345.68" in "\n".join(kpis)  # numbers are never cut
    assert "Attainment" in "\n".join(kpis)  # nor headers


def test_long_tables_keep_every_text_where_they_cannot_fit_or_go_to_a_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A narrow terminal and a file (written 60 columns wide here) alike: text wraps at
    words (Chinese between characters), nothing is cut or cropped."""
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


def _blocks(text: str) -> dict[str, list[str]]:
    """The report's blocks (split at blank lines) by their first line."""
    blocks = [b.splitlines() for b in text.split("\n\n") if b.strip()]
    return {b[0].rstrip(): [line.rstrip() for line in b[1:]] for b in blocks}


def _cells(line: str) -> list[str]:
    """A table row's cells: texts two or more spaces apart."""
    import re

    return re.split(r"\s{2,}", line.strip())


def _ev_weekly_text(plan: object, as_of: str, lang: str) -> str:
    from tests.conftest import run_cli

    result = run_cli(
        "report", plan, "--as-of", as_of, "-f", "table", "--lang", lang, env={"COLUMNS": "80"}
    )
    assert result.code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def weekly_plan(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The plan of test_weekly_report.py, its numbers worked out by hand there: week 1 sales
    600 (conversion 60 ÷ 2,000 = 3 %), week 2 400 (25 ÷ 1,000 = 2.5 %)."""
    from tests.render.ingested import ingested_plan
    from tests.render.test_weekly_report import DATA, PLAN

    return ingested_plan(tmp_path_factory.mktemp("weekly-table"), PLAN, DATA)


def test_terminal_report_opens_with_the_summary_and_shows_period_and_trend(
    weekly_plan: object,
) -> None:
    text = _ev_weekly_text(weekly_plan, "2024-06-14", "en")
    lines = text.splitlines()
    assert lines[0] == "Marketing plan report: Weekly test"
    # the summary paragraph of `--format brief`, wrapped at words to 80 columns
    assert lines[2:6] == [
        "As of 2024-06-14, 0 of 3 KPIs are on track. Furthest behind is Conversion (owner",
        "Wang Fang) at 56.7% of its pace, off track; channel app fell most this period",
        "(4.0% → 2.0%). Spent 800.00 of 9,000.00 CNY (8.9%) with 46.7% of the time",
        "elapsed.",
    ]
    assert lines[7:9] == [  # the plan's facts, broken between two; 14 of 30 days elapsed
        "Plan id weekly-test · Owner Li Na · Period 2024-06-01 – 2024-06-30",
        "As of 2024-06-14 (14/30) · Time elapsed 46.7%",
    ]
    blocks = _blocks(text)
    assert "Data quality" not in blocks  # fresh on 06-14
    trend = blocks["Trend"]
    assert _cells(trend[0]) == ["Dimension", "Trend", "Per period", "Attainment", "Time elapsed"]
    # GMV 600 then 400: the first bar full, the second the lowest; 1,000 of 3,000 = 33.3 %
    assert _cells(trend[2]) == ["GMV", "█▁", "600.00 → 400.00", "33.3%", "46.7%"]
    assert _cells(trend[4]) == ["Conversion", "█▁", "3.0% → 2.5%", "56.7%", "46.7%"]
    period = blocks["This period vs the last"]
    assert period[0] == (
        "This period: week 2 (06-08 – 06-14) · Previous period: week 1 (06-01 – 06-07)"
    )
    table_lines = _after(text, "This period vs the last")
    assert _cells(table_lines[0]) == [
        "Module",
        "KPI",
        "Previous period",
        "This period",
        "Change",
        "Change %",
    ]
    # sales 600 → 400: −200, −200 ÷ 600 = −33.3 %; conversion 3 % → 2.5 %: −0.5 points
    assert _cells(table_lines[3]) == ["Web", "Sales", "600.00", "400.00", "-200.00", "-33.3%"]
    assert _cells(table_lines[4]) == ["Web", "Conversion", "3.0%", "2.5%", "-0.5 pt", "-"]


def _after(text: str, heading: str) -> list[str]:
    """The lines of the block after the one that starts with ``heading``."""
    blocks = text.split("\n\n")
    found = next(i for i, b in enumerate(blocks) if b.startswith(heading))
    return [line.rstrip() for line in blocks[found + 1].splitlines()]


def test_chinese_terminal_report_has_the_weekly_sections_in_chinese(weekly_plan: object) -> None:
    text = _ev_weekly_text(weekly_plan, "2024-06-14", "zh")
    lines = text.splitlines()
    assert lines[0] == "营销计划报告: Weekly test"
    # CJK wraps between characters, 40 characters (80 cells) a line; no line starts with ，
    assert (
        lines[2]
        == "截至2024-06-14，3个指标中0个正常。差距最大的是Conversion（负责人Wang Fang），进"
    )
    assert lines[3].startswith("度达成率56.7%，偏离；")
    blocks = _blocks(text)
    assert _cells(blocks["趋势"][2]) == ["GMV", "█▁", "600.00 → 400.00", "33.3%", "46.7%"]
    assert (
        blocks["本期与上期(环比)"][0] == "本期: 第2周 (06-08 – 06-14) · 上期: 第1周 (06-01 – 06-07)"
    )
    period = _after(text, "本期与上期(环比)")
    assert _cells(period[0]) == [
        "策略模块",
        "关键指标(KPI)",
        "上期",
        "本期",
        "环比增减",
        "环比增幅",
    ]
    assert _cells(period[4]) == ["Web", "Conversion", "3.0%", "2.5%", "-0.5 个百分点", "-"]


@pytest.mark.parametrize(
    ("lang", "banner"),
    [
        (
            "en",
            [
                "Data quality",
                "- source export: no new data for Sales, Visits, Orders and 1 more since",
                "  2024-06-12 (18 days before as-of)",
            ],
        ),
        (
            "zh",
            [
                "数据质量",
                "- 数据来源 export：Sales、Visits、Orders等 4 个指标自 2024-06-12 起无新数据（截",
                "  至日期前 18 天）",
            ],
        ),
    ],
)
def test_terminal_report_opens_with_the_data_quality_banner(
    weekly_plan: object, lang: str, banner: list[str]
) -> None:
    # weekly cadence: data older than 7 days is stale; the latest is 06-12, 18 days before
    text = _ev_weekly_text(weekly_plan, "2024-06-30", lang)
    assert text.split("\n\n")[1].splitlines() == banner


def test_terminal_report_lists_the_plan_changes_after_the_summary_table() -> None:
    import datetime as dt
    from decimal import Decimal

    from mktplan.evaluation import PlanChange

    changes = [
        PlanChange(
            "kpi", "online.sales", "target", Decimal(1300000), Decimal(1500000), Decimal(200000)
        ),
        PlanChange("kpi", "online.sales", "due", dt.date(2023, 8, 31), dt.date(2023, 9, 7), 7),
    ]
    ev = dataclasses.replace(sample_evaluation(), plan_changes=changes)
    text = render_table_text(ev, "en", width=80)
    # the sentences of the Markdown report and `--format brief`, after the summary table
    assert _after(text, "Summary") == [
        "Plan changes this period",
        "- kpi online.sales: target 1,300,000 → 1,500,000 (+200,000)",
        "- kpi online.sales: due 2023-08-31 → 2023-09-07 (+7 days)",
    ]
