"""`mktplan cron` on a real temp inbox: ingest, move, reject with a reason, report."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from mktplan import cron
from mktplan.store.locate import mask_password
from tests.conftest import PLANS, Backend, run_cli
from tests.ingest.shapes import PLAN as SHAPES_PLAN
from tests.store.helpers import hold_write_lock


def run_cron(
    *args: str | Path, cwd: Path | None = None, prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MKTPLAN_STORE", None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "mktplan", "cron", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


class Folders:
    def __init__(self, root: Path) -> None:
        self.inbox = root / "inbox"
        self.done = root / "done"
        self.rejected = root / "rejected"
        self.reports = root / "reports"
        self.store: Path | str = root / "store.sqlite"
        self.inbox.mkdir()

    def args(self, plan: Path, as_of: str) -> list[str | Path]:
        return [
            plan,
            self.inbox,
            self.done,
            self.rejected,
            self.reports,
            "--store",
            self.store,
            "--as-of",
            as_of,
        ]


@pytest.fixture
def folders(tmp_path: Path) -> Folders:
    return Folders(tmp_path)


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def critical_alerts(plan: Path, store: Path | str, as_of: str) -> int:
    result = run_cli("report", plan, "--format", "json", "--store", store, "--as-of", as_of)
    assert result.code in (0, 3), result.output
    return sum(a["severity"] == "critical" for a in json.loads(result.stdout)["alerts"])


def test_source_is_picked_from_the_file_name() -> None:
    sources = {"daily_report", "ads"}
    assert cron.source_for("week23.daily_report.csv", sources) == "daily_report"
    assert cron.source_for("x.daily_report.gbk.csv", sources) == "daily_report"
    assert cron.source_for("daily_report.csv", sources) is None  # no dots around it
    assert cron.source_for("week23.finance.csv", sources) is None
    assert cron.source_for("week23.csv", sources) is None


def test_inbox_skips_hidden_and_partial_files(tmp_path: Path) -> None:
    for name in ("b.csv", "a.xlsx", ".lock", "c.csv.part", "d.tmp"):
        (tmp_path / name).write_text("x", encoding="utf-8")
        os.utime(tmp_path / name, ns=(1_000_000_000, 1_000_000_000))  # one time: by name
    (tmp_path / "sub").mkdir()
    assert [p.name for p in cron.inbox_files(tmp_path)] == ["a.xlsx", "b.csv"]


def test_inbox_files_come_in_the_order_they_arrived(tmp_path: Path) -> None:
    # a correction dropped after its original is ingested after it, and so wins: by name,
    # "week 1 (corrected)" (a space) came before "week 1." (a dot) and the original won
    for name, second in (("week 1.cost.csv", 100), ("week 1 (corrected).cost.csv", 200)):
        (tmp_path / name).write_text("x", encoding="utf-8")
        os.utime(tmp_path / name, ns=(second * 10**9, second * 10**9))
    assert [p.name for p in cron.inbox_files(tmp_path)] == [
        "week 1.cost.csv",
        "week 1 (corrected).cost.csv",
    ]


def test_a_file_still_changing_is_left_for_the_next_run(tmp_path: Path) -> None:
    # a.csv was written 2 s ago, b.csv an hour ago, c.csv 3 s ago and changes while the run
    # waits for the others to be 10 s old: only a and b are ingested now
    now = 1_000_000.0
    files = []
    for name, age in (("a.csv", 2), ("b.csv", 3600), ("c.csv", 3)):
        file = tmp_path / name
        file.write_text("x", encoding="utf-8")
        os.utime(file, (now - age, now - age))
        files.append(file)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        (tmp_path / "c.csv").write_text("x,y", encoding="utf-8")  # the upload goes on

    ready, busy = cron.settled_files(files, 10, clock=lambda: now, sleep=sleep)
    assert ([p.name for p in ready], [p.name for p in busy]) == (["a.csv", "b.csv"], ["c.csv"])
    assert slept == [8]
    # files all older than the settle time are not waited for; 0 waits for none
    assert cron.settled_files(files[1:2], 10, clock=lambda: now, sleep=sleep) == ([files[1]], [])
    assert cron.settled_files(files, 0, clock=lambda: now, sleep=sleep) == (files, [])
    assert slept == [8]
    # a file removed during the wait is neither ready nor still being written

    def remove(seconds: float) -> None:
        (tmp_path / "a.csv").unlink()

    assert cron.settled_files(files, 10, clock=lambda: now, sleep=remove) == (files[1:], [])


def test_settle_is_bounded(folders: Folders) -> None:
    args = folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31")
    for bad in ("inf", "-1", "3601"):
        result = run_cron(*args, "--settle", bad)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr


def test_cron_leaves_an_upload_in_progress_in_the_inbox(folders: Folders) -> None:
    import threading

    upload = folders.inbox / "a.csv"
    whole = (PLANS / "q3-2023-growth.actuals.csv").read_text(encoding="utf-8")
    lines = whole.splitlines(keepends=True)
    stop = threading.Event()

    def write() -> None:  # a row every 0.3 s, as a slow upload writes, until the run is over
        with upload.open("w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
                out.flush()
                if stop.wait(0.3):
                    return

    writer = threading.Thread(target=write)
    writer.start()
    try:
        result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"), "--settle", 3)
    finally:
        stop.set()
        writer.join()
    # nothing ingested yet: the reports say there is no store (exit 1)
    assert result.stderr.startswith(f"mktplan cron: left {upload} in the inbox: it changed in")
    assert "in the last 3 s, so it is still being written; the next run takes it" in result.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "a.csv"]
    upload.write_text(whole, encoding="utf-8")  # the upload done
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"), "--settle", 0)
    assert result.returncode == 3, result.stderr  # the example plan's critical alerts
    assert "left" not in result.stderr
    assert names(folders.done) == ["a.csv"]


def test_free_name_never_overwrites(tmp_path: Path) -> None:
    assert cron.free_name(tmp_path, "a.csv") == tmp_path / "a.csv"
    (tmp_path / "a.csv").write_text("old", encoding="utf-8")
    assert cron.free_name(tmp_path, "a.csv") == tmp_path / "a.csv.1"


def test_a_file_that_cannot_be_moved_leaves_no_copy_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # another disk (no rename), and an inbox whose sticky bit keeps another user's file:
    # shutil.move copied the file, failed to delete it, and left the copy in DONE, one more
    # (`a.csv.1`, `a.csv.2` …) on every run while the file stayed in the inbox
    inbox, done = tmp_path / "inbox", tmp_path / "done"
    inbox.mkdir()
    done.mkdir()
    export = inbox / "a.csv"
    export.write_text("date,kpi,value\n", encoding="utf-8")
    real_unlink = os.unlink

    def no_rename(src: object, dst: object, **kwargs: object) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def unlink(path: object, **kwargs: object) -> None:
        if Path(str(path)) == export:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        real_unlink(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "rename", no_rename)
    monkeypatch.setattr(os, "unlink", unlink)
    for _ in range(2):
        moved = cron.move_to(export, done)
        assert isinstance(moved, str)
        assert "Operation not permitted" in moved
    assert names(inbox) == ["a.csv"]
    assert names(done) == []


def test_weekly_run_on_the_launch_exports(folders: Folders, backend: Backend) -> None:
    folders.store = backend.new()  # cron hands --store to each step: a file or a database
    plan = PLANS / "2024-06-launch.yaml"
    # The GBK daily report is a wide export: the `.daily_report.` in its name picks the source.
    shutil.copy(PLANS / "2024-06-launch.daily.gbk.csv", folders.inbox / "w23.daily_report.csv")
    shutil.copy(PLANS / "2024-06-launch.finance.csv", folders.inbox / "w23.finance.csv")
    (folders.inbox / ".hidden").write_text("ignored", encoding="utf-8")
    as_of = "2024-06-15"

    result = run_cron(*folders.args(plan, as_of))

    assert names(folders.done) == ["w23.daily_report.csv", "w23.finance.csv"]
    assert names(folders.rejected) == []
    assert names(folders.inbox) == [".hidden", ".mktplan-cron.lock"]
    assert names(folders.reports) == [
        f"2024-06-launch-{as_of}.{ext}" for ext in ("json", "md", "xlsx")
    ]
    assert result.stdout == ""
    critical = critical_alerts(plan, folders.store, as_of)
    if critical:
        assert result.returncode == 3
        assert "alerts at critical or worse" in result.stderr
        assert result.stderr.count("critical: ") == critical  # one line per alert
        assert str(folders.reports / f"2024-06-launch-{as_of}.xlsx") in result.stderr
    else:
        assert (result.returncode, result.stderr) == (0, "")


def test_rejected_file_moves_aside_with_its_error(folders: Folders) -> None:
    plan = PLANS / "q3-2023-growth.yaml"
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a-week.csv")
    (folders.inbox / "b-broken.csv").write_text(
        "date,kpi,value\n2023-07-03,online.sales,lots\n2023-07-04,online.salez,10\n",
        encoding="utf-8",
    )

    result = run_cron(*folders.args(plan, "2023-07-31"))

    assert result.returncode == 1
    assert result.stdout == ""
    assert names(folders.done) == ["a-week.csv"]
    assert names(folders.rejected) == ["b-broken.csv", "b-broken.csv.error.txt"]
    error = (folders.rejected / "b-broken.csv.error.txt").read_text(encoding="utf-8")
    assert "lots" in error
    assert "online.salez" in error
    assert "rejected" in result.stderr
    assert "b-broken.csv" in result.stderr
    # The good file landed and the reports were still written.
    assert names(folders.reports) == [
        f"q3-2023-growth-2023-07-31.{ext}" for ext in ("json", "md", "xlsx")
    ]
    # the refusal is logged in the store: the reports' data-quality banner names it
    issues = json.loads((folders.reports / "q3-2023-growth-2023-07-31.json").read_text("utf-8"))
    refused = [i for i in issues["data_issues"] if i["kind"] == "refused"]
    assert [(Path(i["source"]).name, i["count"]) for i in refused] == [("b-broken.csv", 2)]


def test_second_run_with_an_empty_inbox_rewrites_the_reports(folders: Folders) -> None:
    plan = PLANS / "q3-2023-growth.yaml"
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    first = run_cron(*folders.args(plan, "2023-08-31"))
    again = run_cron(*folders.args(plan, "2023-08-31"))
    assert first.returncode == again.returncode
    assert first.returncode in (0, 3)
    assert names(folders.done) == ["a.csv"]
    assert again.stdout == ""


def test_an_export_named_like_an_option_in_the_inbox_given_as_dot_is_ingested(
    folders: Folders,
) -> None:
    # cron run from inside its inbox: "." / "-w27.csv" is the path "-w27.csv", which the
    # ingest step read as an option (exit 2), so a good export was rejected unread
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "-w27.csv")
    dotted = [".", *folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31")[2:]]
    result = run_cron(PLANS / "q3-2023-growth.yaml", *dotted, cwd=folders.inbox)
    assert result.returncode in (0, 3), result.stderr
    assert names(folders.rejected) == []
    assert names(folders.done) == ["-w27.csv"]


def test_a_lock_file_another_user_left_does_not_stop_the_run(folders: Folders) -> None:
    # root tried the crontab line by hand once: its lock file (rw-r--r--) could not be opened
    # for writing by the cron user, and every later run ingested nothing
    lock = folders.inbox / ".mktplan-cron.lock"
    lock.touch()
    lock.chmod(0o444)
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    prefix: list[str] = []
    if os.geteuid() == 0:  # root writes any file: run without the right to
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("root writes every file, and setpriv is not here to drop that right")
        caps = "-dac_override,-dac_read_search"
        prefix = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}"]
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"), prefix=prefix)
    assert result.returncode in (0, 3), result.stderr
    assert "cannot lock" not in result.stderr
    assert names(folders.done) == ["a.csv"]


def test_a_rejected_file_whose_name_is_not_utf8_gets_its_error_file(folders: Folders) -> None:
    # 坏.csv in GBK, as a zip made on a Chinese Windows unpacks: writing its name into the
    # .error.txt as strict UTF-8 was an internal error that left it empty and wrote no report
    name = os.fsdecode("坏".encode("gbk") + b".csv")
    (folders.inbox / name).write_text(BROKEN, encoding="utf-8")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr
    assert names(folders.rejected) == [name, f"{name}.error.txt"]
    error = (folders.rejected / f"{name}.error.txt").read_text(encoding="utf-8")
    assert "\\udcbb\\udcb5.csv" in error
    assert "rejected" in error
    assert names(folders.reports) == [
        f"q3-2023-growth-2023-07-31.{ext}" for ext in ("json", "md", "xlsx")
    ]


def test_invalid_plan_leaves_the_inbox_alone(folders: Folders, tmp_path: Path) -> None:
    plan = tmp_path / "bad.yaml"
    text = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
    plan.write_text(text.replace("reserve: 45000 ", "reserve: 1 "), encoding="utf-8")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    result = run_cron(*folders.args(plan, "2023-07-31"))
    assert result.returncode == 1
    assert "not valid" in result.stderr
    assert names(folders.inbox) == ["a.csv"]
    # "a broken plan stops the run before any file is touched": no folder is made either
    assert not folders.done.exists()
    assert not folders.rejected.exists()
    assert not folders.reports.exists()


def test_a_reports_path_that_is_a_file_is_said_once(folders: Folders) -> None:
    folders.reports.write_text("not a folder", encoding="utf-8")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    assert result.returncode == 1
    assert f"the reports folder {folders.reports} is not a folder" in result.stderr
    assert "File exists" not in result.stderr  # no report was tried into it
    assert names(folders.done) == ["a.csv"]  # the ingest still happened


def test_a_wide_export_without_its_source_in_the_name_is_told_to_be_renamed(
    folders: Folders,
) -> None:
    plan = PLANS / "2024-06-launch.yaml"
    shutil.copy(PLANS / "2024-06-launch.daily.gbk.csv", folders.inbox / "week24-daily.csv")
    result = run_cron(*folders.args(plan, "2024-06-16"))
    assert result.returncode == 1
    error = (folders.rejected / "week24-daily.csv.error.txt").read_text(encoding="utf-8")
    assert "pass --source daily_report" in error  # ingest's own hint, as it said it
    assert "rename it week24-daily.daily_report.csv" in error  # what cron can act on


def test_overlapping_run_is_refused(folders: Folders) -> None:
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    with open(folders.inbox / ".mktplan-cron.lock", "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    assert result.returncode == 1
    assert "another run" in result.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "a.csv"]


def test_missing_inbox_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cron(PLANS / "q3-2023-growth.yaml", tmp_path / "nope", tmp_path / "d",
                      tmp_path / "r", tmp_path / "o")  # fmt: skip
    assert result.returncode == 2
    assert "not a folder" in result.stderr
    assert run_cron().returncode == 2


@pytest.mark.parametrize(
    ("done", "rejected", "reports", "said"),
    [
        ("inbox", "rejected", "reports", "the inbox and done folders are one folder"),
        ("done", "done/", "reports", "the done and rejected folders are one folder"),
        ("done", "rejected", "inbox/../inbox", "the inbox and reports folders are one folder"),
    ],
)
def test_two_roles_in_one_folder_are_a_usage_error_that_touches_nothing(
    folders: Folders, done: str, rejected: str, reports: str, said: str
) -> None:
    # reports written into the inbox were ingested (and rejected) the next week; files
    # "moved" to the inbox as done stayed there
    root = folders.inbox.parent
    fill_inbox(folders)
    before = names(folders.inbox)
    result = run_cron(PLANS / "q3-2023-growth.yaml", folders.inbox, root / done,
                      root / rejected, root / reports, "--store", folders.store)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert said in result.stderr
    assert names(folders.inbox) == before
    assert not Path(folders.store).exists()


BROKEN = "date,kpi,value\n2023-07-03,online.sales,lots\n"


def fill_inbox(folders: Folders) -> None:
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a-week.csv")
    (folders.inbox / "b-broken.csv").write_text(BROKEN, encoding="utf-8")
    (folders.inbox / "c-week.csv").write_text(
        "date,kpi,value\n2023-07-03,online.orders,7\n", encoding="utf-8"
    )


def assert_rest_of_the_run_happened(
    result: subprocess.CompletedProcess[str], folders: Folders
) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert names(folders.reports) == [
        f"q3-2023-growth-2023-07-31.{ext}" for ext in ("json", "md", "xlsx")
    ]
    # every good file was ingested, the last one included
    log = run_cli("log", PLANS / "q3-2023-growth.yaml", "--store", folders.store)
    assert "a-week.csv" in log.stdout
    assert "c-week.csv" in log.stdout


def test_a_done_folder_that_is_a_file_is_a_message_and_the_run_goes_on(folders: Folders) -> None:
    fill_inbox(folders)
    folders.done.write_text("not a folder", encoding="utf-8")
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    assert_rest_of_the_run_happened(result, folders)
    assert f"the done folder {folders.done} is not a folder" in result.stderr
    for name in ("a-week.csv", "c-week.csv"):
        assert f"{folders.inbox / name} was ingested but stays in the inbox" in result.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "a-week.csv", "c-week.csv"]
    assert names(folders.rejected) == ["b-broken.csv", "b-broken.csv.error.txt"]
    assert folders.done.read_text(encoding="utf-8") == "not a folder"


def test_an_unwritable_done_folder_is_a_message_and_the_run_goes_on(folders: Folders) -> None:
    folders.done.mkdir()
    # root ignores permission bits: a read-only mount is unwritable for everyone
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folders.done)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        os.chmod(folders.done, 0o500)
        if os.access(folders.done, os.W_OK):
            pytest.skip("cannot make a folder unwritable here")
    try:
        fill_inbox(folders)
        result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    finally:
        if mounted.returncode == 0:
            subprocess.run(["umount", "-l", str(folders.done)], check=False)
        else:
            os.chmod(folders.done, 0o700)
    assert_rest_of_the_run_happened(result, folders)
    assert f"{folders.inbox / 'a-week.csv'} was ingested but stays in the inbox" in result.stderr
    assert f"cannot move it to {folders.done}" in result.stderr
    assert names(folders.rejected) == ["b-broken.csv", "b-broken.csv.error.txt"]


def test_a_rejected_folder_that_is_a_file_keeps_the_file_and_its_message(folders: Folders) -> None:
    fill_inbox(folders)
    folders.rejected.write_text("not a folder", encoding="utf-8")
    result = run_cron(*folders.args(PLANS / "q3-2023-growth.yaml", "2023-07-31"))
    assert_rest_of_the_run_happened(result, folders)
    assert f"{folders.inbox / 'b-broken.csv'} was rejected and stays in the inbox" in result.stderr
    assert "lots" in result.stderr  # mktplan's reason is not lost
    assert names(folders.done) == ["a-week.csv", "c-week.csv"]
    assert names(folders.inbox) == [".mktplan-cron.lock", "b-broken.csv"]


def test_default_as_of_is_yesterday_and_lang_reaches_the_reports(folders: Folders) -> None:
    import datetime as dt

    plan = PLANS / "q3-2023-growth.yaml"
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    args = folders.args(plan, "x")[:-2]  # without --as-of
    result = run_cron(*args, "--lang", "zh")
    assert result.returncode in (0, 3), result.stderr
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    assert names(folders.reports) == [
        f"q3-2023-growth-{yesterday}.{ext}" for ext in ("json", "md", "xlsx")
    ]
    markdown = (folders.reports / f"q3-2023-growth-{yesterday}.md").read_text(encoding="utf-8")
    assert "负责人" in markdown


def test_fail_on_warning_prints_each_alert_with_kpi_and_owner(folders: Folders) -> None:
    plan = PLANS / "q3-2023-growth.yaml"
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "a.csv")
    result = run_cron(*folders.args(plan, "2023-07-31"), "--fail-on", "warning")
    report = json.loads(
        (folders.reports / "q3-2023-growth-2023-07-31.json").read_text(encoding="utf-8")
    )
    expected = [a for a in report["alerts"] if a["severity"] in ("warning", "critical")]
    assert expected, "the example plan has alerts at 2023-07-31"
    assert result.returncode == 3
    for alert in expected:
        # the KPI by the name the report shows, the deadline to the minute (not ISO with T)
        deadline = alert["respond_by"][:16].replace("T", " ")
        line = (
            f"{alert['severity']}: {alert['name']} (owner {alert['owner']}, respond by {deadline})"
        )
        assert line in result.stderr
    assert "mktplan cron: alerts at warning or worse; reports: " in result.stderr


# --- a store that cannot be used: the exports are fine and wait in the inbox -------------

Q3 = PLANS / "q3-2023-growth.yaml"


def store_with_q3(folders: Folders, backend: Backend) -> str:
    """A store already holding the Q3 plan's data, so its reports can be written."""
    store = backend.new()
    folders.store = store
    ingested = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
    assert ingested.code == 0, ingested.output
    return store


