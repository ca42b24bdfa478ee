"""A campaign whose name starts with a totals word joined by a hyphen ("Total-Body Workout")
is data, not a totals row: only a dash a space follows (`Total - Search`), `:` or `(`
separates an English totals label from what it totals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.ingest.cells import is_totals_label
from tests.conftest import run_cli
from tests.ingest.shapes import stored, write, write_plan


@pytest.mark.parametrize(
    ("label", "is_total"),
    [
        ("Total-Body Workout", False),
        ("Summary-Q1 promo", False),
        ("Totals–Brand", False),  # an en dash joined to the word too
        ("Total -Brand", False),
        ("TOTAL-BODY", False),
        ("Total - Brand", True),
        ("Total – Search", True),
        ("Total- Brand", True),
        ("Total -", True),
        ("Total: Search", True),
        ("Summary - Q1 promo", True),
        ("合计-华东", True),  # Chinese puts no space after a dash
        ("小计–华东", True),
        ("Sub-total", True),
        ("Sub-total (East)", True),
    ],
)
def test_a_hyphen_joined_to_a_word_is_no_totals_label(label: str, is_total: bool) -> None:
    assert is_totals_label(label) is is_total


def test_a_campaign_named_total_body_is_stored(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "g.csv",
        "Campaign,Day,Cost,Clicks\n"
        "Total-Body Workout,2025-10-01,40.00,4\n"
        "Yoga,2025-10-01,60.00,6\n"
        "Total: Account,2025-10-01,100.00,10\n",
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    spend = {k: v for k, v in stored(store).items() if k[0] == "ads.spend"}
    assert spend == {
        ("ads.spend", "2025-10-01", "Total-Body Workout"): Decimal(40),
        ("ads.spend", "2025-10-01", "Yoga"): Decimal(60),
    }
    assert "skipped line 4: a totals row (Campaign: 'Total: Account')" in run.stdout
    assert "line 2" not in run.stdout
