"""`mktplan cron`: the unattended weekly run. Ingest every new export in an inbox, then write
the reports.

- Each file in INBOX (in the order the files arrived: by modification time, then name;
  hidden and *.part/*.tmp files are left alone) is first let settle: when one changed
  within the last ``--settle`` seconds (10), the run waits until it is that old, and a file
  that changed meanwhile (an upload still being written) stays in the inbox for the next
  run, in one line saying so. Each settled file is
  ingested on its own by `mktplan ingest -q` in a process of its own, so one bad or huge
  file cannot take the rest of the run down: with `--source NAME` when the file name
  contains `.NAME.` for a source NAME declared in the plan (`week23.daily_report.csv`),
  otherwise as long format. Ingested files move to DONE; rejected ones move to REJECTED
  beside `<file>.error.txt` with mktplan's message. An ingest that exits 4 (the store
  could not be used: locked past `--lock-timeout`, disk full, server down, damaged, newer)
  judged nothing: that file and every later one stay in the inbox for the next run (they
  would meet the same store), in one line saying so.
- Then `mktplan report` writes `<plan-id>-<as-of>.md`, `.xlsx` and `.json` into REPORTS
  (also after the store could not be used: a report fails on its own if it cannot read).
- Prints nothing on success. Exit 0 all well; 1 a file was rejected or a step failed;
  4 the store could not be used (by an ingest or a report) and nothing else failed; 3 the
  reports were written but an alert at `--fail-on` or worse exists (each such alert and
  the report files are printed); 2 usage. 1 wins over 4, and 4 over 3.

The steps run this interpreter's `-m mktplan`; set MKTPLAN to another command (e.g.
"/opt/mktplan/.venv/bin/mktplan") to override.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mktplan.errors import EXIT_ALERTS, EXIT_INVALID, EXIT_OK, EXIT_STORE, EXIT_USAGE
from mktplan.i18n import message
from mktplan.interrupt import EXIT_INTERRUPTED, STORED_MESSAGE

EXIT_FAILED = EXIT_INVALID
REPORT_FORMATS = ("md", "xlsx", "json")
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
SKIPPED_SUFFIXES = (".part", ".tmp", ".crdownload", ".error.txt")


def mktplan_command() -> list[str]:
    """How to run mktplan: $MKTPLAN, else this interpreter's `-m mktplan`."""
    override = os.environ.get("MKTPLAN")
    return shlex.split(override) if override else [sys.executable, "-m", "mktplan"]


