"""Plans at the edges of what validate accepts (plan/bounds.py: amounts and targets up to a
trillion, as small as a millionth, dates up to 2099) report in every format, and plans
beyond them get one clear paragraph (issue 14, item 12): never an internal error, never the
bundled template blamed."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import PLANS, run_cli

Q3 = (PLANS / "q3-2023-growth.yaml").read_text(encoding="utf-8")
ACTUALS = PLANS / "q3-2023-growth.actuals.csv"
ONLINE_SALES = "1761176.29"  # Σ online.sales in the export through 2023-07-31


def scaled_money(text: str, zeros: int) -> str:
    """Every budget figure (total, reserve, lines, module and action budgets) × 10^zeros."""
    return re.sub(
        r"((?:total|reserve|labour|materials|promotion|third_party|budget): )(\d+)",
        lambda m: f"{m.group(1)}{m.group(2)}{'0' * zeros}",
        text,
    )


def with_target(value: str) -> str:
    return Q3.replace("target: 1300000, due", f"target: {value}, due", 1)


def run_all_formats(tmp_path: Path, text: str, as_of: str) -> dict[str, object]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    ingested = run_cli("ingest", plan, ACTUALS, "--store", store, "-q")
    assert ingested.code == 0, ingested.output
    outputs: dict[str, object] = {}
    for fmt in ("md", "json", "table", "xlsx"):
        target = tmp_path / f"r.{fmt}"
        result = run_cli(
            "report", plan, "--as-of", as_of, "--store", store, "-f", fmt, "--out", target, "-q"
        )
        assert result.code == 0, result.output
        data = target.read_bytes()
        outputs[fmt] = openpyxl.load_workbook(io.BytesIO(data)) if fmt == "xlsx" else data.decode()
    return outputs


def test_budgets_near_a_trillion(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, scaled_money(Q3, 6), "2023-07-31")
    assert "| Total budget | 375,000,000,000.00 |" in str(out["md"])
    doc = json.loads(str(out["json"]))
    assert doc["budget"]["total"] == 375 * 10**9
    assert doc["budget"]["reserve_share"] == 0.12  # 45 / 375, exact at any scale


def test_a_target_of_a_trillion(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, with_target("1.0e+12"), "2023-07-31")
    sales = next(k for k in json.loads(str(out["json"]))["kpis"] if k["id"] == "online.sales")
    assert sales["expected"] == 5 * 10**11  # day 31 of 62 to its due date
    assert sales["attainment"] == 0.000002  # 1,761,176.29 ÷ 10^12, to six places
    assert sales["status"] == "off_track"
    assert "1,000,000,000,000.00" in str(out["md"])


def test_a_target_of_a_millionth(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, with_target("0.000001"), "2023-07-31")
    sales = next(k for k in json.loads(str(out["json"]))["kpis"] if k["id"] == "online.sales")
    assert sales["attainment"] == 176117629 * 10**4  # 1,761,176.29 ÷ 10^-6
    assert sales["status"] == "on_track"


def test_a_period_ending_on_the_last_day_validate_accepts(tmp_path: Path) -> None:
    text = Q3.replace("end: 2023-09-30}", "end: 2099-12-31}", 1)
    out = run_all_formats(tmp_path, text, "2099-12-31")
    alerts = json.loads(str(out["json"]))["alerts"]
    assert alerts
    assert {a["respond_by"][:4] for a in alerts} == {"2100"}  # a real date past the plan


@pytest.mark.parametrize(
    "text",
    [scaled_money(Q3, 24), with_target("1.0e+27"), with_target("1.0e-30")],
    ids=["budget-1e29", "target-1e27", "target-1e-30"],
)
def test_plans_beyond_the_bounds_stop_at_the_plan_with_the_reason(
    tmp_path: Path, text: str
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", tmp_path / "s.sqlite")
    assert result.code == 1
    assert "internal error" not in result.output
    assert "template" not in result.output
    assert "plan.yaml:" in result.output


@pytest.mark.parametrize("target", ['"1e400"', '"1e-400"'])
def test_numbers_no_report_can_hold_get_one_clear_message(tmp_path: Path, target: str) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_target(target), encoding="utf-8")
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", tmp_path / "s.sqlite")
    assert result.code == 1
    assert "internal error" not in result.stderr
    assert "template" not in result.stderr
    assert "plan.yaml:68 modules[1].kpis[0].target:" in result.stderr  # validate's bounds
    assert "Hint:" in result.stderr
