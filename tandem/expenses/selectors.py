"""Reads of the expenses app, always through the programme (or the reader's own volunteer record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone

from tandem.core.models import Programme
from tandem.expenses import money
from tandem.expenses.models import FLAT_KINDS, Attestation, Claim, Kind, PaymentBatch, Policy
from tandem.journal.models import Meeting
from tandem.onboarding.models import Registration, Volunteer


def my_volunteer(*, programme: Programme, user: Any) -> Volunteer | None:
    """The reader's own volunteer record in the programme (a mentor), or None."""
    return (Volunteer.objects.filter(programme=programme, person__user=user)
            .select_related("person", "programme__organisation").order_by("pk").first())


def my_claims(*, volunteer: Volunteer) -> QuerySet[Claim]:
    return volunteer.expense_claims.select_related("meeting", "batch").order_by("-spent_on", "-pk")


def review_claims(*, programme: Programme, state: str) -> QuerySet[Claim]:
    rows = programme.expense_claims.select_related("volunteer__person", "meeting", "batch")
    if state == "in_payment":
        return rows.filter(state=Claim.State.APPROVED, batch__isnull=False).order_by("-spent_on", "-pk")
    if state == "approved":
        rows = rows.filter(batch__isnull=True)
    return rows.filter(state=state).order_by("spent_on" if state == Claim.State.SUBMITTED else "-spent_on", "pk")


def state_counts(*, programme: Programme) -> dict[str, int]:
    found = programme.expense_claims.aggregate(
        submitted=Count("pk", filter=Q(state=Claim.State.SUBMITTED)),
        approved=Count("pk", filter=Q(state=Claim.State.APPROVED, batch__isnull=True)),
        in_payment=Count("pk", filter=Q(state=Claim.State.APPROVED, batch__isnull=False)),
        paid=Count("pk", filter=Q(state=Claim.State.PAID)),
        rejected=Count("pk", filter=Q(state=Claim.State.REJECTED)),
    )
    return {k: v or 0 for k, v in found.items()}


def claim_for_reader(*, programme: Programme, pk: int, volunteer: Volunteer | None,
                     coordinator: bool) -> Claim | None:
    rows = programme.expense_claims.select_related("volunteer__person", "meeting__match__learner__person", "batch")
    if not coordinator:
        if volunteer is None:
            return None
        rows = rows.filter(volunteer=volunteer)
    return rows.filter(pk=pk).first()


def batches(*, programme: Programme) -> QuerySet[PaymentBatch]:
    return programme.payment_batches.order_by("-created", "-pk")


def batch_claims(batch: PaymentBatch) -> list[Claim]:
    return list(batch.claims.select_related("volunteer__person__bank_details").order_by("pk"))


@dataclass(frozen=True)
class Proposal:
    kind: str
    day: date
    amount: Decimal
    meeting: Meeting | None = None


def allowance_proposals(*, volunteer: Volunteer, policy: Policy, limit: int = 12) -> list[Proposal]:
    """Flat-rate allowances the volunteer's logged meetings give and nobody claimed yet: one per
    held meeting (per-meeting allowance) and one per month with a held meeting (monthly)."""
    proposals: list[Proposal] = []
    held = (Meeting.objects.filter(match__volunteer=volunteer, state=Meeting.State.HELD)
            .order_by("-starts_at"))
    if policy.flat_per_meeting:
        claimed = set(volunteer.expense_claims.filter(kind=Kind.FLAT_MEETING).exclude(state=Claim.State.REJECTED)
                      .values_list("meeting_id", flat=True))
        for meeting in held.exclude(pk__in=claimed)[:limit]:
            proposals.append(Proposal(Kind.FLAT_MEETING, timezone.localdate(meeting.starts_at),
                                      money.cents(policy.flat_per_meeting), meeting))
    if policy.flat_per_month:
        months = {timezone.localdate(m).replace(day=1) for m in held.values_list("starts_at", flat=True)[:400]}
        claimed_months = set(volunteer.expense_claims.filter(kind=Kind.FLAT_MONTH)
                             .exclude(state=Claim.State.REJECTED).values_list("month", flat=True))
        this_month = timezone.localdate().replace(day=1)
        for month in sorted(months - claimed_months, reverse=True):
            if month < this_month:  # a month is claimed once it is over
                proposals.append(Proposal(Kind.FLAT_MONTH, month, money.cents(policy.flat_per_month)))
    return proposals[:limit]


