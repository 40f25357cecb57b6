"""Exact money and every limit and ceiling at its boundary: reached is allowed, one cent more
is flagged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from conftest import World
from tandem.expenses import money, services
from tandem.expenses.legal import ceilings_for
from tandem.expenses.models import Flag
from tandem.expenses.tests.factories import claim, mentor_volunteer, paying_policy

DAY = date(2025, 6, 10)


def test_rounding_is_half_up_to_the_cent_and_never_a_float() -> None:
    assert money.cents("0.005") == Decimal("0.01")
    assert money.cents("0.004") == Decimal("0.00")
    assert money.cents("2.675") == Decimal("2.68")  # a float would give 2.67
    assert money.km_amount(Decimal("12.5"), Decimal("0.23")) == Decimal("2.88")  # 2.875 → 2.88
    assert money.km_amount(Decimal("37.3"), Decimal("0.4269")) == Decimal("15.92")
    assert money.total([Decimal("0.10")] * 3) == Decimal("0.30")  # 0.1 * 3 is not 0.3 in floats
    assert money.as_cents_int(Decimal("12.50")) == 1250
    with pytest.raises(TypeError):
        money.cents(0.1)  # type: ignore[arg-type]


def test_country_defaults() -> None:
    assert ceilings_for("NL").month == Decimal("210.00") and ceilings_for("NL").year == Decimal("2100.00")
    assert ceilings_for("BE").day == Decimal("41.48") and ceilings_for("BE").no_mixing
    assert ceilings_for("DE").year == Decimal("960.00")
    assert ceilings_for("FR").year is None and not ceilings_for("FR").flat_rate


def _flags(world: World, kind: str, amount: str, **kw: object) -> list[str]:
    policy = services.policy_for(world.programme)
    return services.claim_flags(policy=policy, volunteer=mentor_volunteer(world), kind=kind,
                                amount=Decimal(amount), day=DAY, has_receipt=True, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "flag", "kind"), [
    ("limit_claim", Flag.OVER_CLAIM, "transport"),
    ("limit_month", Flag.OVER_MONTH, "transport"),
    ("limit_year", Flag.OVER_YEAR, "transport"),
    ("ceiling_day", Flag.CEILING_DAY, "flat_meeting"),
    ("ceiling_month", Flag.CEILING_MONTH, "flat_month"),
    ("ceiling_year", Flag.CEILING_YEAR, "flat_month"),
])
def test_each_limit_at_its_boundary(world: World, field: str, flag: str, kind: str) -> None:
    paying_policy(world, **{"limit_claim": None, "limit_month": None, "limit_year": None, "ceiling_day": None,
                            "ceiling_month": None, "ceiling_year": None, field: Decimal("50.00")})
    volunteer = mentor_volunteer(world)
    if field != "limit_claim":  # something already claimed that day counts
        claim(volunteer, amount="20.00", kind=kind if kind != "flat_month" else "flat_meeting", day=DAY)
        assert flag not in _flags(world, kind, "30.00")
        assert flag in _flags(world, kind, "30.01")
    else:
        assert flag not in _flags(world, kind, "50.00")
        assert flag in _flags(world, kind, "50.01")


def test_ceilings_count_flat_rate_only_and_rejected_claims_not_at_all(world: World) -> None:
    paying_policy(world, ceiling_month=Decimal("210.00"), ceiling_year=Decimal("2100.00"))
    volunteer = mentor_volunteer(world)
    claim(volunteer, amount="500.00", kind="transport", day=DAY)  # actual costs: outside the ceiling
    claim(volunteer, amount="200.00", kind="flat_meeting", day=DAY, state="rejected")
    assert Flag.CEILING_MONTH not in _flags(world, "flat_month", "210.00")
    claim(volunteer, amount="10.00", kind="flat_meeting", day=DAY)
    assert Flag.CEILING_MONTH in _flags(world, "flat_month", "200.01")


def test_belgium_flat_rate_and_actual_costs_not_mixed_in_one_year(world: World) -> None:
    paying_policy(world, no_mixing=True)
    volunteer = mentor_volunteer(world)
    claim(volunteer, amount="10.00", kind="activity", day=date(2024, 12, 31))  # another year
    assert Flag.MIXED not in _flags(world, "flat_meeting", "5.00")
    claim(volunteer, amount="10.00", kind="activity", day=DAY)
    assert Flag.MIXED in _flags(world, "flat_meeting", "5.00")
    assert Flag.MIXED not in _flags(world, "km", "5.00")  # kilometres go with either


def test_belgium_at_most_2000_km_a_year_beside_a_flat_rate(world: World) -> None:
    paying_policy(world, no_mixing=True)
    volunteer = mentor_volunteer(world)
    claim(volunteer, amount="400.00", kind="km", kilometres=Decimal("1900.0"), day=DAY)
    # Without a flat-rate allowance this year, kilometres are actual travel: no 2,000 km rule.
    assert Flag.KM_BESIDE_FLAT not in _flags(world, "km", "100.00", kilometres=Decimal("500.0"))
    claim(volunteer, amount="5.00", kind="flat_meeting", day=DAY)
    assert Flag.KM_BESIDE_FLAT not in _flags(world, "km", "20.00", kilometres=Decimal("100.0"))  # 2,000 reached
    assert Flag.KM_BESIDE_FLAT in _flags(world, "km", "0.23", kilometres=Decimal("100.1"))
    claim(volunteer, amount="30.00", kind="km", kilometres=Decimal("100.1"), day=DAY)
    assert Flag.KM_BESIDE_FLAT in _flags(world, "flat_meeting", "5.00")  # a flat rate beside > 2,000 km
    paying_policy(world, no_mixing=False)  # the Netherlands, Germany: no such rule
    assert Flag.KM_BESIDE_FLAT not in _flags(world, "km", "50.00", kilometres=Decimal("200.0"))


def test_budget_boundary_at_approval(world: World) -> None:
    paying_policy(world, budget=Decimal("100.00"))
    volunteer = mentor_volunteer(world)
    claim(volunteer, amount="60.00", state="approved")
    assert Flag.OVER_BUDGET not in _flags(world, "transport", "40.00", budget=True)
    assert Flag.OVER_BUDGET in _flags(world, "transport", "40.01", budget=True)


def test_a_flagged_claim_needs_an_explicit_override(world: World) -> None:
    from django.core.exceptions import ValidationError

    paying_policy(world, limit_claim=Decimal("20.00"), receipt_required=False)
    volunteer = mentor_volunteer(world)
    coordinator = world.users["coordinator"]
    item = services.claim_create(volunteer=volunteer, actor=None, kind="transport", spent_on=DAY,
                                 amount=Decimal("20.005"))
    assert item.amount == Decimal("20.01") and item.flags == [Flag.OVER_CLAIM]
    with pytest.raises(ValidationError, match="explicit decision"):
        services.claim_approve(claim=item, actor=coordinator, expected_version=item.version)
    item.refresh_from_db()
    assert item.state == "submitted"
    done = services.claim_approve(claim=item, actor=coordinator, expected_version=item.version, override=True)
    assert done.state == "approved" and done.overridden
    ok = claim(volunteer, amount="5.00")
    approved, left = services.claims_approve_bulk(programme=world.programme, actor=coordinator,
                                                  pks=[ok.pk, claim(volunteer, amount="25.00").pk])
    assert (approved, left) == (1, 1)


def test_kilometres_are_paid_at_the_policy_rate(world: World) -> None:
    paying_policy(world, km_rate=Decimal("0.30"))
    item = services.claim_create(volunteer=mentor_volunteer(world), actor=None, kind="km", spent_on=DAY,
                                 kilometres=Decimal("23.5"))
    assert item.amount == Decimal("7.05")


def test_reject_needs_a_reason(world: World) -> None:
    from django.core.exceptions import ValidationError

    item = claim(mentor_volunteer(world))
    with pytest.raises(ValidationError):
        services.claim_reject(claim=item, actor=world.users["coordinator"], expected_version=item.version,
                              reason=" ")
    done = services.claim_reject(claim=item, actor=world.users["coordinator"], expected_version=item.version,
                                 reason="Geen bon")
    assert done.state == "rejected" and done.reason == "Geen bon"


def test_the_coordinator_reads_the_limit_a_claim_goes_past(world: World) -> None:
    """VerA's coordinator read "Above the programme's limit per claim" on a 185 € claim, without
    the limit: deciding meant looking it up in the policy."""
    from django.urls import reverse
    from django.utils import translation

    paying_policy(world, limit_claim=Decimal("150.00"), receipt_required=False)
    item = claim(mentor_volunteer(world), amount="185.00", kind="activity")
    url = reverse("expenses:claim", kwargs={"org": "zuid", "prog": "moz", "pk": item.pk})
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Above the programme&#x27;s limit per claim (€150.00)" in page
    with translation.override("de"):
        german = world.client_for("coordinator").get(url, headers={"accept-language": "de"}).content.decode()
    assert "(150,00" in german
