"""Values into integer micro-units: one exact rounding, whatever the value's digits."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from hypothesis import given
from hypothesis import strategies as st

from mktplan.observations import QUANTUM, SCALE
from mktplan.store.records import MAX_MICRO, to_micro


def by_quantize(value: Decimal) -> int | None:
    """The definition: half-even to 6 decimals, then the point moved (the former code)."""
    try:
        micro = int(value.quantize(QUANTUM, rounding=ROUND_HALF_EVEN).scaleb(SCALE))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return micro if -MAX_MICRO <= micro <= MAX_MICRO else None


# digits beyond the context's 28 and exponents around the 64-bit edge, ties included
values = st.builds(
    lambda sign, digits, exponent: Decimal((sign, tuple(int(d) for d in digits), exponent)),
    st.integers(0, 1),
    st.text("0123456789", min_size=1, max_size=40),
    st.integers(-45, 20),
)


@given(values)
def test_to_micro_rounds_once_like_quantize(value: Decimal) -> None:
    assert to_micro(value) == by_quantize(value)


def test_to_micro_by_hand() -> None:
    assert to_micro(Decimal("2.5000005")) == 2_500_000  # a tie goes to the even micro-unit
    assert to_micro(Decimal("2.5000015")) == 2_500_002
    assert to_micro(Decimal("-0.0000005")) == 0
    # 29 nines then a 5 in the seventh decimal: rounding to 28 digits first would make a tie
    assert to_micro(Decimal("0.00000049999999999999999999999999")) == 0
    assert to_micro(Decimal("9223372036854.775807")) == MAX_MICRO
    assert to_micro(Decimal("9223372036854.775808")) is None
    assert to_micro(Decimal("1E+999999999")) is None  # refused without building the integer
    assert to_micro(Decimal("0E+999999999")) == 0
    assert to_micro(Decimal("NaN")) is None
    assert to_micro(Decimal("-Infinity")) is None