def run(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    # callers put "--" before the paths: an inbox given as "." makes `-w27.csv` a path that
    # read as an option, so a good export was rejected unread (exit 2)
    return subprocess.run(  # noqa: S603  (our own command, no shell)
        [*mktplan_command(), *args], capture_output=True, text=True, env=env, check=False
    )


def source_for(name: str, sources: set[str]) -> str | None:
    """The declared source named between dots in a file name, e.g. `x.daily_report.csv`."""
    middle = name.split(".")[1:-1]
    found = [part for part in middle if part in sources]
    return found[0] if found else None


def inbox_files(inbox: Path) -> list[Path]:
    """The inbox's exports in the order they arrived: by modification time, then by name.
    Within one run a later file replaces the values of an earlier one (a correction), and a
    correction arrives after what it corrects: in name order "week 1 (corrected).csv" came
    before "week 1.csv" (a space sorts before a dot), and the stale original won."""
    found = [
        p
        for p in inbox.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(SKIPPED_SUFFIXES)
    ]
    return sorted(found, key=_arrival)


def _arrival(file: Path) -> tuple[int, str]:
    try:
        return file.stat().st_mtime_ns, file.name
    except OSError:  # gone meanwhile: its ingest says so
        return 0, file.name


def settled_files(
    files: list[Path],
    settle: float,
    *,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[list[Path], list[Path]]:
    """(the files that did not change for ``settle`` seconds, those still changing): when a
    file changed more recently, wait until it is ``settle`` seconds old (at most ``settle``)
    and look again; a file whose size or time changed meanwhile is being written (an upload
    that pauses between chunks), and a read of it now would store a part of it."""
    if settle <= 0 or not files:
        return files, []

    def state(file: Path) -> tuple[int, int] | None:
        try:
            found = file.stat()
        except OSError:  # gone meanwhile: its ingest says so
            return None
        return found.st_size, found.st_mtime_ns

    before = {file: state(file) for file in files}
    now = clock()
    ages = [now - s[1] / 1e9 for s in before.values() if s is not None]
    youngest = min(ages, default=settle)
    if youngest >= settle:
        return files, []
    sleep(min(settle, settle - youngest))
    after = {file: state(file) for file in files}
    # a file gone meanwhile is neither: nothing is left of it to ingest or to wait for
    busy = [file for file in files if after[file] not in (before[file], None)]
    ready = [file for file in files if after[file] is not None and file not in busy]
    return ready, busy


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/name.N` when a file of that name was moved there before."""
    target = folder / name
    n = 1
    while target.exists() or Path(f"{target}.error.txt").exists():
        target = folder / f"{name}.{n}"
        n += 1
    return target


@contextlib.contextmanager
def exclusive(inbox: Path) -> Iterator[bool | str]:
    """Hold a lock so two overlapping cron runs never ingest the same file twice: True when
    held, False when another run holds it, a message when the lock file cannot be made."""
    lock = inbox / ".mktplan-cron.lock"
    try:
        handle = open(lock, "a", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        # a lock file another user left (root ran the crontab line once to try it) cannot be
        # opened for writing, but flock needs no more than reading it
        try:
            handle = open(lock, encoding="utf-8")  # noqa: SIM115
        except OSError:
            yield reason(exc)
            return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


@dataclass(frozen=True)
class CronJob:
    """What one weekly run works on; the paths as the user gave them."""

    plan: Path
    inbox: Path
    done: Path
    rejected: Path
    reports: Path
    as_of: dt.date  # the last day the reports count
    store: str | None = None
    lang: str | None = None  # --lang passed on to every step (None: each step's own choice)
    speaks: str = "en"  # the language of the run's own lines
    units: str | None = None  # wan | plain (default: wan in Chinese)
    fail_on: str = "critical"
    # --lock-timeout of every ingest (None: ingest's own), and of each report up to its own 5 s
    lock_timeout: float | None = None
    settle: float = 10.0  # seconds an inbox file must stay unchanged (see settled_files)


@dataclass(frozen=True)
class InboxRun:
    """What ingesting the inbox left to say: one message per problem, and the line saying
    why the files from then on stay in the inbox (the store could not be used, or an ingest
    was interrupted before it stored anything), if so: the run then exits 4, try again."""

    problems: list[str]
    store_unavailable: str | None = None
    # files left for the next run as they were still being written, one line each
    waiting: tuple[str, ...] = ()


def reason(exc: OSError) -> str:
    """An OSError as one line: what the system said, and about which path."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{exc.strerror or exc}{where}"


def said(lang: str, key: str, /, **params: object) -> str:
    """One line of the run, ``mktplan cron: `` and the catalogue sentence ``key`` in ``lang``."""
    return "mktplan cron: " + message(key, lang, **params)


def same_folders(job: CronJob, lang: str) -> str | None:
    """The usage error for two of the job's folders that are one (`inbox/ inbox/ …`): files
    moved to done would stay in the inbox, reports written there would be ingested next
    week, and rejected files would be mixed with done ones. None when all four differ."""
    seen: dict[Path, str] = {}
    for folder, role in (
        (job.inbox, "inbox"),
        (job.done, "done"),
        (job.rejected, "rejected"),
        (job.reports, "reports"),
    ):
        try:
            key = folder.resolve()
        except OSError:  # a symlink loop: prepare_folder says what is wrong with it
            continue
        if key in seen:
            return said(
                lang,
                "cron.same_folder",
                first=message(f"cron.role.{seen[key]}", lang),
                second=message(f"cron.role.{role}", lang),
                folder=folder,
            )
        seen[key] = role
    return None


def prepare_folder(folder: Path, role: str, lang: str = "en") -> str | None:
    """Create ``folder`` (``role`` done, rejected or reports) if needed; a message in ``lang``
    when it cannot be used (None when it can)."""
    named = message(f"cron.role.{role}", lang)
    if folder.exists() and not folder.is_dir():
        return said(lang, "cron.folder_not_folder", role=named, folder=folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return said(lang, "cron.folder_unusable", role=named, folder=folder, why=reason(exc))
    return None


def move_to(file: Path, folder: Path) -> Path | str:
    """Move ``file`` into ``folder`` under a free name: the new path, or why it stayed (then
    nothing of it is left in ``folder``)."""
    try:
        target = free_name(folder, file.name)
    except OSError as exc:
        return reason(exc)
    try:
        shutil.move(file, target)
    except OSError as exc:
        # shutil.move copies when it cannot rename (another disk, or a shared inbox whose
        # sticky bit keeps another user's file) and then may fail to delete the original:
        # the copy, whole or cut short, must go, or every run left one more beside it
        if file.exists():
            with contextlib.suppress(OSError):
                target.unlink()
        return reason(exc)
    return target


def _rest_stays(
    so_far: InboxRun, lang: str, key: str, files: list[Path], index: int, why: str
) -> InboxRun:
    """The inbox run ``so_far``, up to ``files[index]``, which stays in the inbox with every file
    after it, and the line saying so (``key``, its ``_more`` form when files follow)."""
    after = len(files) - index - 1
    line = said(lang, f"{key}_more" if after else key, file=files[index], after=after, why=why)
    return replace(so_far, store_unavailable=line)


def one_line(output: str) -> str:
    """mktplan's message on one line, without its leading `mktplan: `."""
    text = " ".join(output.split())
    return text.removeprefix("mktplan: ")


def ingest_inbox(args: CronJob, store: list[str], sources: set[str]) -> InboxRun:
    """Ingest every inbox file on its own and move it aside; the problems, one message each.
    A file that cannot be moved stays in the inbox: ingesting it again changes nothing.
    When the store cannot be used (exit 4), or the ingest was interrupted before it stored,
    the file and all later ones stay in the inbox, untouched, and no further ingest is
    tried: each would meet the same store (or the same stop). A killed ingest leaves its
    file in the inbox and the rest go on. A file still being written stays for the next run
    (see :func:`settled_files`), and so does one replaced or rewritten while it was ingested:
    only the file the ingest read is moved."""
    files, busy = settled_files(inbox_files(args.inbox), args.settle)
    lang = args.speaks
    waiting = tuple(
        said(lang, "cron.still_written", file=file, settle=f"{args.settle:g}") for file in busy
    )
    ingested = _ingest_files(args, store, sources, files)
    return replace(ingested, waiting=waiting + ingested.waiting)


def _ingest_files(
    args: CronJob, store: list[str], sources: set[str], files: list[Path]
) -> InboxRun:
    # a file as ingest's scan knows it (imported here: hashlib and threads are no concern of
    # a run that finds its inbox empty)
    from mktplan.ingest.scan import file_identity

    problems: list[str] = []
    waiting: list[str] = []  # files replaced while they were ingested
    lang = args.speaks
    handed = ["--lang", args.lang] if args.lang is not None else []
    if args.lock_timeout is not None:
        handed += ["--lock-timeout", f"{args.lock_timeout:.15g}"]
    for index, file in enumerate(files):
        source = source_for(file.name, sources)
        extra = ["--source", source] if source else []
        # the file the ingest reads: a new export renamed onto its name meanwhile (as rsync,
        # SFTP clients and mail rules deliver) must not be moved aside unread
        read = file_identity(file)
        # a refusal is logged in the store: the weekly report's banner names it
        result = run(
            [
                "ingest",
                "-q",
                "--log-refusal",
                *store,
                *extra,
                *handed,
                "--",
                str(args.plan),
                str(file),
            ]
        )
        output = f"{result.stdout}{result.stderr}"
        if result.returncode == EXIT_STORE:
            why = one_line(output)
            so_far = InboxRun(problems, waiting=tuple(waiting))
            return _rest_stays(so_far, lang, "cron.store_unavailable", files, index, why)
        if result.returncode == EXIT_INTERRUPTED and STORED_MESSAGE not in result.stderr:
            # interrupted before its commit: nothing stored, nothing judged; the run is being
            # stopped too, most likely (Ctrl-C reaches the whole group)
            so_far = InboxRun(problems, waiting=tuple(waiting))
            return _rest_stays(so_far, lang, "cron.ingest_interrupted", files, index, "")
        if result.returncode < 0:
            # killed (out of memory, a shutdown): the file was not judged, and it may or may
            # not have been stored; it stays for the next run, which ingests or recognises
            # it, and the files after it go on (they are not what was wrong)
            how = signal.Signals(-result.returncode).name if -result.returncode in _SIGNALS else ""
            problems.append(
                said(lang, "cron.ingest_killed", file=file, how=how or result.returncode)
            )
            continue
        now = file_identity(file)
        if read is not None and now is not None and now != read:
            # replaced or rewritten while it was ingested: what is there now was not read, so
            # it stays for the next run (which recognises it if it is the same export)
            line = said(lang, "cron.replaced_while_ingested", file=file)
            if result.returncode in (0, EXIT_INTERRUPTED):
                waiting.append(line)
            else:  # the export it replaced was refused: a human should still hear of it
                problems.append(f"{line}\n{output.rstrip()}")
            continue
        if result.returncode in (0, EXIT_INTERRUPTED):  # 130 here: stopped after it stored
            moved = move_to(file, args.done)
            if isinstance(moved, str):
                problems.append(
                    said(lang, "cron.ingested_not_moved", file=file, folder=args.done, why=moved)
                )
            continue
        moved = move_to(file, args.rejected)
        if isinstance(moved, str):
            line = said(lang, "cron.rejected_not_moved", file=file, folder=args.rejected, why=moved)
            problems.append(f"{line}\n{output.rstrip()}")
            continue
        stamp = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        how = f"--source {source}" if source else message("cron.long_format", lang)
        head = message(
            "cron.error_file_head",
            lang,
            name=file.name,
            how=how,
            code=result.returncode,
            stamp=stamp,
        )
        tail = ""
        hinted = [] if source else [n for n in _SOURCE_HINT.findall(output) if n in sources]
        if hinted:  # "pass --source X" cannot be done here: the file's name can say it
            stem, dot, suffix = file.name.rpartition(".")
            renamed = f"{stem}.{hinted[0]}.{suffix}" if dot else f"{file.name}.{hinted[0]}"
            tail = "\n" + message("cron.source_by_name", lang, source=hinted[0], name=renamed)
        try:
            # a file name that is not UTF-8 (GBK bytes from a zip) is written as \udcXX escapes:
            # strict UTF-8 crashed the run here, leaving the .error.txt empty and no report
            Path(f"{moved}.error.txt").write_text(
                f"{head}\n\n{output}{tail}", encoding="utf-8", errors="backslashreplace"
            )
        except OSError as exc:
            line = said(lang, "cron.error_file_failed", file=moved, why=reason(exc))
            problems.append(f"{line}\n{output.rstrip()}")
            continue
        problems.append(said(lang, "cron.rejected", file=moved))
    return InboxRun(problems, waiting=tuple(waiting))


_SIGNALS = {int(s) for s in signal.Signals}

# ingest's hint to pass a source (English or Chinese): under cron the file's name picks it
_SOURCE_HINT = re.compile(r"--source ([A-Za-z_][A-Za-z0-9_]*)")


def run_cron(job: CronJob) -> int:
    """Run the weekly job; messages go to standard error. Returns the exit code."""
    args = job
    lang = job.speaks
    if not args.inbox.is_dir():
        print(said(lang, "cron.inbox_not_folder", inbox=args.inbox), file=sys.stderr)
        return EXIT_USAGE
    if (same := same_folders(args, lang)) is not None:
        print(same, file=sys.stderr)
        return EXIT_USAGE
    store = ["--store", args.store] if args.store else []
    told = ["--lang", args.lang] if args.lang is not None else []

    # A broken plan would reject every file; say so once and touch nothing.
    checked = run(["validate", "-q", *told, "--", str(args.plan)])
    if checked.returncode != 0:
        sys.stderr.write(checked.stdout + checked.stderr)
        print(said(lang, "cron.plan_invalid", plan=args.plan), file=sys.stderr)
        return EXIT_FAILED

    from mktplan.plan.validate import load_plan

    loaded = load_plan(args.plan)  # valid: checked just above
    stopped: str | None = None  # the line saying the store could not be used
    problems: list[str] = []
    reports_ready = True
    with exclusive(args.inbox) as locked:
        if locked is False:  # another run holds the inbox: nothing is touched
            print(said(lang, "cron.locked"), file=sys.stderr)
            return EXIT_FAILED
        # an unusable folder is reported and the rest of the run still happens
        for folder, role in ((args.done, "done"), (args.rejected, "rejected")):
            if (problem := prepare_folder(folder, role, lang)) is not None:
                problems.append(problem)
        if (problem := prepare_folder(args.reports, "reports", lang)) is not None:
            problems.append(problem)
            reports_ready = False  # said once here, not again by each report
        if isinstance(locked, str):  # a read-only inbox: nothing could be moved out of it
            problems.append(said(lang, "cron.cannot_lock", inbox=args.inbox, why=locked))
        else:
            ingested = ingest_inbox(args, store, set(loaded.sources))
            problems += ingested.problems
            stopped = ingested.store_unavailable
            for line in ingested.waiting:  # not a failure: the next run takes them
                print(line, file=sys.stderr)

    # 1 (a file or a step needs a human) wins over 4 (the store: try again), 4 over 3
    failed = bool(problems)
    store_unavailable = stopped is not None
    for problem in [*problems, *([stopped] if stopped else [])]:
        print(problem, file=sys.stderr)

    options = [*store, "--fail-on", args.fail_on, "-q", "--as-of", args.as_of.isoformat()]
    options += told
    if args.units is not None:
        options += ["--units", args.units]
    if args.lock_timeout is not None:  # a shorter wait holds for saving the results too
        from mktplan.store.bi import RESULTS_WAIT

        options += ["--lock-timeout", f"{min(args.lock_timeout, RESULTS_WAIT):.15g}"]
    alerts = False
    written: list[Path] = []
    for fmt in REPORT_FORMATS if reports_ready else ():
        out = f"{args.reports}{os.sep}"
        result = run(["report", "--format", fmt, "--out", out, *options, "--", str(args.plan)])
        if result.returncode == EXIT_ALERTS:
            alerts = True
        elif result.returncode != EXIT_OK:
            sys.stderr.write(result.stdout + result.stderr)
            print(said(lang, "cron.report_failed", format=fmt), file=sys.stderr)
            if result.returncode == EXIT_STORE:
                store_unavailable = True
            else:
                failed = True
            continue
        written += report_files(args, loaded.plan.id, fmt)
    if alerts:
        for line in alert_lines(written, args.fail_on, lang):
            print(line, file=sys.stderr)
        level = message(f"severity_{args.fail_on}", lang)
        files = ", ".join(str(p) for p in written)
        print(said(lang, "cron.alerts", level=level, files=files), file=sys.stderr)
    if failed:
        return EXIT_FAILED
    if store_unavailable:
        return EXIT_STORE
    return EXIT_ALERTS if alerts else EXIT_OK


def report_files(job: CronJob, plan_id: str, fmt: str) -> list[Path]:
    """The report of ``fmt`` written into the reports folder: `<plan-id>-<as-of>.<fmt>`."""
    written = job.reports / f"{plan_id}-{job.as_of.isoformat()}.{fmt}"
    return [written] if written.is_file() else []


def alert_lines(written: Sequence[Path], fail_on: str, lang: str = "en") -> list[str]:
    """One line per alert at ``fail_on`` or worse, read from the JSON report just written:
    severity, KPI (its name, as the report shows it), owner, respond-by (to the minute) and
    the report's own sentence, in ``lang``."""
    import datetime as dt
    import json

    from mktplan.render.numbers import timestamp

    def deadline(value: object) -> str:
        try:
            return timestamp(dt.datetime.fromisoformat(str(value)))
        except ValueError:
            return str(value)

    reports = [p for p in written if p.suffix == ".json"]
    if not reports:
        return []
    try:
        data: dict[str, Any] = json.loads(reports[0].read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    floor = SEVERITY_RANK[fail_on]
    return [
        message(
            "cron.alert_line",
            lang,
            severity=message(f"severity_{a['severity']}", lang),
            kpi=a.get("name") or a["kpi"],
            owner=a["owner"],
            respond_by=deadline(a["respond_by"]),
            text=a["message"],
        )
        for a in data.get("alerts", [])
        if SEVERITY_RANK.get(a.get("severity", ""), 0) >= floor
    ]
