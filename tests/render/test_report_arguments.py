"""`mktplan report`'s arguments refused before anything is read or written: each refusal
names the argument, says what is wrong with it, and exits 2 (usage)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"


def _report(
    tmp_path: Path, *args: str | os.PathLike[str], as_of: str = "2023-07-31"
) -> tuple[int, str]:
    result = run_cli("report", Q3, "--as-of", as_of, "--store", tmp_path / "none.sqlite", *args)
    assert "Traceback" not in result.output
    assert "internal error" not in result.output
    return result.code, result.stderr


def test_a_template_that_is_a_folder_is_called_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "team.md.j2"
    folder.mkdir()
    code, stderr = _report(tmp_path, "--format", "md", "--template", folder)
    assert code == 2, stderr
    assert f"{folder}: the template is a directory, not a file" in stderr
    assert "does not exist" not in stderr
    assert "name a .md.j2 file, not its folder" in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.md.j2"]


def test_a_template_that_is_a_folder_is_called_a_folder_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "team.md.j2"
    folder.mkdir()
    code, stderr = _report(tmp_path, "--format", "md", "--template", folder, "--lang", "zh")
    assert code == 2, stderr
    assert "模板是一个文件夹，不是文件" in stderr


def test_a_template_that_is_a_pipe_is_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "team.md.j2"
    os.mkfifo(fifo)
    code, stderr = _report(tmp_path, "--format", "md", "--template", fifo)
    assert code == 2, stderr
    assert "the template is not a regular file" in stderr


def test_a_missing_template_still_does_not_exist(tmp_path: Path) -> None:
    code, stderr = _report(tmp_path, "--format", "md", "--template", tmp_path / "nope.md.j2")
    assert code == 2, stderr
    assert "the template file does not exist" in stderr


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-05", "1899-12-31", "9999-12-31"])
def test_an_as_of_outside_the_range_is_a_usage_error_naming_it(tmp_path: Path, day: str) -> None:
    result = run_cli("report", Q3, "--as-of", day, "--store", tmp_path / "none.sqlite")
    assert result.code == 2, result.output
    assert f"--as-of must be a date from 1900-01-01 to 9998-12-31, not '{day}'" in result.stderr
    assert "OverflowError" not in result.output
    assert "exponent" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_cron_refuses_an_as_of_outside_the_range(tmp_path: Path) -> None:
    folders = [tmp_path / name for name in ("inbox", "done", "rejected", "reports")]
    for folder in folders:
        folder.mkdir()
    store = tmp_path / "s.sqlite"
    result = run_cli("cron", Q3, *folders, "--store", store, "--as-of", "0001-01-01")
    assert result.code == 2, result.output
    assert "--as-of must be a date from 1900-01-01 to 9998-12-31" in result.stderr
    assert not store.exists()


@pytest.mark.parametrize("day", ["1900-01-01", "9998-12-31"])
@pytest.mark.parametrize("fmt", ["md", "json", "table", "brief"])
def test_the_first_and_last_as_of_report(tmp_path: Path, day: str, fmt: str) -> None:
    code, stderr = _report(
        tmp_path, "--format", fmt, "--allow-empty", "--period", "month", as_of=day
    )
    assert code == 0, stderr
