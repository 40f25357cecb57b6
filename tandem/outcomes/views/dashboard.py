"""The programme's results dashboard (coordinators exact, observers suppressed), the equal-
participation monitor, the funder report downloads, the coordinators' exports and settings, and
the organisation's cross-programme dashboard (organisation admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.apprentices import learners_are_apprentices
from tandem.core.import_views import table_download
from tandem.core.inputs import parse_id
from tandem.core.models import Organisation, Programme, Role
from tandem.core.roles import is_admin_of_organisation, roles_for
from tandem.core.scoping import organisation_view, programme_view
from tandem.core.text import file_name
from tandem.core.versioning import submit_edit
from tandem.outcomes import funder, report, selectors, services
from tandem.outcomes.forms import SettingsForm
from tandem.outcomes.importing import IndicatorSpec, TableSpec
from tandem.outcomes.models import SurveyResponse

COORDINATOR_ROLES = frozenset({Role.COORDINATOR, Role.ORG_ADMIN})


def is_coordinator(request: HttpRequest, programme: Programme) -> bool:
    return bool(roles_for(request.user, programme) & COORDINATOR_ROLES)


def _filters(request: HttpRequest, programme: Programme) -> selectors.Filters:
    sites = {s.pk for s in programme.sites.all()}
    partners = {p.pk for p in programme.partners.all()}
    site = parse_id(request.GET.get("site"))
    partner = parse_id(request.GET.get("partner"))
    cycle = request.GET.get("cycle", "")[:9]
    return selectors.Filters(cycle=cycle if len(cycle) == 9 and cycle[4] == "-" else "",
                             site=site if site in sites else None, partner=partner if partner in partners else None)


@require_GET
@programme_view("outcomes.view_results")
def dashboard(request: HttpRequest, programme: Programme) -> HttpResponse:
    coordinator = is_coordinator(request, programme)
    settings = selectors.outcome_settings(programme)
    filters = _filters(request, programme)
    figures = selectors.figures(programme=programme, filters=filters)
    sections = report.build(figures, settings=settings, suppress=not coordinator,
                            counts=None if coordinator else _joint(programme, settings, filters, figures))
    return render(request, "outcomes/dashboard.html", {
        "programme": programme, "coordinator": coordinator, "sections": sections, "figures": figures,
        "filters": filters, "query": filters.query(), "settings": settings,
        "hidden_note": report.hidden_note(settings, filtered=bool(filters.query())),
        "sites": list(programme.sites.all()), "partners": list(programme.partners.all()),
        "table": request.GET.get("view") == "table", **_period(request),
        "years": school_years(timezone.localdate()),
        "org_admin": is_admin_of_organisation(request.user, programme.organisation),
    })


def _joint(programme: Programme, settings: Any, filters: selectors.Filters,
           figures: selectors.Figures | None = None) -> dict[str, Any] | None:
    """An observer's filtered view: its counts protected jointly with every other part of the
    programme and with the unfiltered view (report.joint_counts); None for the unfiltered view.
    ``figures``: the view's, whose survey answers the grouped pass reuses."""
    if not (filters.site or filters.partner or filters.cycle):
        return None
    parts = selectors.parts(programme=programme, responses=figures.responses if figures else None)
    whole = report.whole_counts(parts, threshold=settings.threshold)  # as the unfiltered page shows it
    return report.joint_counts(parts, threshold=settings.threshold, whole=whole).view(parts.view(filters))


@require_GET
@programme_view("outcomes.view_results")
def participation(request: HttpRequest, programme: Programme) -> HttpResponse:
    coordinator = is_coordinator(request, programme)
    settings = selectors.outcome_settings(programme)
    sections = report.participation_sections(selectors.participation(programme=programme), settings=settings,
                                             suppress=not coordinator)
    return render(request, "outcomes/participation.html", {
        "programme": programme, "coordinator": coordinator, "sections": sections, "settings": settings,
        "hidden_note": report.hidden_note(settings)})


def school_years(today: date) -> dict[str, date]:
    """The funder report's periods: the last complete school year (the default: funders report on
    completed years) and the current one so far. School years run 1 August–31 July (``cycle_of``)."""
    this_start = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    return {"last_start": date(this_start.year - 1, 8, 1), "last_end": date(this_start.year, 7, 31),
            "this_start": this_start, "this_end": today}


def _period(request: HttpRequest) -> dict[str, date]:
    years = school_years(timezone.localdate())

    def day(name: str, default: date) -> date:
        try:
            return date.fromisoformat(request.GET.get(name, "")[:10])
        except ValueError:
            return default

    start, end = day("start", years["last_start"]), day("end", years["last_end"])
    if end < start:
        start, end = end, start
    return {"start": start, "end": end}


