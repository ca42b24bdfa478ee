"""Property tests of `mktplan ingest` on generated exports, through the real entry point.

Long-format CSV, the plan's mapped wide CSV and the same wide table as .xlsx, in UTF-8,
UTF-8 with BOM or GB18030, every value spelling the readers accept, mixed line endings, NUL
bytes, very long lines, junk cells, empty and header-only files. For every file:

* no traceback and no internal error; the exit code is the one the test predicts (0 or 1);
* a rejected file leaves the store's content digest and every stored value as they were;
* an accepted one stores exactly the clean values the test encoded (summed, maxed or kept
  per KPI, replacing earlier values of the same key), and `mktplan report --format json`
  shows their sums as the actuals of the summed KPIs.

And splitting the same rows over several files, in any order, in one call or several, gives
the same report JSON as one file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mktplan.ingest.cells import is_totals_label
from tests.properties.helpers import (
    AS_OF,
    DATE_STYLES,
    NO_VALUE_SPELLINGS,
    NUMBER_STYLES,
    ROUTES,
    START,
    SUM_KPIS,
    WIDE_COLUMNS,
    WIDE_HEADER,
    Key,
    LongRow,
    assert_clean,
    combine,
    csv_bytes,
    digest,
    run_main,
    spell_date,
    spell_number,
    spell_percent,
    stored_values,
    sums_by_kpi,
    write_plan,
)

pytestmark = pytest.mark.slow

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
LONG_KPIS = ("web.sales", "web.visits", "shop.sales", "shop.visits", "share", "web.cr", "shop.cr")
CHANNELS = ("", "tmall", "天猫")
CHANNEL_SPELLINGS = {"": ("", "-", "N/A", " "), "tmall": ("tmall", " tmall "), "天猫": ("天猫",)}

# cells no reader may take: (the cell, which column it goes in, usable in .xlsx)
JUNK_VALUES = (
    "1.2.3",
    "12,34",
    "1,2345",
    "¥5%",
    "1000000000000",
    "1 2",
    "$5$",
    "5%%",
    "$",
    "()",
    "元",
)
JUNK_DATES = ("2024-13-01", "2024-06-31", "2024-07-01", "2024-05-31", "yesterday", "")
JUNK_KPIS = ("web.sale", "sales", "Web.Sales", "web.aov", "nps")
JUNK_ROUTES = ("线下", "online", "-")


@dataclass
class Export:
    """A generated export: its file, whether mktplan must accept it, and what it adds."""

    path: Path
    accepted: bool
    values: dict[Key, Decimal] = field(default_factory=dict)
    source: str | None = None
    why: str = ""


# --- clean values and their spellings ----------------------------------------------------

# mostly the first three days, so rows often share a key and must be combined
days = st.one_of(st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=29)).map(
    lambda n: START + dt.timedelta(days=n)
)


def clean_value(draw: st.DrawFn, kpi: str) -> Decimal:
    """The value a row means, in the KPI's unit (the ratio KPI as a fraction)."""
    # never zero: a sum of zeros cannot tell summing from keeping one row
    if kpi.endswith(".sales"):
        cents = draw(
            st.one_of(
                st.integers(min_value=1, max_value=10**8),
                st.integers(min_value=1, max_value=10**12),
            )
        )
        return Decimal(-cents if draw(st.integers(0, 4)) == 0 else cents).scaleb(-2)
    if kpi.endswith(".visits"):
        return Decimal(draw(st.integers(min_value=1, max_value=10**7)))
    points = Decimal(draw(st.integers(min_value=1, max_value=10_000))).scaleb(-2)
    return points.scaleb(-2) if kpi == "share" else points


def spell_value(draw: st.DrawFn, kpi: str, value: Decimal) -> str:
    """``value`` of ``kpi`` as some export would write it."""
    if kpi == "share":
        if draw(st.booleans()):
            return spell_percent(
                value.scaleb(2), draw(st.sampled_from(["plain", "padded", "fullwidth"]))
            )
        return spell_number(
            value, draw(st.sampled_from(["plain", "padded", "fullwidth"])), money=False
        )
    if kpi.endswith(".cr") and draw(st.booleans()):
        return spell_percent(value, draw(st.sampled_from(["plain", "padded", "fullwidth"])))
    style = draw(st.sampled_from(NUMBER_STYLES))
    return spell_number(value, style, money=kpi.endswith(".sales"))