def test_a_locked_store_keeps_the_exports_in_the_inbox_for_the_next_run(
    folders: Folders, backend: Backend
) -> None:
    """An analyst's ingest holds the store when cron fires: nothing is judged, so nothing is
    rejected; the run stops ingesting at the first file, still writes the reports, exits 4,
    and the next run ingests the files."""
    store = store_with_q3(folders, backend)
    (folders.inbox / "a-week.csv").write_text(
        "date,kpi,value\n2023-07-31,online.orders,7\n", encoding="utf-8"
    )
    (folders.inbox / "b-broken.csv").write_text(BROKEN, encoding="utf-8")
    (folders.inbox / "c-week.csv").write_text(
        "date,kpi,value\n2023-07-30,online.orders,9\n", encoding="utf-8"
    )
    with hold_write_lock(store):
        locked = run_cron(*folders.args(Q3, "2023-07-31"), "--lock-timeout", "0.3")

    assert locked.returncode == 4, locked.stderr
    where = mask_password(store)
    assert locked.stderr.splitlines()[0] == (
        f"mktplan cron: the store could not be used, so {folders.inbox / 'a-week.csv'} and the "
        f"2 files after it stay in the inbox for the next run: {where}: another ingest holds "
        f"the store {where}; gave up after waiting 0.3 s Hint: wait for the other `mktplan "
        "ingest` to finish, then run again."
    )
    assert "rejected" not in locked.stderr  # b-broken.csv was not judged either
    assert names(folders.inbox) == [
        ".mktplan-cron.lock", "a-week.csv", "b-broken.csv", "c-week.csv"
    ]  # fmt: skip
    assert names(folders.done) == names(folders.rejected) == []
    assert names(folders.reports) == [
        f"q3-2023-growth-2023-07-31.{ext}" for ext in ("json", "md", "xlsx")
    ]

    again = run_cron(*folders.args(Q3, "2023-07-31"))

    assert again.returncode == 1, again.stderr  # now judged, b-broken.csv is rejected
    assert names(folders.done) == ["a-week.csv", "c-week.csv"]
    assert names(folders.rejected) == ["b-broken.csv", "b-broken.csv.error.txt"]
    assert names(folders.inbox) == [".mktplan-cron.lock"]
    assert "the store could not be used" not in again.stderr
    log = run_cli("log", Q3, "--store", store)
    assert "a-week.csv" in log.stdout
    assert "c-week.csv" in log.stdout


