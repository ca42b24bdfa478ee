"""The report's sentences come from one place (mktplan.render.text) in the report language:
metrics returns numbers and codes, and the JSON, the template context and every table carry
the sentence written for --lang (the Chinese report switched to English in its alerts)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D
from pathlib import Path

from mktplan.evaluation import AlertResult
from mktplan.render.numbers import Style
from mktplan.render.text import alert_message
from tests.conftest import PLANS, run_cli

Q3 = PLANS / "q3-2023-growth.yaml"
ROI_STYLE = Style(roi=True)


def _alert(**changes: object) -> AlertResult:
    fields: dict[str, object] = {
        "kpi": "web.cr",
        "module": "web",
        "rule": "below_target",
        "threshold": D(30),
        "actual": D("2.571429"),
        "severity": "warning",
        "message": "",
        "owner": "Ann Wu",
        "respond_by": dt.datetime(2024, 1, 7),
        "name": "Conversion",
        "reference": D(5),
        "unit": "pct",
        "gap": D("-48.57142"),
    }
    fields.update(changes)
    return AlertResult(**fields)  # type: ignore[arg-type]


def test_a_target_alert_in_both_languages() -> None:
    assert alert_message(_alert(), "en") == (
        "Conversion (web.cr) is 2.57%, 48.57% below target 5% (alert below 30%)"
    )
    assert alert_message(_alert(), "zh") == (
        "Conversion（web.cr）为 2.57%，比目标 5% 低 48.57%（预警线：低于目标 30%）"
    )


def test_an_actual_that_reads_like_its_threshold_gets_the_decimals_that_tell_them_apart() -> None:
    # 1.495 % below a threshold of 1.5 % read "is 1.5%, below 1.5%"
    below = _alert(rule="below", threshold=D("1.5"), actual=D("1.495"), reference=None, gap=None)
    assert alert_message(below, "en") == "Conversion (web.cr) is 1.495%, below 1.500%"
    near = _alert(actual=D("4.9999"), reference=D(5), gap=D("-0.002"))
    assert alert_message(near, "en").startswith("Conversion (web.cr) is 4.9999%, 0% below")
    assert "below target 5.0000%" in alert_message(near, "en")
    money = _alert(rule="above", unit="CNY", threshold=D(1000), actual=D("1000.004"), gap=None)
    assert alert_message(money, "en") == "Conversion (web.cr) is 1,000.004, above 1,000.000"
    roi = _alert(rule="below", unit="ratio", threshold=D(3), actual=D("2.996"), gap=None)
    assert alert_message(roi, "en", ROI_STYLE) == "Conversion (web.cr) is 1:2.996, below 1:3.000"
    apart = _alert(rule="below", threshold=D("1.5"), actual=D("1.4"), reference=None, gap=None)
    assert alert_message(apart, "en") == "Conversion (web.cr) is 1.4%, below 1.5%"


def test_the_plans_own_message_comes_first() -> None:
    assert alert_message(_alert(note="Check the landing page"), "en").startswith(
        "Check the landing page: Conversion (web.cr) is 2.57%"
    )
    assert alert_message(_alert(note="检查落地页"), "zh").startswith("检查落地页：Conversion")


def test_a_chinese_report_writes_chinese_alert_sentences_everywhere(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    ingest = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
    assert ingest.code == 0, ingest.output
    # JSON keeps exact numbers in its sentences too; the other formats follow --units
    common = ("report", Q3, "--store", store, "--as-of", "2023-07-31", "--lang", "zh")
    common += ("--units", "plain")
    doc = json.loads(run_cli(*common, "--format", "json").stdout)
    messages = [a["message"] for a in doc["alerts"]]
    assert messages
    assert all("预算" in m or "为" in m for m in messages), messages
    assert not any(" is forecast to spend " in m or " is " in m for m in messages), messages
    template = tmp_path / "alerts.md.j2"
    template.write_text("{% for a in ev.alerts %}{{ a.message }}\n{% endfor %}", encoding="utf-8")
    out = run_cli(*common, "--template", template)
    assert out.code == 0, out.output
    assert out.stdout.splitlines()[: len(messages)] == messages
    table = run_cli(*common, "--format", "table").stdout
    assert messages[0].split("，")[0] in table.replace("\n", "")


def test_tracking_texts_are_written_by_the_report_in_its_language(tmp_path: Path) -> None:
    store = tmp_path / "store.sqlite"
    ingest = run_cli("ingest", Q3, PLANS / "q3-2023-growth.actuals.csv", "--store", store, "-q")
    assert ingest.code == 0, ingest.output
    common = ("report", Q3, "--store", store, "--as-of", "2023-07-31", "--format", "json")
    en = json.loads(run_cli(*common).stdout)["tracking"]
    zh = json.loads(run_cli(*common, "--lang", "zh").stdout)["tracking"]
    online = next(i for i, row in enumerate(en) if row["module"] == "Online channel conversion")
    assert en[online]["actual"] == (
        "Online sales: 1,761,176.29 / 1,300,000.00; Conversion rate: 3.54% / 5%"
    )
    assert en[online]["variance"] == "Online sales: -461,176.29; Conversion rate: 1.46 pt"
    assert zh[online]["variance"] == "Online sales: -461,176.29; Conversion rate: 1.46 个百分点"