def junk_text(draw: st.DrawFn, *, allow_nul: bool) -> str:
    choices = list(JUNK_VALUES)
    if allow_nul:
        choices.append("1\x002")
    # "x" first: whatever follows, no reader can take the cell for a number or for "no value"
    return draw(st.one_of(st.sampled_from(choices), st.text(max_size=12).map(lambda t: "x" + t)))


# The header sniffer reads the header and the first five rows with the csv module
SNIFFED_ROWS = 5


def note_text(
    draw: st.DrawFn, *, allow_nul: bool, huge: bool = False, unmapped: bool = False
) -> str:
    """A free-text cell: empty, short random text, or a very long line: with ``huge`` far
    longer than the sniffer's 1 MiB sample (Chinese first, so a GB18030 file is still
    recognised), else up to 20,000 characters (one past the csv field limit among the sniffed
    rows is test_a_very_long_line_among_the_first_rows_is_read)."""
    kind = draw(st.integers(min_value=0, max_value=19))
    if kind == 0:
        return "备注" * draw(st.sampled_from([400_000, 1_000] if huge else [10_000, 1_000]))
    if kind < 10:
        return ""
    alphabet = st.characters(codec="utf-8", exclude_categories=["Cs"])
    text = draw(st.text(alphabet=alphabet, max_size=20))
    if unmapped and is_totals_label(text):  # an unmapped first column's "Total…" skips
        text = "x" + text  # its row (Google Ads writes "Total: Account" there)
    if allow_nul:  # control characters; a NUL only in a column no one reads: a note with
        # one refuses its row (test_a_nul_character_in_a_note_refuses_its_row_on_either_store)
        return text if unmapped else text.replace("\x00", "")
    return "".join(c for c in text if c >= " " or c in "\t\n\r")


def line_endings(draw: st.DrawFn) -> list[str]:
    """Line endings used in turn, mixed, a bare CR after the header included."""
    first = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return [first, *draw(st.lists(st.sampled_from(["\n", "\r\n", "\r"]), max_size=2))]


def spelled_header(draw: st.DrawFn, name: str) -> str:
    return draw(st.sampled_from([name, name.upper(), f" {name} "]))


# --- long-format CSV ---------------------------------------------------------------------

LONG_COLUMNS = ("date", "kpi", "value", "channel", "note", "spare")
STRUCTURES = (*(["rows"] * 15), "empty", "bom_only", "nul_only", "header_only", "ragged")


@st.composite
def long_rows(draw: st.DrawFn, *, min_size: int = 0) -> list[tuple[LongRow, bool]]:
    """Clean rows, each with whether its value is written at all (False: a no-value spelling).
    A rate has at most one written value per key, as real exports do."""
    rows: list[tuple[LongRow, bool]] = []
    rates: set[tuple[str, dt.date, str]] = set()
    for _ in range(draw(st.integers(min_value=min_size, max_value=25))):
        kpi = draw(st.sampled_from(LONG_KPIS))
        row = LongRow(kpi, draw(days), draw(st.sampled_from(CHANNELS)), Decimal(0))
        row = LongRow(row.kpi, row.day, row.channel, clean_value(draw, kpi))
        written = draw(st.integers(min_value=0, max_value=7)) > 0
        key = (row.kpi, row.day, row.channel)
        if kpi.endswith(".cr") and key in rates:
            written = False
        if kpi.endswith(".cr") and written:
            rates.add(key)
        rows.append((row, written))
    return rows


