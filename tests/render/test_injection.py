"""Text from plans and exports reaches reports as text, never as markup or terminal
commands (issue 14, item 11)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mktplan.render import numbers
from tests.conftest import PLANS, run_cli

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror='alert(1)'>"
JS_LINK = "[click me](javascript:alert(1))"
REMOTE = "![pixel](http://evil.example/p.png)"
ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x9b31m"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The q3 plan with markup in its name and a goal, and an export whose notes carry
    markup and terminal escape sequences."""
    folder = tmp_path_factory.mktemp("hostile")
    text = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
    text = text.replace("name: Q3 2023 online growth", f"name: 'Q3 {SCRIPT} & co'", 1)
    text = text.replace(
        "goal: Social followers +15 %", f"goal: '{JS_LINK} {REMOTE} Social followers +15 %", 1
    ).replace("above 5 million by 31 July 2023", "above 5 million by 31 July 2023'", 1)
    plan = folder / "q3.yaml"
    plan.write_text(text, encoding="utf-8")
    export = folder / "notes.csv"
    export.write_text(
        "date,kpi,value,channel,note\n"
        f'2023-07-03,brand.topic_reads,10,weibo,"{IMG} {JS_LINK}"\n'
        f"2023-07-04,brand.topic_reads,10,weibo,late{ESCAPES}data\n",
        encoding="utf-8",
    )
    store = folder / "s.sqlite"
    result = run_cli("ingest", plan, export, "--store", store, "-q")
    assert result.code == 0, result.output
    return plan, store


def test_markdown_escapes_html_and_link_syntax(hostile: tuple[Path, Path]) -> None:
    plan, store = hostile
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", store)
    assert result.code == 0, result.output
    md = result.stdout
    for raw in ("<script", "<img", "\x1b", "\x9b"):
        assert raw not in md, raw
    assert not re.search(r"(?<!\\)\]\(", md)  # every link and image is escaped
    assert "# Marketing plan report: Q3 &lt;script&gt;alert(1)&lt;/script&gt; &amp; co\n" in md
    assert "\\[click me\\](javascript:alert(1))" in md
    assert "!\\[pixel\\](http://evil.example/p.png)" in md
    assert "&lt;img src=x onerror='alert(1)'&gt;" in md


def test_terminal_output_carries_no_control_characters(hostile: tuple[Path, Path]) -> None:
    plan, store = hostile
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", store, "-f", "table")
    assert result.code == 0, result.output
    assert "late]0;pwned[2J3" in result.stdout  # the text stays, its commands do not
    assert not [c for c in result.stdout if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F]


@pytest.mark.parametrize(
    ("raw", "cell"),
    [
        ("a < b && c > d", "a &lt; b &amp;&amp; c &gt; d"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("one | two\r\nthree", "one \\| two<br>three"),
        ("back\\slash", "back\\\\slash"),
        ("tab\there\x1b[31m", "tab here\\[31m"),
    ],
)
def test_md_cell(raw: str, cell: str) -> None:
    assert numbers.md_cell(raw) == cell


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Sales\n---\n# Injected", "Sales --- # Injected"),  # no rule, no heading of its own
        ('Total "sales"\r\n  line2 ] x', 'Total "sales" line2 \\] x'),
        ("one line <b>", "one line &lt;b&gt;"),
        (None, "-"),
    ],
)
def test_md_text_keeps_a_name_inside_its_line(raw: str | None, text: str) -> None:
    # headings, list items and the summary paragraph: a line break in a plan's name started
    # a heading, a rule or a paragraph of its own
    assert numbers.md_text(raw) == text


@pytest.mark.parametrize(
    "bidi",
    ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069"],
)
def test_bidi_overrides_cannot_reorder_the_rest_of_a_line(bidi: str) -> None:
    # an RLO in a KPI name turned the figures after it on the same terminal line, brief line
    # or summary paragraph around (18,023.81 shown as 18.320,81)
    name = f"Spend {bidi}override"
    assert numbers.terminal_text(name) == "Spend override"
    assert numbers.one_line(name) == "Spend override"
    assert numbers.md_text(name) == "Spend override"
    assert numbers.md_cell(name) == "Spend override"


def test_bidi_marks_and_right_to_left_text_stay() -> None:
    text = "مرحبا \u200fעברית\u200e 2024"
    assert numbers.terminal_text(text) == text
    assert numbers.md_cell(text) == text


def test_unicode_line_separators_are_line_breaks_like_lf() -> None:
    # kept as characters by YAML 1.2; a viewer may break the line there, splitting an alert
    # of the brief or a Markdown heading, so they are read as the line breaks they stand for
    assert numbers.one_line("Web\u2028shop\u2029sales") == "Web shop sales"
    assert numbers.md_cell("a\u2028b") == "a<br>b"
