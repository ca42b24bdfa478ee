"""Standard output and error whose encoding cannot hold Chinese or ✓ (PYTHONIOENCODING=ascii,
a C locale without UTF-8 mode) get escapes for those characters, never an internal error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

DOUBLE11 = PLANS / "2025-11-double11.yaml"

NARROW = {
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "c-locale": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
}


@pytest.mark.parametrize("env", sorted(NARROW))
def test_validate_prints_a_chinese_plan_with_escapes(env: str) -> None:
    result = run_cli("validate", DOUBLE11, env=NARROW[env])
    assert result.code == 0, result.output
    assert "internal error" not in result.output
    assert "UnicodeEncodeError" not in result.output
    assert "\\u901a\\u8fc7 " in result.stdout  # 通过, the plan's language
    assert "2025-11-double11.yaml" in result.stdout


def test_an_error_in_chinese_reaches_standard_error_escaped(tmp_path: Path) -> None:
    result = run_cli("report", tmp_path / "nope.yaml", "--lang", "zh", env=NARROW["ascii"])
    assert result.code == 1, result.output
    assert "internal error" not in result.output
    assert "nope.yaml" in result.stderr
    assert "\\u627e\\u4e0d\\u5230" in result.stderr  # 找不到


def test_a_report_to_standard_output_is_escaped_not_refused(tmp_path: Path) -> None:
    result = run_cli(
        "report", DOUBLE11, "--as-of", "2025-11-05", "--allow-empty", "--format", "table",
        "--store", tmp_path / "none.sqlite", env=NARROW["ascii"],
    )  # fmt: skip
    assert result.code == 0, result.output
    assert "internal error" not in result.output
    assert "\\u" in result.stdout


def test_an_error_handler_the_user_chose_is_kept() -> None:
    result = run_cli("validate", DOUBLE11, env={"PYTHONIOENCODING": "ascii:replace"})
    assert result.code == 0, result.output
    assert result.stdout.startswith("?? ")
    assert "\\u" not in result.stdout
