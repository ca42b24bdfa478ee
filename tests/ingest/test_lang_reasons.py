"""The less common row refusals (currency, date ranges, years, day/month order, scaling
overflow) and the Parquet and table refusals speak the command's language on the terminal;
the rejects file keeps the stable English reason."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.plan.plans import VALID, write

ROWS = (
    "date,kpi,value\n"
    "2024-01-08,online.sales,US$100\n"
    "2024-01-01 - 2024-01-07,online.sales,5\n"
    "2024,online.sales,5\n"
    "2024-01-09,online.sales,1e20\n"
)

EXPECTED = {
    "en": [
        "error a.csv:2 value: 'US$100': a value in USD, but 'online.sales' is in CNY; "
        "convert it to CNY first, or give it to a KPI in USD",
        "error a.csv:3 date: '2024-01-01 - 2024-01-07': a date range: a row standing for a "
        "week or a month is not a day's value; export by day, or declare the source's "
        "`period: week` or `period: month`",
        "error a.csv:4 date: '2024': a year, not a day: a row standing for a whole year is not "
        "a day's value; export by day",
        "error a.csv:5 value: '1e20': too large: values must stay below 1,000,000,000,000",
    ],
    "zh": [
        "错误 a.csv:2 value: 'US$100'：这是 USD 金额，但 'online.sales' 以 CNY 计；"
        "请先换算成 CNY，或记入以 USD 计的指标",
        "错误 a.csv:3 date: '2024-01-01 - 2024-01-07'：这是日期区间：代表一周或一个月的一行不是"
        "某一天的数值；请按天导出，或在数据来源中声明 `period: week` 或 `period: month`",
        "错误 a.csv:4 date: '2024'：这是年份，不是日期：代表全年的一行不是某一天的数值；请按天导出",
        "错误 a.csv:5 value: '1e20'：数值太大：必须小于 1,000,000,000,000",
    ],
}


def _ingest(tmp_path: Path, name: str, text: str, *args: str) -> tuple[int, str]:
    write(tmp_path, VALID)
    (tmp_path / name).write_text(text, encoding="utf-8")
    run = run_cli("ingest", "plan.yaml", name, "--store", "s.sqlite", *args, cwd=tmp_path)
    return run.code, run.stderr


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_uncommon_row_reasons_in_the_language(tmp_path: Path, lang: str) -> None:
    code, err = _ingest(tmp_path, "a.csv", ROWS, "--lang", lang)
    assert code == 1
    assert err.splitlines()[:4] == EXPECTED[lang]


def test_the_rejects_file_keeps_english_reasons(tmp_path: Path) -> None:
    code, _ = _ingest(tmp_path, "a.csv", ROWS, "--lang", "zh", "--skip-invalid")
    assert code == 0
    with (tmp_path / "a.rejects.csv").open(encoding="utf-8") as fh:
        reasons = [row["reason"] for row in csv.DictReader(fh)]
    assert reasons[3] == "too large: values must stay below 1,000,000,000,000"
    assert reasons[2] == (
        "a year, not a day: a row standing for a whole year is not a day's value; export by day"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            "error b.csv:2–3 date: '01/02/2024' … '03/04/2024': day/month order cannot be "
            "told: no day in this column is above 12; set the source's `date_format:`, e.g. "
            "%m/%d/%Y or %d/%m/%Y (the same on 2 rows)",
        ),
        (
            "zh",
            "错误 b.csv:2–3 date: '01/02/2024' … '03/04/2024'：无法判断日/月顺序：此列没有大于 "
            "12 的日；请设置数据来源的 `date_format:`，例如 %m/%d/%Y 或 %d/%m/%Y（共 2 行相同）",
        ),
    ],
)
def test_day_month_order_in_the_language(tmp_path: Path, lang: str, expected: str) -> None:
    rows = "date,kpi,value\n01/02/2024,online.sales,1\n03/04/2024,online.sales,2\n"
    code, err = _ingest(tmp_path, "b.csv", rows, "--lang", lang)
    assert code == 1
    assert err.splitlines()[0] == expected


def test_parquet_and_table_refusals_in_the_language(tmp_path: Path) -> None:
    code, err = _ingest(tmp_path, "c.parquet", "not parquet", "--lang", "zh")
    assert code == 1
    assert err.startswith("mktplan: c.parquet: 不是可读取的 Parquet 文件（")
    assert err.endswith(
        "） 提示：用 pyarrow、pandas（to_parquet）、DuckDB 或 Spark 重新写出文件，或导出为 CSV。\n"
    )
    two = (
        "Shop A\ndate,kpi,value\n2024-01-08,online.sales,1\n\n"
        "Shop B\ndate,kpi,value\n2024-01-08,online.sales,2\n"
    )
    code, err = _ingest(tmp_path, "d.csv", two, "--lang", "zh")
    assert (code, err) == (
        1,
        "mktplan: d.csv:6: 文件中有 2 个表格：1 'Shop A'（表头在第 2 行）；2 'Shop B'（表头在第 6 "
        "行） 提示：在数据来源中用 `table:` 选择其一（标题或序号），例如 table: 'Shop A'；多个表格"
        "不会相加。\n",
    )
    code, err = _ingest(tmp_path, "d.csv", two, "--lang", "en")
    assert err == (
        "mktplan: d.csv:6: the file holds 2 tables: 1 'Shop A' (header on line 2); 2 'Shop B' "
        "(header on line 6) Hint: pick one with `table:` in the source (its title or its "
        "number), e.g. table: 'Shop A'; tables are never summed together.\n"
    )


def test_missing_and_unreadable_exports_in_the_language(tmp_path: Path) -> None:
    write(tmp_path, VALID)
    (tmp_path / "dir.csv").mkdir()
    expected = {
        ("nope.csv", "zh"): "mktplan: nope.csv: 文件不存在 提示：检查路径。\n",
        ("nope.csv", "en"): "mktplan: nope.csv: the file does not exist Hint: check the path.\n",
        ("dir.csv", "zh"): "mktplan: dir.csv: 这是一个文件夹，不是导出文件\n",
        ("dir.csv", "en"): "mktplan: dir.csv: this is a directory, not an export\n",
    }
    for (name, lang), text in expected.items():
        run = run_cli("ingest", "plan.yaml", name, "--lang", lang, cwd=tmp_path)
        assert (run.code, run.stderr) == (1, text)
