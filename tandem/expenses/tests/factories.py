"""Expenses worlds on top of conftest's ``world``: the mentor persona's volunteer record (from the
journal's pair), claims written straight to the database, a receipt photo."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from conftest import World
from tandem.expenses import services
from tandem.expenses.models import Attestation, BankDetails, Claim, PaymentBatch
from tandem.onboarding.models import Volunteer

# Valid test IBANs (the standard examples of each country's format).
IBAN_DE = "DE89370400440532013000"
IBAN_NL = "NL91ABNA0417164300"
IBAN_FR = "FR1420041010050500013M02606"
IBAN_BE = "BE68539007547034"


def mentor_volunteer(world: World) -> Volunteer:
    from tandem.journal.tests.factories import persona_match

    return persona_match(world).volunteer


def photo(name: str = "ticket.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def pdf_file(name: str = "receipt.pdf") -> SimpleUploadedFile:
    content = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
               b"trailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def paying_policy(world: World, **values: Any) -> Any:
    policy = services.policy_for(world.programme)
    values = {"debtor_name": "Mentoren Zuid", "debtor_iban": IBAN_NL, "debtor_bic": "ABNANL2A", **values}
    for name, value in values.items():
        setattr(policy, name, value)
    policy.save()
    return policy


def bank(volunteer: Volunteer, iban: str = IBAN_DE, holder: str = "") -> BankDetails:
    row, _created = BankDetails.objects.update_or_create(
        person=volunteer.person, defaults={"holder": holder or volunteer.person.full_name, "iban": iban, "bic": ""})
    return row


def claim(volunteer: Volunteer, *, amount: str = "12.50", kind: str = "transport", state: str = "submitted",
          day: date | None = None, **extra: Any) -> Claim:
    values: dict[str, Any] = {
        "programme": volunteer.programme, "volunteer": volunteer, "kind": kind, "amount": Decimal(amount),
        "spent_on": day or timezone.localdate() - timedelta(days=2), "state": state, **extra}
    if state in ("approved", "rejected", "paid"):
        values.setdefault("decided_at", timezone.now())
    return Claim.objects.create(**values)


def approved_batch(world: World, n: int = 1) -> PaymentBatch:
    volunteer = mentor_volunteer(world)
    paying_policy(world)
    bank(volunteer)
    for _i in range(n):
        claim(volunteer, state="approved")
    return services.batch_create(programme=world.programme, actor=world.users["coordinator"])


def attestation(volunteer: Volunteer) -> Attestation:
    today = timezone.localdate()
    return services.attestation_issue(volunteer=volunteer, actor=None, period_start=today - timedelta(days=90),
                                      period_end=today)
