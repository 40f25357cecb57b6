"""Demo data: matches in every state in every seed programme, consistent with the people's
states, a learning community in the group programme, and the demo log-ins see their match."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tandem.core import demo
from tandem.core.cycle import pair_weeks
from tandem.core.models import Programme, User
from tandem.intake.models import Learner
from tandem.matching import demo as matching_demo
from tandem.matching.models import (
    OPEN_STATES,
    CommunityMeeting,
    DeclinedPair,
    ExitSurvey,
    LearningCommunity,
    Match,
    MatchingRound,
)
from tandem.onboarding.models import Volunteer


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    # The tests below check every programme in turn: there must be some.
    assert Programme.objects.count() == len(demo.SPECS)


def test_every_seed_programme_has_matches_in_every_state_and_seeding_twice_adds_none(seeded: None) -> None:
    assert Programme.objects.count() == len(demo.SPECS)
    for programme in Programme.objects.all():
        matches = Match.objects.filter(programme=programme)
        states = set(matches.values_list("state", flat=True))
        assert states == set(Match.State.values), programme.slug
        # The first meeting is planned for an introduced match.
        assert not matches.filter(state="introduced", first_meeting_at__isnull=True).exists()
        # A real round, with proposals still awaiting the coordinator's review.
        matching_round = MatchingRound.objects.get(programme=programme)
        assert matching_round.status == "done" and matching_round.proposals.filter(status="proposed").exists()
        # Declined: the pair is recorded (never proposed again) with both answers.
        declined = matches.get(state="declined")
        assert DeclinedPair.objects.filter(learner=declined.learner, volunteer=declined.volunteer).exists()
        assert (declined.mentor_answer, declined.learner_answer) == ("yes", "no") and declined.learner_reason
        # Closed: several reasons, each with its exit surveys, some answered.
        closed = matches.filter(state="closed")
        reasons = set(closed.values_list("closure_reason", flat=True))
        assert {"planned_end", "learner_left_school", "mentor_moved", "relationship_did_not_work"} <= reasons
        assert ExitSurvey.objects.filter(match__in=closed).count() == 2 * closed.count()
        assert ExitSurvey.objects.filter(match__in=closed, answered_at__isnull=False).exists()
        # A pair whose relationship did not work is never proposed again, as the service records it.
        did_not_work = closed.get(closure_reason="relationship_did_not_work")
        pair = DeclinedPair.objects.get(learner=did_not_work.learner, volunteer=did_not_work.volunteer)
        assert pair.kind == "did_not_work" and pair.created == did_not_work.closed_at
        # Its note says they stopped (not that the mentor moved away, the other early ending's).
        language = next(spec.ui_language for spec in demo.SPECS if spec.slug == programme.slug)
        notes = matching_demo.TEXTS["note"].get(language) or matching_demo.TEXTS["note"]["en"]
        assert pair.note == did_not_work.closure_note == notes[1], programme.slug
        assert closed.get(closure_reason="mentor_moved").closure_note == notes[0], programme.slug
        assert not matching_round.proposals.filter(learner=did_not_work.learner,
                                                   volunteer=did_not_work.volunteer).exists()
        # Every match tells its story.
        assert not matches.filter(events__isnull=True).exists()
    assert Match.objects.filter(closure_reason="goals_reached").exists()
    # Seeding again adds nothing (only newly created programmes are seeded).
    counts = (Match.objects.count(), MatchingRound.objects.count())
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())
    assert (Match.objects.count(), MatchingRound.objects.count()) == counts


def test_match_states_and_peoples_states_agree(seeded: None) -> None:
    for programme in Programme.objects.all():
        open_matches = Match.objects.filter(programme=programme, state__in=OPEN_STATES)
        matched = set(Learner.objects.filter(programme=programme, state="matched").values_list("pk", flat=True))
        assert set(open_matches.values_list("learner_id", flat=True)) == matched, programme.slug
        assert not open_matches.exclude(volunteer__state="active").exists(), programme.slug
        for match in open_matches.select_related("volunteer"):
            assert 1 <= match.slot <= match.capacity == match.volunteer.capacity
        rematched = 0
        for match in Match.objects.filter(programme=programme, state__in=("closed", "declined")):
            learner = match.learner
            assert learner.state in ("completed", "left", "waiting") or learner.pk in matched
            if match.closure_reason in ("mentor_moved", "relationship_did_not_work") or match.state == "declined":
                rematched += 1
                assert learner.state in ("waiting", "matched")
                assert learner.transitions.filter(from_state="matched", to_state="waiting").exists()
        assert rematched, programme.slug  # the demo has learners who wait again
        # Answers only after the first meeting; the cycle runs from the day of that meeting.
        for match in Match.objects.filter(programme=programme).exclude(mentor_answer="", learner_answer=""):
            assert match.first_meeting_took_place(), match.pk
            for answered in (match.mentor_answered_at, match.learner_answered_at):
                assert answered is None or answered >= match.first_meeting_at, match.pk
        for match in Match.objects.filter(programme=programme, cycle_start__isnull=False):
            assert match.cycle_start == timezone.localdate(match.first_meeting_at), match.pk
        # …and lasts the programme's weeks from that day: the journal never reads "Week 9 of 21"
        # in a 20-week programme (one pair's end was brought forward: it ends soon).
        if programme.cycle_weeks:
            for match in Match.objects.filter(programme=programme, state="active"):
                assert pair_weeks(match.cycle_start, match.cycle_end) <= programme.cycle_weeks, match.pk
        # Active volunteers lead at least one open match, apart from the odd one out.
        idle = Volunteer.objects.filter(programme=programme, state="active").exclude(matches__state__in=OPEN_STATES)
        assert idle.count() <= 1, programme.slug
    # Somewhere a first meeting is still to come: nobody can answer that match yet.
    assert any(not m.met for m in Match.objects.filter(state="introduced"))


def test_the_group_programme_has_learning_communities_with_members_and_meetings(seeded: None) -> None:
    programme = Programme.objects.get(format="group", slug="community-builders")
    communities = LearningCommunity.objects.filter(programme=programme)
    assert communities.exists()
    assert not Match.objects.filter(programme=programme, state__in=OPEN_STATES, community__isnull=True).exists()
    mentor = Volunteer.objects.get(programme=programme, person__user__email=demo.role_email("mentor", programme.slug))
    own = communities.get(volunteer=mentor)
    assert own.matches.filter(state__in=OPEN_STATES).count() >= 3
    assert CommunityMeeting.objects.filter(community=own).count() >= 2
    client = Client()
    client.force_login(mentor.person.user)
    page = client.get(reverse("matching:community", kwargs={
        "org": programme.organisation.slug, "prog": programme.slug, "pk": own.pk})).content.decode()
    for member in own.matches.filter(state__in=OPEN_STATES).select_related("learner__person"):
        assert member.learner.person.full_name in page
    assert own.meetings.first().topic in page


def test_the_demo_log_ins_see_their_match(seeded: None) -> None:
    for programme in Programme.objects.all():
        mentor = User.objects.get(email=demo.role_email("mentor", programme.slug))
        learner = Learner.objects.get(programme=programme, person__user__email=demo.role_email("learner", programme.slug))
        match = Match.objects.get(programme=programme, volunteer__person__user=mentor, learner=learner)
        assert match.state in ("introduced", "active") and match.first_meeting_at
        url = reverse("matching:match", kwargs={"org": programme.organisation.slug, "prog": programme.slug,
                                                "pk": match.pk})
        client = Client()
        client.force_login(mentor)
        dashboard = client.get(programme.get_absolute_url()).content.decode()
        assert url in dashboard and learner.person.given_name in dashboard
        assert client.get(url).status_code == 200
        # The learner's side (the guardian for a minor) sees it on their dashboard too.
        side = "guardian" if match.learner_answered_as == "guardian" or learner.person.guardian_links.exists() \
            else "learner"
        other = Client()
        other.force_login(User.objects.get(email=demo.role_email(side, programme.slug)))
        assert url in other.get(programme.get_absolute_url()).content.decode()



def test_vera_has_a_mentors_answer_the_coordinator_recorded_by_phone(seeded: None) -> None:
    """Recorded through the service: the match's story says so (German), and the audit too."""
    from html import unescape

    from tandem.core.models import AuditEvent
    from tandem.core.testing import give_totp

    recorded = Match.objects.exclude(mentor_recorded_via="")
    assert {m.programme.slug for m in recorded} == {"vera"}  # the one programme whose spec says so
    match = recorded.get()
    assert match.state == "introduced" and match.mentor_answer == "yes" and match.mentor_recorded_via == "phone"
    assert match.learner_answer == "" and match.first_meeting_at is not None
    assert match.first_meeting_at < match.mentor_answered_at <= timezone.now()
    event = match.events.get(kind="answered")
    assert event.data["via"] == "phone" and event.data["note"] and event.actor == match.created_by
    assert AuditEvent.objects.filter(subject=f"match:{match.pk}", changes__mentor_recorded_via=[None, "phone"]).exists()
    programme = match.programme
    coordinator = User.objects.get(email=demo.role_email("coordinator", programme.slug))
    give_totp(coordinator)  # staff use a second factor
    client = Client()
    client.force_login(coordinator)
    client.post(reverse("core:set_language"), {"language": "de", "next": "/"})
    page = unescape(client.get(reverse("matching:match", kwargs={
        "org": programme.organisation.slug, "prog": programme.slug, "pk": match.pk})).content.decode())
    assert 'id="mentor-recorded"' in page and "telefonisch" in page.lower()
    assert event.data["note"] in page  # the coordinator's note, in the story
