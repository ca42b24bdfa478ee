"""Golden-file comparison: a failure shows a unified diff; MKTPLAN_REGEN_GOLDEN=1 rewrites."""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
REGEN_ENV = "MKTPLAN_REGEN_GOLDEN"


def assert_golden(name: str, actual: str) -> None:
    """``actual`` must equal golden/<name> byte for byte (UTF-8, newlines as written)."""
    path = GOLDEN / name
    if os.environ.get(REGEN_ENV) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing; create it with {REGEN_ENV}=1")
    expected = path.read_bytes().decode("utf-8")
    if expected != actual:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{name}",
                tofile="rendered",
            )
        )
        pytest.fail(f"output differs from golden/{name} ({REGEN_ENV}=1 rewrites it):\n{diff}")
