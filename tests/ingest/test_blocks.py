"""A table read block by block gives the same observations, rejects and skipped rows as the
table read whole; where only the whole table can decide (a summary row, the day/month order
of dates, a rate over two blocks), the blocks hand over to the whole read."""

from __future__ import annotations

import hashlib
import random
from concurrent.futures import Future
from dataclasses import replace
from decimal import Decimal
from functools import partial
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from mktplan.errors import IngestError
from mktplan.ingest.combine import map_block, map_blocks, map_table
from mktplan.ingest.layout import choose_layout
from mktplan.ingest.mapping import MappedFile, map_body, named_by_unmapped, unmapped_columns
from mktplan.ingest.pipeline import ParsedFile
from mktplan.ingest.read import NotStreamable
from mktplan.ingest.read.csv_arrow import csv_blocks
from mktplan.ingest.read.parquet import parquet_blocks
from mktplan.ingest.scan import FileScan, scan_file
from mktplan.ingest.sniff import read_body, sniff
from mktplan.plan.cache import load_plan
from mktplan.store.records import SkippedRows
from tests.conftest import run_cli

PLAN = """\
plan:
  id: blocks
  name: Blocks
  owner: Li Na
  period: {start: 2025-01-01, end: 2025-03-31}
budget: {total: 100000, reserve: 10000}
modules:
  - id: ads
    name: Ads
    owner: Wang Fang
    budget: 90000
    goal: Sales reach 100,000 CNY by 31 March 2025
    kpis:
      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}
      - {id: sales, name: Sales, unit: CNY, role: revenue, target: 100000, due: 2025-03-31, source: export}
      - {id: clicks, name: Clicks, unit: count, source: export}
      - {id: peak, name: Peak, unit: count, aggregation: max, source: export}
      - {id: floor, name: Floor, unit: CNY, aggregation: min, source: export}
      - {id: rank, name: Rank, unit: count, aggregation: last, source: export}
      - {id: ctr, name: CTR, unit: "%", aggregation: mean, weight: clicks, source: export}
sources:
  ads:
    date: date
    module: ads
    channel: channel
    note: note
    columns: {spend: spend, sales: sales, clicks: clicks, peak: peak, floor: floor, rank: rank}
  rates:
    date: date
    module: ads
    channel: channel
    columns: {clicks: clicks, ctr: ctr}
  bare:
    date: date
    module: ads
    columns: {spend: spend, clicks: clicks}
"""

HEADER = "date,campaign,channel,spend,sales,clicks,peak,floor,rank,note\n"


def export_rows(rows: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    lines = []
    for i in range(rows):
        day = f"2025-0{1 + i * 3 // rows}-{1 + (i * 7) % 28:02d}"
        channel = rng.choice(["search", "social", "", "video"])
        note = rng.choice(["", "", "promo", "promo; late", "outage"])
        spend = f"{rng.randrange(0, 100000) / 100:.2f}"
        lines.append(
            f"{day},c{i % 13},{channel},{spend},{rng.randrange(0, 900)},{rng.randrange(0, 50)},"
            f"{rng.randrange(0, 999)},{rng.randrange(1, 500)}.5,{i % 17},{note}\n"
        )
    return lines


def setup(tmp_path: Path, text: str, name: str = "e.csv") -> tuple[object, Path]:
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN, encoding="utf-8")
    export = tmp_path / name
    export.write_text(text, encoding="utf-8")
    return load_plan(plan_path), export


def both(plan: object, path: Path, source: str, size: int) -> tuple[MappedFile, MappedFile]:
    """(read whole, read in blocks of ``size`` bytes or rows)."""
    from mktplan.plan.model import Plan

    assert isinstance(plan, Plan)
    dialect = sniff(path, plan.sources[source])
    layout = choose_layout(plan, dialect, source)
    quotes = scan_file(path).quotes
    # read whole as map_table does: a wide table with its unmapped columns
    unmapped = unmapped_columns(dialect.header, layout, every=layout.kpi is None)
    positions = sorted([*layout.positions, *unmapped])
    body = read_body(dialect, positions, layout.text_positions | set(unmapped), quotes)
    whole = map_body(plan, dialect.header, layout, body)
    if dialect.skipped_above:  # said by map_table, whichever way it reads
        above = SkippedRows(1, dialect.header_line - 1, dialect.skipped_above)
        whole = replace(whole, skipped=(above, *whole.skipped))
    blocks = map_table(plan, dialect, layout, None, quotes, block_bytes=size, block_rows=size)
    return whole, blocks


