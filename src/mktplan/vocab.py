"""The few domain constants every layer shares, defined once; this module imports nothing
of mktplan's own."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# Chinese measure words: what follows a number that counts things (3000人, 12场, 2023笔),
# as a regex character class; a number before one is a count, not a year or a scale alone.
# Not 粉 (followers): 万粉 is a scaled unit, but "2024粉丝大幅增长" names a year, not 2,024 fans.
MEASURE_WORDS = "[人次个個单單件位倍名家份台条條篇场場户戶项項张張套笔筆辆輛所间間]"

# Units that mean percent points (2.1 = 2.1 %): what a plan may write after `unit:`, compared
# NFKC-folded and case folded (`Percent`, `PCT`, `％` are `%`)
PERCENT_UNITS = frozenset(
    {
        "%", "percent", "percents", "pct", "percentage", "percentages",
        "percent points", "percentage points", "百分比", "百分点", "百分點", "百分率",
    }
)  # fmt: skip


def normalize_text(raw: str) -> str:
    """NFKC-folded and stripped: full-width digits, ￥, ％, ／ and （） become ASCII forms."""
    return unicodedata.normalize("NFKC", raw).strip()


def folded(raw: str) -> str:
    """A name as names are compared: NFKC, stripped and case folded (`ＭＥＤＩＡ`, `Media` and
    `media` are one)."""
    return normalize_text(raw).casefold()


def is_percent(unit: str | None) -> bool:
    """Whether a KPI unit means percent points: ``%``, ``％``, ``percent``, ``pct``,
    ``percentage``, ``百分比`` (any case: ``Percent``, ``PCT``; see :data:`PERCENT_UNITS`)."""
    return unit is not None and " ".join(folded(unit).split()) in PERCENT_UNITS


def is_ratio(unit: str | None) -> bool:
    """Whether a KPI unit is ``ratio`` (a fraction: 2.1 % is 0.021), in any case."""
    return unit is not None and unit.strip().casefold() == "ratio"


def is_currency(unit: str | None) -> bool:
    """Whether a KPI unit is money: it names a currency in any usual spelling (CNY, RMB, 元,
    ¥, dollars, 元/次, USD per click; see :func:`unit_currency`)."""
    return unit_currency(unit, "") is not None


# The most UTF-8 bytes a channel, budget line or ref may hold: the three together with the
# longest plan and KPI ids stay below the 2,704 bytes of a PostgreSQL index entry (the
# observation's key), whatever the characters (500 letters, about 166 Chinese characters)
LONGEST_KEY_TEXT = 500


def key_text_bytes(text: str) -> int:
    """The bytes a channel, budget line or ref takes in the store's key, as it is stored
    (without the spaces around it): see :data:`LONGEST_KEY_TEXT`."""
    return len(text.strip().encode("utf-8", "surrogatepass"))


# --- currencies ----------------------------------------------------------------------------

# The usual spellings of a currency in exports (NFKC-folded and case-folded: ￥ is ¥, US$ us$).
# "¥" is both CNY and JPY: it means the plan's currency when that is one of them.
CURRENCY_SPELLINGS: dict[str, tuple[str, ...]] = {
    "CNY": ("¥", "元", "cny", "cn¥", "rmb", "rmb¥", "人民币", "人民币元", "yuan"),
    "USD": ("$", "us$", "usd", "us dollar", "us dollars", "dollar", "dollars", "美元"),
    "EUR": ("€", "eur", "euro", "euros", "欧元"),
    "GBP": ("£", "gbp", "英镑"),  # not "pounds": a weight
    "JPY": ("¥", "円", "jpy", "jp¥", "yen", "日元"),
    "HKD": ("hk$", "hkd", "港币", "港元"),
    "TWD": ("nt$", "twd"),
    "INR": ("₹", "inr", "rs", "rs.", "rupee", "rupees"),
    "UAH": ("₴", "uah", "грн", "грн.", "hryvnia", "hryvnias"),
    "KRW": ("₩", "krw", "韩元"),  # not "won": "deals won" is a count
}

# Every active ISO 4217 currency code (funds and precious-metal codes such as XAU left out):
# what a plan's `currency:` may be. ISO_CODES below are the ones read inside units and cells.
ISO_4217 = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BOV",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHE",
        "CHF",
        "CHW",
        "CLF",
        "CLP",
        "CNY",
        "COP",
        "COU",
        "CRC",
        "CUC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MXV",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SLL",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "USN",
        "UYI",
        "UYU",
        "UYW",
        "UZS",
        "VED",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
        "ZWL",
    ]
)

# ISO 4217 codes recognised in cells and headers besides the spellings above: "12abc" is
# not money in ABC
ISO_CODES = frozenset(
    [
        "AED",
        "ARS",
        "AUD",
        "BDT",
        "BGN",
        "BRL",
        "CAD",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CZK",
        "DKK",
        "EGP",
        "EUR",
        "GBP",
        "HKD",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "ISK",
        "JPY",
        "KES",
        "KRW",
        "KZT",
        "MOP",
        "MXN",
        "MYR",
        "NGN",
        "NOK",
        "NZD",
        "PEN",
        "PHP",
        "PKR",
        "PLN",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TRY",
        "TWD",
        "UAH",
        "USD",
        "VND",
        "ZAR",
    ]
)
# Scales a unit may start with before its currency (万元, 千元, 百万美元, 十万元)
_UNIT_SCALES = ("", "万", "w", "亿", "千", "百万", "十万", "千万", "百")


def currency_of(token: str, expected: str) -> str | None:
    """The ISO code a currency token stands for (the ``expected`` currency when it is one of
    its spellings), or None when the token is no currency."""
    text = folded(token)
    if not text:
        return None
    if text in CURRENCY_SPELLINGS.get(expected, ()) or text == expected.casefold():
        return expected
    for code, spellings in CURRENCY_SPELLINGS.items():
        if text in spellings:
            return code
    return text.upper() if text.upper() in ISO_CODES else None


# What a KPI unit's money is read from: the part before its first / or "per" or 每 (元/次 is
# money), and any part in brackets (cost per click (USD)); a unit whose money is only after
# the /, its denominator (次/元, clicks per dollar), is a count per unit of money, no money
_PER = re.compile(r"/|\bper\b|每", re.IGNORECASE)
_BRACKETED = re.compile(r"\(([^()]*)\)")
_UNIT_PARTS = re.compile(r"[\s(),;:]+")


def kpi_currency(unit: str | None, plan_currency: str) -> str | None:
    """The currency a KPI's values are in: the plan's when the KPI has no unit, else the one
    its unit names in any usual spelling, alone or with a scale or a per-thing (CNY, 元, RMB,
    ¥, dollars, 万元, 元/次, USD per click); None when the unit names none (count, %, ratio,
    次, UV, score, 次/元): such a KPI is no money, and a currency in its cells is refused."""
    text = (unit or "").strip()
    return unit_currency(text, plan_currency) if text else plan_currency


# Chinese spellings of a currency (元, 人民币, 美元), longest first so 美元 is USD before 元 is
# CNY: a unit part that starts with one (元人民币, 元/次) or ends with one (客单价元) names it,
# but for the words below
_CJK_SPELLINGS = sorted(
    (
        (spelling, code)
        for code, spellings in CURRENCY_SPELLINGS.items()
        for spelling in spellings
        if not spelling.isascii() and any("\u4e00" <= c <= "\u9fff" for c in spelling)
    ),
    key=lambda pair: -len(pair[0]),
)
_NOT_MONEY_WORDS = frozenset({"单元", "公元", "元件", "元素", "元旦", "元宵"})
_SPELLED = frozenset(s for spellings in CURRENCY_SPELLINGS.values() for s in spellings)
# ISO codes that are also English words: a currency in a unit only in capitals (TRY, not try)
_WORD_CODES = frozenset({"all", "cad", "cop", "mop", "pen", "php", "ron", "rub", "try"})


def unit_currency(unit: str | None, plan_currency: str) -> str | None:
    """The currency a KPI unit names (see :func:`kpi_currency`), or None when it names none."""
    text = normalize_text(unit or "")  # ／ and （） as / and ()
    if not text:
        return None
    numerator, *rest = _PER.split(text, maxsplit=1)
    for where in (numerator, *_BRACKETED.findall(text)):
        if (found := _named(_PER.split(where, maxsplit=1)[0], plan_currency)) is not None:
            return found
    if rest and _only_money(rest[0]):
        return None  # money only as the denominator: a count per yuan
    return _named(text, plan_currency)  # cost per lead in USD: anywhere else


def unit_dimension(unit: str, plan_currency: str) -> tuple[int, int]:
    """What a unit that is no rate measures, as (power of money, power of counts): money
    (CNY, 万元) (1, 0), money per count (元/次) (1, -1), a count per amount of money (次/元,
    leads per 1000 CNY: the scale aside) (-1, 1), anything else a count (0, 1)."""
    per = _PER.split(normalize_text(unit), maxsplit=1)
    if len(per) == 2:
        before, after = (re.sub(r"[\d.,]+", " ", part) for part in per)  # not the scale
        if kpi_currency(before, plan_currency) is None and kpi_currency(after, plan_currency):
            return (-1, 1)
    if kpi_currency(unit, plan_currency) is not None:
        return (1, -1) if len(per) == 2 else (1, 0)
    return (0, 1)


def _only_money(denominator: str) -> bool:
    """Whether every part of ``denominator`` names a currency (次/元; not cost/click USD)."""
    parts = [part for part in _UNIT_PARTS.split(denominator) if part.strip()]
    return bool(parts) and all(_named(part, "") is not None for part in parts)


def _named(text: str, plan_currency: str) -> str | None:
    """The currency one of ``text``'s parts names, or None."""
    for part in (p for p in _UNIT_PARTS.split(text) if p):
        for scale in _UNIT_SCALES:
            if not part.startswith(scale) or not (rest := part[len(scale) :]):
                continue
            if rest.casefold() in _WORD_CODES and rest != rest.upper():
                continue  # a word that happens to be a code: try, pen, cad
            if found := currency_of(rest, plan_currency):
                return found
        if part in _NOT_MONEY_WORDS:
            continue
        for spelling, code in _CJK_SPELLINGS:
            if part.endswith(spelling) or (
                part.startswith(spelling) and part[len(spelling) :] in _SPELLED
            ):
                mine = spelling in CURRENCY_SPELLINGS.get(plan_currency, ())
                return plan_currency if mine else code
    return None


def plain_number(value: Decimal) -> str:
    """A number as a plan writes it, every digit kept: 0.9, 90, 0.125 (not 9E+1, 0.90)."""
    return f"{value.normalize():f}"
