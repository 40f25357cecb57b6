"""Demo volunteers for each seed programme: every pipeline state, screening records, a
workshop with registrations and attendance, certificates about to expire and one expired."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tandem.core.availability import SLOTS
from tandem.core.demo import (
    DemoContext,
    bulk_create_dated,
    demo_phone,
    next_working_day,
    restamp,
    working_day,
)
from tandem.core.demo_names import FEMALE, MALE, NameBook, ascii_slug, gender_of, generation
from tandem.core.models import Because, Person
from tandem.core.places import geocode
from tandem.onboarding.models import (
    Registration,
    TrainingCertificate,
    Volunteer,
    VolunteerDeclaration,
    VolunteerState,
    VolunteerTransition,
    Workshop,
)
from tandem.onboarding.screening import add_months

State = VolunteerState
# Field codes (``tandem.core.fields``) the mentors of each seed programme know about.
EXPERTISE = {
    "studententutoring": ["maths", "science", "language", "foreign_languages", "study_skills", "coaching"],
    "rolmodel-mentoring": ["career", "coaching", "community", "study_skills", "ict", "care", "commerce"],
    "community-builders": ["study_skills", "community", "career", "engineering", "ict", "maths"],
    "mentoren-op-zuid": ["study_skills", "maths", "language", "career", "sport", "coaching"],
    "vera": ["electrician", "mechanic", "construction", "engineering", "hospitality", "commerce", "office",
             "maths", "coaching"],
    "accompagnement-vet": ["career", "study_skills", "hospitality", "commerce", "construction", "mechanic",
                           "care", "coaching"],
}
# The workshop's title, as the coordinator typed it in the programme's language.
WORKSHOP_TITLE = {
    "nl": "Introductie voor vrijwilligers", "de": "Einführung für Ehrenamtliche",
    "fr": "Introduction pour les bénévoles", "en": "Introduction for volunteers",
}
# States of the ctx.mentors (already mentors in the programme) and of new applicants.
MENTOR_STATES = [State.ACTIVE, State.READY, State.ALUMNI, State.PAUSED]
APPLICANT_STATES = [State.APPLIED, State.SCREENING, State.TRAINING, State.REJECTED,
                    State.WITHDRAWN]


def seed_demo(ctx: DemoContext) -> None:
    programme, rng, today = ctx.programme, ctx.rng, ctx.today
    valid_months = programme.requirement("certificate_valid_months")
    organisation = programme.organisation
    given = [p.given_name for p in ctx.mentors]
    family = [p.family_name for p in ctx.mentors]
    # When each applicant applied, and their phone number: a random stream of their own (the rest
    # of the demo data stays the same).
    story = random.Random(f"{ctx.seed}:applicants:{ctx.spec.slug}")
    # Applicants are of the programme's mentors' generation (no date of birth yet: the middle of
    # its ages), with a name nobody in the programme has; the old draws stay, for the stream.
    low, high = ctx.spec.mentor_ages
    kind = generation(ctx.today - timedelta(days=365 * (low + high) // 2))
    count = 2 * len(APPLICANT_STATES) * ctx.scale
    # Each volunteer's gender and background, drawn first: a name fits the gender (the programme's
    # share of women stays), and core's mentors whose first name does not fit get one that does.
    declared = _declarations(ctx, len(ctx.mentors) + count)
    _fit_names(ctx, [gender for gender, _background in declared[:len(ctx.mentors)]])
    applicants = Person.objects.bulk_create([
        Person(organisation=organisation, given_name=first, family_name=last,
               email=f"{ascii_slug(f'{first}.{last}', country=ctx.spec.country)}.a{i}@{ctx.spec.org_slug}.example",
               language=ctx.spec.ui_language, postcode=place[1], city=place[0],
               phone=demo_phone(ctx.spec.country, place[0], story.randint(10000000, 99999999)))
        for i in range(count)
        for _drawn in [(rng.choice(given), rng.choice(family))]
        for first, last in [_names(ctx).take(kind, gender=declared[len(ctx.mentors) + i][0])]
        for place in [rng.choice(ctx.spec.places)]
    ])
    applied_on = {p.pk: datetime.combine(today - timedelta(days=story.randint(3, 40)), time(story.randint(8, 21)),
                                         timezone.get_current_timezone()) for p in applicants}

    people = [(p, State.READY if i == 0 else MENTOR_STATES[i % len(MENTOR_STATES)])
              for i, p in enumerate(ctx.mentors)]
    people += [(p, APPLICANT_STATES[i % len(APPLICANT_STATES)]) for i, p in enumerate(applicants)]
    screened = {State.TRAINING, State.READY, State.ACTIVE, State.ALUMNI, State.PAUSED}
    expertise = EXPERTISE.get(ctx.spec.slug, ["study_skills", "coaching"])
    volunteers = []
    for (person, state), (gender, _background) in zip(people, declared, strict=True):
        where = geocode(country=programme.country, postcode=person.postcode, city=person.city)
        # Issued by the authority and seen by the coordinator on working days.
        issued = working_day(today - timedelta(days=rng.randint(30, 400)))
        volunteers.append(Volunteer(
            programme=programme, person=person, state=state,
            # Everyone speaks the programme's language (its first), and one or two more.
            languages=sorted({ctx.spec.languages[0], *rng.sample(ctx.spec.languages, k=min(2, len(ctx.spec.languages)))}),
            # Two picks out of twelve, as before fields had codes: the random stream, and so all
            # other demo data, stays the same.
            expertise=list(dict.fromkeys(expertise[i % len(expertise)] for i in rng.sample(range(12), k=2))),
            availability=sorted(rng.sample(SLOTS, k=4)),
            latitude=where[0] if where else None, longitude=where[1] if where else None,
            motivation="", capacity=programme.requirement("mentor_capacity"), gender=gender,
            consent_version="2026-1",
            interview_held_on=working_day(today - timedelta(days=rng.randint(20, 90))) if state in screened else None,
            interviewer=ctx.coordinator_user if state in screened else None,
            references_received=programme.requirement("references_required") if state in screened else 0,
            certificate_seen_on=next_working_day(issued + timedelta(days=5)) if state in screened else None,
            certificate_issued_on=issued if state in screened else None,
            certificate_verified_by=ctx.coordinator_user if state in screened else None,
        ))
    # A few certificates about to expire, and one expired (an active mentor: out of matching).
    ready_ones = [v for v in volunteers if v.state in (State.READY, State.ACTIVE)][1:]
    for offset, volunteer in zip((10, 25), ready_ones[:2], strict=False):
        volunteer.certificate_issued_on = working_day(add_months(today + timedelta(days=offset), -valid_months))
        volunteer.certificate_seen_on = next_working_day(volunteer.certificate_issued_on + timedelta(days=3))
    if len(ready_ones) > 2:
        volunteer = ready_ones[2]
        volunteer.certificate_issued_on = working_day(add_months(today - timedelta(days=12), -valid_months))
        volunteer.certificate_seen_on = next_working_day(volunteer.certificate_issued_on + timedelta(days=3))
    for volunteer in volunteers:  # an applicant interviewed already applied a week or more before
        applied, interview = applied_on.get(volunteer.person_id), volunteer.interview_held_on
        if applied is not None and interview is not None and applied.date() > interview - timedelta(days=7):
            applied_on[volunteer.person_id] = applied - timedelta(days=(applied.date() - interview).days + 7)
        # An applicant the coordinator has screened or rejected is on record from a working day
        # (their one recorded step is the coordinator's; an application is any day).
        if volunteer.person_id in applied_on and volunteer.state not in (State.APPLIED, State.WITHDRAWN):
            moment = applied_on[volunteer.person_id]
            applied_on[volunteer.person_id] = moment - timedelta(days=(moment.date() - working_day(moment.date())).days)
        # Applied then (the mentors: on the record since the programme's records were entered).
        volunteer.consented_at = volunteer.created = applied_on.get(volunteer.person_id, ctx.since)
    for person in applicants:
        person.created = applied_on[person.pk]
    restamp(Person, "created", applicants)
    volunteers = bulk_create_dated(Volunteer, volunteers, "created")
    VolunteerDeclaration.objects.bulk_create([
        VolunteerDeclaration(volunteer=v, migration_background=migration, first_generation=first)
        for v, (_gender, (migration, first)) in zip(volunteers, declared, strict=True)
        if migration is not None or first is not None
    ])
    bulk_create_dated(VolunteerTransition, [
        # An applicant applied, or withdrew, themselves (on any day); the coordinator put the
        # others on record.
        VolunteerTransition(volunteer=v, from_state="", to_state=v.state,
                            actor=None if v.state in (State.APPLIED, State.WITHDRAWN) else ctx.coordinator_user,
                            reason=Because.DEMO_DATA, at=v.created)
        for v in volunteers
    ], "at")
    _training(ctx, volunteers)


# Shares of mentors with a migration background / first-generation students / women, per
# programme (roughly what such programmes report; the senior experts are older, fewer migrants).
BACKGROUND = {"mentoren-op-zuid": (0.40, 0.45, 0.65), "rolmodel-mentoring": (0.70, 0.60, 0.55),
              "vera": (0.12, 0.20, 0.35), "accompagnement-vet": (0.30, 0.40, 0.70),
              "studententutoring": (0.20, 0.35, 0.65), "community-builders": (0.30, 0.45, 0.60)}


def _declarations(ctx: DemoContext, count: int) -> list[tuple[str, tuple[bool | None, bool | None]]]:
    """Each of ``count`` volunteers' gender and self-declared background: about one in ten
    declares nothing, some answer "prefer not to say" to one question. A random stream of its own,
    so the rest of the demo data stays the same."""
    rng = random.Random(f"declarations:{ctx.spec.slug}")
    migration, first, women = BACKGROUND.get(ctx.spec.slug, (0.3, 0.4, 0.6))
    out: list[tuple[str, tuple[bool | None, bool | None]]] = []
    for _volunteer in range(count):
        roll = rng.random()
        gender = ("" if roll < 0.06 else "other" if roll < 0.08
                  else FEMALE if rng.random() < women else MALE)
        if rng.random() < 0.1:
            out.append((gender, (None, None)))
            continue
        out.append((gender, (None if rng.random() < 0.08 else rng.random() < migration,
                             None if rng.random() < 0.08 else rng.random() < first)))
    return out


def _names(ctx: DemoContext) -> NameBook:
    """The programme's book of names given so far (core's, which gave the mentors theirs)."""
    if ctx.names is None:
        ctx.names = NameBook(ctx.spec.country, ctx.spec.slug, random.Random(f"{ctx.seed}:names:{ctx.spec.slug}"))
    return ctx.names


def _fit_names(ctx: DemoContext, genders: list[str]) -> None:
    """Give each of core's mentors whose first name is not of their gender (a woman's name for a
    man, or the other way round) a first name of their gender, their generation and their family's
    background, keeping the family name; the e-mail address and the log-in's name follow. Those
    who said "other" or nothing keep theirs."""
    renamed: list[Person] = []
    for person, gender in zip(ctx.mentors, genders, strict=True):
        if gender not in (FEMALE, MALE) or gender_of(person.given_name, ctx.spec.country) in ("", gender):
            continue
        old = ascii_slug(f"{person.given_name}.{person.family_name}", country=ctx.spec.country)
        person.given_name, person.family_name = _names(ctx).take(
            generation(person.date_of_birth), family=person.family_name, gender=gender)
        if person.email.startswith(f"{old}."):
            new = ascii_slug(f"{person.given_name}.{person.family_name}", country=ctx.spec.country)
            person.email = new + person.email[len(old):]
        renamed.append(person)
        if person.user is not None:
            person.user.full_name = f"{person.given_name} {person.family_name}"
            person.user.save(update_fields=["full_name"])
    Person.objects.bulk_update(renamed, ["given_name", "family_name", "email"])


def _training(ctx: DemoContext, volunteers: list[Volunteer]) -> None:
    programme, today = ctx.programme, ctx.today
    hours = Decimal(str(programme.requirement("training_hours_required")))
    tz = timezone.get_current_timezone()
    title = WORKSHOP_TITLE.get(ctx.spec.ui_language, WORKSHOP_TITLE["en"])
    upcoming = Workshop.objects.create(
        programme=programme, title=title, place=ctx.spec.places[-1][0],
        starts_at=datetime.combine(working_day(today + timedelta(days=14)), time(18, 30), tz),
        capacity=3, trainer="Dana Peeters", hours=hours,
    )
    trained = [v for v in volunteers
               if v.state in (State.READY, State.ACTIVE, State.ALUMNI, State.PAUSED)]
    # Everyone past training attended one of the past workshops (30 places each), so ready and
    # active volunteers meet the ready gate at every --scale.
    for start in range(0, max(len(trained), 1), 30):
        past = Workshop.objects.create(
            programme=programme, title=title, place=ctx.spec.places[0][0],
            starts_at=datetime.combine(working_day(today - timedelta(days=45 + start // 30 * 7)), time(18, 30), tz),
            capacity=30, trainer="Dana Peeters", hours=hours,
        )
        group = trained[start:start + past.capacity]
        Registration.objects.bulk_create(
            [Registration(workshop=past, volunteer=v, status="booked", attended=True) for v in group]
        )
        TrainingCertificate.objects.bulk_create([
            TrainingCertificate(volunteer=v, hours=hours, issued_on=past.starts_at.date())
            for v in group
        ])
    learning = [v for v in volunteers if v.state in (State.SCREENING, State.TRAINING)]
    Registration.objects.bulk_create([
        Registration(workshop=upcoming, volunteer=v,
                     status="booked" if i < upcoming.capacity else "waiting")
        for i, v in enumerate(learning[: upcoming.capacity + 2])
    ])
