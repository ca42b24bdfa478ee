"""The bundled plans are the format contract: they validate unchanged, and stay identical to
the copies in ../shared/examples when those are present."""

from __future__ import annotations

import pytest

from mktplan.plan.validate import check_plan_file
from tests.conftest import PLANS, ROOT, run_cli

SHARED = ROOT.parent / "shared" / "examples"
# The plan-format contract: byte-identical copies of ../shared/examples. plans/ also holds
# examples of our own (the phased 2025-11-double11 plan), which have no shared copy.
CONTRACT = [
    "2024-06-launch.daily.gbk.csv",
    "2024-06-launch.finance.csv",
    "2024-06-launch.yaml",
    "q3-2023-growth.actuals.csv",
    "q3-2023-growth.yaml",
]


@pytest.mark.parametrize("name", sorted(p.name for p in PLANS.glob("*.yaml")))
def test_example_plan_is_valid(name: str) -> None:
    result = check_plan_file(PLANS / name)
    assert result.valid, [f.message for f in result.findings]
    # the launch plan averages its conversion rates without a weight: a warning, kept as
    # the example of it (exit 0)
    unweighted = {"2024-06-launch.yaml": ["online.conversion_rate", "offline.conversion_rate"]}
    expected = unweighted.get(name, [])
    assert [f.code for f in result.findings] == ["rate_mean_unweighted"] * len(expected)
    assert all(kpi in f.message for f, kpi in zip(result.findings, expected, strict=True))


@pytest.mark.parametrize("name", CONTRACT)
def test_bundled_copy_matches_shared_contract(name: str) -> None:
    path = PLANS / name
    shared = SHARED / name
    if not shared.exists():
        pytest.skip("../shared/examples is not beside this checkout")
    assert path.read_bytes() == shared.read_bytes()


def test_cli_validates_both_examples() -> None:
    run = run_cli("validate", PLANS / "q3-2023-growth.yaml", PLANS / "2024-06-launch.yaml")
    assert run.code == 0, run.output
    assert "2 plans checked: 2 valid" in run.stdout
