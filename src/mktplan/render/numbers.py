"""Fixed number and text formatting shared by the Markdown and terminal renderers.

Every function is pure and deterministic: rounding is half-up on ``Decimal``, thousands are
separated by commas, and ``None`` (unknown) prints as ``-`` like the teams' daily sheets.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from markupsafe import Markup

from mktplan.vocab import is_currency as is_currency
from mktplan.vocab import is_percent, is_ratio

MISSING = "-"

Units = Literal["wan", "plain"]
UNITS: tuple[Units, ...] = ("wan", "plain")
WAN = Decimal(10_000)  # 万
YI = Decimal(100_000_000)  # 亿
_HUNDRED = Decimal(100)  # a fraction in percent
WAN_FROM = WAN  # smaller values stay as they are: 9,999.00, not 1.00 万
# The unit is chosen by the value as it is shown, at two decimals, half up: 9,999.995 shows
# as 1.00 万 (not "10,000.00"), 99,999,950 as 1.00 亿 (not "10,000.00 万")
_WAN_SHOWN = WAN_FROM - Decimal("0.005")
_YI_SHOWN = YI - WAN * Decimal("0.005")


@dataclass(frozen=True)
class Style:
    """How a report writes its numbers: ``wan``: large money and counts in 万/亿
    ("1,200.00 万", "3.2 亿"); ``roi``: ratio KPIs as 1:X (投入产出比 1:3.5)."""

    wan: bool = False
    roi: bool = False

    @property
    def difference(self) -> Style:
        """The style of a difference of two values: a change of ROI is no ratio 1:X."""
        return Style(wan=self.wan)


PLAIN = Style()


def style(lang: str, units: Units | None = None) -> Style:
    """The number style of a report in ``lang``: 万 by default in Chinese (``units``
    overrides), ratios as 1:X in Chinese."""
    chosen = units if units is not None else ("wan" if lang == "zh" else "plain")
    return Style(wan=chosen == "wan", roi=lang == "zh")


# enough digits to round any value a float can hold (10^308) to a few places
_WIDE = Context(prec=400)


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}


def _quantize(value: Decimal, places: int) -> Decimal:
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return value.quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE)


@contextlib.contextmanager
def rounding() -> Iterator[None]:
    """Format numbers faster inside: a ``Decimal`` rounds by the current context's rounding
    when it is formatted with a precision (``f"{d:,.2f}"``), so under a half-up context one
    format call does what a quantize and a format do (a report formats about 100,000
    numbers). Outside it, every function here still rounds half-up, by quantizing first.
    Only the rounding changes: arithmetic keeps the precision it had."""
    context = decimal.getcontext().copy()
    context.rounding = ROUND_HALF_UP
    with decimal.localcontext(context):
        yield


# The format specifications _fixed uses, built once: building ",.2f" for each of a report's
# 100,000 numbers took as long as formatting them.
_SPECS = {(spec, places): f"{spec}.{places}f" for spec in (",", "") for places in range(7)}
_context = decimal.getcontext


def _fixed(value: Decimal, places: int, spec: str = ",") -> str:
    """``value`` rounded half-up to ``places`` decimals and formatted with ``spec``
    (``","``: thousands separated, ``""``: not)."""
    form = _SPECS.get((spec, places)) or f"{spec}.{places}f"
    if _context().rounding == ROUND_HALF_UP:
        return format(value, form)
    return format(_quantize(value, places), form)


def number(value: Decimal | int | None, places: int | None = None, shown: Style = PLAIN) -> str:
    """``1,234`` for integral values, else ``1,234.57`` (2 dp unless ``places`` is given);
    in 万/亿 style a count from 10,000 up as ``65.45 万`` / ``3.2 亿`` (at most 2 dp)."""
    if value is None:
        return MISSING
    d = value if type(value) is Decimal else Decimal(value)
    if places is None:
        if shown.wan and abs(d) >= _WAN_SHOWN:
            return _large(d, None)
        places = 0 if d == d.to_integral_value() else 2
    return _fixed(d, places)


def money(value: Decimal | int | None, shown: Style = PLAIN) -> str:
    """Money with thousands separators and 2 decimal places: ``375,000.00``; in 万/亿 style
    from 10,000 up: ``1,200.00 万``, ``3.20 亿``."""
    if value is None:
        return MISSING
    d = value if type(value) is Decimal else Decimal(value)
    if shown.wan and abs(d) >= _WAN_SHOWN:
        return _large(d, 2)
    return _fixed(d, 2)


def _large(value: Decimal, places: int | None) -> str:
    """A value from 10,000 up in 万 or 亿: with ``places`` (2) decimals, or (None) at most
    two with trailing zeros dropped."""
    scale, word = (YI, "亿") if abs(value) >= _YI_SHOWN else (WAN, "万")
    scaled = value / scale
    return f"{_trimmed(scaled) if places is None else _fixed(scaled, places)} {word}"


def _trimmed(value: Decimal) -> str:
    """At most two decimals, trailing zeros dropped: 1234.50 → ``1,234.5``, -0.001 → ``0``."""
    text = _fixed(value, 2).rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def fraction(value: Decimal | None) -> str:
    """A fraction as a percentage with 1 decimal place: 1.2 → ``120.0%``."""
    if value is None:
        return MISSING
    d = value if type(value) is Decimal else Decimal(value)
    return f"{_fixed(d * _HUNDRED, 1)}%"


def points(value: Decimal | None) -> str:
    """Percent points with 1 decimal place: 2.1 → ``2.1%``."""
    if value is None:
        return MISSING
    return f"{_fixed(value if type(value) is Decimal else Decimal(value), 1)}%"


def readable(value: Decimal | None, unit: str | None = None, shown: Style = PLAIN) -> str:
    """A value inside a sentence: thousands separators, at most two decimals (trailing
    zeros dropped), ``%`` for percent units, "—" when unknown: 1234.50 → ``1,234.5``; in
    万/亿 style from 10,000 up (``1,200 万``), ratios as 1:X in the 1:X style. Money keeps
    its cents as the tables write it (``137,535.60``, ``1,200.00 万``): a sentence never
    shows another figure than the table beside it."""
    if value is None:
        return "—"
    if is_ratio(unit) and shown.roi:
        return roi_label(value)
    d = value if type(value) is Decimal else Decimal(value)
    if is_percent(unit):
        return f"{_trimmed(d)}%"
    if is_currency(unit):
        return money(d, shown)
    if shown.wan and abs(d) >= WAN_FROM:
        return _large(d, None)
    return _trimmed(d)


def kpi_value(value: Decimal | None, unit: str | None, shown: Style = PLAIN) -> str:
    """A KPI value in its own unit: percent points (any unit :func:`~mktplan.vocab.is_percent`
    accepts), money (2 dp), ratio (2 dp, or 1:X in that style) or a count."""
    return kpi_formatter(unit, shown)(value)


@functools.lru_cache(maxsize=1024)
def kpi_formatter(unit: str | None, shown: Style = PLAIN) -> Callable[[Decimal | None], str]:
    """The function that writes values of ``unit`` as :func:`kpi_value` does: chosen once
    for the thousands of values of one KPI (its channels, its trend)."""
    # closures with positional calls: a partial with keywords costs more than the formatting
    if is_percent(unit):
        return points
    if is_currency(unit):
        return lambda value: money(value, shown)
    if is_ratio(unit):
        return roi_label if shown.roi else lambda value: number(value, 2)
    return lambda value: number(value, None, shown)


def memoized(write: Callable[[Decimal | None], str]) -> Callable[[Decimal | None], str]:
    """``write`` remembering the text of each value it was given, for one table whose
    values repeat (a channel's share of a KPI: 36,000 rows hold about 3,000 shares). Made
    per table, so nothing is kept between reports. Zero is written each time: 0 and -0 are
    one key but print as ``0.0%`` and ``-0.0%``; every other value prints by its value alone
    (fixed places), whatever its exponent (0.5 and 0.50 both print ``50.0%``)."""
    texts: dict[Decimal, str] = {}

    def remembered(value: Decimal | None) -> str:
        if not value or value.is_nan():  # None, zero, NaN (a signalling NaN cannot be a key)
            return write(value)
        text = texts.get(value)
        if text is None:
            text = texts[value] = write(value)
        return text

    return remembered


def roi_label(roi: Decimal | None) -> str:
    """ROI as the templates write it: 3.5 → ``1:3.5`` (at most 2 decimal places)."""
    if roi is None:
        return MISSING
    text = _fixed(Decimal(roi), 2, "")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"1:{text}"


UNIT_CODES = ("count", "ratio")  # KPI units named in the message catalogue: unit.count, …


def unit_label(unit: str | None, lang: str) -> str:
    """A KPI unit as a report in ``lang`` names it (a unit column, a chart's axis or title):
    ``count`` → "count" / "数量", ``ratio`` → "ratio" / "比值"; percent units as ``%``;
    currency codes and units of the plan's own words as written; "" without a unit."""
    if unit is None:
        return ""
    if is_percent(unit):
        return "%"
    if unit in UNIT_CODES:
        from mktplan.i18n import message

        return message(f"unit.{unit}", lang)
    return unit


def date(value: dt.date | None) -> str:
    """ISO date, ``-`` when unknown."""
    return MISSING if value is None else value.isoformat()


def timestamp(value: dt.datetime | None) -> str:
    """``2023-08-01 00:00``: minutes are precise enough for a response deadline."""
    return MISSING if value is None else value.strftime("%Y-%m-%d %H:%M")


def display_width(value: str) -> int:
    """Terminal cells ``value`` takes on its longest line: CJK and other wide characters
    take two."""
    if value.isascii():  # most cells: one cell a character, without a table lookup each
        return max(map(len, value.split("\n")))
    import unicodedata

    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line)
            for line in value.split("\n")
        ),
        default=0,
    )


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
# (clear the screen, set the title, hide text), in Markdown they are never meant. With them
# the bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): one in a name
# reorders the rest of its line or paragraph, the other columns' numbers included (an RLO
# shows 18,023.81 as 18.320,81); the marks LRM and RLM, which reorder nothing, stay.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(value: str) -> str:
    """``value`` without control characters; tabs become spaces, CR, CR LF and the Unicode
    line and paragraph separators (text pasted from a web page: YAML 1.2 keeps them as
    characters) become LF."""
    out = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    if "\u2028" in out or "\u2029" in out:
        out = out.replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROLS.sub("", out)


