"""Every write of the expenses app: keyword-only, one transaction, audited, no request."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.models import Person, Programme
from tandem.core.versioning import apply_edit, lock_for_edit, save_edit
from tandem.expenses import money
from tandem.expenses.banking import completed_account
from tandem.expenses.legal import ceilings_for
from tandem.expenses.models import (
    ACTUAL_KINDS,
    FLAT_KINDS,
    Attestation,
    BankDetails,
    Claim,
    Flag,
    Kind,
    PaymentBatch,
    Policy,
)
from tandem.expenses.receipts import check_receipt
from tandem.journal.models import Meeting
from tandem.onboarding.models import Volunteer

# --- Policy -------------------------------------------------------------------------------------


def policy_defaults(programme: Programme) -> dict[str, Any]:
    """The country's legal ceilings and a starting point for the rest (docs/expenses.md)."""
    legal = ceilings_for(programme.country)
    return {
        "currency": "EUR", "km_rate": legal.km_rate, "ceiling_day": legal.day,
        "ceiling_month": legal.month, "ceiling_year": legal.year, "no_mixing": legal.no_mixing,
        "flat_per_month": None, "flat_per_meeting": Decimal("5.00") if legal.flat_rate else None,
        "debtor_name": programme.organisation.name[:70],
    }


def policy_for(programme: Programme) -> Policy:
    """The programme's policy, made with the country's defaults the first time it is asked for."""
    policy = Policy.objects.filter(programme=programme).first()
    if policy is not None:
        return policy
    with transaction.atomic():
        policy, _created = Policy.objects.get_or_create(programme=programme,
                                                        defaults=policy_defaults(programme))
    return policy


def policy_update(*, policy: Policy, actor: Any, expected_version: int | None, **fields: Any) -> Policy:
    with transaction.atomic():
        row = lock_for_edit(Policy, pk=policy.pk, expected_version=expected_version)
        if fields.get("debtor_iban"):
            fields["debtor_iban"], fields["debtor_bic"] = completed_account(
                fields["debtor_iban"], fields.get("debtor_bic", ""), field_iban="debtor_iban",
                field_bic="debtor_bic")
        for name in ("budget", "flat_per_month", "flat_per_meeting", "limit_claim", "limit_month", "limit_year",
                     "ceiling_day", "ceiling_month", "ceiling_year"):
            if fields.get(name) is not None:
                fields[name] = money.cents(fields[name])
        changes = apply_edit(row, fields)
        if changes:
            audit_record(organisation=row.programme.organisation, programme=row.programme, actor=actor,
                         action="updated", subject=f"expense_policy:{row.pk}", changes=changes)
    return row


# --- Bank details -------------------------------------------------------------------------------


def bank_details_save(*, person: Person, actor: Any, expected_version: int | None, holder: str, iban: str,
                      bic: str = "") -> BankDetails:
    iban, bic = completed_account(iban, bic)
    with transaction.atomic():
        existing = BankDetails.objects.filter(person=person).first()
        if existing is None:
            row = BankDetails(person=person, holder=holder, iban=iban, bic=bic)
            row.full_clean()
            row.save()
            action = "created"
        else:
            row = lock_for_edit(BankDetails, pk=existing.pk, expected_version=expected_version)
            if not apply_edit(row, {"holder": holder, "iban": iban, "bic": bic}):
                return row
            action = "updated"
        # The audit says that the account changed, never the account itself.
        audit_record(organisation=person.organisation, person=person, actor=actor, action=action,
                     subject=f"bank_details:{row.pk}", changes={"iban": ["…", "…"]})
    return row


# --- Checks -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    month: Decimal
    year: Decimal
    flat_day: Decimal
    flat_month: Decimal
    flat_year: Decimal
    has_flat: bool
    has_actual: bool
    km_year: Decimal = Decimal(0)


# Belgium: beside a flat-rate allowance a volunteer may be paid for at most 2,000 km of travel in a
# calendar year (volunteer law of 3 July 2005, art. 10; docs/expenses.md). Programmes whose policy
# forbids mixing flat-rate and actual costs (the Belgian default) apply it.
KM_BESIDE_FLAT_RATE = Decimal(2000)


def _open(volunteer: Volunteer, exclude: int | None) -> Any:
    rows = Claim.objects.filter(volunteer=volunteer).exclude(state=Claim.State.REJECTED)
    return rows.exclude(pk=exclude) if exclude else rows


