"""The forked commands of ``run_cli`` (tests/forkserver.py) answer as a new interpreter
running ``python -m mktplan`` answers: the same output, exit code and effects."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import _FORKS, PLANS, Run, command_env, run_cli, run_fresh
from tests.forkserver import needs_fresh_start

Q3 = PLANS / "q3-2023-growth.yaml"


def fresh(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    return run_fresh(*args, cwd=cwd, env=command_env(env))


def forked(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> Run:
    with _FORKS.lock:
        return _FORKS.run([str(arg) for arg in args], cwd, command_env(env))


COMMANDS = {
    "valid plan": ("validate", Q3),
    "missing plan": ("validate", "no-such-plan.yaml"),
    "usage error": ("validate", "--no-such-option"),
    "help": ("report", "--help"),
    "no arguments": (),
    "version": ("--version",),
}


@pytest.mark.parametrize("args", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_forked_command_answers_as_a_new_interpreter(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    assert forked(*args, cwd=tmp_path) == fresh(*args, cwd=tmp_path)


def test_a_forked_command_has_its_own_folder_environment_and_files(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_bytes(Q3.read_bytes().replace(b"owner:", b"owner_:", 1))
    chinese = {"MKTPLAN_LANG": "zh"}
    first = forked("validate", "plan.yaml", cwd=tmp_path, env=chinese)
    assert first == fresh("validate", "plan.yaml", cwd=tmp_path, env=chinese)
    assert first.code == 1
    assert "plan.yaml:" in first.output
    assert "错误" in first.output
    # a relative store lands in the command's folder; a later command sees no setting of it
    ingested = forked(
        "ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", "s.sqlite", cwd=tmp_path
    )
    assert ingested.code == 0
    assert (tmp_path / "s.sqlite").is_file()
    english = forked("validate", "plan.yaml", cwd=tmp_path)
    assert english == fresh("validate", "plan.yaml", cwd=tmp_path)
    assert "错误" not in english.output


def test_start_up_settings_start_a_new_interpreter() -> None:
    base = command_env()
    assert not needs_fresh_start(base, {**base, "MKTPLAN_LANG": "zh", "PATH": "/nowhere"})
    for name, value in [("PYTHONIOENCODING", "ascii"), ("LC_ALL", "C"), ("TZ", "Asia/Tokyo")]:
        assert needs_fresh_start(base, {**base, name: value})
    assert needs_fresh_start(base, {**base, "COLUMNS": "80"})
    without = dict(base)
    without.pop("COLUMNS")
    assert needs_fresh_start(base, without)


def test_a_command_past_its_time_is_killed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.conftest.COMMAND_TIMEOUT", 0.5)
    fifo = tmp_path / "never.yaml"
    os.mkfifo(fifo)  # opening it for reading waits for a writer that never comes
    with pytest.raises(subprocess.TimeoutExpired):
        run_cli("validate", fifo)
    # the server goes on with the next command
    assert run_cli("validate", Q3).code == 0


INGESTS = {
    "q3-2023-growth": [("q3-2023-growth.actuals.csv",)],
    "2024-06-launch": [
        ("2024-06-launch.finance.csv",),
        ("2024-06-launch.daily.gbk.csv", "--source", "daily_report"),
    ],
}
AS_OF = {"q3-2023-growth": "2023-08-20", "2024-06-launch": "2024-06-14"}


def test_reports_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Forked commands share their server's hash seed, so a set's order could stay the same
    from one forked run to the next by chance: the reports are compared across two seeds."""
    store = tmp_path / "store.sqlite"
    for plan, ingests in INGESTS.items():
        for export, *source in ingests:
            ingested = run_cli(
                "ingest", PLANS / f"{plan}.yaml", PLANS / export, *source, "--store", store
            )
            assert ingested.code == 0, ingested.output
        for fmt in ("md", "json", "brief"):
            args = (
                "report",
                PLANS / f"{plan}.yaml",
                "--store",
                store,
                "--as-of",
                AS_OF[plan],
                "-f",
                fmt,
            )
            seeded = [run_cli(*args, env={"PYTHONHASHSEED": seed}) for seed in ("1", "2")]
            assert seeded[0].code in (0, 3), seeded[0].output
            assert seeded[0] == seeded[1]


def test_a_command_that_cannot_start_is_an_error_not_the_last_output(tmp_path: Path) -> None:
    assert run_cli("--version").code == 0
    with pytest.raises(RuntimeError, match="could not start"):
        run_cli("validate", Q3, cwd=tmp_path / "no-such-folder")
    with pytest.raises(RuntimeError, match="could not start"):
        run_cli("validate", Q3, env={"MKTPLAN_X": "nul\0byte"})
    assert run_cli("validate", Q3).code == 0


def test_a_relative_folder_is_the_tests_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "plan.yaml").write_bytes(Q3.read_bytes())
    assert run_cli("validate", "plan.yaml", cwd=Path("sub")).code == 0
