"""A coordinator answers one person's access request, or erases them."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.audit import audit_record, recent_views, record_view
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import AuditEvent, Person, Programme
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.privacy import exports, selectors, services
from tandem.privacy.forms import EraseForm
from tandem.privacy.pdf import export_pdf


def _person_or_404(programme: Programme, pk: int) -> Person:
    try:
        return selectors.programme_person(programme=programme, pk=pk)
    except Person.DoesNotExist as exc:
        raise Http404 from exc


def _acting_on(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> Person:
    person = _person_or_404(programme, pk)
    if not selectors.may_act_on(request.user, person):
        # The person takes part in a programme this coordinator does not run.
        raise PermissionDenied
    return person


def _summary(export: exports.Export) -> list[dict[str, object]]:
    return [{"title": s.title, "rows": len(s.rows), "erase": s.erase, "organisation": s.organisation}
            for s in export.sections]


@require_GET
@programme_view("privacy.manage")
def person_privacy(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    person = _person_or_404(programme, pk)
    allowed = selectors.may_act_on(request.user, person)
    if allowed:
        record_view(user=request.user, programme=programme, person=person)
    return render(request, "privacy/person.html", {
        "programme": programme, "person": person, "allowed": allowed,
        "sections": _summary(exports.person_export(person, language=get_language())) if allowed
        else [],
        "views": recent_views(person=person) if allowed else [],
        "programmes": selectors.person_programmes(person),
    })


def _download(export: exports.Export, fmt: str) -> HttpResponse:
    stem = file_name(export.name) or "person"  # "jonas-krueger" for a German reader
    day = timezone.localdate().isoformat()
    if fmt == "pdf":
        response = HttpResponse(export_pdf(export), content_type="application/pdf")
    else:
        body = json.dumps(export.as_json(), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tandem-{stem}-{day}.{fmt}"'
    return response


def _export(request: AuthenticatedHttpRequest, programme: Programme, pk: int, fmt: str) -> HttpResponse:
    person = _acting_on(request, programme, pk)
    export = exports.person_export(person)
    audit_record(
        organisation=programme.organisation, programme=programme, actor=request.user,
        person=person, action=AuditEvent.Action.EXPORTED, subject=f"person:{person.pk}",
    )
    return _download(export, fmt)


@require_GET
@programme_view("privacy.manage")
def person_export_json(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _export(request, programme, pk, "json")


@require_GET
@programme_view("privacy.manage")
def person_export_pdf(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    return _export(request, programme, pk, "pdf")


def _erased_by(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> bool:
    """Whether the person was erased, by this user (a repeated post of their own request)."""
    return Person.objects.filter(pk=pk, organisation_id=programme.organisation_id,
                                 erased_at__isnull=False, erasures__by=request.user).exists()


def _erased(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    messages.success(request, _("The person was erased. Only the fact that you erased "
                                "them, and when, is kept."))
    return redirect("core:people", org=programme.organisation.slug, prog=programme.slug)


@require_http_methods(["GET", "POST"])
@programme_view("privacy.manage")
def person_erase(request: AuthenticatedHttpRequest, programme: Programme, pk: int) -> HttpResponse:
    if request.method == "POST" and _erased_by(request, programme, pk):
        # Sent twice (a double click): the first one erased them.
        return _erased(request, programme)
    person = _acting_on(request, programme, pk)
    form = EraseForm(request.POST or None, name=person.full_name)
    errors = services.erase_errors(person=person, actor=request.user)
    if request.method == "POST" and not errors and form.is_valid():
        try:
            services.person_erase(person=person, actor=request.user, programme=programme)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _erased(request, programme)
    if request.method == "POST" and _erased_by(request, programme, pk):
        # Sent twice at once: the other post erased them while this one was being checked (or
        # waited for its lock). The person sees where the first post led, without an error.
        return _erased(request, programme)
    return render(request, "privacy/erase.html", {
        "programme": programme, "person": person, "form": form, "errors": errors,
        "sections": _summary(exports.person_export(person, language=get_language())),
    })