def totals(*, volunteer: Volunteer, day: date, exclude: int | None = None) -> Totals:
    """What the volunteer has claimed (not rejected) in ``day``'s month and year, in one query."""
    year = _open(volunteer, exclude).filter(spent_on__year=day.year)
    flat = Q(kind__in=FLAT_KINDS)
    in_month = Q(spent_on__month=day.month)
    found = year.aggregate(
        month=Sum("amount", filter=in_month), year=Sum("amount"),
        flat_day=Sum("amount", filter=flat & Q(spent_on=day)),
        flat_month=Sum("amount", filter=flat & in_month), flat_year=Sum("amount", filter=flat),
        n_flat=Count("pk", filter=flat), n_actual=Count("pk", filter=Q(kind__in=ACTUAL_KINDS)),
        km_year=Sum("kilometres", filter=Q(kind=Kind.KILOMETRES)),
    )
    zero = money.ZERO
    return Totals(month=found["month"] or zero, year=found["year"] or zero, flat_day=found["flat_day"] or zero,
                  flat_month=found["flat_month"] or zero, flat_year=found["flat_year"] or zero,
                  has_flat=bool(found["n_flat"]), has_actual=bool(found["n_actual"]),
                  km_year=found["km_year"] or Decimal(0))


def committed(programme: Programme) -> dict[str, Decimal]:
    """The budget's figures: waiting, approved (not yet paid) and paid, in one query."""
    found = Claim.objects.filter(programme=programme).aggregate(
        waiting=Sum("amount", filter=Q(state=Claim.State.SUBMITTED)),
        approved=Sum("amount", filter=Q(state=Claim.State.APPROVED)),
        paid=Sum("amount", filter=Q(state=Claim.State.PAID)),
    )
    return {key: value or money.ZERO for key, value in found.items()}


def claim_flags(*, policy: Policy, volunteer: Volunteer, kind: str, amount: Decimal, day: date,
                has_receipt: bool, exclude: int | None = None, budget: bool = False,
                kilometres: Decimal | None = None) -> list[str]:
    """The codes of every limit, ceiling and rule this claim would go past (``Flag``). A limit is
    reached, not exceeded, at exactly its amount."""
    flags: list[str] = []
    before = totals(volunteer=volunteer, day=day, exclude=exclude)
    if policy.limit_claim is not None and amount > policy.limit_claim:
        flags.append(Flag.OVER_CLAIM)
    if policy.limit_month is not None and before.month + amount > policy.limit_month:
        flags.append(Flag.OVER_MONTH)
    if policy.limit_year is not None and before.year + amount > policy.limit_year:
        flags.append(Flag.OVER_YEAR)
    if kind in FLAT_KINDS:
        if policy.ceiling_day is not None and before.flat_day + amount > policy.ceiling_day:
            flags.append(Flag.CEILING_DAY)
        if policy.ceiling_month is not None and before.flat_month + amount > policy.ceiling_month:
            flags.append(Flag.CEILING_MONTH)
        if policy.ceiling_year is not None and before.flat_year + amount > policy.ceiling_year:
            flags.append(Flag.CEILING_YEAR)
        if policy.no_mixing and before.has_actual:
            flags.append(Flag.MIXED)
        if policy.no_mixing and before.km_year > KM_BESIDE_FLAT_RATE:
            flags.append(Flag.KM_BESIDE_FLAT)
    elif kind == Kind.KILOMETRES:
        if policy.no_mixing and before.has_flat and before.km_year + (kilometres or 0) > KM_BESIDE_FLAT_RATE:
            flags.append(Flag.KM_BESIDE_FLAT)
    elif kind in ACTUAL_KINDS:
        if policy.no_mixing and before.has_flat:
            flags.append(Flag.MIXED)
        if policy.receipt_required and not has_receipt:
            flags.append(Flag.NO_RECEIPT)
    if budget and policy.budget is not None:
        spent = committed(policy.programme)
        if spent["approved"] + spent["paid"] + amount > policy.budget:
            flags.append(Flag.OVER_BUDGET)
    return [str(f) for f in flags]


# --- Claims -------------------------------------------------------------------------------------


def claim_amount(*, policy: Policy, kind: str, amount: Decimal | None, kilometres: Decimal | None) -> Decimal:
    if kind == Kind.KILOMETRES:
        if not kilometres:
            raise ValidationError({"kilometres": _("How many kilometres?")})
        return money.km_amount(kilometres, policy.km_rate)
    if kind == Kind.FLAT_MEETING and policy.flat_per_meeting:
        return money.cents(policy.flat_per_meeting)
    if kind == Kind.FLAT_MONTH and policy.flat_per_month:
        return money.cents(policy.flat_per_month)
    if not amount:
        raise ValidationError({"amount": _("How much did you spend?")})
    return money.cents(amount)


