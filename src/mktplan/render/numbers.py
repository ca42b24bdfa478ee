"""Fixed number and text formatting shared by the Markdown and terminal renderers.

Every function is pure and deterministic: rounding is half-up on ``Decimal``, thousands are
separated by commas, and ``None`` (unknown) prints as ``-`` like the teams' daily sheets.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

MISSING = "-"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def number(value: Decimal | int | None, places: int | None = None) -> str:
    """``1,234`` for integral values, else ``1,234.57`` (2 dp unless ``places`` is given)."""
    if value is None:
        return MISSING
    d = Decimal(value)
    if places is None:
        places = 0 if d == d.to_integral_value() else 2
    return f"{_quantize(d, places):,.{places}f}"


def money(value: Decimal | int | None) -> str:
    """Money with thousands separators and 2 decimal places: ``375,000.00``."""
    return number(value, 2)


def fraction(value: Decimal | None) -> str:
    """A fraction as a percentage with 1 decimal place: 1.2 → ``120.0%``."""
    if value is None:
        return MISSING
    return f"{_quantize(Decimal(value) * 100, 1):,.1f}%"


def points(value: Decimal | None) -> str:
    """Percent points with 1 decimal place: 2.1 → ``2.1%``."""
    if value is None:
        return MISSING
    return f"{_quantize(Decimal(value), 1):,.1f}%"


def is_currency(unit: str | None) -> bool:
    """Whether a KPI unit is a currency code such as CNY."""
    return unit is not None and bool(_CURRENCY.match(unit))


def kpi_value(value: Decimal | None, unit: str | None) -> str:
    """A KPI value in its own unit: percent points, money (2 dp), ratio (2 dp) or a count."""
    if value is None:
        return MISSING
    if unit == "%":
        return points(value)
    if is_currency(unit):
        return money(value)
    if unit == "ratio":
        return number(value, 2)
    return number(value)


def roi_label(roi: Decimal | None) -> str:
    """ROI as the templates write it: 3.5 → ``1:3.5`` (at most 2 decimal places)."""
    if roi is None:
        return MISSING
    text = f"{_quantize(Decimal(roi), 2):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"1:{text}"


def date(value: dt.date | None) -> str:
    """ISO date, ``-`` when unknown."""
    return MISSING if value is None else value.isoformat()


def timestamp(value: dt.datetime | None) -> str:
    """``2023-08-01 00:00``: minutes are precise enough for a response deadline."""
    return MISSING if value is None else value.strftime("%Y-%m-%d %H:%M")


def text(value: object) -> str:
    """Any value as text, ``-`` for None or an empty string."""
    if value is None:
        return MISSING
    out = str(value)
    return out if out.strip() else MISSING


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: ``|`` escaped, line breaks as ``<br>``."""
    out = text(value).replace("\\", "\\\\").replace("|", "\\|")
    out = out.replace("\r\n", "\n").replace("\r", "\n").strip()
    return out.replace("\n", "<br>")