def long_cells(
    draw: st.DrawFn, row: LongRow, written: bool, *, allow_nul: bool, huge: bool = False
) -> dict[str, str]:
    return {
        "date": spell_date(row.day, draw(st.sampled_from(DATE_STYLES))),
        "kpi": draw(st.sampled_from([row.kpi, f" {row.kpi} "])),
        "value": (
            spell_value(draw, row.kpi, row.value)
            if written
            else draw(st.sampled_from(NO_VALUE_SPELLINGS))
        ),
        "channel": draw(st.sampled_from(CHANNEL_SPELLINGS[row.channel])),
        "note": note_text(draw, allow_nul=allow_nul, huge=huge),
        "spare": note_text(draw, allow_nul=allow_nul, unmapped=True),
    }


def long_junk(draw: st.DrawFn, cells: dict[str, str], *, allow_nul: bool) -> str:
    """Spoil one cell of a row so that the row must be rejected; returns what was done."""
    column = draw(st.sampled_from(["date", "kpi", "value", "value_percent"]))
    if column == "date":
        cells["date"] = draw(st.sampled_from(JUNK_DATES))
    elif column == "kpi":
        cells["kpi"] = draw(st.sampled_from(JUNK_KPIS))
    elif column == "value":
        cells["value"] = junk_text(draw, allow_nul=allow_nul)
    else:  # a percentage on a KPI counted in money or units
        cells["kpi"] = draw(st.sampled_from(SUM_KPIS))
        cells["value"] = draw(st.sampled_from(["5%", "12.5 %", "(3%)", "０．５％"]))
    return f"{column}: {cells}"


@st.composite
def long_exports(draw: st.DrawFn, folder: Path) -> Export:
    structure = draw(st.sampled_from(STRUCTURES))
    encoding = draw(st.sampled_from(ENCODINGS))
    endings = line_endings(draw)
    order = draw(st.permutations(LONG_COLUMNS))
    header = [spelled_header(draw, c) for c in order]
    path = folder / f"long-{encoding}.csv"
    if structure in ("empty", "bom_only", "nul_only"):
        data = {"empty": b"", "bom_only": b"\xef\xbb\xbf", "nul_only": b"\x00" * 64}[structure]
        path.write_bytes(data)
        return Export(path, accepted=False, why=structure)
    rows = [] if structure == "header_only" else draw(long_rows())
    lines: list[list[str]] = []
    for row, written in rows:
        cells = long_cells(draw, row, written, allow_nul=True, huge=len(lines) >= SNIFFED_ROWS)
        lines.append([cells[c] for c in order])
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            lines.append([""] * len(order) if draw(st.booleans()) else [])  # blank lines
    junk = draw(st.sampled_from([0, 0, 0, 0, 0, 0, 0, 1, 2])) if structure == "rows" else 0
    notes = []
    for _ in range(junk):
        kpi = draw(st.sampled_from(LONG_KPIS))
        spoilt = long_cells(
            draw, LongRow(kpi, draw(days), "", clean_value(draw, kpi)), True, allow_nul=True
        )
        notes.append(long_junk(draw, spoilt, allow_nul=True))
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        lines.insert(at, [spoilt[c] for c in order])
    ragged = structure == "ragged" and bool(lines)
    if ragged:
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        lines[at] = [*lines[at], "extra"] if lines[at] else ["a"] * (len(order) + 1)
    path.write_bytes(
        csv_bytes([header, *lines], encoding, endings, final_newline=draw(st.booleans()))
    )
    accepted = not junk and not ragged
    values = combine(r for r, written in rows if written) if accepted else {}
    merged = sum(written for _, written in rows) - len(combine(r for r, w in rows if w))
    event(f"accepted={accepted} rows combined={min(merged, 3)}")
    return Export(path, accepted, values, why=f"{structure} junk={notes}")


# --- the plan's wide source ("daily"), as CSV and as .xlsx ---------------------------------


@dataclass(frozen=True)
class WideRow:
    module: str
    day: dt.date
    channel: str
    values: dict[str, Decimal | None]  # KPI id in the module → value, None when not written


