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
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from tandem.core import extensions
from tandem.core import selectors as core_selectors
from tandem.core.audit import record_view
from tandem.core.inputs import parse_ids
from tandem.core.languages import language_name
from tandem.core.models import Programme
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import grouped
from tandem.core.versioning import error_text, submit_edit
from tandem.onboarding import selectors, services
from tandem.onboarding.forms import (
    CertificateForm,
    InterviewForm,
    InterviewPlanForm,
    LocationForm,
    ReferencesForm,
    TransitionForm,
    VolunteerForm,
)
from tandem.onboarding.models import (
    TrainingCertificate,
    Volunteer,
    VolunteerDeclaration,
    VolunteerState,
    Workshop,
)
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
    found = selectors.board_volunteers(
        programme=programme, state=state, city=city, language=language, query=query
    )
    page = paginate(request, selectors.in_board_order(found))
    volunteers = page.object_list
    expired = selectors.expired_certificate_ids(
        programme=programme, today=today, among=[v.pk for v in volunteers]
    )
    for volunteer in volunteers:
        volunteer.certificate_expired = volunteer.pk in expired
    counts = selectors.state_counts(programme=programme)
    found_counts = selectors.counts_by_state(found)
    # A page may start or end in the middle of a state: each section shows its rows on this
    # page and how many the state holds under the filters.
    sections = [
        (value, label, [v for v in volunteers if v.state == value], found_counts[value])
        for value, label in VolunteerState.choices
    ]
    context = {
        "programme": programme, "page": page, "sections": [s for s in sections if s[2]],
        "states": [(value, label, counts[value]) for value, label in VolunteerState.choices],
        "total": sum(counts.values()), "found": page.paginator.count,
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
        messages.success(request, ngettext("%(count)s volunteer moved.", "%(count)s volunteers moved.", moved)
                         % {"count": grouped(moved)})
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
    return _detail_page(request, programme, volunteer)


# The forms of a volunteer's page, by the name the template knows them by.
PAGE_FORMS: dict[str, type[VolunteerForm]] = {
    "plan_form": InterviewPlanForm, "interview_form": InterviewForm,
    "references_form": ReferencesForm, "certificate_form": CertificateForm,
    "location_form": LocationForm,
}


def _detail_page(request: HttpRequest, programme: Programme, volunteer: Volunteer,
                 **sent: VolunteerForm) -> HttpResponse:
    """The volunteer's page; ``sent`` replaces one of its forms by the one sent back with what
    was typed (after a refused stale save)."""
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
        # Special-category data: only coordinators reach this page.
        "declaration": VolunteerDeclaration.objects.filter(volunteer=volunteer).first(),
        "transitions": volunteer.transitions.select_related("actor"),
        "registrations": volunteer.registrations.select_related("workshop"),
        "allowed_states": [(s, VolunteerState(s).label) for s in VolunteerState.values
                           if s in services.ALLOWED[volunteer.state]],
        **{name: form_class.for_volunteer(volunteer) for name, form_class in PAGE_FORMS.items()},
        **sent,
        "workshops": Workshop.objects.filter(programme=programme).filter(starts_at__gte=timezone.now()),
        # Who opened the record: every access, paged (as on the person's page).
        "views": paginate(request, core_selectors.person_audit(person=volunteer.person, viewed=True),
                          param="views"),
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
    if not isinstance(form, VolunteerForm):  # a state change: no typed values to keep
        try:
            apply(volunteer, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, done)
        return _to_detail(programme, pk)
    data = {**form.cleaned_data, "expected_version": form.expected_version}
    if submit_edit(form, lambda: apply(volunteer, data), saved=form_class.for_volunteer):
        messages.success(request, done)
        return _to_detail(programme, pk)
    if not form.stale:  # refused for another reason: say why on the page, as before
        messages.error(request, error_text(form))
        return _to_detail(programme, pk)
    # Someone saved the volunteer meanwhile: this form again, with both versions.
    name = next(name for name, cls in PAGE_FORMS.items() if cls is form_class)
    return _detail_page(request, programme, volunteer, **{name: form})


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
            volunteer=v, actor=request.user, expected_version=d["expected_version"], planned_at=d["planned_at"]),
        _("Interview planned; the volunteer gets an e-mail."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def interview(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, InterviewForm,
        lambda v, d: services.screening_record_interview(
            volunteer=v, actor=request.user, expected_version=d["expected_version"], held_on=d["held_on"], notes=d["notes"]),
        _("Interview recorded."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def references(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, ReferencesForm,
        lambda v, d: services.screening_record_references(
            volunteer=v, actor=request.user, expected_version=d["expected_version"], received=d["received"]),
        _("References recorded."),
    )


@require_POST
@programme_view("onboarding.manage_volunteers")
def certificate(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _screening_action(
        request, programme, pk, CertificateForm,
        lambda v, d: services.screening_record_certificate(
            volunteer=v, actor=request.user, expected_version=d["expected_version"], seen_on=d["seen_on"], issued_on=d["issued_on"]),
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
