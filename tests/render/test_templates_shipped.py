"""The Markdown report templates live in the repository's top-level templates/ folder and
ship in the wheel from there (setup.py maps it to mktplan.report_templates): a report renders
from the editable install and from an unpacked wheel alike."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mktplan.render.markdown import builtin_templates
from tests.conftest import PLANS, ROOT, run_cli

TEMPLATES = ROOT / "templates"
Q3 = PLANS / "q3-2023-growth.yaml"


def test_the_editable_install_reads_the_top_level_templates_folder() -> None:
    assert builtin_templates() == TEMPLATES
    assert (TEMPLATES / "report.md.j2").is_file()
    assert not list((ROOT / "src" / "mktplan" / "templates").glob("*.md.j2"))  # no second copy


def _report(tmp_path: Path, env: dict[str, str] | None = None) -> str:
    store = tmp_path / "store.sqlite"
    if not store.exists():
        ingest = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
        assert ingest.code == 0, ingest.output
    result = run_cli("report", Q3, "--store", store, "--as-of", "2023-07-31", env=env)
    assert result.code == 0, result.output
    return result.stdout


@pytest.mark.slow
def test_the_wheel_ships_the_templates_and_renders_from_them(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("mktplan-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in sorted(TEMPLATES.glob("*.md.j2")):
        assert f"mktplan/report_templates/{template.name}" in names
    assert "mktplan/templates/starter.en.yaml" in names

    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    where = subprocess.run(
        [sys.executable, "-c", "import mktplan.render.markdown as m; print(m.builtin_templates())"],
        env={**os.environ, "PYTHONPATH": str(unpacked)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where) == unpacked / "mktplan" / "report_templates"
    from_wheel = _report(tmp_path, {"PYTHONPATH": str(unpacked)})
    assert from_wheel == _report(tmp_path)
    assert from_wheel.startswith("# Marketing plan report: ")
