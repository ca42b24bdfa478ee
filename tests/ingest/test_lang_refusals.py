"""The refusals of `ingest` (a file it cannot read, a header no layout fits, a source the
plan lacks, a row outside the plan period, a command line without files) speak the
command's language, and say the same English as before in English."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.plan.plans import VALID, write

SOURCE = "    columns: {Sales: sales, Visitors: visitors}\n"
# a second source reading the same header: a file without --source matches both
TWO_SOURCES = VALID.replace(
    SOURCE,
    SOURCE + "  shop_copy:\n    date: Date\n    module: online\n"
    "    columns: {Sales: sales, Visitors: visitors}\n",
)

# (name, export text, extra arguments, exit code, English, Chinese)
CASES = [
    (
        "outside_period",
        "Date,Sales,Visitors\n2023-12-31,1,2\n",
        ["--source", "shop_daily"],
        1,
        "error a.csv:2 Date: '2023-12-31': outside the plan period 2024-01-01 … 2024-03-31",
        "错误 a.csv:2 Date: '2023-12-31'：不在计划周期 2024-01-01 … 2024-03-31 之内",
    ),
    (
        "missing_columns",
        "Sales,Visitors\n1,2\n",
        ["--source", "shop_daily"],
        1,
        "mktplan: a.csv:1: source 'shop_daily' needs column 'Date', which the file lacks (line 1 "
        "was taken as the header: no line within the first 50 holds all the columns) Hint: the "
        "header on line 1: Sales, Visitors; fix the source's column names, or set `header_row:` "
        "to the header's line; without a date column each row covers the whole report range: "
        "export the report by day (Google Ads: Segment > Time > Day).",
        "mktplan: a.csv:1: 数据来源 'shop_daily' 需要列 'Date'，但文件中没有（第 1 行被当作表头："
        "前 50 行中没有一行包含所有这些列） 提示：第 1 行的表头：Sales, Visitors；请修正数据来源中"
        "的列名，或把 `header_row:` 设为表头所在的行；没有日期列时每一行代表整个报表时段：请按天"
        "导出报表（Google Ads：细分 > 时间 > 天）。",
    ),
    (
        "duplicate_column",
        "date,kpi,value,value\n",
        [],
        1,
        "mktplan: a.csv:1 value: the column 'value' appears twice (columns 3 and 4) Hint: rename "
        "or remove one of them so each mapped column is named once.",
        "mktplan: a.csv:1 value: 列 'value' 出现了两次（第 3 列和第 4 列） 提示：重命名或删除其中"
        "一列，使每个映射的列名只出现一次。",
    ),
    (
        "not_long_format",
        "Date,Sales,Visitors\n2024-01-02,1,2\n",
        [],
        1,
        "mktplan: a.csv:1: not long format (date,kpi,value) and no --source given Hint: pass "
        "--source shop_copy or --source shop_daily.",
        "mktplan: a.csv:1: 不是长格式（date,kpi,value），也没有给出 --source 提示：请加上 "
        "--source shop_copy 或 --source shop_daily。",
    ),
    (
        "no_such_source",
        "Date,Sales,Visitors\n2024-01-02,1,2\n",
        ["--source", "shop"],
        2,
        "mktplan: the plan has no source 'shop' Hint: sources in the plan: shop_copy, shop_daily.",
        "mktplan: 计划中没有数据来源 'shop' 提示：计划中的数据来源：shop_copy, shop_daily。",
    ),
    (
        "empty_file",
        "",
        [],
        1,
        "mktplan: a.csv:1: the file is empty or has no header row Hint: the first line names the "
        "columns, e.g. date,kpi,value.",
        "mktplan: a.csv:1: 文件是空的，或没有表头行 提示：第一行写出各列的名称，例如 date,kpi,value。",
    ),
    (
        "zip_file",
        "PK\x03\x04 a workbook",
        [],
        1,
        "mktplan: a.csv: this is a zip file (an .xlsx workbook?), not a CSV export Hint: give an "
        ".xlsx workbook its .xlsx name, or export CSV.",
        "mktplan: a.csv: 这是 zip 文件（.xlsx 工作簿？），不是 CSV 导出文件 提示：把 .xlsx 工作簿"
        "命名为 .xlsx，或导出 CSV。",
    ),
    (
        "unknown_encoding",
        "date,kpi,value\n",
        ["--encoding", "latin-9x"],
        2,  # the option is wrong, whatever the file
        "mktplan: unknown encoding 'latin-9x' Hint: use utf-8, utf-8-sig, gbk or gb18030.",
        "mktplan: 未知编码 'latin-9x' 提示：请用 utf-8、utf-8-sig、gbk 或 gb18030。",
    ),
    (
        "no_text_encoding",
        "date,kpi,value\n",
        ["--encoding", "rot13"],  # bytes to bytes, like hex and zlib
        2,
        "mktplan: 'rot13' is no encoding of text files Hint: use utf-8, utf-8-sig, gbk or gb18030.",
        "mktplan: 'rot13' 不是文本文件的编码 提示：请用 utf-8、utf-8-sig、gbk 或 gb18030。",
    ),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    ("text", "args", "code", "en", "zh"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_refusal_speaks_the_language(
    tmp_path: Path, lang: str, text: str, args: list[str], code: int, en: str, zh: str
) -> None:
    write(tmp_path, TWO_SOURCES)
    (tmp_path / "a.csv").write_text(text, encoding="utf-8")
    run = run_cli(
        "ingest", "plan.yaml", "a.csv", "--store", "s.sqlite", "--lang", lang, *args, cwd=tmp_path
    )
    assert run.code == code, run.output
    assert run.stderr.splitlines()[0] == {"en": en, "zh": zh}[lang]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "mktplan: no export files given Hint: mktplan ingest PLAN FILE... "
            "(or --history to list runs).",
        ),
        (
            "zh",
            "mktplan: 没有给出导出文件 提示：mktplan ingest 计划 文件...（或用 --history 列出导入批次）。",
        ),
    ],
)
def test_ingest_without_files_says_so_in_the_language(
    tmp_path: Path, lang: str, expected: str
) -> None:
    write(tmp_path, VALID)
    run = run_cli("ingest", "plan.yaml", "--lang", lang, cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.strip() == expected


CELLS = (
    "date,kpi,value\n"
    "2024-01-02,online.orders,5%\n"
    "2024-01-03,online.orders,--5\n"
    "2024-01-04,online.sales,¥5%\n"
    "2024-01-05,online.sales,5 USD CNY\n"
    "2024-01-06,online.sales,=A1\n"
)
CELL_REASONS = {
    "en": [
        "error a.csv:2 value: '5%': a percentage for 'online.orders', whose unit is count; write "
        "the number in the KPI's unit",
        "error a.csv:3 value: '--5': more than one sign; write -5 or (5) for a negative",
        "error a.csv:4 value: '¥5%': a value cannot be both money and a percentage",
        "error a.csv:5 value: '5 USD CNY': more than one unit in one value",
        "error a.csv:6 value: '=A1': a formula without a saved result; open the file in Excel "
        "and save it, so the value is stored",
    ],
    "zh": [
        "错误 a.csv:2 value: '5%'：这是百分比，但 'online.orders' 的单位是 count；请按指标的单位写数值",
        "错误 a.csv:3 value: '--5'：有多个正负号；负数写作 -5 或 (5)",
        "错误 a.csv:4 value: '¥5%'：一个数值不能既是金额又是百分比",
        "错误 a.csv:5 value: '5 USD CNY'：一个数值中有多个单位",
        "错误 a.csv:6 value: '=A1'：公式没有保存的结果；请在 Excel 中打开并保存文件，使数值被存下来",
    ],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rejected_cells_are_explained_in_the_language(tmp_path: Path, lang: str) -> None:
    write(tmp_path, VALID)
    (tmp_path / "a.csv").write_text(CELLS, encoding="utf-8")
    run = run_cli(
        "ingest", "plan.yaml", "a.csv", "--store", "s.sqlite", "--lang", lang, cwd=tmp_path
    )
    assert run.code == 1, run.output
    assert run.stderr.splitlines()[:5] == CELL_REASONS[lang]
    kept = run_cli(
        "ingest",
        "plan.yaml",
        "a.csv",
        "--store",
        "s.sqlite",
        "--lang",
        lang,
        "--skip-invalid",
        cwd=tmp_path,
    )
    assert kept.code == 0, kept.output
    with (tmp_path / "a.rejects.csv").open(encoding="utf-8") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    assert reasons[1] == "more than one sign; write -5 or (5) for a negative"  # English, stable
