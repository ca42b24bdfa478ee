"""Cell text → values, without I/O: numbers as exact micro-units (value × 10^6, ``int64``)
with their currency and scale, calendar dates, and the labels of totals rows.

The vectorised :func:`parse_numbers` takes a fast path for clean numeric cells and sends only
odd cells ("1,234", "￥35,000", "1.2万", "2.1%") through :func:`parse_value`, once per
distinct text. Dates likewise: :func:`parse_dates` reads each distinct text once, and decides
a column's day/month order from the column as a whole.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from mktplan.errors import InvalidValue
from mktplan.i18n import Msg, msg
from mktplan.ingest.columns import MICRO, Column, exact_micro, factorize_objects
from mktplan.observations import SCALE
from mktplan.plan.sources import HEADER_SCALES
from mktplan.plan.sources import scale_factor as scale_factor  # the rule validate uses too
from mktplan.vocab import CURRENCY_SPELLINGS, ISO_CODES, currency_of, folded, normalize_text

# Largest |value| kept: int64 micro-units leave room for summing many rows of a file.
MAX_DIGITS = 12
MAX_VALUE = Decimal(10) ** MAX_DIGITS
# Texts meaning "no value": not zero, and not stored.
NO_VALUE = frozenset(
    {"", "-", "--", "—", "——", "–", "/", "n/a", "na", "#n/a", "null", "none", "nan"}
)


# What a spreadsheet shows in a cell whose formula failed (#N/A, a lookup that found
# nothing, is "no value" above)
EXCEL_ERRORS = frozenset(
    {"#DIV/0!", "#REF!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


def is_no_value(raw: str) -> bool:
    return folded(raw) in NO_VALUE


def is_excel_error(raw: str) -> bool:
    """Whether a cell holds a spreadsheet's formula error (:data:`EXCEL_ERRORS`)."""
    return normalize_text(raw).upper() in EXCEL_ERRORS


# --- totals rows -------------------------------------------------------------------------

# Matched case-insensitively when the cell is the label alone, or the label, optional spaces
# and then ":", "(", or a "-" or "–" that a space follows (full-width forms fold to these):
# "Total: Search", "Total - Search", "Grand total", "合计（6/5）". A campaign that starts with
# a label ("Total Wine & More - Search", "Summary Sale 2025", "Totally Fit") stays data, and
# so does one whose dash joins an English label to a word ("Total-Body Workout"; "合计-华东"
# is a label).
_CJK_TOTALS = ("合计", "合計", "总计", "總計", "小计", "小計", "汇总", "匯總")
TOTALS_LABELS = (
    *("grand total", "subtotal", "sub-total", "sub total", "totals", "total", "summary"),
    *_CJK_TOTALS,
)
_TOTALS_LABEL = re.compile(
    "(?:" + "|".join(map(re.escape, TOTALS_LABELS)) + r")\s*(?:[:(].*|[\-–](?:\s.*)?)?"
    # Chinese writes no space after a dash, and no name goes on from 合计 as "Total-Body" does
    "|(?:" + "|".join(_CJK_TOTALS) + r")\s*[\-–].*",
    re.DOTALL,
)
# Excel's Subtotal command writes its label after the group's: "搜索 汇总", "Search Total"
# (a space before an English word; none needed before a Chinese one).
_SUBTOTAL_OF = re.compile(
    r"(.*?\S)(?:\s*(?:" + "|".join(_CJK_TOTALS) + r")|\s+(?:sub-?\s?total|totals?))",
    re.DOTALL,
)


def is_totals_label(raw: str) -> bool:
    """Whether a cell labels a totals or subtotal row (Total, Total: Search, 合计, 小计 …)."""
    return _TOTALS_LABEL.fullmatch(folded(raw)) is not None


def totals_labels(cells: Sequence[str]) -> list[bool]:
    """Which of a column's distinct cells label a totals or subtotal row: a totals label
    (:func:`is_totals_label`), or another cell of the same column followed by a totals word,
    as Excel's Subtotal writes it (`搜索 汇总` below the 搜索 rows, `Search Total`). The
    other cell must be there: a campaign named "Colgate Total" stays data unless a
    "Colgate" row stands beside it."""
    texts = [folded(cell) for cell in cells]
    labels = [_TOTALS_LABEL.fullmatch(text) is not None for text in texts]
    named = {text for text, label in zip(texts, labels, strict=True) if text and not label}
    for i, text in enumerate(texts):
        if not labels[i] and (found := _SUBTOTAL_OF.fullmatch(text)) and found[1] in named:
            labels[i] = True
    return labels


