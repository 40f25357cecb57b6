"""The onboarding app's dates in people's calendars (``tandem.core.calendar``): training
workshops, for the programme's coordinators (every workshop) and for mentors booked on one or
on its waiting list (their own registrations, a cancelled one shown as cancelled)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tandem.core.calendar import CalendarEvent, event_uid, in_zone, link, programmes_with
from tandem.core.models import Role
from tandem.onboarding.models import Registration, RegistrationStatus, Workshop

STATUS = {
    RegistrationStatus.BOOKED: "CONFIRMED",
    RegistrationStatus.WAITING: "TENTATIVE",
    RegistrationStatus.CANCELLED: "CANCELLED",
}


def with_bookings(workshops: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return workshops.select_related("programme__organisation").annotate(
        booked=Count("registrations", filter=Q(registrations__status=RegistrationStatus.BOOKED)))


def workshop_event(workshop: Workshop, *, registration: Registration | None = None) -> CalendarEvent:
    """The workshop for a coordinator (``registration`` None; the workshop annotated by
    ``with_bookings``) or for the volunteer of ``registration``."""
    programme = workshop.programme
    start = in_zone(workshop.starts_at, programme)
    kwargs = {"org": programme.organisation.slug, "prog": programme.slug}
    lines = [programme.name]
    if workshop.trainer:
        lines.append(_("Trainer: %(name)s") % {"name": workshop.trainer})
    if registration is None:
        url = link("onboarding:workshop", pk=workshop.pk, **kwargs)
        lines.append(_("Places booked: %(booked)s of %(places)s") % {
            "booked": getattr(workshop, "booked", 0), "places": workshop.capacity})
        status = "CONFIRMED"
    else:
        url = link("onboarding:me", **kwargs)
        status = STATUS[RegistrationStatus(registration.status)]
        if status == "TENTATIVE":
            lines.append(_("You are on the waiting list: we will tell you when a place is free."))
        elif status == "CANCELLED":
            lines.append(_("Your place in this workshop was cancelled."))
    lines.append(_("More in Tandem: %(url)s") % {"url": url})
    return CalendarEvent(
        uid=event_uid("workshop", workshop.pk), title=_("Workshop: %(title)s") % {"title": workshop.title},
        start=start, end=start + timedelta(hours=float(workshop.hours)), location=workshop.place,
        description="\n".join(lines), url=url, status=status,
    )


def volunteer_registrations(user: Any, programme_ids: list[int]) -> QuerySet[Registration]:
    """``user``'s own registrations in the programmes where they are a mentor."""
    return (Registration.objects.filter(volunteer__person__user=user, volunteer__programme_id__in=programme_ids)
            .select_related("workshop__programme__organisation"))


def events_for(user: Any, *, since: datetime, until: datetime) -> Iterator[CalendarEvent]:
    coordinated = [p.pk for p in programmes_with(user, Role.COORDINATOR, Role.ORG_ADMIN)]
    if coordinated:
        workshops = Workshop.objects.filter(programme_id__in=coordinated, starts_at__gte=since, starts_at__lt=until)
        for workshop in with_bookings(workshops):
            yield workshop_event(workshop)
    mentoring = [p.pk for p in programmes_with(user, Role.MENTOR)]
    if mentoring:
        registrations = volunteer_registrations(user, mentoring).filter(
            workshop__starts_at__gte=since, workshop__starts_at__lt=until)
        for registration in registrations:
            yield workshop_event(registration.workshop, registration=registration)


def workshop_event_for(user: Any, *, programme: Any, pk: int, coordinator: bool) -> CalendarEvent | None:
    """Workshop ``pk`` of ``programme`` as ``user`` may see it (the one-off ``.ics``): every
    workshop for a coordinator, else only one they are or were registered on."""
    if coordinator:
        workshop = with_bookings(Workshop.objects.filter(programme=programme, pk=pk)).first()
        return workshop_event(workshop) if workshop is not None else None
    rank = {"CONFIRMED": 0, "TENTATIVE": 1, "CANCELLED": 2}
    registrations = sorted(volunteer_registrations(user, [programme.pk]).filter(workshop_id=pk),
                           key=lambda r: rank[STATUS[RegistrationStatus(r.status)]])
    return workshop_event(registrations[0].workshop, registration=registrations[0]) if registrations else None
