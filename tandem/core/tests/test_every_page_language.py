"""Every page, for every role that may open it, in each of the four languages, is wholly in the
reader's language: no raw field names, no codes, no ISO dates, no text of another language.

The pages are the URL matrix's (``test_url_matrix.MATRIX``, every app's ``url_matrix.py``),
opened on the matrix's world after a story has been played through the services — a volunteer
screened, trained and made ready, a learner referred, consented and accepted, matches proposed,
declined and closed, people and the programme edited — so that histories and audit logs are full.
The story is played in another language than the one the pages are read in, so that any text
stored in the writer's language shows up as foreign. What counts as foreign is in ``wording.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse
from django.utils import timezone, translation

from conftest import World
from tandem.core import services as core_services
from tandem.core.models import AuditEvent, Invitation, Person, User
from tandem.core.tests.test_url_matrix import MATRIX
from tandem.core.tests.wording import Findings
from tandem.intake import services as intake_services
from tandem.intake.models import Learner
from tandem.matching import services as matching_services
from tandem.matching.models import LearningCommunity, Match
from tandem.onboarding import services as onboarding_services
from tandem.onboarding.models import Registration, Volunteer

# The story is written in another language than the pages are read in.
WRITTEN_IN = {"en": "de", "nl": "en", "fr": "nl", "de": "fr"}

# Real names for the personas (the matrix's world calls them "Mentor", "Learner"…, which are
# words of the interface and would hide a label left in English).
NAMES = {
    "org_admin": ("Amira", "Benali"), "coordinator": ("Bram", "Claes"),
    "mentor": ("Chloé", "Dubois"), "learner": ("Dilan", "Erdem"), "guardian": ("Elif", "Erdem"),
    "supervisor": ("Femke", "Goossens"), "partner_contact": ("Gaspard", "Hollande"),
    "observer": ("Hanna", "Iversen"),
}


LANGUAGE_CODES = frozenset({"en", "nl", "fr", "de", "tr"})


@dataclass
class Story:
    volunteer: Volunteer
    learner: Learner
    match: Match
    community: LearningCommunity


def _rename(world: World) -> None:
    for persona, (given, family) in NAMES.items():
        Person.objects.filter(pk=world.people[persona].pk).update(given_name=given, family_name=family)
        User.objects.filter(pk=world.users[persona].pk).update(full_name=f"{given} {family}")
        world.people[persona].refresh_from_db()


def _volunteer_story(world: World, actor: User, today: date) -> Volunteer:
    """Chloé, the mentor persona: applies, is screened and trained, becomes ready."""
    programme = world.programme
    volunteer, _created = onboarding_services.volunteer_apply(
        programme=programme, given_name="Chloé", family_name="Dubois", email=world.people["mentor"].email,
        language="fr", consent=True, postcode="3072", city="Rotterdam", languages=["nl", "fr"],
        availability=["tue-afternoon", "thu-evening"], motivation="Ik wil helpen.",
    )
    onboarding_services.volunteer_transition(volunteer=volunteer, to_state="screening", actor=actor)
    planned = timezone.make_aware(datetime.combine(today + timedelta(days=2), time(15, 30)))
    onboarding_services.screening_plan_interview(volunteer=volunteer, actor=actor, planned_at=planned)
    onboarding_services.screening_record_interview(volunteer=volunteer, actor=actor, held_on=today)
    onboarding_services.screening_record_references(volunteer=volunteer, actor=actor, received=1)
    onboarding_services.screening_record_certificate(
        volunteer=volunteer, actor=actor, seen_on=today, issued_on=today - timedelta(days=20))
    onboarding_services.volunteer_update(volunteer=volunteer, actor=actor, capacity=2, gender="female",
                                         availability=["tue-afternoon", "wed-morning"])
    workshop = onboarding_services.workshop_create(
        programme=programme, actor=actor, title="Kick-off Zuidplein",
        starts_at=timezone.now() - timedelta(days=1), place="Zuidplein 12", capacity=1, hours=Decimal(2))
    registration = onboarding_services.registration_book(workshop=workshop, volunteer=volunteer, actor=actor)
    onboarding_services.attendance_mark(workshop=workshop, attended={registration.pk}, actor=actor)
    onboarding_services.volunteer_transition(volunteer=volunteer, to_state="training", actor=actor,
                                             reason="Dossier compleet")
    onboarding_services.volunteer_transition(volunteer=volunteer, to_state="ready", actor=actor)
    # A second applicant is on the workshop's waiting list, then gets the place.
    other, _created = onboarding_services.volunteer_apply(
        programme=programme, given_name="Joris", family_name="Kuipers", email="joris@kuipers.example",
        language="nl", consent=True)
    later = onboarding_services.workshop_create(
        programme=programme, actor=actor, title="Kick-off Kralingen",
        starts_at=timezone.now() + timedelta(days=9), place="Kralingen", capacity=1, hours=Decimal(2))
    first = onboarding_services.registration_book(workshop=later, volunteer=other, actor=actor)
    onboarding_services.registration_book(workshop=later, volunteer=volunteer, actor=actor)
    onboarding_services.registration_cancel(registration=first, actor=actor)
    assert Registration.objects.filter(workshop=later, status="booked").count() == 1
    volunteer.refresh_from_db()
    onboarding_services.certificate_mark_expired(volunteer=volunteer, expires_on=today)
    onboarding_services.volunteer_send_missing_items(volunteer=other, actor=actor)
    return volunteer


def _learner_story(world: World, actor: User, today: date) -> Learner:
    """Dilan, the learner persona (14): referred by the school, consent on paper, accepted."""
    programme = world.programme
    intake_services.consent_text_publish(programme=programme, actor=actor,
                                         texts={"nl": "Deelname aan Mentoren op Zuid, schooljaar 2026–2027.",
                                                "fr": "Participation à Mentoren op Zuid, 2026–2027."})
    learner = intake_services.learner_create(
        programme=programme, actor=world.users["partner_contact"], person={},
        existing_person=world.people["learner"], institution=world.school,
        referrer=world.people["partner_contact"],
        profile={"languages": ["nl", "tr"], "availability": ["tue-afternoon"], "reasons": ["study_skills"]},
    )
    intake_services.learner_request_info(learner=learner, actor=actor, message="Welke klas?")
    intake_services.consent_request(learner=learner, guardian=world.people["guardian"], actor=actor)
    intake_services.consent_record_paper(learner=learner, guardian=world.people["guardian"], actor=actor)
    learner.refresh_from_db()
    learner = intake_services.learner_update(
        learner=learner, actor=actor, expected_version=learner.version, level="secondary",
        reasons=["study_skills", "exam_preparation"], availability=["tue-afternoon", "thu-evening"],
        gender_preference="female", notes="Houdt van voetbal.", latitude=51.9, longitude=4.5)
    learner = intake_services.learner_accept(learner=learner, actor=actor)
    intake_services.sensitive_profile_save(learner=learner, actor=actor, consent=True,
                                           declared_by="guardian", first_generation=True)
    return learner


def _other_learner(world: World, actor: User, given: str, born: date) -> Learner:
    learner = intake_services.learner_create(
        programme=world.programme, actor=actor, institution=world.school,
        person={"given_name": given, "family_name": "Janssens", "date_of_birth": born,
                "language": "nl", "city": "Rotterdam"},
        profile={"languages": ["nl"], "availability": ["tue-afternoon"]},
    )
    return intake_services.learner_accept(learner=learner, actor=actor)


def _match_story(world: World, actor: User, volunteer: Volunteer, learner: Learner,
                 today: date) -> Match:
    programme = world.programme
    # An adult learner whose match is declined by the learner's side, then a conflict.
    noor = _other_learner(world, actor, "Noor", date(2001, 5, 6))
    declined = matching_services.match_create(programme=programme, volunteer=volunteer, learner=noor,
                                              actor=actor)
    declined = matching_services.match_mark_held(match=declined, actor=actor,
                                                 expected_version=declined.version)
    matching_services.match_answer(match=declined, side="mentor", answer="yes", actor=actor)
    matching_services.match_answer(match=declined, side="learner", answer="no", actor=actor,
                                   reason="Te ver weg")
    # Another adult, matched and then closed early.
    sven = _other_learner(world, actor, "Sven", date(2000, 2, 3))
    closed = matching_services.match_create(programme=programme, volunteer=volunteer, learner=sven,
                                            actor=actor)
    matching_services.match_close(match=closed, reason="relationship_did_not_work", actor=actor,
                                  expected_version=closed.version, note="Geen klik")
    matching_services.conflict_record(programme=programme, learner=sven, volunteer=volunteer,
                                      note="Buren", actor=actor)
    # The personas' own match: first meeting planned, both said yes, active.
    match = matching_services.match_create(programme=programme, volunteer=volunteer, learner=learner,
                                           actor=actor)
    at = timezone.make_aware(datetime.combine(today - timedelta(days=3), time(15, 30)))
    # Made the week before its meeting (a meeting is never planned before its pair was made), and
    # still the newest of the story's pairs, the one the URL matrix's pages open.
    Match.objects.filter(pk=match.pk).update(created=at - timedelta(days=7))
    Match.objects.filter(pk__in=[declined.pk, closed.pk]).update(created=at - timedelta(days=8))
    match.refresh_from_db()
    match = matching_services.match_plan_first_meeting(match=match, at=at, place="Bibliotheek Zuid",
                                                       actor=actor, expected_version=match.version)
    matching_services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    matching_services.match_answer(match=match, side="learner", answer="yes", actor=world.users["guardian"])
    match.refresh_from_db()
    return match


def _core_story(world: World, actor: User) -> None:
    """People and the programme edited, roles and invitations given and taken back."""
    learner = world.people["learner"]
    core_services.person_update(person=learner, actor=actor, programme=world.programme,
                                expected_version=learner.version, date_of_birth=date(2012, 3, 4),
                                phone="010 123 45 67", language="nl")
    programme = world.programme
    core_services.programme_update(
        programme=programme, actor=actor, expected_version=programme.version,
        cycle_start=date(2026, 9, 1), cycle_end=date(2027, 6, 30), meeting_cadence="fortnightly",
        format="one_to_one", is_active=True, languages=["nl", "tr"],
        requirements={"references_required": 1, "interview_required": True, "mentor_capacity": 2},
    )
    world.programme.refresh_from_db()
    membership = core_services.membership_grant(person=world.people["observer"], role="supervisor",
                                                programme=programme, actor=actor,
                                                institution=world.school)
    core_services.membership_revoke(membership=membership, actor=actor)
    invitation = core_services.invitation_create(programme=programme, email="nieuw@zuid.example",
                                                 role="mentor", actor=actor, language="nl")
    core_services.invitation_revoke(invitation=invitation, actor=actor)
    Invitation.objects.filter(pk=invitation.pk).delete()


def play_story(world: World, language: str) -> Story:
    actor = world.users["coordinator"]
    today = timezone.localdate()
    _rename(world)
    with translation.override(language), matching_services.silenced():
        _core_story(world, actor)
        volunteer = _volunteer_story(world, actor, today)
        learner = _learner_story(world, actor, today)
        match = _match_story(world, actor, volunteer, learner, today)
        community = matching_services._community_for(volunteer)
        from tandem.journal.tests.story import journal_story

        journal_story(world, match)
    assert AuditEvent.objects.filter(programme=world.programme).count() > 40
    return Story(volunteer=volunteer, learner=learner, match=match, community=community)


def _kwargs(story: Story) -> dict[str, Callable[[World], dict[str, Any]]]:
    """URLs whose matrix builder makes a fresh, empty record: open the story's instead."""
    def prog(w: World) -> dict[str, Any]:
        return {"org": w.organisation.slug, "prog": w.programme.slug}

    return {
        "onboarding:volunteer": lambda w: {**prog(w), "pk": story.volunteer.pk},
        "matching:community": lambda w: {**prog(w), "pk": story.community.pk},
        "matching:match": lambda w: {**prog(w), "pk": story.match.pk},
        "matching:close": lambda w: {**prog(w), "pk": story.match.pk},
        "matching:answer_link": lambda w: {"token": story.match.mentor_token},
        "intake:consent": lambda w: {"token": story.learner.consents.get().token},
    }