@st.composite
def wide_rows(draw: st.DrawFn) -> list[WideRow]:
    rows: list[WideRow] = []
    rates: set[tuple[str, dt.date, str]] = set()
    for _ in range(draw(st.integers(min_value=0, max_value=20))):
        module = draw(st.sampled_from(list(ROUTES)))
        day, channel = draw(days), draw(st.sampled_from(CHANNELS))
        values: dict[str, Decimal | None] = {}
        for kpi in WIDE_COLUMNS:
            written = draw(st.integers(min_value=0, max_value=5)) > 0
            if kpi == "cr" and (module, day, channel) in rates:
                written = False
            if kpi == "cr" and written:
                rates.add((module, day, channel))
            values[kpi] = clean_value(draw, f"{module}.{kpi}") if written else None
        rows.append(WideRow(module, day, channel, values))
    return rows


def wide_values(rows: Sequence[WideRow]) -> dict[Key, Decimal]:
    return combine(
        LongRow(f"{r.module}.{kpi}", r.day, r.channel, value)
        for r in rows
        for kpi, value in r.values.items()
        if value is not None
    )


def wide_cells(
    draw: st.DrawFn, row: WideRow, *, allow_nul: bool, huge: bool = False
) -> dict[str, str]:
    cells = {
        "日期": spell_date(row.day, draw(st.sampled_from(DATE_STYLES))),
        "渠道": draw(st.sampled_from([ROUTES[row.module], f" {ROUTES[row.module]} "])),
        "平台": draw(st.sampled_from(CHANNEL_SPELLINGS[row.channel])),
        "备注": note_text(draw, allow_nul=allow_nul, huge=huge),
        "备用": note_text(draw, allow_nul=allow_nul),
    }
    for kpi, header in WIDE_COLUMNS.items():
        value = row.values[kpi]
        cells[header] = (
            draw(st.sampled_from(NO_VALUE_SPELLINGS))
            if value is None
            else spell_value(draw, f"{row.module}.{kpi}", value)
        )
    return cells


def wide_junk(draw: st.DrawFn, cells: dict[str, Any], *, allow_nul: bool) -> str:
    column = draw(st.sampled_from(["日期", "渠道", "访问", "销售额", "转化率", "percent"]))
    if column == "日期":
        cells[column] = draw(st.sampled_from(JUNK_DATES))
    elif column == "渠道":
        cells[column] = draw(st.sampled_from(JUNK_ROUTES))
    elif column == "percent":
        cells[draw(st.sampled_from(["访问", "销售额"]))] = "7%"
    else:
        cells[column] = junk_text(draw, allow_nul=allow_nul)
    return f"{column}: {cells}"


@st.composite
def wide_tables(
    draw: st.DrawFn, *, allow_nul: bool, cell: Callable[[st.DrawFn, WideRow, bool], dict[str, Any]]
) -> tuple[list[str], list[str], list[list[Any]], dict[Key, Decimal] | None, str]:
    """(column order, header texts, body rows, expected values or None when rejected, why)."""
    order = list(draw(st.permutations(WIDE_HEADER)))
    header = [draw(st.sampled_from([h, f" {h} "])) for h in order]
    rows = draw(wide_rows())
    body: list[list[Any]] = []
    for row in rows:
        cells = cell(draw, row, len(body) >= SNIFFED_ROWS)
        body.append([cells[h] for h in order])
    junk = draw(st.sampled_from([0, 0, 0, 0, 0, 1, 2]))
    notes = []
    for _ in range(junk):
        spoilt = cell(draw, WideRow("web", draw(days), "", dict.fromkeys(WIDE_COLUMNS)), False)
        notes.append(wide_junk(draw, spoilt, allow_nul=allow_nul))
        body.insert(draw(st.integers(min_value=0, max_value=len(body))), [spoilt[h] for h in order])
    return order, header, body, (None if junk else wide_values(rows)), f"junk={notes}"


@st.composite
def wide_csv_exports(draw: st.DrawFn, folder: Path) -> Export:
    encoding = draw(st.sampled_from(ENCODINGS))
    endings = line_endings(draw)
    _, header, body, values, why = draw(
        wide_tables(
            allow_nul=True, cell=lambda d, r, huge: wide_cells(d, r, allow_nul=True, huge=huge)
        )
    )
    path = folder / f"wide-{encoding}.csv"
    path.write_bytes(
        csv_bytes([header, *body], encoding, endings, final_newline=draw(st.booleans()))
    )
    return Export(path, values is not None, values or {}, source="daily", why=why)