@dataclass(frozen=True)
class Engagement:
    mentoring_hours: Decimal
    meetings: int
    training_hours: Decimal
    workshops: int
    exchange_hours: Decimal = Decimal("0.00")
    exchange_meetings: int = 0


def engagement_start(*, volunteer: Volunteer) -> date:
    """Where an attestation's period starts by default: the volunteer's first meeting or
    workshop, or the day they applied, whichever came first."""
    first_meeting = Meeting.objects.filter(match__volunteer=volunteer).aggregate(first=Min("starts_at"))["first"]
    first_workshop = Registration.objects.filter(volunteer=volunteer).aggregate(
        first=Min("workshop__starts_at"))["first"]
    moments = [m for m in (first_meeting, first_workshop, volunteer.created) if m is not None]
    return timezone.localdate(min(moments))


def engagement(*, volunteer: Volunteer, start: date, end: date) -> Engagement:
    """Hours of mentoring (the journal's held meetings, by their logged duration), of training
    (workshops attended) and of exchange meetings attended (support's selectors, by the meetings'
    durations) between ``start`` and ``end``, both days included."""
    from tandem.support.selectors import exchange_attendance

    held = Meeting.objects.filter(match__volunteer=volunteer, state=Meeting.State.HELD,
                                  starts_at__date__gte=start, starts_at__date__lte=end)
    found = held.aggregate(minutes=Sum("duration_minutes"), n=Count("pk"))
    training = Registration.objects.filter(
        volunteer=volunteer, attended=True, status=Registration.Status.BOOKED,
        workshop__starts_at__date__gte=start, workshop__starts_at__date__lte=end,
    ).aggregate(hours=Sum("workshop__hours"), n=Count("pk"))
    minutes = Decimal(found["minutes"] or 0)
    exchange_minutes, exchange_n = exchange_attendance(person=volunteer.person, programme=volunteer.programme,
                                                       start=start, end=end)
    return Engagement(mentoring_hours=money.cents(minutes / 60), meetings=found["n"] or 0,
                      training_hours=money.cents(training["hours"] or 0), workshops=training["n"] or 0,
                      exchange_hours=money.cents(Decimal(exchange_minutes) / 60), exchange_meetings=exchange_n)


def attestations(*, volunteer: Volunteer) -> QuerySet[Attestation]:
    return volunteer.attestations.order_by("-issued_on", "-pk")


def attestation_by_code(code: str) -> Attestation | None:
    return (Attestation.objects.filter(code=code.strip().upper())
            .select_related("volunteer__person", "volunteer__programme__organisation").first())


def yearly_allowances(*, programme: Programme, year: int) -> list[dict[str, Any]]:
    """Per volunteer and day, the flat-rate allowances approved or paid in ``year`` (the nominative
    list Belgian law asks for), with each volunteer's total for the year."""
    rows = (programme.expense_claims.filter(kind__in=FLAT_KINDS, spent_on__year=year,
                                            state__in=(Claim.State.APPROVED, Claim.State.PAID))
            .select_related("volunteer__person").order_by("volunteer__person__family_name", "volunteer_id",
                                                          "spent_on", "pk"))
    out: list[dict[str, Any]] = []
    running: dict[int, Decimal] = {}
    for claim in rows:
        running[claim.volunteer_id] = running.get(claim.volunteer_id, money.ZERO) + claim.amount
        out.append({"volunteer": claim.volunteer.person.full_name, "date": claim.spent_on, "kind": claim.kind,
                    "amount": claim.amount, "year_total": money.cents(running[claim.volunteer_id]),
                    "state": claim.state})
    return out
