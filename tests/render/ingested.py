"""A plan written to a folder of its own with one export ingested for it through the CLI:
what the report tests read, built once per module."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import run_cli


def ingested_plan(folder: Path, plan: str, data: str) -> Path:
    """``plan`` as folder/plan.yaml with ``data`` as folder/web.csv ingested for its source
    `web` (into the plan's default store beside it); the plan's path."""
    path = folder / "plan.yaml"
    path.write_text(plan, encoding="utf-8")
    (folder / "web.csv").write_text(data, encoding="utf-8")
    result = run_cli("ingest", path, folder / "web.csv", "--source", "web", "-q")
    assert result.code == 0, result.output
    return path
