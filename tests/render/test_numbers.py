from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from mktplan.render import numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("1234"), "1,234"),
        (D("1234.5"), "1,234.50"),
        (D("0.005"), "0.01"),
        (None, "-"),
        (D("-1234567.125"), "-1,234,567.13"),
        (D("1E+3"), "1,000"),
    ],
)
def test_number(value: D | None, expected: str) -> None:
    assert numbers.number(value) == expected


def test_money_fraction_points() -> None:
    assert numbers.money(D("375000")) == "375,000.00"
    assert numbers.money(D("0.125")) == "0.13"  # half-up, not banker's rounding
    assert numbers.fraction(D("1.2")) == "120.0%"
    assert numbers.fraction(D("0.70849")) == "70.8%"
    assert numbers.fraction(None) == "-"
    assert numbers.points(D("2.15")) == "2.2%"


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (D("2.1"), "%", "2.1%"),
        (D("35000"), "CNY", "35,000.00"),
        (D("3"), "ratio", "3.00"),
        (D("175"), "count", "175"),
        (D("12.5"), None, "12.50"),
        (None, "CNY", "-"),
    ],
)
def test_kpi_value_by_unit(value: D | None, unit: str | None, expected: str) -> None:
    assert numbers.kpi_value(value, unit) == expected


@pytest.mark.parametrize(
    ("roi", "expected"),
    [
        (D("3.5"), "1:3.5"),
        (D("3"), "1:3"),
        (D("12.8125"), "1:12.81"),
        (D("0.1"), "1:0.1"),
        (None, "-"),
    ],
)
def test_roi_label(roi: D | None, expected: str) -> None:
    assert numbers.roi_label(roi) == expected


def test_dates_and_timestamps() -> None:
    assert numbers.date(dt.date(2023, 7, 31)) == "2023-07-31"
    assert numbers.timestamp(dt.datetime(2023, 8, 1, 9, 5)) == "2023-08-01 09:05"
    assert numbers.date(None) == numbers.timestamp(None) == "-"


def test_md_cell_escapes_pipes_and_line_breaks() -> None:
    assert numbers.md_cell("a | b\nc\r\nd\re") == "a \\| b<br>c<br>d<br>e"
    assert numbers.md_cell("C:\\x|y") == "C:\\\\x\\|y"
    assert numbers.md_cell(None) == numbers.md_cell("  ") == "-"


def test_wan_and_yi_from_ten_thousand_up() -> None:
    from mktplan.render.numbers import money, number, style

    zh = style("zh")
    assert money(D("12000000"), zh) == "1,200.00 万"  # 12,000,000 ÷ 10,000
    assert money(D("320000000"), zh) == "3.20 亿"  # 320,000,000 ÷ 100,000,000
    assert number(D(320000000), None, zh) == "3.2 亿"  # counts: at most 2 decimals
    assert number(D(654532), None, zh) == "65.45 万"
    assert money(D("9999.5"), zh) == "9,999.50"  # below 1 万: as it is
    # the unit of the value as shown (two decimals, half up), never "10,000.00" of the one below
    assert money(D("9999.994"), zh) == "9,999.99"
    assert money(D("9999.995"), zh) == "1.00 万"
    assert money(D("99999949.99"), zh) == "9,999.99 万"
    assert money(D("99999999.999"), zh) == "1.00 亿"
    assert number(D("99999950"), None, zh) == "1 亿"
    assert money(D("-99999999.999"), zh) == "-1.00 亿"
    assert money(D("-250000"), zh) == "-25.00 万"
    assert money(D("12000000"), style("zh", "plain")) == "12,000,000.00"
    assert money(D("12000000"), style("en")) == "12,000,000.00"
    assert money(D("12000000"), style("en", "wan")) == "1,200.00 万"


def test_roi_is_one_to_x_in_chinese_but_not_its_change() -> None:
    from mktplan.render.numbers import kpi_value, readable, style

    zh = style("zh")
    assert kpi_value(D("9.8412"), "ratio", zh) == "1:9.84"
    assert readable(D("2.5"), "ratio", zh) == "1:2.5"
    assert kpi_value(D("-2.04"), "ratio", zh.difference) == "-2.04"
    assert kpi_value(D("9.8412"), "ratio", style("en")) == "9.84"


