"""The bundled plans are the format contract: they validate unchanged, and stay identical to
the copies in ../shared/examples when those are present."""

from __future__ import annotations

from pathlib import Path

import pytest

from mktplan.plan.validate import check_plan_file
from tests.conftest import PLANS, ROOT, run_cli

SHARED = ROOT.parent / "shared" / "examples"


@pytest.mark.parametrize("name", ["q3-2023-growth.yaml", "2024-06-launch.yaml"])
def test_example_plan_is_valid(name: str) -> None:
    result = check_plan_file(PLANS / name)
    assert result.valid, [f.message for f in result.findings]
    assert result.findings == []


@pytest.mark.parametrize(
    "path", sorted(p for p in PLANS.iterdir() if p.is_file()), ids=lambda p: p.name
)
def test_bundled_copy_matches_shared_contract(path: Path) -> None:
    shared = SHARED / path.name
    if not shared.exists():
        pytest.skip("../shared/examples is not beside this checkout")
    assert path.read_bytes() == shared.read_bytes()


def test_cli_validates_both_examples() -> None:
    run = run_cli("validate", PLANS / "q3-2023-growth.yaml", PLANS / "2024-06-launch.yaml")
    assert run.code == 0, run.output
    assert "2 plans checked: 2 valid" in run.stdout
