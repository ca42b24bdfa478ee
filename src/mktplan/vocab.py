"""The few domain constants every layer shares, defined once; this module imports nothing
of mktplan's own."""

from __future__ import annotations

import re

# Units that mean percent points (2.1 = 2.1 %): what a plan may write after `unit:`.
PERCENT_UNITS = frozenset({"%", "％", "percent", "pct"})


def is_percent(unit: str | None) -> bool:
    """Whether a KPI unit means percent points: ``%``, ``％``, ``percent`` or ``pct``."""
    return unit is not None and unit.strip() in PERCENT_UNITS


def is_ratio(unit: str | None) -> bool:
    """Whether a KPI unit is ``ratio`` (a fraction: 2.1 % is 0.021), in any case."""
    return unit is not None and unit.strip().casefold() == "ratio"


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def is_currency(unit: str | None) -> bool:
    """Whether a KPI unit is a currency code such as CNY."""
    return unit is not None and bool(_CURRENCY.match(unit))


# The most UTF-8 bytes a channel, budget line or ref may hold: the three together with the
# longest plan and KPI ids stay below the 2,704 bytes of a PostgreSQL index entry (the
# observation's key), whatever the characters (500 letters, about 166 Chinese characters)
LONGEST_KEY_TEXT = 500


def key_text_bytes(text: str) -> int:
    """The bytes a channel, budget line or ref takes in the store's key, as it is stored
    (without the spaces around it): see :data:`LONGEST_KEY_TEXT`."""
    return len(text.strip().encode("utf-8", "surrogatepass"))
