"""The countries' legal ceilings on volunteers' flat-rate allowances, as programme defaults.

Sources and dates are in docs/expenses.md ("Legal figures"). They are defaults only: a
coordinator changes them on the programme's expense policy when the figures are indexed.
Ceilings count flat-rate allowances (per month, per meeting); reimbursed actual costs with a
receipt, and kilometres, are outside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Ceilings:
    day: Decimal | None = None
    month: Decimal | None = None
    year: Decimal | None = None
    # Belgium: one volunteer is paid either flat-rate or actual costs in one calendar year.
    no_mixing: bool = False
    # Whether flat-rate allowances are offered by default at all (France: actual costs only).
    flat_rate: bool = True
    km_rate: Decimal = Decimal("0.23")
    figures_year: int = 2025


DEFAULTS: dict[str, Ceilings] = {
    # Belastingdienst, vrijwilligersvergoeding 2025: EUR 210 a month, EUR 2,100 a year (the 2026
    # figures were not found in the sources available; see docs/expenses.md).
    "NL": Ceilings(month=Decimal("210.00"), year=Decimal("2100.00"), km_rate=Decimal("0.23"),
                   figures_year=2025),
    # Belgian volunteer law (Wet van 3 juli 2005), indexed yearly: 2024 figures, EUR 41.48 a
    # day and EUR 1,659.29 a year; flat-rate and actual costs not mixed in one year.
    "BE": Ceilings(day=Decimal("41.48"), year=Decimal("1659.29"), no_mixing=True,
                   km_rate=Decimal("0.4269"), figures_year=2024),
    # § 3 Nr. 26a EStG (Ehrenamtspauschale): EUR 960 a year from 2026 (EUR 840 until 2025).
    "DE": Ceilings(year=Decimal("960.00"), km_rate=Decimal("0.30"), figures_year=2026),
    # France: a bénévole is reimbursed actual, proven costs only; no flat-rate ceiling applies.
    "FR": Ceilings(flat_rate=False, km_rate=Decimal("0.30"), figures_year=2025),
}


def ceilings_for(country: str) -> Ceilings:
    return DEFAULTS.get(country, Ceilings(flat_rate=False))
