"""Organisation admins audit who opened which record across the organisation."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core.models import Organisation
from tandem.core.scoping import organisation_view
from tandem.privacy import selectors
from tandem.privacy.forms import AccessFilterForm

PER_PAGE = 50


@require_GET
@organisation_view("privacy.audit_access")
def access_log(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    form = AccessFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    events = selectors.access_log(organisation=organisation, **filters)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/access_log.html", {
        "organisation": organisation, "form": form, "page": page, "query": query.urlencode(),
    })
