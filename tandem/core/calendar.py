"""Calendars: each user's private iCalendar feed and one-off ``.ics`` files, fed by the apps.

Core knows no app. An app puts its dates in people's calendars by defining
``tandem/<app>/calendar.py`` with one function::

    def events_for(user, *, since, until) -> Iterable[CalendarEvent]:
        # the app's events ``user`` may see on its pages, starting in [since, until),
        # titles and descriptions in the active language (the feed activates the user's)

Core asks every app in ``INSTALLED_APPS`` order (the discovery of ``core.extensions``), merges
the events, and writes them with the ``icalendar`` library (:func:`build_calendar`). The helpers
below keep providers short: :func:`user_programmes` (the user's programmes and roles, read once
per feed), :func:`in_zone` (a time in the programme's time zone, so the file says
``DTSTART;TZID=Europe/Amsterdam:…``), :func:`event_uid` (a UID that stays the same across
fetches) and :func:`link` (an absolute link back to the page).

Rules for providers: only what the user may see on the app's pages; people named as on those
pages, short (``core.naming.short_name`` for third parties, given names between the pair); no
special-category data; a cancelled item stays in the feed with ``status="CANCELLED"`` (until it
leaves the window) so calendar apps strike it out; give ``sequence`` (it must only grow, e.g. a
version field) and ``last_modified`` where the model has them. Query count must not grow with
the number of events (one query per kind, ``select_related``); ``test_calendar.py`` checks it.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from tandem.core import extensions, selectors
from tandem.core.models import Programme
from tandem.core.notify import site_url

STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
# What the feed holds: recent past (so last week's meeting is still there) to a year ahead.
FEED_DAYS_BACK = 90
FEED_DAYS_AHEAD = 400
# Each programme's dates are in its country's time zone (all four share CET/CEST today, but a
# calendar app shows "Europe/Amsterdam" to a Dutch user and keeps it right should rules change).
COUNTRY_ZONES = {
    "BE": "Europe/Brussels", "NL": "Europe/Amsterdam", "FR": "Europe/Paris", "DE": "Europe/Berlin",
}


@dataclass(frozen=True)
class CalendarEvent:
    """One date in someone's calendar. ``start`` and ``end`` are aware datetimes, best in the
    zone of the place (:func:`in_zone`); ``uid`` is the same every time the event is listed."""

    uid: str
    title: str
    start: datetime
    end: datetime
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"
    sequence: int | None = None
    last_modified: datetime | None = None

    def __post_init__(self) -> None:
        if timezone.is_naive(self.start) or timezone.is_naive(self.end):
            raise ValueError(f"calendar event {self.uid}: start and end must be aware datetimes")
        if self.end < self.start:
            raise ValueError(f"calendar event {self.uid}: ends before it starts")
        if self.status not in STATUSES:
            raise ValueError(f"calendar event {self.uid}: status {self.status!r} not in {STATUSES}")


# --- helpers for providers -------------------------------------------------------------------


def programme_zone(programme: Programme) -> ZoneInfo:
    return ZoneInfo(COUNTRY_ZONES.get(programme.country, settings.TIME_ZONE))


def in_zone(moment: datetime, programme: Programme) -> datetime:
    """``moment`` as wall-clock time in the programme's zone (the same instant)."""
    return moment.astimezone(programme_zone(programme))


def event_uid(kind: str, pk: Any) -> str:
    """``first-meeting-12@tandem.example.org``: stable for the record, unique on this site."""
    host = urlsplit(settings.SITE_URL).hostname or "tandem.invalid"
    return f"{kind}-{pk}@{host}"


def link(name: str, **kwargs: Any) -> str:
    """The absolute address of a page (from ``SITE_URL``, never from the request's host)."""
    return site_url(reverse(name, kwargs=kwargs))


def user_programmes(user: Any) -> list[tuple[Programme, frozenset[str]]]:
    """The programmes ``user`` holds a role in, with the roles (``selectors.programmes_for_user``),
    read once however many providers ask."""
    cached = user.__dict__.get("_tandem_calendar_programmes")
    if cached is None:
        cached = user.__dict__["_tandem_calendar_programmes"] = selectors.programmes_for_user(user)
    return cached


