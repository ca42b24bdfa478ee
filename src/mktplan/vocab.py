"""The few domain constants every layer shares, defined once; this module imports nothing
of mktplan's own."""

from __future__ import annotations

import re

# Units that mean percent points (2.1 = 2.1 %): what a plan may write after `unit:`.
PERCENT_UNITS = frozenset({"%", "％", "percent", "pct"})


def is_percent(unit: str | None) -> bool:
    """Whether a KPI unit means percent points: ``%``, ``％``, ``percent`` or ``pct``."""
    return unit is not None and unit.strip() in PERCENT_UNITS


_CURRENCY = re.compile(r"^[A-Z]{3}$")


def is_currency(unit: str | None) -> bool:
    """Whether a KPI unit is a currency code such as CNY."""
    return unit is not None and bool(_CURRENCY.match(unit))
