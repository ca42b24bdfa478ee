"""The one read of an export's bytes before its rows (sha256, quotes, NUL padding), and its
early start from the entry point while the command line's libraries load."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main

from mktplan.ingest import scan
from mktplan.ingest.scan import FileScans, ingest_exports, scan_file, start_early
from tests.conftest import run_cli
from tests.ingest.helpers import write, write_plan


@pytest.fixture
def fresh_early() -> Iterator[None]:
    """The module's early scans as a new process has them (none), before and after."""
    scan._early.clear()
    scan._early_scanner = None
    yield
    if scan._early_scanner is not None:
        scan._early_scanner.close()
    scan._early.clear()
    scan._early_scanner = None


def test_one_read_finds_the_hash_the_quotes_and_a_nul_run_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan, "CHUNK", 1000)  # runs and lines across many chunks
    head = b'date,"kpi",value\n' + b'2024-06-03,"a",1\n' * 200
    data = head + b"\0" * 300 + b"tail\n"
    path = tmp_path / "padded.csv"
    path.write_bytes(data)
    found = scan_file(path)
    assert found.sha256 == hashlib.sha256(data).hexdigest()
    assert found.quotes == (2 + 2 * 200, 2)
    assert found.nul_offset == len(head)
    clean = tmp_path / "clean.csv"
    clean.write_bytes(head + b"a\0b\n")  # a NUL character in a value is text
    assert scan_file(clean).nul_offset is None


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 17])
def test_every_size_around_the_read_size_is_hashed_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(scan, "CHUNK", 8)  # reads of at most 8 bytes, fewer for a small file
    data = bytes(range(65, 65 + size))
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert scan_file(path).sha256 == hashlib.sha256(data).hexdigest()


def test_a_stopped_scan_hashes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scan, "CHUNK", 10)
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 100)
    stop = threading.Event()
    stop.set()
    assert scan_file(path, stop).sha256 == ""


@pytest.mark.parametrize(
    ("argv", "exports"),
    [
        (["ingest", "plan.yaml", "a.csv", "b.csv"], ["a.csv", "b.csv"]),
        (["ingest", "--store", "s.csv", "plan.yaml", "a.csv"], ["a.csv"]),
        (["ingest", "--store=s.csv", "plan.yaml", "-s", "ads", "a.csv"], ["a.csv"]),
        (["ingest", "-q", "-sads", "plan.yaml", "a.csv"], ["a.csv"]),
        (["ingest", "-qs", "ads", "plan.yaml", "a.csv", "--dry-run"], ["a.csv"]),
        (["ingest", "plan.yaml", "--lock-timeout", "5", "--", "-odd.csv"], ["-odd.csv"]),
        (["ingest", "plan.yaml", "-", "a.csv"], ["-", "a.csv"]),
        (["ingest", "plan.yaml", "--what", "a.csv"], []),  # the parser will refuse it
        (["ingest", "plan.yaml", "-x", "a.csv"], []),
        (["report", "plan.yaml", "a.csv"], []),
        ([], []),
    ],
)
def test_the_exports_of_an_ingest_command_line(argv: list[str], exports: list[str]) -> None:
    assert ingest_exports(argv) == exports


def test_the_early_parser_knows_every_option_of_the_ingest_command() -> None:
    from mktplan.cli import app

    ingest = typer.main.get_command(app).commands["ingest"]  # type: ignore[attr-defined]
    takes_value: set[str] = set()
    flags = set(app.info.context_settings["help_option_names"])
    for param in ingest.params:
        if param.param_type_name == "option":
            names = {*param.opts, *param.secondary_opts}
            (flags if param.is_flag else takes_value).update(names)
    assert takes_value == scan.INGEST_VALUE_OPTIONS
    assert flags == scan.INGEST_FLAGS


@pytest.mark.usefixtures("fresh_early")
def test_an_early_scan_is_taken_over_while_the_file_is_the_one_scanned(tmp_path: Path) -> None:
    same = tmp_path / "same.csv"
    same.write_bytes(b"date,kpi,value\n2024-06-03,a,1\n")
    changed = tmp_path / "changed.csv"
    changed.write_bytes(b"date,kpi,value\n2024-06-03,a,1\n")
    start_early(["ingest", "plan.yaml", str(same), str(changed), str(tmp_path / "none.csv")])
    early_same = scan._early[scan.file_identity(same)]  # type: ignore[index]
    assert len(scan._early) == 2  # a missing file is left to the reader
    changed.write_bytes(b"date,kpi,value\n2024-06-03,a,22\n")  # another size: other bytes
    with FileScans([same, changed]) as scans:
        assert scans.of(same) is early_same
        other = scans.of(changed)
        assert other is not None
        assert other.result().sha256 == hashlib.sha256(changed.read_bytes()).hexdigest()
        assert early_same.result().sha256 == hashlib.sha256(same.read_bytes()).hexdigest()


@pytest.mark.usefixtures("fresh_early")
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_is_never_read_early(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    start_early(["ingest", "plan.yaml", str(fifo)])  # reading it would block or eat it
    assert scan._early == {}


def test_an_ingest_through_the_entry_point_stores_the_bytes_hash(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    rows = "".join(f"2024-06-{d % 28 + 1:02d},web.sales,{d}\n" for d in range(60_000))
    export = write(tmp_path, "week.csv", "date,kpi,value\n" + rows)
    first = run_cli("ingest", "-q", plan, export, "--store", store)  # scanned early
    assert first.code == 0, first.output
    from mktplan.store import Store

    with Store.open(store) as opened:
        stored = {str(r[0]) for r in opened.connection.execute("SELECT sha256 FROM ingest_file")}
    assert stored == {hashlib.sha256(export.read_bytes()).hexdigest()}
    again = run_cli("ingest", plan, export, "--store", store)
    assert "already ingested" in again.stdout, again.output


def test_only_an_ingest_starts_scanning_at_the_entry_point() -> None:
    # `mktplan --help` and every other command start without the scan's imports
    for args in (["--help"], ["report", "--help"], ["ingest", "--help"]):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "mktplan", *args],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        imported = "mktplan.ingest.scan" in done.stderr
        assert imported == (args[0] == "ingest"), args
