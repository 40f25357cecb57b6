"""Demo learners for every seed programme: every intake state, minors with and without a
guardian's consent, referrals by the programme's partner contacts, a consent text in the
programme's language. The demo learner account waits on the list with the demo guardian's consent.

Deterministic (only ``ctx.rng``) and written with ``bulk_create`` so ``--scale`` stays fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from tandem.core.availability import SLOTS
from tandem.core.demo import (
    NAMES,
    DemoContext,
    bulk_create_dated,
    happening_at,
    next_working_day,
    restamp,
    working_day,
)
from tandem.core.demo_names import FEMALE, MALE, gender_of
from tandem.core.models import (
    AuditEvent,
    GuardianLink,
    Membership,
    PartnerInstitution,
    Person,
    Role,
)
from tandem.core.places import geocode
from tandem.intake.levels import WORK_BASED
from tandem.intake.models import (
    ConsentText,
    GuardianConsent,
    Learner,
    LearnerTransition,
    SensitiveProfile,
)
from tandem.intake.selectors import adult_cutoff, needs_consent
from tandem.intake.services import SOURCE_REASONS
from tandem.onboarding.models import Volunteer

State = Learner.State

CONSENT_TEXTS = {
    "nl": (
        "Ik geef toestemming dat mijn kind deelneemt aan dit mentorprogramma. Een gescreende "
        "vrijwilliger ontmoet mijn kind regelmatig. De coördinator bewaart alleen de gegevens die "
        "daarvoor nodig zijn. Ik kan mijn toestemming altijd intrekken."
    ),
    "de": (
        "Ich bin einverstanden, dass mein Kind an diesem Mentoring-Programm teilnimmt. Eine "
        "überprüfte ehrenamtliche Person trifft mein Kind regelmäßig. Die Koordination speichert "
        "nur die Daten, die dafür nötig sind. Ich kann mein Einverständnis jederzeit widerrufen."
    ),
    "fr": (
        "J’autorise mon enfant à participer à ce programme d’accompagnement. Un ou une bénévole "
        "dont l’honorabilité a été vérifiée le rencontre régulièrement. La coordination ne garde "
        "que les données nécessaires. Je peux retirer mon accord à tout moment."
    ),
    "en": (
        "I agree that my child takes part in this mentoring programme. A screened volunteer meets "
        "my child regularly. The coordinator keeps only the data this needs. I can withdraw my "
        "consent at any time."
    ),
}

# Free text coordinators typed, in the programme's language (data, not interface strings).
TEXTS: dict[str, dict[str, list[str]]] = {
    "wishes": {
        "nl": ["Iemand die geduldig is", "Iemand die het vak kent"],
        "de": ["Jemand, der geduldig ist", "Jemand, der sich im Beruf auskennt"],
        "fr": ["Quelqu'un de patient", "Quelqu'un qui connaît le métier"],
        "en": ["Someone who is patient", "Someone who knows the trade"],
    },
    "left": {
        "nl": ["Van school gegaan"], "de": ["Hat die Schule verlassen"],
        "fr": ["A quitté l'établissement"], "en": ["Left school"],
    },
    "declined": {
        "nl": ["Woont buiten het werkgebied van het programma"],
        "de": ["Wohnt außerhalb des Programmgebiets"],
        "fr": ["Habite en dehors du territoire du programme"],
        "en": ["Lives outside the programme's area"],
    },
}

# School levels of each programme's country (``tandem.intake.levels``).
LEVELS = {
    "studententutoring": ["aso", "tso", "bso", "kso"],
    "rolmodel-mentoring": ["vmbo", "havo", "vwo", "mbo"],
    "community-builders": ["hochschule"],
    "mentoren-op-zuid": ["primary", "vmbo", "havo"],
    "vera": ["berufsschule"],
    "accompagnement-vet": ["lycee_pro", "cap", "bts"],
}
# Field codes (``tandem.core.fields``) learners of each programme need help with.
NEEDS = {
    "studententutoring": ["maths", "science", "language", "foreign_languages", "study_skills"],
    "rolmodel-mentoring": ["career", "study_skills", "maths", "language"],
    "community-builders": ["study_skills", "maths", "engineering", "ict"],
    "mentoren-op-zuid": ["maths", "language", "study_skills", "career"],
    "vera": ["electrician", "mechanic", "construction", "hospitality", "commerce", "office", "maths"],
    "accompagnement-vet": ["career", "hospitality", "commerce", "construction", "mechanic", "care",
                           "study_skills"],
}
REASONS = {
    "studententutoring": ["study_skills", "language_of_instruction", "motivation"],
    "rolmodel-mentoring": ["motivation", "career_orientation", "sense_of_belonging"],
    "community-builders": ["sense_of_belonging", "study_skills", "exam_preparation"],
    "mentoren-op-zuid": ["study_skills", "career_orientation", "motivation"],
    "vera": ["exam_preparation", "workplace_conflict", "motivation"],
    "accompagnement-vet": ["career_orientation", "motivation", "workplace_conflict"],
}
# The demo learner waits; the rest cycle through every state (waiting and matched most often).
CYCLE = [State.WAITING, State.MATCHED, State.REFERRED, State.INTAKE, State.WAITING,
         State.MATCHED, State.COMPLETED, State.LEFT, State.WAITING, State.DECLINED,
         State.INTAKE, State.WAITING, State.MATCHED, State.REFERRED]
PATHS = {
    State.REFERRED: [State.REFERRED],
    State.INTAKE: [State.REFERRED, State.INTAKE],
    State.WAITING: [State.REFERRED, State.WAITING],
    State.MATCHED: [State.REFERRED, State.WAITING, State.MATCHED],
    State.COMPLETED: [State.REFERRED, State.WAITING, State.MATCHED, State.COMPLETED],
    State.LEFT: [State.REFERRED, State.WAITING, State.MATCHED, State.LEFT],
    State.DECLINED: [State.REFERRED, State.DECLINED],
}
ACCEPTED = {State.WAITING, State.MATCHED, State.COMPLETED, State.LEFT}
GIVEN = "given"


def seed_demo(ctx: DemoContext) -> None:
    programme, rng, spec = ctx.programme, ctx.rng, ctx.spec
    language = spec.ui_language if spec.ui_language in CONSENT_TEXTS else "en"
    texts = {kind: by_language.get(language) or by_language["en"] for kind, by_language in TEXTS.items()}
    with happening_at(ctx.since):  # published before anyone consented to it (last year's guardians too)
        ConsentText.objects.create(programme=programme, version=1, language=language,
                                   text=CONSENT_TEXTS[language], created_by=ctx.coordinator_user)
    contacts: dict[int, Person] = {
        m.institution_id: m.person
        for m in Membership.objects.filter(programme=programme, role=Role.PARTNER_CONTACT,
                                           institution__isnull=False).select_related("person")
        if m.institution_id is not None
    }
    # Schools, VET providers and employers refer; a university only where it is the programme.
    referring = [i for i in ctx.institutions if i.pk in contacts and i.kind != "university"] \
        or [i for i in ctx.institutions if i.pk in contacts] or ctx.institutions
    guardians: dict[int, int] = {}
    for learner_id, guardian_id in GuardianLink.objects.filter(
        learner__in=ctx.learners
    ).values_list("learner_id", "guardian_id"):
        guardians.setdefault(learner_id, guardian_id)
    cutoff = adult_cutoff(programme=programme, today=ctx.today)
    now = timezone.now()
    self_registration = bool(programme.requirement("self_registration"))
    levels, reasons = LEVELS.get(spec.slug, ["other"]), REASONS.get(spec.slug, ["motivation"])
    needs = NEEDS.get(spec.slug, ["study_skills"])

    mentor_gender = Volunteer.objects.filter(programme=programme, person__in=ctx.mentors[:1]) \
        .values_list("gender", flat=True).first() or ""
    learners: list[Learner] = []
    consent_plan: list[tuple[int, str]] = []  # (index, "given" | "pending" | "withdrawn")
    withdrawn_done = False
    for index, person in enumerate(ctx.learners):
        state = State.WAITING if index == 0 else CYCLE[(index - 1) % len(CYCLE)]
        minor = person.date_of_birth is None or person.date_of_birth > cutoff
        drawn = rng.choice(referring) if referring else None
        by_self = self_registration and index % 2 == 1
        extra = [code for code in programme.languages[1:] if rng.random() < 0.3]
        coordinates = geocode(postcode=person.postcode, city=person.city, programme=programme)
        # A level of the learner's age, at a school or training place of that level in their
        # city (the draws stay, for the stream).
        level, institution = _schooling(person, index, rng.choice(levels), drawn, levels=levels,
                                        institutions=referring, today=ctx.today)
        gender = gender_of(person.given_name, spec.country)
        learners.append(Learner(
            programme=programme, person=person, state=state,
            source=Learner.Source.SELF if by_self else Learner.Source.REFERRAL,
            institution=institution,
            referred_by=None if by_self or institution is None else contacts.get(institution.pk),
            level=level,
            employer=_local_employer(ctx, person.city, rng.choice([i.name for i in ctx.institutions
                                                                    if i.kind == "employer"] or [""]))
            if level in WORK_BASED else "",
            reasons=rng.sample(reasons, rng.randint(1, len(reasons))),
            # Chosen without the random stream, so adding needs changed nobody else's data.
            needs=list(dict.fromkeys([needs[index % len(needs)], needs[(3 * index + 1) % len(needs)]])),
            languages=programme.languages[:1] + extra,
            latitude=coordinates[0] + rng.uniform(-0.02, 0.02) if coordinates else None,
            longitude=coordinates[1] + rng.uniform(-0.02, 0.02) if coordinates else None,
            availability=sorted(rng.sample(SLOTS, rng.randint(1, 5))),
            mentor_wishes=rng.choice(["", "", *texts["wishes"]]),
            # Who asks for a mentor of a gender asks for one of their own (a girl for a woman); the
            # demo learner's wish is met by the demo mentor they will meet (matching's demo).
            gender_preference=_wish(rng.choice(["any", "any", "any", FEMALE, MALE]), gender,
                                    met_by=mentor_gender if index == 0 else None),
            accepted_at=now if state in ACCEPTED else None,
            # Put on the waiting list by the coordinator, on a working day.
            waiting_since=working_day(ctx.today - timedelta(days=rng.randint(2, 220)))
            if state == State.WAITING else None,
            state_reason={State.LEFT: texts["left"][0], State.DECLINED: texts["declined"][0]}
            .get(state, ""),
        ))
        if index == 0:
            consent_plan.append((index, GIVEN))  # the demo guardian has consented
        elif minor and person.pk in guardians:
            if state in ACCEPTED:
                consent_plan.append((index, GIVEN))
            elif state == State.INTAKE and not withdrawn_done:
                consent_plan.append((index, "withdrawn"))
                withdrawn_done = True
            elif state in (State.REFERRED, State.INTAKE):
                consent_plan.append((index, "pending"))
    # Each learner's way so far, dated: from a random stream of its own (the rest stays the same).
    story = random.Random(f"{ctx.seed}:intake-story:{spec.slug}")
    dates = [_path_dates(learner, ctx.today, story) for learner in learners]
    for learner, moments in zip(learners, dates, strict=True):
        learner.created = moments[State.REFERRED]
        if learner.accepted_at is not None:
            learner.accepted_at = moments[State.WAITING]
    bulk_create_dated(Learner, learners, "created")
    # The learner's personal record was made when they were referred (core's demo dated it when
    # the programme's records were entered).
    referred = {learner.person_id: learner.created for learner in learners}
    entries = list(AuditEvent.objects.filter(person_id__in=referred, action=AuditEvent.Action.CREATED,
                                             subject__startswith="person:"))
    for entry in entries:
        entry.at = referred[entry.person_id or 0]
    AuditEvent.objects.bulk_update(entries, ["at"], batch_size=500)
    people = [learner.person for learner in learners]
    for person in people:
        person.created = referred[person.pk]
    restamp(Person, "created", people)

    transitions = []
    for learner, moments in zip(learners, dates, strict=True):
        path = PATHS[State(learner.state)]
        previous = ""
        for step in path:
            transitions.append(LearnerTransition(
                learner=learner, from_state=previous, to_state=step,
                actor=None if step == State.REFERRED else ctx.coordinator_user,
                reason=SOURCE_REASONS[learner.source] if not previous
                else learner.state_reason if step == learner.state else "",
                at=moments[step],
            ))
            previous = step
    bulk_create_dated(LearnerTransition, transitions, "at")

    consents = []
    for index, status in consent_plan:
        learner = learners[index]
        guardian_pk = guardians.get(learner.person_id)
        if guardian_pk is None:
            continue
        paper = rng.random() < 0.3
        # Asked by the coordinator the working day after the referral; a paper form recorded on one.
        asked = _on_working_day(dates[index][State.REFERRED] + timedelta(days=1))
        consents.append(GuardianConsent(requested_at=asked,
            learner=learner, guardian_id=guardian_pk, version=1,
            method=GuardianConsent.Method.PAPER_FORM if paper and status == GIVEN
            else GuardianConsent.Method.EMAIL_LINK,
            requested_by=ctx.coordinator_user,
            given_at=(_on_working_day(asked + timedelta(days=2)) if paper and status == GIVEN
                      else asked + timedelta(days=2)) if status in (GIVEN, "withdrawn") else None,
            recorded_by=ctx.coordinator_user if paper and status == GIVEN else None,
            withdrawn_at=min(asked + timedelta(days=6), now - timedelta(hours=20)) if status == "withdrawn" else None,
        ))
    bulk_create_dated(GuardianConsent, consents, "requested_at")

    # Gender from a random stream of its own (the rest of the demo data stays the same): some
    # prefer not to say, a few answer "other", the rest the gender of their name.
    genders = random.Random(f"genders:{ctx.spec.slug}")
    SensitiveProfile.objects.bulk_create([
        SensitiveProfile(
            learner=learner, migration_background=rng.random() < 0.6,
            first_generation=rng.random() < 0.5,
            gender=_declared(genders.choices([FEMALE, MALE, "other", ""], weights=[46, 44, 2, 8])[0],
                             gender_of(learner.person.given_name, spec.country)),
            # A minor's guardian declares it with consent; an adult learner declares it themselves
            # (``index % 2`` once chose, but every profile's index is odd: all read "the guardian").
            declared_by=SensitiveProfile.DeclaredBy.GUARDIAN
            if needs_consent(learner, today=ctx.today) else SensitiveProfile.DeclaredBy.LEARNER,
            consent=True, recorded_by=ctx.coordinator_user,
        )
        for index, learner in enumerate(learners) if index % 4 == 1
    ])


def _declared(drawn: str, of_name: str) -> str:
    """A learner's declared gender: the one their name says, unless they said "other" or nothing."""
    return of_name or drawn if drawn in (FEMALE, MALE) else drawn


