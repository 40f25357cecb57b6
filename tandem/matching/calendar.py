"""The matching app's dates in people's calendars (``tandem.core.calendar``): first meetings of
matches, for whoever may open the match's page (coordinators, the mentor, the learner, the
learner's guardian, the supervisor at the learner's school), and the meetings of learning
communities, for coordinators and the community's mentor (as the community page)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, Max, OuterRef, QuerySet
from django.utils.translation import gettext as _

from tandem.core.calendar import (
    CalendarEvent,
    event_uid,
    in_zone,
    link,
    programmes_with,
    user_programmes,
)
from tandem.core.models import GuardianLink, Role
from tandem.core.naming import short_name
from tandem.matching import selectors
from tandem.matching.models import CommunityMeeting, Match


def calendar_reader(match: Match, user: Any) -> str:
    """How the user stands to the match: "mentor", "learner", "guardian" or "" (staff)."""
    if match.volunteer.person.user_id == user.pk:
        return "mentor"
    if match.learner.person.user_id == user.pk:
        return "learner"
    if getattr(match, "reader_is_guardian", False):
        return "guardian"
    return ""


def _title(match: Match, reader: str) -> str:
    learner, mentor = match.learner.person, match.volunteer.person
    if reader == "mentor":
        return _("First meeting with %(name)s") % {"name": learner.given_name}
    if reader == "learner":
        return _("First meeting with your mentor %(name)s") % {"name": mentor.given_name}
    if reader == "guardian":
        return _("First meeting of %(learner)s with mentor %(mentor)s") % {
            "learner": learner.given_name, "mentor": mentor.given_name}
    return _("First meeting: %(learner)s and %(mentor)s") % {
        "learner": short_name(learner), "mentor": short_name(mentor)}


def cancelled(match: Match) -> bool:
    """The match was closed before its first meeting took place."""
    return (match.state == Match.State.CLOSED and match.first_meeting_held_on is None
            and match.first_meeting_at is not None and match.closed_at is not None
            and match.first_meeting_at > match.closed_at)


def first_meeting_event(match: Match, *, reader: str, last_modified: datetime | None = None) -> CalendarEvent:
    """The first meeting as ``reader`` sees it (see ``_reader``); the match's programme and
    both people selected with it."""
    assert match.first_meeting_at is not None
    programme = match.programme
    start = in_zone(match.first_meeting_at, programme)
    url = link("matching:match", org=programme.organisation.slug, prog=programme.slug, pk=match.pk)
    lines = [programme.name]
    is_cancelled = cancelled(match)
    if is_cancelled:
        lines.append(_("This meeting is cancelled."))
    elif match.state in (Match.State.PROPOSED, Match.State.INTRODUCED) and reader in ("mentor", "learner", "guardian"):
        lines.append(_("After this first meeting, both sides say whether they want to go on together."))
    lines.append(_("More in Tandem: %(url)s") % {"url": url})
    return CalendarEvent(
        uid=event_uid("first-meeting", match.pk), title=_title(match, reader), start=start,
        end=start + timedelta(minutes=programme.session_minutes), location=match.first_meeting_place,
        description="\n".join(lines), url=url, status="CANCELLED" if is_cancelled else "CONFIRMED",
        sequence=match.version, last_modified=last_modified,
    )


def with_calendar_facts(matches: QuerySet[Match], user: Any) -> QuerySet[Match]:
    """What the event needs, in the same query: the programme, whether ``user`` is the learner's
    guardian, and when the match last changed (its newest timeline entry)."""
    return matches.select_related("programme__organisation").annotate(
        reader_is_guardian=Exists(GuardianLink.objects.filter(
            learner_id=OuterRef("learner__person_id"), guardian__user=user)),
        changed=Max("events__at"),
    )


def first_meetings(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    matches = selectors.matches_visible_everywhere(user=user, programmes=user_programmes(user)).filter(
        first_meeting_at__gte=since, first_meeting_at__lt=until)
    for match in with_calendar_facts(matches, user):
        yield first_meeting_event(match, reader=calendar_reader(match, user), last_modified=match.changed)  # type: ignore[attr-defined]


def community_meetings(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    coordinated = [p.pk for p in programmes_with(user, Role.COORDINATOR, Role.ORG_ADMIN)]
    led = [p.pk for p in programmes_with(user, Role.MENTOR)]
    if not coordinated and not led:
        return
    meetings = (CommunityMeeting.objects
                .filter(starts_at__gte=since, starts_at__lt=until)
                .filter(selectors.communities_visible_q(user=user, coordinated=coordinated, led=led,
                                                        prefix="community__"))
                .select_related("community__programme__organisation", "community__volunteer__person"))
    for meeting in meetings:
        community, programme = meeting.community, meeting.community.programme
        start = in_zone(meeting.starts_at, programme)
        url = link("matching:community", org=programme.organisation.slug, prog=programme.slug, pk=community.pk)
        lines = [programme.name, *([meeting.topic] if meeting.topic else []),
                 _("More in Tandem: %(url)s") % {"url": url}]
        yield CalendarEvent(
            uid=event_uid("community-meeting", meeting.pk), title=str(community), start=start,
            end=start + timedelta(minutes=programme.session_minutes), location=meeting.place,
            description="\n".join(lines), url=url,
        )


def events_for(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    yield from first_meetings(user, since=since, until=until)
    yield from community_meetings(user, since=since, until=until)