EXCEL_EPOCH = dt.date(1899, 12, 30)


def xlsx_cells(draw: st.DrawFn, row: WideRow, huge: bool) -> dict[str, Any]:
    """The row as typed .xlsx cells: numbers as numbers or spelled text, dates as dates,
    serial numbers or text. A percent cell is a fraction with a % number format."""
    del huge  # a cell of .xlsx holds at most 32,767 characters; long lines are a CSV matter
    cells: dict[str, Any] = wide_cells(draw, row, allow_nul=False)
    date_kind = draw(st.sampled_from(["text", "date", "datetime", "serial"]))
    if date_kind == "date":
        cells["日期"] = row.day
    elif date_kind == "datetime":
        cells["日期"] = dt.datetime.combine(row.day, dt.time(9, 30))
    elif date_kind == "serial":
        cells["日期"] = (row.day - EXCEL_EPOCH).days
    if not row.channel and draw(st.booleans()):
        cells["平台"] = None
    for kpi, header in WIDE_COLUMNS.items():
        value = row.values[kpi]
        if value is None:
            if draw(st.booleans()):
                cells[header] = None
        elif kpi == "cr" and draw(st.booleans()):
            cells[header] = ("percent", float(value.scaleb(-2)))
        elif draw(st.booleans()):
            cells[header] = int(value) if value == value.to_integral_value() else float(value)
    return cells


def xlsx_value(cell: Any) -> Any:
    """What goes into the sheet: the fraction of a percent cell; text without the control
    characters .xlsx cannot hold (the cell stays junk: junk text starts with "x")."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(cell, tuple):
        return cell[1]
    if isinstance(cell, str):
        return ILLEGAL_CHARACTERS_RE.sub("", cell)
    return cell


@st.composite
def xlsx_exports(draw: st.DrawFn, folder: Path) -> Export:
    import openpyxl

    path = folder / "wide.xlsx"
    structure = draw(st.sampled_from([*(["rows"] * 8), "header_only", "no_header", "not_a_zip"]))
    if structure == "not_a_zip":
        path.write_bytes(draw(st.sampled_from([b"", b"PK\x03\x04broken", "日期,渠道\n".encode()])))
        return Export(path, accepted=False, source="daily", why=structure)
    _, header, body, values, why = draw(wide_tables(allow_nul=False, cell=xlsx_cells))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    if structure == "no_header":
        workbook.save(path)
        return Export(path, accepted=False, source="daily", why=structure)
    sheet.append(header)
    if structure == "header_only":
        body, values = [], {}
    for line in body:
        sheet.append([xlsx_value(c) for c in line])
        for column, c in enumerate(line, start=1):
            if isinstance(c, tuple):
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00%"
    workbook.save(path)
    return Export(path, values is not None, values or {}, source="daily", why=f"{structure} {why}")


# --- running ingest and checking the store -----------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The plan, and a store holding an earlier ingest whose keys generated rows may replace."""
    folder = tmp_path_factory.mktemp("ingest-properties")
    plan = write_plan(folder)
    earlier = folder / "earlier.csv"
    earlier.write_text(
        "date,kpi,value,channel\n"
        "2024-06-01,web.sales,1000.25,\n2024-06-02,web.sales,-3,tmall\n"
        "2024-06-03,shop.visits,40,天猫\n2024-06-04,share,0.25,\n2024-06-05,web.cr,3.5,\n",
        encoding="utf-8",
    )
    store = folder / "seed.sqlite"
    run = run_main("ingest", plan, earlier, "--store", store)
    assert run.code == 0, run.output
    return plan, store


def fresh_store(seed: Path, folder: Path) -> Path:
    store = folder / "store.sqlite"
    shutil.copy(seed, store)
    return store


