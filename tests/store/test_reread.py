"""The same export bytes ingested again but read another way (a changed source mapping,
another source of the plan, another --encoding): refused without --force, since its values
would sit beside the earlier read's and reports would count the export twice; with --force
the earlier read's values that this read does not rewrite are replaced. On SQLite and
PostgreSQL alike."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from mktplan.store import resolve_store
from tests.conftest import Backend, Run, run_cli

PLAN = """\
plan:
  id: reread
  name: Reread
  owner: Tester
  period: {{start: 2025-01-01, end: 2025-12-31}}
  currency: USD
  cadence: daily
  approvals:
    - {{role: head, name: Boss, date: 2024-12-01}}
budget:
  total: 100000
  reserve: 10000
  lines: {{media: 90000}}
modules:
  - id: ads
    name: Ads
    owner: Alice
    budget: 90000
    goal: Sales of 300000 USD by 2025-12-31
    kpis:
      - {{id: spend, name: Spend, unit: USD, role: spend, source: ads}}
      - {{id: sales, name: Sales, unit: USD, role: revenue, target: 300000, due: 2025-12-31, source: shop}}
sources:
  gads:
    date: Date
    module: ads
{channel}    columns: {{Cost: spend}}
  gads_nochan:
    date: Date
    module: ads
    columns: {{Cost: spend}}
