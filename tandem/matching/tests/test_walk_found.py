"""What a walk through the demo found in matching: the first meeting's date in an e-mail written
as its reader writes dates, and the close page of a pair that has already ended."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import numbered_match, persona_pair

pytestmark = pytest.mark.django_db


def test_the_first_meetings_e_mail_writes_its_date_in_the_readers_language(
        world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    volunteer, learner = persona_pair(world)
    world.people["mentor"].language = "de"
    world.people["mentor"].save(update_fields=["language"])
    world.people["guardian"].language = "nl"
    world.people["guardian"].save(update_fields=["language"])
    match = services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                                   actor=world.users["coordinator"], confirm=True)
    at = datetime(2026, 11, 30, 16, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.match_plan_first_meeting(match=match, at=at, place="Café am Dom", actor=world.users["coordinator"],
                                          expected_version=match.version)
    run_tasks()
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "2026-11-30" not in "".join(bodies.values())  # was "geplant: 2026-11-30 16:00"
    assert "30. November 2026 16:00, Café am Dom" in bodies["mentor@zuid.example"]
    assert "30 november 2026 16:00, Café am Dom" in bodies["guardian@zuid.example"]


def test_the_close_page_of_a_pair_that_has_ended_leads_to_the_pair(world: World) -> None:
    # Back to the close form after closing, and "Close" again: the form came back with "Only an
    # open match can be closed" and no way on.
    match = numbered_match(world, 1, state="closed")
    client = world.client_for("coordinator")
    url = reverse("matching:close", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    for response in (client.get(url), client.post(url, {"reason": "planned_end", "version": match.version})):
        assert response.status_code == 302
        assert response["Location"] == reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    page = client.get(reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk}))
    assert "This match has already ended." in page.content.decode()
    assert Match.objects.get(pk=match.pk).state == "closed"


def test_a_minor_reads_on_their_pair_page_that_their_guardian_answers(world: World) -> None:
    volunteer, learner = persona_pair(world)  # a minor whose guardian consented
    match = services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                                   actor=world.users["coordinator"], confirm=True)
    url = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    page = world.client_for("learner").get(url).content.decode()
    # It read "Learner: no answer yet", and nothing the learner could do about it.
    assert "Your guardian answers for you after the first meeting" in page
    assert "<dt>Guardian</dt>" in page and "<dt>Learner</dt>" not in page
    coordinator_page = world.client_for("coordinator").get(url).content.decode()
    assert "<dt>Guardian</dt>" in coordinator_page
    assert "Your guardian answers for you" not in coordinator_page


def test_a_close_form_opened_before_someone_else_closed_the_match_shows_both_and_a_way_back(world: World) -> None:
    """The stale close shows what the other coordinator chose beside what was typed (nothing
    lost), and instead of a button that can only fail again, a link back to the match."""
    from tandem.matching.tests.post_forms import _open_match_kwargs

    kwargs = _open_match_kwargs(world)
    url = reverse("matching:close", kwargs=kwargs)
    match = Match.objects.get(pk=kwargs["pk"])
    first, second = world.client_for("coordinator"), world.client_for("org_admin")
    version = match.version
    assert first.post(url, {"reason": "planned_end", "note": "Went well", "version": version}).status_code == 302
    refused = second.post(url, {"reason": "mentor_moved", "note": "Moving to Utrecht", "version": version})
    body = refused.content.decode()
    assert refused.status_code == 200 and "Someone else saved this while you were editing" in body
    assert "Moving to Utrecht" in body and 'id="to-match"' in body and 'type="submit" class="danger"' not in body


def test_a_first_meeting_planned_before_the_pair_was_made_is_refused_and_the_form_keeps_what_was_typed(
        world: World) -> None:
    """Walk of the Flemish programme: a year typed wrong (1999) planned the meeting in the past, so
    both sides were asked for their answer at once; and a refused or empty form came back as a
    bare "give the date, time and place", the day and place typed gone."""
    volunteer, learner = persona_pair(world)
    match = services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                                   actor=world.users["coordinator"], confirm=True)
    kwargs = {"org": "zuid", "prog": "moz", "pk": match.pk}
    client = world.client_for("coordinator")
    page = client.post(reverse("matching:first_meeting", kwargs=kwargs),
                       {"version": match.version, "at": "1999-05-06T18:00", "place": "Sint-Lievenscollege"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "cannot be planned before the day the match was made" in body
    assert 'value="1999-05-06T18:00"' in body and 'value="Sint-Lievenscollege"' in body
    match.refresh_from_db()
    assert match.first_meeting_at is None and match.state == "proposed" and not match.met
    # Half a form: the place typed stays, the missing day is named at its field.
    page = client.post(reverse("matching:first_meeting", kwargs=kwargs),
                       {"version": match.version, "at": "", "place": "Sint-Lievenscollege"})
    body = page.content.decode()
    assert page.status_code == 200 and 'value="Sint-Lievenscollege"' in body
    assert body.count("This field is required.") == 1
    # A meeting at the day the pair was made, or later, is planned as before.
    page = client.post(reverse("matching:first_meeting", kwargs=kwargs),
                       {"version": match.version, "at": "2030-05-06T18:00", "place": "Sint-Lievenscollege"})
    assert page.status_code == 302
    match.refresh_from_db()
    assert match.state == "introduced" and match.first_meeting_place == "Sint-Lievenscollege"
