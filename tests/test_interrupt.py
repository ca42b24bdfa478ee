"""Ctrl-C at any moment of a command: one line, exit 130, never a traceback."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PLANS, ROOT, Backend

# CPython's own start (site, runpy, the package's parent import) runs before the first line
# of mktplan: a SIGINT there is reported by the interpreter, with frames of its own only
# ("<frozen runpy>", "Fatal Python error: init_import_site"); no program can handle it


def traceback_in_mktplan(stderr: str) -> bool:
    """A traceback through mktplan's own files (not only the interpreter's start-up)."""
    return "Traceback" in stderr and f"{os.sep}mktplan{os.sep}" in stderr


def test_an_interrupt_at_any_moment_exits_130_with_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    export = PLANS / "q3-2023-growth.actuals.csv"
    plan = PLANS / "q3-2023-growth.yaml"
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("MKTPLAN_STORE", None)
    ingest = [sys.executable, "-m", "mktplan", "ingest", plan, export, "--store", store]
    assert subprocess.run(ingest, capture_output=True, env=env, check=False).returncode == 0
    report = [sys.executable, "-m", "mktplan", "report", plan, "--format", "json"]
    report += ["--as-of", "2023-07-20", "--store", store]
    rng = random.Random(20261130)  # noqa: S311  (delays, not secrets)
    outcomes: list[tuple[float, int, str]] = []
    for _ in range(30):
        delay = rng.uniform(0.0, 0.5)
        proc = subprocess.Popen(
            report, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
        outcomes.append((delay, proc.returncode, stderr))
    for delay, code, stderr in outcomes:
        assert not traceback_in_mktplan(stderr), f"after {delay:.3f} s:\n{stderr}"
        if "Traceback" in stderr or "Fatal Python error" in stderr:
            continue  # the interpreter's start, before mktplan (see above)
        assert "Aborted" not in stderr, f"after {delay:.3f} s:\n{stderr}"
        if code == 130:
            assert stderr == "mktplan: interrupted\n", f"after {delay:.3f} s:\n{stderr}"
        else:  # finished first, or killed before the interpreter had set up any handler
            assert code in (0, 1, -signal.SIGINT), f"after {delay:.3f} s: exit {code}\n{stderr}"
    assert sum(code == 130 for _, code, _ in outcomes) >= 10  # most tries did interrupt it


# An interrupt that lands where Python cannot raise it (here a __del__; in the wild a callback
# from C code, as pydantic-core compiling a pattern was seen to be) was printed as "Exception
# ignored in …" with a traceback, and the command went on as if nothing had happened.
_LOST_INTERRUPT = """
import os, signal
from mktplan import interrupt
interrupt.install()

class SendsInterrupt:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        sum(range(1000))  # Python code runs: the handler raises here, inside __del__

try:
    with interrupt.armed:
        gone = SendsInterrupt()
        del gone
        for _ in range(10_000_000):
            pass
    print("not interrupted")
except interrupt.Interrupted:
    print("interrupted")
