"""The ingest pipeline through the real CLI: what makes an ingest "already ingested", the
rejects file, exports given as pipes, and the joining of notes."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import sys
import threading
from pathlib import Path

import openpyxl
import pytest

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


@pytest.mark.parametrize("store_first", [False, True])
def test_a_file_hashed_beside_the_plans_loading_is_known_by_its_bytes(
    tmp_path: Path, store_first: bool
) -> None:
    # The bytes are hashed in a thread from the start of the call (a new store, --force, or
    # a store to ask); the hash stored must be the bytes' sha256, so the next ingest knows
    # the file
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    rows = "".join(f"2024-06-{d % 28 + 1:02d},web.sales,{d}\n" for d in range(60_000))
    export = write(tmp_path, "week.csv", "date,kpi,value\n" + rows)  # more than one MiB
    if store_first:  # an existing store, told to ingest again anyway
        assert run_cli("ingest", plan, export, "--store", store).code == 0
        first = run_cli("ingest", plan, export, "--store", store, "--force")
    else:
        first = run_cli("ingest", plan, export, "--store", store)
    assert first.code == 0, first.output
    with Store.open(store) as opened:
        hashes = {
            str(row[0]) for row in opened.connection.execute("SELECT sha256 FROM ingest_file")
        }
    assert hashes == {hashlib.sha256(export.read_bytes()).hexdigest()}
    again = run_cli("ingest", plan, export, "--store", store)
    assert again.code == 0, again.output
    assert "already ingested" in again.stdout


def test_a_refused_file_leaves_no_scanning_thread_behind(tmp_path: Path) -> None:
    from mktplan.errors import IngestError, MktplanError
    from mktplan.ingest.pipeline import ingest_files

    plan = write_plan(tmp_path)
    rows = "".join(f"2024-06-{d % 28 + 1:02d},web.sales,{d}\n" for d in range(60_000))
    export = tmp_path / "padded.csv"
    export.write_bytes(("date,kpi,value\n" + rows).encode() + b"\0" * (4 << 20))
    with pytest.raises(IngestError, match="zero bytes in a row"):
        ingest_files(plan, [export], store=tmp_path / "s.sqlite")
    assert not [t for t in threading.enumerate() if t.name.startswith("mktplan-scan")]
    # files are hashed from the start of the call: a plan that does not load stops that too
    broken = write(tmp_path, "broken.yaml", "plan: [\n")
    big = write(tmp_path, "big.csv", "date,kpi,value\n" + "2024-06-03,web.sales,1\n" * 2_000_000)
    with pytest.raises(MktplanError):
        ingest_files(broken, [big], store=tmp_path / "s.sqlite")
    assert not [t for t in threading.enumerate() if t.name.startswith("mktplan-scan")]


@pytest.mark.parametrize(
    ("note", "first"),
    [
        ("客流低于预期", ["--encoding", "latin-1"]),  # told the wrong encoding
        ("元", []),  # GBK bytes D4 AA that are valid UTF-8 too: detected as UTF-8
    ],
)
def test_reingest_with_the_right_encoding_replaces_garbled_notes(
    tmp_path: Path, note: str, first: list[str]
) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(
        tmp_path, "gbk.csv", f"date,kpi,value,note\n2024-06-03,web.sales,100,{note}\n", "gbk"
    )
    wrong = run_cli("ingest", plan, export, *first, "--store", store)
    assert wrong.code == 0, wrong.output
    assert stored_notes(store)[("web.sales", "2024-06-03")] != note
    right = run_cli("ingest", plan, export, "--encoding", "gbk", "--store", store)
    assert right.code == 0, right.output
    assert "already ingested" not in right.stdout
    assert "0 new, 1 changed" in right.stdout
    assert stored_notes(store)[("web.sales", "2024-06-03")] == note


def test_a_file_name_that_is_not_utf8_is_stored_and_logged(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    good = write(
        tmp_path, os.fsdecode(b"week-\xff.csv"), "date,kpi,value\n2024-06-02,web.sales,1\n"
    )
    run = run_cli("ingest", plan, good, "--store", store)
    assert run.code == 0, run.output
    assert "internal error" not in run.output
    with Store.open(store) as opened:
        (last,) = opened.runs("ingest-test")
    assert "week-\ufffd.csv" in last.command
    assert [f.name for f in last.files] == [str(tmp_path / "week-\ufffd.csv")]
    bad = write(tmp_path, os.fsdecode(b"bad-\xfd.csv"), MIXED)
    refused = run_cli("ingest", plan, bad, "--store", store)
    assert refused.code == 1, refused.output
    assert "internal error" not in refused.output
    assert "1 row rejected" in refused.stderr


def test_a_refused_ingest_leaves_the_store_byte_for_byte_as_it_was(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    good = write(tmp_path, "good.csv", "date,kpi,value\n2024-06-02,web.sales,1\n")
    assert run_cli("ingest", plan, good, "--store", store).code == 0
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    bad = write(tmp_path, "mixed.csv", MIXED)
    refused = run_cli("ingest", plan, bad, "--store", store)
    assert refused.code == 1, refused.output
    assert "nothing was stored" in refused.stderr
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    logged = run_cli("ingest", plan, bad, "--store", store, "--log-refusal")  # as cron runs it
    assert logged.code == 1, logged.output
    from tests.store.helpers import select

    assert select(str(store), "SELECT file, kind FROM input_problem") == [(str(bad), "refused")]
    assert stored_values(store) == {("web.sales", "2024-06-02"): "1"}


# --- the rejects file -------------------------------------------------------------------

MIXED = "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-03,web.sale,7\n"


def test_an_unwritable_rejects_file_stores_nothing_and_a_rerun_lists_them(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "mixed.csv", MIXED)
    blocker = tmp_path / "mixed.rejects.csv"
    blocker.mkdir()  # a folder where the file should go: no rename can replace it
    run = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert run.code == 1, run.output
    assert "cannot write the rejects file" in run.stderr
    assert "nothing was stored" in run.stderr
    assert "Traceback" not in run.output
    assert not store.exists() or stored_values(store) == {}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    blocker.rmdir()
    again = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert again.code == 0, again.output
    assert "already ingested" not in again.stdout
    assert "1 row rejected and skipped" in again.stdout
    assert "web.sale" in blocker.read_text(encoding="utf-8-sig")
    assert stored_values(store) == {("web.sales", "2024-06-02"): "100"}


def test_the_rejects_file_defuses_formulas(tmp_path: Path) -> None:
    import csv

    plan = write_plan(tmp_path)
    cells = ["=cmd|' /C calc'!A0", "+1+1", "-2-2", "@SUM(A1)", "\tx", "\rx"]
    rows = "".join(f'2024-06-03,"{c}",5\n' for c in cells)
    export = write(tmp_path, "evil.csv", "date,kpi,value\n2024-06-02,web.sales,1\n" + rows)
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite", "--skip-invalid")
    assert run.code == 0, run.output
    with (tmp_path / "evil.rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = list(csv.DictReader(fh))
    assert [r["value"] for r in listed] == ["'" + c for c in cells]
    assert not any(v.startswith(tuple("=+-@\t\r")) for r in listed for v in r.values())


def test_two_exports_with_one_rejects_file_keep_both_their_rows(tmp_path: Path) -> None:
    import csv

    plan = write_plan(tmp_path)
    export = write(tmp_path, "week.csv", MIXED)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "kpi", "value"])
    sheet.append(["2024-06-04", "web.sales", 50])
    sheet.append(["2024-06-05", "web.visit", 9])
    book.save(tmp_path / "week.xlsx")
    run = run_cli(
        "ingest",
        plan,
        export,
        tmp_path / "week.xlsx",
        "--store",
        tmp_path / "s.sqlite",
        "--skip-invalid",
    )
    assert run.code == 0, run.output
    assert f"2 rows rejected and skipped; listed in {tmp_path / 'week.rejects.csv'}\n" in run.stdout
    with (tmp_path / "week.rejects.csv").open(encoding="utf-8-sig", newline="") as fh:
        listed = [(Path(r["file"]).name, r["line"], r["value"]) for r in csv.DictReader(fh)]
    assert listed == [("week.csv", "3", "web.sale"), ("week.xlsx", "3", "web.visit")]


def test_the_rejects_file_replaces_a_symlink_and_never_writes_through_it(
    tmp_path: Path,
) -> None:
    plan = write_plan(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    export = write(tmp_path, "mixed.csv", MIXED)
    link = tmp_path / "mixed.rejects.csv"
    link.symlink_to(victim)
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite", "--skip-invalid")
    assert run.code == 0, run.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not link.is_symlink()
    assert "web.sale" in link.read_text(encoding="utf-8-sig")
    umask = os.umask(0)
    os.umask(umask)
    assert link.stat().st_mode & 0o777 == 0o666 & ~umask


# --- pipes, devices and binary junk ----------------------------------------------------

WEEK = "date,kpi,value,note\n2024-06-03,web.sales,100,a\n2024-06-04,web.sales,7,b\n"


def run_with_stdin(data: bytes, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The real entry point with ``data`` on its standard input, a pipe."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("MKTPLAN_STORE", None)
    proc = subprocess.run(
        [sys.executable, "-m", "mktplan", *map(str, args)],
        input=data,
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode()
    )


def test_an_export_piped_to_stdin_is_read_once_and_stored(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    run = run_with_stdin(WEEK.encode(), "ingest", plan, "/dev/stdin", "--store", store)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "/dev/stdin (long): 2 rows read; 2 new" in run.stdout
    assert stored_values(store) == {
        ("web.sales", "2024-06-03"): "100",
        ("web.sales", "2024-06-04"): "7",
    }


def test_a_process_substitution_is_read_like_a_file(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "week.gbk.csv", WEEK.replace(",a\n", ",客流低\n"), "gbk")
    script = f'"{sys.executable}" -m mktplan ingest "{plan}" <(cat "{export}") --store "{store}"'
    run = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 rows read; 2 new" in run.stdout
    assert stored_notes(store)[("web.sales", "2024-06-03")] == "客流低"


def test_rejects_from_a_pipe_store_nothing(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    data = (WEEK + "2024-06-05,web.sale,1,c\n").encode()
    run = run_with_stdin(data, "ingest", plan, "/dev/stdin", "--store", store, "--skip-invalid")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "a pipe has no folder for its rejects file; nothing was stored" in run.stderr
    assert not store.exists() or stored_values(store) == {}


def test_a_device_of_endless_zeros_stops_at_once(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    run = run_cli("ingest", plan, "/dev/zero", "--store", tmp_path / "s.sqlite")
    assert run.code == 1, run.output
    assert (
        "not a text export: it holds binary data (256 or more zero bytes in a row from byte 0)"
        in run.stderr
    )
    validate = run_cli("validate", "/dev/zero")
    assert validate.code == 1, validate.output
    assert "larger than any plan" in validate.output
    assert "Traceback" not in run.output + validate.output


def test_an_export_padded_with_nul_bytes_is_one_message(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    rows = "".join(f"2024-06-{d % 28 + 1:02d},web.sales,{d}\n" for d in range(60_000))
    text = ("date,kpi,value\n" + rows).encode()
    assert len(text) > 1 << 20  # the padding starts past the sniffed sample
    export = tmp_path / "padded.csv"
    export.write_bytes(text + b"\0" * (8 << 20))
    store = tmp_path / "s.sqlite"
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 1, run.output
    assert f"zero bytes in a row from byte {len(text):,}" in run.stderr
    assert len(run.stderr) < 1000
    assert not store.exists()


def test_utf16_zero_bytes_are_not_binary_junk(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(tmp_path, "u16.csv", "\ufeff" + WEEK, "utf-16-le")
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite")
    assert run.code == 0, run.output
    assert "2 rows read; 2 new" in run.stdout


# --- messages echo cells cut to a readable length --------------------------------------


def test_huge_bad_cells_are_echoed_cut_short(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    huge_value = "x" * (10 << 20)
    huge_kpi = "k" * (1 << 20)
    huge_date = "2024-06-" + "9" * (1 << 20)
    export = write(
        tmp_path,
        "huge.csv",
        f"date,kpi,value\n2024-06-03,web.sales,{huge_value}\n2024-06-04,{huge_kpi},5\n"
        f"{huge_date},web.sales,5\n",
    )
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite")
    assert run.code == 1, run.output[:2000]
    assert len(run.stderr) < 3000, run.stderr[:3000]
    assert "huge.csv:2 value: 'xxxxxxxx" in run.stderr
    assert f"({len(huge_value):,} characters)" in run.stderr
    assert "huge.csv:3 kpi: 'kkkk" in run.stderr
    assert "huge.csv:4 date: '2024-06-9999" in run.stderr
    assert "3 rows rejected" in run.stderr


def test_a_huge_header_cell_is_echoed_cut_short(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(tmp_path, "wide.csv", f"day,{'H' * 100_000}\n2024-06-03,5\n")
    run = run_cli("ingest", plan, export, "--source", "web_only", "--store", tmp_path / "s")
    assert run.code == 1, run.output[:2000]
    assert "needs columns 'Sales', 'Visits'" in run.stderr
    assert len(run.stderr) < 2000, run.stderr[:3000]


# --- notes of many rows on one key ------------------------------------------------------


def test_many_notes_on_one_key_are_joined_once_each_in_file_order(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    notes = [f"note {i}" for i in range(5000)]
    # every note twice, the second time in reverse: only the first occurrence counts
    rows = [*notes, *reversed(notes), ""]
    body = "".join(f"2024-06-03,web.sales,1,{n}\n" for n in rows)
    export = write(tmp_path, "many.csv", "date,kpi,value,note\n" + body)
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 0, run.output
    assert stored_values(store) == {("web.sales", "2024-06-03"): str(len(rows))}
    assert stored_notes(store)[("web.sales", "2024-06-03")] == "; ".join(notes)


def test_utf16_without_a_bom_is_named_with_the_encoding_to_pass(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    export = write(tmp_path, "u16.csv", WEEK, "utf-16-le")
    run = run_cli("ingest", plan, export, "--store", tmp_path / "s.sqlite")
    assert run.code == 1, run.output
    assert "UTF-16 without a byte-order mark" in run.stderr
    assert "--encoding utf-16-le" in run.stderr
    again = run_cli("ingest", plan, export, "--encoding", "utf-16-le", "--store", tmp_path / "s")
    assert again.code == 0, again.output
    assert "2 rows read; 2 new" in again.stdout


def test_a_nul_character_in_a_note_refuses_its_row_on_either_store(tmp_path: Path) -> None:
    # PostgreSQL keeps no text with a NUL: refused row by row for both kinds of store, so
    # --skip-invalid stores the rest (at the insert it failed the whole call)
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "nul.csv",
        "date,kpi,value,note\n2024-06-02,web.sales,2,fine\n2024-06-03,web.sales,1,a\0\0b\n",
    )
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 1, run.output
    assert "nul.csv:3 note: 'a\\x00\\x00b': holds a NUL character" in run.stderr
    skipped = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert skipped.code == 0, skipped.output
    assert stored_notes(store) == {("web.sales", "2024-06-02"): "fine"}


def test_a_channel_too_long_for_a_key_refuses_its_row_on_either_store(tmp_path: Path) -> None:
    # PostgreSQL indexes at most 2,704 bytes of a key: bounded for both kinds of store
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    fits, long = "渠" * 166, "渠" * 167  # 498 and 501 bytes in UTF-8
    export = write(
        tmp_path,
        "long.csv",
        f"date,kpi,value,channel,note\n2024-06-02,web.sales,2,{fits},{long}\n"
        f"2024-06-03,web.sales,1,{long},\n",
    )
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 1, run.output
    assert "long.csv:3 channel" in run.stderr
    assert "too long: 501 bytes in UTF-8" in run.stderr
    assert "long.csv:2" not in run.stderr  # a long note is no key
    skipped = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert skipped.code == 0, skipped.output
    assert stored_notes(store) == {("web.sales", "2024-06-02"): long}


def test_a_stream_longer_than_the_limit_is_cut_off_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from mktplan.errors import IngestError
    from mktplan.ingest import pipeline

    monkeypatch.setattr(pipeline, "MAX_STREAM_BYTES", 1 << 20)  # the real one is 2 GiB
    plan = write_plan(tmp_path)
    read_end, write_end = os.pipe()

    def endless() -> None:  # like `yes 2024-06-03,web.sales,1 | mktplan ingest …`
        with contextlib.suppress(BrokenPipeError), os.fdopen(write_end, "wb") as out:
            out.write(b"date,kpi,value\n" + b"2024-06-03,web.sales,1\n" * 200_000)

    writer = threading.Thread(target=endless)
    writer.start()
    try:
        with pytest.raises(IngestError, match="the stream goes on past 1,048,576 bytes"):
            pipeline.ingest_files(plan, [Path(f"/dev/fd/{read_end}")], store=tmp_path / "s")
    finally:
        os.close(read_end)
        writer.join()
    assert not (tmp_path / "s").exists()


def test_a_piped_export_with_a_title_above_its_header_is_read_from_the_copy(
    tmp_path: Path,
) -> None:
    # the header is found on line 3, so the body is read by the table reader, not the fast
    # path: it must read the pipe's copy, as the stream itself can be read only once
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    data = ("Weekly report\nJune 2024\n" + WEEK).encode()
    run = run_with_stdin(data, "ingest", plan, "/dev/stdin", "--store", store)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "/dev/stdin (long): 2 rows read; 2 new" in run.stdout
    assert stored_values(store) == {
        ("web.sales", "2024-06-03"): "100",
        ("web.sales", "2024-06-04"): "7",
    }


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads in /proc")
def test_ingest_starts_no_blas_threads() -> None:
    # numpy's OpenBLAS would start a polling thread per core for work mktplan never gives it
    code = (
        "import os; import mktplan.ingest.columns; import numpy; "
        "print(len(os.listdir('/proc/self/task')))"
    )
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    ran = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert ran.stdout.strip() == "1"
