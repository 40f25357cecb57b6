"""School indicators: the list and the form to record one (coordinators), and the import."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.import_views import import_page, table_download
from tandem.core.models import Programme
from tandem.core.naming import person_label
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.core.versioning import EditConflict, submit_edit
from tandem.intake.models import Learner
from tandem.outcomes import selectors, services
from tandem.outcomes.forms import IndicatorEditForm, IndicatorForm
from tandem.outcomes.importing import IndicatorSpec
from tandem.outcomes.models import SchoolIndicator


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
    form = IndicatorForm(request.POST or None, learners=_learners(programme), group=programme.is_group)
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
    return table_download(spec=spec, rows=rows, filename=file_name(pgettext("file name", "school indicators"), programme.slug),
                          file_format=request.GET.get("format", "csv"))


def _indicator_or_404(programme: Programme, pk: int) -> SchoolIndicator:
    found = (SchoolIndicator.objects.filter(learner__programme=programme, pk=pk)
             .select_related("learner__person", "learner__programme__organisation").first())
    if found is None:
        raise Http404
    return found


@require_http_methods(["GET", "POST"])
@programme_view("outcomes.manage_results")
def indicator_edit(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """Correct a recorded value, or delete it (with a confirmation); only with the recorded consent."""
    row = _indicator_or_404(programme, pk)
    allowed = selectors.may_record_school_data(row.learner)
    form = IndicatorEditForm.for_indicator(row, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.indicator_update(
                indicator=row, actor=request.user, expected_version=form.expected_version, **form.cleaned_data),
            saved=IndicatorEditForm.for_indicator):
        messages.success(request, _("Changes saved."))
        return redirect(_url("outcomes:indicators", programme))
    return render(request, "outcomes/indicator.html", {
        "programme": programme, "indicator": row, "form": form, "allowed": allowed,
        "learner": person_label(row.learner.person)})


@require_POST
@programme_view("outcomes.manage_results")
def indicator_delete(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    listing = redirect(_url("outcomes:indicators", programme))
    row = SchoolIndicator.objects.filter(learner__programme=programme, pk=pk).select_related(
        "learner__person", "learner__programme__organisation").first()
    if row is None:  # a second tap on *Delete*, or another coordinator was quicker
        messages.info(request, _("This value no longer exists."))
        return listing
    back = redirect("outcomes:indicator", org=programme.organisation.slug, prog=programme.slug, pk=row.pk)
    version = request.POST.get("version", "")
    if request.POST.get("confirm") != "yes" or not (version.isascii() and version.isdigit() and len(version) < 18):
        messages.error(request, _("Confirm that you want to delete this value."))
        return back
    try:
        services.indicator_delete(indicator=row, actor=request.user, expected_version=int(version))
    except EditConflict as conflict:
        messages.error(request, conflict.messages[0])
        return back if conflict.current is not None else listing
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return back
    messages.success(request, _("Value deleted."))
    return listing