def streams(plan: object, path: Path, source: str, size: int) -> bool:
    """Whether the table maps block by block without handing over to the whole read."""
    from mktplan.plan.model import Plan

    assert isinstance(plan, Plan)
    dialect = sniff(path, plan.sources[source])
    layout = choose_layout(plan, dialect, source)
    header = dialect.header

    def blocks(as_text: set[int]):  # type: ignore[no-untyped-def]
        if header.parquet:
            return parquet_blocks(
                path, header.headers, layout.positions, layout.text_positions, header.file, size
            )
        return csv_blocks(
            header,
            dialect.header_line,
            layout.positions,
            layout.text_positions | as_text,
            size,
        )

    try:
        map_blocks(plan, dialect, layout, "digest", blocks)
    except NotStreamable:
        return False
    return True


def same(whole: MappedFile, blocks: MappedFile) -> None:
    assert blocks.rows == whole.rows
    assert blocks.rejects == whole.rejects
    assert blocks.skipped == whole.skipped
    assert blocks.rows_read == whole.rows_read
    assert blocks.rejected_rows == whole.rejected_rows


@pytest.mark.parametrize("size", [512, 4096, 1 << 20])
def test_blocks_give_the_observations_of_the_whole_table(tmp_path: Path, size: int) -> None:
    lines = export_rows(3000)
    lines[2500] = "2025-03-01,c1,search,1,1,1,1,1.5,1,\n".replace("2025-03-01", "2019-03-01")
    lines[2600] = "2025-03-02,c1,search,abc,1,1,1,1.5,1,\n"
    lines[1000] = "Total,,,5,5,5,5,5,5,\n"
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "ads", size)
    same(whole, blocks)
    assert streams(plan, export, "ads", size)
    lines_of = {r.line for r in whole.rejects}
    assert lines_of == {2502, 2602}
    assert [s.first for s in whole.skipped] == [1002]


def test_a_number_column_with_text_late_in_the_file_is_read_again_as_text(tmp_path: Path) -> None:
    lines = export_rows(2000)
    lines[1900] = '2025-03-03,c1,search,"1,234.50",1,1,1,1.5,1,\n'
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "ads", 2048)
    same(whole, blocks)
    assert streams(plan, export, "ads", 2048)
    assert any(r[3] == 1_234_500_000 or r[0] == "ads.spend" for r in blocks.rows)


def test_a_summary_row_in_a_late_block_hands_over_to_the_whole_read(tmp_path: Path) -> None:
    rows = [
        f"2025-01-{1 + i % 3:02d},c{i},ch{i % 5},{i}.00,{i},{i % 7},1,1.5,1,\n" for i in range(600)
    ]
    day_one = [i for i in range(600) if i % 3 == 0]
    summary = (
        f"2025-01-01,,,{sum(day_one)}.00,{sum(day_one)},{sum(i % 7 for i in day_one)},1,1.5,1,\n"
    )
    plan, export = setup(tmp_path, HEADER + "".join(rows) + summary)
    whole, blocks = both(plan, export, "ads", 1024)
    same(whole, blocks)
    assert any("summary row" in s.why() for s in whole.skipped)
    assert not streams(plan, export, "ads", 1024)
    # a candidate (blank channel) that is no summary streams on from the first block, where
    # every block then sums its days; found late, the blocks before did not: read whole
    candidate = "2025-01-01,,,1.00,1,1,1,1.5,1,\n"
    plan, export = setup(tmp_path, HEADER + candidate + "".join(rows))
    whole, blocks = both(plan, export, "ads", 1024)
    same(whole, blocks)
    assert streams(plan, export, "ads", 1024)
    plan, export = setup(tmp_path, HEADER + "".join(rows) + candidate)
    whole, blocks = both(plan, export, "ads", 1024)
    same(whole, blocks)
    assert not streams(plan, export, "ads", 1024)


