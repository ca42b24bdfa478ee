"""`ingest --skip-invalid` writes `<stem>.rejects.csv` through a temporary file renamed over
it: a device, a pipe or a socket at that path (or a link to one) is refused before anything
is stored or written, never replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mktplan.errors import IngestError
from mktplan.ingest.mapping import RejectedRow
from mktplan.ingest.rejects import write_rejects
from tests.conftest import run_cli
from tests.ingest.helpers import write, write_plan

MIXED = "date,kpi,value\n2024-06-02,web.sales,100\n2024-06-40,web.sales,1\n"


@pytest.mark.parametrize("link", [False, True])
def test_a_pipe_at_the_rejects_path_is_refused_and_kept(tmp_path: Path, link: bool) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "mixed.csv", MIXED)
    rejects = tmp_path / "mixed.rejects.csv"
    if link:
        os.mkfifo(tmp_path / "elsewhere")
        rejects.symlink_to("elsewhere")
    else:
        os.mkfifo(rejects)
    run = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert run.code == 1, run.output
    assert (
        f"{rejects}: the rejects file's path is a named pipe (FIFO), not a regular file"
        in run.stderr
    )
    assert "Hint: rename the export" in run.stderr
    assert "Traceback" not in run.output
    assert stat.S_ISFIFO(os.stat(rejects).st_mode)
    assert rejects.is_symlink() is link
    assert not store.exists()  # nothing stored
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_no_rejects_file_is_written_when_another_is_refused(tmp_path: Path) -> None:
    plan = write_plan(tmp_path)
    store = tmp_path / "s.sqlite"
    first = write(tmp_path, "a.csv", MIXED)
    second = write(tmp_path, "b.csv", MIXED.replace("06-02", "06-03"))
    os.mkfifo(tmp_path / "b.rejects.csv")
    run = run_cli("ingest", plan, first, second, "--store", store, "--skip-invalid")
    assert run.code == 1, run.output
    assert "b.rejects.csv" in run.stderr
    assert not (tmp_path / "a.rejects.csv").exists()


def test_write_rejects_refuses_a_pipe_itself(tmp_path: Path) -> None:
    fifo = tmp_path / "x.rejects.csv"
    os.mkfifo(fifo)
    row = RejectedRow(file="x.csv", line=2, column="date", value="2024-06-40", reason="bad")
    with pytest.raises(IngestError, match="not a regular file"):
        write_rejects(fifo, [row])
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_an_input_at_the_rejects_path_is_refused_and_kept(tmp_path: Path) -> None:
    # mixed.rejects.csv is an export of its own, ingested in the same call: the rejects of
    # mixed.csv would have replaced it after it was stored, its provenance then gone
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "mixed.csv", MIXED)
    other = write(tmp_path, "mixed.rejects.csv", "date,kpi,value\n2024-06-03,web.sales,5\n")
    for files in ((export, other), (other, export)):
        run = run_cli("ingest", plan, *files, "--store", store, "--skip-invalid")
        assert run.code == 1, run.output
        assert f"{other}: this is where the rows this ingest rejects would be written" in run.stderr
        assert "one of the files being ingested" in run.stderr
        assert other.read_text(encoding="utf-8") == "date,kpi,value\n2024-06-03,web.sales,5\n"
        assert not store.exists()
    # a file mktplan did not write there is kept too, though not an input
    run = run_cli("ingest", plan, export, "--store", store, "--skip-invalid")
    assert run.code == 1
    assert "does not start as mktplan's rejects files do (a UTF-8 line file,line," in run.stderr
    assert not store.exists()


def test_a_clean_ingest_says_an_earlier_rejects_file_is_there_and_keeps_it(
    tmp_path: Path,
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "mixed.csv", MIXED)
    rejects = tmp_path / "mixed.rejects.csv"
    assert run_cli("ingest", plan, export, "--store", store, "--skip-invalid").code == 0
    earlier = rejects.read_text(encoding="utf-8-sig")
    assert "2024-06-40" in earlier
    said = f"{rejects} lists rows an earlier ingest with --skip-invalid rejected; this one"
    # the same file again is not read (already ingested): nothing is said of its rejects
    run = run_cli("ingest", plan, export, "--store", store)
    assert (run.code, said in run.stdout) == (0, False)
    # the file corrected is read and stores every row: the rejects file is named, and kept
    write(tmp_path, "mixed.csv", MIXED.replace("2024-06-40", "2024-06-04"))
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 0, run.output
    assert said in run.stdout
    assert rejects.read_text(encoding="utf-8-sig") == earlier
    # not for a rejects file that names other files only
    rejects.write_text("file,line,column,value,reason\nother.csv,2,value,x,bad\n", encoding="utf-8")
    write(tmp_path, "mixed.csv", MIXED.replace("2024-06-40", "2024-06-05"))
    run = run_cli("ingest", plan, export, "--store", store)
    assert (run.code, "lists rows an earlier" in run.stdout) == (0, False)
