"""The coordinators' side: support overview (check-ins due this week), the risk list, a pair's
support page, logging a check-in, pausing, the settings and the safeguarding leads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.apprentices import learners_are_adults
from tandem.core.models import Person, Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.versioning import submit_edit
from tandem.matching import selectors as matching_selectors
from tandem.matching.models import Match
from tandem.support import attention, selectors, services
from tandem.support.forms import CheckInForm, SettingsForm
from tandem.support.models import THRESHOLDS, Concern, SupportSettings


def posted_id(value: str) -> int | None:
    """A posted id: ASCII digits only ("²" or "١" are no id)."""
    return int(value) if value and len(value) < 12 and value.isascii() and value.isdigit() else None


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def match_or_404(request: HttpRequest, programme: Programme, pk: int) -> Match:
    try:
        return matching_selectors.programme_match(programme=programme, user=request.user, pk=pk)
    except Match.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
@programme_view("support.manage")
def overview(request: HttpRequest, programme: Programme) -> HttpResponse:
    matches = matching_selectors.visible_matches(programme=programme, user=request.user)
    due = paginate(request, attention.due_check_ins(programme=programme, matches=matches, loaded=False))
    due.object_list = attention.load_due(due.object_list)  # only the page's pairs are read in full
    pairs = attention.pairs_with_risks(programme=programme, matches=matches, loaded=False)
    return render(request, "support/overview.html", {
        "programme": programme, "due": due, "today": attention.today(),
        "counts": attention.counts(pairs), "reasons": attention.REASONS,
        "concerns": selectors.concern_counts(programme=programme, user=request.user),
        "lead": selectors.is_lead(request.user, programme),
    })


@require_GET
@programme_view("support.view_risks")
def risks(request: HttpRequest, programme: Programme) -> HttpResponse:
    reason = request.GET.get("reason", "")
    if reason not in attention.REASONS:
        reason = ""
    matches = matching_selectors.visible_matches(programme=programme, user=request.user)
    every = attention.pairs_with_risks(programme=programme, matches=matches, loaded=False)
    shown = [p for p in every if any(r.code == reason for r in p.risks)] if reason else every
    page = paginate(request, shown)
    attention.load(page.object_list)  # only the page's pairs are read in full
    return render(request, "support/risks.html", {
        "programme": programme, "page": page, "reason": reason,
        "counts": attention.counts(every), "reasons": attention.REASONS,
        "coordinator": selectors.is_coordinator(request.user, programme),
    })


@require_GET
@programme_view("support.view_risks")
def pair(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = match_or_404(request, programme, pk)
    coordinator = selectors.is_coordinator(request.user, programme)
    rules = attention.rules_for(programme)
    facts = attention.with_facts(Match.objects.filter(pk=match.pk)).select_related("programme").get()
    return render(request, "support/pair.html", {
        "programme": programme, "match": match, "coordinator": coordinator,
        "risks": attention.risks_of(facts, rules), "next_check_in": attention.next_check_in(facts, rules),
        "check_ins": selectors.pair_check_ins(match)[:20] if coordinator else [],
        "pulses": selectors.pair_pulses(match), "pause": selectors.open_pause(match),
        "concerns": selectors.pair_concerns(match=match, user=request.user),
        "hidden": selectors.n_hidden_concerns(match=match, user=request.user) if coordinator else 0,
        "with_coordinators": 0 if coordinator else selectors.n_concerns_for_coordinators(match),
        "running": match.state in attention.RUNNING,
    })


@require_http_methods(["GET", "POST"])
@programme_view("support.manage")
def check_in(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = match_or_404(request, programme, pk)
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.check_in_create(
                match=match, actor=request.user, by=selectors.me(request.user, programme), **form.cleaned_data),
            message=_("Check-in logged."), then=lambda _row: _after_check_in(request, match))):
        return response
    return render(request, "support/check_in.html", {"programme": programme, "match": match, "form": form})


def _after_check_in(request: HttpRequest, match: Match) -> HttpResponse:
    if request.GET.get("next") == "overview":
        return redirect("support:overview", **_kw(match.programme))
    return redirect("support:pair", **_kw(match.programme, pk=match.pk))


@require_POST
@programme_view("support.manage")
def pause(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """Pause the pair, or lift its pause (``lift``)."""
    match = match_or_404(request, programme, pk)
    try:
        if request.POST.get("lift"):
            if services.pause_lift(match=match, actor=request.user):
                messages.success(request, _("The pause is lifted."))
        else:
            concern = None
            concern_id = posted_id(request.POST.get("concern", ""))
            if concern_id is not None:
                concern = selectors.staff_concerns(programme=programme, user=request.user).filter(
                    pk=concern_id, match=match).first()
            services.match_pause(match=match, actor=request.user, concern=concern)
            messages.success(request, _("The pair is paused. Tell the mentor and the learner's family yourself."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    back = posted_id(request.POST.get("back", ""))
    if back is not None and Concern.objects.filter(programme=programme, pk=back).exists():
        return redirect("support:concern", **_kw(programme, pk=back))
    return redirect("support:pair", **_kw(programme, pk=match.pk))


def _settings_form(row: SupportSettings, data: Any = None) -> SettingsForm:
    return SettingsForm(data, instance=row, version=row.version)


@require_http_methods(["GET", "POST"])
@programme_view("support.manage")
def support_settings(request: HttpRequest, programme: Programme) -> HttpResponse:
    row = attention.rules_for(programme)
    form = _settings_form(row, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.settings_update(
                programme=programme, actor=request.user, expected_version=form.expected_version,
                **{name: form.cleaned_data[name] for name in THRESHOLDS}),
            saved=lambda stored: _settings_form(stored)):
        messages.success(request, _("Changes saved."))
        return redirect("support:settings", **_kw(programme))
    coordinators = (Person.objects.filter(organisation=programme.organisation, memberships__programme=programme,
                                          memberships__role="coordinator")
                    | Person.objects.filter(organisation=programme.organisation, memberships__role="org_admin")
                    ).distinct().order_by("given_name", "family_name", "pk")
    leads = set(selectors.leads_of(programme).values_list("pk", flat=True))
    return render(request, "support/settings.html", {
        "programme": programme, "form": form, "coordinators": coordinators, "leads": leads,
    })


@require_POST
@programme_view("support.manage")
def lead(request: HttpRequest, programme: Programme) -> HttpResponse:
    """Designate a coordinator as safeguarding lead, or stop (only a lead may change the leads,
    except when the programme has none yet)."""
    pk = posted_id(request.POST.get("person", ""))
    person = Person.objects.filter(organisation=programme.organisation, pk=pk).first() if pk is not None else None
    if person is None:
        messages.error(request, _("Choose a coordinator of this programme."))
        return redirect("support:settings", **_kw(programme))
    if selectors.leads_of(programme).exists() and not selectors.is_lead(request.user, programme):
        messages.error(request, pgettext("learners are apprentices", "Only a safeguarding lead can change who the leads "
                                         "are.") if learners_are_adults(programme)
                       else _("Only a safeguarding lead can change who the leads are."))
        return redirect("support:settings", **_kw(programme))
    try:
        services.lead_set(programme=programme, person=person, actor=request.user, lead=request.POST.get("lead") == "1")
        messages.success(request, _("Changes saved."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("support:settings", **_kw(programme))

