"""Tab-separated exports from a spreadsheet set to a European language (Excel's "Unicode
Text", Google Ads' "Excel CSV" in de-DE): where a decimal comma shows, 1,234 is 1.234 and
1.234 is 1234, so a cell with one separator before three digits is refused as ambiguous, as
in a file separated by semicolons. Without a decimal comma, tab-separated files read as
before (Google Ads' "Excel CSV" in English writes 1,234 and 1,234.50)."""

from __future__ import annotations

import codecs
import csv
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.ingest.shapes import stored, write, write_plan

AMBIGUOUS = "ambiguous in a file separated by"


def tsv(rows: list[tuple[str, str, str, str]]) -> str:
    return "".join("\t".join(row) + "\n" for row in [("Day", "Campaign", "Cost", "Clicks"), *rows])


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_one_group_cells_are_ambiguous_beside_a_decimal_comma(
    tmp_path: Path, encoding: str
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    text = tsv(
        [
            ("2025-10-01", "a", "1,234", "3"),  # 1.234 in German: refused, not 1234
            ("2025-10-02", "a", "2,5", "3"),  # a decimal comma: no number here
            ("2025-10-03", "a", "1.234,56", "3"),
            ("2025-10-04", "a", "1.234", "3"),  # 1234 in German: refused, not 1.234
            ("2025-10-05", "a", "7", "3"),
        ]
    )
    export = tmp_path / "de.csv"
    export.write_bytes(
        codecs.BOM_UTF16_LE + text.encode("utf-16-le")
        if encoding == "utf-16"
        else text.encode("utf-8")
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 1, run.output
    assert f"de.csv:2 Cost: '1,234': {AMBIGUOUS}" in run.stderr
    assert f"de.csv:5 Cost: '1.234': {AMBIGUOUS}" in run.stderr
    assert "de.csv:3 Cost: '2,5': not a number" in run.stderr
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    spend = {k: v for k, v in stored(store).items() if k[0] == "ads.spend"}
    assert spend == {("ads.spend", "2025-10-05", "a"): Decimal(7)}


def test_a_decimal_comma_in_one_column_makes_the_others_ambiguous_too(tmp_path: Path) -> None:
    """The spreadsheet's language is the file's: clicks of 1.234 beside costs of 12,50 are a
    thousand two hundred and thirty-four, not one."""
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "de.csv",
        tsv([("2025-10-01", "a", "12,50", "1.234"), ("2025-10-02", "a", "3", "1,234")]),
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    with (tmp_path / "de.rejects.csv").open(encoding="utf-8-sig", newline="") as rejects:
        refused = {
            (r["line"], r["column"], r["value"]): r["reason"] for r in csv.DictReader(rejects)
        }
    assert refused[("2", "Cost", "12,50")].startswith("not a number")
    assert refused[("2", "Clicks", "1.234")].startswith(AMBIGUOUS)
    assert refused[("3", "Clicks", "1,234")].startswith(AMBIGUOUS)
    assert stored(store) == {("ads.spend", "2025-10-02", "a"): Decimal(3)}


def test_a_tab_separated_export_in_english_reads_as_before(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "en.csv",
        tsv(
            [
                ("2025-10-01", "a", "1,234", "56,087"),
                ("2025-10-02", "a", "1,234.50", "1,001,479"),
                ("2025-10-03", "a", "1.234", "3"),
            ]
        ),
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {
        ("ads.spend", "2025-10-01", "a"): Decimal(1234),
        ("ads.clicks", "2025-10-01", "a"): Decimal(56087),
        ("ads.spend", "2025-10-02", "a"): Decimal("1234.5"),
        ("ads.clicks", "2025-10-02", "a"): Decimal(1001479),
        ("ads.spend", "2025-10-03", "a"): Decimal("1.234"),
        ("ads.clicks", "2025-10-03", "a"): Decimal(3),
    }


def test_a_comma_separated_file_is_not_judged_by_a_decimal_comma(tmp_path: Path) -> None:
    """Spreadsheets set to a European language never separate by commas: a quoted "2,5"
    there is a bad cell of its own, and leaves "1,234" a thousand."""
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "c.csv",
        'Day,Campaign,Cost,Clicks\n2025-10-01,a,"1,234",3\n2025-10-02,a,"2,5",3\n',
    )
    run = run_cli("ingest", plan, export, "--source", "google", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "a")] == Decimal(1234)


def test_blocks_read_a_late_decimal_comma_as_the_whole_file_does(tmp_path: Path) -> None:
    """The evidence is the file's: a decimal comma in the last block refuses the 1,234 of
    the first ones too (read block by block, they were stored as 1234 under
    --skip-invalid)."""
    from mktplan.ingest.combine import map_table
    from mktplan.ingest.layout import choose_layout
    from mktplan.ingest.scan import scan_file
    from mktplan.ingest.sniff import sniff
    from mktplan.plan.cache import load_plan

    rows = [(f"2025-10-{1 + i % 28:02d}", f"c{i}", "1,234", "3") for i in range(2400)]
    export = write(tmp_path, "de.tsv", tsv([*rows, ("2025-10-29", "z", "2,5", "3")]))
    plan = load_plan(write_plan(tmp_path))
    dialect = sniff(export, plan.sources["google"])
    layout = choose_layout(plan, dialect, "google")
    quotes = scan_file(export).quotes
    whole = map_table(plan, dialect, layout, None, quotes, block_bytes=1 << 24)
    blocks = map_table(plan, dialect, layout, None, quotes, block_bytes=4096, block_rows=4096)
    assert len(whole.rejects) == len(blocks.rejects) == 2401
    assert blocks == whole