def test_a_refused_cell_on_a_summary_rows_day_hands_over_to_the_whole_read(
    tmp_path: Path,
) -> None:
    # the summary row's clicks no longer add up once a row of its day has a refused clicks
    # cell: its spend and sales still do, and the whole read (which leaves that column out of
    # the comparison) skips it, as the blocks must
    rows = [
        f"2025-01-{1 + i % 3:02d},c{i},ch{i % 5},{i}.00,{i},{i % 7},1,1.5,1,\n" for i in range(600)
    ]
    day_one = [i for i in range(600) if i % 3 == 0]
    summary = (
        f"2025-01-01,,,{sum(day_one)}.00,{sum(day_one)},{sum(i % 7 for i in day_one)},1,1.5,1,\n"
    )
    rows[300] = rows[300].replace(",ch0,300.00,300,6,", ",ch0,300.00,300,#REF!,")
    assert "#REF!" in rows[300]
    plan, export = setup(tmp_path, HEADER + "".join(rows) + summary)
    whole, blocks = both(plan, export, "ads", 1024)
    same(whole, blocks)
    assert [s.first for s in whole.skipped] == [602]
    assert not streams(plan, export, "ads", 1024)


def test_a_summary_row_without_identifying_columns_is_told_by_its_unmapped_names(
    tmp_path: Path,
) -> None:
    # `bare` maps no column naming a row: the unmapped campaign names do (the channel column,
    # x throughout, names nothing). Such a table is read whole, with every column.
    body = "".join(
        f"2025-01-{1 + i // 100:02d},c{i},x,{i % 10},0,{i % 3},1,1.5,1,\n" for i in range(300)
    )
    day_two = range(100, 200)
    sums = f"{sum(i % 10 for i in day_two)},0,{sum(i % 3 for i in day_two)},1,1.5,1,\n"
    lines = body.splitlines(keepends=True)
    lines.insert(100, f"2025-01-02,,x,{sums}")
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "bare", 700)
    same(whole, blocks)
    assert [s.first for s in whole.skipped] == [102]
    from mktplan.plan.model import Plan

    assert isinstance(plan, Plan)
    dialect = sniff(export, plan.sources["bare"])
    assert named_by_unmapped(plan, dialect.header, choose_layout(plan, dialect, "bare"))
    # named ("all"), the same row is data: 450 + 450 spend on 2025-01-02
    lines[100] = f"2025-01-02,all,x,{sums}"
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "bare", 700)
    same(whole, blocks)
    assert whole.skipped == ()
    spend = {r[1]: r[3] for r in whole.rows if r[0] == "ads.spend"}
    assert spend["2025-01-02"] == 900_000_000  # micro-units


def test_day_month_order_is_read_from_the_whole_column(tmp_path: Path) -> None:
    early = "".join(f"0{1 + i % 2}/0{1 + i % 2}/2025,c,x,1,1,1,1,1.5,1,\n" for i in range(300))
    early += "".join("02/03/2025,c,x,1,1,1,1,1.5,1,\n" for _ in range(5))
    late = "".join("25/03/2025,c,x,2,2,2,2,2.5,2,\n" for _ in range(5))
    plan, export = setup(tmp_path, HEADER + early + late)
    whole, blocks = both(plan, export, "ads", 1024)
    same(whole, blocks)
    assert ("ads.spend", "2025-03-02", "x") in {r[:3] for r in whole.rows}  # day-first
    assert not streams(plan, export, "ads", 1024)


def test_a_rate_over_two_blocks_is_weighted_by_the_whole_read(tmp_path: Path) -> None:
    lines = "".join(f"2025-01-01,c{i},search,,,{1 + i},,,,\n" for i in range(100))
    header = "date,campaign,channel,spend,sales,clicks,peak,floor,rank,note,ctr\n"
    text = header + "".join(
        line.rstrip("\n") + f",{i % 10}.5%\n" for i, line in enumerate(lines.splitlines(True))
    )
    plan, export = setup(tmp_path, text)
    whole, blocks = both(plan, export, "rates", 512)
    same(whole, blocks)
    assert not streams(plan, export, "rates", 512)


