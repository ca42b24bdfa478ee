"""The channel view in every format: JSON keys, the Markdown table (golden files), and the
workbook's "By channel" sheet read back with openpyxl."""

from __future__ import annotations

import io
import json
from typing import Any

import openpyxl

from mktplan.render.excel import money_format, render_xlsx
from mktplan.render.json import render_json
from mktplan.render.markdown import render_markdown
from tests.render.sample import sample_evaluation

# the By channel sheet's header row in English, in the order of render/columns.py
CHANNEL_HEADERS = [
    "Module",
    "KPI id",
    "KPI",
    "Channel",
    "Actual",
    "Share",
    "Spend",
    "Revenue",
    "ROI",
]


def _sheet(lang: str = "en", *, hostile: bool = False) -> list[tuple[Any, ...]]:
    data = render_xlsx(sample_evaluation(hostile=hostile), lang)
    book = openpyxl.load_workbook(io.BytesIO(data))
    ws = book["By channel" if lang == "en" else "分渠道"]
    return [tuple((c.value, c.number_format) for c in row) for row in ws.iter_rows()]


def test_json_has_by_channel_for_kpis_and_modules() -> None:
    doc = json.loads(render_json(sample_evaluation()))
    sales = next(k for k in doc["kpis"] if k["id"] == "online.sales")
    assert sales["by_channel"] == [
        {"channel": "WeChat | Moments", "actual": 300000, "share": 0.727545},
        {"channel": None, "actual": 112345.678, "share": 0.272455},  # rows without a channel
    ]
    rate = next(k for k in doc["kpis"] if k["id"] == "online.conversion_rate")
    assert [c["share"] for c in rate["by_channel"]] == [None, None]
    assert next(k for k in doc["kpis"] if k["id"] == "roi")["by_channel"] == []
    brand, online = doc["modules"]
    assert brand["by_channel"] == []
    assert online["by_channel"][1] == {
        "channel": "tmall",
        "spend": 25001.5,
        "revenue": 62505,
        "roi": 2.5,
    }


def test_markdown_names_the_rows_without_a_channel_in_each_language() -> None:
    en = render_markdown(sample_evaluation(), "en")
    zh = render_markdown(sample_evaluation(), "zh")
    assert "## By channel" in en
    assert "| Online sales | (no channel) | 112,345.68 | 27.2% |" in en
    assert "## 按渠道" in zh
    assert "| 渠道 |" in zh
    assert "| 占比 |" in zh
    assert "(未标注渠道)" in zh


def test_workbook_sheet_holds_numbers_with_formats() -> None:
    rows = _sheet()
    assert [value for value, _ in rows[0]] == CHANNEL_HEADERS
    sales = rows[1]
    assert sales[1][0] == "online.sales"
    assert sales[3][0] == "WeChat | Moments"
    assert sales[4] == (300000, money_format("CNY"))
    assert sales[5] == (0.727545, "0.0%")  # a share is a fraction shown as a percentage
    assert rows[2][3][0] == "(no channel)"
    assert rows[3][4] == (0.032, "0.0%")  # a percent KPI: 3.2 points as a real percentage
    assert rows[3][5][0] is None  # a rate has no share
    module_row = rows[6]
    assert [v for v, _ in module_row[:4]] == ["Online channel conversion", None, None, "tmall"]
    assert module_row[6] == (25001.5, money_format("CNY"))
    assert module_row[7][0] == 62505
    assert module_row[8][0] == 2.5
    assert rows[7][3][0] == "(no channel)"
    assert rows[7][8][0] is None


def test_workbook_sheet_in_chinese_and_hostile_channels_stay_text() -> None:
    rows = _sheet("zh", hostile=True)
    header = [value for value, _ in rows[0]]
    assert header[3:6] == ["渠道", "实际完成值", "占比"]
    assert rows[2][3][0] == "(未标注渠道)"
    assert rows[1][3][0] == "=1+1"  # text, never a formula
