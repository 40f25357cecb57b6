"""Exchange meetings of mentors: planned by coordinators (invitations, attendance), answered by
mentors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.calendar import one_event_response
from tandem.core.models import Person, Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import file_name, grouped
from tandem.core.versioning import submit_edit
from tandem.support import selectors, services
from tandem.support.calendar import exchange_event
from tandem.support.forms import ExchangeEditForm, ExchangeForm
from tandem.support.models import ExchangeInvitation, ExchangeMeeting
from tandem.support.services import EXCHANGE_FIELDS
from tandem.support.views.staff import posted_id


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def _to_meeting(meeting: ExchangeMeeting) -> HttpResponse:
    return redirect("support:exchange", **_kw(meeting.programme, pk=meeting.pk))


@require_http_methods(["GET", "POST"])
@programme_view("support.exchange")
def exchanges(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Coordinators: every exchange meeting and the form to plan one. Mentors: theirs."""
    coordinator = selectors.is_coordinator(request.user, programme)
    form = ExchangeForm(request.POST or None, programme=programme) if coordinator else None
    if (form is not None and request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.exchange_create(programme=programme, actor=request.user,
                                                            **form.cleaned_data),
            message=_("Exchange meeting planned. Now invite the mentors."), then=_to_meeting))):
        return response
    if coordinator:
        rows: Any = selectors.exchange_meetings(programme=programme)
    else:
        if request.method == "POST":
            raise PermissionDenied
        rows = selectors.my_invitations(programme=programme, user=request.user, upcoming=False).order_by(
            "-meeting__starts_at", "-pk")
    return render(request, "support/exchanges.html", {
        "programme": programme, "coordinator": coordinator, "form": form, "page": paginate(request, rows),
        "now": timezone.now(),
    })


@require_GET
@programme_view("support.exchange")
def exchange(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    coordinator = selectors.is_coordinator(request.user, programme)
    mine = None
    if not coordinator:
        person = selectors.me(request.user, programme)
        mine = meeting.invitations.filter(person=person).first() if person else None
        if mine is None:
            raise PermissionDenied
    invited = selectors.invitations(meeting) if coordinator else []
    # A meeting for a site is for its mentors: they are listed, ticked; the others on request.
    everywhere = meeting.site is None or request.GET.get("everywhere") == "1"
    to_invite = list(selectors.mentors_to_invite(programme=programme, meeting=meeting, everywhere=everywhere)) \
        if coordinator else []
    site_city = meeting.site.city.casefold() if meeting.site else None
    return render(request, "support/exchange.html", {
        "programme": programme, "meeting": meeting, "coordinator": coordinator, "mine": mine,
        "invited": invited, "started": meeting.starts_at <= timezone.now(),
        "to_invite": to_invite, "everywhere": everywhere,
        "ticked": {p.pk for p in to_invite if site_city is not None and p.city.casefold() == site_city},
        "taken": sum(1 for i in invited if i.answer == ExchangeInvitation.Answer.YES),
    })


def _edit_form(meeting: ExchangeMeeting, data: Any = None) -> ExchangeEditForm:
    return ExchangeEditForm(data, programme=meeting.programme, version=meeting.version,
                            initial={name: getattr(meeting, name) for name in EXCHANGE_FIELDS})


@require_http_methods(["GET", "POST"])
@programme_view("support.manage")
def exchange_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    form = _edit_form(meeting, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.exchange_update(meeting=meeting, actor=request.user,
                                                   expected_version=form.expected_version, **form.cleaned_data),
            saved=lambda stored: _edit_form(stored)):
        messages.success(request, _("Changes saved."))
        return _to_meeting(meeting)
    return render(request, "support/exchange_edit.html", {"programme": programme, "meeting": meeting, "form": form})


@require_POST
@programme_view("support.manage")
def invite(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    ids = [i for v in request.POST.getlist("person") if (i := posted_id(v)) is not None]
    people = list(Person.objects.filter(organisation=programme.organisation, pk__in=ids))
    if not people:
        messages.error(request, _("Tick the mentors to invite."))
        return _to_meeting(meeting)
    try:
        n = services.exchange_invite(meeting=meeting, people=people, actor=request.user)
        messages.success(request, _("Invitations sent: %(n)s.") % {"n": grouped(n)})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_meeting(meeting)


@require_POST
@programme_view("support.manage")
def attendance(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    ids = [i for v in request.POST.getlist("attended") if (i := posted_id(v)) is not None]
    try:
        services.exchange_attendance(meeting=meeting, attended=ids, actor=request.user)
        messages.success(request, _("Attendance saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_meeting(meeting)


@require_POST
@programme_view("support.exchange")
def answer(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    person = selectors.me(request.user, programme)
    if person is None or not meeting.invitations.filter(person=person).exists():
        raise PermissionDenied
    try:
        services.exchange_answer(meeting=meeting, person=person, answer=request.POST.get("answer", ""),
                                 actor=request.user)
        messages.success(request, _("Thank you for your answer."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_meeting(meeting)


@require_GET
@programme_view("support.exchange")
def exchange_ics(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    meeting = selectors.exchange_meeting(programme=programme, pk=pk)
    if not selectors.is_coordinator(request.user, programme):
        person = selectors.me(request.user, programme)
        if person is None or not meeting.invitations.filter(person=person).exists():
            raise PermissionDenied
    return one_event_response(exchange_event(meeting), filename=file_name(pgettext("file name", "exchange meeting"), meeting.pk) + ".ics")