def claim_create(*, volunteer: Volunteer, actor: Any, kind: str, spent_on: date, amount: Decimal | None = None,
                 kilometres: Decimal | None = None, meeting: Meeting | None = None, description: str = "",
                 receipt: Any = None) -> Claim:
    policy = policy_for(volunteer.programme)
    if kind not in policy.allowed_kinds():
        raise ValidationError({"kind": _("This programme does not pay for this.")})
    if meeting is not None and meeting.match.volunteer_id != volunteer.pk:
        raise ValidationError({"meeting": _("Choose one of your own meetings.")})
    if kind == Kind.FLAT_MEETING and (meeting is None or meeting.state != Meeting.State.HELD):
        raise ValidationError({"meeting": _("A meeting allowance needs a meeting that was held.")})
    value = claim_amount(policy=policy, kind=kind, amount=amount, kilometres=kilometres)
    receipt_type = check_receipt(receipt) if receipt else ""
    with transaction.atomic():
        # One volunteer's claims are checked one at a time, so two at once cannot both slip
        # under a ceiling.
        Volunteer.objects.select_for_update().filter(pk=volunteer.pk).first()
        claim = Claim(
            programme=volunteer.programme, volunteer=volunteer, kind=kind, spent_on=spent_on, amount=value,
            kilometres=kilometres if kind == Kind.KILOMETRES else None, meeting=meeting,
            month=spent_on.replace(day=1) if kind == Kind.FLAT_MONTH else None,
            description=description, receipt_type=receipt_type, created_by=actor,
            flags=claim_flags(policy=policy, volunteer=volunteer, kind=kind, amount=value, day=spent_on,
                              has_receipt=bool(receipt), kilometres=kilometres),
        )
        if receipt:
            claim.receipt.save(receipt.name or "receipt", receipt, save=False)
        try:
            claim.full_clean(exclude=["receipt"])
            claim.save()
        except Exception:
            if claim.receipt:
                claim.receipt.delete(save=False)
            raise
        audit_record(organisation=volunteer.programme.organisation, programme=volunteer.programme,
                     person=volunteer.person, actor=actor, action="created", subject=f"claim:{claim.pk}",
                     changes={"kind": [None, kind], "amount": [None, str(value)], "state": [None, claim.state]})
    return claim


def _decide(claim: Claim, actor: Any, state: str, changes: dict[str, Any]) -> Claim:
    audit_record(organisation=claim.programme.organisation, programme=claim.programme,
                 person=claim.volunteer.person, actor=actor, action="updated", subject=f"claim:{claim.pk}",
                 changes={"state": [Claim.State.SUBMITTED, state], **changes})
    return claim


def claim_approve(*, claim: Claim, actor: Any, expected_version: int | None, override: bool = False) -> Claim:
    """Approve a waiting claim. Its checks are run again now (with the budget); a claim that goes
    past any of them is approved only with ``override``."""
    with transaction.atomic():
        row = lock_for_edit(Claim.objects.filter(state=Claim.State.SUBMITTED), pk=claim.pk,
                            expected_version=expected_version,
                            message=_("This claim was decided meanwhile; nothing was changed."))
        policy = policy_for(row.programme)
        flags = claim_flags(policy=policy, volunteer=row.volunteer, kind=row.kind, amount=row.amount,
                            day=row.spent_on, has_receipt=bool(row.receipt), exclude=row.pk, budget=True,
                            kilometres=row.kilometres)
        row.flags = flags
        if flags and not override:
            raise ValidationError(_("This claim needs your explicit decision: %(why)s.") % {
                "why": ", ".join(str(Flag(f).label) for f in flags)})
        row.state = Claim.State.APPROVED
        row.overridden = bool(flags)
        row.decided_by, row.decided_at = actor, timezone.now()
        save_edit(row)
        _decide(row, actor, row.state, {"overridden": [False, row.overridden]} if flags else {})
    return row


def claim_reject(*, claim: Claim, actor: Any, expected_version: int | None, reason: str) -> Claim:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why, so the volunteer understands.")})
    with transaction.atomic():
        row = lock_for_edit(Claim.objects.filter(state=Claim.State.SUBMITTED), pk=claim.pk,
                            expected_version=expected_version,
                            message=_("This claim was decided meanwhile; nothing was changed."))
        # ReviewForm holds the reason to the stored 300 characters (a one-line reason to the volunteer,
        # a clear error beyond), so this cut only guards callers that skipped the form.
        row.state, row.reason = Claim.State.REJECTED, reason.strip()[:300]
        row.decided_by, row.decided_at = actor, timezone.now()
        save_edit(row)
        _decide(row, actor, row.state, {"reason": ["", row.reason]})
    return row


def claims_approve_bulk(*, programme: Programme, actor: Any, pks: Iterable[int]) -> tuple[int, int]:
    """Approve the chosen waiting claims that pass every check; those that need an explicit
    decision are left waiting (each is opened on its own). Returns (approved, left)."""
    approved = left = 0
    for pk in sorted(set(pks)):
        claim = programme.expense_claims.filter(pk=pk, state=Claim.State.SUBMITTED).first()
        if claim is None:
            continue
        try:
            claim_approve(claim=claim, actor=actor, expected_version=None, override=False)
            approved += 1
        except ValidationError:
            left += 1
    return approved, left