def _wish(drawn: str, of_name: str, *, met_by: str | None = None) -> str:
    """The mentor's gender a learner asks for: none, or their own (with ``met_by``: only if that
    is the gender of the mentor they are to meet)."""
    wish = "any" if drawn == "any" else of_name or drawn
    return "any" if met_by is not None and wish != met_by else wish


# The kinds of place a learner of each level is at: pupils at a school, apprentices at their
# vocational school or referred by the company training them, students at a university.
SCHOOL, VET, UNIVERSITY = frozenset({"secondary_school"}), frozenset({"vet_provider"}), frozenset({"university"})
PLACES: dict[str, frozenset[str]] = {
    "primary": frozenset({"primary_school"}),
    **dict.fromkeys(["vmbo", "havo", "vwo", "aso", "tso", "bso", "kso", "hauptschule", "realschule",
                     "gymnasium", "gesamtschule", "college", "lycee_general", "secondary"], SCHOOL),
    **dict.fromkeys(["mbo", "lycee_pro"], VET),
    **dict.fromkeys(["berufsschule", "cap", "bts", "apprenticeship"], VET | {"employer"}),
    **dict.fromkeys(["hbo", "wo", "hochschule", "universite", "bachelor", "master"], UNIVERSITY),
}
# The ages of learners at a level (where the programme's ages span more than one): primary school
# ends at 12, mbo starts at 16.
AGES = {"primary": (0, 11), "vmbo": (12, 17), "havo": (12, 17), "vwo": (12, 18), "mbo": (16, 99),
        "bts": (18, 99)}


