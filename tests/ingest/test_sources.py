"""Long and wide exports mapped to observations: formats, routing, grain, rejections."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from mktplan.errors import IngestError, UsageError
from mktplan.ingest.pipeline import parse_file
from mktplan.plan.model import Plan
from mktplan.plan.validate import load_plan
from tests.ingest.helpers import by_key, write, write_plan


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return load_plan(write_plan(tmp_path))


def rejects(plan: Plan, path: Path, **kw: str) -> list[tuple[int, str, str, str]]:
    mapped = parse_file(plan, path, **kw).mapped  # type: ignore[arg-type]
    return [(r.line, r.column, r.value, r.reason) for r in mapped.rejects]


LONG = (
    'date,kpi,value,channel,note\n2024-06-02,web.sales,"1,234.50",tmall,\n2024-06-02,nps,40,,ok\n'
)


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ","),
        ("gbk", ","),
        ("gb18030", ";"),
        ("utf-8", "\t"),
    ],
)
def test_long_format_encodings_and_delimiters(
    plan: Plan, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    text = (
        f"date{delimiter}kpi{delimiter}value{delimiter}channel{delimiter}note\n"
        f"2024年6月2日{delimiter}web.sales{delimiter}￥1234.50{delimiter}天猫{delimiter}促销\n"
        f"2024/6/3{delimiter}nps{delimiter}40{delimiter}{delimiter}\n"
    )
    path = write(tmp_path, "long.csv", text, encoding)
    mapped = parse_file(plan, path).mapped
    assert mapped.layout == "long"
    assert mapped.rows_read == 2
    assert by_key(mapped.observations) == {
        ("web.sales", "2024-06-02", "天猫"): Decimal("1234.5"),
        ("nps", "2024-06-03", ""): Decimal(40),
    }
    assert mapped.observations[1].note == "促销"
    assert mapped.row_numbers == (3, 2)  # sorted by KPI: nps first, from line 3


def test_encoding_override(plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", "date,kpi,value,channel\n2024-06-02,web.sales,1,渠道\n", "gbk")
    mapped = parse_file(plan, path, encoding="gbk").mapped
    assert mapped.observations[0].channel == "渠道"


def test_wide_source_routing_grain_and_notes(plan: Plan, tmp_path: Path) -> None:
    text = (
        "日期,渠道,平台,访问,点击率,销售额,备注\n"
        '2024-06-05,线上,wx,1000,2.0%,"1,000",first\n'
        "2024-06-05,线上,wx,3000,4.0%,(200),second\n"
        "2024-06-05,门店,,-,-,￥500,-\n"
        "\n"
        "2024-06-06,线上,wx,N/A,—,35000元,\n"
    )
    mapped = parse_file(plan, write(tmp_path, "d.csv", text), source="daily").mapped
    assert mapped.rejects == ()
    assert mapped.rows_read == 4  # the blank line is not a row
    assert by_key(mapped.observations) == {
        ("web.visits", "2024-06-05", "wx"): Decimal(4000),
        # a rate is weighted by its weight KPI of the same rows: (2×1000 + 4×3000) / 4000
        ("web.ctr", "2024-06-05", "wx"): Decimal("3.5"),
        ("web.sales", "2024-06-05", "wx"): Decimal(800),
        ("shop.sales", "2024-06-05", ""): Decimal(500),
        ("web.sales", "2024-06-06", "wx"): Decimal(35000),
    }
    notes = {(o.kpi, o.date.isoformat()): o.note for o in mapped.observations}
    assert notes[("web.sales", "2024-06-05")] == "first; second"
    assert notes[("shop.sales", "2024-06-05")] is None


def test_wide_fixed_module_and_header_normalisation(plan: Plan, tmp_path: Path) -> None:
    text = " DAY ;Sales;Visits;extra\n2024.6.7;1,5;10;x\n2024.6.7;2;20;y\n"
    mapped = parse_file(plan, write(tmp_path, "w.csv", text), source="web_only").mapped
    # ';' separates fields, so "1,5" is a value with a bad thousands group
    assert [(r.line, r.column, r.value) for r in mapped.rejects] == [(2, "Sales", "1,5")]
    text = "day,Sales,Visits\n2024.6.7,1.5,10\n2024.6.7,2,20\n"
    mapped = parse_file(plan, write(tmp_path, "w.csv", text), source="web_only").mapped
    assert by_key(mapped.observations) == {
        ("web.sales", "2024-06-07", ""): Decimal("3.5"),
        ("web.visits", "2024-06-07", ""): Decimal(30),
    }


def test_grain_last_max_min(plan: Plan, tmp_path: Path) -> None:
    text = (
        "date,kpi,value\n"
        "2024-06-02,nps,40\n2024-06-02,nps,45\n2024-06-02,nps,42\n"
        "2024-06-02,share,2%\n2024-06-02,share,5%\n"
        "2024-06-02,web.low,9.90\n2024-06-02,web.low,7.50\n"
    )
    mapped = parse_file(plan, write(tmp_path, "g.csv", text)).mapped
    assert by_key(mapped.observations) == {
        ("nps", "2024-06-02", ""): Decimal(42),  # last row in the file
        ("share", "2024-06-02", ""): Decimal("0.05"),  # max; % on a ratio KPI is a fraction
        ("web.low", "2024-06-02", ""): Decimal("7.5"),
    }


def test_rate_without_weight_is_rejected_at_finer_grain(plan: Plan, tmp_path: Path) -> None:
    text = "date,kpi,value\n2024-06-02,web.cr,3%\n2024-06-02,web.cr,5%\n2024-06-03,web.cr,4%\n"
    mapped = parse_file(plan, write(tmp_path, "r.csv", text)).mapped
    assert [(r.line, r.column) for r in mapped.rejects] == [(2, "value"), (3, "value")]
    assert "a rate is not averaged" in mapped.rejects[0].reason
    assert by_key(mapped.observations) == {("web.cr", "2024-06-03", ""): Decimal(4)}


def test_rows_of_a_rate_that_agree_need_no_weight(plan: Plan, tmp_path: Path) -> None:
    """Meta's inactive ads: CTR 0 on 0 visits each. Weights adding up to 0 leave no mean to
    take, but rows that hold the same value have it; rows that differ are refused (above)."""
    text = (
        "日期,渠道,平台,访问,点击率,销售额,备注\n"
        "2024-06-05,线上,wx,0,0%,0,\n"
        "2024-06-05,线上,wx,0,0%,0,\n"
        "2024-06-05,线上,wx,-,0%,0,\n"
    )
    mapped = parse_file(plan, write(tmp_path, "d.csv", text), source="daily").mapped
    assert [(r.line, r.value) for r in mapped.rejects] == [(2, "0%"), (3, "0%"), (4, "0%")]
    agreeing = write(tmp_path, "e.csv", text.replace("wx,-,0%", "wx,0,0%"))
    mapped = parse_file(plan, agreeing, source="daily").mapped
    assert not mapped.rejects
    assert by_key(mapped.observations)[("web.ctr", "2024-06-05", "wx")] == Decimal(0)


@pytest.mark.parametrize(
    ("weights", "why", "visits"),
    [
        # one row's weight is no value: its mean cannot be weighted
        (("1000", "-"), "its weight 'web.visits' is empty or not a number in some of them", 1000),
        (("0", "0"), "their weights 'web.visits' add up to 0: their weighted mean is undefined", 0),
    ],
)
def test_a_rate_whose_rows_cannot_be_weighted_refuses_its_cells_alone(
    plan: Plan, tmp_path: Path, weights: tuple[str, str], why: str, visits: int
) -> None:
    text = (
        "日期,渠道,平台,访问,点击率,销售额,备注\n"
        f"2024-06-05,线上,wx,{weights[0]},2.0%,100,\n"
        f"2024-06-05,线上,wx,{weights[1]},4.0%,200,\n"
        "2024-06-06,线上,wx,10,5.0%,1,\n"
    )
    mapped = parse_file(plan, write(tmp_path, "d.csv", text), source="daily").mapped
    assert [(r.line, r.column, r.value) for r in mapped.rejects] == [
        (2, "点击率", "2.0%"),
        (3, "点击率", "4.0%"),
    ]
    assert all(why in r.reason for r in mapped.rejects)
    assert "2 rows for rate 'web.ctr' with the same date, channel, line and ref" in (
        mapped.rejects[0].reason
    )
    # --skip-invalid keeps the rows' other cells: only the rate's cells go
    assert by_key(mapped.observations) == {
        ("web.visits", "2024-06-05", "wx"): Decimal(visits),
        ("web.sales", "2024-06-05", "wx"): Decimal(300),
        ("web.visits", "2024-06-06", "wx"): Decimal(10),
        ("web.ctr", "2024-06-06", "wx"): Decimal(5),
        ("web.sales", "2024-06-06", "wx"): Decimal(1),
    }


def test_a_rate_whose_weight_is_not_in_its_rows_says_so(plan: Plan, tmp_path: Path) -> None:
    # long rows hold one KPI each: the weight (web.visits) is never in the rate's rows
    text = (
        "date,kpi,value\n2024-06-02,web.ctr,3%\n2024-06-02,web.ctr,5%\n2024-06-02,web.visits,10\n"
    )
    mapped = parse_file(plan, write(tmp_path, "r.csv", text)).mapped
    assert [(r.line, r.value) for r in mapped.rejects] == [(2, "3%"), (3, "5%")]
    assert "its weight 'web.visits' is not in these rows" in mapped.rejects[0].reason
    assert by_key(mapped.observations) == {("web.visits", "2024-06-02", ""): Decimal(10)}


def test_every_rejection_reason_with_line_and_column(plan: Plan, tmp_path: Path) -> None:
    text = (
        "date,kpi,value\n"
        "2024-06-02,web.sales,12abc\n"  # 2 bad number
        "2024-13-02,web.sales,1\n"  # 3 bad date
        "2024-06-02,web.sale,1\n"  # 4 unknown KPI, did you mean
        "2024-06-02,sales,1\n"  # 5 bare id of a module KPI
        "2024-07-01,web.sales,1\n"  # 6 outside the period
        "2024-06-02,web.aov,1\n"  # 7 formula KPI
        "2024-06-02,web.visits,5%\n"  # 8 percent on a count
        "2024-06-02,web.sales,1\n"  # 9 fine
    )
    found = rejects(plan, write(tmp_path, "bad.csv", text))
    assert [(line, column, value) for line, column, value, _ in found] == [
        (2, "value", "12abc"),
        (3, "date", "2024-13-02"),
        (4, "kpi", "web.sale"),
        (5, "kpi", "sales"),
        (6, "date", "2024-07-01"),
        (7, "kpi", "web.aov"),
        (8, "value", "5%"),
    ]
    reasons = [reason for *_, reason in found]
    assert "not a number" in reasons[0]
    assert "calendar date" in reasons[1]
    assert "did you mean 'web.sales'" in reasons[2]
    assert "'shop.sales' or 'web.sales'" in reasons[3]
    assert "outside the plan period" in reasons[4]
    assert "formula KPI" in reasons[5]
    assert "percentage" in reasons[6]


def test_wide_rejections_route_and_missing_kpi(plan: Plan, tmp_path: Path) -> None:
    text = (
        "日期,渠道,平台,访问,点击率,销售额,备注\n"
        "2024-06-05,电视,,1,1%,1,\n"  # unknown route value
        "2024-06-05,门店,,50,-,1,\n"  # shop has no visits KPI
        "2024-06-05,门店,,,,1,\n"  # fine: empty cells of KPIs the shop lacks
    )
    found = rejects(plan, write(tmp_path, "d.csv", text), source="daily")
    assert [(line, column, value) for line, column, value, _ in found] == [
        (2, "渠道", "电视"),
        (3, "访问", "50"),
    ]
    assert "线上, 门店" in found[0][3]
    assert "module 'shop' has no KPI 'visits'" in found[1][3]


def test_layout_errors(plan: Plan, tmp_path: Path) -> None:
    wide = write(tmp_path, "w.csv", "日期,渠道,平台,访问,点击率,销售额,备注\n")
    with pytest.raises(IngestError, match="no --source") as info:
        parse_file(plan, wide)
    assert info.value.hint == "pass --source daily"
    other = write(tmp_path, "o.csv", "when,what\n")
    with pytest.raises(IngestError, match="no --source") as info:
        parse_file(plan, other)
    assert "sources: daily, web_only" in (info.value.hint or "")
    with pytest.raises(UsageError, match="no source 'nope'"):
        parse_file(plan, wide, source="nope")
    with pytest.raises(IngestError, match="needs columns 'day', 'Sales', 'Visits'"):
        parse_file(plan, wide, source="web_only")


def test_long_file_with_source_given_stays_long(plan: Plan, tmp_path: Path) -> None:
    path = write(tmp_path, "l.csv", LONG)
    assert parse_file(plan, path, source="daily").mapped.layout == "long"


def test_xlsx_export(plan: Plan, tmp_path: Path) -> None:
    import datetime as dt

    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "notes"
    first.append(["nothing here"])
    sheet = workbook.create_sheet("data")
    sheet.append(["日期", "渠道", "平台", "访问", "点击率", "销售额", "备注"])
    sheet.append([dt.datetime(2024, 6, 5), "线上", "wx", 1000, 0.021, 1234.5, None])
    sheet.cell(row=2, column=5).number_format = "0.0%"
    sheet.append(["2024/6/6", "门店", None, None, None, "￥35,000", "rain"])
    sheet.append([45450, "线上", "wx", 10, None, 3, None])  # an Excel serial date as number
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    mapped = parse_file(plan, path, source="daily", sheet="data").mapped
    assert mapped.rejects == ()
    assert by_key(mapped.observations) == {
        ("web.visits", "2024-06-05", "wx"): Decimal(1000),
        ("web.ctr", "2024-06-05", "wx"): Decimal("2.1"),
        ("web.sales", "2024-06-05", "wx"): Decimal("1234.5"),
        ("shop.sales", "2024-06-06", ""): Decimal(35000),
        ("web.visits", "2024-06-07", "wx"): Decimal(10),
        ("web.sales", "2024-06-07", "wx"): Decimal(3),
    }
    with pytest.raises(IngestError, match="no sheet 'nope'"):
        parse_file(plan, path, source="daily", sheet="nope")
    # without --sheet the first sheet is read: it is not this export
    with pytest.raises(IngestError):
        parse_file(plan, path, source="daily")


def test_bad_csv_structure_and_encoding(plan: Plan, tmp_path: Path) -> None:
    ragged = write(tmp_path, "r.csv", "date,kpi,value\n2024-06-02,nps,1,2,3\n")
    with pytest.raises(IngestError, match="5 fields where the header has 3; field 4 is '2'"):
        parse_file(plan, ragged)
    mixed = tmp_path / "m.csv"
    mixed.write_bytes(
        b"date,kpi,value\n" + b"2024-06-02,nps,1\n" * 70000 + "x,渠道,1\n".encode("gbk")
    )
    with pytest.raises(IngestError, match="not valid utf-8") as info:
        parse_file(plan, mixed)
    assert "--encoding" in (info.value.hint or "")
    assert info.value.line == 70002  # the line of the first bytes that are not UTF-8
    assert f"at byte offset {15 + 17 * 70000 + 2:,}" in str(info.value)


def test_bad_bytes_after_a_character_cut_by_a_mib_are_named_where_they_are(
    plan: Plan, tmp_path: Path
) -> None:
    # the search reads a MiB at a time: a 3-byte character across the first MiB's end made
    # the line and the offset of a later bad byte come out wrong (the decoder's held bytes)
    row = "2024-06-01,nps,1,访访访访访访访访访访\n".encode()  # 47 bytes
    for pad in range(3):  # a header whose length makes the first MiB end in a character
        head = b"date,kpi,value,note" + b" " * pad + b"\n"
        rows = ((1 << 20) - len(head)) // len(row) + 1
        body = head + row * rows
        if 0x80 <= body[1 << 20] < 0xC0:
            break
    assert 0x80 <= body[1 << 20] < 0xC0
    path = tmp_path / "cut.csv"
    path.write_bytes(body + b"2024-06-02,nps,2,ok\xff\n2024-06-03,nps,3,\n")
    with pytest.raises(IngestError, match="not valid utf-8") as info:
        parse_file(plan, path, encoding="utf-8")
    assert info.value.line == rows + 2
    assert f"the bytes ff 0a 32 30 at byte offset {len(body) + 19:,}" in str(info.value)


def test_example_exports_land_exactly(launch_plan: Path, q3_plan: Path) -> None:
    import csv

    from tests.conftest import PLANS

    launch = load_plan(launch_plan)
    daily = parse_file(launch, PLANS / "2024-06-launch.daily.gbk.csv", source="daily_report")
    values = by_key(daily.mapped.observations)
    assert values[("online.sales", "2024-06-05", "")] == Decimal(69155)
    assert values[("online.impressions", "2024-06-05", "")] == Decimal(53024)
    assert values[("online.ctr", "2024-06-05", "")] == Decimal("2.2")
    assert ("offline.impressions", "2024-06-05", "") not in values
    assert daily.mapped.rows_read == 22
    q3 = load_plan(q3_plan)
    actuals = parse_file(q3, PLANS / "q3-2023-growth.actuals.csv").mapped
    with (PLANS / "q3-2023-growth.actuals.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert actuals.rows_read == len(rows)
    hand = sum(Decimal(r["value"]) for r in rows if r["kpi"] == "online.sales")
    got = sum(o.value for o in actuals.observations if o.kpi == "online.sales")
    assert got == hand
