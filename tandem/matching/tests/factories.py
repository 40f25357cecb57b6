"""Small matching worlds on top of conftest's ``world``: ready mentors and waiting learners
placed around Rotterdam, with the screening requirements relaxed so the pools are simple."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import GuardianLink, Person
from tandem.intake.models import ConsentText, GuardianConsent, Learner
from tandem.onboarding.models import Volunteer

ROTTERDAM = (51.9225, 4.4792)
SLOTS = ["mon-afternoon", "wed-afternoon", "thu-afternoon"]


def relax(world: World) -> None:
    programme = world.programme
    programme.requirements = {"safeguarding_certificate_required": False, "interview_required": False,
                              "references_required": 0, "training_hours_required": 0}
    programme.save()


def mentor(world: World, name: str, *, km_east: float = 0.0, person: Person | None = None,
           languages: tuple[str, ...] = ("nl",), expertise: tuple[str, ...] = ("study_skills",),
           availability: list[str] | None = None, capacity: int = 1, **extra: Any) -> Volunteer:
    person = person or Person.objects.create(
        organisation=world.organisation, given_name=name, family_name="Mentor",
        email=f"{name.lower()}@mentor.example", language="nl", city="Rotterdam")
    # Another app's matrix builder may already have made this person a volunteer: reuse the row.
    Volunteer.objects.filter(programme=world.programme, person=person).delete()
    return Volunteer.objects.create(
        programme=world.programme, person=person, state="ready", languages=list(languages),
        expertise=list(expertise), availability=availability or SLOTS, capacity=capacity,
        latitude=ROTTERDAM[0], longitude=ROTTERDAM[1] + km_east / 68.8, **extra)


def pupil(world: World, name: str, *, km_east: float = 0.0, person: Person | None = None,
          languages: tuple[str, ...] = ("nl",), reasons: tuple[str, ...] = ("study_skills",),
          minor: bool = False, waited_days: int = 30, **extra: Any) -> Learner:
    today = timezone.localdate()
    if person is None:
        born = date(today.year - (12 if minor else 20), 1, 1)
        person = Person.objects.create(
            organisation=world.organisation, given_name=name, family_name="Pupil", date_of_birth=born,
            email=f"{name.lower()}@pupil.example", language="nl", city="Rotterdam")
    # Another app's matrix builder may already have made this person a learner: update that row.
    learner, _created = Learner.objects.update_or_create(
        programme=world.programme, person=person, defaults=dict(
            state="waiting", institution=world.school, languages=list(languages), reasons=list(reasons),
            availability=SLOTS, latitude=ROTTERDAM[0], longitude=ROTTERDAM[1] + km_east / 68.8,
            waiting_since=today - timedelta(days=waited_days), accepted_at=timezone.now(), **extra))
    return learner


def consent(world: World, learner: Learner, guardian: Person) -> None:
    """A minor with a guardian's valid consent (so they are matchable)."""
    ConsentText.objects.get_or_create(programme=world.programme, version=1, language="nl",
                                      defaults={"text": "Akkoord."})
    GuardianLink.objects.get_or_create(learner=learner.person, guardian=guardian)
    GuardianConsent.objects.update_or_create(learner=learner, guardian=guardian, version=1, defaults={
        "method": "paper", "given_at": timezone.now(), "withdrawn_at": None})


def persona_pair(world: World) -> tuple[Volunteer, Learner]:
    """The world's mentor persona as a ready volunteer and its learner persona (a minor of
    unknown age, whose guardian persona consented) waiting."""
    relax(world)
    volunteer = mentor(world, "Mentor", person=world.people["mentor"])
    learner = pupil(world, "Learner", person=world.people["learner"])
    consent(world, learner, world.people["guardian"])
    return volunteer, learner


def held(world: World, match: Any) -> Any:
    """The coordinator marks the match's first meeting as held today: both sides may answer."""
    from tandem.matching import services

    match.refresh_from_db()
    return services.match_mark_held(match=match, actor=world.users["coordinator"], expected_version=match.version)


MATCH_STATES = ["proposed", "introduced", "active", "declined", "closed"]


def programme_url(world: World, name: str, **extra: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **extra})


def numbered_match(world: World, i: int, *, state: str = "", volunteer: Any = None, slot: int = 1,
                   digits: int = 0, **extra: Any) -> Any:
    """Match number ``i`` for list tests: its state cycles through ``MATCH_STATES``, the mentor
    and pupil are new people named "Mentor{i}"/"Pupil{i}" (``digits`` pads the number)."""
    from tandem.matching.models import Match

    state = state or MATCH_STATES[i % len(MATCH_STATES)]
    volunteer = volunteer or mentor(world, f"Mentor{i:0{digits}d}", km_east=i % 5)
    learner = pupil(world, f"Pupil{i:0{digits}d}", km_east=i % 4)
    closed = {"closed_at": timezone.now(), "closure_reason": "planned_end"} if state == "closed" else {}
    return Match.objects.create(programme=world.programme, volunteer=volunteer, learner=learner,
                                slot=slot, capacity=max(slot, volunteer.capacity), state=state,
                                first_meeting_at=timezone.now() + timedelta(days=i) if i % 2 else None,
                                **closed, **extra)
