"""One person in every registered model: the subject of the export and erasure tests.

Zyxandra Quillfeather-Öztürk is, in the matrix's organisation, a former volunteer (alumni, with
a match, a learning community, a training certificate), a former adult learner of another
programme (who once needed her guardian's consent, and declared special-category data), the
guardian of a child, a partner contact who referred a learner, and a coordinator who published a
consent text, ran a round, uploaded a file and erased someone; she has a log-in with a second
factor, log-in history, a session, e-mails queued, an invitation, and an earlier participation
that the retention rules already erased.

Every (model, link) of the registry must find at least one row for her
(``test_export.test_every_registered_model_is_seeded``). An app that registers a new model adds
its rows in ``tandem/<app>/tests/privacy_seed.py``::

    def seed(ctx):  # ctx: tandem.privacy.tests.seed.Context
        Entry.objects.create(match=ctx.mentor_match, text=ctx.mark("journal-entry"))

``ctx.mark(name)`` returns a unique text the dump test then looks for after the erasure.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from conftest import World, make_user
from tandem.core import services as core_services
from tandem.core.audit import audit_record, record_view
from tandem.core.models import (
    AuditEvent,
    CalendarFeed,
    FormSubmission,
    GuardianLink,
    ImportBatch,
    Membership,
    Person,
    Programme,
    Role,
    User,
)
from tandem.core.notify import send_notification
from tandem.core.ratelimit import mail_once_per
from tandem.core.testing import give_totp
from tandem.intake.models import (
    ConsentText,
    GuardianConsent,
    Learner,
    LearnerTransition,
    SensitiveProfile,
)
from tandem.matching import services as matching_services
from tandem.matching.models import (
    CommunityMeeting,
    DeclinedPair,
    ExitSurvey,
    LearningCommunity,
    Match,
    MatchingRound,
    Proposal,
    UnmatchedLearner,
)
from tandem.onboarding.models import (
    Registration,
    TrainingCertificate,
    Volunteer,
    VolunteerTransition,
    Workshop,
)

GIVEN = "Zyxandra"
FAMILY = "Quillfeather-Öztürk"
EMAIL = "zyxandra.quill@quillfeather.example"
SECOND_EMAIL = "zq.old-address@quillfeather.example"
PHONE = "+32 470 98 76 54"
BORN = date(1990, 7, 19)


@dataclass
class Context:
    world: World
    person: Person
    user: User
    coordinator: User
    programme: Programme  # where she volunteered (the matrix's programme)
    learner_programme: Programme  # where she was a learner
    marks: list[str] = field(default_factory=list)
    volunteer: Volunteer | None = None
    learner: Learner | None = None
    mentor_match: Match | None = None
    learner_match: Match | None = None

    def mark(self, name: str) -> str:
        """A unique text about her, written into a free-text field."""
        text = f"Zq-{name}-marker"
        self.marks.append(text)
        return text

    def other(self, given: str, family: str, **extra: Any) -> Person:
        return Person.objects.create(organisation=self.world.organisation, given_name=given,
                                     family_name=family, language="nl", **extra)

    @property
    def identifying(self) -> list[str]:
        """What must be gone from the whole database after her erasure."""
        return [GIVEN, FAMILY, f"{GIVEN} {FAMILY}", EMAIL, SECOND_EMAIL, PHONE,
                BORN.isoformat(), *self.marks]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _core(ctx: Context) -> None:
    world, person, user = ctx.world, ctx.person, ctx.user
    Membership.objects.create(person=person, organisation=world.organisation,
                              programme=world.programme, role=Role.MENTOR)
    Membership.objects.create(person=person, organisation=world.organisation,
                              programme=world.programme, role=Role.GUARDIAN)
    Membership.objects.create(person=person, organisation=world.organisation,
                              programme=world.programme, role=Role.PARTNER_CONTACT,
                              institution=world.school)
    Membership.objects.create(person=person, organisation=world.organisation,
                              programme=world.other_programme, role=Role.COORDINATOR)
    EmailAddress.objects.create(user=user, email=SECOND_EMAIL, verified=False, primary=False)
    EmailConfirmation.objects.create(
        email_address=EmailAddress.objects.get(email=SECOND_EMAIL), key="zq-confirmation-key",
        sent=timezone.now())
    give_totp(user)
    core_services.login_event_record(user=user, outcome="logged_in", method="password+totp",
                                     ip="192.0.2.44", user_agent="Firefox on Linux")
    FormSubmission.objects.create(token="zq-form-token", user=user, result_url="/")
    CalendarFeed.objects.create(user=user, token_hash="zq" + "0" * 62)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    send_notification.enqueue([EMAIL], "nl", "core/email/nothing",
                               {"recipient": GIVEN, "about": f"{GIVEN} {FAMILY}"})
    mail_once_per(purpose="consent_request", address=EMAIL)
    core_services.invitation_create(programme=world.programme, email=EMAIL, role=Role.MENTOR,
                                    actor=ctx.coordinator, language="nl", person=person)
    core_services.person_update(person=person, actor=ctx.coordinator, programme=world.programme,
                                expected_version=person.version, phone=PHONE)
    record_view(user=ctx.coordinator, programme=world.programme, person=person)
    # What she did herself, as a coordinator of the other programme.
    record_view(user=user, programme=world.other_programme, person=world.people["learner"])
    ImportBatch.objects.create(programme=world.other_programme, kind="learners",
                               filename="learners.csv", content=b"", created_by=user,
                               applied=timezone.now())
    # Someone else's audit entry that names her (scrubbed on erasure, the entry stays).
    audit_record(organisation=world.organisation, programme=world.programme,
                 actor=ctx.coordinator, person=world.people["mentor"], action="updated",
                 subject=f"person:{world.people['mentor'].pk}",
                 changes={"guardian": [None, EMAIL]}, note=f"{GIVEN} {FAMILY}")


def _onboarding(ctx: Context) -> None:
    world = ctx.world
    volunteer = Volunteer.objects.create(
        programme=world.programme, person=ctx.person, state="alumni", languages=["nl", "tr"],
        expertise=["maths"], availability=["tue-afternoon"], address=ctx.mark("address"),
        latitude=51.91, longitude=4.48, motivation=ctx.mark("motivation"), capacity=2,
        gender="female", consent_version="1", consented_at=_at(date(2024, 1, 5)),
        interview_planned_at=_at(date(2024, 1, 10)), interview_held_on=date(2024, 1, 10),
        interviewer=ctx.coordinator, interview_notes=ctx.mark("interview"),
        references_received=2, certificate_seen_on=date(2024, 1, 11),
        certificate_issued_on=date(2024, 1, 2), certificate_verified_by=ctx.coordinator,
    )
    ctx.volunteer = volunteer
    VolunteerTransition.objects.create(volunteer=volunteer, from_state="active", to_state="alumni",
                                       reason=ctx.mark("volunteer-reason"), actor=ctx.coordinator)
    audit_record(organisation=world.organisation, programme=world.programme,
                 actor=ctx.coordinator, person=ctx.person, action="updated",
                 subject=f"volunteer:{volunteer.pk}",
                 changes={"motivation": ["", volunteer.motivation],
                          "certificate_seen_on": [None, "2024-01-11"]})
    workshop = Workshop.objects.create(programme=world.programme, title="Kick-off",
                                       starts_at=_at(date(2024, 1, 20)), place="Zuidplein",
                                       capacity=10, hours=Decimal(2))
    Registration.objects.create(workshop=workshop, volunteer=volunteer, status="booked", attended=True)
    TrainingCertificate.objects.create(volunteer=volunteer, hours=Decimal(2), issued_on=date(2024, 1, 20))


def _learner_in(ctx: Context, programme: Programme, state: str) -> Learner:
    return Learner.objects.create(
        programme=programme, person=ctx.person, state=state, source="coordinator",
        institution=None, level="", employer=ctx.mark(f"employer-{programme.slug}"),
        reasons=["study_skills"], needs=[], languages=["nl"], availability=["mon-evening"],
        mentor_wishes=ctx.mark(f"wishes-{programme.slug}"), notes=ctx.mark(f"notes-{programme.slug}"),
        state_reason="Verhuisd", accepted_at=_at(date(2005, 9, 1)),
        latitude=51.9, longitude=4.5,
    )


def _intake(ctx: Context) -> None:
    world = ctx.world
    learner = _learner_in(ctx, ctx.learner_programme, "completed")
    ctx.learner = learner
    LearnerTransition.objects.create(learner=learner, from_state="matched", to_state="completed",
                                     reason=ctx.mark("learner-reason"), actor=ctx.coordinator)
    audit_record(organisation=world.organisation, programme=ctx.learner_programme,
                 actor=ctx.coordinator, person=ctx.person, action="updated",
                 subject=f"learner:{learner.pk}", changes={"mentor_wishes": ["", "x"]})
    # Once a minor: her mother consented.
    mother = ctx.other("Aylin", "Öztürk", email="aylin@oztuerk.example")
    GuardianLink.objects.create(learner=ctx.person, guardian=mother, relationship="mother")
    text = ConsentText.objects.create(programme=ctx.learner_programme, version=1, language="nl",
                                      text="Akkoord.", created_by=ctx.user)
    GuardianConsent.objects.create(learner=learner, guardian=mother, version=text.version,
                                   method="paper_form", given_at=_at(date(2005, 8, 30)))
    SensitiveProfile.objects.create(learner=learner, migration_background=True,
                                    first_generation=True, gender="female",
                                    cultural_background=ctx.mark("background"),
                                    declared_by="learner", consent=True)
    # She is a guardian herself, of a child in the volunteer programme, and consented.
    child = ctx.other("Kiki", "Brandvold", date_of_birth=date(2014, 3, 3))
    Membership.objects.create(person=child, organisation=world.organisation,
                              programme=world.programme, role=Role.LEARNER)
    GuardianLink.objects.create(learner=child, guardian=ctx.person, relationship=ctx.mark("relation"))
    child_record = Learner.objects.create(programme=world.programme, person=child, state="waiting",
                                          waiting_since=date(2026, 1, 1), source="referral",
                                          referred_by=ctx.person, institution=world.school)
    ConsentText.objects.get_or_create(programme=world.programme, version=1, language="nl",
                                      defaults={"text": "Akkoord."})
    GuardianConsent.objects.create(learner=child_record, guardian=ctx.person, version=1,
                                   method="email_link", given_at=_at(date(2026, 1, 2)))


def _matching(ctx: Context) -> None:
    world = ctx.world
    coordinator = ctx.coordinator
    assert ctx.volunteer is not None and ctx.learner is not None
    # As the mentor: a match with Lotte, closed after it was active.
    lotte = ctx.other("Lotte", "Verhoeven", date_of_birth=date(2012, 5, 5))
    lotte_record = Learner.objects.create(programme=world.programme, person=lotte, state="matched",
                                          source="coordinator")
    round_a = MatchingRound.objects.create(programme=world.programme, status="done",
                                           created_by=ctx.user)
    Proposal.objects.create(round=round_a, learner=lotte_record, volunteer=ctx.volunteer,
                            score=71.5, status="published")
    with matching_services.silenced():
        match = Match.objects.create(
            programme=world.programme, volunteer=ctx.volunteer, learner=lotte_record,
            state="active", slot=1, capacity=2, first_meeting_at=_at(date(2024, 2, 1)),
            first_meeting_place="Bibliotheek Zuid", first_meeting_held_on=date(2024, 2, 1),
            mentor_answer="yes", mentor_reason=ctx.mark("mentor-answer"),
            mentor_answered_at=_at(date(2024, 2, 2)), learner_answer="yes",
            cycle_start=date(2024, 2, 1), cycle_end=date(2024, 6, 20))
        matching_services.match_close(match=match, reason="planned_end", actor=coordinator,
                                      expected_version=match.version, note=ctx.mark("closure-a"),
                                      rematch=False)
    for survey in ExitSurvey.objects.filter(match=match):
        comment = ctx.mark("survey-mentor") if survey.side == "mentor" else (
            f"Thank you {GIVEN} {FAMILY}!")
        matching_services.survey_answer(survey=survey, rating=5, recommend=True, comment=comment)
    ctx.mentor_match = match
    other_learner = Learner.objects.create(programme=world.programme, state="waiting",
                                           person=ctx.other("Ruben", "Smits"),
                                           waiting_since=date(2026, 1, 1))
    DeclinedPair.objects.create(programme=world.programme, learner=other_learner,
                                volunteer=ctx.volunteer, kind="conflict",
                                note=ctx.mark("conflict-a"))
    community = LearningCommunity.objects.create(programme=world.programme, volunteer=ctx.volunteer,
                                                 name=ctx.mark("community"), capacity=3,
                                                 meeting_place="Zuidplein", cadence="weekly")
    CommunityMeeting.objects.create(community=community, starts_at=_at(date(2024, 3, 1)),
                                    place="Zuidplein", topic="Study skills")
    # As the learner: a match in the other programme, closed.
    mentor = Volunteer.objects.create(programme=ctx.learner_programme,
                                      person=ctx.other("Bram", "Visser"), state="alumni")
    round_b = MatchingRound.objects.create(programme=ctx.learner_programme, status="done")
    Proposal.objects.create(round=round_b, learner=ctx.learner, volunteer=mentor, score=55.0,
                            status="published")
    UnmatchedLearner.objects.create(round=round_b, learner=ctx.learner, reason="taken")
    DeclinedPair.objects.create(programme=ctx.learner_programme, learner=ctx.learner,
                                volunteer=mentor, note=ctx.mark("conflict-b"))
    with matching_services.silenced():
        match_b = Match.objects.create(
            programme=ctx.learner_programme, volunteer=mentor, learner=ctx.learner, state="active",
            slot=1, capacity=1, learner_answer="yes", learner_reason=ctx.mark("learner-answer"),
            learner_answered_at=_at(date(2005, 10, 1)), learner_answered_as="learner")
        Learner.objects.filter(pk=ctx.learner.pk).update(state="matched")
        matching_services.match_close(match=match_b, reason="goals_reached", actor=coordinator,
                                      expected_version=match_b.version,
                                      note=ctx.mark("closure-b"), rematch=False)
    survey = ExitSurvey.objects.get(match=match_b, side="learner")
    matching_services.survey_answer(survey=survey, rating=4, recommend=True,
                                    comment=ctx.mark("survey-learner"))
    ctx.learner_match = match_b


def _privacy(ctx: Context) -> None:
    from tandem.privacy import services as privacy_services

    world = ctx.world
    # An earlier participation the retention rules already erased.
    third = Programme.objects.create(organisation=world.organisation, name="Huiswerkklas",
                                     slug="huiswerk", country="NL")
    old = _learner_in(ctx, third, "declined")
    privacy_services.record_erase(record=old)
    # She, as a coordinator, erased someone else.
    gone = ctx.other("Gone", "Person")
    privacy_services.person_erase(person=gone, actor=ctx.user, reason="request")


APPS = ("core", "onboarding", "intake", "matching", "privacy")
BUILT_IN = {"core": _core, "onboarding": _onboarding, "intake": _intake, "matching": _matching,
            "privacy": _privacy}


def seed(world: World) -> Context:
    """Zyxandra in every registered model (see the module's docstring)."""
    user = make_user(EMAIL, full_name=f"{GIVEN} {FAMILY}")
    person = Person.objects.create(
        organisation=world.organisation, user=user, given_name=GIVEN, family_name=FAMILY,
        email=EMAIL, date_of_birth=BORN, language="nl", postcode="3072", city="Rotterdam")
    ctx = Context(world=world, person=person, user=user, coordinator=world.users["coordinator"],
                  programme=world.programme, learner_programme=world.other_programme)
    for app in APPS:
        BUILT_IN[app](ctx)
    tandem = Path(__file__).resolve().parents[2]
    for module_path in sorted(tandem.glob("*/tests/privacy_seed.py")):
        importlib.import_module(f"tandem.{module_path.parts[-3]}.tests.privacy_seed").seed(ctx)
    ctx.person.refresh_from_db()
    assert AuditEvent.objects.filter(person=person).exists()
    return ctx