def test_quoted_cells_and_title_lines_stream_with_file_line_numbers(tmp_path: Path) -> None:
    lines = export_rows(800)
    lines[700] = '2025-03-03,"c,1",search,1.00,1,1,1,1.5,1,"x"\n'
    lines[750] = '2025-03-03,c1,search,2.00,1,1,1,1.5,1,"bad\nbreak"\n'
    plan, export = setup(
        tmp_path, "Campaign report\n2025-01-01 - 2025-03-31\n" + HEADER + "".join(lines)
    )
    whole, blocks = both(plan, export, "ads", 2048)
    same(whole, blocks)
    assert not streams(plan, export, "ads", 2048)  # a line break inside a value
    lines[750] = '2025-03-03,c1,search,2.00,1,1,1,1.5,1,"fine"\n'
    lines[760] = "2025-03-03,c1,search,2.00,1,1,1,1.5,1,2019-01-01\n".replace(
        "2025-03-03", "2019-03-03"
    )
    plan, export = setup(
        tmp_path, "Campaign report\n2025-01-01 - 2025-03-31\n" + HEADER + "".join(lines)
    )
    whole, blocks = both(plan, export, "ads", 2048)
    same(whole, blocks)
    assert streams(plan, export, "ads", 2048)
    assert [r.line for r in blocks.rejects] == [764]


def test_pieces_read_into_one_buffer_keep_no_bytes_of_the_piece_before(tmp_path: Path) -> None:
    # Pieces reuse one buffer: a line longer than its spare room (a 3 KB campaign cell) makes
    # a bigger one mid-file, short pieces leave bytes of longer ones behind them, and a note
    # in Chinese sits in some pieces only; every piece must read as its own bytes
    lines = export_rows(2000)
    lines[900] = lines[900].replace(",c", "," + "c" * 3000, 1)
    for i in range(0, 2000, 97):
        lines[i] = lines[i].rstrip("\n") + "促销\n"
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    for size in (700, 1024, 5000):
        whole, blocks = both(plan, export, "ads", size)
        same(whole, blocks)
        assert streams(plan, export, "ads", size)


def test_parquet_blocks_give_the_whole_tables_observations(tmp_path: Path) -> None:
    lines = export_rows(1000)
    plan, csv_export = setup(tmp_path, HEADER + "".join(lines))
    table = pcsv.read_csv(
        csv_export, convert_options=pcsv.ConvertOptions(strings_can_be_null=False)
    )
    export = tmp_path / "e.parquet"
    pq.write_table(table, export, row_group_size=128)
    whole, blocks = both(plan, export, "ads", 100)
    same(whole, blocks)
    assert streams(plan, export, "ads", 100)
    from_csv, _ = both(plan, csv_export, "ads", 1 << 20)
    assert blocks.rows == from_csv.rows


# --- what the block reader converts ------------------------------------------------------


def block_kinds(
    plan: object, path: Path, source: str, size: int
) -> list[tuple[int, dict[str, str]]]:
    """(first line, {value column header: kind}) of each block the CSV block reader gives."""
    from mktplan.plan.model import Plan

    assert isinstance(plan, Plan)
    dialect = sniff(path, plan.sources[source])
    layout = choose_layout(plan, dialect, source)
    names = dialect.header.headers
    numbers = [p for p in layout.positions if p not in layout.text_positions]
    bodies = csv_blocks(
        dialect.header, dialect.header_line, layout.positions, layout.text_positions, size
    )
    return [(body.first_line, {names[p]: body[p].kind for p in numbers}) for body in bodies]


def with_cell(line: str, column: int, value: str) -> str:
    cells = line.split(",")
    cells[column] = value
    return ",".join(cells)


SALES = HEADER.split(",").index("sales")


