"""The summary's overspend is the figure its sentence gives: once the spend has passed the
budget (total − reserve), what is over is spent − budget, not the forecast's excess; before,
the forecast's excess (docs/metrics.md, "Summary paragraph"; QA37 D3)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from mktplan.i18n import summary_sentences
from mktplan.metrics import evaluate
from mktplan.observations import MemoryObservations, Observation
from mktplan.plan.model import Plan
from tests.conftest import run_cli

D = Decimal
AS_OF = dt.date(2025, 5, 7)  # day 7 of 31


def document() -> dict[str, Any]:
    return {
        "plan": {
            "id": "over",
            "name": "Over",
            "owner": "Chen Jing",
            "period": {"start": "2025-05-01", "end": "2025-05-31"},
            "currency": "CNY",
            "cadence": "weekly",
        },
        "budget": {"total": 4000, "reserve": 400},
        "kpis": [{"id": "hq_spend", "name": "HQ spend", "unit": "CNY", "role": "spend",
                  "source": "ledger"}],
        "modules": [
            {
                "id": "a",
                "name": "Module A",
                "owner": "Zhao Qiang",
                "goal": "Sales 3000 CNY by 31 May 2025",
                "kpis": [
                    {"id": "spend", "name": "A spend", "unit": "CNY", "role": "spend",
                     "source": "ledger"},
                    {"id": "sales", "name": "A sales", "unit": "CNY", "role": "revenue",
                     "target": 3000, "due": "2025-05-31", "source": "shop"},
                ],
            }
        ],
    }  # fmt: skip


ROWS = [
    Observation("a.spend", dt.date(2025, 5, 1), D("1234.56")),
    Observation("hq_spend", dt.date(2025, 5, 3), D("1234.56")),
    Observation("hq_spend", dt.date(2025, 5, 3), D("1234.56"), line="people"),
    Observation("a.spend", dt.date(2025, 5, 4), D("5.3")),
    Observation("a.sales", dt.date(2025, 5, 4), D("2469.12")),
]


def test_once_spend_passed_the_budget_the_overspend_is_spent_less_the_budget() -> None:
    ev = evaluate(Plan.model_validate(document()), MemoryObservations(ROWS), AS_OF)
    summary = ev.summary
    assert summary is not None
    # spent 1,234.56 × 3 + 5.3 = 3,708.98 of 4,000 − 400 = 3,600: over by 108.98; the
    # forecast 3,708.98 + 3,708.98 × 24 ÷ 7 = 16,425.482857 is another figure
    assert (summary.spent, summary.budget) == (D("3708.98"), D(3600))
    assert summary.spend_forecast == D("16425.482857")
    assert summary.overspend == D("108.98")
    assert "spend is over the budget by 108.98 CNY." in " ".join(summary_sentences(ev, "en"))


def test_the_json_summary_carries_the_figure_of_its_sentence(tmp_path: Path) -> None:
    import yaml

    plan_file = tmp_path / "plan.yaml"
    plan_file.write_text(yaml.safe_dump(document()), encoding="utf-8")
    data = tmp_path / "data.csv"
    data.write_text(
        "date,kpi,value,line\n"
        + "".join(f"{o.date.isoformat()},{o.kpi},{o.value},{o.line or ''}\n" for o in ROWS),
        encoding="utf-8",
    )
    store = tmp_path / "s.sqlite"
    assert run_cli("ingest", plan_file, data, "--store", store).code == 0
    run = run_cli("report", plan_file, "--store", store, "--as-of", "2025-05-07", "-f", "json")
    assert run.code == 0
    summary = json.loads(run.stdout)["summary"]
    assert (summary["spent"], summary["budget"]) == (3708.98, 3600)
    assert summary["spend_forecast"] == 16425.482857
    assert summary["overspend"] == 108.98
    assert "over the budget by 108.98 CNY" in summary["text"]
