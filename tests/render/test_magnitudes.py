"""Plans that validate with very large or very small numbers still report, in every format,
or get one clear paragraph (issue 14, item 12): never an internal error, never the bundled
template blamed."""

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


def scaled_money(text: str) -> str:
    """Every budget figure (total, reserve, lines, module and action budgets) × 10^24."""
    return re.sub(
        r"((?:total|reserve|labour|materials|promotion|third_party|budget): )(\d+)",
        lambda m: f"{m.group(1)}{m.group(2)}{'0' * 24}",
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


def test_budgets_of_10_to_the_29(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, scaled_money(Q3), "2023-07-31")
    assert "| Total budget | 375,000,000,000,000,000,000,000,000,000.00 |" in str(out["md"])
    doc = json.loads(str(out["json"]))
    assert doc["budget"]["total"] == 375 * 10**27
    assert doc["budget"]["reserve_share"] == 0.12  # 45 / 375, exact at any scale


def test_a_target_of_10_to_the_27(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, with_target("1.0e+27"), "2023-07-31")
    sales = next(k for k in json.loads(str(out["json"]))["kpis"] if k["id"] == "online.sales")
    assert sales["expected"] == 5 * 10**26  # day 31 of 62 to its due date
    assert sales["attainment"] == 0  # 1,761,176.29 ÷ 10^27, to six places
    assert sales["status"] == "off_track"
    assert "1,000,000,000,000,000,000,000,000,000.00" in str(out["md"])


def test_a_target_of_10_to_the_minus_30(tmp_path: Path) -> None:
    out = run_all_formats(tmp_path, with_target("1.0e-30"), "2023-07-31")
    sales = next(k for k in json.loads(str(out["json"]))["kpis"] if k["id"] == "online.sales")
    assert sales["attainment"] == 176117629 * 10**28  # 1,761,176.29 ÷ 10^-30
    assert sales["status"] == "on_track"


def test_a_period_ending_on_the_last_day_of_the_calendar(tmp_path: Path) -> None:
    text = Q3.replace("end: 2023-09-30}", "end: 9999-12-31}", 1)
    out = run_all_formats(tmp_path, text, "9999-12-31")
    alerts = json.loads(str(out["json"]))["alerts"]
    assert alerts
    assert {a["respond_by"] for a in alerts} == {"9999-12-31T23:59:00"}  # 48 h later is no date


@pytest.mark.parametrize(("target", "shown"), [('"1e400"', "1E+400"), ('"1e-400"', "1E-400")])
def test_numbers_no_report_can_hold_get_one_clear_message(
    tmp_path: Path, target: str, shown: str
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(with_target(target), encoding="utf-8")
    result = run_cli("report", plan, "--as-of", "2023-07-31", "--store", tmp_path / "s.sqlite")
    assert result.code == 1
    assert "internal error" not in result.stderr
    assert "template" not in result.stderr
    assert (
        f"plan.yaml: cannot report numbers this large or small: "
        f"modules[1].kpis[0].target = {shown} Hint:"
    ) in result.stderr
