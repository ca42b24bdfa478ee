"""`mktplan validate` through the real entry point: formats, exit codes, startup imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLANS, run_cli
from tests.plan.plans import VALID, line_of, mutate, write

BROKEN = mutate("labour: 28000", "labour: 27000")


def test_json_format_shape(tmp_path: Path) -> None:
    bad = write(tmp_path, BROKEN, "bad.yaml")
    run = run_cli("validate", "--format", "json", bad, PLANS / "q3-2023-growth.yaml")
    assert run.code == 1
    document = json.loads(run.stdout)
    assert document["valid"] is False
    assert document["warnings"] == []
    [error] = document["errors"]
    assert error == {
        "file": str(bad),
        "path": "budget.lines",
        "line": line_of(BROKEN, "  lines:"),
        "column": error["column"],
        "message": error["message"],
        "hint": error["hint"],
        "code": "lines_mismatch",
    }
    assert isinstance(error["column"], int)
    assert "87,000" in error["message"]
    assert [f["valid"] for f in document["files"]] == [False, True]


def test_json_format_valid() -> None:
    run = run_cli("validate", "-f", "json", PLANS / "2024-06-launch.yaml")
    assert run.code == 0
    assert json.loads(run.stdout)["valid"] is True


def test_github_annotations(tmp_path: Path) -> None:
    bad = write(tmp_path, BROKEN, "bad.yaml")
    run = run_cli("validate", "--format", "github", bad)
    assert run.code == 1
    line = line_of(BROKEN, "  lines:")
    assert run.stdout.startswith(f"::error file={bad},line={line},col=")
    assert "title=budget.lines::budget lines (87%2C000)" not in run.stdout  # data keeps commas
    assert "::budget lines (87,000)" in run.stdout


def test_text_format_groups_file_line_field_and_hint(tmp_path: Path) -> None:
    bad = write(tmp_path, BROKEN, "bad.yaml")
    run = run_cli("validate", bad)
    assert run.code == 1
    assert f"error {bad}:{line_of(BROKEN, '  lines:')} budget.lines: budget lines" in run.stdout
    assert "hint: add 1,000 across the lines" in run.stdout
    assert "1 plan checked: 0 valid, 1 invalid (1 error, 0 warnings)" in run.stdout
    assert "\x1b[" not in run.stdout  # no colour when not a terminal


def test_quiet_prints_only_problems(tmp_path: Path) -> None:
    good = write(tmp_path, VALID)
    run = run_cli("validate", "-q", good)
    assert run.code == 0
    assert run.stdout == ""


def test_usage_errors_exit_2() -> None:
    assert run_cli("validate").code == 2
    assert run_cli("validate", "--format", "xml", PLANS / "q3-2023-growth.yaml").code == 2
    assert run_cli("no-such-command").code == 2


def test_version_and_help() -> None:
    version = run_cli("--version")
    assert version.code == 0
    assert version.stdout.startswith("mktplan ")
    for command in ("validate", "schema", "init"):
        run = run_cli(command, "--help")
        assert run.code == 0
        assert "Example:" in run.stdout


def test_help_path_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from mktplan.cli import app\n"
        "heavy = [m for m in ('pandas', 'openpyxl', 'jinja2', 'pydantic', 'numpy') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_validate_path_does_not_import_pandas_or_openpyxl(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from mktplan.cli import main\n"
        "try:\n"
        f"    main(['validate', '-q', {str(PLANS / 'q3-2023-growth.yaml')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(m for m in ('pandas', 'openpyxl', 'jinja2') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""


def test_allowed_values_are_joined_by_the_languages_own_or(tmp_path: Path) -> None:
    text = mutate("  cadence: weekly\n", "  cadence: hourly\n  lang: fr\n")
    text = mutate("severity: critical}", "severity: loud}", text)
    text += "budget_alerts: {over_budget: loud}\n"
    bad = write(tmp_path, text)
    en = run_cli("validate", bad)
    assert en.code == 1
    assert "hint: use one of 'daily', 'weekly' or 'monthly'" in en.stdout
    assert "hint: use one of 'en' or 'zh'" in en.stdout
    assert "hint: use one of 'info', 'warning' or 'critical'" in en.stdout
    assert "hint: use one of 'info', 'warning', 'critical' or 'off'" in en.stdout
    zh = run_cli("validate", "--lang", "zh", bad)
    assert zh.code == 1
    assert "提示：可选值：'daily', 'weekly' 或 'monthly'" in zh.stdout
    assert "提示：可选值：'en' 或 'zh'" in zh.stdout
    assert "提示：可选值：'info', 'warning' 或 'critical'" in zh.stdout
    assert "提示：可选值：'info', 'warning', 'critical' 或 'off'" in zh.stdout
    assert " or " not in zh.stdout


def test_a_value_that_fits_none_of_a_fields_types_is_one_error_at_the_field(
    tmp_path: Path,
) -> None:
    # `table` is a title or a number and `scale` values a number or a word: pydantic fails
    # such a value once per type and names the types in the path (table.int, ….decimal)
    text = mutate(
        "    columns: {Sales: sales, Visitors: visitors}\n",
        "    columns: {Sales: sales, Visitors: visitors}\n    table: [1]\n"
        "    scale: {Sales: null}\n",
    )
    bad = write(tmp_path, text)
    run = run_cli("validate", "--format", "json", bad)
    assert run.code == 1
    errors = json.loads(run.stdout)["errors"]
    assert [(e["path"], e["line"], e["message"], e["hint"]) for e in errors] == [
        (
            "sources.shop_daily.table",
            line_of(text, "    table:"),
            "[1] for 'table' is not text or a whole number",
            "write `table: 1` for the first table of the file, or the table's title",
        ),
        (
            "sources.shop_daily.scale.Sales",
            line_of(text, "    scale:"),
            "null for 'Sales' is not a number or text",
            "write scale: {Header: 1000} or K, M, 千, 万, 亿",
        ),
    ]
    zh = run_cli("validate", "--lang", "zh", bad).stdout
    assert "sources.shop_daily.table: 'table' 的值 [1] 不是文字或整数" in zh
    assert "sources.shop_daily.scale.Sales: 'Sales' 的值 null 不是数字或文字" in zh


def test_digits_joined_by_underscores_are_text_not_a_number(tmp_path: Path) -> None:
    text = mutate("total: 100000", "total: 100_000")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    line = line_of(text, "total: 100_000")
    assert f":{line} budget.total: 100_000 is text, not a number, for 'total'" in run.stdout
    assert "hint: write 100000, without _ between the digits" in run.stdout


def test_a_number_is_not_read_as_a_date(tmp_path: Path) -> None:
    text = mutate("due: 2024-03-31, source: index", "due: 1711843200, source: index")
    run = run_cli("validate", write(tmp_path, text))
    assert run.code == 1
    line = line_of(text, "due: 1711843200")
    assert f":{line} modules[1].kpis[0].due: 1711843200 is a number, not a date" in run.stdout
    assert "hint: write the date as YYYY-MM-DD: 2024-03-31, if that is the day meant" in run.stdout
