"""Money is Decimal, rounded half-up to cents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("Money never comes from float; pass a str or Decimal.")
    return Decimal(str(value))


def cents(value) -> Decimal:
    """Round half-up to two decimals: 0.005 → 0.01."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
