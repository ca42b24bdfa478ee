"""`mktplan diff --format md` is posted as a pull-request comment: plan text must stay text
(no tag, link, image or @mention), as in the report's Markdown."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli
from tests.plan.plans import VALID, mutate, write


def _md(tmp_path: Path, new_text: str, *args: str) -> str:
    old = write(tmp_path, VALID, "old.yaml")
    new = write(tmp_path, new_text, "new.yaml")
    run = run_cli("diff", old, new, "--format", "md", *args)
    assert run.code == 0, run.stderr
    return run.stdout


def test_html_links_and_images_in_plan_text_are_escaped(tmp_path: Path) -> None:
    new = mutate("    name: Online\n", '    name: "On|line <b>x</b>"\n')
    new = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        'goal: "Online sales of 500,000 CNY by 31 March 2024 <img src=x> [link](http://evil)"',
        new,
    )
    out = _md(tmp_path, new)
    assert "<b>" not in out
    assert "<img" not in out
    assert "[link](" not in out
    assert "On\\|line &lt;b&gt;x&lt;/b&gt;" in out
    assert "&lt;img src=x&gt; \\[link\\](http://evil)" in out
    # every table row still has its six cells
    row = next(line for line in out.splitlines() if "| name |" in line)
    assert row.count(" | ") == 5


def test_line_breaks_in_a_value_stay_in_their_cell(tmp_path: Path) -> None:
    new = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        'goal: "Online sales of 500,000 CNY\\nby 31 March 2024"',
    )
    out = _md(tmp_path, new)
    assert "Online sales of 500,000 CNY<br>by 31 March 2024" in out


def test_mentions_do_not_notify(tmp_path: Path) -> None:
    new = mutate(
        "goal: Online sales of 500,000 CNY by 31 March 2024",
        'goal: "Online sales of 500,000 CNY by 31 March 2024, ask @team or @org/marketing"',
    )
    out = _md(tmp_path, new, "--lang", "zh")
    assert "@team" not in out
    assert "@org" not in out
    assert "@\u2060team" in out
    assert "@\u2060org/marketing" in out


def test_an_email_address_is_left_alone(tmp_path: Path) -> None:
    new = mutate("owner: Zhao Qiang", "owner: Zhao Qiang\n    collaborators: [zq@example.com]")
    out = _md(tmp_path, new)
    assert "zq@example.com" in out


def test_labels_in_the_heading_are_one_code_span(tmp_path: Path) -> None:
    folder = tmp_path / "a`<b>x"
    folder.mkdir()
    out = _md(folder, mutate("    name: Online\n", "    name: On line\n"))
    heading = out.splitlines()[0]
    assert heading.startswith("### mktplan diff: ``")
    assert f"``{folder / 'old.yaml'}``" in heading
