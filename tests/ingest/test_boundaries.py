"""Features of a file that straddle a boundary of the reading (the header and the body below
it, the sniff sample, the block reader's pieces) change no value and move no line: rejected,
skipped and stored rows name the line a text editor shows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from mktplan.store import open_store
from tests.conftest import run_cli
from tests.ingest.shapes import write_plan

# Google Ads by day with a header cell over two lines (an unmapped note column, as Excel
# writes a header cell with a line break in it): the header is lines 1–2, a bad cost on line
# 4, a totals row on line 5
TWO_LINE_HEADER = (
    'Day,Campaign,Cost,Clicks,"Note\n(optional)"\n'
    "2025-10-01,A,1,1,\n"
    "2025-10-02,B,xx,2,\n"
    "Total: Account,,1,3,\n"
    "2025-10-03,C,2,4,{note}\n"
)


def stored_lines(store: Path) -> dict[tuple[str, str], tuple[Decimal, int]]:
    """(KPI, day) → (value, the file line it was read from)."""
    with open_store(str(store)) as opened:
        return {
            (o.observation.kpi, o.observation.date.isoformat()): (
                o.observation.value,
                o.row_number,
            )
            for o in opened.observations("shapes")
        }


@pytest.mark.parametrize(
    ("encoding", "title", "note"),
    [
        ("utf-8", "", ""),  # the block reader
        ("utf-8", "Campaign report\n", ""),
        ("utf-8", "", '"over\ntwo lines"'),  # the whole read: a value over two lines
        ("utf-8", "Campaign report\n", '"over\ntwo lines"'),
        ("gbk", "", ""),  # pandas
        ("gbk", "谷歌广告 日报\n", ""),
    ],
)
def test_a_header_over_two_lines_keeps_the_rows_below_it_on_their_file_lines(
    tmp_path: Path, encoding: str, title: str, note: str
) -> None:
    """The body starts below the header's last line, not below its first (every row was
    said to be one line above where it is)."""
    below = title.count("\n")
    write_plan(tmp_path)
    text = title + TWO_LINE_HEADER.format(note=note)
    (tmp_path / "g.csv").write_bytes(text.encode(encoding))
    ingest = ("ingest", "shapes.yaml", "g.csv", "--source", "google", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1
    assert run.stderr.startswith(f"error g.csv:{4 + below} Cost: 'xx': not a number"), run.stderr
    run = run_cli(*ingest, "--skip-invalid", cwd=tmp_path)
    assert run.code == 0, run.output
    assert f"skipped line {5 + below}: a totals row" in run.stdout
    rejects = (tmp_path / "g.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejects[1].startswith(f"g.csv,{4 + below},Cost,xx,")
    rows = stored_lines(tmp_path / "s.sqlite")
    assert rows == {
        ("ads.clicks", "2025-10-01"): (1, 3 + below),
        ("ads.spend", "2025-10-01"): (1, 3 + below),
        ("ads.clicks", "2025-10-02"): (2, 4 + below),
        ("ads.clicks", "2025-10-03"): (4, 6 + below),
        ("ads.spend", "2025-10-03"): (2, 6 + below),
    }


@pytest.mark.parametrize("note", ["", '"over\ntwo lines"'])
def test_a_mapped_header_cell_over_two_lines_reads_the_rows_below_its_last_line(
    tmp_path: Path, note: str
) -> None:
    """No line holds the source's columns ('Clicks\\n(all)' is no 'Clicks'), so the header's
    first line is read as it stands ('Clicks', cut at the line break): its rows still start
    below the header's last line."""
    write_plan(tmp_path)
    text = (
        'Campaign,Note,Day,Cost,"Clicks\n(all)"\n'
        "A,,2025-10-01,1,1\n"
        "B,,2025-10-02,xx,2\n"
        f"C,{note},2025-10-03,2,4\n"
    )
    (tmp_path / "g.csv").write_text(text, encoding="utf-8")
    ingest = ("ingest", "shapes.yaml", "g.csv", "--source", "google", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1
    assert run.stderr.startswith("error g.csv:4 Cost: 'xx': not a number"), run.stderr
    run = run_cli(*ingest, "--skip-invalid", cwd=tmp_path)
    assert run.code == 0, run.output
    rows = stored_lines(tmp_path / "s.sqlite")
    assert rows == {
        ("ads.clicks", "2025-10-01"): (1, 3),
        ("ads.spend", "2025-10-01"): (1, 3),
        ("ads.clicks", "2025-10-02"): (2, 4),
        ("ads.clicks", "2025-10-03"): (4, 5),
        ("ads.spend", "2025-10-03"): (2, 5),
    }


def test_a_formula_without_a_saved_result_in_prefixed_sheet_xml_is_a_rejected_row(
    tmp_path: Path,
) -> None:
    """The Open XML SDK writes a sheet's elements with a prefix (`<x:f>`): the formula was
    not seen, its empty cell read as no value and the row's spend silently left out."""
    import re
    import zipfile

    import openpyxl

    write_plan(tmp_path)
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["date", "spend"], ["2025-10-01", 5], ["2025-10-02", "=2+3"]):
        sheet.append(row)
    book.save(tmp_path / "plain.xlsx")
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    with zipfile.ZipFile(tmp_path / "plain.xlsx") as plain:
        parts = {name: plain.read(name) for name in plain.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert main in xml
    xml = re.sub(r"<(/?)([A-Za-z]+)", r"<\1x:\2", xml).replace(main, main.replace("=", ":x=", 1))
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(tmp_path / "x.xlsx", "w") as prefixed:
        for name, data in parts.items():
            prefixed.writestr(name, data)
    ingest = ("ingest", "shapes.yaml", "x.xlsx", "--source", "plain", "--store", "s.sqlite")
    run = run_cli(*ingest, cwd=tmp_path)
    assert run.code == 1, run.output
    assert "x.xlsx:3 spend: '=2+3': a formula without a saved result" in run.stderr
