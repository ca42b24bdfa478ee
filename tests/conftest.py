"""Shared fixtures: the bundled example plans and a way to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "plans"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(
    *args: str | os.PathLike[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Run:
    """Run the real entry point in a subprocess, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    full_env.pop("MKTPLAN_STORE", None)
    full_env.pop("MKTPLAN_LANG", None)  # a test names the language it expects
    if env:
        full_env.update(env)
    proc = subprocess.run(
        [sys.executable, "-m", "mktplan", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=300,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> type[Run]:
    return Run


@pytest.fixture
def q3_plan() -> Path:
    return PLANS / "q3-2023-growth.yaml"


@pytest.fixture
def launch_plan() -> Path:
    return PLANS / "2024-06-launch.yaml"
