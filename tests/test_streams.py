"""Standard streams a command cannot use as usual: output whose reader closed the pipe
(`mktplan ingest … | head`), a closed standard output (`>&-`), a COLUMNS of 0. The work is
done or refused as always; the exit code says what happened to the output, never "invalid
input" for work that was done."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from mktplan.errors import EXIT_PIPE
from mktplan.store import Store
from tests.conftest import PLANS, command_env

PLAN = PLANS / "q3-2023-growth.yaml"
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"


def mktplan(*args: object) -> list[str]:
    return [sys.executable, "-m", "mktplan", *map(str, args)]


def into_closed_pipe(argv: Sequence[str]) -> tuple[int, str]:
    """Run with standard output a pipe whose reader is gone: (exit code, standard error)."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            argv, stdout=write, stderr=subprocess.PIPE, env=command_env(), check=False
        )
    finally:
        os.close(write)
    return done.returncode, done.stderr.decode()


def with_stdout_closed(argv: Sequence[str]) -> tuple[int, str]:
    """Run with standard output closed (`>&-`): (exit code, standard error)."""
    done = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *argv],
        stderr=subprocess.PIPE,
        env=command_env(),
        check=False,
    )
    return done.returncode, done.stderr.decode()


def runs(store: Path) -> int:
    with Store.open(store) as opened:
        return len(opened.runs())


def test_work_done_for_a_reader_that_closed_the_pipe_exits_141(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, stderr = into_closed_pipe(mktplan("ingest", PLAN, ACTUALS, "--store", store))
    assert (code, stderr) == (EXIT_PIPE, "")
    assert runs(store) == 1  # stored: 141 is not "rejected, nothing stored"
    out = tmp_path / "r.md"
    report = mktplan("report", PLAN, "--store", store, "--as-of", "2023-07-31")
    code, stderr = into_closed_pipe([*report, "--out", out])
    assert (code, stderr) == (EXIT_PIPE, "")
    assert out.read_text(encoding="utf-8").startswith("# ")
    for fmt in ("md", "table", "brief"):
        code, stderr = into_closed_pipe([*report, "--format", fmt])
        assert (code, stderr) == (EXIT_PIPE, ""), fmt
    for command in (["validate", PLAN], ["log", PLAN, "--store", store]):
        code, stderr = into_closed_pipe(mktplan(*command, "--format", "json"))
        assert (code, stderr) == (EXIT_PIPE, ""), command
    # a command that fails keeps its own code and message
    code, stderr = into_closed_pipe(mktplan("report", PLAN, "--store", store, "--as-of", "x"))
    assert code == 2
    assert "Traceback" not in stderr


def test_a_closed_standard_output_does_not_stop_work_that_needs_none(tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    code, stderr = with_stdout_closed(mktplan("ingest", PLAN, ACTUALS, "--store", store))
    assert (code, stderr) == (0, "")
    assert runs(store) == 1
    report = mktplan("report", PLAN, "--store", store, "--as-of", "2023-07-31")
    code, stderr = with_stdout_closed([*report, "--format", "xlsx", "--out", tmp_path, "-q"])
    assert (code, stderr) == (0, "")
    assert (tmp_path / "q3-2023-growth-2023-07-31.xlsx").stat().st_size > 0
    code, stderr = with_stdout_closed([*report, "--format", "md"])
    assert (code, stderr) == (EXIT_PIPE, "")


def test_columns_of_zero_still_shows_every_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("plan: [\n", encoding="utf-8")
    for command in (["validate", bad], ["report", bad, "--as-of", "2023-07-31"]):
        done = subprocess.run(
            mktplan(*command),
            capture_output=True,
            env=command_env({"COLUMNS": "0"}),
            check=False,
        )
        assert done.returncode == 1
        assert b"bad.yaml:2" in done.stdout + done.stderr, command
