"""The rules a source's options obey, one definition each: `validate` checks a plan's
`sources:` with them, and ingest reads files with the same functions, so the two cannot
disagree about a `scale:`, a `date_format:`, a `table:` or a channel given twice.

No I/O and no numpy: `validate` imports this and stays fast.
"""

from __future__ import annotations

import codecs
import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from mktplan.errors import InvalidValue
from mktplan.i18n import Msg, msg
from mktplan.plan.model import Source

# Header units inside brackets: 销售额(万元), 花费(千元), (亿元), 曝光(万).
HEADER_SCALES: dict[str, int] = {
    "千": 10**3,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
}
# `scale:` words of a source column, besides plain numbers.
SCALE_WORDS: dict[str, int] = {"k": 10**3, "m": 10**6, "mm": 10**6, "b": 10**9, **HEADER_SCALES}


def scale_factor(word: str | int | float | Decimal) -> Fraction:
    """A source's `scale:` value as an exact factor: a number (1000, 0.01) or K, M, 千, 万, 亿.
    Raises :class:`InvalidValue` (a ValueError) with the reason."""
    if isinstance(word, (int, Decimal)) and not isinstance(word, bool):
        text = str(word)
    elif isinstance(word, float):
        text = repr(word)
    elif isinstance(word, str) and not all(c.isascii() for c in word if c.isdigit()):
        # `１０００` is text to YAML, and so here: only its words (万, Ｋ) are normalized
        raise InvalidValue(msg("validate.number_digits", value=word.strip(), field="scale"))
    else:
        text = unicodedata.normalize("NFKC", str(word)).strip().casefold()
    shown = repr(word) if isinstance(word, str) else text  # 'lots', or -1 as written
    if "_" in text:  # YAML 1.2 reads 1_000 as text; Python's Decimal() would read 1000
        raise InvalidValue(
            msg("validate.number_underscore", value=text, field="scale"),
        )
    if text in SCALE_WORDS:
        factor = Fraction(SCALE_WORDS[text])
    else:
        try:
            factor = Fraction(Decimal(text))
        except (InvalidOperation, ValueError, OverflowError):  # not a number, NaN, infinite
            raise InvalidValue(msg("validate.source_scale_not_a_number", word=shown)) from None
    if factor <= 0:
        raise InvalidValue(msg("validate.source_scale_not_positive", word=shown))
    return factor


# A day whose parts all differ (23 > 12), with a time and a zone, for %H, %z and %Z
_SAMPLE = dt.datetime(2024, 11, 23, 13, 45, 56, tzinfo=dt.UTC)


def date_format_problem(date_format: str) -> Msg | None:
    """Why a source's `date_format:` (strftime, read with strptime) cannot read a date, or
    None: it must be a pattern Python reads back, naming a day, a month and a year."""
    try:
        read = dt.datetime.strptime(_SAMPLE.strftime(date_format), date_format)
    except ValueError:  # a directive strptime does not know (%Q, %-d) or a stray %
        return msg("validate.source_date_format_unreadable", format=date_format)
    for part, same in (
        (msg("validate.date_part_day"), read.day == _SAMPLE.day),
        (msg("validate.date_part_month"), read.month == _SAMPLE.month),
        (msg("validate.date_part_year"), read.year == _SAMPLE.year),
    ):
        if not same:
            return msg("validate.source_date_format_lacks", format=date_format, part=part)
    return None


def encoding_problem(encoding: str) -> Msg | None:
    """Why ``encoding`` (`--encoding`, a source's `encoding:`) cannot read a text file, or
    None: a codec Python knows that turns bytes into text and can mark what it cannot read
    (not rot13, hex or zlib, which turn bytes into bytes; not idna or undefined)."""
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        return msg("ingest.unknown_encoding", encoding=encoding)
    if not getattr(codec, "_is_text_encoding", True):
        return msg("ingest.not_text_encoding", encoding=encoding)
    try:  # its own bytes for a letter read back (a UTF-16 codec's begin with the mark)
        letter, _ = codec.encode("a")
        codecs.getincrementaldecoder(codec.name)(errors="replace").decode(letter, final=True)
    except (UnicodeError, ValueError, TypeError):
        return msg("ingest.not_text_encoding", encoding=encoding)
    return None


def table_problem(table: str | int | None) -> Msg | None:
    """Why a source's `table:` cannot pick a table, or None: numbers count from 1."""
    if isinstance(table, int) and not isinstance(table, bool) and table < 1:
        return msg("validate.source_table_from_one", table=table)
    return None


def given_twice(source: Source) -> list[tuple[str, str]]:
    """(kind, column) for each of channel and line that a source both reads from a column
    and fixes in `fixed:`; a row can have only one."""
    fixed = source.fixed
    return [
        (kind, column)
        for kind, column in (("channel", source.channel), ("line", source.line))
        if fixed is not None and getattr(fixed, kind) is not None and column is not None
    ]