def fits(level: str, kind: str) -> bool:
    """Whether a learner of ``level`` belongs at a partner of ``kind`` (for tests, too)."""
    return kind in PLACES.get(level, frozenset({kind}))


def _schooling(person: Person, index: int, drawn_level: str, drawn: PartnerInstitution | None, *,
               levels: list[str], institutions: list[PartnerInstitution],
               today: date) -> tuple[str, PartnerInstitution | None]:
    """The learner's level and school or training place, in their city: the level drawn if it
    fits their age, at the place drawn if it is of that level and local; else the programme's
    next level of their age that a local place has; else (no local place has one: Utrecht has
    only an mbo) a level a local place has; else a place of the level elsewhere."""
    age = Person.age_on(person, today)
    start = levels.index(drawn_level) if drawn_level in levels else 0
    rotated = levels[start:] + levels[:start]
    aged = [level for level in rotated
            if age is None or AGES.get(level, (0, 99))[0] <= age <= AGES.get(level, (0, 99))[1]]
    for level in aged + rotated:
        local = [i for i in institutions if i.city == person.city and fits(level, i.kind)]
        if local:
            return level, drawn if drawn in local else local[index % len(local)]
    level = (aged or [drawn_level])[0]
    anywhere = [i for i in institutions if fits(level, i.kind)] or institutions
    return level, drawn if drawn in anywhere or not anywhere else anywhere[index % len(anywhere)]