def programmes_with(user: Any, *roles: str) -> list[Programme]:
    """The user's programmes in which they hold any of ``roles``."""
    wanted = set(roles)
    return [programme for programme, held in user_programmes(user) if held & wanted]


# --- the feed ----------------------------------------------------------------------------------


def feed_window(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = now or timezone.now()
    return now - timedelta(days=FEED_DAYS_BACK), now + timedelta(days=FEED_DAYS_AHEAD)


_RANK = {"CONFIRMED": 0, "TENTATIVE": 1, "CANCELLED": 2}


def events_for_user(user: Any, *, since: datetime, until: datetime) -> list[CalendarEvent]:
    """Every app's events for ``user`` starting in [since, until), by start. An event listed by
    two apps or twice (a coordinator who is also booked on a workshop) appears once, the most
    definite status winning."""
    chosen: dict[str, CalendarEvent] = {}
    for events_for in extensions.calendar_providers():
        for event in events_for(user, since=since, until=until):
            if not since <= event.start < until:
                continue
            kept = chosen.get(event.uid)
            if kept is None or _RANK[event.status] < _RANK[kept.status]:
                chosen[event.uid] = event
    return sorted(chosen.values(), key=lambda e: (e.start, e.uid))


def feed_language(user: Any) -> str:
    """The user's interface language; else that of their first person record; else the site's."""
    if user.language:
        return str(user.language)
    person = user.persons.order_by("pk").first()
    return person.language if person is not None and person.language else settings.LANGUAGE_CODE


def build_calendar(events: Iterable[CalendarEvent], *, name: str, language: str,
                   now: datetime | None = None, method: str = "") -> Any:
    """A VCALENDAR (RFC 5545) Google Calendar, Outlook and Apple Calendar read: a VTIMEZONE for
    every zone used, DTSTART/DTEND with TZID, a stable UID, DTSTAMP, SEQUENCE and LAST-MODIFIED
    where known, STATUS, URL."""
    from icalendar import Calendar, Event

    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", f"-//Tandem//Tandem calendar//{language.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    # Ask apps to look again every hour (Outlook and Apple follow it; Google chooses its own).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(ZoneInfo("UTC"))
    first: date | None = None
    last: date | None = None
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", item.title)
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("status", item.status)
        if item.sequence is not None:
            event.add("sequence", item.sequence)
        if item.last_modified is not None:
            event.add("last-modified", item.last_modified.astimezone(ZoneInfo("UTC")))
        event.add("class", "PRIVATE")
        calendar.add_component(event)
        first = min(first or item.start.date(), item.start.date())
        last = max(last or item.end.date(), item.end.date())
    if first is not None and last is not None:
        # Only the transitions around the events: a short VTIMEZONE every app reads.
        calendar.add_missing_timezones(first_date=first - timedelta(days=366),
                                       last_date=last + timedelta(days=366))
    return calendar


def ics_response(events: Iterable[CalendarEvent], *, name: str, language: str,
                 filename: str = "", method: str = "") -> HttpResponse:
    """The calendar as ``text/calendar``; with ``filename``, as a download. Never stored by a
    shared cache: the content is personal and the feed's address is its only secret."""
    calendar = build_calendar(events, name=name, language=language, method=method)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def calendar_name() -> str:
    return _("Tandem – my meetings")


def one_event_response(event: CalendarEvent, *, filename: str) -> HttpResponse:
    """A one-off ``.ics`` file of one event (the "Add to my calendar" link on a page)."""
    from django.utils.translation import get_language

    return ics_response([event], name=calendar_name(), language=get_language() or "en",
                        filename=filename, method="PUBLISH")


# --- feed tokens -------------------------------------------------------------------------------


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What is stored of a feed token. The token is 256 random bits, so a plain SHA-256 is
    enough (nothing to guess); the database never holds a working address."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    return link("core:calendar_feed", token=token)
