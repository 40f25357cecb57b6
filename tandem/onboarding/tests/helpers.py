from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.core.models import Person
from tandem.onboarding.models import Registration, Volunteer, Workshop


def volunteer(world: Any, *, email: str = "sam@example.org", language: str = "nl",
              state: str = "applied", **extra: Any) -> Volunteer:
    person = Person.objects.create(organisation=world.organisation, given_name="Sam",
                                   family_name="Jansen", email=email, language=language,
                                   city="Rotterdam")
    return Volunteer.objects.create(programme=world.programme, person=person, state=state, **extra)


def screened(v: Volunteer, world: Any, *, issued_on: date | None = None) -> Volunteer:
    today = timezone.localdate()
    v.interview_held_on = today - timedelta(days=5)
    v.references_received = 1
    v.certificate_seen_on = today - timedelta(days=2)
    v.certificate_issued_on = issued_on or today - timedelta(days=10)
    v.certificate_verified_by = world.users["coordinator"]
    v.save()
    return v


def trained(v: Volunteer, hours: int = 2) -> Registration:
    workshop = Workshop.objects.create(
        programme=v.programme, title="Basics", starts_at=timezone.now() - timedelta(days=1),
        place="Zuidplein", capacity=10, hours=Decimal(hours),
    )
    return Registration.objects.create(workshop=workshop, volunteer=v, status="booked", attended=True)
