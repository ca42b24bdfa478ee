"""Why rows were skipped (totals rows, summary rows, the lines above the header, another
table) is said in the command's language by `ingest` and by `log`: the store keeps a code
and its parameters, and a reason an older version stored as English text is shown as it is."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from mktplan.store import open_store
from mktplan.store.records import SkippedRows
from tests.conftest import Backend, run_cli
from tests.ingest.shapes import PLAN, write, write_plan
from tests.store.helpers import batch, obs

QIANCHUAN = (
    "# exported 2025-10-23\n"
    "千川日报\n"
    "\n"
    "日期,计划名称,消耗,成交金额,点击\n"
    "2025-10-21,计划A,100.50,300,10\n"
    "2025-10-21,合计,100.50,300,10\n"
    "2025-10-22,计划A,10,30,1\n"
    "Total,,110.50,330,11\n"
)
QIANCHUAN_SKIPPED = {
    "en": [
        "    skipped lines 1–3: above the header on line 4 "
        "(# comments, titles or date ranges, blank lines)",
        "    skipped line 6: a totals row (计划名称: '合计')",
        "    skipped line 8: a totals row (日期: 'Total')",
    ],
    "zh": [
        "    跳过第 1–3 行：位于第 4 行表头之上（# 注释、标题或日期范围、空行）",
        "    跳过第 6 行：合计行（计划名称：'合计'）",
        "    跳过第 8 行：合计行（日期：'Total'）",
    ],
}

META = (
    "Reporting starts,Ad name,Amount spent (CNY),Reach,Link clicks\n"
    "2025-10-05,,30.50,900,7\n"  # Meta's summary row: names empty
    "2025-10-05,Ad one,10.25,500,3\n"
    "2025-10-05,Ad two,20.25,600,4\n"
)
META_SKIPPED = {
    "en": ["    skipped line 2: a summary row: its values are the sum of the other rows"],
    "zh": ["    跳过第 2 行：汇总行：其数值是其他各行之和"],
}

TWO_TABLES = (
    "sep=,\n"
    "Day,Campaign,Cost,Clicks\n"
    "2025-10-21,A,1,1\n"
    "\n"
    "Campaign B\n"
    "Day,Campaign,Cost,Clicks\n"
    "2025-10-21,B,2,2\n"
)
TWO_TABLES_SKIPPED = {
    "en": [
        "    skipped lines 1–5: above the header on line 6 "
        "(Excel's sep= hint, another table, blank lines, titles or date ranges)"
    ],
    "zh": [
        "    跳过第 1–5 行：位于第 6 行表头之上（Excel 的 sep= 提示、另一个表格、空行、标题或日期范围）"
    ],
}

# (file name, its text, the plan source, the skipped lines said per language)
CASES = [
    ("qc.csv", QIANCHUAN, "qianchuan", QIANCHUAN_SKIPPED),
    ("meta.csv", META, "meta", META_SKIPPED),
    ("two.csv", TWO_TABLES, "google", TWO_TABLES_SKIPPED),
]


def _plan(tmp_path: Path) -> Path:
    """The shapes plan, its Google source reading the second table of a file."""
    anchor = "    columns: {Cost: spend, Clicks: clicks}\n"
    assert PLAN.count(anchor) == 1
    return write_plan(tmp_path, PLAN.replace(anchor, anchor + "    table: 2\n"))


def _skipped_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.lstrip().startswith(("skipped", "跳过"))]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("name", "text", "source", "expected"), CASES)
def test_ingest_says_why_rows_were_skipped_in_the_language(
    tmp_path: Path, lang: str, name: str, text: str, source: str, expected: dict[str, list[str]]
) -> None:
    plan, export = _plan(tmp_path), write(tmp_path, name, text)
    run = run_cli(
        "ingest", plan, export, "--source", source, "--store", tmp_path / "s.sqlite", "--lang", lang
    )
    assert run.code == 0, run.output
    assert _skipped_lines(run.stdout) == expected[lang]


def test_log_says_the_stored_reasons_in_its_own_language(tmp_path: Path) -> None:
    plan, store = _plan(tmp_path), tmp_path / "s.sqlite"
    for name, text, source, _ in CASES:  # ingested in English, read back in both languages
        export = write(tmp_path, name, text)
        run = run_cli("ingest", plan, export, "--source", source, "--store", store, "--lang", "en")
        assert run.code == 0, run.output
    for lang in ("en", "zh"):
        log = run_cli("log", plan, "--store", store, "--lang", lang)
        assert log.code == 0, log.output
        # newest run first; a file's skipped lines indented under the file, under its run
        said = [*TWO_TABLES_SKIPPED[lang], *META_SKIPPED[lang], *QIANCHUAN_SKIPPED[lang]]
        assert _skipped_lines(log.stdout) == ["    " + line for line in said]
    history = run_cli("ingest", plan, "--history", "--store", store, "--lang", "zh")
    assert "        跳过第 6 行：合计行（计划名称：'合计'）\n" in history.stdout


def test_log_json_keeps_the_english_reason_beside_its_code(tmp_path: Path) -> None:
    plan, store = _plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "qc.csv", QIANCHUAN)
    assert run_cli("ingest", plan, export, "-s", "qianchuan", "--store", store).code == 0
    log = run_cli("log", plan, "--store", store, "--format", "json", "--lang", "zh")
    (run,) = json.loads(log.stdout)["runs"]
    assert run["files"][0]["skipped"] == [
        {
            "first_line": 1,
            "last_line": 3,
            "reason": "above the header on line 4 (# comments, titles or date ranges, blank lines)",
            "code": "ingest.skip.above_header",
            "params": {
                "line": 4,
                "kinds": [
                    "ingest.skip.kind.comments",
                    "ingest.skip.kind.titles",
                    "ingest.skip.kind.blank",
                ],
            },
        },
        {
            "first_line": 6,
            "last_line": 6,
            "reason": "a totals row (计划名称: '合计')",
            "code": "ingest.skip.totals_row",
            "params": {"column": "计划名称", "label": "合计"},
        },
        {
            "first_line": 8,
            "last_line": 8,
            "reason": "a totals row (日期: 'Total')",
            "code": "ingest.skip.totals_row",
            "params": {"column": "日期", "label": "Total"},
        },
    ]


def test_a_reason_stored_as_text_by_an_older_version_is_shown_as_it_is(
    tmp_path: Path, backend: Backend
) -> None:
    plan, url = _plan(tmp_path), backend.new()
    older = (
        SkippedRows(1, 2, "above the header on line 3 (titles or date ranges)"),
        SkippedRows(9, 9, "{not a stored code"),
    )
    with open_store(url) as opened:
        opened.ingest("shapes", [replace(batch([obs("ads.clicks", 1, "1")]), skipped=older)])
    log = run_cli("log", plan, "--store", url, "--lang", "zh")
    assert log.code == 0, log.output
    assert _skipped_lines(log.stdout) == [
        "        跳过第 1–2 行：above the header on line 3 (titles or date ranges)",
        "        跳过第 9 行：{not a stored code",
    ]
    document = json.loads(run_cli("log", plan, "--store", url, "--format", "json").stdout)
    assert document["runs"][0]["files"][0]["skipped"][0] == {
        "first_line": 1,
        "last_line": 2,
        "reason": "above the header on line 3 (titles or date ranges)",
        "code": None,
        "params": {},
    }
