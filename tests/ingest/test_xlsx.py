"""Reading .xlsx exports through the real CLI: the dimension record, zip bombs and damaged
workbooks, each built here with openpyxl and zipfile."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from mktplan.store import Store
from tests.conftest import run_cli
from tests.ingest.helpers import write_plan

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, days: int = 3) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "kpi", "value"])
    for day in range(1, days + 1):
        sheet.append([f"2024-06-{day:02d}", "web.sales", 100 * day])
    book.save(path)
    return path


def rewrite(source: Path, target: Path, parts: dict[str, bytes | None]) -> Path:
    """A copy of the zip ``source`` with ``parts`` replaced (None: left out)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = parts.get(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)
    return target


def stored_count(store: Path) -> int:
    with Store.open(store) as opened:
        return len(list(opened.observations("ingest-test")))


def test_a_dimension_record_that_understates_the_rows_is_ignored(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    good = workbook(tmp_path / "good.xlsx", days=5)
    sheet = zipfile.ZipFile(good).read(SHEET)
    assert b'<dimension ref="A1:C6"' in sheet
    lying = rewrite(
        good, tmp_path / "lying.xlsx", {SHEET: sheet.replace(b'ref="A1:C6"', b'ref="A1:C2"')}
    )
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, lying, "--store", store)
    assert run.code == 0, run.output
    assert "5 rows read; 5 new" in run.stdout
    assert stored_count(store) == 5


def damaged_parts(sheet: bytes) -> dict[str, dict[str, bytes | None]]:
    laughs = "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' if i else '<!ENTITY l0 "lol">' for i in range(10)
    )
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE w [{laughs}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&l9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    return {
        "malformed sheet XML": {SHEET: sheet[: len(sheet) // 2]},
        "entity bomb": {SHEET: bomb},
        "undefined entity": {SHEET: sheet.replace(b"<v>100</v>", b"<v>&undefined;</v>")},
        "missing sheet part": {SHEET: None},
        "broken workbook.xml": {"xl/workbook.xml": b"<workbook><sheets><sheet"},
        "a number format id that is no number": {
            "xl/styles.xml": b"<styleSheet xmlns='http://schemas.openxmlformats.org/"
            b"spreadsheetml/2006/main'><numFmts><numFmt numFmtId='abc'/></numFmts></styleSheet>"
        },
        "a shared string past the table": {
            SHEET: sheet.replace(b"<v>100</v>", b'<v>100</v></c><c r="D2" t="s"><v>99</v>')
        },
    }


@pytest.mark.parametrize(
    "damage",
    [
        "malformed sheet XML",
        "entity bomb",
        "undefined entity",
        "missing sheet part",
        "broken workbook.xml",
        "a number format id that is no number",
        "a shared string past the table",
        "corrupt compressed data",
    ],
)
def test_a_damaged_workbook_is_one_plain_error(tmp_path: Path, damage: str) -> None:
    plan = write_plan(tmp_path)
    good = workbook(tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    if damage == "corrupt compressed data":
        raw = bytearray(good.read_bytes())
        info = zipfile.ZipFile(good).getinfo(SHEET)
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        for i in range(start + 5, start + info.compress_size - 5):
            raw[i] ^= 0x55
        bad.write_bytes(bytes(raw))
    else:
        sheet = zipfile.ZipFile(good).read(SHEET)
        rewrite(good, bad, damaged_parts(sheet)[damage])
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, bad, "--store", store)
    assert run.code == 1, run.output
    assert "internal error" not in run.output
    assert "Traceback" not in run.output
    assert f"mktplan: {bad}: " in run.stderr
    assert "workbook" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert not store.exists()


def test_a_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    good = workbook(tmp_path / "good.xlsx")
    sheet = zipfile.ZipFile(good).read(SHEET)
    # 64 MB of padding inside the sheet XML packs into about 64 KB
    padded = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * (64 << 20), 1)
    bomb = rewrite(good, tmp_path / "bomb.xlsx", {SHEET: padded})
    assert bomb.stat().st_size < 1 << 20
    run = run_cli("ingest", plan, bomb, "--store", tmp_path / "s.sqlite")
    assert run.code == 1, run.output
    assert "Traceback" not in run.output
    assert "zip bomb" in run.stderr
    assert "xl/worksheets/sheet1.xml" in run.stderr


def test_a_workbook_declaring_more_than_the_inflated_limit_is_refused(tmp_path: Path) -> None:
    from mktplan.ingest.read.xlsx import MAX_XLSX_INFLATED

    plan = write_plan(tmp_path)
    raw = bytearray(workbook(tmp_path / "good.xlsx").read_bytes())
    # the central directory's record of the sheet says it inflates to 3.5 GiB; zipfile would
    # stop there, so the sum of recorded sizes bounds what reading could cost
    record = raw.index(b"PK\x01\x02")
    while not raw[record + 46 :].startswith(SHEET.encode()):
        record = raw.index(b"PK\x01\x02", record + 4)
    raw[record + 24 : record + 28] = (3_500 << 20).to_bytes(4, "little")
    big = tmp_path / "big.xlsx"
    big.write_bytes(bytes(raw))
    assert sum(i.file_size for i in zipfile.ZipFile(big).infolist()) > MAX_XLSX_INFLATED
    run = run_cli("ingest", plan, big, "--store", tmp_path / "s.sqlite")
    assert run.code == 1, run.output
    assert f"more than the {MAX_XLSX_INFLATED:,} read" in run.stderr
    assert "Traceback" not in run.output


def test_openpyxl_warnings_about_styles_do_not_reach_the_user(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    good = workbook(tmp_path / "good.xlsx")
    bare = b"<styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'/>"
    plain = rewrite(good, tmp_path / "plain.xlsx", {"xl/styles.xml": bare})
    run = run_cli("ingest", plan, plain, "--store", tmp_path / "s.sqlite")
    assert run.code == 0, run.output
    assert "3 rows read; 3 new" in run.stdout
    assert run.stderr == ""
