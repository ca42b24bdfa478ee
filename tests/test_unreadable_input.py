"""A plan, an export or a template the user may not read is mktplan's own refusal (exit 1,
naming the file, with a hint), as a missing one is; never click's usage error (exit 2)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import PLANS, Run, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"
Q3_ACTUALS = PLANS / "q3-2023-growth.actuals.csv"
HINT = "may read the file and open its folders"


def _reader() -> list[str]:
    """A command that runs mktplan as a user file permissions apply to: root without the
    capabilities that let it read any file."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads every file, and setpriv is not here to drop that right")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]


def run_as_reader(*args: str | os.PathLike[str], cwd: Path) -> Run:
    return run_cli(*args, cwd=cwd, prefix=_reader())


@pytest.fixture
def unreadable(tmp_path: Path) -> Iterator[Path]:
    """A folder holding the example plan and export copied, both mode 000."""
    for source in (Q3, Q3_ACTUALS):
        copy = tmp_path / source.name
        shutil.copyfile(source, copy)
        copy.chmod(0)
    yield tmp_path
    for child in tmp_path.iterdir():
        child.chmod(0o644)


@pytest.fixture
def closed_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder this user may not open, holding a readable plan and export."""
    folder = tmp_path / "closed"
    folder.mkdir()
    shutil.copyfile(Q3, folder / Q3.name)
    shutil.copyfile(Q3_ACTUALS, folder / Q3_ACTUALS.name)
    folder.chmod(0o600)
    yield folder
    folder.chmod(0o755)


def _assert_refused(result: Run, name: str) -> None:
    assert result.code == 1, result.output
    assert "Invalid value" not in result.output
    assert "Usage:" not in result.output
    assert "internal error" not in result.output
    assert name in result.output
    assert "Permission denied" in result.output
    assert HINT in result.output


def test_validate_names_an_unreadable_plan_with_a_hint(unreadable: Path) -> None:
    result = run_as_reader("validate", Q3.name, cwd=unreadable)
    _assert_refused(result, Q3.name)
    assert "cannot read the plan file" in result.output


def test_ingest_names_an_unreadable_export_with_a_hint(unreadable: Path) -> None:
    shutil.copyfile(Q3, unreadable / "readable.yaml")
    result = run_as_reader(
        "ingest", "readable.yaml", Q3_ACTUALS.name, "--store", "s.sqlite", cwd=unreadable
    )
    _assert_refused(result, Q3_ACTUALS.name)
    assert "cannot read the file" in result.output


def test_ingest_names_an_unreadable_plan_with_a_hint(unreadable: Path) -> None:
    result = run_as_reader("ingest", Q3.name, Q3_ACTUALS, "--store", "s.sqlite", cwd=unreadable)
    _assert_refused(result, Q3.name)


def test_report_names_an_unreadable_plan_with_a_hint(unreadable: Path) -> None:
    result = run_as_reader(
        "report", Q3.name, "--as-of", "2023-07-31", "--store", "s.sqlite", cwd=unreadable
    )
    _assert_refused(result, Q3.name)


def test_log_and_diff_name_an_unreadable_plan(unreadable: Path) -> None:
    for args in (("log", Q3.name), ("diff", Q3.name, str(Q3))):
        result = run_as_reader(*args, cwd=unreadable)
        assert result.code == 1, result.output
        assert "Invalid value" not in result.output
        assert "cannot read the plan file" in result.output


@pytest.mark.parametrize("command", ["validate", "report"])
def test_a_plan_in_a_folder_that_denies_search_is_named(closed_folder: Path, command: str) -> None:
    plan = f"closed/{Q3.name}"
    store = () if command == "validate" else ("--store", "s.sqlite")
    result = run_as_reader(command, plan, *store, cwd=closed_folder.parent)
    _assert_refused(result, plan)
    assert "cannot read the plan file" in result.output


def test_an_export_in_a_folder_that_denies_search_is_named(closed_folder: Path) -> None:
    export = f"closed/{Q3_ACTUALS.name}"
    result = run_as_reader("ingest", Q3, export, "--store", "s.sqlite", cwd=closed_folder.parent)
    _assert_refused(result, export)
    assert "cannot read the file" in result.output


def test_an_unreadable_template_is_named(unreadable: Path) -> None:
    template = unreadable / "mine.md.j2"
    template.write_text("{{ plan.id }}\n", encoding="utf-8")
    template.chmod(0)
    result = run_as_reader(
        "report", Q3, "--as-of", "2023-07-31", "--store", "s.sqlite", "--allow-empty",
        "--format", "md", "--template", template.name, cwd=unreadable,
    )  # fmt: skip
    assert result.code == 1, result.output
    assert "Invalid value" not in result.output
    assert "cannot read the template" in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("validate", "missing.yaml"), "plan file not found"),
        (("report", "missing.yaml", "--as-of", "2023-07-31"), "plan file not found"),
        (("ingest", str(Q3), "missing.csv", "--store", "s.sqlite"), "the file does not exist"),
    ],
)
def test_a_missing_file_is_still_named_the_same_way(
    tmp_path: Path, args: tuple[str, ...], expected: str
) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.code == 1, result.output
    assert expected in result.output
    assert "check the path" in result.output
