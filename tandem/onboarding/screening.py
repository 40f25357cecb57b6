"""The screening checklist and the *ready* gate, read from the programme's requirements.

``missing_items`` is the one answer to "what is still missing?": the ready gate refuses with
it, the volunteer sees it on their page, and the board and e-mails show it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import formats
from django.utils.translation import gettext as _

from tandem.core.models import Programme
from tandem.core.requirements import safeguarding_certificate_name
from tandem.onboarding.models import Registration, Volunteer

EXPIRY_WARNING_DAYS = 30


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` (negative: back), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def certificate_expires_on(*, programme: Programme, issued_on: date) -> date:
    return add_months(issued_on, programme.requirement("certificate_valid_months"))


def certificate_cutoff(*, programme: Programme, today: date) -> date:
    """A certificate issued before this day has expired (issued + validity < today)."""
    months = programme.requirement("certificate_valid_months")
    cutoff = add_months(today, -months)
    # Keep the query and certificate_expires_on in agreement at month ends.
    while certificate_expires_on(programme=programme, issued_on=cutoff) < today:
        cutoff = date.fromordinal(cutoff.toordinal() + 1)
    return cutoff


def certificate_name(programme: Programme) -> str:
    return safeguarding_certificate_name(programme.country) or _("safeguarding certificate")


@dataclass(frozen=True)
class CertificateStatus:
    code: str  # "not_required", "missing", "valid", "expiring", "expired"
    expires_on: date | None = None

    @property
    def expired(self) -> bool:
        return self.code == "expired"


def certificate_status(volunteer: Volunteer, *, today: date) -> CertificateStatus:
    programme = volunteer.programme
    if not programme.requirement("safeguarding_certificate_required"):
        return CertificateStatus("not_required")
    if not (
        volunteer.certificate_seen_on
        and volunteer.certificate_issued_on
        and volunteer.certificate_verified_by_id
    ):
        return CertificateStatus("missing")
    expires = certificate_expires_on(programme=programme, issued_on=volunteer.certificate_issued_on)
    if expires < today:
        return CertificateStatus("expired", expires)
    if (expires - today).days <= EXPIRY_WARNING_DAYS:
        return CertificateStatus("expiring", expires)
    return CertificateStatus("valid", expires)


def training_hours(volunteer: Volunteer) -> Decimal:
    total = Registration.objects.filter(
        volunteer=volunteer, attended=True, status=Registration.Status.BOOKED
    ).aggregate(total=Sum("workshop__hours"))["total"]
    return total or Decimal(0)


def missing_items(volunteer: Volunteer, *, today: date, hours: Decimal | None = None) -> list[str]:
    """What stands between this volunteer and *ready*, in the active language."""
    programme = volunteer.programme
    missing: list[str] = []
    if programme.requirement("interview_required") and volunteer.interview_held_on is None:
        missing.append(_("The interview has not been held yet."))
    needed = programme.requirement("references_required")
    if volunteer.references_received < needed:
        missing.append(
            _("References: %(received)s of %(needed)s received.")
            % {"received": volunteer.references_received, "needed": needed}
        )
    status = certificate_status(volunteer, today=today)
    if status.code == "missing":
        missing.append(
            _("The %(certificate)s has not been seen and verified yet.")
            % {"certificate": certificate_name(programme)}
        )
    elif status.code == "expired" and status.expires_on is not None:
        missing.append(
            _("The %(certificate)s expired on %(date)s; a new one is needed.")
            % {"certificate": certificate_name(programme),
               "date": formats.date_format(status.expires_on, "DATE_FORMAT")}
        )
    required = Decimal(str(programme.requirement("training_hours_required")))
    done = training_hours(volunteer) if hours is None else hours
    if done < required:
        missing.append(
            _("Training: %(done)s of %(required)s hours attended.")
            % {"done": _hours(done), "required": _hours(required)}
        )
    return missing


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}"


def screening_complete_q(*, programme: Programme, today: date) -> Q:
    """The screening items as a filter, for the matching selector (training is checked at the
    ready gate and does not expire)."""
    condition = Q(references_received__gte=programme.requirement("references_required"))
    if programme.requirement("interview_required"):
        condition &= Q(interview_held_on__isnull=False)
    if programme.requirement("safeguarding_certificate_required"):
        condition &= Q(
            certificate_seen_on__isnull=False,
            certificate_verified_by__isnull=False,
            certificate_issued_on__gte=certificate_cutoff(programme=programme, today=today),
        )
    return condition
