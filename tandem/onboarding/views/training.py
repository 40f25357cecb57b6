"""Coordinators' training pages: workshops, registrations, waiting list and attendance."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.calendar import one_event_response
from tandem.core.inputs import parse_id, parse_ids
from tandem.core.models import Programme
from tandem.core.naming import for_labels
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.roles import is_coordinator
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.core.versioning import error_text, submit_edit
from tandem.onboarding import selectors, services
from tandem.onboarding.calendar import workshop_event_for
from tandem.onboarding.forms import AttendanceForm, WorkshopForm
from tandem.onboarding.models import (
    Registration,
    TrainingCertificate,
    Volunteer,
    VolunteerState,
    Workshop,
)


def _workshop_or_404(programme: Programme, pk: int) -> Workshop:
    workshop = Workshop.objects.filter(programme=programme).filter(pk=pk).first()
    if workshop is None:
        raise Http404
    return workshop


def _to_workshop(programme: Programme, pk: int) -> HttpResponse:
    return redirect("onboarding:workshop", org=programme.organisation.slug, prog=programme.slug,
                    pk=pk)


@require_http_methods(["GET", "POST"])
@programme_view("onboarding.manage_volunteers")
def workshops(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = WorkshopForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.workshop_create(programme=programme, actor=request.user, **form.cleaned_data),
        message=_("Workshop added."),
        then=lambda workshop: _to_workshop(programme, workshop.pk),
    )):
        return response
    page = paginate(request, selectors.programme_workshops(programme=programme))
    context = {
        "programme": programme, "form": form, "page": page, "workshops": page.object_list,
        "hours_required": programme.requirement("training_hours_required"),
    }
    return render(request, "onboarding/workshops.html", context)


@require_GET
@programme_view("onboarding.manage_volunteers")
def workshop_detail(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _detail_page(request, programme, _workshop_or_404(programme, pk))


def _detail_page(request: HttpRequest, programme: Programme, workshop: Workshop,
                 attendance_form: AttendanceForm | None = None) -> HttpResponse:
    registrations = list(
        workshop.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("volunteer__person")
    )
    registered = {r.volunteer_id for r in registrations}
    candidates = Volunteer.objects.filter(programme=programme).filter(
        state__in=[VolunteerState.SCREENING, VolunteerState.TRAINING, VolunteerState.READY,
                   VolunteerState.ACTIVE, VolunteerState.APPLIED, VolunteerState.PAUSED]
    ).exclude(pk__in=registered)
    booked = [r for r in registrations if r.status == Registration.Status.BOOKED]
    context = {
        "programme": programme, "workshop": workshop,
        "attendance_form": attendance_form or AttendanceForm(workshop=workshop, booked=booked),
        "booked": booked,
        "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
        "candidates": for_labels(candidates, institution=False, also=("state",)),
    }
    return render(request, "onboarding/workshop_detail.html", context)


@require_POST
@programme_view("onboarding.manage_volunteers")
def workshop_register(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    workshop = _workshop_or_404(programme, pk)
    volunteer_id = parse_id(request.POST.get("volunteer"))
    volunteer = Volunteer.objects.filter(programme=programme).filter(pk=volunteer_id).select_related(
        "person").first() if volunteer_id else None
    if volunteer is None:
        messages.error(request, _("Choose a volunteer."))
        return _to_workshop(programme, pk)
    try:
        registration = services.registration_book(
            workshop=workshop, volunteer=volunteer, actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if registration.status == Registration.Status.BOOKED:
            messages.success(request, _("%(name)s is booked.") % {"name": volunteer.person.full_name})
        else:
            messages.info(request, _("The workshop is full: %(name)s is on the waiting list.")
                          % {"name": volunteer.person.full_name})
    return _to_workshop(programme, pk)


@require_POST
@programme_view("onboarding.manage_volunteers")
def registration_cancel(
    request: HttpRequest, programme: Programme, pk: int, registration: int
) -> HttpResponse:
    workshop = _workshop_or_404(programme, pk)
    found = workshop.registrations.filter(pk=registration).first()
    if found is None:
        raise Http404
    promoted = services.registration_cancel(registration=found, actor=request.user)
    messages.success(request, _("Registration cancelled."))
    if promoted is not None:
        messages.info(request, _("%(name)s moved up from the waiting list.")
                      % {"name": promoted.volunteer.person.full_name})
    return _to_workshop(programme, pk)


@require_POST
@programme_view("onboarding.manage_volunteers")
def attendance(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    workshop = _workshop_or_404(programme, pk)
    # Ids are parsed by hand (ASCII digits, see core.inputs); the form carries the version and
    # shows the ticks back after a refused stale save.
    attended = set(parse_ids(request.POST.getlist("attended")))
    form = AttendanceForm(request.POST, workshop=workshop)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _to_workshop(programme, pk)
    issued: list[TrainingCertificate] = []

    def save() -> None:
        issued.extend(services.attendance_mark(workshop=workshop, attended=attended, actor=request.user,
                                               expected_version=form.expected_version))

    if not submit_edit(form, save, saved=lambda row: AttendanceForm(workshop=row)):
        if form.stale:  # saved meanwhile by someone else: both versions, the ticks kept
            return _detail_page(request, programme, workshop, attendance_form=form)
        messages.error(request, error_text(form))
        return _to_workshop(programme, pk)
    messages.success(request, _("Attendance saved."))
    for certificate in issued:
        messages.info(
            request,
            _("%(name)s completed the training; their certificate was e-mailed.")
            % {"name": certificate.volunteer.person.full_name},
        )
    return _to_workshop(programme, pk)


@require_GET
@programme_view("onboarding.workshop_calendar")
def workshop_ics(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """The workshop as a one-off ``.ics`` file: for coordinators, and for a mentor registered on
    it (booked, waiting or cancelled, as their calendar feed shows it); anyone else 404."""
    event = workshop_event_for(request.user, programme=programme, pk=pk,
                               coordinator=is_coordinator(request.user, programme))
    if event is None:
        raise Http404
    return one_event_response(event, filename=file_name(pgettext("file name", "workshop"), pk) + ".ics")