def is_name(raw: str) -> bool:
    """Whether a cell names something (an ad, a campaign, a status) rather than holding a
    number, a date or no value: text with a letter that reads as none of them."""
    text = normalize_text(raw)
    return any(ch.isalpha() for ch in text) and not reads_as_data(text)


def reads_as_data(raw: str) -> bool:
    """Whether a cell reads as a number (in any currency or scale: "￥35,000", "1.2万"), as
    no value ("-", "N/A"), or as a date, its year or day/month order left open included
    ("10/21/2025", "10月21日", "Oct 21"): a value of a data row, never a name or a header."""
    text = normalize_text(raw)
    try:
        parse_value(text)
    except ValueError:
        pass
    else:
        return True
    try:
        _read_date(text, excel=False)
    except ValueError:
        return False
    return True


# --- currencies and scale ----------------------------------------------------------------

# Cell units: 1.2万 = 12,000, 0.12亿 = 12,000,000, 3w = 30,000.
CELL_SCALES: dict[str, int] = {"万": 10**4, "w": 10**4, "亿": 10**8}


def _suffix_unit(token: str, expected: str) -> tuple[int, str | None]:
    """A unit after a number: (scale, currency) of 万, 万元, 亿元, w, 元, usd …; raises
    ValueError for anything else."""
    text = folded(token)
    if text in CELL_SCALES:
        return CELL_SCALES[text], None
    for word, factor in CELL_SCALES.items():
        if text.startswith(word) and (found := currency_of(text[len(word) :], expected)):
            return factor, found
    found = currency_of(text, expected)
    if found is None:
        raise InvalidValue(msg("ingest.not_a_number"))
    return 1, found


# A money word that names the unit itself (元 as against 万元): a cell ending in one keeps
# it, as 2万 does, in a column whose header scales (销售额(万元) holding 1.5元 is 1.5)
_WHOLE_UNITS = ("元", "円")

_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")


@dataclass(frozen=True)
class HeaderUnit:
    """What a column header says about its values: a scale (销售额(万元) → 10,000) and a
    currency (Amount spent (USD) → USD), from a bracketed unit."""

    scale: int = 1
    currency: str | None = None
    text: str = ""  # the bracketed unit as written, for messages


def header_unit(header: str, expected: str) -> HeaderUnit:
    """The unit a header declares in brackets, the last such bracket winning: `(万元)`,
    `(千元)`, `(元)`, `(USD)`, `(万)`. Brackets holding anything else (`(cost per 1,000
    impressions)`) declare nothing."""
    found = HeaderUnit()
    for match in _BRACKETED.finditer(normalize_text(header)):
        inner = match.group(1).strip()
        text = inner.casefold()
        scale, rest = 1, text
        for word in sorted(HEADER_SCALES, key=len, reverse=True):
            if text.startswith(word):
                scale, rest = HEADER_SCALES[word], text[len(word) :]
                break
        known = any(rest in spellings for spellings in CURRENCY_SPELLINGS.values())
        # a bare code must be written in capitals: "Clicks (all)" names no currency
        code = rest.upper() in ISO_CODES and inner[-3:].isupper()
        if rest and not (known or code):
            continue
        found = HeaderUnit(scale, currency_of(rest, expected) if rest else None, inner)
    return found


# --- single values -------------------------------------------------------------------------