def _md_escaped(value: object) -> str:
    """Text from a plan or an export with HTML and link syntax escaped and control
    characters removed; line breaks kept, as LF."""
    return without_controls(text(value)).replace("\\", "\\\\").translate(_MD_ESCAPES)


def md_text(value: object) -> str:
    """Text from a plan or an export as literal Markdown text inside a line (``text``
    filter: a heading, a list item, a paragraph): as :func:`_md_escaped`, with line breaks
    and the blanks around them as one space (a name over two lines would start a heading or
    a rule of its own), ``-`` for None."""
    return _on_one_line(_md_escaped(value))


_LINE_BREAKS = re.compile(r"[ ]*\n\s*")


def _on_one_line(out: str) -> str:
    """``out`` with each line break and the blanks around it as one space."""
    return _LINE_BREAKS.sub(" ", out) if "\n" in out else out


def md_cell(value: object) -> str:
    """Text safe inside a Markdown table cell: as :func:`_md_escaped`, ``|`` escaped, line
    breaks as ``<br>``."""
    if type(value) is str:  # the same names and words fill thousands of cells
        return _md_cell_text(value)
    return _md_cell(value)


def _md_cell(value: object) -> str:
    return _md_escaped(value).replace("|", "\\|").strip().replace("\n", "<br>")


_md_cell_text = functools.lru_cache(maxsize=8192)(_md_cell)


def html_text(value: object) -> Markup:
    """Text from a plan or an export inside a line of an HTML template (its ``text``
    filter): ``&``, ``<``, ``>`` and quotes as entities, control characters removed, line
    breaks as one space; Markup, so the template's autoescaping leaves it as it is."""
    from markupsafe import escape

    return escape(_on_one_line(without_controls(text(value))))


def html_cell(value: object) -> Markup:
    """Text from a plan or an export in a cell of an HTML template (its ``cell`` filter and
    its ``tables``): as :func:`html_text`, line breaks as ``<br>``."""
    from markupsafe import Markup, escape

    return Markup("<br>").join(escape(without_controls(text(value)).strip()).split("\n"))


def one_line(value: str) -> str:
    """``value`` on one line: without control characters, each line break (and the blanks
    around it) as one space, so a name written over two lines cannot split a line that is
    meant as one (an alert of the brief)."""
    out = without_controls(value)
    return _LINE_BREAKS.sub(" ", out).strip(" ") if "\n" in out else out


def terminal_text(value: object) -> str:
    """Any value as text for a terminal: as :func:`text`, without control characters."""
    return without_controls(text(value))
