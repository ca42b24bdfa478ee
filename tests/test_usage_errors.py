"""Click's usage errors are said as every mktplan error is: one paragraph on standard error,
exit 2, in the language the command line asks for (--lang, $MKTPLAN_LANG, or the lang: of the
plan it names), with the command's help as the hint. Click printed three English lines
(Usage, Try, Error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"
DOUBLE11 = PLANS / "2025-11-double11.yaml"  # lang: zh


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("report", Q3, "--format", "foo"),
         "mktplan report: --format / -f takes one of 'md', 'xlsx', 'json', 'table', 'brief', "
         "not 'foo'. Hint: `mktplan report -h` lists its arguments and options."),
        (("report",), "mktplan report: the argument PLAN is missing."),
        (("report", Q3, "--bogus"), "mktplan report: there is no option --bogus"),
        (("report", Q3, "--as-of"), "mktplan report: the option --as-of needs a value."),
        (("report", Q3, "x", "y"), "mktplan report: unexpected extra argument(s): x y."),
        (("nosuch",), "mktplan: there is no command 'nosuch'. Hint: `mktplan -h`"),
    ],
)  # fmt: skip
def test_a_usage_error_is_one_paragraph(args: tuple[str | Path, ...], said: str) -> None:
    run = run_cli(*args)
    assert run.code == 2
    assert said in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    for click_words in ("Usage:", "Try '", "Error:"):
        assert click_words not in run.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("report", Q3, "--format", "foo", "--lang", "zh"),
         "mktplan report：--format / -f 只能取 'md', 'xlsx', 'json', 'table', 'brief' 之一，"
         "不能是 'foo'。提示：`mktplan report -h` 列出它的参数和选项。"),
        (("report", DOUBLE11, "--bogus"), "mktplan report：没有选项 --bogus"),  # the plan's lang
        (("ingest", "--lang=zh"), "mktplan ingest：缺少参数 PLAN。"),
    ],
)  # fmt: skip
def test_it_is_said_in_the_language_asked_for(args: tuple[str | Path, ...], said: str) -> None:
    run = run_cli(*args)
    assert run.code == 2
    assert said in run.stderr


def test_help_and_version_are_unchanged() -> None:
    assert run_cli("--version").code == 0
    helped = run_cli("report", "-h")
    assert helped.code == 0
    assert "Usage: mktplan report" in helped.stdout