def test_a_rejected_file_wins_over_a_store_that_could_not_be_used(folders: Folders) -> None:
    """1 (a file needs a human) is the run's code even when the store then could not be used."""
    store = str(folders.store)
    ingested = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
    assert ingested.code == 0, ingested.output
    (folders.inbox / "a-broken.csv").write_text(BROKEN, encoding="utf-8")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "b-week.csv")
    with hold_write_lock(store):
        result = run_cron(*folders.args(Q3, "2023-07-31"), "--lock-timeout", "0")
    assert result.returncode == 1, result.stderr
    assert f"rejected {folders.rejected / 'a-broken.csv'}" in result.stderr
    assert (
        f"the store could not be used, so {folders.inbox / 'b-week.csv'} stays in the inbox "
        f"for the next run: {store}: another ingest holds the store {store}"
    ) in result.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "b-week.csv"]


def run_cron_with_ingest(
    folders: Folders, tmp_path: Path, stop: str
) -> subprocess.CompletedProcess[str]:
    """The weekly run, its ingest of a-week.csv stopped by ``stop`` (Python run instead of it,
    with ``argv`` the ingest's arguments); every other step as usual."""
    wrapper = tmp_path / "wrapper.py"
    wrapper.write_text(
        "import os, runpy, signal, sys\n"
        "argv = sys.argv[1:]\n"
        f"if argv[0] == 'ingest' and argv[-1].endswith('a-week.csv'):\n    {stop}\n"
        "sys.argv = ['mktplan', *argv]\n"
        "runpy.run_module('mktplan', run_name='__main__')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "1", "MKTPLAN": f"{sys.executable} {wrapper}"}
    env.pop("MKTPLAN_STORE", None)
    command = [sys.executable, "-m", "mktplan", "cron", *map(str, folders.args(Q3, "2023-07-31"))]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def inbox_of_two_weeks(folders: Folders) -> None:
    ingested = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", folders.store)
    assert ingested.code == 0, ingested.output  # so the reports have data
    for name in ("a-week.csv", "b-week.csv"):
        shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / name)


