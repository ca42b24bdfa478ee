"""A --store value that looks like a URI is refused, never taken as a file name."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mktplan.errors import UsageError
from mktplan.store import resolve_store_path
from tests.conftest import run_cli

PLANS = Path(__file__).resolve().parents[2] / "plans"


@pytest.mark.parametrize(
    "value",
    [
        "postgresql://mk:s3cret@db.example/marketing",
        "postgres://db.example/marketing",
        "postgresql://mk@/marketing?host=/run/postgresql&password=s3cret",
        "sqlite:///tmp/store.sqlite",
        "https://example.com/store.sqlite",
    ],
)
def test_uri_like_store_values_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    with pytest.raises(UsageError) as info:
        resolve_store_path(Path(value), tmp_path / "plan.yaml")
    assert "s3cret" not in info.value.message
    monkeypatch.setenv("MKTPLAN_STORE", value)
    with pytest.raises(UsageError):
        resolve_store_path(None, tmp_path / "plan.yaml")


def test_ingest_with_a_postgres_uri_creates_nothing(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("q3-2023-growth.yaml", "q3-2023-growth.actuals.csv"):
        shutil.copy(PLANS / name, inputs / name)
    work = tmp_path / "work"
    work.mkdir()
    run = run_cli(
        "ingest", inputs / "q3-2023-growth.yaml", inputs / "q3-2023-growth.actuals.csv",
        "--store", "postgresql://mk:s3cret@localhost/marketing", cwd=work,
    )
    assert run.code == 2
    assert "looks like a URI" in run.output
    assert "s3cret" not in run.output
    assert "Traceback" not in run.output
    assert list(work.iterdir()) == []
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith("postgresql")]


def test_windows_drive_and_plain_paths_stay_paths(tmp_path: Path) -> None:
    assert resolve_store_path(Path("C:/stores/a.sqlite"), tmp_path) == Path("C:/stores/a.sqlite")
    absolute = tmp_path / "backup:" / "s.sqlite"
    assert resolve_store_path(absolute, tmp_path) == absolute
