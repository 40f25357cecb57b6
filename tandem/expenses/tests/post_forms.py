"""What each of the expenses app's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.expenses.models import Attestation, Claim, PaymentBatch
from tandem.expenses.tests.url_matrix import _mentor


def _with_bank(world: Any) -> dict[str, Any]:
    from tandem.expenses.tests.factories import bank, mentor_volunteer

    bank(mentor_volunteer(world))
    return programme_kwargs(world)


def _payable(world: Any) -> dict[str, Any]:
    from tandem.expenses.tests.factories import bank, claim, mentor_volunteer, paying_policy

    volunteer = mentor_volunteer(world)
    paying_policy(world)
    bank(volunteer)
    claim(volunteer, state="approved")
    return programme_kwargs(world)


def _today(world: Any) -> str:
    return timezone.localdate().isoformat()


FORMS: dict[str, FormKind | tuple[FormKind, ...]] = {
    "expenses:claim_new": Create(
        data=lambda w: {"kind": "transport", "spent_on": _today(w), "amount": "8.40", "description": "Bus"},
        count=Claim.objects.count, kwargs=_mentor, persona="mentor"),
    "expenses:bank": Edit(first={"holder": "Anna de Vries"}, second={"holder": "A. de Vries"},
                          shown=("Anna de Vries", "A. de Vries"), kwargs=_with_bank, personas=("mentor", "mentor")),
    "expenses:attestations": Create(
        data=lambda w: {"period_start": "2025-01-01", "period_end": _today(w)},
        count=Attestation.objects.count, kwargs=_mentor, persona="mentor"),
    "expenses:claim": NotAnEdit(
        "A decision on a waiting claim: the claim is locked and compared with the page's version, and only a "
        "waiting claim can be decided, so a second click (or a second coordinator) is refused with a message."),
    "expenses:approve_bulk": NotAnEdit(
        "Approves the chosen waiting claims, each locked and still waiting; a second click finds them decided "
        "and changes nothing."),
    "expenses:payments": Create(data=lambda w: {"execution_date": _today(w)}, count=PaymentBatch.objects.count,
                                kwargs=_payable),
    "expenses:batch_paid": NotAnEdit(
        "Marking a payment file paid is a conditional update (only while it is not paid); cancelling locks the "
        "file and refuses a paid one."),
    "expenses:policy": Edit(first={"debtor_name": "Stichting Zuid"}, second={"debtor_name": "Mentoren Zuid vzw"},
                            shown=("Stichting Zuid", "Mentoren Zuid vzw")),
}