def _every_format(value: D) -> list[str]:
    """The value through every formatting function, in every style."""
    texts = []
    for shown in (numbers.PLAIN, numbers.Style(wan=True, roi=True)):
        texts += [numbers.number(value, None, shown), numbers.money(value, shown)]
        texts += [numbers.readable(value, unit, shown) for unit in (None, "pct", "ratio")]
        texts += [numbers.kpi_value(value, unit, shown) for unit in (None, "CNY", "pct", "ratio")]
    return [
        *texts,
        numbers.number(value, 1),
        numbers.number(value, 4),
        numbers.fraction(value),
        numbers.points(value),
        numbers.roi_label(value),
    ]


def test_the_rounding_context_changes_no_text() -> None:
    """Inside ``numbers.rounding()`` a value is formatted in one step (the context rounds
    half-up); outside, it is quantized first: the same texts either way, ties included."""
    import random
    from decimal import ROUND_HALF_EVEN, localcontext

    rng = random.Random(20261130)  # noqa: S311  (test values, not secrets)
    values = [D(t) for t in ("0.005", "-0.005", "0.125", "-0.125", "2.5", "-2.5", "0.05")]
    values += [D("0.0049999"), D("-0.0000001"), D("1E+5"), D("1E+300"), D("12345678.995")]
    values += [D(rng.randint(-(10**12), 10**12)).scaleb(-rng.randint(0, 8)) for _ in range(400)]
    with localcontext() as plain:
        plain.rounding = ROUND_HALF_EVEN  # the default outside: it must not leak into a text
        outside = [_every_format(v) for v in values]
    with numbers.rounding():
        inside = [_every_format(v) for v in values]
    assert inside == outside
    assert numbers.number(D("0.125"), 2) == "0.13"  # half-up, not the context's half-even
    with numbers.rounding():
        assert numbers.number(D("0.125"), 2) == "0.13"


def test_a_remembered_formatter_writes_each_value_as_the_formatter_does() -> None:
    """``memoized`` keys its texts by value: 0 and -0 are one key but print differently,
    and 0.5 and 0.50 are one key and print the same; NaN and None pass through."""
    values = [D("0"), D("-0"), D("-0.00"), D("0.00"), D("0.5"), D("0.50"), D("-0.0004")]
    values += [D("NaN"), None, D("0.5"), D("-0"), D("0")]
    for order in (values, values[::-1]):
        remembered = numbers.memoized(numbers.fraction)
        with numbers.rounding():
            assert [remembered(v) for v in order] == [numbers.fraction(v) for v in order]
    assert numbers.fraction(D("-0")) == "-0.0%"  # the case a plain dict would get wrong


@pytest.mark.parametrize("unit", ["元", "RMB", "美元/次", "USD per click", "dollars"])
def test_a_money_unit_in_any_spelling_is_shown_as_money(unit: str) -> None:
    # one rule of what money is, the one ingest reads cells by (vocab.unit_currency)
    assert numbers.kpi_formatter(unit)(D(1234)) == numbers.kpi_formatter("CNY")(D(1234))


@pytest.mark.parametrize("unit", ["PCS", "UV", "次"])
def test_a_unit_naming_no_currency_is_no_money(unit: str) -> None:
    assert not numbers.is_currency(unit)
    assert numbers.kpi_formatter(unit)(D(1234)) == numbers.kpi_formatter("count")(D(1234))


def test_a_workbook_shows_money_in_the_currency_its_unit_names() -> None:
    """A USD-per-click KPI in a CNY plan is not ¥ (the plan's symbol is for its own money),
    and a count per yuan is no money at all."""
    from mktplan.render.excel import _Writer, money_format

    writer = _Writer("CNY", {}, numbers.PLAIN)
    assert writer.money_of("元/次") == money_format("CNY")
    assert writer.money_of("USD per click") == money_format("USD")
    assert writer.money_of("USD per click") != writer.money
    assert writer.money_of("次/元") is None
    assert writer.money_of("count") is None