def report_actuals(plan: Path, store: Path) -> dict[str, Decimal | None]:
    run = run_main(
        "report", plan, "--store", store, "--format", "json", "--as-of", AS_OF.isoformat()
    )
    assert run.code == 0, run.output
    document = json.loads(run.stdout, parse_float=Decimal)
    return {k["id"]: k["actual"] for k in document["kpis"]}


def check_ingest(plan: Path, store: Path, export: Export) -> None:
    """Ingest ``export`` with the real CLI and check the store against the prediction."""
    before, values_before = digest(store), stored_values(store)
    args: list[str | Path] = ["ingest", plan, export.path, "--store", store]
    if export.source:
        # the seed was stored as long format: another source replaces its keys only on
        # purpose (the refusal without --force: tests/ingest/test_owners.py)
        args += ["--source", export.source, "--force"]
    run = run_main(*args)
    assert_clean(run)
    head = export.path.read_bytes()[:800] if export.path.exists() else b""
    context = f"{export.why}\n{head!r}\n{run.output[:3000]}"
    if not export.accepted:
        assert run.code == 1, context
        assert digest(store) == before, context
        assert stored_values(store) == values_before, context
        return
    assert run.code == 0, context
    expected = {**values_before, **export.values}
    assert stored_values(store) == expected, context
    sums = sums_by_kpi(expected)
    actuals = report_actuals(plan, store)
    for kpi in SUM_KPIS:
        assert actuals[kpi] == sums.get(kpi), (kpi, context)
    assert actuals["share"] == max(v for k, v in expected.items() if k[0] == "share"), context


@SETTINGS
@given(data=st.data())
def test_long_csv_is_stored_exactly_or_refused_whole(
    seeded: tuple[Path, Path], data: st.DataObject
) -> None:
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = data.draw(long_exports(folder))
        check_ingest(plan, fresh_store(seed, folder), export)


@SETTINGS
@given(data=st.data())
def test_wide_csv_is_stored_exactly_or_refused_whole(
    seeded: tuple[Path, Path], data: st.DataObject
) -> None:
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = data.draw(wide_csv_exports(folder))
        check_ingest(plan, fresh_store(seed, folder), export)


@settings(SETTINGS, max_examples=30)
@given(data=st.data())
def test_wide_xlsx_is_stored_exactly_or_refused_whole(
    seeded: tuple[Path, Path], data: st.DataObject
) -> None:
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = data.draw(xlsx_exports(folder))
        check_ingest(plan, fresh_store(seed, folder), export)


# --- the same rows over N files ------------------------------------------------------------


@st.composite
def split_files(draw: st.DrawFn, folder: Path) -> tuple[Path, list[Path], dict[Key, Decimal]]:
    """One file of clean rows, the same rows spread over 2–4 files (every row of a key in
    the same file: a later file replaces a key, it does not add to it), and their values."""
    rows = [(r, w) for r, w in draw(long_rows(min_size=1))]
    keys = sorted({(r.kpi, r.day, r.channel) for r, _ in rows})
    count = draw(st.integers(min_value=2, max_value=4))
    home = {key: draw(st.integers(min_value=0, max_value=count - 1)) for key in keys}

    # a note belongs to its row (the report quotes notes), so every file carries the same one
    notes = [note_text(draw, allow_nul=False) for _ in rows]

    def write(name: str, part: list[int]) -> Path:
        order = draw(st.permutations(LONG_COLUMNS))
        lines = [[spelled_header(draw, c) for c in order]]
        for i in part:
            row, written = rows[i]
            cells = {**long_cells(draw, row, written, allow_nul=False), "note": notes[i]}
            lines.append([cells[c] for c in order])
        path = folder / name
        encoding = draw(st.sampled_from(ENCODINGS))
        endings = line_endings(draw)
        path.write_bytes(csv_bytes(lines, encoding, endings))
        return path

    whole = write("whole.csv", list(range(len(rows))))
    parts = [
        write(
            f"part{n}.csv",
            [i for i, (r, _) in enumerate(rows) if home[(r.kpi, r.day, r.channel)] == n],
        )
        for n in range(count)
    ]
    parts = draw(st.permutations(parts))
    return whole, list(parts), combine(r for r, w in rows if w)


