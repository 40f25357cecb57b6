"""School indicators: the list and the form to record one (coordinators), and the import."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.import_views import import_page, table_download
from tandem.core.models import Programme
from tandem.core.naming import person_label
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.intake.models import Learner
from tandem.outcomes import selectors, services
from tandem.outcomes.forms import IndicatorForm
from tandem.outcomes.importing import IndicatorSpec


def _url(name: str, programme: Programme) -> str:
    return reverse(name, kwargs={"org": programme.organisation.slug, "prog": programme.slug})


def _learners(programme: Programme) -> list[tuple[int, str]]:
    rows = (Learner.objects.filter(programme=programme, state__in=("matched", "completed", "left", "waiting"))
            .select_related("person").order_by("person__family_name", "person__given_name", "pk"))
    return [(learner.pk, person_label(learner.person)) for learner in rows]


@require_http_methods(["GET", "POST"])
@programme_view("outcomes.manage_results")
def indicators(request: HttpRequest, programme: Programme) -> HttpResponse:
    settings = selectors.outcome_settings(programme)
    form = IndicatorForm(request.POST or None, learners=_learners(programme))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        learner = Learner.objects.select_related("programme", "person").filter(
            programme=programme, pk=data["learner"]).first()
        if learner is None:
            raise Http404
        if response := create_once(
                request, form, lambda: services.indicator_record(
                    learner=learner, actor=request.user, kind=data["kind"], measured_on=data["measured_on"],
                    number=data.get("number"), code=data.get("code") or "", months_after=data.get("months_after")),
                message=_("Indicator recorded."), then=lambda _row: redirect(_url("outcomes:indicators", programme))):
            return response
    page = paginate(request, selectors.indicators(programme=programme))
    return render(request, "outcomes/indicators.html", {"programme": programme, "form": form, "page": page,
                                                        "settings": settings})


@require_http_methods(["GET", "POST"])
@programme_view("outcomes.manage_results")
def indicators_import(request: AuthenticatedHttpRequest, programme: Programme) -> HttpResponse:
    return import_page(
        request, programme=programme, spec=IndicatorSpec(programme), kind="school_indicators",
        title=_("Import school indicators"), done_url=_url("outcomes:indicators", programme),
        template_url=reverse("outcomes:indicators_table", kwargs={
            "org": programme.organisation.slug, "prog": programme.slug, "fmt": "template"}),
        export_url=reverse("outcomes:indicators_table", kwargs={
            "org": programme.organisation.slug, "prog": programme.slug, "fmt": "export"}))


@require_GET
@programme_view("outcomes.manage_results")
def indicators_table(request: HttpRequest, programme: Programme, fmt: str) -> HttpResponse:
    if fmt not in ("template", "export"):
        raise Http404
    spec = IndicatorSpec(programme)
    rows = list(spec.export_rows()) if fmt == "export" else []
    return table_download(spec=spec, rows=rows, filename=f"school-indicators-{programme.slug}",
                          file_format=request.GET.get("format", "csv"))