"""


def test_an_interrupt_inside_a_finalizer_still_ends_the_command() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _LOST_INTERRUPT],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert ran.stdout == "interrupted\n"
    assert ran.stderr == ""


def test_the_entry_point_runs_the_garbage_collector_rarely() -> None:
    """A command's process collects cycles every 200,000 new objects, not every 700 (a fifth
    of a big report's CPU time went to collector passes), from before the first import."""
    probe = (
        "import gc, os, sys\n"
        "from mktplan import __main__ as entry\n"
        "real_exit = os._exit\n"
        "def leave(code):\n"
        "    print(gc.get_threshold(), code, flush=True)\n"
        "    real_exit(code)\n"
        "os._exit = leave\n"
        "sys.argv = ['mktplan', '--version']\n"
        "entry.main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip().splitlines()[-1] == "(200000, 30, 30) 0"


def test_the_process_ends_without_teardown_after_flushing_everything(tmp_path: Path) -> None:
    """The entry point leaves by os._exit once the output is flushed: a report to a pipe
    arrives whole, and every exit code is the command's."""
    store = tmp_path / "store.sqlite"
    plan = PLANS / "q3-2023-growth.yaml"
    ingest = [sys.executable, "-m", "mktplan", "ingest", plan, PLANS / "q3-2023-growth.actuals.csv"]
    done = subprocess.run([*ingest, "--store", store], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr
    report = [sys.executable, "-m", "mktplan", "report", plan, "--store", store, "--as-of"]
    done = subprocess.run(
        [*report, "2023-07-31", "--format", "json"], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["plan"]["id"] == "q3-2023-growth"
    done = subprocess.run([*report, "2023-07-31", "--format", "md"], capture_output=True)
    assert done.stdout.decode().endswith("\n")
    assert done.returncode == 0
    # 1: invalid input, 2: usage, 3: alerts at --fail-on level, each with its message
    done = subprocess.run([*report, "2023-13-45"], capture_output=True, check=False)
    assert (done.returncode, done.stdout) == (2, b"")
    assert b"2023-13-45" in done.stderr
    assert b"Traceback" not in done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "mktplan", "validate", tmp_path / "none.yaml"],
        capture_output=True,
        check=False,
    )
    assert missing.returncode == 1
    assert b"not found" in missing.stdout + missing.stderr
    alerts = subprocess.run(
        [*report, "2023-07-31", "--format", "json", "--fail-on", "warning", "--out", tmp_path],
        capture_output=True,
        check=False,
    )
    assert alerts.returncode == 3, alerts.stderr


def test_under_a_profiler_the_process_exits_the_usual_way(tmp_path: Path) -> None:
    """cProfile (bench/run --profile) writes its file as Python exits: no fast exit then."""
    stats = tmp_path / "version.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", stats, "-m", "mktplan", "--version"],
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert stats.stat().st_size > 0


# A Ctrl-C that lands while an ingest commits, or just after: the changes are stored, and the
# line must say so (it said "interrupted", which the README reads as rolled back). Sent from
# the hold that guards the commit, so it lands there every time.
_AT_COMMIT = """
import os, signal, sys
from mktplan import interrupt
from mktplan.cli import main

started = interrupt.Hold.start

def start_then_interrupt(self):
    started(self)
    os.kill(os.getpid(), signal.SIGINT)

interrupt.Hold.start = start_then_interrupt
sys.argv = ["mktplan", *sys.argv[1:]]
main()
"""


def _ingest_interrupted_at_commit(store: str, *extra: str) -> subprocess.CompletedProcess[str]:
    plan = PLANS / "q3-2023-growth.yaml"
    export = PLANS / "q3-2023-growth.actuals.csv"
    return subprocess.run(
        [
            sys.executable,
            "-c",
            _AT_COMMIT,
            "ingest",
            str(plan),
            str(export),
            "--store",
            store,
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_an_interrupt_at_the_commit_says_the_ingest_was_stored(backend: Backend) -> None:
    from mktplan.store import open_store

    store = backend.new()
    ran = _ingest_interrupted_at_commit(store)
    assert ran.returncode == 130, ran.stderr
    assert ran.stderr == "mktplan: interrupted after its changes were stored\n"
    with open_store(store) as opened:
        assert len(opened.observations("q3-2023-growth")) == 539
        assert len(opened.runs("q3-2023-growth")) == 1


def test_an_interrupt_at_a_dry_runs_rollback_says_nothing_was_stored(tmp_path: Path) -> None:
    # SQLite's dry run ends with a ROLLBACK under the same hold (PostgreSQL's leaves the
    # transaction by an exception, with no hold: an interrupt there says "interrupted" too)
    ran = _ingest_interrupted_at_commit(str(tmp_path / "s.sqlite"), "--dry-run")
    assert ran.returncode == 130, ran.stderr
    assert ran.stderr == "mktplan: interrupted\n"


def test_an_error_raised_while_an_interrupt_unwinds_is_told_as_the_interrupt() -> None:
    # a Ctrl-C in the middle of psycopg's pipelined write: the rollback that follows fails
    # ("cannot exit pipeline mode while busy"), and that error must not be told as an
    # unreachable store (exit 4) in place of the interrupt (exit 130)
    from mktplan.interrupt import Interrupted, _while_interrupted

    def rollback_fails() -> None:
        try:
            raise Interrupted
        except Interrupted:
            raise OSError("cannot exit pipeline mode while busy") from None

    with pytest.raises(OSError, match="pipeline mode") as failed:
        rollback_fails()
    assert _while_interrupted(failed.value)
    assert not _while_interrupted(OSError("the server closed the connection"))