@settings(SETTINGS, max_examples=25)
@given(data=st.data(), one_call=st.booleans())
def test_rows_split_over_files_report_as_one_file(
    seeded: tuple[Path, Path], data: st.DataObject, one_call: bool
) -> None:
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        whole, parts, values = data.draw(split_files(folder))
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        single, split = fresh_store(seed, folder / "a"), fresh_store(seed, folder / "b")
        expected = {**stored_values(seed), **values}
        run = run_main("ingest", plan, whole, "--store", single)
        assert_clean(run)
        assert run.code == 0, run.output
        batches = [parts] if one_call else [[p] for p in parts]
        for batch in batches:
            run = run_main("ingest", plan, *batch, "--store", split)
            assert_clean(run)
            assert run.code == 0, run.output
        assert stored_values(single) == stored_values(split) == expected
        documents = []
        for store in (single, split):
            run = run_main(
                "report", plan, "--store", store, "--format", "json", "--as-of", AS_OF.isoformat()
            )
            assert run.code == 0, run.output
            documents.append(json.loads(run.stdout, parse_float=Decimal))
        assert documents[0] == documents[1]
        sums = sums_by_kpi(expected)
        actuals = {k["id"]: k["actual"] for k in documents[0]["kpis"]}
        assert {kpi: actuals[kpi] for kpi in SUM_KPIS} == {kpi: sums.get(kpi) for kpi in SUM_KPIS}


def test_a_very_long_line_among_the_first_rows_is_read(seeded: tuple[Path, Path]) -> None:
    """A note of 200,000 characters in the first data row is as legitimate as a short one."""
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = folder / "long-note.csv"
        note = "备注" * 100_000
        export.write_text(
            f"date,kpi,value,note\n2024-06-10,web.sales,12.5,{note}\n2024-06-11,web.sales,1,\n",
            encoding="utf-8",
        )
        store = fresh_store(seed, folder)
        expected = {
            **stored_values(store),
            ("web.sales", dt.date(2024, 6, 10), ""): Decimal("12.5"),
            ("web.sales", dt.date(2024, 6, 11), ""): Decimal(1),
        }
        run = run_main("ingest", plan, export, "--store", store)
        assert_clean(run)
        assert run.code == 0, run.output
        assert stored_values(store) == expected


def test_a_bare_cr_header_then_a_row_starting_empty_is_read(seeded: tuple[Path, Path]) -> None:
    """Old Mac-style line endings (CR only) and an empty first cell in the first data row:
    the row must keep its columns, not lose the empty cell and shift left."""
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = folder / "cr.csv"
        export.write_bytes(
            b"channel,date,kpi,value\r,2024-06-12,web.sales,12.5\rtmall,2024-06-13,web.sales,1\r"
        )
        store = fresh_store(seed, folder)
        expected = {
            **stored_values(store),
            ("web.sales", dt.date(2024, 6, 12), ""): Decimal("12.5"),
            ("web.sales", dt.date(2024, 6, 13), "tmall"): Decimal(1),
        }
        run = run_main("ingest", plan, export, "--store", store)
        assert_clean(run)
        assert run.code == 0, run.output
        assert stored_values(store) == expected


@pytest.mark.parametrize("cell", ["$", "%", "+", "()", "¥", "元", "RMB", "(%)"])
def test_a_bare_symbol_is_rejected_not_a_crash(seeded: tuple[Path, Path], cell: str) -> None:
    """A value cell holding only a currency sign, a sign or a % is a rejected row (exit 1,
    nothing stored), never an internal error."""
    plan, seed = seeded
    with tempfile.TemporaryDirectory(dir=seed.parent) as tmp:
        folder = Path(tmp)
        export = folder / "symbol.csv"
        export.write_text(f"date,kpi,value\n2024-06-12,web.sales,{cell}\n", encoding="utf-8")
        store = fresh_store(seed, folder)
        before = digest(store)
        run = run_main("ingest", plan, export, "--store", store)
        assert_clean(run)
        assert run.code == 1, run.output
        assert "symbol.csv:2 value" in run.stderr
        assert digest(store) == before
