from __future__ import annotations

from decimal import Decimal as D

from mktplan.evaluation import Change
from mktplan.render.weekly import Chart, change_relative, change_value, sparkline


def test_sparkline_spans_lowest_to_highest() -> None:
    assert sparkline([D(1), D(2), D(3)]) == "▁▅█"  # (2−1)×7÷2 = 3.5 → 4 → ▅
    assert sparkline([D(0), D(7), None, D(14)]) == "▁▅·█"
    assert sparkline([D(5), D(5)]) == "▄▄"
    assert sparkline([None, None]) == "··"
    assert sparkline([]) == ""


def test_change_is_signed_and_in_points_for_percent_kpis() -> None:
    assert change_value(Change(D(400), D("0.5")), "CNY", "en") == "+400.00"
    assert change_value(Change(D(-35), D("-0.583333")), "count", "en") == "-35"
    assert change_value(Change(D("-0.5"), None), "%", "zh") == "-0.5 个百分点"
    assert change_value(Change(D("2.25"), None), "pct", "en") == "+2.3 pt"  # every percent unit
    assert change_value(Change(None, None), "%", "en") == "-"
    assert change_relative(Change(D(400), D("0.5"))) == "+50.0%"
    assert change_relative(Change(D("-0.5"), None)) == "-"


def test_mermaid_labels_cannot_break_the_chart_or_the_fence() -> None:
    from mktplan.render.weekly import mermaid_text

    assert mermaid_text('Sales "Q3"\n```; x\\y') == "Sales 'Q3' ''', x/y"
    # a renderer that reads labels as HTML sees no tag
    assert mermaid_text("Leads <b>new</b>") == "Leads ‹b›new‹/b›"


def _roi_chart(unit: str, lang: str) -> Chart:
    """One bar of 9.15 in ``unit``, in ``lang``'s style."""
    from mktplan.render import numbers
    from mktplan.render.weekly import Series

    return Chart(
        "ROI", unit, ["07-31"], [Series("bar", "ROI", [D("9.15")])], lang, numbers.style(lang, None)
    )


def test_a_chart_table_writes_values_as_the_kpi_tables_do() -> None:
    # ROI as 1:X in Chinese, as in the KPI table
    assert _roi_chart("ratio", "zh").rows()[0][1] == "1:9.15"
    assert _roi_chart("ratio", "en").rows()[0][1] == "9.15"


def test_a_chart_axis_names_its_unit_in_the_report_language() -> None:
    def axis(unit: str, lang: str) -> str:
        (line,) = [x for x in _roi_chart(unit, lang).mermaid().splitlines() if "y-axis" in x]
        return line.strip()

    assert axis("ratio", "zh") == 'y-axis "比值"'
    assert axis("ratio", "en") == 'y-axis "ratio"'
    assert axis("CNY", "zh") == 'y-axis "CNY"'
