"""URL x role classification of this app's URLs (merged by core's test_url_matrix)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.core.models import Person
from tandem.core.testing import (
    COORDINATORS,
    EVERYONE,
    MEMBERS,
    Access,
    Expect,
    programme_kwargs,
    redirect_to,
)
from tandem.onboarding.models import Registration, TrainingCertificate, Volunteer, Workshop


def _volunteer(world: Any) -> Volunteer:
    person = Person.objects.create(organisation=world.organisation, given_name="Vera",
                                   family_name="Vrijwilliger", email="vera@zuid.example")
    return Volunteer.objects.create(programme=world.programme, person=person)


def _volunteer_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _volunteer(world).pk}


def _workshop(world: Any) -> Workshop:
    return Workshop.objects.create(
        programme=world.programme, title="Basics", starts_at=timezone.now() + timedelta(days=3),
        place="Zuidplein", capacity=5, hours=Decimal(2),
    )


def _workshop_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _workshop(world).pk}


def _registration_kwargs(world: Any) -> dict[str, Any]:
    workshop = _workshop(world)
    registration = Registration.objects.create(
        workshop=workshop, volunteer=_volunteer(world), status="booked"
    )
    return {**programme_kwargs(world), "pk": workshop.pk, "registration": registration.pk}


def _booked_workshop_kwargs(world: Any) -> dict[str, Any]:
    """A workshop the mentor persona is booked on (its one-off .ics: theirs and coordinators')."""
    workshop = _workshop(world)
    volunteer, _created = Volunteer.objects.get_or_create(programme=world.programme,
                                                          person=world.people["mentor"])
    Registration.objects.create(workshop=workshop, volunteer=volunteer, status="booked")
    return {**programme_kwargs(world), "pk": workshop.pk}


def _certificate(world: Any) -> TrainingCertificate:
    return TrainingCertificate.objects.create(
        volunteer=_volunteer(world), hours=Decimal(2), issued_on=timezone.localdate()
    )


def _apply_kwargs(world: Any) -> dict[str, Any]:
    return programme_kwargs(world)


def _manage(kwargs: Any = programme_kwargs, method: str = "GET", expect: Expect | None = None) -> Access:
    return Access(COORDINATORS, "programme", method=method, kwargs=kwargs, expect=expect)


# Actions posted without their form's data go back to the page they were posted from.
BACK_TO_VOLUNTEER = redirect_to("onboarding:volunteer", "pk")
BACK_TO_WORKSHOP = redirect_to("onboarding:workshop", "pk")


MATRIX: dict[str, Access] = {
    "onboarding:apply": Access(EVERYONE, "public", kwargs=_apply_kwargs),
    "onboarding:apply_thanks": Access(EVERYONE, "public", kwargs=_apply_kwargs),
    "onboarding:certificate_verify": Access(EVERYONE, "public"),
    "onboarding:certificate_verify_code": Access(
        EVERYONE, "public", kwargs=lambda w: {"code": _certificate(w).code}
    ),
    "onboarding:certificate_download": Access(
        EVERYONE, "public", kwargs=lambda w: {"token": _certificate(w).download_token}
    ),
    "onboarding:board": _manage(),
    "onboarding:bulk_transition": _manage(method="POST", expect=redirect_to("onboarding:board")),
    "onboarding:import": _manage(),
    "onboarding:import_template": _manage(),
    "onboarding:export": _manage(),
    "onboarding:volunteer": _manage(_volunteer_kwargs),
    "onboarding:transition": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:interview_plan": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:interview": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:references": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:certificate": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:location": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:remind": _manage(_volunteer_kwargs, "POST", BACK_TO_VOLUNTEER),
    "onboarding:workshops": _manage(),
    "onboarding:workshop": _manage(_workshop_kwargs),
    "onboarding:workshop_register": _manage(_workshop_kwargs, "POST", BACK_TO_WORKSHOP),
    "onboarding:registration_cancel": _manage(_registration_kwargs, "POST", BACK_TO_WORKSHOP),
    "onboarding:attendance": _manage(_workshop_kwargs, "POST", BACK_TO_WORKSHOP),
    "onboarding:me": Access(MEMBERS, "programme", kwargs=programme_kwargs),
    # The volunteer's own declaration; a member without a volunteer record is sent back to the page.
    "onboarding:declaration": Access(MEMBERS, "programme", method="POST", kwargs=programme_kwargs,
                                     expect=redirect_to("onboarding:me")),
    # Coordinators and the booked mentor; a mentor not registered on it gets 404 (test_calendar).
    "onboarding:workshop_ics": Access(COORDINATORS | {"mentor"}, "programme", kwargs=_booked_workshop_kwargs),
}