def test_whole_number_columns_are_read_as_int64_until_a_decimal_comes(tmp_path: Path) -> None:
    lines = export_rows(3000)
    lines[2500] = with_cell(lines[2500], SALES, "12.25")  # sales: whole numbers until here
    lines[2700] = with_cell(lines[2700], SALES, "1e3")  # pyarrow reads no int64 from this
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "ads", 4096)
    same(whole, blocks)
    assert streams(plan, export, "ads", 4096)
    expected = sum(Decimal(line.split(",")[SALES]) for line in lines) * 10**6
    assert sum(r[3] for r in blocks.rows if r[0] == "ads.sales") == expected
    kinds = block_kinds(plan, export, "ads", 4096)
    assert kinds[0][1]["sales"] == "float"  # the first piece decides which columns are whole
    assert kinds[1][1] == {
        "spend": "float",
        "sales": "int",
        "clicks": "int",
        "peak": "int",
        "floor": "float",
        "rank": "int",
    }
    decimal_at = max(i for i, (first, _) in enumerate(kinds) if first <= 2502)
    assert [k["sales"] for _, k in kinds[1:decimal_at]] == ["int"] * (decimal_at - 1)
    assert {k["sales"] for _, k in kinds[decimal_at:]} == {"float"}  # from then on
    assert kinds[-1][1]["clicks"] == "int"


def test_a_hex_cell_in_a_whole_number_column_is_no_number(tmp_path: Path) -> None:
    # pyarrow reads 0x1F as the int64 31, but as no float: the block reader must not take it
    lines = export_rows(3000)
    lines[2500] = with_cell(lines[2500], SALES, "0x1F")
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "ads", 4096)
    same(whole, blocks)
    assert [(r.line, r.column, r.value) for r in blocks.rejects] == [(2502, "sales", "0x1F")]


def test_columns_the_source_does_not_map_are_checked_not_converted(tmp_path: Path) -> None:
    lines = export_rows(30000)  # 1.4 MB: the sniffer's sample (1 MiB) ends before line 28000
    lines[100] = lines[100].replace(",c", ",1.5 café €", 1)  # any text in an unmapped column
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    whole, blocks = both(plan, export, "ads", 1 << 16)
    same(whole, blocks)
    assert streams(plan, export, "ads", 1 << 16)
    # a ragged row, with an extra cell in the unmapped column: as the whole read says
    ragged = [*lines[:28000], lines[28000].replace(",c", ",c,extra", 1), *lines[28001:]]
    plan, export = setup(tmp_path, HEADER + "".join(ragged))
    assert not streams(plan, export, "ads", 1 << 16)  # the blocks hand over to the whole read
    with pytest.raises(IngestError, match="11 fields where the header has 10") as info:
        both(plan, export, "ads", 1 << 16)
    assert info.value.line == 28002


def test_invalid_utf8_in_an_unmapped_column_refuses_the_file(tmp_path: Path) -> None:
    """Bytes that are not the file's encoding may misread any cell: the file is refused as
    before, though the column is not converted."""
    lines = export_rows(30000)
    lines[28000] = lines[28000].replace(",c", ",c\udcff", 1)
    plan_path = tmp_path / "plan.yaml"
    plan_path.write_text(PLAN, encoding="utf-8")
    export = tmp_path / "e.csv"
    export.write_bytes((HEADER + "".join(lines)).encode("utf-8", "surrogateescape"))
    plan = load_plan(plan_path)
    assert sniff(export, plan.sources["ads"]).header.encoding == "utf-8"
    assert not streams(plan, export, "ads", 1 << 16)
    run = run_cli("ingest", plan_path, export, "--source", "ads", "--store", tmp_path / "s.db")
    assert run.code == 1
    assert "e.csv:28002: not valid utf-8: the bytes ff " in run.stderr  # its line, not its chunk
    assert "Traceback" not in run.output
    assert not (tmp_path / "s.db").exists()


# --- quotes, piece by piece --------------------------------------------------------------
# The block reader knows nothing of the file's quotes before it reads (a big export's hash is
# still being taken): each piece says whether it holds a quote.


