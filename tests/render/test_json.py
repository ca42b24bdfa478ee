from __future__ import annotations

import dataclasses
import json
import math
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mktplan.render.json import decimal_number, render_json, report_document
from tests.render.sample import sample_evaluation

SHAPE = {
    "plan": {"id", "name", "as_of", "currency"},
    "kpis": {
        "id",
        "module",
        "name",
        "unit",
        "target",
        "actual",
        "attainment",
        "variance",
        "expected",
        "pace",
        "forecast",
        "status",
    },
    "modules": {"id", "name", "owner", "budget", "spend", "revenue", "roi"},
    "budget": {"total", "reserve", "allocated", "spent", "remaining"},
    "alerts": {"kpi", "severity", "message", "owner", "respond_by"},
    "actions": {"module", "name", "owner", "status", "start", "end", "finished", "budget"},
}


def test_document_has_the_issue_shape() -> None:
    doc = json.loads(render_json(sample_evaluation()))
    assert SHAPE.keys() <= doc.keys()
    assert SHAPE["plan"] <= doc["plan"].keys()
    assert SHAPE["budget"] <= doc["budget"].keys()
    for key in ("kpis", "modules", "alerts", "actions"):
        assert doc[key], key
        for item in doc[key]:
            assert SHAPE[key] <= item.keys(), key


def test_numbers_are_json_numbers_and_unknowns_null() -> None:
    doc = json.loads(render_json(sample_evaluation()))
    sales = next(k for k in doc["kpis"] if k["id"] == "online.sales")
    assert sales["target"] == 1300000
    assert type(sales["target"]) is int
    assert sales["actual"] == 412345.678
    assert type(sales["actual"]) is float
    assert sales["attainment"] == 0.317189
    reads = next(k for k in doc["kpis"] if k["id"] == "brand.reads")
    assert reads["actual"] is None
    assert reads["attainment"] is None
    assert reads["status"] == "no_data"
    assert doc["budget"]["total"] == 375000
    assert doc["budget"]["lines"][1]["planned"] is None
    online = next(m for m in doc["modules"] if m["id"] == "online")
    assert online["roi"] == 3.5
    assert online["roi_label"] == "1:3.5"
    assert doc["actions"][0]["budget"] == 40000
    assert doc["actions"][0]["finished"] is None


def test_dates_are_iso_strings() -> None:
    doc = json.loads(render_json(sample_evaluation()))
    assert doc["plan"]["as_of"] == "2023-07-31"
    assert doc["alerts"][0]["respond_by"] == "2023-08-02T00:00:00"
    assert doc["actions"][1]["finished"] == "2023-07-31"


def test_no_number_is_a_string() -> None:
    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")
        elif isinstance(value, str):
            try:
                float(value.replace(",", ""))
            except ValueError:
                return
            raise AssertionError(f"{path} is a number written as a string: {value!r}")

    walk(json.loads(render_json(sample_evaluation())), "$")


def test_keys_are_sorted_and_output_is_stable() -> None:
    text = render_json(sample_evaluation())
    assert text == render_json(sample_evaluation())
    assert text.endswith("}\n")
    top = list(json.loads(text))
    assert top == sorted(top)


def test_daily_values_appear_only_when_present() -> None:
    with_daily = report_document(sample_evaluation(daily_rows=2))
    without = report_document(dataclasses.replace(sample_evaluation(), daily=[]))
    assert len(with_daily["daily"]) == 2
    assert "daily" not in without


def test_decimal_number() -> None:
    assert decimal_number(D("5.000000")) == 5
    assert type(decimal_number(D("5.000000"))) is int
    assert decimal_number(D("1E+2")) == 100
    assert decimal_number(D("0.1")) == 0.1


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "-0",
        "5.000000",
        "-12.5",
        "1E+2",
        "1E+400",
        "-1E+400",
        "1E-400",
        "123456789012345678.5",  # whole as a float, not as a decimal
        "9007199254740993",  # past 2**53: exact as an int, not as a float
        "0.000001",
        "2.1",
        "-3.333333",
    ],
)
def test_decimal_number_is_int_exactly_when_the_decimal_is_whole(text: str) -> None:
    value = D(text)
    whole = value == value.to_integral_value()
    number = decimal_number(value)
    assert type(number) is (int if whole else float)
    assert number == (int(value) if whole else float(value))