"""

EXPORT = "Date,Campaign,Cost\n2025-01-02,search,100.00\n2025-01-02,social,50.00\n"
# GBK bytes that happen to be valid UTF-8 too (双十一 = CB AB CA AE D2 BB, 女 = C5 AE): read
# as UTF-8 without a rejected cell, their channels stored garbled
GBK_EXPORT = "Date,Campaign,Cost\r\n2025-11-11,双十一,500.00\r\n2025-11-12,女,20.00\r\n".encode(
    "gbk"
)


def write_plan(folder: Path, *, channel: bool, plan_id: str = "reread") -> Path:
    """The plan in ``folder``; its source `gads` maps the Campaign column as the channel
    when ``channel``."""
    folder.mkdir(parents=True, exist_ok=True)
    plan = folder / "plan.yaml"
    text = PLAN.format(channel="    channel: Campaign\n" if channel else "")
    plan.write_text(text.replace("id: reread", f"id: {plan_id}"), encoding="utf-8")
    return plan


def ingest(plan: Path, export: Path, store: str, *args: str) -> Run:
    return run_cli("ingest", plan, export, "--store", store, "--lang", "en", *args)


def spend(plan: Path, store: str, as_of: str = "2025-12-31") -> object:
    run = run_cli("report", plan, "--store", store, "--format", "json", "--as-of", as_of)
    assert run.code in (0, 3), run.output
    return next(k["actual"] for k in json.loads(run.stdout)["kpis"] if k["id"] == "ads.spend")


def stored(store: str, plan_id: str = "reread") -> list[tuple[str, str, str, str]]:
    """(kpi, date, channel, value) of every current observation, in key order."""
    with resolve_store(store, Path("unused.yaml")).open() as opened:
        return [
            (
                o.observation.kpi,
                o.observation.date.isoformat(),
                o.observation.channel,
                str(o.observation.value),
            )
            for o in opened.observations(plan_id)
        ]


def digest_and_history(store: str) -> tuple[str, int]:
    with resolve_store(store, Path("unused.yaml")).open() as opened:
        return opened.content_digest(), opened.history_count()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    path = tmp_path / "ch.csv"
    path.write_bytes(EXPORT.encode())
    return path


def test_a_changed_mapping_is_refused_naming_the_earlier_ingest(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    store = backend.new()
    first = write_plan(tmp_path / "a", channel=False)
    assert ingest(first, export, store, "--source", "gads").code == 0
    before = digest_and_history(store)
    runs_before = run_cli("log", first, "--store", store, "--format", "json").stdout

    second = write_plan(tmp_path / "b", channel=True)
    run = ingest(second, export, store, "--source", "gads")

    assert run.code == 1, run.output
    said = " ".join(run.stderr.split())
    assert "ch.csv: this export's bytes were ingested before, read another way (run 1 of " in said
    assert "as " + str(export) + ", source 'gads': 1 value still stored)" in said
    assert "its values would be added beside the 1 value of that read" in said
    assert "nothing was stored" in said
    assert "ingest again with --force" in said
    assert digest_and_history(store) == before
    assert run_cli("log", first, "--store", store, "--format", "json").stdout == runs_before
    assert stored(store) == [("ads.spend", "2025-01-02", "", "150")]
    assert spend(second, store) == 150


def test_a_refusal_leaves_the_sqlite_file_byte_for_byte(tmp_path: Path, export: Path) -> None:
    store = tmp_path / "store.sqlite"
    first = write_plan(tmp_path / "a", channel=False)
    assert ingest(first, export, str(store), "--source", "gads").code == 0
    with sqlite3.connect(store) as conn:  # everything in the main file, none in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    files = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("store")}

    second = write_plan(tmp_path / "b", channel=True)
    for args in ((), ("--dry-run",), ("--log-refusal",)):
        run = ingest(second, export, str(store), "--source", "gads", *args)
        assert run.code == 1, run.output
        with sqlite3.connect(store) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        now = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("store")}
        assert now["store.sqlite"] == files["store.sqlite"], args


def test_force_replaces_what_the_earlier_read_stored(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    store = backend.new()
    first = write_plan(tmp_path / "a", channel=False)
    second = write_plan(tmp_path / "b", channel=True)
    assert ingest(first, export, store, "--source", "gads").code == 0
    before = digest_and_history(store)

    dry = ingest(second, export, store, "--source", "gads", "--force", "--dry-run")
    assert dry.code == 0, dry.output
    assert "2 new, 1 changed, 0 unchanged" in dry.stdout  # the removed value is changed
    assert digest_and_history(store) == before

    run = ingest(second, export, store, "--source", "gads", "--force")

    assert run.code == 0, run.output
    assert "2 rows read; 2 new, 1 changed, 0 unchanged" in run.stdout
    assert stored(store) == [
        ("ads.spend", "2025-01-02", "search", "100"),
        ("ads.spend", "2025-01-02", "social", "50"),
    ]
    assert spend(second, store) == 150
    assert digest_and_history(store)[1] == 1  # the channel-less 150, replaced by run 2
    log = json.loads(run_cli("log", second, "--store", store, "--format", "json").stdout)
    assert [(f["new"], f["changed"]) for r in log["runs"] for f in r["files"]] == [(2, 1), (1, 0)]
    # read that way again: already ingested, nothing changes
    again = ingest(second, export, store, "--source", "gads")
    assert again.code == 0, again.output
    assert "already ingested" in again.stdout
    assert spend(second, store) == 150


def test_the_history_keeps_the_removed_value_replaced_by_the_new_file(
    tmp_path: Path, export: Path
) -> None:
    store = tmp_path / "store.sqlite"
    first = write_plan(tmp_path / "a", channel=False)
    second = write_plan(tmp_path / "b", channel=True)
    assert ingest(first, export, str(store), "--source", "gads").code == 0
    assert ingest(second, export, str(store), "--source", "gads", "--force").code == 0
    with sqlite3.connect(store) as conn:
        history = conn.execute(
            "SELECT h.kpi, h.date, h.channel, h.value, h.file_id, h.replaced_by, f.run_id "
            "FROM observation_history h JOIN ingest_file f ON f.id = h.replaced_by"
        ).fetchall()
        days = conn.execute("SELECT kpi, date, n, whole FROM observation_day").fetchall()
    conn.close()
    assert history == [("ads.spend", "2025-01-02", "", 150_000_000, 1, 2, 2)]
    assert days == [("ads.spend", "2025-01-02", 2, 150)]  # the rollup: two channels, 150


def test_another_encoding_replaces_the_garbled_read_with_force(
    tmp_path: Path, backend: Backend
) -> None:
    store = backend.new()
    plan = write_plan(tmp_path, channel=True)
    export = tmp_path / "d11.gbk.csv"
    export.write_bytes(GBK_EXPORT)
    assert ingest(plan, export, store, "--source", "gads").code == 0
    garbled = stored(store)
    assert [c for _, _, c, _ in garbled] == ["˫ʮһ", "Ů"]  # read as UTF-8: wrong, no error

    refused = ingest(plan, export, store, "--source", "gads", "--encoding", "gbk")
    assert refused.code == 1, refused.output
    assert "2 values still stored" in " ".join(refused.stderr.split())
    assert stored(store) == garbled
    assert spend(plan, store) == 520

    forced = ingest(plan, export, store, "--source", "gads", "--encoding", "gbk", "--force")
    assert forced.code == 0, forced.output
    assert "2 new, 2 changed, 0 unchanged" in forced.stdout
    assert stored(store) == [
        ("ads.spend", "2025-11-11", "双十一", "500"),
        ("ads.spend", "2025-11-12", "女", "20"),
    ]
    assert spend(plan, store) == 520
    # both readings now say "already ingested" (the store knows both); the right one stays
    for args in ((), ("--encoding", "gbk")):
        again = ingest(plan, export, store, "--source", "gads", *args)
        assert again.code == 0, again.output
        assert "already ingested" in again.stdout
    assert spend(plan, store) == 520


def test_the_same_bytes_through_another_source_are_refused(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    store = backend.new()
    plan = write_plan(tmp_path, channel=True)
    assert ingest(plan, export, store, "--source", "gads").code == 0

    run = ingest(plan, export, store, "--source", "gads_nochan")
    assert run.code == 1, run.output
    said = " ".join(run.stderr.split())
    assert "source 'gads': 2 values still stored); read now (source 'gads_nochan')" in said
    assert spend(plan, store) == 150

    forced = ingest(plan, export, store, "--source", "gads_nochan", "--force")
    assert forced.code == 0, forced.output
    assert stored(store) == [("ads.spend", "2025-01-02", "", "150")]
    assert spend(plan, store) == 150


def test_the_same_way_again_is_already_ingested(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    store = backend.new()
    plan = write_plan(tmp_path, channel=True)
    assert ingest(plan, export, store, "--source", "gads").code == 0
    again = ingest(plan, export, store, "--source", "gads")
    assert again.code == 0, again.output
    assert "ch.csv: already ingested (same content and mapping); nothing changed" in again.stdout
    assert spend(plan, store) == 150


def test_a_read_that_rewrites_every_earlier_value_is_no_reread(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    """A plan that gained a KPI reads every export another way (its digest names the KPIs):
    the same keys again are a plain re-read, not refused."""
    store = backend.new()
    plan = write_plan(tmp_path, channel=True)
    assert ingest(plan, export, store, "--source", "gads").code == 0
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text.replace(
            "      - {id: sales,",
            "      - {id: clicks, name: Clicks, unit: count, source: ads}\n      - {id: sales,",
        ),
        encoding="utf-8",
    )
    run = ingest(plan, export, store, "--source", "gads")
    assert run.code == 0, run.output
    assert "0 new, 0 changed, 2 unchanged" in run.stdout
    assert spend(plan, store) == 150


def test_a_corrected_export_is_no_reread(tmp_path: Path, export: Path, backend: Backend) -> None:
    """Other bytes are another export: a correction replaces as before, whatever read the
    first one."""
    store = backend.new()
    first = write_plan(tmp_path / "a", channel=False)
    second = write_plan(tmp_path / "b", channel=True)
    assert ingest(first, export, store, "--source", "gads").code == 0
    assert ingest(second, export, store, "--source", "gads", "--force").code == 0
    corrected = tmp_path / "ch2.csv"
    corrected.write_text(EXPORT.replace("50.00", "60.00"), encoding="utf-8")
    run = ingest(second, corrected, store, "--source", "gads")
    assert run.code == 0, run.output
    assert "0 new, 1 changed, 1 unchanged" in run.stdout
    assert spend(second, store) == 160


def test_another_plan_in_the_same_store_is_not_concerned(
    tmp_path: Path, export: Path, backend: Backend
) -> None:
    store = backend.new()
    first = write_plan(tmp_path / "a", channel=False)
    other = write_plan(tmp_path / "b", channel=True, plan_id="reread2")
    assert ingest(first, export, store, "--source", "gads").code == 0
    run = ingest(other, export, store, "--source", "gads")
    assert run.code == 0, run.output
    assert spend(other, store) == 150
    assert spend(first, store) == 150


def test_cron_rejects_the_same_bytes_read_another_way(tmp_path: Path, export: Path) -> None:
    """cron never passes --force: the file goes to rejected/ with the refusal beside it."""
    plan = write_plan(tmp_path, channel=True)
    inbox, done, rejected, reports = (tmp_path / n for n in ("in", "done", "rej", "reports"))
    inbox.mkdir()
    store = tmp_path / "store.sqlite"
    args = [plan, inbox, done, rejected, reports, "--store", store, "--as-of", "2025-01-31"]
    (inbox / "week.gads.csv").write_bytes(export.read_bytes())
    assert run_cli("cron", *args).code == 0
    (inbox / "week.gads_nochan.csv").write_bytes(export.read_bytes())

    run = run_cli("cron", *args)

    assert run.code == 1, run.output
    assert sorted(p.name for p in rejected.iterdir()) == [
        "week.gads_nochan.csv",
        "week.gads_nochan.csv.error.txt",
    ]
    said = " ".join((rejected / "week.gads_nochan.csv.error.txt").read_text().split())
    assert "this export's bytes were ingested before, read another way" in said
    assert "source 'gads': 2 values still stored" in said
    assert spend(plan, str(store)) == 150


def test_another_sheet_is_other_data_but_the_same_sheet_read_again_is_refused(
    tmp_path: Path,
) -> None:
    import openpyxl

    store = str(tmp_path / "store.sqlite")
    first = write_plan(tmp_path / "a", channel=False)
    second = write_plan(tmp_path / "b", channel=True)
    book = openpyxl.Workbook()
    week1 = book.active
    assert week1 is not None
    week1.title = "Week1"
    week2 = book.create_sheet("Week2")
    for sheet, day in ((week1, "2025-01-02"), (week2, "2025-01-09")):
        sheet.append(["Date", "Campaign", "Cost"])
        sheet.append([day, "search", 100])
        sheet.append([day, "social", 50])
    export = tmp_path / "book.xlsx"
    book.save(export)

    assert ingest(first, export, store, "--source", "gads", "--sheet", "Week1").code == 0
    other_sheet = ingest(first, export, store, "--source", "gads", "--sheet", "Week2")
    assert other_sheet.code == 0, other_sheet.output
    assert "2 rows read; 1 new" in other_sheet.stdout
    assert spend(first, store) == 300

    # the first sheet (named, or by default) read with a channel now: a re-read of Week1 only
    refused = ingest(second, export, store, "--source", "gads")
    assert refused.code == 1, refused.output
    assert "source 'gads': 1 value still stored)" in " ".join(refused.stderr.split())
    forced = ingest(second, export, store, "--source", "gads", "--sheet", "Week1", "--force")
    assert forced.code == 0, forced.output
    assert "2 new, 1 changed" in forced.stdout
    assert spend(second, store) == 300  # Week2's total is no re-read of Week1: kept


TWO_TABLES = (
    "Search\nDate,Campaign,Cost\n2025-01-02,brand,100.00\n2025-01-02,generic,50.00\n"
    "\nDisplay\nDate,Campaign,Cost\n2025-01-02,banner,30.00\n"
)


def test_two_tables_of_one_file_through_two_sources_are_no_reread(tmp_path: Path) -> None:
    """Meta's Visits.csv holds two tables, each read by a source of its own: the same bytes,
    other data."""
    store = str(tmp_path / "store.sqlite")
    plan = write_plan(tmp_path, channel=True)
    text = plan.read_text(encoding="utf-8")
    plan.write_text(
        text
        + "  search:\n    date: Date\n    module: ads\n    table: Search\n"
        + "    fixed: {channel: search}\n    columns: {Cost: spend}\n"
        + "  display:\n    date: Date\n    module: ads\n    table: Display\n"
        + "    fixed: {channel: display}\n    columns: {Cost: spend}\n",
        encoding="utf-8",
    )
    export = tmp_path / "tables.csv"
    export.write_text(TWO_TABLES, encoding="utf-8")
    assert ingest(plan, export, store, "--source", "search").code == 0
    run = ingest(plan, export, store, "--source", "display")
    assert run.code == 0, run.output
    assert spend(plan, store) == 180


def test_a_digest_names_the_part_of_the_bytes_read() -> None:
    from mktplan.store.records import read_part, with_part

    assert read_part("0123abcd") == ""
    assert read_part(with_part("0123abcd", "")) == ""
    assert read_part(with_part("0123abcd", "beef")) == "beef"
    assert with_part("0123abcd", "") == "0123abcd"  # a CSV's only table: as before


def test_two_sources_reading_other_columns_of_one_file_are_no_reread(
    tmp_path: Path, backend: Backend
) -> None:
    # a ledger read by two sources, each its own column (its own KPI): neither re-reads the
    # other, both stay stored (a first version refused the second, and --force deleted the
    # first one's values)
    store = backend.new()
    plan = write_plan(tmp_path, channel=False)
    plan.write_text(
        plan.read_text(encoding="utf-8")
        + "  cost_col:\n    date: Date\n    module: ads\n    columns: {Cost: spend}\n"
        + "  sales_col:\n    date: Date\n    module: ads\n    columns: {Revenue: sales}\n",
        encoding="utf-8",
    )
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("Date,Cost,Revenue\n2025-01-02,100.00,450.00\n", encoding="utf-8")
    assert ingest(plan, ledger, store, "--source", "cost_col").code == 0
    run = ingest(plan, ledger, store, "--source", "sales_col")
    assert run.code == 0, run.output
    assert stored(store) == [
        ("ads.sales", "2025-01-02", "", "450"),
        ("ads.spend", "2025-01-02", "", "100"),
    ]
    again = ingest(plan, ledger, store, "--source", "cost_col")
    assert again.code == 0, again.output
    assert "already ingested" in again.stdout + again.stderr
    assert len(stored(store)) == 2