def test_quotes_late_in_the_file_are_found_by_their_piece(tmp_path: Path) -> None:
    lines = export_rows(2000)
    for i in range(1500, 2000, 50):  # quoted cells in the last quarter only, a comma inside
        lines[i] = with_cell(lines[i], 1, '"c,1"')
    lines[1990] = with_cell(lines[1990], 9, '"said ""hi"""\n')
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    for size in (700, 4096):
        whole, blocks = both(plan, export, "ads", size)
        same(whole, blocks)
        assert streams(plan, export, "ads", size)
    notes = {r[4] for r in blocks.rows if r[4]}
    assert any('said "hi"' in note for note in notes)


@pytest.mark.parametrize("row", [300, 1998])  # mid-file (a long run of odd lines), last piece
def test_a_quote_that_never_closes_hands_over_to_the_whole_read(tmp_path: Path, row: int) -> None:
    # pyarrow would run the cell on to the end of the file, swallowing the rows after it
    lines = export_rows(2000)
    lines[row] = with_cell(lines[row], 9, '"never closed\n')
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    assert not streams(plan, export, "ads", 700)
    from mktplan.plan.model import Plan

    assert isinstance(plan, Plan)
    dialect = sniff(export, plan.sources["ads"])
    layout = choose_layout(plan, dialect, "ads")
    with pytest.raises(NotStreamable):
        map_table(plan, dialect, layout, None, block_bytes=700, whole=False)
    with pytest.raises(IngestError) as whole:  # the whole read says where, as before
        map_table(plan, dialect, layout, None, scan_file(export).quotes, block_bytes=700)
    assert whole.value.message


def test_a_header_cell_over_two_lines_hands_over_to_the_whole_read(tmp_path: Path) -> None:
    header = HEADER.replace("campaign", '"camp\naign"')
    plan, export = setup(tmp_path, header + "".join(export_rows(500)))
    assert not streams(plan, export, "ads", 700)
    whole, blocks = both(plan, export, "ads", 700)
    same(whole, blocks)


def pieces_of(path: Path, header_line: int, size: int) -> list[tuple[bytes, bool]]:
    """The block reader's pieces of a file, as bytes, with whether each holds a quote."""
    from mktplan.ingest.read.csv_arrow import _pieces

    return [(bytes(piece), quoted) for piece, quoted in _pieces(path, header_line, size)]


def test_pieces_start_outside_quotes_and_say_whether_they_hold_one(tmp_path: Path) -> None:
    body = '1,a\n2,"b\nb"\n3,c\n' * 40 + "4,d\n" * 200
    path = tmp_path / "q.csv"
    path.write_text("n,t\n" + body, encoding="utf-8")
    pieces = pieces_of(path, 1, 64)
    assert b"".join(p for p, _ in pieces) == body.encode()
    for piece, quoted in pieces:
        assert piece.count(b'"') % 2 == 0  # no piece ends inside a quoted value
        assert quoted == (b'"' in piece)
    assert pieces[0][1]
    assert not pieces[-1][1]


def test_a_header_over_two_lines_or_a_quote_never_closed_stops_the_pieces(
    tmp_path: Path,
) -> None:
    # the body below line 1 starts inside the header's quoted cell, and its one other quote
    # would make its count even: only the lines above it tell
    path = tmp_path / "q.csv"
    path.write_text('n,"t\nt"\n' + "1,a\n" * 100 + '2,"b\n', encoding="utf-8")
    with pytest.raises(NotStreamable):
        pieces_of(path, 1, 1 << 20)
    path.write_text('n,"t\nt"\n' + "1,a\n" * 100, encoding="utf-8")
    assert len(pieces_of(path, 2, 64)) > 1  # both lines above it: fine
    path.write_text("n,t\n" + "1,a\n" * 100 + '2,"b\n3,c\n', encoding="utf-8")
    with pytest.raises(NotStreamable):  # the last piece: pyarrow would read it as one cell
        pieces_of(path, 1, 1 << 20)


