"""A signed-in person downloads what Tandem holds about them (GDPR art. 15 and 20)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from tandem.core import selectors as core_selectors
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.models import Role
from tandem.privacy import exports
from tandem.privacy.views.people import _download


def _language(request: AuthenticatedHttpRequest) -> str:
    return request.user.language or get_language() or "en"


@require_GET
def my_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    export = exports.account_export(request.user, language=_language(request))
    return render(request, "privacy/my_data.html", {
        "sections": [{"title": s.title, "rows": len(s.rows), "organisation": s.organisation}
                     for s in export.sections],
        "contacts": _contacts(request),
    })


def _contacts(request: AuthenticatedHttpRequest) -> list[tuple[str, list[object]]]:
    """Whom to write to have one's data corrected or erased: the coordinators of each programme
    the person takes part in (not where they are a coordinator themselves)."""
    return [(programme.name, list(core_selectors.coordinators_of(programme=programme)))
            for programme, roles in core_selectors.programmes_for_user(request.user)
            if not roles & {Role.COORDINATOR, Role.ORG_ADMIN}]


@require_GET
def my_data_json(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _download(exports.account_export(request.user, language=_language(request)), "json")


@require_GET
def my_data_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _download(exports.account_export(request.user, language=_language(request)), "pdf")