def test_a_killed_ingest_leaves_its_file_in_the_inbox_and_the_rest_go_on(
    folders: Folders, tmp_path: Path
) -> None:
    """Killed (out of memory, a shutdown): its file was not judged, so it is no reject; it
    waits for the next run, and the files after it are not held back."""
    inbox_of_two_weeks(folders)
    done = run_cron_with_ingest(folders, tmp_path, "os.kill(os.getpid(), signal.SIGKILL)")
    assert done.returncode == 1, done.stderr  # a human may want to look
    assert (
        f"the ingest of {folders.inbox / 'a-week.csv'} was killed (SIGKILL: out of memory, a "
        "shutdown) before it finished; the file stays in the inbox for the next run"
    ) in done.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "a-week.csv"]
    assert names(folders.done) == ["b-week.csv"]
    assert not folders.rejected.exists() or names(folders.rejected) == []


def test_an_interrupted_ingest_leaves_its_file_and_the_rest_in_the_inbox(
    folders: Folders, tmp_path: Path
) -> None:
    inbox_of_two_weeks(folders)
    done = run_cron_with_ingest(folders, tmp_path, "os._exit(130)")
    assert done.returncode == 4, done.stderr  # try again
    assert (
        f"the ingest of {folders.inbox / 'a-week.csv'} was interrupted before it stored "
        "anything, so it and the 1 file after it stay in the inbox for the next run"
    ) in done.stderr
    assert names(folders.inbox) == [".mktplan-cron.lock", "a-week.csv", "b-week.csv"]


