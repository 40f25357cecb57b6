"""Exchange meetings in mentors' calendars (``tandem.core.calendar``): every meeting a mentor is
invited to and did not decline; a cancelled one stays, marked cancelled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tandem.core.calendar import CalendarEvent, event_uid, in_zone, link, programmes_with
from tandem.core.models import Role
from tandem.support.models import ExchangeInvitation, ExchangeMeeting


def exchange_event(meeting: ExchangeMeeting) -> CalendarEvent:
    programme = meeting.programme
    url = link("support:exchange", org=programme.organisation.slug, prog=programme.slug, pk=meeting.pk)
    cancelled = meeting.cancelled_at is not None
    start = in_zone(meeting.starts_at, programme)
    lines = [programme.name, str(meeting.get_kind_display()), *([meeting.online_link] if meeting.online_link else []),
             _("More in Tandem: %(url)s") % {"url": url}]
    return CalendarEvent(
        uid=event_uid("exchange", meeting.pk),
        title=_("%(kind)s: %(topic)s") % {"kind": meeting.get_kind_display(), "topic": meeting.topic},
        start=start, end=start + timedelta(minutes=meeting.minutes),
        location=meeting.place or meeting.online_link, description="\n".join(lines), url=url,
        status="CANCELLED" if cancelled else "CONFIRMED", sequence=meeting.version,
    )


def events_for(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    programmes = programmes_with(user, Role.MENTOR)
    if not programmes:
        return
    invitations = (ExchangeInvitation.objects.filter(
        person__user=user, meeting__programme__in=programmes, meeting__starts_at__gte=since,
        meeting__starts_at__lt=until).filter(~Q(answer=ExchangeInvitation.Answer.NO))
        .select_related("meeting__programme__organisation"))
    for invitation in invitations:
        yield exchange_event(invitation.meeting)
