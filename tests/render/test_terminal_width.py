"""`report --format table` in a terminal of a fixed width: every line fits, the columns of
the lowest value go first (by their priority in render/columns.py), headers stay whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from mktplan.i18n import labels
from mktplan.render.columns import WORDS
from tests.conftest import PLANS, run_cli
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
    assert max(cell_len(line.rstrip()) for line in result.stdout.splitlines()) <= width
    assert "…" not in result.stdout
    forecast = "Forecast" if lang == "en" else "预测值"
    kpis = result.stdout.split("KPI", 1)[1]
    assert (forecast in kpis) == (width == 120)  # the first column dropped at 80


# The bundled examples as scripts/demo ingests them, and the as-of dates it reports them at.
EXAMPLES = {
    "q3-2023-growth": ("2023-07-31", [("q3-2023-growth.actuals.csv",)]),
    "2024-06-launch": (
        "2024-06-15",
        [
            ("2024-06-launch.finance.csv",),
            ("2024-06-launch.daily.gbk.csv", "--source", "daily_report"),
        ],
    ),
    "2025-11-double11": ("2025-11-02", [("2025-11-double11.actuals.csv",)]),
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "store.sqlite"
    for name, (_, exports) in EXAMPLES.items():
        for export, *options in exports:
            result = run_cli(
                "ingest", PLANS / f"{name}.yaml", PLANS / export, *options, "--store", path, "-q"
            )
            assert result.code == 0, result.output
    return path


def _report(store: Path, name: str, lang: str, columns: int) -> str:
    result = run_cli(
        "report",
        PLANS / f"{name}.yaml",
        "--store",
        store,
        "--as-of",
        EXAMPLES[name][0],
        "--format",
        "table",
        "--lang",
        lang,
        env={"COLUMNS": str(columns)},
    )
    assert result.code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_bundled_examples_fit_80_columns_without_a_word_cut(
    store: Path, name: str, lang: str
) -> None:
    """Tables 84 columns wide, a header line of 100, and words split inside
    ("Engagement|s", "registrati|ons") at 80 columns."""
    narrow = _report(store, name, lang, 80)
    assert max(cell_len(line.rstrip()) for line in narrow.splitlines()) <= 80
    assert "…" not in narrow
    # every word (a CJK character is one) of the 80-column report is a word of the report in
    # a terminal wide enough for every line: none was cut in two
    whole = set(WORDS.findall(_report(store, name, lang, 1000)))
    words = {w for w in WORDS.findall(narrow) if set(w) != {"─"}}  # not the rules
    assert words - whole == set()
    for section in ("summary", "trend_section", "period_section", "kpis", "tasks"):
        assert labels(lang)[section] in narrow
    if name == "q3-2023-growth" and lang == "en":
        for word in ("Engagements", "registrations", "partnerships", "(brand.negative_comments)"):
            assert word in narrow
