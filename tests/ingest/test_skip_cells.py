"""`--skip-invalid` skips cells, not rows, when the row's date and routing are valid."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan

WIDE = PLAN + (
    "  wide:\n    date: date\n    module: ads\n    channel: shop\n"
    "    columns: {spend: spend, sales: sales, clicks: clicks}\n"
)


def test_the_good_cells_of_a_row_with_a_bad_cell_are_stored(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, WIDE), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "w.csv",
        "date,shop,spend,sales,clicks\n"
        "2025-10-01,a,10,12abc,3\n"  # one bad cell: spend and clicks still count
        "2025-10-02,a,$5,7,4%\n"  # two bad cells: sales still counts
        "2025-13-01,a,1,1,1\n"  # a bad date: the whole row goes
        "2025-10-03,a,1,1,1\n",
    )
    run = run_cli("ingest", plan, export, "-s", "wide", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", "a"): Decimal(10),
        ("ads.clicks", "2025-10-01", "a"): Decimal(3),
        ("ads.sales", "2025-10-02", "a"): Decimal(7),
        ("ads.spend", "2025-10-03", "a"): Decimal(1),
        ("ads.sales", "2025-10-03", "a"): Decimal(1),
        ("ads.clicks", "2025-10-03", "a"): Decimal(1),
    }
    with (tmp_path / "w.rejects.csv").open(encoding="utf-8-sig") as fh:
        rejected = [(r["line"], r["column"], r["value"]) for r in csv.DictReader(fh)]
    assert rejected == [
        ("2", "sales", "12abc"),
        ("3", "spend", "$5"),
        ("3", "clicks", "4%"),
        ("4", "date", "2025-13-01"),
    ]
    assert "3 rows rejected and skipped" in run.stdout


def test_without_skip_invalid_one_bad_cell_still_refuses_the_file(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, WIDE), tmp_path / "s.sqlite"
    export = write(tmp_path, "w.csv", "date,shop,spend,sales,clicks\n2025-10-01,a,10,x,3\n")
    run = run_cli("ingest", plan, export, "-s", "wide", "--store", store)
    assert run.code == 1
    assert "w.csv:2 sales: 'x': not a number" in run.stderr
    assert not store.exists()


def test_a_file_with_no_good_cell_is_not_told_to_skip_the_bad_ones(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, WIDE), tmp_path / "s.sqlite"
    header = "date,shop,spend,sales,clicks\n"
    bad = write(tmp_path, "b.csv", f"{header}2025-10-01,a,12abc,x,\n2025-10-02,a,-x,,-y\n")
    run = run_cli("ingest", plan, bad, "-s", "wide", "--store", store)
    assert run.code == 1
    assert "--skip-invalid would store nothing" in run.stderr
    some = write(tmp_path, "c.csv", f"{header}2025-10-01,a,12abc,x,\n2025-10-02,a,5,,\n")
    run = run_cli("ingest", plan, some, "-s", "wide", "--store", store)
    assert run.code == 1
    assert "pass --skip-invalid to store the good rows" in run.stderr
