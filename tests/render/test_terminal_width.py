"""`report --format table` in a terminal of a fixed width: every line fits, the columns of
the lowest value go first (by their priority in render/columns.py), headers stay whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import run_cli
from tests.render.ingested import ingested_plan
from tests.render.test_units import DATA, PLAN


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ingested_plan(tmp_path_factory.mktemp("width"), PLAN, DATA)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [80, 120])
def test_report_fits_the_terminal(plan: Path, lang: str, width: int) -> None:
    result = run_cli(
        "report",
        plan,
        "--as-of",
        "2024-06-14",
        "--format",
        "table",
        "--lang",
        lang,
        env={"COLUMNS": str(width)},
    )
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()[3:]  # the plan's header line wraps as prose
    assert max(cell_len(line.rstrip()) for line in lines) <= width
    assert "…" not in result.stdout
    forecast = "Forecast" if lang == "en" else "预测值"
    kpis = result.stdout.split("KPI", 1)[1]
    assert (forecast in kpis) == (width == 120)  # the first column dropped at 80
