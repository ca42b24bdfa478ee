"""bench/run's timer: wall time, exit code and the command's own peak memory."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.suite import timed_run


def test_the_peak_memory_is_the_commands_not_the_harnesss(tmp_path: Path) -> None:
    # the harness may hold a store it just built; a forked copy of it used to be counted
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"x" * len(ballast[::4096])  # touch every page: resident
    elapsed, code, peak_kib = timed_run([sys.executable, "-c", "pass"], tmp_path / "log")
    assert code == 0
    assert 0 < elapsed < 30
    assert peak_kib < 200 * 1024, peak_kib
    del ballast


def test_the_exit_code_and_output_of_the_command(tmp_path: Path) -> None:
    log = tmp_path / "log"
    script = "import sys; print('out'); x = bytearray(150 * 2**20); x[::4096] = b'y' * len(x[::4096]); sys.exit(3)"
    _, code, peak_kib = timed_run([sys.executable, "-c", script], log)
    assert code == 3
    assert log.read_text().strip() == "out"
    assert peak_kib > 150 * 1024  # the command's own memory is counted


def test_the_report_states_the_machine_speed_beside_the_figures() -> None:
    from bench.suite import QUICK, Result, Yardstick, markdown

    before, after = Yardstick(0.5, 1.25), Yardstick(0.75, 2.0)
    text = markdown([Result("help", "< 0.15 s")], QUICK, (before, after))
    assert (
        "Machine speed: a pure-Python loop of 5,000,000 additions took 0.500 s (load 1.25) "
        "before the run and 0.750 s (load 2.00) after it." in text
    )
    measured = Yardstick.measure()
    assert 0 < measured.seconds < 60
    assert measured.load >= 0
