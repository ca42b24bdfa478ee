from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from mktplan.errors import ReportError
from mktplan.render import output_path, render_report, report_filename, write_atomic
from tests.conftest import PLANS, run_cli
from tests.render.sample import sample_evaluation


def test_report_filename_and_output_path(tmp_path: Path) -> None:
    ev = sample_evaluation()
    assert report_filename(ev, "xlsx") == "q3-sample-2023-07-31.xlsx"
    assert report_filename(ev, "table") == "q3-sample-2023-07-31.txt"
    assert output_path(f"{tmp_path}/new/", ev, "md") == tmp_path / "new" / "q3-sample-2023-07-31.md"
    assert output_path(str(tmp_path), ev, "json") == tmp_path / "q3-sample-2023-07-31.json"
    assert output_path(str(tmp_path / "x.md"), ev, "md") == tmp_path / "x.md"


def test_write_atomic_replaces_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "r.md"
    write_atomic(target, b"one")
    write_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert os.listdir(target.parent) == ["r.md"]
    assert stat.S_IMODE(target.stat().st_mode) & 0o044  # readable by others, unlike mkstemp's 0600


def test_write_atomic_refuses_a_directory(tmp_path: Path) -> None:
    (tmp_path / "r.md").mkdir()
    with pytest.raises(ReportError, match="directory"):
        write_atomic(tmp_path / "r.md", b"x")


def test_write_atomic_under_a_file_is_a_report_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ReportError, match="cannot write the report") as caught:
        write_atomic(tmp_path / "file" / "r.md", b"x")
    assert caught.value.hint


def test_cli_write_error_is_a_message_with_exit_1(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run_cli(
        "report",
        PLANS / "q3-2023-growth.yaml",
        "--as-of",
        "2023-07-31",
        "--out",
        tmp_path / "file" / "r.md",
        "--store",
        tmp_path / "none.sqlite",
        "--allow-empty",
        "-q",
    )
    assert result.code == 1
    assert "cannot write the report" in result.stderr
    assert "Traceback" not in result.output


def test_table_format_to_a_file_is_plain_text(tmp_path: Path) -> None:
    data = render_report(sample_evaluation(), "table").decode("utf-8")
    assert "Strategy tracking" in data
    assert "\x1b[" not in data  # no colour codes in a file


def test_cli_start_does_not_import_renderer_libraries() -> None:
    code = (
        "import sys, mktplan.cli; "
        "print(sorted(m for m in ('jinja2', 'openpyxl', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