def test_an_ingest_interrupted_after_it_stored_counts_as_ingested(
    folders: Folders, tmp_path: Path
) -> None:
    inbox_of_two_weeks(folders)
    stored = (
        "sys.argv = ['mktplan', *argv]\n    try:\n"
        "        runpy.run_module('mktplan', run_name='__main__')\n"
        "    except SystemExit:\n        pass\n"
        "    from mktplan.interrupt import STORED_MESSAGE\n"
        "    print(STORED_MESSAGE, file=sys.stderr)\n    os._exit(130)"
    )
    done = run_cron_with_ingest(folders, tmp_path, stored)
    assert done.returncode == 3, done.stderr  # the plan's critical alert, nothing else
    assert names(folders.done) == ["a-week.csv", "b-week.csv"]


def test_the_lock_timeout_reaches_each_ingest_and_each_report_up_to_5_s(
    folders: Folders, tmp_path: Path
) -> None:
    """Every step cron runs, as it ran it (through $MKTPLAN): --lock-timeout goes to each
    ingest as given and to each report at most 5 s, the report's own default wait."""
    folders.store = str(tmp_path / "store.sqlite")
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "week.csv")
    calls = tmp_path / "calls.jsonl"
    wrapper = tmp_path / "wrapper.py"
    wrapper.write_text(
        "import json, runpy, sys\n"
        f"with open({str(calls)!r}, 'a', encoding='utf-8') as out:\n"
        "    out.write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "sys.argv = ['mktplan', *sys.argv[1:]]\n"
        "runpy.run_module('mktplan', run_name='__main__')\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "1", "MKTPLAN": f"{sys.executable} {wrapper}"}
    env.pop("MKTPLAN_STORE", None)

    def steps(timeout: str | None) -> dict[str, list[str]]:
        calls.unlink(missing_ok=True)
        args = [*folders.args(Q3, "2023-07-31")]
        if timeout is not None:
            args += ["--lock-timeout", timeout]
        command = [sys.executable, "-m", "mktplan", "cron", *map(str, args)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert done.returncode in (0, 3), done.stderr
        found: dict[str, list[str]] = {}
        for line in calls.read_text(encoding="utf-8").splitlines():
            argv = json.loads(line)
            if "--lock-timeout" in argv:
                found.setdefault(argv[0], []).append(argv[argv.index("--lock-timeout") + 1])
        return found

    assert steps("2147483") == {"ingest": ["2147483"], "report": ["5", "5", "5"]}
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "again.csv")
    assert steps("0.5") == {"ingest": ["0.5"], "report": ["0.5", "0.5", "0.5"]}
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "last.csv")
    assert steps(None) == {}  # without it, each step waits as it always did


