"""The expenses app's rows for the privacy tests' subject (see tandem/privacy/tests/seed.py)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from tandem.expenses.models import Attestation, BankDetails, Claim


def seed(ctx: Any) -> None:
    match = ctx.mentor_match
    volunteer = match.volunteer
    BankDetails.objects.create(person=volunteer.person, holder=ctx.mark("expenses-holder"),
                               iban="DE89370400440532013000", bic="COBADEFFXXX")
    claim = Claim.objects.create(
        programme=volunteer.programme, volunteer=volunteer, kind="transport", amount=Decimal("12.50"),
        spent_on=timezone.localdate(), description=ctx.mark("expenses-description"), receipt_type="image/jpeg")
    # The receipt holds the subject's name as text (as a scanned ticket might), so the dump test
    # sees it gone with the claim.
    out = io.BytesIO(b"\xff\xd8\xff\xe0" + volunteer.person.full_name.encode())
    claim.receipt.save("receipt.jpg", ContentFile(out.getvalue()), save=True)
    Attestation.objects.create(volunteer=volunteer, period_start=timezone.localdate(),
                               period_end=timezone.localdate(), mentoring_hours=Decimal("1.00"), meetings=1,
                               training_hours=Decimal("2.00"), workshops=1, issued_on=timezone.localdate())
