"""Import and export of volunteers (CSV/XLSX), on core's shared import page."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.import_views import import_page, table_download
from tandem.core.models import Programme
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.onboarding.importing import VolunteerSpec


def _url(name: str, programme: Programme) -> str:
    return reverse(name, kwargs={"org": programme.organisation.slug, "prog": programme.slug})


@require_http_methods(["GET", "POST"])
@programme_view("onboarding.manage_volunteers")
def volunteer_import(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return import_page(
        request, programme=programme, spec=VolunteerSpec(programme), kind="volunteers",
        title=_("Import volunteers"), done_url=_url("onboarding:board", programme),
        template_url=_url("onboarding:import_template", programme),
        export_url=_url("onboarding:export", programme),
        note=_("Importing creates no log-in and sends no e-mail. To let a volunteer log in, invite them "
               "from Invitations with the same e-mail address."),
    )


@require_GET
@programme_view("onboarding.manage_volunteers")
def import_template(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return table_download(spec=VolunteerSpec(programme), rows=[], filename=file_name(pgettext("file name", "volunteers template")),
                          file_format=request.GET.get("format", "csv"))


@require_GET
@programme_view("onboarding.manage_volunteers")
def export(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    spec = VolunteerSpec(programme)
    return table_download(spec=spec, rows=list(spec.export_rows()),
                          filename=file_name(pgettext("file name", "volunteers"), programme.slug),
                          file_format=request.GET.get("format", "csv"))
