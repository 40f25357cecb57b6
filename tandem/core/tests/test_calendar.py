"""The private calendar feed and the one-off .ics files, read back with the ``icalendar`` library
as a calendar app would: who gets which event, times in the programme's time zone, stable UIDs,
cancelled items, the link's life (shown once, replaced, stopped → 404), the feed's language, and
a query count that does not grow with the number of events."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from conftest import World, make_member
from tandem.core import calendar, services
from tandem.core.calendar import CalendarEvent
from tandem.core.models import CalendarFeed, Role, User
from tandem.core.testing import assert_queries_do_not_grow
from tandem.matching import selectors as matching_selectors
from tandem.matching import services as matching_services
from tandem.matching.models import Match, MatchEvent
from tandem.matching.tests.factories import mentor, persona_pair, pupil
from tandem.onboarding.models import Registration, Volunteer, Workshop

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _next_june_day() -> datetime:
    """A Tuesday in June ahead (summer time: 15:00 in Amsterdam is 13:00 UTC)."""
    today = timezone.localdate()
    year = today.year + 1
    day = datetime(year, 6, 1, 15, 0, tzinfo=AMSTERDAM)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def _feed(client: Client, token: str) -> Calendar:
    response = client.get(reverse("core:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def _feed_of(user: User) -> Calendar:
    return _feed(Client(), services.calendar_feed_renew(user=user))


def _events(cal: Calendar) -> dict[str, Any]:
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


@pytest.fixture
def planned(world: World) -> Match:
    """The personas' match (mentor persona ↔ learner persona, a minor whose guardian is the
    guardian persona, at the supervisor's school) with its first meeting planned at 15:00 in
    Amsterdam."""
    volunteer, learner = persona_pair(world)
    with matching_services.silenced():
        match = matching_services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                               actor=world.users["coordinator"])
        return matching_services.match_plan_first_meeting(
            match=match, at=_next_june_day(), place="Bibliotheek Zuid", actor=world.users["coordinator"],
            expected_version=match.version)


# --- the feed --------------------------------------------------------------------------------


def test_the_feed_is_a_calendar_apps_read_with_the_meeting_at_15_00_in_amsterdam(
        world: World, planned: Match) -> None:
    token = services.calendar_feed_renew(user=world.users["mentor"])
    response = Client().get(reverse("core:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    text = response.content.decode()
    cal = Calendar.from_ical(response.content)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//Tandem//")
    assert str(cal["X-WR-CALNAME"]) == "Tandem – my meetings"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Amsterdam"]

    event = _events(cal)[calendar.event_uid("first-meeting", planned.pk)]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (15, 0) and start.tzinfo.key == "Europe/Amsterdam"
    assert start == _next_june_day() and start.astimezone(ZoneInfo("UTC")).hour == 13
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert f"DTSTART;TZID=Europe/Amsterdam:{_next_june_day():%Y%m%d}T150000" in text
    assert event.decoded("DTEND") - start == timedelta(minutes=world.programme.session_minutes)
    assert str(event["SUMMARY"]) == "First meeting with Learner"
    assert str(event["LOCATION"]) == "Bibliotheek Zuid"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) == planned.version
    assert "DTSTAMP" in event and "LAST-MODIFIED" in event
    page = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": planned.pk})
    assert str(event["URL"]).endswith(page) and str(event["URL"]).startswith("http")
    assert page in str(event["DESCRIPTION"])


def test_each_role_finds_the_first_meeting_only_where_its_page_shows_it(world: World, planned: Match) -> None:
    uid = calendar.event_uid("first-meeting", planned.pk)
    titles = {}
    for persona, user in world.users.items():
        events = _events(_feed_of(user))
        page = matching_selectors.visible_matches(programme=world.programme, user=user).filter(pk=planned.pk)
        assert (uid in events) == page.exists(), persona
        if uid in events:
            titles[persona] = str(events[uid]["SUMMARY"])
    assert set(titles) == {"org_admin", "coordinator", "mentor", "learner", "guardian", "supervisor"}
    assert titles["learner"] == "First meeting with your mentor Mentor"
    assert titles["guardian"] == "First meeting of Learner with mentor Mentor"
    # Third parties read the short names; the learner (a minor) is never named in full.
    assert titles["coordinator"] == "First meeting: Learner T. and Mentor T."
    for persona in titles:
        assert "Learner Tester" not in _feed_of(world.users[persona]).to_ical().decode()
    assert uid not in _events(_feed_of(world.outsider))


def test_the_feeds_selector_agrees_with_the_pages_for_every_role(world: World, planned: Match) -> None:
    other_volunteer = mentor(world, "Otto")
    other_learner = pupil(world, "Pim")
    Match.objects.create(programme=world.programme, volunteer=other_volunteer, learner=other_learner, slot=1,
                         capacity=1, first_meeting_at=_next_june_day())
    for persona, user in [*world.users.items(), ("outsider", world.outsider)]:
        page = set(matching_selectors.visible_matches(programme=world.programme, user=user).values_list("pk", flat=True))
        feed = set(matching_selectors.matches_visible_everywhere(
            user=user, programmes=calendar.user_programmes(user)).values_list("pk", flat=True))
        assert feed == page, persona


def test_uids_stay_the_same_and_a_moved_meeting_raises_its_sequence(world: World, planned: Match) -> None:
    token = services.calendar_feed_renew(user=world.users["learner"])
    first, again = _events(_feed(Client(), token)), _events(_feed(Client(), token))
    assert list(first) == list(again) and first
    uid = calendar.event_uid("first-meeting", planned.pk)
    with matching_services.silenced():
        matching_services.match_plan_first_meeting(
            match=planned, at=_next_june_day() + timedelta(hours=1), place="Bibliotheek Zuid",
            actor=world.users["coordinator"], expected_version=planned.version)
    moved = _events(_feed(Client(), token))[uid]
    assert moved.decoded("DTSTART").hour == 16
    assert int(moved["SEQUENCE"]) > int(first[uid]["SEQUENCE"])


def test_a_match_closed_before_its_first_meeting_shows_it_cancelled(world: World, planned: Match) -> None:
    with matching_services.silenced():
        matching_services.match_close(match=planned, reason="mentor_moved", actor=world.users["coordinator"],
                                      expected_version=planned.version)
    event = _events(_feed_of(world.users["mentor"]))[calendar.event_uid("first-meeting", planned.pk)]
    assert str(event["STATUS"]) == "CANCELLED"
    assert "cancelled" in str(event["DESCRIPTION"])


def test_another_mentors_meeting_is_absent(world: World, planned: Match) -> None:
    user, person = make_member(world.organisation, world.programme, Role.MENTOR, "other@zuid.example",
                               given_name="Olga")
    assert user is not None
    mentor(world, "Olga", person=person)
    assert calendar.event_uid("first-meeting", planned.pk) not in _events(_feed_of(user))


# --- workshops -------------------------------------------------------------------------------


def _workshop(world: World, title: str, days: int = 5) -> Workshop:
    return Workshop.objects.create(
        programme=world.programme, title=title, place="Zuidplein 12", capacity=8, hours=Decimal("1.5"),
        starts_at=(timezone.now() + timedelta(days=days)).replace(hour=18, minute=30, second=0, microsecond=0))


def test_workshops_for_coordinators_and_the_volunteers_registered(world: World) -> None:
    volunteer = Volunteer.objects.create(programme=world.programme, person=world.people["mentor"], state="ready")
    booked, waiting, cancelled, other = (_workshop(world, t) for t in ("Kick-off", "Gesprekken", "Grenzen", "Anders"))
    for workshop, status in ((booked, "booked"), (waiting, "waiting"), (cancelled, "cancelled")):
        Registration.objects.create(workshop=workshop, volunteer=volunteer, status=status)

    mine = _events(_feed_of(world.users["mentor"]))
    uid = calendar.event_uid
    assert {k for k in mine if k.startswith("workshop-")} == {uid("workshop", w.pk) for w in (booked, waiting, cancelled)}
    assert [str(mine[uid("workshop", w.pk)]["STATUS"]) for w in (booked, waiting, cancelled)] == [
        "CONFIRMED", "TENTATIVE", "CANCELLED"]
    event = mine[uid("workshop", booked.pk)]
    assert str(event["SUMMARY"]) == "Workshop: Kick-off"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTSTART") == booked.starts_at
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert str(event["URL"]).endswith(reverse("onboarding:me", kwargs={"org": "zuid", "prog": "moz"}))

    staff = _events(_feed_of(world.users["coordinator"]))
    assert all(uid("workshop", w.pk) in staff for w in (booked, waiting, cancelled, other))
    assert "Places booked: 1 of 8" in str(staff[uid("workshop", booked.pk)]["DESCRIPTION"])
    for persona in ("learner", "guardian", "supervisor", "partner_contact", "observer"):
        assert not any(k.startswith("workshop-") for k in _events(_feed_of(world.users[persona]))), persona


# --- the link's life -------------------------------------------------------------------------


def test_the_link_is_shown_once_and_only_its_digest_is_stored(world: World) -> None:
    client = world.client_for("mentor")
    response = client.post(reverse("core:calendar_renew"), follow=True)
    feed = CalendarFeed.objects.get(user=world.users["mentor"])
    body = response.content.decode()
    [token] = re.findall(r'id="calendar-url" class="calendar-url" value="http://[^/]+/calendar/([\w-]+)\.ics"', body)
    assert calendar.token_digest(token) == feed.token_hash and token not in feed.token_hash
    assert "webcal://" in body
    again = client.get(reverse("core:calendar")).content.decode()
    assert token not in again and 'id="calendar-url"' not in again
    _feed(Client(), token)
    assert CalendarFeed.objects.get(pk=feed.pk).last_read is not None


def test_a_new_link_replaces_the_old_and_a_stopped_link_is_not_found(world: World, planned: Match) -> None:
    client = world.client_for("guardian")
    old = services.calendar_feed_renew(user=world.users["guardian"])
    new = services.calendar_feed_renew(user=world.users["guardian"])
    anonymous = Client()
    assert anonymous.get(reverse("core:calendar_feed", kwargs={"token": old})).status_code == 404
    _feed(anonymous, new)
    # Without the confirmation nothing stops.
    client.post(reverse("core:calendar_stop"))
    _feed(anonymous, new)
    response = client.post(reverse("core:calendar_stop"), {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("core:calendar")
    assert anonymous.get(reverse("core:calendar_feed", kwargs={"token": new})).status_code == 404
    assert not CalendarFeed.objects.filter(user=world.users["guardian"]).exists()


@pytest.mark.parametrize("token", ["nope", "A" * 43, "x" * 200, "a%20b" * 8, "a.b"])
def test_unknown_tokens_are_not_found(world: World, token: str) -> None:
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_deactivated_log_ins_link_is_not_found(world: World) -> None:
    token = services.calendar_feed_renew(user=world.users["mentor"])
    User.objects.filter(pk=world.users["mentor"].pk).update(is_active=False)
    assert Client().get(reverse("core:calendar_feed", kwargs={"token": token})).status_code == 404


def test_a_link_read_too_often_is_told_to_wait(world: World, settings: Any) -> None:
    settings.CALENDAR_FEED_LIMIT_PER_HOUR = 2
    url = reverse("core:calendar_feed", kwargs={"token": services.calendar_feed_renew(user=world.users["mentor"])})
    assert [Client().get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert int(Client().get(url)["Retry-After"]) > 0


# --- one-off files ---------------------------------------------------------------------------


def test_the_first_meeting_as_a_one_off_file(world: World, planned: Match) -> None:
    url = reverse("matching:first_meeting_ics", kwargs={"org": "zuid", "prog": "moz", "pk": planned.pk})
    response = world.client_for("mentor").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="first-meeting-{planned.pk}.ics"'
    cal = Calendar.from_ical(response.content)
    assert str(cal["METHOD"]) == "PUBLISH"
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == calendar.event_uid("first-meeting", planned.pk)
    assert event.decoded("DTSTART") == _next_june_day()
    assert str(event["SUMMARY"]) == "First meeting with Learner"
    other, _person = make_member(world.organisation, world.programme, Role.MENTOR, "other@zuid.example")
    assert other is not None
    client = Client()
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert world.client_for("partner_contact").get(url).status_code == 403
    assert world.client_for("outsider").get(url).status_code == 404


def test_a_match_without_a_planned_meeting_has_no_file(world: World) -> None:
    volunteer, learner = persona_pair(world)
    match = Match.objects.create(programme=world.programme, volunteer=volunteer, learner=learner, slot=1, capacity=1)
    url = reverse("matching:first_meeting_ics", kwargs={"org": "zuid", "prog": "moz", "pk": match.pk})
    assert world.client_for("coordinator").get(url).status_code == 404


def test_the_workshop_as_a_one_off_file_for_the_booked_mentor_only(world: World) -> None:
    workshop = _workshop(world, "Kick-off")
    url = reverse("onboarding:workshop_ics", kwargs={"org": "zuid", "prog": "moz", "pk": workshop.pk})
    assert world.client_for("mentor").get(url).status_code == 404
    volunteer = Volunteer.objects.create(programme=world.programme, person=world.people["mentor"], state="ready")
    Registration.objects.create(workshop=workshop, volunteer=volunteer, status="waiting")
    response = world.client_for("mentor").get(url)
    assert response.status_code == 200
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["STATUS"]) == "TENTATIVE" and str(event["UID"]) == calendar.event_uid("workshop", workshop.pk)
    assert world.client_for("coordinator").get(url).status_code == 200
    assert world.client_for("learner").get(url).status_code == 403


# --- language, the page, the framework -------------------------------------------------------


def test_the_feed_speaks_the_users_language(world: World, planned: Match) -> None:
    User.objects.filter(pk=world.users["mentor"].pk).update(language="nl")
    cal = _feed_of(User.objects.get(pk=world.users["mentor"].pk))
    assert str(cal["X-WR-CALNAME"]) == "Tandem – mijn afspraken"
    event = _events(cal)[calendar.event_uid("first-meeting", planned.pk)]
    assert str(event["SUMMARY"]) == "Eerste ontmoeting met Learner"
    assert "Meer in Tandem" in str(event["DESCRIPTION"])
    assert translation.get_language() == "en"  # the feed's language was not left behind


def test_the_calendar_page_lists_what_is_coming(world: World, planned: Match) -> None:
    planned.first_meeting_at = timezone.now() + timedelta(days=3)
    planned.save()
    body = world.client_for("mentor").get(reverse("core:calendar")).content.decode()
    assert "First meeting with Learner" in body and "You have no calendar link yet." in body
    page = reverse("matching:match", kwargs={"org": "zuid", "prog": "moz", "pk": planned.pk})
    assert f'href="{page}"' in body


def test_the_feeds_queries_do_not_grow_with_its_events(world: World) -> None:
    token = services.calendar_feed_renew(user=world.users["coordinator"])
    client = Client()
    counts: list[int] = []

    def add_rows(n: int) -> None:
        for _ in range(n):
            i = Match.objects.count() + 1
            match = Match.objects.create(
                programme=world.programme, volunteer=mentor(world, f"Mentor{i}"), learner=pupil(world, f"Pupil{i}"),
                slot=1, capacity=1, state="introduced", first_meeting_at=_next_june_day() + timedelta(days=i))
            MatchEvent.objects.create(match=match, kind="first_meeting")
            workshop = _workshop(world, f"Workshop {i}", days=i)
            Registration.objects.create(workshop=workshop, volunteer=match.volunteer, status="booked")

    def fetch() -> None:
        counts.append(len(_feed(client, token).walk("VEVENT")))

    assert_queries_do_not_grow(fetch, add_rows)
    assert counts[-1] == 18  # 9 first meetings and 9 workshops


def test_events_must_have_aware_times_and_a_known_status() -> None:
    now = timezone.now()
    with pytest.raises(ValueError):
        CalendarEvent(uid="a", title="t", start=datetime(2030, 1, 1, 10), end=datetime(2030, 1, 1, 11))
    with pytest.raises(ValueError):
        CalendarEvent(uid="a", title="t", start=now, end=now - timedelta(hours=1))
    with pytest.raises(ValueError):
        CalendarEvent(uid="a", title="t", start=now, end=now, status="MAYBE")


@pytest.mark.parametrize("language", ["en", "nl", "fr", "de"])
def test_every_feed_is_wholly_in_its_readers_language(world: World, language: str) -> None:
    """The story of the every-page test (written in another language), read through each
    persona's feed: titles, places and descriptions hold no code, ISO date or foreign text."""
    from tandem.core.tests.test_every_page_language import LANGUAGE_CODES, WRITTEN_IN, play_story
    from tandem.core.tests.wording import Findings

    story = play_story(world, WRITTEN_IN[language])
    User.objects.update(language=language)
    # The story's first meeting lies in the past; keep one ahead too, and a community meeting.
    story.community.meetings.create(starts_at=timezone.now() + timedelta(days=4), place="Zuidplein",
                                    topic="Huiswerk")
    findings = Findings(language=language)
    seen = 0
    for persona in ("coordinator", "mentor", "learner", "guardian", "supervisor"):
        cal = _feed_of(User.objects.get(pk=world.users[persona].pk))
        lines = [str(cal["X-WR-CALNAME"])]
        for event in cal.walk("VEVENT"):
            seen += 1
            lines += [str(event["SUMMARY"]), *str(event.get("DESCRIPTION", "")).splitlines()]
        html = "".join(f"<p>{line}</p>" for line in lines)
        findings.check(f"feed of {persona}", html, LANGUAGE_CODES, skip=frozenset())
    assert seen >= 8
    assert not findings.problems, "\n".join(sorted(set(findings.problems)))
