"""The journal's meetings in people's calendars (``tandem.core.calendar``): every meeting a pair
plans, for whoever may open the pair's page (coordinators, the mentor, the learner, the learner's
guardian, the supervisor at the learner's school — ``selectors.pair_roles``); a cancelled
meeting stays, marked cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.core.calendar import CalendarEvent, event_uid, in_zone, link, user_programmes
from tandem.core.models import GuardianLink
from tandem.core.naming import short_name
from tandem.journal.models import Meeting
from tandem.matching import selectors as matching_selectors


def reader_of(meeting: Meeting, user: Any) -> str:
    """How the user stands to the pair: "mentor", "learner", "guardian" or "" (staff)."""
    match = meeting.match
    if match.volunteer.person.user_id == user.pk:
        return "mentor"
    if match.learner.person.user_id == user.pk:
        return "learner"
    if getattr(meeting, "reader_is_guardian", False):
        return "guardian"
    return ""


def _title(meeting: Meeting, reader: str) -> str:
    learner, mentor = meeting.match.learner.person, meeting.match.volunteer.person
    if reader == "mentor":
        return _("Meeting with %(name)s") % {"name": learner.given_name}
    if reader == "learner":
        return _("Meeting with your mentor %(name)s") % {"name": mentor.given_name}
    if reader == "guardian":
        return _("Meeting of %(learner)s with mentor %(mentor)s") % {
            "learner": learner.given_name, "mentor": mentor.given_name}
    return _("Meeting: %(learner)s and %(mentor)s") % {
        "learner": short_name(learner), "mentor": short_name(mentor)}


def meeting_event(meeting: Meeting, *, reader: str) -> CalendarEvent:
    """One meeting as ``reader`` sees it; its match, programme and both people selected with it."""
    programme = meeting.match.programme
    url = link("journal:meeting", org=programme.organisation.slug, prog=programme.slug,
               pk=meeting.match_id, meeting=meeting.pk)
    is_cancelled = meeting.state == Meeting.State.CANCELLED
    lines = [programme.name, *([pgettext("a meeting", "This meeting is cancelled.")] if is_cancelled else []),
             _("More in Tandem: %(url)s") % {"url": url}]
    return CalendarEvent(
        uid=event_uid("meeting", meeting.pk), title=_title(meeting, reader),
        start=in_zone(meeting.starts_at, programme), end=in_zone(meeting.ends_at, programme),
        location=meeting.place, description="\n".join(lines), url=url,
        status="CANCELLED" if is_cancelled else "CONFIRMED", sequence=meeting.version,
    )


def with_calendar_facts(meetings: QuerySet[Meeting], user: Any) -> QuerySet[Meeting]:
    """What the event needs, in the same query: the programme, both people, and whether ``user``
    is the learner's guardian."""
    return meetings.select_related(
        "match__programme__organisation", "match__volunteer__person", "match__learner__person",
    ).annotate(reader_is_guardian=Exists(GuardianLink.objects.filter(
        learner_id=OuterRef("match__learner__person_id"), guardian__user=user)))


def events_for(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    matches = matching_selectors.matches_visible_everywhere(user=user, programmes=user_programmes(user))
    meetings = Meeting.objects.filter(match__in=matches.values("pk"), starts_at__gte=since, starts_at__lt=until)
    for meeting in with_calendar_facts(meetings, user):
        yield meeting_event(meeting, reader=reader_of(meeting, user))
