"""`mktplan report`'s arguments refused before anything is read or written: each refusal
names the argument, says what is wrong with it, and exits 2 (usage)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"


def _report(tmp_path: Path, *args: str | os.PathLike[str]) -> tuple[int, str]:
    result = run_cli(
        "report", Q3, "--as-of", "2023-07-31", "--store", tmp_path / "none.sqlite", *args
    )
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