def test_a_store_from_a_newer_mktplan_keeps_the_inbox_and_exits_4(
    folders: Folders, backend: Backend
) -> None:
    store = store_with_q3(folders, backend)
    bump = "INSERT INTO schema_version VALUES (99, 'future', '2030-01-01T00:00:00+00:00')"
    if backend.name == "sqlite":
        with sqlite3.connect(store) as conn:
            conn.execute(bump)
        conn.close()
    else:
        import psycopg

        with psycopg.connect(store, autocommit=True) as pg:
            pg.execute(bump)
    shutil.copy(PLANS / "q3-2023-growth.actuals.csv", folders.inbox / "week.csv")
    result = run_cron(*folders.args(Q3, "2023-07-31"))
    assert result.returncode == 4, result.stderr
    assert (
        f"mktplan cron: the store could not be used, so {folders.inbox / 'week.csv'} stays in "
        f"the inbox for the next run: {mask_password(store)}: the store"
    ) in result.stderr
    assert result.stderr.count("report failed") == 3  # each report says so on its own
    assert names(folders.inbox) == [".mktplan-cron.lock", "week.csv"]
    assert names(folders.rejected) == []


SHOPS = SHAPES_PLAN + (
    "  tmall_bare:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales}\n"
    "  jd_bare:\n    date: 日期\n    module: ads\n    columns: {成交金额: sales}\n"
)


