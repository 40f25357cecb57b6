"""The pair's meetings in the iCalendar feeds and as a one-off file, parsed with icalendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from conftest import World, make_member
from tandem.core import calendar
from tandem.core import services as core_services
from tandem.core.models import Role, User
from tandem.journal import services
from tandem.journal.models import Meeting
from tandem.journal.tests.factories import persona_match

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _a_tuesday_ahead() -> datetime:
    """15:00 in Amsterdam on a Tuesday three to four weeks ahead."""
    day = timezone.localdate() + timedelta(days=21)
    day += timedelta(days=(1 - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, 15, 0, tzinfo=AMSTERDAM)


def _events(user: User) -> dict[str, Any]:
    token = core_services.calendar_feed_renew(user=user)
    response = Client().get(reverse("core:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(event["UID"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


@pytest.fixture
def planned(world: World) -> Meeting:
    match = persona_match(world)
    with services.silenced():
        return services.meeting_plan(match=match, actor=world.users["mentor"], starts_at=_a_tuesday_ahead(),
                                     place="Bibliotheek Zuid", minutes=90)


def _kwargs(meeting: Meeting) -> dict[str, Any]:
    return {"org": "zuid", "prog": "moz", "pk": meeting.match_id, "meeting": meeting.pk}


def test_the_mentor_finds_the_meeting_at_15_00_in_amsterdam(world: World, planned: Meeting) -> None:
    event = _events(world.users["mentor"])[calendar.event_uid("meeting", planned.pk)]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (15, 0) and start.tzinfo.key == "Europe/Amsterdam"
    assert start == _a_tuesday_ahead()
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTEND") - start == timedelta(minutes=90)
    assert str(event["SUMMARY"]) == f"Meeting with {planned.match.learner.person.given_name}"
    assert str(event["LOCATION"]) == "Bibliotheek Zuid"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == planned.version
    page = reverse("journal:meeting", kwargs=_kwargs(planned))
    assert str(event["URL"]).startswith("http") and str(event["URL"]).endswith(page)


def test_the_feed_shows_the_meeting_exactly_to_those_who_may_open_the_pair(world: World, planned: Meeting) -> None:
    uid = calendar.event_uid("meeting", planned.pk)
    pair = reverse("journal:pair", kwargs={"org": "zuid", "prog": "moz", "pk": planned.match_id})
    seen = {}
    for persona, user in [*world.users.items(), ("outsider", world.outsider)]:
        opens = world.client_for(persona).get(pair).status_code == 200
        seen[persona] = (uid in _events(user), opens)
    assert all(in_feed == opens for in_feed, opens in seen.values()), seen
    assert {p for p, (in_feed, _opens) in seen.items() if in_feed} >= {"mentor", "learner", "coordinator"}
    assert not seen["outsider"][0]
    other, _person = make_member(world.organisation, world.programme, Role.MENTOR, "other@zuid.example")
    assert other is not None and uid not in _events(other)


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence(world: World, planned: Meeting) -> None:
    with services.silenced():
        moved = services.meeting_update(meeting=planned, actor=world.users["mentor"],
                                        expected_version=planned.version,
                                        starts_at=_a_tuesday_ahead() + timedelta(hours=1), place="Buurthuis")
    event = _events(world.users["mentor"])[calendar.event_uid("meeting", planned.pk)]
    assert int(event["SEQUENCE"]) == moved.version > planned.version
    assert event.decoded("DTSTART").hour == 16 and str(event["LOCATION"]) == "Buurthuis"


def test_a_cancelled_meeting_stays_marked_cancelled(world: World, planned: Meeting) -> None:
    Meeting.objects.filter(pk=planned.pk).update(state=Meeting.State.CANCELLED, missed_by="school",
                                                 logged_at=timezone.now())
    event = _events(world.users["learner"])[calendar.event_uid("meeting", planned.pk)]
    assert str(event["STATUS"]) == "CANCELLED"


def test_the_meeting_as_a_one_off_file(world: World, planned: Meeting) -> None:
    url = reverse("journal:meeting_ics", kwargs=_kwargs(planned))
    page = world.client_for("mentor").get(reverse("journal:meeting", kwargs=_kwargs(planned))).content.decode()
    assert url in page
    response = world.client_for("mentor").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{planned.pk}.ics"'
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == calendar.event_uid("meeting", planned.pk)
    assert event.decoded("DTSTART") == _a_tuesday_ahead()
    assert world.client_for("outsider").get(url).status_code == 404
