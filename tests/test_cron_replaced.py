"""`mktplan cron` moves only the file its ingest read: an export renamed onto the same name
while the last one was being ingested stays in the inbox for the next run."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from mktplan import cron
from tests.conftest import PLANS

PLAN = PLANS / "q3-2023-growth.yaml"
FIRST = "date,kpi,value,channel,note\n2023-07-01,brand.topic_reads,100,weibo,\n"
SECOND = FIRST + "2023-07-02,brand.topic_reads,80,weibo,\n"


def job(root: Path) -> cron.CronJob:
    """A run on ``root``'s inbox; the folders made as run_cron makes them."""
    for folder in ("inbox", "done", "rejected"):
        (root / folder).mkdir()
    return cron.CronJob(
        plan=PLAN,
        inbox=root / "inbox",
        done=root / "done",
        rejected=root / "rejected",
        reports=root / "reports",
        as_of=dt.date(2023, 7, 31),
        store=str(root / "store.sqlite"),
        settle=0,
    )


def deliver(path: Path, text: str) -> None:
    """Write an export as rsync, SFTP clients and mail rules do: a temporary file renamed
    onto the name, so the name holds a new file (a new inode)."""
    partial = path.with_name(f".{path.name}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def stored(root: Path) -> list[tuple[str, float]]:
    with sqlite3.connect(root / "store.sqlite") as db:
        rows = db.execute("select date, value / 1e6 from observation order by date").fetchall()
    return [(str(d), float(v)) for d, v in rows]


def replacing_after_ingest(
    monkeypatch: pytest.MonkeyPatch, export: Path, text: str, *, times: int = 1
) -> None:
    """Run the real steps, and deliver ``text`` under ``export``'s name right after each of
    the first ``times`` ingests: between the ingest and the move, deterministically."""
    real = cron.run
    left = [times]

    def run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        result = real(args)
        if args[0] == "ingest" and left[0] > 0:
            left[0] -= 1
            deliver(export, text)
        return result

    monkeypatch.setattr(cron, "run", run)


def test_an_export_replaced_while_ingested_stays_for_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    the_job = job(tmp_path)
    export = the_job.inbox / "week.csv"
    deliver(export, FIRST)
    replacing_after_ingest(monkeypatch, export, SECOND)

    ran = cron.ingest_inbox(the_job, ["--store", str(the_job.store)], set())

    assert ran.problems == []
    assert ran.store_unavailable is None
    assert len(ran.waiting) == 1
    assert ran.waiting[0].startswith(
        f"mktplan cron: left {export} in the inbox: a new file took its name"
    )
    # the new export was not read, so it is neither in done nor lost
    assert export.read_text(encoding="utf-8") == SECOND
    assert not (the_job.done / "week.csv").exists()
    assert stored(tmp_path) == [("2023-07-01", 100.0)]

    # the next run takes it
    again = cron.ingest_inbox(the_job, ["--store", str(the_job.store)], set())
    assert (again.problems, again.waiting) == ([], ())
    assert (the_job.done / "week.csv").read_text(encoding="utf-8") == SECOND
    assert stored(tmp_path) == [("2023-07-01", 100.0), ("2023-07-02", 80.0)]


def test_a_rejected_export_replaced_while_ingested_is_not_rejected_in_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refused export is said (exit 1), but the good one delivered over it is not moved
    to the rejected folder beside an error that is not its own."""
    the_job = job(tmp_path)
    export = the_job.inbox / "week.csv"
    deliver(export, "date,kpi,value\n2023-07-01,brand.topic_reads,lots\n")
    replacing_after_ingest(monkeypatch, export, FIRST)

    ran = cron.ingest_inbox(the_job, ["--store", str(the_job.store)], set())

    assert len(ran.problems) == 1
    assert ran.problems[0].startswith(
        f"mktplan cron: left {export} in the inbox: a new file took its name"
    )
    assert "lots" in ran.problems[0]  # ingest's own message about the refused export
    assert export.read_text(encoding="utf-8") == FIRST
    assert list(the_job.rejected.iterdir()) == []


def test_an_export_left_alone_during_its_ingest_is_moved(tmp_path: Path) -> None:
    the_job = job(tmp_path)
    deliver(the_job.inbox / "week.csv", FIRST)
    ran = cron.ingest_inbox(the_job, ["--store", str(the_job.store)], set())
    assert (ran.problems, ran.waiting) == ([], ())
    assert (the_job.done / "week.csv").read_text(encoding="utf-8") == FIRST


def test_the_run_says_so_in_one_line_and_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    the_job = job(tmp_path)
    export = the_job.inbox / "week.csv"
    deliver(export, FIRST)
    replacing_after_ingest(monkeypatch, export, SECOND)

    code = cron.run_cron(the_job)

    err = capsys.readouterr().err
    assert code in (0, 3), err  # 3: the plan's own alerts on a month of one day's data
    lines = [line for line in err.splitlines() if "week.csv" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"mktplan cron: left {export} in the inbox")
    assert export.read_text(encoding="utf-8") == SECOND
