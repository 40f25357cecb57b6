"""The programme's results dashboard (coordinators exact, observers suppressed), the equal-
participation monitor, the funder report downloads, the coordinators' exports and settings, and
the organisation's cross-programme dashboard (organisation admins)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
                            counts=None if coordinator else report.joint_view(figures, threshold=settings.threshold))
    return render(request, "outcomes/dashboard.html", {
        "programme": programme, "coordinator": coordinator, "sections": sections, "figures": figures,
        "filters": filters, "query": filters.query(), "settings": settings,
        "hidden_note": report.hidden_note(settings, filtered=bool(filters.query())),
        "sites": list(programme.sites.all()), "partners": list(programme.partners.all()),
        "table": request.GET.get("view") == "table", **_report_form(request, programme, filters),
        "org_admin": is_admin_of_organisation(request.user, programme.organisation),
    })


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


def _report_form(request: HttpRequest, programme: Programme, filters: selectors.Filters) -> dict[str, Any]:
    """The funder report's form: the school years to choose from (the one the page is filtered to
    chosen, else the last complete one) and, for coordinators, the dates of a report of chosen dates."""
    today = timezone.localdate()
    years = selectors.report_years(programme=programme, today=today)
    chosen = filters.cycle if filters.cycle in years else selectors.cycle_of(school_years(today)["last_start"])
    return {"report_years": years, "report_cycle": chosen, "this_cycle": selectors.cycle_of(today),
            "report_refusal": _refusal(request, programme),
            **(_period(request) if is_coordinator(request, programme) else {})}


REFUSALS = {  # why a report download was refused, shown in the report's form (``?refused=…``)
    "dates": lambda apprentices: (_("A report is for a whole training year: choose one from the list.") if apprentices
                                  else _("A report is for a whole school year: choose one from the list.")),
    "year": lambda apprentices: (_("There is no report for that training year: choose one from the list.")
                                 if apprentices else _("There is no report for that school year: choose one from "
                                                       "the list.")),
}


def _refusal(request: HttpRequest, programme: Programme) -> str:
    """The reason a download was refused, for the report's form (its key only: nothing typed is shown)."""
    found = REFUSALS.get(request.GET.get("refused", ""))
    return found(learners_are_apprentices(programme)) if found else ""


def _report_request(request: HttpRequest, programme: Programme) -> dict[str, Any] | str:
    """What the report download asks for: a school year from the list (``cycle``, by default the last
    complete one) or, for coordinators only, chosen dates (``start``, ``end``). A key of
    :data:`REFUSALS` instead when an observer typed dates (a funder's report is for a school year
    only: two reports of overlapping dates could be subtracted) or asked for a school year not in
    the list."""
    if "start" in request.GET or "end" in request.GET:
        return dict(_period(request)) if is_coordinator(request, programme) else "dates"
    today = timezone.localdate()
    cycle = request.GET.get("cycle", "") or selectors.cycle_of(school_years(today)["last_start"])
    if cycle not in selectors.report_years(programme=programme, today=today):
        return "year"
    return {"cycle": cycle}


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


def _report_name(programme: Programme, data: funder.FunderReport) -> str:
    """The report's file name in the reader's language: "resultaten-<programme>-2025-2026" (a school
    year), "resultaten-<programme>-<from>-<to>" (chosen dates)."""
    period = (data.cycle,) if data.cycle else (data.start, data.end)
    return file_name(pgettext("file name", "results"), programme.slug, *period)


def _report(request: HttpRequest, programme: Programme, kind: str) -> HttpResponse:
    choice = _report_request(request, programme)
    if isinstance(choice, str):  # refused: back to the report's form, which says why
        return redirect(reverse("outcomes:dashboard", kwargs={"org": programme.organisation.slug,
                                                              "prog": programme.slug}) + f"?refused={choice}#report")
    data = funder.build(programme=programme, **choice)
    content = funder.to_pdf(data) if kind == "pdf" else funder.to_xlsx(data)
    return _download(content, kind, _report_name(programme, data))


@require_GET
@programme_view("outcomes.view_results")
def report_pdf(request: HttpRequest, programme: Programme) -> HttpResponse:
    return _report(request, programme, "pdf")


@require_GET
@programme_view("outcomes.view_results")
def report_xlsx(request: HttpRequest, programme: Programme) -> HttpResponse:
    return _report(request, programme, "xlsx")


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
    # A group programme's match is one learner's place in a learning community (docs/outcomes.md).
    word = pgettext("file name", "learning community places") if table == "matches" and programme.is_group \
        else TABLE_WORDS[table]()
    return table_download(spec=spec, rows=rows, filename=file_name(word, programme.slug),
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
