"""A guardian who withdrew their consent (or has not given it) and then answers "yes" after the
first meeting is told so on the answer page, in their own words and language, with the way to
give consent again — not the coordinator's rule about a third person, and not on another page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from tandem.intake import services as intake_services
from tandem.intake.models import GuardianConsent
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import held, persona_pair, programme_url

pytestmark = pytest.mark.django_db


def _withdrawn_match(world: World) -> tuple[Match, GuardianConsent]:
    volunteer, learner = persona_pair(world)  # a minor whose guardian persona consented
    match = held(world, services.match_create(programme=world.programme, volunteer=volunteer,
                                              learner=learner, actor=world.users["coordinator"]))
    record = GuardianConsent.objects.get(learner=learner)
    intake_services.consent_withdraw(consent=record, actor=None)
    record.refresh_from_db()
    return match, record


def test_the_answer_page_shows_the_guardian_the_way_back_to_consent(world: World) -> None:
    match, record = _withdrawn_match(world)
    page = world.client_for("guardian").get(
        programme_url(world, "matching:answer", pk=match.pk),
        headers={"accept-language": "nl"}).content.decode()
    assert 'id="consent-needed"' in page
    assert reverse("intake:consent", kwargs={"token": record.token}) in page


def test_a_yes_without_consent_is_refused_in_the_guardians_words_keeping_the_reason(
        world: World) -> None:
    match, _record = _withdrawn_match(world)
    client = world.client_for("guardian")
    client.cookies["tandem_language"] = "nl"
    url = programme_url(world, "matching:answer", pk=match.pk)
    response = client.post(url, {"answer": "yes", "reason": "Het klikte meteen"},
                           headers={"accept-language": "nl"})
    page = response.content.decode()
    assert response.status_code == 400  # the answer page again, not a redirect elsewhere
    name = match.learner.person.given_name
    assert f"Je toestemming voor {name} is ingetrokken of nog niet gegeven" in page
    assert "moet eerst toestemming geven" not in page and "jonger dan" not in page
    assert "Het klikte meteen" in page  # what was typed stays
    assert "Lees de tekst en geef je toestemming" in page and page.count("Je toestemming voor") == 1
    match.refresh_from_db()
    assert match.learner_answer == ""


def test_a_coordinator_recording_the_answer_still_reads_the_rule(world: World) -> None:
    match, _record = _withdrawn_match(world)
    with pytest.raises(Exception, match="a guardian must consent"):
        services.match_answer(match=match, side="learner", answer="yes",
                              actor=world.users["coordinator"], recorded_via="phone")
