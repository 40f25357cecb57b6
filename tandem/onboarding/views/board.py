"""Coordinators' pages: the pipeline board and one volunteer's screening."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tandem.core import extensions
from tandem.core.audit import recent_views, record_view
from tandem.core.inputs import parse_ids
from tandem.core.languages import language_name
from tandem.core.models import Programme
from tandem.core.scoping import programme_view
from tandem.onboarding import selectors, services
from tandem.onboarding.forms import (
    CertificateForm,
    InterviewForm,
    InterviewPlanForm,
    LocationForm,
    ReferencesForm,
    TransitionForm,
)
from tandem.onboarding.models import TrainingCertificate, Volunteer, VolunteerState, Workshop
from tandem.onboarding.screening import (
    certificate_name,
    certificate_status,
    missing_items,
    training_hours,
)


def _volunteer_or_404(programme: Programme, pk: int) -> Volunteer:
    try:
        return selectors.programme_volunteer(programme=programme, pk=pk)
    except Volunteer.DoesNotExist as exc:
        raise Http404 from exc


def _to_detail(programme: Programme, pk: int) -> HttpResponse:
    return redirect("onboarding:volunteer", org=programme.organisation.slug, prog=programme.slug,
                    pk=pk)


@require_GET
@programme_view("onboarding.manage_volunteers")
def board(request: HttpRequest, programme: Programme) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in VolunteerState.values else ""
    city = request.GET.get("city", "").strip()
    language = request.GET.get("language", "").strip().lower()
    query = request.GET.get("q", "").strip()
    today = timezone.localdate()
    volunteers = list(selectors.board_volunteers(
        programme=programme, state=state, city=city, language=language, query=query
    )[:500])
    expired = selectors.expired_certificate_ids(programme=programme, today=today)
    for volunteer in volunteers:
        volunteer.certificate_expired = volunteer.pk in expired  # type: ignore[attr-defined]
    counts = selectors.state_counts(programme=programme)
    sections = [
        (value, label, [v for v in volunteers if v.state == value])
        for value, label in VolunteerState.choices
    ]
    context = {
        "programme": programme, "sections": [s for s in sections if s[2]],
        "states": [(value, label, counts[value]) for value, label in VolunteerState.choices],
        "total": sum(counts.values()), "shown": len(volunteers),
        "state": state, "city": city, "language": language, "query": query,
        "cities": selectors.cities(programme=programme),
        "languages": [(code, language_name(code)) for code in selectors.spoken_languages(programme=programme)],
        "transition_form": TransitionForm(),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "onboarding/board.html#results", context)
    return render(request, "onboarding/board.html", context)


@require_POST
@programme_view("onboarding.manage_volunteers")
def bulk_transition(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = TransitionForm(request.POST)
    ids = parse_ids(request.POST.getlist("volunteers"))
    back = redirect("onboarding:board", org=programme.organisation.slug, prog=programme.slug)
    if not form.is_valid() or not ids:
        messages.error(request, _("Select volunteers and the state to move them to."))
        return back
    moved, refused = 0, []
    for volunteer in Volunteer.objects.filter(programme=programme).filter(pk__in=ids).select_related("person"):
        try:
            services.volunteer_transition(
                volunteer=volunteer, to_state=form.cleaned_data["to_state"], actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            moved += 1
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
    if moved:
        messages.success(request, _("%(count)s volunteers moved.") % {"count": moved})
    for reason in refused:
        messages.error(request, reason)
    return back


@require_GET
@programme_view("onboarding.manage_volunteers")
def volunteer_detail(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    volunteer = _volunteer_or_404(programme, pk)
    # The safeguarding check is on this page: who opened it is kept (docs/privacy.md).
    record_view(user=request.user, programme=programme, person=volunteer.person,
                subject=f"volunteer:{volunteer.pk}")
    today = timezone.localdate()
    certificate = TrainingCertificate.objects.filter(volunteer=volunteer).first()
    context = {
        "programme": programme, "volunteer": volunteer, "person": volunteer.person,
        "missing": missing_items(volunteer, today=today),
        "hours": training_hours(volunteer),
        "hours_required": programme.requirement("training_hours_required"),
        "references_required": programme.requirement("references_required"),
        "interview_required": programme.requirement("interview_required"),
        "certificate_required": programme.requirement("safeguarding_certificate_required"),
        "certificate_name": certificate_name(programme),
        "certificate": certificate_status(volunteer, today=today),
        "training_certificate": certificate,
        "transitions": volunteer.transitions.select_related("actor"),
        "registrations": volunteer.registrations.select_related("workshop"),
        "allowed_states": [(s, VolunteerState(s).label) for s in VolunteerState.values
                           if s in services.ALLOWED[volunteer.state]],
        "plan_form": InterviewPlanForm(initial={"planned_at": volunteer.interview_planned_at}),
        "interview_form": InterviewForm(initial={"held_on": volunteer.interview_held_on,
                                                 "notes": volunteer.interview_notes}),
        "references_form": ReferencesForm(initial={"received": volunteer.references_received}),
        "certificate_form": CertificateForm(initial={"seen_on": volunteer.certificate_seen_on,
                                                     "issued_on": volunteer.certificate_issued_on}),
        "location_form": LocationForm(initial={"latitude": volunteer.latitude,
                                               "longitude": volunteer.longitude,
                                               "capacity": volunteer.capacity}),
        "workshops": Workshop.objects.filter(programme=programme).filter(starts_at__gte=timezone.now()),
        "views": recent_views(person=volunteer.person),
        "person_panels": extensions.person_panels(request=request, programme=programme,
                                                  person=volunteer.person),
    }
    return render(request, "onboarding/volunteer_detail.html", context)


def _screening_action(
    request: HttpRequest, programme: Programme, pk: int, form_class: type[Any],
    apply: Callable[[Volunteer, dict[str, Any]], Any], done: str,
) -> HttpResponse:
    volunteer = _volunteer_or_404(programme, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _to_detail(programme, pk)
    try:
        apply(volunteer, form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return _to_detail(programme, pk)


@require_POST
@programme_view("onboarding.manage_volunteers")
def transition(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, TransitionForm,
        lambda v, d: services.volunteer_transition(
            volunteer=v, to_state=d["to_state"], actor=request.user, reason=d["reason"]),
        _("State changed."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def interview_plan(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, InterviewPlanForm,
        lambda v, d: services.screening_plan_interview(
            volunteer=v, actor=request.user, planned_at=d["planned_at"]),
        _("Interview planned; the volunteer gets an e-mail."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def interview(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, InterviewForm,
        lambda v, d: services.screening_record_interview(
            volunteer=v, actor=request.user, held_on=d["held_on"], notes=d["notes"]),
        _("Interview recorded."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def references(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, ReferencesForm,
        lambda v, d: services.screening_record_references(
            volunteer=v, actor=request.user, received=d["received"]),
        _("References recorded."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def certificate(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, CertificateForm,
        lambda v, d: services.screening_record_certificate(
            volunteer=v, actor=request.user, seen_on=d["seen_on"], issued_on=d["issued_on"]),
        _("Certificate recorded as seen and verified by you."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def location(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, LocationForm,
        lambda v, d: services.volunteer_update(volunteer=v, actor=request.user, **d),
        _("Changes saved."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def remind(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    volunteer = _volunteer_or_404(programme, pk)
    if services.volunteer_send_missing_items(volunteer=volunteer, actor=request.user):
        messages.success(request, _("The volunteer gets an e-mail listing what is missing."))
    else:
        messages.info(request, _("Nothing is missing."))
    return _to_detail(programme, pk)
