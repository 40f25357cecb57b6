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
from tandem.core.demo import NAMES, DemoContext, bulk_create_dated, restamp
from tandem.core.models import AuditEvent, GuardianLink, Membership, Person, Role
from tandem.core.places import geocode
from tandem.intake.levels import WORK_BASED
from tandem.intake.models import (
    ConsentText,
    GuardianConsent,
    Learner,
    LearnerTransition,
    SensitiveProfile,
)
from tandem.intake.selectors import adult_cutoff
from tandem.intake.services import SOURCE_REASONS

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
        "J'autorise mon enfant à participer à ce programme d'accompagnement. Un ou une bénévole "
        "dont l'honorabilité a été vérifiée le rencontre régulièrement. La coordination ne garde "
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

    learners: list[Learner] = []
    consent_plan: list[tuple[int, str]] = []  # (index, "given" | "pending" | "withdrawn")
    withdrawn_done = False
    for index, person in enumerate(ctx.learners):
        state = State.WAITING if index == 0 else CYCLE[(index - 1) % len(CYCLE)]
        minor = person.date_of_birth is None or person.date_of_birth > cutoff
        institution = rng.choice(referring) if referring else None
        # The school or training place is in the learner's city (the draw stays, for the stream).
        local = [i for i in referring if i.city == person.city]
        if local and (institution is None or institution.city != person.city):
            institution = local[index % len(local)]
        by_self = self_registration and index % 2 == 1
        extra = [code for code in programme.languages[1:] if rng.random() < 0.3]
        coordinates = geocode(postcode=person.postcode, city=person.city, programme=programme)
        level = rng.choice(levels)
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
            gender_preference=rng.choice(["any", "any", "any", "female", "male"]),
            accepted_at=now if state in ACCEPTED else None,
            waiting_since=ctx.today - timedelta(days=rng.randint(2, 220))
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
        asked = dates[index][State.REFERRED] + timedelta(days=1)
        consents.append(GuardianConsent(requested_at=asked,
            learner=learner, guardian_id=guardian_pk, version=1,
            method=GuardianConsent.Method.PAPER_FORM if paper and status == GIVEN
            else GuardianConsent.Method.EMAIL_LINK,
            requested_by=ctx.coordinator_user,
            given_at=asked + timedelta(days=2) if status in (GIVEN, "withdrawn") else None,
            recorded_by=ctx.coordinator_user if paper and status == GIVEN else None,
            withdrawn_at=min(asked + timedelta(days=6), now - timedelta(hours=20)) if status == "withdrawn" else None,
        ))
    bulk_create_dated(GuardianConsent, consents, "requested_at")

    # Gender from a random stream of its own (the rest of the demo data stays the same); some
    # prefer not to say.
    genders = random.Random(f"genders:{ctx.spec.slug}")
    SensitiveProfile.objects.bulk_create([
        SensitiveProfile(
            learner=learner, migration_background=rng.random() < 0.6,
            first_generation=rng.random() < 0.5,
            gender=genders.choices(["female", "male", "other", ""], weights=[46, 44, 2, 8])[0],
            declared_by=SensitiveProfile.DeclaredBy.GUARDIAN if index % 2
            else SensitiveProfile.DeclaredBy.LEARNER,
            consent=True, recorded_by=ctx.coordinator_user,
        )
        for index, learner in enumerate(learners) if index % 4 == 1
    ])


# How long ago (in days) learners in each state were referred, and how long their steps took.
REFERRED_AGO = {State.REFERRED: (1, 14), State.INTAKE: (12, 40), State.DECLINED: (20, 60),
                State.MATCHED: (140, 200), State.COMPLETED: (330, 360), State.LEFT: (330, 360)}


def _path_dates(learner: Learner, today: date, story: random.Random) -> dict[str, datetime]:
    """When the learner reached each step of their path (a matched learner's later steps are
    dated by their match, in matching's demo)."""
    tz = timezone.get_current_timezone()

    def at(day: date) -> datetime:
        return datetime.combine(day, time(story.randint(9, 16), story.choice([0, 15, 30, 45])), tz)

    if learner.state == State.WAITING and learner.waiting_since is not None:
        waiting = learner.waiting_since
        referred = waiting - timedelta(days=story.randint(5, 20))
    else:
        low, high = REFERRED_AGO.get(State(learner.state), (20, 60))
        referred = today - timedelta(days=story.randint(low, high))
        waiting = referred + timedelta(days=story.randint(7, 14))
    moments: dict[str, datetime] = {State.REFERRED: at(referred), State.WAITING: at(waiting),
               State.INTAKE: at(min(referred + timedelta(days=story.randint(2, 7)), today - timedelta(days=1))),
               State.DECLINED: at(min(referred + timedelta(days=story.randint(3, 10)), today - timedelta(days=1)))}
    # Matched, completed, left: placeholders in order; matching's demo dates them by the match.
    later = moments[State.WAITING] + timedelta(days=1)
    moments.update({State.MATCHED: later, State.COMPLETED: later + timedelta(days=1),
                    State.LEFT: later + timedelta(days=1)})
    return moments


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
