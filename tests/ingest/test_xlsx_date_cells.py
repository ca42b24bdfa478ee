"""An .xlsx date column mixing real date cells and dates typed as text: the source's
`date_format:` reads the text, and each real date cell is its day, whatever format Excel
shows it in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl

from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write_plan

DMY = """\
  dmy:
    date: date
    module: ads
    date_format: "%d/%m/%Y"
    columns: {spend: spend}
"""


def mixed_sheet(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["date", "spend"])
    sheet.append([dt.date(2025, 10, 13), 1])
    sheet.append(["02/11/2025", 2])  # typed as text: 2 November, day first
    sheet.append([dt.datetime(2025, 10, 20, 0, 0), 3])
    for row in (2, 4):
        sheet.cell(row, 1).number_format = "dd/mm/yyyy"
    workbook.save(path)
    return path


def test_date_format_reads_the_text_and_leaves_real_date_cells_their_day(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, PLAN + DMY), tmp_path / "s.sqlite"
    export = mixed_sheet(tmp_path / "mixed.xlsx")
    run = run_cli("ingest", plan, export, "--source", "dmy", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-13", ""): Decimal(1),
        ("ads.spend", "2025-11-02", ""): Decimal(2),
        ("ads.spend", "2025-10-20", ""): Decimal(3),
    }


def test_a_sheet_of_real_date_cells_only_reads_under_a_date_format(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, PLAN + DMY), tmp_path / "s.sqlite"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["date", "spend"])
    sheet.append([dt.date(2025, 10, 1), 5])
    sheet.cell(2, 1).number_format = "mm/dd/yyyy"  # shown month first: the cell is still 1 Oct
    workbook.save(tmp_path / "real.xlsx")
    run = run_cli("ingest", plan, tmp_path / "real.xlsx", "--source", "dmy", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {("ads.spend", "2025-10-01", ""): Decimal(5)}


def test_a_csv_still_holds_every_date_to_its_date_format(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path, PLAN + DMY), tmp_path / "s.sqlite"
    export = tmp_path / "d.csv"
    export.write_text("date,spend\n2025-10-13,1\n02/11/2025,2\n", encoding="utf-8")
    run = run_cli("ingest", plan, export, "--source", "dmy", "--store", store)
    assert run.code == 1, run.output
    assert "d.csv:2 date: '2025-10-13': does not match the source's date_format" in run.stderr
