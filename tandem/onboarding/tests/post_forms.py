"""What each of onboarding's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import formats, timezone

from tandem.core.models import Person
from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.onboarding.models import Registration, Volunteer, Workshop
from tandem.onboarding.tests.url_matrix import _volunteer, _workshop


def _day(days_ago: int) -> str:
    return (timezone.localdate() - timedelta(days=days_ago)).isoformat()


def _shown(days_ago: int) -> str:
    return formats.date_format(timezone.localdate() - timedelta(days=days_ago), "SHORT_DATE_FORMAT")


def _interviewed_kwargs(world: Any) -> dict[str, Any]:
    volunteer = _volunteer(world)
    Volunteer.objects.filter(pk=volunteer.pk).update(
        interview_held_on=timezone.localdate() - timedelta(days=3), interview_notes="Calm, patient.")
    return {**programme_kwargs(world), "pk": volunteer.pk}


def _volunteer_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _volunteer(world).pk}


def _booked_kwargs(world: Any) -> dict[str, Any]:
    workshop = _workshop(world)
    for name in ("Anouk", "Bilal"):
        person = Person.objects.create(organisation=world.organisation, given_name=name,
                                       family_name="Trainee", email=f"{name.lower()}@zuid.example")
        volunteer = Volunteer.objects.create(programme=world.programme, person=person, state="training")
        Registration.objects.create(workshop=workshop, volunteer=volunteer, status="booked")
    return {**programme_kwargs(world), "pk": workshop.pk}


def _ticked(name: str) -> Any:
    return lambda w, kwargs: {"attended": [str(Registration.objects.get(
        workshop_id=kwargs["pk"], volunteer__person__given_name=name).pk)]}


STATE = NotAnEdit(
    "A step of the volunteer's pipeline: the volunteer's row is locked and the move checked against "
    "the state they are in, so a repeated move is refused (test_transition_table).")

FORMS: dict[str, FormKind] = {
    "onboarding:apply": NotAnEdit(
        "The public application: the same address applying twice is one volunteer (test_apply)."),
    "onboarding:declaration": NotAnEdit(
        "The volunteer's own declaration of their background: versioned, a form opened before a change "
        "is refused with both versions shown (test_declaration)."),
    "onboarding:bulk_transition": STATE,
    "onboarding:transition": STATE,
    "onboarding:import": NotAnEdit(
        "An import: the previewed file is confirmed once (its batch is claimed) and applied through "
        "the same services as the forms, every change in the history of changes."),
    "onboarding:interview_plan": Edit(
        first={"planned_at": "2030-05-06T10:00"}, second={"planned_at": "2030-05-07T14:30"},
        shown=("06/05/2030 10:00", "07/05/2030 14:30"), kwargs=_volunteer_kwargs),
    # The volunteer's interview notes: one coordinator corrects the date, the other adds notes.
    "onboarding:interview": Edit(
        first={"held_on": _day(2)}, second={"notes": "Calm, patient. Speaks Turkish and Dutch."},
        shown=(_shown(2), "Calm, patient. Speaks Turkish and Dutch."), kwargs=_interviewed_kwargs),
    "onboarding:references": Edit(first={"received": "1"}, second={"received": "2"}, shown=("1", "2"),
                                  kwargs=_volunteer_kwargs),
    "onboarding:certificate": Edit(
        first={"seen_on": _day(1), "issued_on": _day(20)}, second={"seen_on": _day(2), "issued_on": _day(20)},
        shown=(_shown(1), _shown(2)), kwargs=_volunteer_kwargs),
    "onboarding:location": Edit(first={"capacity": "3"}, second={"latitude": "51.9", "longitude": "4.48"},
                                shown=("3", "51.9"), kwargs=_volunteer_kwargs),
    "onboarding:remind": NotAnEdit("E-mails the volunteer what is missing; changes no record."),
    "onboarding:workshops": Create(
        data=lambda w: {"title": "Basics", "starts_at": "2030-12-01T18:00", "place": "Zuidplein",
                        "capacity": "10", "hours": "2"},
        count=Workshop.objects.count),
    "onboarding:workshop_register": NotAnEdit(
        "Booking: under the workshop's row lock a volunteer is booked once (test_training)."),
    "onboarding:registration_cancel": NotAnEdit("Cancelling twice cancels once."),
    # Two coordinators tick attendance on the same list, each someone else.
    "onboarding:attendance": Edit(first=_ticked("Anouk"), second=_ticked("Bilal"),
                                  shown=("Anouk", "Bilal"), kwargs=_booked_kwargs),
}
