"""Fixed number and text formatting shared by the Markdown and terminal renderers.

Every function is pure and deterministic: rounding is half-up on ``Decimal``, thousands are
separated by commas, and ``None`` (unknown) prints as ``-`` like the teams' daily sheets.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Context, Decimal

from mktplan.vocab import is_percent

MISSING = "-"
_CURRENCY = re.compile(r"^[A-Z]{3}$")


# enough digits to round any value a float can hold (10^308) to a few places
_WIDE = Context(prec=400)


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=_WIDE)


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


def readable(value: Decimal | None, unit: str | None = None) -> str:
    """A value inside a sentence: thousands separators, at most two decimals (trailing
    zeros dropped), ``%`` for percent units, "—" when unknown: 1234.50 → ``1,234.5``."""
    if value is None:
        return "—"
    text = f"{_quantize(Decimal(value), 2):,.2f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return f"{text}%" if is_percent(unit) else text


def kpi_value(value: Decimal | None, unit: str | None) -> str:
    """A KPI value in its own unit: percent points (any unit :func:`~mktplan.vocab.is_percent`
    accepts), money (2 dp), ratio (2 dp) or a count."""
    if value is None:
        return MISSING
    if is_percent(unit):
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


# Markdown reports are rendered as HTML (GitHub, GitLab, wikis): text from plans and exports
# must not become markup. &, < and > become entities (no tag, no autolink); [ and ] are
# backslash-escaped (no link or image, so no `javascript:` link and no remote image).
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]"})
# C0 and C1 control characters but line breaks: in a terminal ESC and CSI start commands
# (clear the screen, set the title, hide text), in Markdown they are never meant.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_controls(value: str) -> str:
    """``value`` without control characters; tabs become spaces, CR and CR LF become LF."""
    out = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROLS.sub("", out)


def md_text(value: object) -> str:
    """Text from a plan or an export as literal Markdown text (``text`` filter): HTML and
    link syntax escaped, control characters removed, ``-`` for None."""
    out = without_controls(text(value)).replace("\\", "\\\\")
    return out.translate(_MD_ESCAPES)


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: as :func:`md_text`, ``|`` escaped, line breaks
    as ``<br>``."""
    out = md_text(value).replace("|", "\\|").strip()
    return out.replace("\n", "<br>")


def terminal_text(value: object) -> str:
    """Any value as text for a terminal: as :func:`text`, without control characters."""
    return without_controls(text(value))