def _readers(name: str) -> list[str]:
    """Every role that may open the page (public pages: everyone, signed in or not)."""
    return sorted(MATRIX[name].allowed)


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_every_page_is_wholly_in_the_readers_language(world: World, language: str) -> None:
    story = play_story(world, WRITTEN_IN[language])
    User.objects.update(language=language)
    # Codes a page must not show besides the vocabularies': the keys of the audit entries and the
    # language codes the story uses.
    extra_codes = {key for event in AuditEvent.objects.all() for key in event.changes} | LANGUAGE_CODES
    overrides = _kwargs(story)
    findings = Findings(language=language)
    clients: dict[str, Any] = {}
    pages = 0
    for name in sorted(MATRIX):
        access = MATRIX[name]
        if access.method != "GET":
            continue
        url = reverse(name, kwargs=overrides.get(name, access.kwargs)(world))
        for persona in _readers(name):
            client = clients.get(persona) or clients.setdefault(persona, world.client_for(persona))
            client.cookies["tandem_language"] = language
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            # Pages only (not exports or PDFs); 410 is the page of a link that was used already.
            if response.status_code not in (200, 410) or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            findings.check(f"{name} as {persona}", response.content.decode(), extra_codes,
                           skip=frozenset())
        # The matrix's stand-in security key has no real credential: keep it to its own pages.
        Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN).delete()
    assert pages > 60
    assert not findings.problems, f"{len(findings.problems)} problems:\n" + "\n".join(
        sorted(set(findings.problems)))
