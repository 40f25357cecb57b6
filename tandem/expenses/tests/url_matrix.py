"""URL x role classification of the expenses app (merged by core's test_url_matrix).

A mentor sees their own claims, bank details and attestations; coordinators review, pay and set
the policy; a claim's page and its receipt answer its volunteer and the coordinators. Everyone
else in the programme gets 403, outsiders 404.
"""

from __future__ import annotations

from typing import Any

from tandem.core.testing import COORDINATORS, Access, programme_kwargs, redirect_to

MENTOR = frozenset({"mentor"})
READERS = COORDINATORS | MENTOR


def _mentor(world: Any) -> dict[str, Any]:
    from tandem.expenses.tests.factories import mentor_volunteer

    mentor_volunteer(world)
    return programme_kwargs(world)


def _claim(world: Any) -> dict[str, Any]:
    from tandem.expenses.models import Claim
    from tandem.expenses.tests.factories import claim, mentor_volunteer, photo

    volunteer = mentor_volunteer(world)
    found = Claim.objects.filter(volunteer=volunteer, state="submitted").exclude(receipt="").first()
    if found is None:
        found = claim(volunteer, receipt_type="image/jpeg")
        found.receipt.save("ticket.jpg", photo(), save=True)
    return {**programme_kwargs(world), "pk": found.pk}


def _batch(world: Any) -> dict[str, Any]:
    from tandem.expenses.models import PaymentBatch
    from tandem.expenses.tests.factories import approved_batch

    found = PaymentBatch.objects.filter(programme=world.programme, paid_at__isnull=True).first() \
        or approved_batch(world)
    return {**programme_kwargs(world), "pk": found.pk}


def _batch_csv(world: Any) -> dict[str, Any]:
    return {**_batch(world), "fmt": "csv"}


def _attestation(world: Any) -> dict[str, Any]:
    from tandem.expenses.tests.factories import attestation, mentor_volunteer

    volunteer = mentor_volunteer(world)
    found = volunteer.attestations.first() or attestation(volunteer)
    return {**programme_kwargs(world), "pk": found.pk}


def _allowances(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "fmt": "csv"}


MATRIX: dict[str, Access] = {
    # Coordinators are sent on to the claims they approve (they are the coordination).
    "expenses:mine": Access(READERS, "programme", kwargs=_mentor,
                            expect_for=dict.fromkeys(COORDINATORS, redirect_to("expenses:review"))),
    "expenses:claim_new": Access(MENTOR, "programme", kwargs=_mentor),
    "expenses:bank": Access(MENTOR, "programme", kwargs=_mentor),
    "expenses:attestations": Access(MENTOR, "programme", kwargs=_mentor),
    "expenses:attestation_file": Access(MENTOR, "programme", kwargs=_attestation),
    "expenses:claim": Access(READERS, "programme", kwargs=_claim),
    "expenses:receipt": Access(READERS, "programme", kwargs=_claim),
    "expenses:review": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    # Posted with nothing chosen: back to the list with the message.
    "expenses:approve_bulk": Access(COORDINATORS, "programme", method="POST", kwargs=programme_kwargs,
                                    expect=redirect_to("expenses:review")),
    "expenses:payments": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "expenses:batch": Access(COORDINATORS, "programme", kwargs=_batch),
    "expenses:batch_file": Access(COORDINATORS, "programme", kwargs=_batch_csv),
    "expenses:batch_paid": Access(COORDINATORS, "programme", method="POST", kwargs=_batch,
                                  expect=redirect_to("expenses:batch", "pk")),
    "expenses:allowances": Access(COORDINATORS, "programme", kwargs=_allowances),
    "expenses:policy": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
}
