"""Money as exact decimals: every amount is a ``Decimal`` rounded half-up to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    """``value`` rounded to the cent, half up (0.005 → 0.01), never through a float."""
    if isinstance(value, float):  # pragma: no cover - a programming error, not an input
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def km_amount(kilometres: Decimal, rate: Decimal) -> Decimal:
    return cents(kilometres * rate)


def total(values: object) -> Decimal:
    return cents(sum((Decimal(v) for v in values), ZERO))  # type: ignore[attr-defined]


def as_cents_int(value: Decimal) -> int:
    """For the SEPA file, which takes whole cents."""
    return int(cents(value) * 100)
