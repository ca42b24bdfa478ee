"""Property tests on plans: generated valid plans validate; any one-field mutation of them,
and any text at all, yields findings or a valid plan — never an exception, exit 0/1/2 only."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mktplan.cli import main
from mktplan.plan.validate import check_plan_file

pytestmark = pytest.mark.slow

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

START = dt.date(2024, 1, 1)


@st.composite
def valid_plans(draw: st.DrawFn) -> dict[str, Any]:
    """A random plan that satisfies every rule by construction."""
    days = draw(st.integers(min_value=30, max_value=365))
    end = START + dt.timedelta(days=days - 1)
    n_modules = draw(st.integers(min_value=1, max_value=4))
    module_budgets = [
        draw(st.integers(min_value=1_000, max_value=500_000)) for _ in range(n_modules)
    ]
    allocated = sum(module_budgets)
    # a reserve of s % of the total: reserve / (allocated + reserve) = s / 100; s in 11..14
    # keeps the floor division safely inside 10–15 %
    share = draw(st.integers(min_value=11, max_value=14))
    reserve = allocated * share // (100 - share)
    total = allocated + reserve
    modules = []
    for m, budget in enumerate(module_budgets):
        n_kpis = draw(st.integers(min_value=1, max_value=4))
        kpis: list[dict[str, Any]] = []
        for k in range(n_kpis):
            due = START + dt.timedelta(days=draw(st.integers(min_value=0, max_value=days - 1)))
            unit = draw(st.sampled_from(["count", "CNY", "%"]))
            # a rate is never summed (validate refuses it): any other aggregation
            ways = ["last", "max", "min", "mean"] + ([] if unit == "%" else ["sum"])
            kpi: dict[str, Any] = {
                "id": f"k{k}",
                "name": f"KPI {k}",
                "unit": unit,
                "source": "back end",
                "aggregation": draw(st.sampled_from(ways)),
            }
            if k == 0 or draw(st.booleans()):
                kpi["target"] = draw(st.integers(min_value=1, max_value=10**7))
                kpi["due"] = due
            kpis.append(kpi)
        if n_kpis >= 2 and draw(st.booleans()):
            kpis.append({"id": "ratio", "name": "Ratio", "unit": "%", "formula": "k1 / k0"})
        spent = draw(st.integers(min_value=0, max_value=budget))
        a_start = START + dt.timedelta(days=draw(st.integers(min_value=0, max_value=days - 1)))
        a_end = a_start + dt.timedelta(
            days=draw(st.integers(min_value=0, max_value=(end - a_start).days))
        )
        actions = [
            {
                "name": "Action",
                "owner": "Li Hua",
                "start": a_start,
                "end": a_end,
                "budget": max(spent, budget // 2 + 1),
            }
        ]
        modules.append(
            {
                "id": f"m{m}",
                "name": f"Module {m}",
                "owner": draw(st.sampled_from(["Zhang Min", "赵强", "Wu Fang"])),
                "budget": budget,
                "goal": f"Sales of {draw(st.integers(1, 10**6)):,} CNY by {end.isoformat()}",
                "kpis": kpis,
                "actions": actions,
            }
        )
    return {
        "plan": {
            "id": "gen-plan",
            "name": "Generated",
            "owner": "Chen Jing",
            "period": {"start": START, "end": end},
            "approvals": [{"role": "management", "name": "Liu Yang", "date": START}],
        },
        "budget": {"total": total, "reserve": reserve},
        "modules": modules,
    }


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just('=HYPERLINK("http://x")'),
    st.just("__import__('os').system('x')"),
    st.just("improve brand awareness"),
)


def _exit_code(path: Path) -> int:
    try:
        main(["validate", "-q", str(path)])
    except SystemExit as exc:
        return int(exc.code or 0)
    raise AssertionError("main() always exits")


@SETTINGS
@given(plan=valid_plans())
def test_generated_plans_are_valid(tmp_path: Path, plan: dict[str, Any]) -> None:
    result = check_plan_file(_write(tmp_path, plan))
    assert result.errors == [], [(f.path, f.message) for f in result.errors]


@SETTINGS
@given(plan=valid_plans(), data=st.data())
def test_one_field_mutations_never_crash(
    tmp_path: Path, plan: dict[str, Any], data: st.DataObject, capsys: pytest.CaptureFixture[str]
) -> None:
    mutated = copy.deepcopy(plan)
    path = data.draw(st.sampled_from(_paths(mutated)))
    junk = data.draw(JUNK)
    target = mutated
    for part in path[:-1]:
        target = target[part]
    if data.draw(st.booleans()) and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = junk
    file = _write(tmp_path, mutated)
    result = check_plan_file(file)
    for finding in result.findings:
        assert finding.message
        assert finding.file == str(file)
    assert _exit_code(file) in (0, 1)
    capsys.readouterr()


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_never_crashes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    result = check_plan_file(path)
    assert result.valid is False or result.plan is not None
    assert _exit_code(path) in (0, 1)


@SETTINGS
@given(blob=st.binary(max_size=300))
def test_any_bytes_never_crash(tmp_path: Path, blob: bytes) -> None:
    path = tmp_path / "plan.yaml"
    path.write_bytes(blob)
    check_plan_file(path)
    assert _exit_code(path) in (0, 1)
