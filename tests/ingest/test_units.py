"""Currency and scale: the plan's currency in any spelling passes, another one is an error
naming both; 万, 亿, w in cells and (万元), (千元) in headers scale exactly; `scale:` for K, M."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from mktplan.ingest.cells import header_unit, parse_cell, scale_factor
from mktplan.vocab import kpi_currency
from tests.conftest import run_cli
from tests.ingest.shapes import PLAN, stored, write, write_plan


@pytest.mark.parametrize(
    "cell", ["¥5", "￥5", "5元", "CNY 5", "CN¥5", "RMB5", "5 rmb", "人民币5", "-¥5", "¥-5"]
)
def test_the_plans_currency_in_any_usual_spelling_is_accepted(tmp_path: Path, cell: str) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "p.csv", f"date,spend\n2025-10-01,{cell}\n")
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    value = stored(store)[("ads.spend", "2025-10-01", "")]
    assert abs(value) == Decimal(5)


@pytest.mark.parametrize(
    ("cell", "other"),
    [("$5", "USD"), ("US$5", "USD"), ("5 usd", "USD"), ("€5", "EUR"), ("$1,234.56", "USD")],
)
def test_another_currency_in_a_money_cell_is_an_error_naming_both(
    tmp_path: Path, cell: str, other: str
) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "p.csv", f'date,spend\n2025-10-01,"{cell}"\n')
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 1
    assert f"a value in {other}, but this column's KPI is in CNY" in run.stderr
    assert "p.csv:2 spend" in run.stderr
    assert not store.exists()


def test_a_usd_plan_takes_dollars(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        PLAN.replace("unit: CNY", "unit: USD")
        .replace("owner: Li Na\n", "owner: Li Na\n  currency: USD\n", 1)
        .replace("100,000 CNY", "100,000 USD"),
    )
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "p.csv", 'date,spend,sales\n2025-10-01,"US$1,234.56",$5\n')
    run = run_cli("ingest", plan, export, "--source", "spend_sales", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal("1234.56")
    refused = write(tmp_path, "q.csv", "date,spend\n2025-10-02,¥5\n")
    run = run_cli("ingest", plan, refused, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "a value in CNY, but this column's KPI is in USD" in run.stderr


@pytest.mark.parametrize("cell", ["¥5", "5元", "$5", "RMB 5"])
def test_money_in_a_kpi_that_is_not_money_is_an_error_naming_the_unit(
    tmp_path: Path, cell: str
) -> None:
    """Money in a count column is a column mapped to the wrong KPI, not a count: the cell is
    refused naming the KPI's unit (the plan's own currency included), in wide and long files."""
    plan = write_plan(
        tmp_path,
        PLAN.replace(
            "  plain:\n",
            "  counts:\n    date: date\n    module: ads\n    columns: {clicks: clicks}\n  plain:\n",
            1,
        ),
    )
    store = tmp_path / "s.sqlite"
    wide = write(tmp_path, "w.csv", f'date,clicks\n2025-10-01,"{cell}"\n2025-10-02,7\n')
    run = run_cli("ingest", plan, wide, "--source", "counts", "--store", store)
    assert run.code == 1
    assert f"w.csv:2 clicks: '{cell}': a value in" in run.stderr
    assert "for 'ads.clicks', whose unit 'count' names no currency" in run.stderr
    assert "this column's KPI is in CNY" not in run.stderr
    long = write(tmp_path, "l.csv", f'date,kpi,value\n2025-10-01,ads.clicks,"{cell}"\n')
    run = run_cli("ingest", plan, long, "--store", store)
    assert run.code == 1
    assert "l.csv:2 value" in run.stderr
    assert "whose unit 'count' names no currency" in run.stderr
    assert not store.exists()
    run = run_cli("ingest", plan, wide, "--source", "counts", "--store", store, "--skip-invalid")
    assert run.code == 0, run.output
    assert stored(store) == {("ads.clicks", "2025-10-02", ""): Decimal(7)}


def test_a_long_files_money_is_checked_against_its_rows_kpi(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "l.csv",
        "date,kpi,value\n2025-10-01,ads.spend,¥5\n2025-10-02,ads.spend,$5\n"
        "2025-10-03,ads.clicks,3\n",
    )
    run = run_cli("ingest", plan, export, "--store", store)
    assert run.code == 1
    assert "l.csv:3 value: '$5': a value in USD, but 'ads.spend' is in CNY" in run.stderr
    assert "l.csv:2" not in run.stderr


@pytest.mark.parametrize(
    "unit", ["RMB", "元", "¥", "元/次", "CNY per click", "人民币元", "元人民币", "yuan"]
)
def test_a_money_unit_in_any_usual_spelling_takes_the_plans_money(
    tmp_path: Path, unit: str
) -> None:
    plan = write_plan(
        tmp_path,
        PLAN.replace(
            "{id: spend, name: Spend, unit: CNY", f"{{id: spend, name: Spend, unit: '{unit}'", 1
        ),
    )
    store = tmp_path / "s.sqlite"
    export = write(tmp_path, "p.csv", 'date,spend\n2025-10-01,"￥1,234.5"\n2025-10-02,5元\n')
    run = run_cli("ingest", plan, export, "--source", "plain", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal("1234.5")
    dollars = write(tmp_path, "d.csv", "date,spend\n2025-10-03,$5\n")
    run = run_cli("ingest", plan, dollars, "--source", "plain", "--store", store)
    assert run.code == 1
    assert "a value in USD, but this column's KPI is in CNY" in run.stderr
    # a currency column names the KPI's currency by its code
    coded = write(tmp_path, "c.csv", "date,Currency,Spend\n2025-10-04,CNY,5\n")
    run = run_cli("ingest", plan, coded, "--source", "with_currency", "--store", store)
    assert run.code == 0, run.output


def test_a_money_column_header_in_another_currency_refuses_the_file(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "m.csv", "date,Amount spent (USD)\n2025-10-01,5\n")
    run = run_cli("ingest", plan, export, "--source", "usd_header", "--store", store)
    assert run.code == 1
    assert "the column 'Amount spent (USD)' is in USD, but 'ads.spend' is in CNY" in run.stderr
    assert "m.csv:1" in run.stderr
    assert "Traceback" not in run.output


def test_a_currency_column_in_another_currency_rejects_the_row(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "c.csv", "date,Currency,Spend\n2025-10-01,CNY,5\n2025-10-02,USD,7\n")
    run = run_cli("ingest", plan, export, "--source", "with_currency", "--store", store)
    assert run.code == 1
    assert "c.csv:3 Currency: 'USD': a row in USD, but the plan's money is in CNY" in run.stderr
    ok = write(tmp_path, "d.csv", "date,Currency,Spend\n2025-10-01,RMB,5\n2025-10-02,,7\n")
    run = run_cli("ingest", plan, ok, "--source", "with_currency", "--store", store)
    assert run.code == 0, run.output


def test_a_currency_column_is_checked_against_its_money_kpis_currency(tmp_path: Path) -> None:
    # a Meta account billed in UAH, mapped to a KPI in UAH, in a CNY plan: the currency
    # column must say UAH, as the money cells and a (UAH) header are read in UAH
    text = PLAN.replace(
        "      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}",
        "      - {id: spend, name: Spend, unit: CNY, role: spend, source: export}\n"
        "      - {id: spend_uah, name: Spend UAH, unit: UAH, source: meta}",
    ) + (
        "  meta_uah:\n    date: date\n    module: ads\n    currency: Currency\n"
        "    columns: {Amount spent (UAH): spend_uah}\n"
    )
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    good = write(tmp_path, "u.csv", "date,Currency,Amount spent (UAH)\n2025-10-01,UAH,160.65\n")
    run = run_cli("ingest", plan, good, "--source", "meta_uah", "--store", store)
    assert run.code == 0, run.output
    assert stored(store) == {("ads.spend_uah", "2025-10-01", ""): Decimal("160.65")}
    bad = write(tmp_path, "v.csv", "date,Currency,Amount spent (UAH)\n2025-10-02,CNY,5\n")
    run = run_cli("ingest", plan, bad, "--source", "meta_uah", "--store", store)
    assert run.code == 1
    assert (
        "v.csv:2 Currency: 'CNY': a row in CNY, but the KPIs of its money columns are in UAH"
        in run.stderr
    )


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("1.2万", Decimal(12000)),
        ("0.12亿", Decimal(12000000)),
        ("3w", Decimal(30000)),
        ("3W", Decimal(30000)),
        ("1.2万元", Decimal(12000)),
        ("0.000001万", Decimal("0.01")),
    ],
)
def test_chinese_units_in_a_cell_scale_exactly(tmp_path: Path, cell: str, value: Decimal) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "p.csv", f"date,sales\n2025-10-01,{cell}\n")
    run = run_cli("ingest", plan, export, "--source", "plain_sales", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.sales", "2025-10-01", "")] == value


def test_a_unit_in_the_header_scales_the_column(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(
        tmp_path,
        "store.csv",
        "日期,销售额（万元）,花费(千元)\n2025-10-01,3.9,1.5\n2025-10-02,0.0001234,2\n"
        "2025-10-03,2万,-\n2025-10-04,1.5元,800元\n2025-10-05,¥1.5,2 人民币元\n",
    )
    run = run_cli("ingest", plan, export, "--source", "store_sheet", "--store", store)
    assert run.code == 0, run.output
    values = stored(store)
    assert values[("ads.sales", "2025-10-01", "")] == Decimal(39000)
    assert values[("ads.sales", "2025-10-02", "")] == Decimal("1.234")
    assert values[("ads.sales", "2025-10-03", "")] == Decimal(20000)  # its own unit wins
    assert values[("ads.spend", "2025-10-01", "")] == Decimal(1500)
    # 元 names the unit (as against 万元): the cell is in yuan; a currency sign names none
    assert values[("ads.sales", "2025-10-04", "")] == Decimal("1.5")
    assert values[("ads.spend", "2025-10-04", "")] == Decimal(800)
    assert values[("ads.sales", "2025-10-05", "")] == Decimal(15000)
    assert values[("ads.spend", "2025-10-05", "")] == Decimal(2)


def test_a_source_scale_multiplies_a_column(tmp_path: Path) -> None:
    plan, store = write_plan(tmp_path), tmp_path / "s.sqlite"
    export = write(tmp_path, "k.csv", "date,Clicks (K),Spend\n2025-10-01,1.25,3\n")
    run = run_cli("ingest", plan, export, "--source", "scaled", "--store", store)
    assert run.code == 0, run.output
    assert stored(store)[("ads.clicks", "2025-10-01", "")] == Decimal(1250)
    assert stored(store)[("ads.spend", "2025-10-01", "")] == Decimal(3)


def test_a_bad_scale_makes_the_plan_invalid(tmp_path: Path) -> None:
    # the plan's own check (validate's rule, plan/sources.py) refuses it before any file is read
    plan = write_plan(tmp_path, PLAN.replace("scale: {Clicks (K): K}", "scale: {Clicks (K): lots}"))
    export = write(tmp_path, "k.csv", "date,Clicks (K),Spend\n2025-10-01,1.25,3\n")
    run = run_cli("ingest", plan, export, "--source", "scaled", "--store", tmp_path / "s")
    assert run.code == 1
    assert "scale 'lots' is not a number or one of K, M, 千, 万, 亿" in run.stderr


def test_units_read_from_headers_and_cells() -> None:
    assert header_unit("销售额(亿元)", "CNY").scale == 10**8
    assert header_unit("CPM (cost per 1,000 impressions) (USD)", "CNY").currency == "USD"
    assert header_unit("Clicks (all)", "CNY").currency is None
    assert scale_factor("M") == Fraction(10**6)
    assert scale_factor("0.01") == Fraction(1, 100)
    with pytest.raises(ValueError, match="not a number"):
        parse_cell("12abc", "CNY")
    with pytest.raises(ValueError, match="both money and a percentage"):
        parse_cell("¥5%", "CNY")


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("Rs.5", "5", "INR"),  # the abbreviation's dot is no decimal point: not 0.5
        ("Rs. 1,234.50", "1234.5", "INR"),
        ("-Rs.5", "-5", "INR"),
        ("5 Rs.", "5", "INR"),
        ("5 грн.", "5", "UAH"),
        ("5 dollars", "5", "USD"),
        ("$.5", "0.5", "USD"),
    ],
)
def test_currency_words_and_abbreviations_in_cells(cell: str, value: str, currency: str) -> None:
    read = parse_cell(cell, "INR")
    assert (read.value, read.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("dollars per click", "USD"),
        ("US dollars", "USD"),
        ("hryvnia", "UAH"),
        ("元/千次展示", "CNY"),
        ("count", None),
        ("%", None),
        ("次", None),
        ("美元/次", "USD"),
        ("元人民币", "CNY"),
        ("UV", None),
        ("次/元", None),  # clicks per yuan: a count, its money in the denominator
        ("clicks per dollar", None),
        ("cost per click (USD)", "USD"),
        ("单元", None),
        ("try", None),  # a word, not the lira
        ("TRY", "TRY"),
        ("pounds", None),  # a weight
        ("sgd", "SGD"),  # a code in any case, but for codes that are words
        ("cost per click (元/次)", "CNY"),
        ("cost per lead in USD", "USD"),
        ("元／次", "CNY"),  # a Chinese input method's slash
        ("元每单", "CNY"),
        ("客单价元", "CNY"),
        ("十万元", "CNY"),
        ("score", None),  # no currency named: no money
    ],
)
def test_the_currency_a_kpi_unit_names(unit: str, expected: str | None) -> None:
    assert kpi_currency(unit, "CNY") == expected


@pytest.mark.parametrize("cell", ["Mar-95", "3/1/1995", "1995-03-01", "1995年3月1日", "March 1995"])
def test_a_date_in_a_number_column_says_so(cell: str) -> None:
    # Excel shows 3.95 formatted as a date as Mar-95, and a CSV it saves holds that text
    with pytest.raises(ValueError, match="a date where a number belongs"):
        parse_cell(cell, "CNY")


@pytest.mark.parametrize("cell", ["1/2", "12-15", "24/7", "13/45"])
def test_fractions_and_ranges_are_no_dates(cell: str) -> None:
    with pytest.raises(ValueError, match="not a number"):
        parse_cell(cell, "CNY")


@pytest.mark.parametrize(("cell", "value"), [("20240101", "20240101"), ("Rs .5", "0.5")])
def test_numbers_that_look_like_dates_or_abbreviations_stay_numbers(cell: str, value: str) -> None:
    assert parse_cell(cell, "INR").value == Decimal(value)
