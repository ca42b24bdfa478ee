"""The ingest pipeline through the real CLI: what makes an ingest "already ingested", the
rejects file, exports given as pipes, and the joining of notes."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from mktplan.store import Store
from tests.conftest import run_cli
from tests.ingest.helpers import write, write_plan


def stored_notes(store: Path) -> dict[tuple[str, str], str | None]:
    with Store.open(store) as opened:
        return {
            (s.observation.kpi, s.observation.date.isoformat()): s.observation.note
            for s in opened.observations("ingest-test")
        }


def stored_values(store: Path) -> dict[tuple[str, str], str]:
    with Store.open(store) as opened:
        return {
            (s.observation.kpi, s.observation.date.isoformat()): str(s.observation.value)
            for s in opened.observations("ingest-test")
        }


# --- the identity of an ingest: the bytes and how they are read ------------------------


def test_another_sheet_of_the_same_workbook_is_not_already_ingested(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    book = openpyxl.Workbook()
    week1 = book.active
    week1.title = "Week1"
    week1.append(["date", "kpi", "value"])
    week1.append(["2024-06-03", "web.sales", 100])
    week2 = book.create_sheet("Week2")
    week2.append(["date", "kpi", "value"])
    week2.append(["2024-06-10", "web.sales", 200])
    export = tmp_path / "book.xlsx"
    book.save(export)

    first = run_cli("ingest", plan, export, "--sheet", "Week1", "--store", store)
    assert first.code == 0, first.output
    second = run_cli("ingest", plan, export, "--sheet", "Week2", "--store", store)
    assert second.code == 0, second.output
    assert "already ingested" not in second.stdout
    assert "1 new" in second.stdout
    assert stored_values(store) == {
        ("web.sales", "2024-06-03"): "100",
        ("web.sales", "2024-06-10"): "200",
    }
    # the first sheet by default is Week1 read the same way: that one is known
    again = run_cli("ingest", plan, export, "--store", store)
    assert "already ingested" in again.stdout


def test_reingest_with_the_right_encoding_replaces_garbled_notes(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(
        tmp_path, "gbk.csv", "date,kpi,value,note\n2024-06-03,web.sales,100,客流低于预期\n", "gbk"
    )
    wrong = run_cli("ingest", plan, export, "--encoding", "latin-1", "--store", store)
    assert wrong.code == 0, wrong.output
    assert stored_notes(store)[("web.sales", "2024-06-03")] != "客流低于预期"
    right = run_cli("ingest", plan, export, "--encoding", "gbk", "--store", store)
    assert right.code == 0, right.output
    assert "already ingested" not in right.stdout
    assert "0 new, 1 changed" in right.stdout
    assert stored_notes(store)[("web.sales", "2024-06-03")] == "客流低于预期"