def _download(content: bytes, kind: str, name: str) -> HttpResponse:
    types = {"pdf": "application/pdf",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    response = HttpResponse(content, content_type=types[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _report_name(programme: Programme, data: Any) -> str:
    """The report's file name in the reader's language: "resultaten-<programme>-<from>-<to>"."""
    return file_name(pgettext("file name", "results"), programme.slug, data.start, data.end)


@require_GET
@programme_view("outcomes.view_results")
def report_pdf(request: HttpRequest, programme: Programme) -> HttpResponse:
    data = funder.build(programme=programme, **_period(request))
    return _download(funder.to_pdf(data), "pdf", _report_name(programme, data))


@require_GET
@programme_view("outcomes.view_results")
def report_xlsx(request: HttpRequest, programme: Programme) -> HttpResponse:
    data = funder.build(programme=programme, **_period(request))
    return _download(funder.to_xlsx(data), "xlsx", _report_name(programme, data))


def _match_rows(programme: Programme) -> TableSpec:
    from django.db.models import Count, Q, Sum

    from tandem.matching.models import Match

    rows = (Match.objects.filter(programme=programme, state__in=selectors.STARTED)
            .annotate(held=Count("meetings", filter=Q(meetings__state="held")),
                      minutes=Sum("meetings__duration_minutes", filter=Q(meetings__state="held")))
            .values("pk", "state", "cycle_start", "closed_at", "closure_reason", "learner_id",
                    "learner__institution__name", "learner__institution__site__name", "volunteer_id", "held",
                    "minutes").order_by("pk"))
    columns = ["match", "state", "cycle_start", "closed_on", "closure_reason", "learner", "school", "site",
               "mentor", "meetings_held", "minutes"]
    data = [{"match": r["pk"], "state": r["state"], "cycle_start": r["cycle_start"],
             "closed_on": r["closed_at"].date() if r["closed_at"] else None, "closure_reason": r["closure_reason"],
             "learner": r["learner_id"], "school": r["learner__institution__name"],
             "site": r["learner__institution__site__name"], "mentor": r["volunteer_id"],
             "meetings_held": r["held"], "minutes": r["minutes"] or 0} for r in rows]
    return TableSpec(columns, data)


def _response_rows(programme: Programme) -> TableSpec:
    rows = (SurveyResponse.objects.filter(wave__programme=programme)
            .values("pk", "wave_id", "wave__instrument", "wave__instrument_version", "wave__audience",
                    "wave__kind", "person_id", "match_id", "score", "answered_at").order_by("pk"))
    columns = ["response", "wave", "instrument", "version", "audience", "moment", "person", "match", "score",
               "answered_on"]
    data = [{"response": r["pk"], "wave": r["wave_id"], "instrument": r["wave__instrument"],
             "version": r["wave__instrument_version"], "audience": r["wave__audience"], "moment": r["wave__kind"],
             "person": r["person_id"], "match": r["match_id"], "score": r["score"],
             "answered_on": r["answered_at"].date()} for r in rows]
    return TableSpec(columns, data)


# Each table's file name, in the reader's language.
TABLE_WORDS = {
    "matches": lambda: pgettext("file name", "pairs"),
    "responses": lambda: pgettext("file name", "survey answers"),
    "indicators": lambda: pgettext("file name", "school indicators"),
}


@require_GET
@programme_view("outcomes.manage_results")
def export(request: HttpRequest, programme: Programme, table: str, fmt: str) -> HttpResponse:
    """The underlying tables, for coordinators only: codes and numbers (no names), formula-safe."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    specs = {"matches": _match_rows, "responses": _response_rows}
    if table == "indicators":
        spec: Any = IndicatorSpec(programme)
        rows = list(spec.export_rows())
    elif table in specs:
        spec = specs[table](programme)
        rows = list(spec.export_rows())
    else:
        raise Http404
    return table_download(spec=spec, rows=rows, filename=file_name(TABLE_WORDS[table](), programme.slug),
                          file_format=fmt)


def _settings_form(row: Any, data: Any = None) -> SettingsForm:
    targets = row.targets or {}
    return SettingsForm(data, version=row.version, apprentices=learners_are_apprentices(row.programme), initial={
        "threshold": row.threshold, "min_denominator": row.min_denominator, "early_leaving": row.early_leaving,
        "school_data_consent": row.school_data_consent,
        **{f"target_{k}": targets.get(k) for k in SettingsForm.TARGETS},
        **{f"population_{k}": targets.get(f"population_{k}") for k in SettingsForm.TARGETS}})


@require_http_methods(["GET", "POST"])
@programme_view("outcomes.manage_results")
def results_settings(request: HttpRequest, programme: Programme) -> HttpResponse:
    row = selectors.outcome_settings(programme)
    form = _settings_form(row, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.settings_update(programme=programme, actor=request.user,
                                                   expected_version=form.expected_version, **form.values()),
            saved=_settings_form):
        messages.success(request, _("Changes saved."))
        return redirect("outcomes:settings", org=programme.organisation.slug, prog=programme.slug)
    return render(request, "outcomes/settings.html", {"programme": programme, "form": form})


@require_GET
@organisation_view("core.manage_organisation")
def organisation_dashboard(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """Every programme of the organisation side by side (exact: organisation admins only)."""
    rows = []
    for programme in organisation.programmes.order_by("name"):
        f = selectors.figures(programme=programme)
        rows.append((programme, f, report.fmt(f.meetings_per_match), report.fmt(f.hours),
                     report.fmt(100 * f.early_closures / f.closed if f.closed else None, 0),
                     f.dropout(12)))
    return render(request, "outcomes/organisation.html", {"organisation": organisation, "rows": rows})
