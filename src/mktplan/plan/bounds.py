"""The range of every number and date a plan may hold, and why.

A plan that validates must also be reportable. Values outside these bounds passed the model
and then broke `report` (a target of 1e27 overflows decimal arithmetic, 1e-30 rounds to no
target at all, a budget of 1e30 cannot be summed), so the model refuses them up front, each
with the reason and a hint.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

# The store keeps values as 64-bit integers of millionths (at most 9.2 × 10^12 units), and a
# report sums a module's values: one value is at most a trillion, and at least a millionth.
MAX_AMOUNT = Decimal(10) ** 12
MIN_AMOUNT = Decimal("0.000001")
# Plans are dated in this century; a date beyond it is a typo (9999-12-31) that breaks the
# calendar arithmetic of reports (weeks, pace lines, response deadlines).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def _refuse(message: str, hint: str) -> PydanticCustomError:
    return PydanticCustomError("out_of_range", message, {"hint": hint, "field": ""})


def check_number(name: str, value: Decimal) -> None:
    """Refuse a value that the store cannot hold or that rounds to nothing in it."""
    size = abs(value)
    if size > MAX_AMOUNT:
        raise _refuse(
            f"{name} {value.normalize()} is out of range: mktplan stores values up to a "
            f"trillion ({MAX_AMOUNT:,}) either way, so a report could not add it up",
            "check for extra zeros or an exponent such as 1e27; write the number the plan means",
        )
    if 0 < size < MIN_AMOUNT:
        raise _refuse(
            f"{name} {value.normalize()} is smaller than a millionth, the finest step mktplan stores, so "
            "it would read as 0",
            "write 0 for nothing, or the value in a larger unit (e.g. percent points)",
        )


def check_date(name: str, value: dt.date) -> None:
    """Refuse a date outside the years plans are written for."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise _refuse(
            f"{name} {value.isoformat()} is outside {FIRST_DAY.year}–{LAST_DAY.year}, the years "
            "a plan can cover",
            "check the year; dates are written YYYY-MM-DD, e.g. 2024-06-20",
        )


def check_model(model: BaseModel) -> None:
    """Refuse a model holding a number or date out of bounds; the error's context names the
    field (and the key of a mapping) so the finding points at its line."""
    for name, value in model.__dict__.items():
        kind = type(value)
        try:
            if kind is Decimal:
                check_number(name, value)
            elif kind is dt.date:
                check_date(name, value)
            elif kind is dict:
                for key, item in value.items():
                    if type(item) is Decimal:
                        try:
                            check_number(f"{name} {key!r}:", item)
                        except PydanticCustomError as exc:
                            raise _at(exc, f"{name}\x00{key}") from None
        except PydanticCustomError as exc:
            if exc.context and exc.context.get("field"):
                raise
            raise _at(exc, name) from None


def _at(exc: PydanticCustomError, field: str) -> PydanticCustomError:
    return PydanticCustomError(exc.type, exc.message(), {**(exc.context or {}), "field": field})
