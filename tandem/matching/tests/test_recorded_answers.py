"""A coordinator records an answer given by phone or in person (docs/matches.md, "Who answers for
the learner"): the same service and rules as the person's own answer, audited, in the story."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import AuditEvent
from tandem.intake.models import GuardianConsent
from tandem.matching import services
from tandem.matching.models import DeclinedPair, Match, MatchEvent
from tandem.matching.tests.factories import mentor, persona_pair, pupil

pytestmark = pytest.mark.django_db


def _match(world: World, *, held: bool = True, adult: bool = False) -> Match:
    """The personas' pair (a minor whose guardian consented), published; ``held``: its first
    meeting took place today. ``adult``: the learner was born 20 years ago and answers themselves."""
    volunteer, learner = persona_pair(world)
    if adult:
        person = learner.person
        person.date_of_birth = date(timezone.localdate().year - 20, 1, 1)
        person.save()
    coordinator = world.users["coordinator"]
    with services.silenced():
        match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                      actor=coordinator)
        match = services.match_plan_first_meeting(match=match, at=timezone.now() + timedelta(days=7),
                                                  place="Bibliotheek Zuid", actor=coordinator,
                                                  expected_version=match.version)
    if held:
        match = services.match_mark_held(match=match, actor=coordinator, expected_version=match.version)
    return match


def _url(match: Match, name: str, **extra: Any) -> str:
    return reverse(name, kwargs={"org": "zuid", "prog": "moz", "pk": match.pk, **extra})


def _record(world: World, match: Match, side: str, *, follow: bool = False, **data: str) -> Any:
    client = world.client_for("coordinator")
    url = _url(match, "matching:record_answer", side=side)
    page = client.get(url)
    assert page.status_code == 200
    once = page.context["form"]["once"].value()
    return client.post(url, {"once": once, **data}, follow=follow)


# --- the service --------------------------------------------------------------------------------

def test_the_mentors_answer_given_by_phone_is_recorded_audited_and_in_the_story(world: World) -> None:
    match = _match(world)
    coordinator = world.users["coordinator"]
    match = services.match_answer(match=match, side="mentor", answer="yes", actor=coordinator,
                                  recorded_via="phone", note="Called him on Tuesday evening")
    assert (match.mentor_answer, match.mentor_recorded_via, match.mentor_answered_by) == ("yes", "phone", coordinator)
    assert match.state == "introduced" and match.learner_answer == ""
    event = match.events.get(kind=MatchEvent.Kind.ANSWERED)
    assert event.actor == coordinator
    assert event.data | {} == {"side": "mentor", "answer": "yes", "reason": "", "answered_as": "mentor",
                               "via": "phone", "note": "Called him on Tuesday evening"}
    audit = AuditEvent.objects.get(subject=f"match:{match.pk}", changes__has_key="mentor_recorded_via")
    assert audit.actor == coordinator and audit.changes["mentor_answer"] == [None, "yes"]
    assert audit.note == "Called him on Tuesday evening"


def test_a_minors_side_is_the_guardians_answer_and_a_no_declines_with_its_reason(world: World) -> None:
    match = _match(world)
    match = services.match_answer(match=match, side="learner", answer="no", reason="Too far from home",
                                  actor=world.users["coordinator"], recorded_via="in_person")
    assert (match.state, match.learner_answered_as, match.learner_recorded_via) == ("declined", "guardian",
                                                                                   "in_person")
    assert DeclinedPair.objects.get(learner=match.learner, volunteer=match.volunteer).note == "Too far from home"
    match.learner.refresh_from_db()
    assert match.learner.state == "waiting"


def test_an_adult_learner_answers_for_themselves_and_two_recorded_yeses_start_the_cycle(world: World) -> None:
    match = _match(world, adult=True)
    coordinator = world.users["coordinator"]
    services.match_answer(match=match, side="learner", answer="yes", actor=coordinator, recorded_via="other")
    match = services.match_answer(match=match, side="mentor", answer="yes", actor=coordinator, recorded_via="phone")
    assert (match.state, match.learner_answered_as, match.cycle_start) == ("active", "learner",
                                                                          timezone.localdate())


def test_a_minors_answer_is_not_recorded_while_the_guardians_consent_is_missing(world: World) -> None:
    match = _match(world)
    GuardianConsent.objects.filter(learner=match.learner).update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError, match="a guardian must consent to the current consent text"):
        services.match_answer(match=match, side="learner", answer="yes", actor=world.users["coordinator"],
                              recorded_via="phone")
    match.refresh_from_db()
    assert match.learner_answer == "" and not match.events.filter(kind=MatchEvent.Kind.ANSWERED).exists()
    # The mentor's side is theirs alone: it can still be recorded.
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["coordinator"],
                          recorded_via="phone")


def test_nothing_is_recorded_before_the_first_meeting_took_place(world: World) -> None:
    match = _match(world, held=False)
    with pytest.raises(ValidationError, match="You can answer after the first meeting, planned for"):
        services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["coordinator"],
                              recorded_via="phone")
    # The match page offers no button, and the form's address sends back with the reason.
    page = world.client_for("coordinator").get(_url(match, "matching:match")).content.decode()
    assert 'id="record-mentor"' not in page and 'id="record-learner"' not in page
    response = world.client_for("coordinator").get(_url(match, "matching:record_answer", side="mentor"), follow=True)
    assert response.redirect_chain[-1][0] == _url(match, "matching:match")
    assert "You can answer after the first meeting, planned for" in response.content.decode()


def test_an_answer_is_recorded_once_and_the_persons_own_answer_first_wins(world: World) -> None:
    match = _match(world)
    services.match_answer(match=match, side="mentor", answer="no", actor=world.users["mentor"])
    with pytest.raises(ValidationError, match=r"The mentor has already answered \(no\). Nothing was recorded."):
        services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["coordinator"],
                              recorded_via="phone")
    match.refresh_from_db()
    assert (match.mentor_answer, match.mentor_recorded_via) == ("no", "")
    assert match.events.filter(kind=MatchEvent.Kind.ANSWERED).count() == 1
    with pytest.raises(ValidationError, match="Say how the answer was given"):
        services.match_answer(match=match, side="learner", answer="yes", actor=world.users["coordinator"],
                              recorded_via="fax")


# --- the pages ----------------------------------------------------------------------------------

def test_the_coordinator_records_the_mentors_answer_from_the_match_page(world: World) -> None:
    match = _match(world)
    page = world.client_for("coordinator").get(_url(match, "matching:match")).content.decode()
    assert 'id="record-mentor"' in page and "Record the guardian&#x27;s answer" in page
    response = _record(world, match, "mentor", follow=True, answer="yes", via="phone", note="Rang on Tuesday")
    assert response.redirect_chain == [(_url(match, "matching:match"), 302)]
    page = response.content.decode()
    assert "The mentor&#x27;s answer was recorded." in page
    assert "Answer of the mentor recorded by Coordinator (by phone): yes" in page
    assert "Rang on Tuesday" in page and 'id="record-mentor"' not in page and 'id="record-learner"' in page
    assert "recorded by Coordinator (by phone)" in page
    # The mentor reads that the coordinator recorded it, without the note, and cannot answer again.
    own = world.client_for("mentor").get(_url(match, "matching:match")).content.decode()
    assert "Answer of the mentor recorded by the coordinator (by phone): yes" in own
    assert "Rang on Tuesday" not in own and "Give your answer" not in own
    answer_page = world.client_for("mentor").get(_url(match, "matching:answer")).content.decode()
    assert "The coordinator recorded this answer for you (by phone)" in answer_page
    assert 'id="send-answer"' not in answer_page
    link = world.client_for("anonymous").get(reverse("matching:answer_link", kwargs={"token": match.mentor_token}))
    assert "The coordinator recorded this answer for you (by phone)" in link.content.decode()
    assert 'id="send-answer"' not in link.content.decode()


def test_the_guardians_answer_recorded_in_person_reads_as_the_guardians(world: World) -> None:
    match = _match(world)
    response = _record(world, match, "learner", answer="yes", via="in_person")
    assert response.status_code == 302
    page = world.client_for("guardian").get(_url(match, "matching:match")).content.decode()
    assert "Answer of the guardian recorded by the coordinator (in person): yes" in page
    answer_page = world.client_for("guardian").get(_url(match, "matching:answer")).content.decode()
    assert "The coordinator recorded this answer for you (in person)" in answer_page


def test_a_form_without_how_it_was_given_keeps_what_was_typed(world: World) -> None:
    match = _match(world)
    response = _record(world, match, "mentor", answer="no", reason="Het klikte niet")
    assert response.status_code == 200 and "Het klikte niet" in response.content.decode()
    assert response.context["form"].errors["via"]
    match.refresh_from_db()
    assert match.mentor_answer == ""


def test_a_record_opened_before_the_person_answered_gets_a_clear_message(world: World) -> None:
    match = _match(world)
    client = world.client_for("coordinator")
    url = _url(match, "matching:record_answer", side="mentor")
    once = client.get(url).context["form"]["once"].value()
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    response = client.post(url, {"once": once, "answer": "no", "via": "phone"}, follow=True)
    assert response.redirect_chain[-1][0] == _url(match, "matching:match")
    assert "The mentor has already answered (yes). Nothing was recorded." in response.content.decode()
    match.refresh_from_db()
    assert (match.mentor_answer, match.mentor_recorded_via, match.state) == ("yes", "", "introduced")


def test_a_double_click_records_one_answer(world: World) -> None:
    match = _match(world)
    client = world.client_for("coordinator")
    url = _url(match, "matching:record_answer", side="mentor")
    post = {"once": client.get(url).context["form"]["once"].value(), "answer": "yes", "via": "phone"}
    first = client.post(url, post)
    second = client.post(url, post, follow=True)
    assert first.status_code == 302 and "saved once" in second.content.decode()
    assert match.events.filter(kind=MatchEvent.Kind.ANSWERED).count() == 1


@pytest.mark.parametrize("persona,status", [
    ("mentor", 403), ("learner", 403), ("guardian", 403), ("supervisor", 403), ("observer", 403),
    ("partner_contact", 403), ("outsider", 404)])
def test_only_coordinators_record_answers(world: World, persona: str, status: int) -> None:
    match = _match(world)
    url = _url(match, "matching:record_answer", side="mentor")
    assert world.client_for(persona).post(url, {"answer": "yes", "via": "phone"}).status_code == status
    match.refresh_from_db()
    assert match.mentor_answer == ""


def test_an_unknown_side_or_another_programmes_match_is_not_found(world: World) -> None:
    match = _match(world)
    client = world.client_for("coordinator")
    assert client.get(_url(match, "matching:record_answer", side="supervisor")).status_code == 404
    other = Match.objects.create(programme=world.other_programme, volunteer=mentor(world, "Els"),
                                 learner=pupil(world, "Jo"), slot=1, capacity=1)
    assert client.get(_url(other, "matching:record_answer", side="mentor")).status_code == 404


def test_the_story_reads_in_german(world: World) -> None:
    match = _match(world)
    services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["coordinator"],
                          recorded_via="phone")
    page = world.client_for("coordinator").get(_url(match, "matching:match"),
                                               headers={"accept-language": "de"}).content.decode()
    assert "Antwort der Mentor:in, erfasst von Coordinator (telefonisch): ja" in page


# --- a minor is never committed without a valid consent, whoever answers -------------------------

def test_a_guardian_who_withdrew_consent_cannot_say_yes_through_their_link_but_can_say_no(world: World) -> None:
    """The guardian's own link checked no consent: after withdrawing it, their yes made the match
    active. A yes that commits a minor now needs a valid consent on every path; a no is taken."""
    match = _match(world)
    GuardianConsent.objects.filter(learner=match.learner).update(withdrawn_at=timezone.now())
    link = reverse("matching:answer_link", kwargs={"token": match.learner_token})
    page = Client().post(link, {"answer": "yes", "reason": ""})
    assert page.status_code == 200
    # Told in the guardian's own words (walkparents), not the coordinator's rule.
    assert "Give your consent first, then answer yes." in page.content.decode()
    match.refresh_from_db()
    assert (match.learner_answer, match.state) == ("", "introduced")
    Client().post(link, {"answer": "no", "reason": "We withdrew our consent"})
    match.refresh_from_db()
    assert (match.learner_answer, match.state) == ("no", "declined")


def test_the_mentors_yes_does_not_activate_a_minors_match_after_consent_was_withdrawn(world: World) -> None:
    match = _match(world)
    services.match_answer(match=match, side="learner", answer="yes", actor=world.users["guardian"],
                          answered_as="guardian")
    GuardianConsent.objects.filter(learner=match.learner).update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError, match="a guardian must consent to the current consent text"):
        services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    match.refresh_from_db()
    assert (match.mentor_answer, match.state) == ("", "introduced")
    # Once the guardian consents again, the mentor's yes starts the pair.
    GuardianConsent.objects.filter(learner=match.learner).update(withdrawn_at=None)
    match = services.match_answer(match=match, side="mentor", answer="yes", actor=world.users["mentor"])
    assert match.state == "active"


def test_a_coordinator_may_record_a_minors_no_without_consent(world: World) -> None:
    match = _match(world)
    GuardianConsent.objects.filter(learner=match.learner).update(withdrawn_at=timezone.now())
    match = services.match_answer(match=match, side="learner", answer="no", reason="They moved away",
                                  actor=world.users["coordinator"], recorded_via="phone")
    assert match.state == "declined"


def test_a_minor_reads_their_guardians_answer_not_that_the_guardian_still_answers(world: World) -> None:
    match = _match(world)
    services.match_answer(match=match, side="learner", answer="yes", actor=world.users["guardian"],
                          answered_as="guardian")
    learner = world.users["learner"]
    learner.language = "nl"
    learner.save()
    page = world.client_for("learner").get(_url(match, "matching:answer")).content.decode()
    assert "Het antwoord van je ouder/voogd: Ja." in page
    assert "antwoordt voor jou" not in page


def test_add_to_my_calendar_is_offered_for_a_first_meeting_to_come_only(world: World) -> None:
    """A first meeting that took place kept offering "Add to my calendar" on every match page."""
    planned = _match(world, held=False)
    for persona in ("coordinator", "learner"):
        assert 'id="first-meeting-ics"' in world.client_for(persona).get(_url(planned, "matching:match")).content.decode()
    held = services.match_mark_held(match=planned, actor=world.users["coordinator"], expected_version=planned.version)
    for persona in ("coordinator", "learner"):
        assert 'id="first-meeting-ics"' not in world.client_for(persona).get(_url(held, "matching:match")).content.decode()