def test_an_export_the_store_refuses_is_still_rejected(
    folders: Folders, backend: Backend, tmp_path: Path
) -> None:
    """The store refusing the input (another source's values) is the file's fault: exit 1 from
    ingest, and cron rejects the file as before."""
    folders.store = backend.new()
    plan = tmp_path / "shops.yaml"
    plan.write_text(SHOPS, encoding="utf-8")
    (folders.inbox / "a.tmall_bare.csv").write_text(
        "日期,成交金额\n2025-10-01,100\n", encoding="utf-8"
    )
    (folders.inbox / "b.jd_bare.csv").write_text(
        "日期,成交金额\n2025-10-01,300\n", encoding="utf-8"
    )
    result = run_cron(*folders.args(plan, "2025-10-31"))
    assert result.returncode == 1, result.stderr
    assert names(folders.done) == ["a.tmall_bare.csv"]
    assert names(folders.rejected) == ["b.jd_bare.csv", "b.jd_bare.csv.error.txt"]
    error = (folders.rejected / "b.jd_bare.csv.error.txt").read_text(encoding="utf-8")
    assert "(--source jd_bare, exit 1)" in error
    assert "source 'jd_bare' would replace 1 value stored by source 'tmall_bare'" in error
    assert "the store could not be used" not in result.stderr
