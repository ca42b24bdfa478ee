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

from mktplan.i18n import Msg, msg

# The store keeps values as 64-bit integers of millionths (at most 9.2 × 10^12 units), and a
# report sums a module's values: one value is at most a trillion, and at least a millionth.
MAX_AMOUNT = Decimal(10) ** 12
MIN_AMOUNT = Decimal("0.000001")
# Plans are dated in this century; a date beyond it is a typo (9999-12-31) that breaks the
# calendar arithmetic of reports (weeks, pace lines, response deadlines).
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2099, 12, 31)


def refuse(message: Msg, hint: Msg, kind: str = "out_of_range") -> PydanticCustomError:
    """The error pydantic reports, carrying the catalogue sentences for the finding."""
    return PydanticCustomError(
        kind,
        message.render("en"),
        {"hint": hint.render("en"), "field": "", "text": message, "hint_text": hint},
    )


def check_number(name: str, value: Decimal) -> None:
    """Refuse a value that the store cannot hold or that rounds to nothing in it."""
    size = value.copy_abs()  # no arithmetic: abs() overflows the context on 1e99999999
    if size > MAX_AMOUNT:
        raise refuse(
            msg("bounds.too_large", name=name, value=_shown(value), max=f"{MAX_AMOUNT:,}"),
            msg("bounds.too_large.hint"),
        )
    if 0 < size < MIN_AMOUNT:
        raise refuse(
            msg("bounds.too_small", name=name, value=_shown(value)),
            msg("bounds.too_small.hint"),
        )


def _shown(value: Decimal) -> str:
    """A number as a message shows it: without trailing zeros, or as written when that
    would overflow the decimal context (1e99999999)."""
    try:
        return str(value.normalize())
    except ArithmeticError:
        return str(value)


def check_date(name: str, value: dt.date) -> None:
    """Refuse a date outside the years plans are written for."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise refuse(
            msg(
                "bounds.date_outside",
                name=name,
                value=value.isoformat(),
                first=FIRST_DAY.year,
                last=LAST_DAY.year,
            ),
            msg("bounds.date_outside.hint"),
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
                            check_number(f"{name} {_shown_key(key)}:", item)
                        except PydanticCustomError as exc:
                            raise _at(exc, f"{name}\x00{key}") from None
        except PydanticCustomError as exc:
            if exc.context and exc.context.get("field"):
                raise
            raise _at(exc, name) from None


def _at(exc: PydanticCustomError, field: str) -> PydanticCustomError:
    return PydanticCustomError(exc.type, exc.message(), {**(exc.context or {}), "field": field})


def _shown_key(key: object) -> str:
    """A mapping key as the plan writes it: a date as 2024-01-05, text quoted."""
    return key.isoformat() if isinstance(key, dt.date) else repr(key)