def test_a_quote_never_closed_stops_the_pieces_within_a_few_pieces(tmp_path: Path) -> None:
    # without a line end outside quotes, the unfinished line would grow to the end of the file
    import tracemalloc

    path = tmp_path / "q.csv"
    path.write_text('n,t\n1,"a\n' + "2,b\n" * 500_000, encoding="utf-8")  # 2 MB after it
    tracemalloc.start()
    try:
        with pytest.raises(NotStreamable):
            pieces_of(path, 1, 4096)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200_000


# --- rows read beside the file's scan ----------------------------------------------------
# A big export's hash outlasts the set-up: its rows are read meanwhile, and nothing is kept
# before the scan has finished (the store may hold the file, the scan may find NUL padding).


_MAP_BLOCK = map_block


class LateScan(Future[FileScan]):
    """A file's real scan that says it is still running the first ``pending`` times it is
    asked whether it is done."""

    def __init__(self, path: Path, pending: int) -> None:
        super().__init__()
        self.set_result(scan_file(path))
        self.pending = pending

    def done(self) -> bool:
        if self.pending:
            self.pending -= 1
            return False
        return super().done()


def parse_beside(
    monkeypatch: pytest.MonkeyPatch, plan: object, path: Path, scan: Future[FileScan] | None, **kw
) -> tuple[ParsedFile, list[int]]:
    """``parse_file`` in blocks of 4 KiB: (the parsed file, the blocks mapped, by size)."""
    from mktplan.ingest import combine, pipeline

    mapped: list[int] = []
    real_block = _MAP_BLOCK  # not a wrapper of an earlier call

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        mapped.append(args[3].size)
        return real_block(*args, **kwargs)

    monkeypatch.setattr(combine, "map_block", counted)
    monkeypatch.setattr(pipeline, "BESIDE_SCAN_BYTES", 0)  # small files too
    monkeypatch.setattr(pipeline, "map_table", partial(combine.map_table, block_bytes=4096))
    parsed = pipeline.parse_file(plan, path, source="ads", scan=scan, **kw)  # type: ignore[arg-type]
    return parsed, mapped


def test_rows_are_read_beside_a_scan_still_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, export = setup(tmp_path, HEADER + "".join(export_rows(3000)))
    after, _ = parse_beside(monkeypatch, plan, export, None)
    beside, blocks = parse_beside(monkeypatch, plan, export, LateScan(export, 10**6))
    assert len(blocks) > 10  # read block by block, the scan said running every time
    assert beside == after
    assert beside.sha256 == hashlib.sha256(export.read_bytes()).hexdigest()


def test_a_file_the_store_holds_is_read_no_further_once_its_scan_is_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan, export = setup(tmp_path, HEADER + "".join(export_rows(3000)))
    sha256 = hashlib.sha256(export.read_bytes()).hexdigest()
    asked: list[str] = []

    def known(found: str, digest: str) -> bool:
        asked.append(found)
        return found == sha256

    # running when the call starts and at the first block; done at the second
    parsed, blocks = parse_beside(monkeypatch, plan, export, LateScan(export, 2), known=known)
    assert asked == [sha256]
    assert len(blocks) == 1
    assert parsed.sha256 == sha256
    assert (parsed.mapped.rows, parsed.mapped.rows_read) == ((), 0)  # "already ingested"
    unknown, blocks = parse_beside(
        monkeypatch, plan, export, LateScan(export, 2), known=lambda found, digest: False
    )
    assert len(blocks) > 10
    assert unknown.mapped.rows_read == 3000


@pytest.mark.parametrize("pending", [1, 10**6])  # done at the first block, or at the end
def test_nul_padding_found_by_the_scan_refuses_a_file_read_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pending: int
) -> None:
    plan, export = setup(tmp_path, HEADER + "".join(export_rows(3000)))
    export.write_bytes(export.read_bytes() + b"\0" * 4096)
    with pytest.raises(IngestError) as refused:
        parse_beside(monkeypatch, plan, export, LateScan(export, pending))
    with pytest.raises(IngestError) as scanned_first:
        parse_beside(monkeypatch, plan, export, None)
    assert refused.value.message == scanned_first.value.message


