"""Import and export of learners: core's shared upload → preview → confirm page."""

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
from tandem.intake.importing import LearnerSpec


def _url(name: str, programme: Programme) -> str:
    return reverse(name, kwargs={"org": programme.organisation.slug, "prog": programme.slug})


@require_http_methods(["GET", "POST"])
@programme_view("intake.manage_learners")
def learner_import(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return import_page(
        request, programme=programme, spec=LearnerSpec(programme), kind="learners",
        title=_("Import learners"), done_url=_url("intake:learners", programme),
        template_url=_url("intake:learner_template", programme),
        export_url=_url("intake:learner_export", programme),
    )


@require_GET
@programme_view("intake.manage_learners")
def learner_template(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return table_download(spec=LearnerSpec(programme), rows=[], filename=file_name(pgettext("file name", "learners template")),
                          file_format=request.GET.get("format", "csv"))


@require_GET
@programme_view("intake.manage_learners")
def learner_export(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    spec = LearnerSpec(programme)
    return table_download(spec=spec, rows=list(spec.export_rows()),
                          filename=file_name(pgettext("file name", "learners"), programme.slug),
                          file_format=request.GET.get("format", "csv"))