# How long ago (in days) learners in each state were referred, and how long their steps took.
REFERRED_AGO = {State.REFERRED: (1, 14), State.INTAKE: (12, 40), State.DECLINED: (20, 60),
                State.MATCHED: (140, 200), State.COMPLETED: (330, 360), State.LEFT: (330, 360)}


def _path_dates(learner: Learner, today: date, story: random.Random) -> dict[str, datetime]:
    """When the learner reached each step of their path (a matched learner's later steps are
    dated by their match, in matching's demo)."""
    tz = timezone.get_current_timezone()

    def at(day: date) -> datetime:
        return datetime.combine(day, time(story.randint(9, 16), story.choice([0, 15, 30, 45])), tz)

    # Schools refer, and the coordinator takes each step, on working days.
    if learner.state == State.WAITING and learner.waiting_since is not None:
        waiting = learner.waiting_since
        referred = working_day(waiting - timedelta(days=story.randint(5, 20)))
    else:
        low, high = REFERRED_AGO.get(State(learner.state), (20, 60))
        referred = working_day(today - timedelta(days=story.randint(low, high)))
        waiting = next_working_day(referred + timedelta(days=story.randint(7, 14)))
    moments: dict[str, datetime] = {State.REFERRED: at(referred), State.WAITING: at(waiting),
               State.INTAKE: at(next_working_day(referred + timedelta(days=story.randint(2, 7)))),
               State.DECLINED: at(next_working_day(referred + timedelta(days=story.randint(3, 10))))}
    # Matched, completed, left: placeholders in order; matching's demo dates them by the match.
    later = moments[State.WAITING] + timedelta(days=1)
    moments.update({State.MATCHED: later, State.COMPLETED: later + timedelta(days=1),
                    State.LEFT: later + timedelta(days=1)})
    return moments


def _on_working_day(moment: datetime) -> datetime:
    """``moment``, or the same hour of the Monday after it when it falls on a weekend."""
    local = timezone.localtime(moment)
    return local + timedelta(days=(next_working_day(local.date()) - local.date()).days)


# A local company where the programme's partners include none in the learner's city.
LOCAL_EMPLOYER = {"DE": "{name} Haustechnik GmbH", "FR": "Garage {name}", "NL": "{name} Installatietechniek",
                  "BE": "{name} Elektrotechniek"}


def _local_employer(ctx: DemoContext, city: str, drawn: str) -> str:
    """The apprentice's company is in their own city: the one drawn if it is, else a local one."""
    local = [i.name for i in ctx.institutions if i.kind == "employer" and i.city == city]
    if drawn in local:
        return drawn
    if local:
        return local[0]
    family = NAMES[ctx.spec.country][1]
    return LOCAL_EMPLOYER.get(ctx.spec.country, "{name}").format(name=family[sum(map(ord, city)) % len(family)])
