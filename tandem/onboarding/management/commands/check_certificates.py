"""Daily: warn ahead of safeguarding certificates expiring, and report expired ones.

Idempotent: each certificate (identified by its issue date) gets one reminder and one expiry
notice, however often the scheduler runs this. Expired volunteers keep their state; the matching
selector leaves them out and the board shows them in red.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tandem.onboarding import services
from tandem.onboarding.models import Volunteer, VolunteerState
from tandem.onboarding.screening import EXPIRY_WARNING_DAYS, certificate_expires_on

WATCHED = (VolunteerState.SCREENING, VolunteerState.TRAINING, VolunteerState.READY,
           VolunteerState.ACTIVE, VolunteerState.PAUSED)


class Command(BaseCommand):
    help = "Send certificate expiry reminders and report expired certificates (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None)
        parser.add_argument("--days", type=int, default=EXPIRY_WARNING_DAYS)

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        horizon = today + timedelta(days=options["days"])
        reminded = expired = 0
        volunteers = Volunteer.objects.filter(
            state__in=WATCHED, certificate_issued_on__isnull=False
        ).select_related("person", "programme__organisation")
        for volunteer in volunteers.iterator():
            programme = volunteer.programme
            if not programme.requirement("safeguarding_certificate_required"):
                continue
            assert volunteer.certificate_issued_on is not None
            expires = certificate_expires_on(
                programme=programme, issued_on=volunteer.certificate_issued_on
            )
            if expires < today:
                if volunteer.state in (VolunteerState.READY, VolunteerState.ACTIVE):
                    expired += services.certificate_mark_expired(volunteer=volunteer, expires_on=expires)
            elif expires <= horizon:
                reminded += services.certificate_send_reminder(volunteer=volunteer, expires_on=expires)
        self.stdout.write(f"certificates: {reminded} reminders sent, {expired} newly expired")