def test_a_file_that_cannot_be_read_in_blocks_beside_its_scan_is_read_whole_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = export_rows(3000)
    lines[2900] = with_cell(lines[2900], 9, '"a note\nover two lines"\n')  # lines are not rows
    plan, export = setup(tmp_path, HEADER + "".join(lines))
    after, blocks_after = parse_beside(monkeypatch, plan, export, None)
    beside, blocks_beside = parse_beside(monkeypatch, plan, export, LateScan(export, 10**6))
    assert beside == after
    assert blocks_beside == blocks_after  # the blocks up to the quoted line break, once
    assert len(blocks_after) > 10


def test_a_piece_is_cut_after_its_last_line_end_outside_quotes(tmp_path: Path) -> None:
    # against the plain definition: the last line end with an even number of quotes before it
    from mktplan.ingest.read.csv_arrow import _cut

    rng = random.Random(11)  # noqa: S311 - test data, not secrets
    for _ in range(2000):
        data = bytearray(
            b"".join(rng.choice([b"a", b",", b'"', b"\n", b"bb"]) for _ in range(rng.randrange(40)))
        )
        start = rng.randrange(len(data) + 1)
        ends = [i for i in range(start, len(data)) if data[i : i + 1] == b"\n"]
        even = [i for i in ends if data.count(b'"', start, i) % 2 == 0]
        assert _cut(data, start, len(data), quoted=True) == (even[-1] + 1 if even else start)


@pytest.mark.parametrize("note", ["", '"over\ntwo lines"'])  # streams, or read whole
def test_a_quoted_title_over_two_lines_above_the_header_keeps_the_first_row(
    tmp_path: Path, note: str
) -> None:
    # the whole readers skipped the lines above the header as records: the title's two lines
    # are one, so the first row of data went with them
    rows = [f"2025-01-0{d},c1,search,{d}.00,{d},{d},{d},{d}.5,{d},\n" for d in (1, 2, 3)]
    rows[2] = rows[2].rstrip("\n") + note + "\n"
    plan, export = setup(tmp_path, '"Report\nweek 1"\n' + HEADER + "".join(rows))
    whole, blocks = both(plan, export, "ads", 700)
    same(whole, blocks)
    spend = sorted((r[1], r[3], r[6]) for r in whole.rows if r[0] == "ads.spend")
    assert spend == [
        ("2025-01-01", 1_000_000, 4),
        ("2025-01-02", 2_000_000, 5),
        ("2025-01-03", 3_000_000, 6),
    ]
    assert whole.rows_read == 3


def test_a_small_export_waits_for_its_scan_so_a_known_one_is_never_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mktplan.ingest import pipeline

    plan, export = setup(tmp_path, HEADER + "".join(export_rows(3000)))
    assert export.stat().st_size < pipeline.BESIDE_SCAN_BYTES

    def must_not_parse(*_: object, **__: object) -> object:
        raise AssertionError("a file the store holds was parsed")

    monkeypatch.setattr(pipeline, "map_table", must_not_parse)
    parsed = pipeline.parse_file(
        plan,  # type: ignore[arg-type]
        export,
        source="ads",
        scan=LateScan(export, 10**6),  # still running, whenever asked
        known=lambda found, digest: True,
    )
    assert parsed.mapped.rows_read == 0


def test_a_bare_cr_that_ends_a_read_stops_the_pieces(tmp_path: Path) -> None:
    # the 64th byte, the last of the first read, is a CR with no LF after it
    data = b"n,t\n" + b"1,a\n" * 14 + b"2,b" + b"\r" + b"3,c\n" + b"4,d\n" * 40
    assert data[63:65] == b"\r3"
    path = tmp_path / "cr.csv"
    path.write_bytes(data)
    with pytest.raises(NotStreamable):
        pieces_of(path, 1, 64)
    path.write_bytes(data.replace(b"\r3", b"\r\n3"))  # a CRLF split by the read: fine
    assert b"".join(p for p, _ in pieces_of(path, 1, 64)) == data.replace(b"\r3", b"\r\n3")[4:]