@settings(max_examples=400, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_number_is_the_int_or_the_float_of_the_decimal(value: D) -> None:
    whole = value == value.to_integral_value()
    try:
        expected: int | float = int(value) if whole else float(value)
    except OverflowError:  # pragma: no cover - no such value reaches a report
        return
    number = decimal_number(value)
    assert type(number) is type(expected)
    assert number == expected


def test_decimal_number_of_nan_and_infinity_is_a_float_the_encoder_refuses() -> None:
    assert math.isnan(decimal_number(D("NaN")))
    assert decimal_number(D("-Infinity")) == -math.inf


def _plain_dumps(doc: object) -> str:
    from mktplan.render.json import ReportEncoder

    return json.dumps(
        doc, cls=ReportEncoder, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False
    )


def test_the_fast_writer_writes_the_bytes_of_json_dumps_indent_2() -> None:
    import datetime as dt

    from mktplan.render.json import _SLOT, indented_json

    docs: list[object] = [
        {},
        [],
        0,
        "x",
        None,
        {"b": {}, "a": [1, [2, []], {"z": D("1.5"), "y": dt.date(2020, 1, 2)}]},
        {"s": 'quote " newline \n tab \t 中文 \u2028 \x00', "n": None, "t": True, "f": False},
        [[[]]],
        [{}, {"a": []}],
        (1, (2, ())),
        {2: "b", 1: [1, {3: None}]},
        {"big": D("12345678901234567890.5"), "tiny": D("1E-7"), "neg": -0.0, "e": 1e300},
        [dt.datetime(2020, 1, 1, 5, 6, 7), dt.date(1, 1, 1)],
        # a text equal to the writer's placeholder for nested containers
        {"a": _SLOT, "b": [1], "c": [_SLOT, [_SLOT]], _SLOT: {"x": _SLOT}},
        # lists of flat records (the channel rows), written in one call and laid out after:
        # texts that look like the layout's seams, one record, one key, nested deeper
        [{"a": 1}],
        [{"b": "x", "a": None}, {"a": D("2.5")}],
        {"k": [{"a": "},\n    {", "b": "}", "c": "{"}, {"a": "]", "b": "[{"}]},
        [[{"z": dt.date(2020, 1, 2), "y": True}, {"x": "},"}], [{"a": _SLOT}]],
        {"x": {"y": [{"a": 1, "b": 2}, {"a": 3, "b": 4}, {"a": 5, "b": 6}]}},
        [{"a": 1}, {}],  # an empty record: not flat-records, the general path
        # records with one key order are written unsorted only when that order is sorted
        [{"b": 1, "a": 2}, {"b": 3, "a": 4}],
        [{"a": 1, "b": 2}, {"b": 3, "a": 4}],
        [{"a": 1, "b": 2}, {"a": 3, "b": 4}],
        [{2: "x", 10: "y"}, {2: "z", 10: "w"}],  # sorted as numbers, not as texts
        [{"10": "x", "2": "y"}, {"10": "z", "2": "w"}],
        [{"a": 1}, {"b": [1]}],
        [{"a": 1}, 2],
    ]
    for doc in docs:
        assert indented_json(doc) == _plain_dumps(doc), doc
    text = render_json(sample_evaluation())
    assert text == _plain_dumps(report_document(sample_evaluation())) + "\n"


def test_the_report_is_encoded_by_the_c_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # the pure-Python encoder (what `indent=2` falls back to) took 1.5 s of the 10M report
    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError("the pure-Python JSON encoder was used")

    monkeypatch.setattr(json.encoder, "_make_iterencode", refused)
    doc = json.loads(render_json(sample_evaluation(daily_rows=50)))
    assert len(doc["daily"]) == 50


def test_channel_rows_write_the_numbers_the_encoder_would() -> None:
    """The channel rows' numbers are converted while the document is built (no call back
    per value from the encoder): whole values as ints, others as floats, unknown as null,
    the text exactly what encoding the Decimals writes."""
    from mktplan.render.json import ReportEncoder

    ev = sample_evaluation()
    doc = report_document(ev)
    rows = doc["kpis"][1]["by_channel"]
    assert [type(r["actual"]) for r in rows] == [int, float]
    assert rows[0]["share"] == 0.727545
    assert doc["kpis"][2]["by_channel"][0]["share"] is None
    as_decimals = [
        {"channel": c.channel or None, "actual": c.actual, "share": c.share}
        for c in ev.kpis[1].by_channel
    ]
    assert json.dumps(rows, cls=ReportEncoder, sort_keys=True) == json.dumps(
        as_decimals, cls=ReportEncoder, sort_keys=True
    )
    money = [[r["spend"], r["revenue"], r["roi"]] for r in doc["modules"][1]["by_channel"]]
    assert money == [[50000, 200000.25, 4.000005], [25001.5, 62505, 2.5], [0, 0, None]]
    assert [type(v) for v in money[0]] == [int, float, float]
