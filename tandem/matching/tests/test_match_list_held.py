"""The matches list (and the member's panel, and the answer card) kept showing the planned
first-meeting time after the meeting was marked held on another day: they now say when it was
held."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import persona_pair, programme_url


def test_the_list_shows_the_day_the_first_meeting_was_held(world: World) -> None:
    volunteer, learner = persona_pair(world)
    coordinator = world.users["coordinator"]
    match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner, actor=coordinator)
    planned = timezone.now() + timedelta(days=3)
    match = services.match_plan_first_meeting(match=match, at=planned, place="School", actor=coordinator,
                                              expected_version=match.version)
    url = programme_url(world, "matching:matches")
    client = world.client_for("coordinator")
    planned_text = date_format(timezone.localtime(planned), "SHORT_DATETIME_FORMAT")
    assert planned_text in client.get(url).content.decode()

    # It took place earlier than planned.
    Match.objects.filter(pk=match.pk).update(created=timezone.now() - timedelta(days=10))
    match.refresh_from_db()
    met_on = timezone.localdate() - timedelta(days=2)
    services.match_mark_held(match=match, actor=coordinator, expected_version=match.version, held_on=met_on)
    page = client.get(url).content.decode()
    assert f"Held on {date_format(met_on, 'SHORT_DATE_FORMAT')}" in page
    assert planned_text not in page

    client.cookies["tandem_language"] = "nl"
    dutch = client.get(url).content.decode()
    assert "Gehouden op " in dutch

    # The mentor's panel on the programme's page says so too.
    mentor_page = world.client_for("mentor").get(programme_url(world, "core:programme")).content.decode()
    assert f"First meeting: held on {date_format(met_on, 'DATE_FORMAT')}, School." in mentor_page
    assert date_format(timezone.localtime(planned), "DATETIME_FORMAT") not in mentor_page