# --- Payment ------------------------------------------------------------------------------------


def payable(programme: Programme) -> Any:
    """Approved claims not yet in a batch, whose volunteer has bank details."""
    return programme.expense_claims.filter(state=Claim.State.APPROVED, batch__isnull=True,
                                           volunteer__person__bank_details__isnull=False)


def batch_create(*, programme: Programme, actor: Any, execution_date: date | None = None,
                 pks: Iterable[int] | None = None) -> PaymentBatch:
    """Put the approved claims in a new payment batch. The claims are locked and re-read under
    the lock, so two exports at the same moment never take the same claim: the second finds
    them in the first's batch (PostgreSQL re-checks the condition on the locked rows)."""
    from tandem.expenses import sepa

    with transaction.atomic():
        rows = payable(programme)
        if pks is not None:
            rows = rows.filter(pk__in=list(pks))
        ids = list(rows.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
        claims = list(Claim.objects.filter(pk__in=ids, batch__isnull=True, state=Claim.State.APPROVED)
                      .select_related("volunteer__person__bank_details").order_by("pk"))
        if not claims:
            raise ValidationError(_("There are no approved claims with bank details to pay."))
        policy = policy_for(programme)
        when = execution_date or timezone.localdate() + timedelta(days=1)
        batch = PaymentBatch.objects.create(
            programme=programme, created_by=actor, execution_date=when, count=len(claims),
            total=money.total(c.amount for c in claims), message_id=f"TANDEM-{secrets.token_hex(8).upper()}")
        updated = Claim.objects.filter(pk__in=[c.pk for c in claims], batch__isnull=True).update(batch=batch)
        if updated != len(claims):  # cannot happen under the lock; refuse rather than pay twice
            raise ValidationError(_("Some claims were taken by another payment file; try again."))
        for claim in claims:
            claim.batch = batch
        sepa.pain001(policy=policy, batch=batch, claims=claims)  # refuses a file the XSD rejects
        audit_record(organisation=programme.organisation, programme=programme, actor=actor, action="created",
                     subject=f"payment_batch:{batch.pk}",
                     changes={"count": [None, batch.count], "total": [None, str(batch.total)]})
    return batch


def batch_mark_paid(*, batch: PaymentBatch, actor: Any) -> int:
    """Mark the batch and its claims paid, once: a second click changes nothing."""
    now = timezone.now()
    with transaction.atomic():
        if PaymentBatch.objects.filter(pk=batch.pk, paid_at__isnull=True).update(paid_at=now, paid_by=actor) != 1:
            return 0
        count = Claim.objects.filter(batch=batch, state=Claim.State.APPROVED).update(
            state=Claim.State.PAID, paid_at=now)
        audit_record(organisation=batch.programme.organisation, programme=batch.programme, actor=actor,
                     action="updated", subject=f"payment_batch:{batch.pk}",
                     changes={"paid_at": [None, now.isoformat()]})
    return count


def batch_cancel(*, batch: PaymentBatch, actor: Any) -> int:
    """A file the bank refused: its claims go back to approved, ready for a new file."""
    with transaction.atomic():
        locked = PaymentBatch.objects.select_for_update().filter(pk=batch.pk, paid_at__isnull=True).first()
        if locked is None:
            raise ValidationError(_("A paid batch cannot be cancelled."))
        count = Claim.objects.filter(batch=locked, state=Claim.State.APPROVED).update(batch=None)
        audit_record(organisation=batch.programme.organisation, programme=batch.programme, actor=actor,
                     action="erased", subject=f"payment_batch:{batch.pk}", changes={"count": [batch.count, 0]})
        locked.delete()
    return count


# --- Attestations -------------------------------------------------------------------------------


def attestation_issue(*, volunteer: Volunteer, actor: Any, period_start: date, period_end: date) -> Attestation:
    from tandem.expenses.selectors import engagement

    if period_end < period_start:
        raise ValidationError({"period_end": _("The end comes after the start.")})
    facts = engagement(volunteer=volunteer, start=period_start, end=period_end)
    with transaction.atomic():
        attestation = Attestation.objects.create(
            volunteer=volunteer, period_start=period_start, period_end=period_end,
            mentoring_hours=facts.mentoring_hours, meetings=facts.meetings, training_hours=facts.training_hours,
            workshops=facts.workshops, exchange_hours=facts.exchange_hours,
            exchange_meetings=facts.exchange_meetings, issued_on=timezone.localdate())
        audit_record(organisation=volunteer.programme.organisation, programme=volunteer.programme,
                     person=volunteer.person, actor=actor, action="created", subject=f"attestation:{attestation.pk}",
                     changes={"code": [None, attestation.code]})
    return attestation
