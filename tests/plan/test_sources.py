"""A source's options checked by `validate` with the rules ingest reads files by
(plan/sources.py): `scale:`, `date_format:`, `table:`, and a channel or line given twice."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from mktplan.errors import InvalidValue
from mktplan.ingest import cells
from mktplan.plan import sources
from mktplan.plan.model import FixedValues, Source
from tests.conftest import run_cli
from tests.plan.plans import line_of, mutate, write

SOURCE = """    module: online
    columns: {Sales: sales, Visitors: visitors}
"""


@pytest.mark.parametrize(
    "date_format",
    [
        "%m/%d/%Y",
        "%d/%m/%Y",
        "%b %d, %Y",
        "%Y-%m-%d %H:%M:%S %z",
        "%Y年%m月%d日",
        "%Y%m%d",
        "%d.%m.%y",
    ],
)
def test_whole_date_formats_pass(date_format: str) -> None:
    assert sources.date_format_problem(date_format) is None


@pytest.mark.parametrize(
    ("date_format", "said"),
    [
        ("%m/%Y", "date_format '%m/%Y' reads no day, so no cell can give a whole date"),
        ("%Y-%m", "date_format '%Y-%m' reads no day"),
        ("%d/%Y", "date_format '%d/%Y' reads no month"),
        ("%m/%d", "date_format '%m/%d' reads no year"),  # strptime would give 1900
        ("", "date_format '' reads no day"),
        ("%Q %d", "date_format '%Q %d' is not a strftime pattern Python can read dates with"),
        ("%-d/%m/%Y", "date_format '%-d/%m/%Y' is not a strftime pattern"),  # glibc only
        ("%d/%m/%Y %", "date_format '%d/%m/%Y %' is not a strftime pattern"),
    ],
)
def test_date_formats_that_cannot_give_a_whole_date(date_format: str, said: str) -> None:
    problem = sources.date_format_problem(date_format)
    assert problem is not None
    assert problem.render("en").startswith(said)


def test_tables_are_numbered_from_one() -> None:
    assert sources.table_problem(0) is not None
    assert sources.table_problem(-2) is not None
    assert sources.table_problem(1) is None
    assert sources.table_problem("Facebook visits") is None
    assert sources.table_problem(None) is None


def test_scale_factors_and_their_refusals() -> None:
    assert sources.scale_factor("K") == Fraction(1000)
    assert sources.scale_factor(" 万 ") == Fraction(10_000)
    assert sources.scale_factor("0.01") == Fraction(1, 100)
    with pytest.raises(InvalidValue, match="scale 'lots' is not a number"):
        sources.scale_factor("lots")
    with pytest.raises(InvalidValue, match="scale 'inf' is not a number"):
        sources.scale_factor("inf")  # an infinite factor: refused, not an OverflowError
    with pytest.raises(InvalidValue, match=r"^scale -1 must be above 0$"):
        sources.scale_factor(-1)


def test_ingest_reads_scales_with_the_same_function() -> None:
    assert cells.scale_factor is sources.scale_factor


def test_a_channel_or_line_from_a_column_and_fixed_is_given_twice() -> None:
    both = Source(
        date="Date",
        columns={"Sales": "sales"},
        channel="Store",
        fixed=FixedValues(channel="天猫", line="推广费"),
    )
    assert sources.given_twice(both) == [("channel", "Store")]
    assert sources.given_twice(Source(date="Date", columns={}, line="L", channel="C")) == []


def _bad_sources(tmp_path: Path) -> tuple[Path, str]:
    text = mutate(
        SOURCE,
        SOURCE
        + "    channel: Store\n"
        + "    fixed: {channel: 天猫}\n"
        + "    table: 0\n"
        + '    date_format: "%m/%Y"\n'
        + "    scale: {Sales: lots}\n",
    )
    return write(tmp_path, text), text


def test_validate_names_each_bad_source_option_with_file_line_field_and_hint(
    tmp_path: Path,
) -> None:
    path, text = _bad_sources(tmp_path)
    result = run_cli("validate", "--format", "json", path)
    assert result.code == 1, result.output
    found = {
        e["path"]: (e["line"], e["message"], e["hint"]) for e in json.loads(result.stdout)["errors"]
    }
    where = "sources.shop_daily"
    assert found == {
        f"{where}.fixed.channel": (
            line_of(text, "    fixed:"),
            "source 'shop_daily' gives both a channel column ('Store') and a fixed channel",
            "keep one: `channel: COLUMN` reads it per row, `fixed: {channel: ...}` gives every "
            "row the same",
        ),
        f"{where}.table": (
            line_of(text, "    table: 0"),
            "source 'shop_daily': there is no table 0: tables are numbered from 1",
            "write `table: 1` for the first table of the file, or the table's title",
        ),
        f"{where}.date_format": (
            line_of(text, "    date_format:"),
            "source 'shop_daily': date_format '%m/%Y' reads no day, so no cell can give a whole "
            "date",
            "write strftime codes for the day, month and year as the export writes them: %d, "
            "%m or %b, %Y or %y — e.g. %m/%d/%Y, %d.%m.%Y, %b %d, %Y (no %-d)",
        ),
        f"{where}.scale.Sales": (
            line_of(text, "    scale:"),
            "source 'shop_daily': scale 'lots' is not a number or one of K, M, 千, 万, 亿",
            "write scale: {Header: 1000} or K, M, 千, 万, 亿",
        ),
    }


@pytest.mark.parametrize(
    ("entry", "kind", "zh"),
    [("", "empty", "空值"), (" shop.csv", "text", "文本"), (" [a, b]", "a list", "列表")],
)
def test_a_source_that_is_no_mapping_is_named_in_yaml_words(
    tmp_path: Path, entry: str, kind: str, zh: str
) -> None:
    text = mutate("  shop_daily:\n    date: Date\n" + SOURCE, f"  shop_daily:{entry}\n")
    path = write(tmp_path, text)
    result = run_cli("validate", path)
    assert result.code == 1, result.output
    assert f"sources.shop_daily: 'shop_daily' must be a mapping of fields, not {kind}\n" in (
        result.stdout
    )
    assert "Type" not in result.stdout  # never Python's NoneType, str, list
    assert f"不是 {zh}" in run_cli("validate", "--lang", "zh", path).stdout


@pytest.mark.parametrize(
    ("encoding", "why"),
    [("klingon", "unknown encoding 'klingon'"), ("hex", "'hex' is no encoding of text files")],
)
def test_a_source_encoding_that_cannot_read_text_is_refused_by_validate(
    tmp_path: Path, encoding: str, why: str
) -> None:
    text = mutate(SOURCE, SOURCE + f"    encoding: {encoding}\n")
    result = run_cli("validate", "--format", "json", write(tmp_path, text))
    assert result.code == 1, result.output
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["path"], error["line"]) == (
        "sources.shop_daily.encoding",
        line_of(text, "encoding"),
    )
    assert error["message"] == f"source 'shop_daily': {why}"
    assert error["hint"] == "use utf-8, utf-8-sig, gbk or gb18030"


def test_bad_source_options_in_chinese(tmp_path: Path) -> None:
    path, _text = _bad_sources(tmp_path)
    out = run_cli("validate", "--lang", "zh", path).stdout
    assert "数据来源 'shop_daily'：没有第 0 个表格；表格从 1 开始编号" in out
    assert (
        "数据来源 'shop_daily'：date_format '%m/%Y' 没有读取日，任何单元格都得不到完整日期" in out
    )
    assert "数据来源 'shop_daily'：scale 'lots' 不是数字，也不是 K、M、千、万、亿 之一" in out
    assert "数据来源 'shop_daily' 既给了 channel 列（'Store'），又给了固定的 channel" in out
    assert "（4 个错误，0 个警告）" in out


def test_ingest_refuses_the_plan_with_validates_finding(tmp_path: Path) -> None:
    path, text = _bad_sources(tmp_path)
    export = tmp_path / "e.csv"
    export.write_text("Date,Sales,Visitors,Store\n2024-01-02,1,2,a\n", "utf-8")
    run = run_cli("ingest", path, export, "--source", "shop_daily", "--store", tmp_path / "s")
    assert run.code == 1
    assert f"plan.yaml:{line_of(text, '    scale:')} sources.shop_daily.scale.Sales" in run.stderr
    assert "scale 'lots' is not a number or one of K, M, 千, 万, 亿" in run.stderr
    assert "(and 3 more; run `mktplan validate" in run.stderr