# 1,234.50 with thousands separators, or a plain 1234.5 / .5 / 5. / 1.2E+5 (as spreadsheets
# write big numbers; the same text pandas and pyarrow read as a number)
# (a group never starts with 0: 0,125 is no thousand)
_NUMBER = re.compile(r"[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# one separator before three digits: in a file separated by semicolons (a spreadsheet set to
# a European language) 1,234 may be 1.234 and 1.234 may be 1234 (see parse_numbers)
_ONE_GROUP = re.compile(r"[^\d.,]*[1-9]\d{0,2}[.,]\d{3}[^\d.,]*")
# a number only a spreadsheet set to a European language writes, which is no number here:
# a decimal comma (2,5, 0,125, 1.234,56) or points between thousands (1.234.567)
_DECIMAL_COMMA = re.compile(r"[^\d.,]*(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+,\d+)[^\d.,]*")
_LEADING_UNIT = re.compile(r"([^\d\s.,+\-]+)\s*")
# an abbreviation's dot belongs to it: 5 грн., 5 Rs.
_TRAILING_UNIT = re.compile(r"\s*([^\d\s.,+\-]+\.?)$")


@dataclass(frozen=True)
class CellValue:
    """A number cell read: its value (None: no value), whether it was a percentage, the
    currency written in it (None: none), and whether it carried its own scale (万, 亿, w, or a
    元 that names the unit itself)."""

    value: Decimal | None
    percent: bool = False
    currency: str | None = None
    scaled: bool = False


def parse_value(raw: str) -> tuple[Decimal | None, bool]:
    """The number a cell means and whether it was written as a percentage (see
    :func:`parse_cell`; any currency is accepted here)."""
    cell = parse_cell(raw)
    return cell.value, cell.percent


def parse_cell(raw: str, currency: str = "", scale: Fraction = Fraction(1)) -> CellValue:
    """The number a cell means, as :class:`CellValue` (see :func:`_parse_cell`); a cell that
    is no number but reads as a date says so (a number Excel formatted as a date: 3.95 shown
    as Mar-95, or saved in a CSV as 3/1/1995)."""
    try:
        return _parse_cell(raw, currency, scale)
    except InvalidValue as exc:
        if exc.text.key == "ingest.not_a_number" and _reads_as_date(normalize_text(raw)):
            raise InvalidValue(msg("ingest.date_not_number")) from None
        raise


# Mar-95, March 1995: a month and a year, as Excel shows a date formatted mmm-yy
_MONTH_YEAR = re.compile(r"([a-z]+)\.?[\s-]+(\d{2}|\d{4})", re.IGNORECASE)


def _reads_as_date(text: str) -> bool:
    """Whether ``text`` is written as a date: with a month's name (Mar-95, Oct 1, 2023,
    10月21日), or numbers with a year (1995-03-01, 3/1/1995, even 2024-13-45); not numbers
    alone such as 1/2, 12-15 or 24/7, which may be fractions or ranges."""
    if (month := _MONTH_YEAR.fullmatch(text)) and month.group(1).lower() in _MONTHS:
        return True
    try:
        found = _read_date(text, excel=False)
    except InvalidValue as exc:
        return exc.text.key == "ingest.not_calendar_date"
    except ValueError:
        return False
    if isinstance(found, dt.date):
        return True
    parts = (found.first, found.second)
    return not found.numeric or (found.year is not None and min(parts) <= 12 and max(parts) <= 31)


def _parse_cell(raw: str, currency: str = "", scale: Fraction = Fraction(1)) -> CellValue:
    """The number a cell means, as :class:`CellValue`; ``currency`` is the code that bare
    symbols such as ¥ stand for first; ``scale`` the column's factor, for a cell without a
    unit of its own (applied before rounding to six decimals).

    No value (empty, "-", "—", "N/A", "/") is ``CellValue(None)``. The number is quantized to
    six decimals, after its own scale (``1.2万`` is 12,000 exactly). Raises ``ValueError``
    with a reason for anything else.
    """
    text = normalize_text(raw).replace("\u2212", "-")
    if text.casefold() in NO_VALUE:
        return CellValue(None)
    if text.startswith("="):
        raise InvalidValue(msg("ingest.unsaved_formula"))
    if text.upper() in EXCEL_ERRORS:
        raise InvalidValue(msg("ingest.excel_error"))
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative = True
        text = text[1:-1].strip()
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    found: str | None = None
    factor = 1
    whole_units = False  # a trailing 元 (or 円): the cell is in yuan, whatever the column's scale
    signed = False
    for _ in range(2):  # sign and currency come in either order: -¥1,200 or ¥-1,200
        if text.startswith(("+", "-")):  # not `text[:1] in "+-"`: "" is in every string
            if signed or negative:  # --5 or (-5): which sign was meant is anyone's guess
                raise InvalidValue(msg("ingest.two_signs"))
            signed = True
            negative = text[0] == "-"
            text = text[1:].strip()
        if lead := _LEADING_UNIT.match(text):
            token, rest = lead.group(1), text[lead.end() :]
            # an abbreviation's dot belongs to it: Rs.5 is 5 rupees, not 0.5 (Rs .5 is 0.5)
            glued = lead.end() == len(token)
            if glued and rest.startswith(".") and currency_of(f"{token}.", currency) is not None:
                token, rest = f"{token}.", rest[1:].lstrip()
            code = currency_of(token, currency)
            if code is None or found is not None:
                raise InvalidValue(msg("ingest.not_a_number"))
            found, text = code, rest
        if trail := _TRAILING_UNIT.search(text):
            own, code = _suffix_unit(trail.group(1), currency)
            if (code is not None and found is not None) or (own != 1 and factor != 1):
                raise InvalidValue(msg("ingest.two_units"))
            factor = max(factor, own)
            found = code or found
            whole_units = own == 1 and trail.group(1).rstrip(".").endswith(_WHOLE_UNITS)
            text = text[: trail.start()]
    if percent and found:
        raise InvalidValue(msg("ingest.money_and_percent"))
    if not _NUMBER.fullmatch(text):
        raise InvalidValue(msg("ingest.not_a_number"))
    mantissa, _, exponent = text.replace(",", "").lower().partition("e")
    if len(exponent.lstrip("+-").lstrip("0")) > 6:  # beyond Decimal: 1e99999999999999999999
        if exponent.startswith("-") or not mantissa.strip("0."):
            zero = Decimal(0).quantize(Decimal(1).scaleb(-SCALE))  # rounds to zero
            return CellValue(zero, percent, found, factor != 1 or whole_units)
        raise InvalidValue(msg("ingest.too_large", max=f"{MAX_VALUE:,}"))
    try:
        value = Decimal(text.replace(",", ""))
        # adjusted() is the power of ten of the first digit: no arithmetic, so an exponent
        # such as 1e999999 cannot overflow the decimal context
        if not value.is_zero() and value.adjusted() >= MAX_DIGITS:
            raise InvalidValue(msg("ingest.too_large", max=f"{MAX_VALUE:,}"))
        if factor != 1:
            value *= factor
        elif scale != 1 and not whole_units:
            value = value * scale.numerator / scale.denominator
        if value.adjusted() < -SCALE - 1:  # below half a micro-unit: rounds to zero
            value = Decimal(0)
        value = value.quantize(Decimal(1).scaleb(-SCALE))
    except InvalidOperation:
        raise InvalidValue(msg("ingest.invalid_number")) from None
    if abs(value) >= MAX_VALUE:  # 999999999999.9999999 rounds up to the limit
        raise InvalidValue(msg("ingest.too_large", max=f"{MAX_VALUE:,}"))
    return CellValue(-value if negative else value, percent, found, factor != 1 or whole_units)


# --- number columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedNumbers:
    """A column of numbers: ``micro`` (value × 10^6) where ``present``; ``percent`` marks
    cells written with a % sign; ``errors`` maps row positions to the reason a cell failed;
    ``currencies`` holds the currency written in each cell (None: none), or is None when no
    cell of the column names one; ``decimal_commas``: a refused cell is written as a
    spreadsheet set to a European language writes numbers (2,5 or 1.234,56)."""

    micro: npt.NDArray[np.int64]
    present: npt.NDArray[np.bool_]
    percent: npt.NDArray[np.bool_]
    errors: dict[int, str | Msg]
    currencies: npt.NDArray[np.object_] | None = None
    decimal_commas: bool = False


def parse_numbers(
    column: Column,
    *,
    currency: str = "",
    scale: Fraction = Fraction(1),
    check_currency: bool = True,
    semicolons: bool = False,
) -> ParsedNumbers:
    """Parse one export column (inferred ints, floats, or texts) into micro-units.

    ``currency``: the code this column's money is in (what ¥ or $ stand for first); with
    ``check_currency``, a cell written in another currency is an error naming both (none
    given: any currency passes), else each cell's currency is only recorded, for the caller
    to judge by the KPI of its row. ``scale``: the column's factor (from its header or the
    source), applied exactly to cells without a unit of their own. ``semicolons``: the
    column is from a file separated by semicolons, read as text, where a number with one
    separator before three digits (1,234 or 1.234) is refused as ambiguous: European
    spreadsheets write the comma as the decimal point and the point between thousands."""
    size = len(column)
    percent = np.zeros(size, dtype=np.bool_)
    errors: dict[int, str | Msg] = {}
    if column.kind == "int":
        ints = column.values()  # empty cells are 0 here
        present = ~column.nulls()
        if not size or (ints.max() < int(MAX_VALUE) and ints.min() > -int(MAX_VALUE)):
            parsed = ParsedNumbers(np.multiply(ints, MICRO), present, percent, errors)
            return parsed if scale == 1 else _scaled(parsed, scale, np.ones(size, dtype=np.bool_))
        micro = np.zeros(size, dtype=np.int64)
        present[:] = False
        rest = np.arange(size)  # too large for micro-units: each says so through parse_value
        empty = column.nulls().tolist()
        texts = ["" if e else str(v) for v, e in zip(ints.tolist(), empty, strict=True)]
    elif column.kind == "float":  # empty cells are NaN here, and no value
        micro, present, empty_cells = column.micro_units()
        rest = np.flatnonzero(~present & ~empty_cells)
        texts = column.texts(rest)  # as written: the float may not be the decimal written
    else:
        micro, present = exact_micro(column.plain_numbers())
        rest = np.flatnonzero(~present)
        texts = column.texts(rest)
    own_unit = np.zeros(size, dtype=np.bool_)
    currencies, decimal_commas = _parse_rest(
        texts, rest, micro, present, percent, errors, own_unit, currency, scale, check_currency
    )
    parsed = ParsedNumbers(micro, present, percent, errors, currencies, decimal_commas)
    if semicolons:
        parsed = refuse_one_group(column, parsed)
    return _scaled(parsed, scale, ~own_unit)


def refuse_one_group(column: Column, parsed: ParsedNumbers) -> ParsedNumbers:
    """``parsed`` (the numbers of ``column``) with the cells that hold one separator before
    three digits (1,234 or 1.234) refused as ambiguous: where a spreadsheet set to a European
    language may have written the file (separated by semicolons; or by tabs, with decimal
    commas in it), 1,234 may be 1.234 and 1.234 may be 1234."""
    positions = np.flatnonzero(parsed.present)
    ambiguous = [
        p
        for p, text in zip(positions.tolist(), column.texts(positions), strict=True)
        if _ONE_GROUP.fullmatch(normalize_text(text))
    ]
    if not ambiguous:
        return parsed
    micro, present, errors = parsed.micro.copy(), parsed.present.copy(), dict(parsed.errors)
    for p in ambiguous:
        errors[p] = msg("ingest.separator_ambiguous")
        present[p] = False
        micro[p] = 0
    return replace(parsed, micro=micro, present=present, errors=errors)


def _scaled(parsed: ParsedNumbers, scale: Fraction, apply: npt.NDArray[np.bool_]) -> ParsedNumbers:
    """The column's scale applied exactly to the present cells in ``apply``; a product that
    is too large, or not a whole micro-unit, becomes an error."""
    if scale == 1:
        return parsed
    micro = parsed.micro.copy()
    present = parsed.present.copy()
    errors = dict(parsed.errors)
    limit = int(MAX_VALUE) * MICRO
    for p in np.flatnonzero(present & apply).tolist():
        value = Fraction(int(micro[p])) * scale
        whole = round(value)  # half-even, as Decimal quantizing
        if abs(whole) >= limit:
            errors[p] = msg("ingest.too_large_scaled", scale=str(scale), max=f"{MAX_VALUE:,}")
            present[p] = False
            micro[p] = 0
            continue
        micro[p] = whole
    return replace(parsed, micro=micro, present=present, errors=errors)


def _parse_rest(
    texts: list[str],
    positions: npt.NDArray[np.intp],
    micro: npt.NDArray[np.int64],
    present: npt.NDArray[np.bool_],
    percent: npt.NDArray[np.bool_],
    errors: dict[int, str | Msg],
    own_unit: npt.NDArray[np.bool_],
    currency: str,
    scale: Fraction,
    check_currency: bool,
) -> tuple[npt.NDArray[np.object_] | None, bool]:
    """The slow path: each distinct odd text parsed once, results spread back by code, with
    the column's ``scale`` applied (``own_unit`` marks them: scaled already). Returns the
    currency written in each cell of the column (None when no cell names one), and whether a
    refused cell is written with a decimal comma (see :data:`_DECIMAL_COMMA`)."""
    if len(positions) == 0:
        return None, False
    decimal_commas = False
    codes, uniques = factorize_objects(texts)
    u_micro = np.zeros(len(uniques), dtype=np.int64)
    u_present = np.zeros(len(uniques), dtype=np.bool_)
    u_percent = np.zeros(len(uniques), dtype=np.bool_)
    u_scaled = np.zeros(len(uniques), dtype=np.bool_)
    u_currency: list[str | None] = [None] * len(uniques)
    u_error: list[str | Msg | None] = [None] * len(uniques)
    for i, raw in enumerate(uniques):
        try:
            cell = parse_cell(raw, currency, scale)
        except ValueError as exc:
            u_error[i] = reason_of(exc)
            decimal_commas = decimal_commas or bool(_DECIMAL_COMMA.fullmatch(normalize_text(raw)))
            continue
        found = cell.currency
        if check_currency and currency and found is not None and found != currency:
            u_error[i] = msg("ingest.currency_mismatch", found=found, currency=currency)
            continue
        if cell.value is not None:
            u_micro[i] = int(cell.value.scaleb(SCALE))
            u_present[i] = True
            u_percent[i] = cell.percent
            u_scaled[i] = True
            u_currency[i] = found
    micro[positions] = u_micro[codes]
    present[positions] = u_present[codes]
    percent[positions] = u_percent[codes]
    own_unit[positions] = u_scaled[codes]
    currencies: npt.NDArray[np.object_] | None = None
    if any(c is not None for c in u_currency):
        currencies = np.full(len(micro), None, dtype=object)
        currencies[positions] = np.array(u_currency, dtype=object)[codes]
    bad_codes = {i for i, e in enumerate(u_error) if e is not None}
    if bad_codes:
        for position, code in zip(positions.tolist(), codes.tolist(), strict=True):
            if code in bad_codes:
                errors[position] = u_error[code] or ""
    return currencies, decimal_commas


# --- dates -----------------------------------------------------------------------------------

# 2024-06-10, 2024/6/10, 2024.6.10, 2024年6月10日, with an optional time of day and offset
# (2023-04-09 19:46:45 -0700, 2023-07-08T00:00:00Z): the date as written is taken.
_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?",
    re.IGNORECASE,
)
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_HOUR = re.compile(r"((?:19|20)\d\d)(\d\d)(\d\d)([01]\d|2[0-3])")
_EXCEL_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 after Excel's leap-year bug
# 11/17/2025 or 17/11/2025 (also with . or -), and 10/21 without a year
_NUMERIC_DMY = re.compile(r"(\d{1,2})\s*([/.-])\s*(\d{1,2})(?:\s*\2\s*(\d{4}))?")
_CJK_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日?")
_MONTHS = {
    name: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"([a-z]+)\.?"
_MONTH_FIRST = re.compile(rf"{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?", re.I)
_DAY_FIRST = re.compile(rf"(\d{{1,2}})(?:st|nd|rd|th)?[\s-]+{_MONTH}(?:,?[\s-]+(\d{{4}}))?", re.I)
_RANGE = re.compile(r"(.+?\d)\s*(?:\s[-–—]\s|[~至到]|\sto\s)\s*(.*\d.*)", re.I)

Period = tuple[dt.date, dt.date]


@dataclass(frozen=True)
class _DayMonth:
    """A date whose order (day/month) or year is still open: numbers as written."""

    first: int
    second: int
    year: int | None
    numeric: bool  # 11/17 (order open) rather than Oct 17 or 10月17日 (order known)


def reason_of(exc: ValueError) -> str | Msg:
    """Why a cell failed: the catalogue sentence when there is one, else the text."""
    return exc.text if isinstance(exc, InvalidValue) else str(exc)


def _calendar(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidValue(msg("ingest.not_calendar_date", why=str(exc))) from None


def _read_date(text: str, excel: bool, ranges: bool = False) -> dt.date | _DayMonth:
    """One date text, or what is left open about it; raises ValueError with a reason. With
    ``ranges`` (a week or month source) a range `2024-03-01 - 2024-03-31` is its first day."""
    match = _DATE.fullmatch(text) or _COMPACT_DATE.fullmatch(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return _calendar(year, month, day)
    if excel and (serial := _EXCEL_SERIAL.fullmatch(text)):
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial.group(1)))
    if match := _NUMERIC_DMY.fullmatch(text):
        written = int(match.group(4)) if match.group(4) else None
        return _DayMonth(int(match.group(1)), int(match.group(3)), written, True)
    if match := _CJK_MONTH_DAY.fullmatch(text):
        return _DayMonth(int(match.group(1)), int(match.group(2)), None, False)
    for pattern, month_at, day_at in ((_MONTH_FIRST, 1, 2), (_DAY_FIRST, 2, 1)):
        if (match := pattern.fullmatch(text)) and match.group(month_at).lower() in _MONTHS:
            month = _MONTHS[match.group(month_at).lower()]
            given = int(match.group(3)) if match.group(3) else None
            return _DayMonth(month, int(match.group(day_at)), given, False)
    if re.fullmatch(r"(19|20)\d\d", text):
        raise InvalidValue(msg("ingest.year_not_day"))
    if ranged := _RANGE.fullmatch(text):
        if ranges:
            return _read_date(ranged.group(1).strip(), excel)
        raise InvalidValue(msg("ingest.date_range"))
    if week := _ISO_WEEK.fullmatch(text):  # 2024-W01: the week's Monday (or the day given)
        if not ranges:
            raise InvalidValue(msg("ingest.date_range"))
        year, number, weekday = int(week[1]), int(week[2]), int(week[3] or 1)
        try:
            return dt.date.fromisocalendar(year, number, weekday)
        except ValueError:
            raise InvalidValue(msg("ingest.not_a_date")) from None
    raise InvalidValue(msg(_not_a_date(text)))


_ISO_WEEK = re.compile(r"((?:19|20)\d\d)-?w(\d{1,2})(?:-?([1-7]))?", re.IGNORECASE)


def _not_a_date(text: str) -> str:
    """Why a text that is no date is none: a spreadsheet's formula error, an hour after the
    date (GA4's `dateHour`), a period's number (GA4's "Nth day", a week number), or anything
    else."""
    if text.upper() in EXCEL_ERRORS:
        return "ingest.excel_error"
    if hour := _DATE_HOUR.fullmatch(text):
        year, month, day, _ = (int(part) for part in hour.groups())
        try:
            _calendar(year, month, day)
        except InvalidValue:
            return "ingest.not_a_date"
        return "ingest.date_and_hour"
    if text.isascii() and text.isdigit() and len(text) <= 4:
        return "ingest.period_number"
    return "ingest.not_a_date"


def parse_date(raw: str, *, excel: bool = False) -> dt.date:
    """A calendar date from a text that names one fully (2024-06-10, 2024/6/10, 2024.6.10,
    2024年6月10日, 20240610, Oct 1, 2023, a timestamp with an offset); with ``excel``, also
    a 5-digit Excel serial number. Raises ``ValueError`` with a reason."""
    text = normalize_text(raw)
    if not text:
        raise InvalidValue(msg("ingest.no_date"))
    found = _read_date(text, excel)
    if isinstance(found, dt.date):
        return found
    if not found.numeric and found.year is not None:
        return _calendar(found.year, found.first, found.second)
    raise InvalidValue(msg("ingest.date_incomplete"))


@dataclass(frozen=True)
class DateOrder:
    """What a column's numeric day/month dates say about their order: whether there are any,
    whether one has a part above 12 first (day-first) or second (month-first), and whether
    all have both parts equal. Facts of several blocks of a column add up (:meth:`merge`),
    so a column read block by block decides as the whole column would."""

    numeric: bool = False
    day_first: bool = False
    month_first: bool = False
    all_equal: bool = True

    @classmethod
    def of(cls, open_dates: list[_DayMonth]) -> DateOrder:
        numeric = [d for d in open_dates if d.numeric]
        return cls(
            bool(numeric),
            any(d.first > 12 for d in numeric),
            any(d.second > 12 for d in numeric),
            all(d.first == d.second for d in numeric),
        )

    def merge(self, other: DateOrder) -> DateOrder:
        return DateOrder(
            self.numeric or other.numeric,
            self.day_first or other.day_first,
            self.month_first or other.month_first,
            self.all_equal and other.all_equal,
        )

    def decide(self) -> tuple[bool | None, Msg | None]:
        """Whether the dates are month-first (11/17/2025), from the column as a whole: a part
        above 12 settles it. (None, reason) when it stays open or is mixed."""
        if not self.numeric:
            return True, None
        if self.day_first and self.month_first:
            return None, msg("ingest.date_order_mixed")
        if self.day_first or self.month_first:
            return self.month_first, None
        if self.all_equal:
            return True, None
        return None, msg("ingest.date_order_unknown")


@dataclass(frozen=True)
class ParsedDates:
    """Dates as ``datetime64[D]`` where ``ok``; ``errors`` maps row positions to reasons;
    ``order``: what the column said about day/month order."""

    days: npt.NDArray[np.datetime64]
    ok: npt.NDArray[np.bool_]
    errors: dict[int, str | Msg]
    order: DateOrder = DateOrder()


def _in_period(month: int, day: int, period: Period | None) -> dt.date:
    """A month-day without a year in the year that puts it inside the plan period."""
    if period is None:
        raise InvalidValue(msg("ingest.no_year"))
    start, end = period
    fits = []
    for year in range(start.year, end.year + 1):
        try:
            candidate = dt.date(year, month, day)
        except ValueError:
            continue
        if start <= candidate <= end:
            fits.append(candidate)
    if not fits:
        raise InvalidValue(
            msg("ingest.year_outside_period", day=f"{month:02d}-{day:02d}", start=start, end=end)
        )
    if len(fits) > 1:
        raise InvalidValue(msg("ingest.year_ambiguous", first=fits[0].year, second=fits[1].year))
    return fits[0]


# the reader writes each real .xlsx date cell as its ISO day (see read/xlsx.py)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _real_date(text: str) -> dt.date | None:
    """The day of an .xlsx cell written as an ISO day, as every real date cell is; None for
    any other text. An ISO day typed as text is read the same way (a `date_format` that
    puts the day before the month, `%Y-%d-%m`, is then not asked)."""
    if not _ISO_DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_dates(
    column: Column,
    *,
    excel: bool = False,
    date_format: str | None = None,
    period: Period | None = None,
    ranges: bool = False,
) -> ParsedDates:
    """Parse a date column; each distinct text is read once. ``date_format`` (strftime) reads
    every cell but an .xlsx sheet's real date cells (with ``excel``), which are their day;
    otherwise numeric day/month dates take their order from the column as a whole, and dates
    without a year the year inside ``period``."""
    codes, uniques = column.factorize()
    u_days = np.zeros(len(uniques), dtype="datetime64[D]")
    u_ok = np.zeros(len(uniques), dtype=np.bool_)
    u_error: list[str | Msg | None] = [None] * len(uniques)
    found: dict[int, dt.date | _DayMonth] = {}
    for i, raw in enumerate(uniques):
        text = normalize_text(raw)
        if not text:
            u_error[i] = msg("ingest.no_date")
            continue
        if date_format:
            if excel and (real := _real_date(text)) is not None:
                found[i] = real  # a date cell is its day: the format is for dates typed as text
                continue
            try:
                found[i] = dt.datetime.strptime(text, date_format).date()
            except ValueError:
                u_error[i] = msg("ingest.date_format_mismatch", format=date_format)
            continue
        try:
            found[i] = _read_date(text, excel, ranges)
        except ValueError as exc:
            u_error[i] = reason_of(exc)
    order = DateOrder.of([d for d in found.values() if isinstance(d, _DayMonth)])
    month_first, reason = order.decide()
    for i, value in found.items():
        try:
            if isinstance(value, _DayMonth):
                if month_first is None and value.numeric:
                    raise InvalidValue(reason or msg("ingest.date_order_unknown"))
                month, day = value.first, value.second
                if value.numeric and not month_first:
                    month, day = day, month
                value = (
                    _calendar(value.year, month, day)
                    if value.year is not None
                    else _in_period(month, day, period)
                )
            u_days[i] = np.datetime64(value, "D")
            u_ok[i] = True
        except ValueError as exc:
            u_error[i] = reason_of(exc)
    ok = u_ok[codes]
    errors: dict[int, str | Msg] = {}
    if not ok.all():
        for position in np.flatnonzero(~ok).tolist():
            errors[position] = u_error[codes[position]] or ""
    return ParsedDates(u_days[codes], ok, errors, order)
