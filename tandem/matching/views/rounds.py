"""The coordinator's matching pages: criteria, rounds (with live progress) and the review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.fields import vocabulary
from tandem.core.models import Programme
from tandem.core.naming import for_labels
from tandem.core.once import create_once, give_back, new_token, submit_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view
from tandem.core.text import grouped
from tandem.core.versioning import submit_edit
from tandem.intake.models import Learner
from tandem.matching import explanations, selectors, services
from tandem.matching import problem as adapter
from tandem.matching.forms import (
    CriteriaForm,
    ManualForm,
    ProposalActionForm,
    PublishForm,
    RoundStartForm,
    SwapForm,
)
from tandem.matching.models import MatchingRound, Proposal
from tandem.onboarding import selectors as onboarding_selectors
from tandem.onboarding.models import Volunteer


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def _round_or_404(programme: Programme, pk: int) -> MatchingRound:
    try:
        return selectors.programme_round(programme=programme, pk=pk)
    except MatchingRound.DoesNotExist as exc:
        raise Http404 from exc


def _to_round(programme: Programme, matching_round: MatchingRound) -> HttpResponse:
    return redirect("matching:round", **_kw(programme, pk=matching_round.pk))


def _run(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True


@require_http_methods(["GET", "POST"])
@programme_view("matching.manage_matching")
def home(request: HttpRequest, programme: Programme) -> HttpResponse:
    form = RoundStartForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.round_start(programme=programme, actor=request.user, site=programme.sites.filter(
            pk=form.cleaned_data["site"]).first() if form.cleaned_data["site"] else None),
        message=None,  # the round's page shows its progress
        then=lambda matching_round: _to_round(programme, matching_round),
    )):
        return response
    n_volunteers, n_learners = adapter.pool_sizes(programme=programme, today=_today())
    return render(request, "matching/home.html", {
        "programme": programme, "form": form, "rounds": paginate(request, selectors.programme_rounds(programme=programme)),
        "n_volunteers": n_volunteers, "n_learners": n_learners,
        "counts": selectors.state_counts(programme=programme),
        "declined": paginate(request, selectors.declined_needing_partner(programme=programme), param="declined"),
    })


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@require_http_methods(["GET", "POST"])
@programme_view("matching.manage_matching")
def criteria(request: HttpRequest, programme: Programme) -> HttpResponse:
    current = adapter.criteria_for(programme)
    role_models = bool(programme.requirement("role_model_matching"))
    form = CriteriaForm(request.POST or None, instance=current, role_models=role_models)
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.criteria_update(criteria=current, actor=request.user,
                                         expected_version=form.expected_version, **form.cleaned_data),
        saved=lambda row: CriteriaForm(instance=row, role_models=role_models),
    ):
        messages.success(request, _("The matching criteria were saved."))
        return redirect("matching:criteria", **_kw(programme))
    limits = [form[name] for name in services.CRITERIA_FIELDS if not name.startswith("weight_") and name in form.fields]
    weights = [form[name] for name in services.CRITERIA_FIELDS if name.startswith("weight_") and name in form.fields]
    return render(request, "matching/criteria.html", {
        "programme": programme, "form": form, "limits": limits, "weights": weights})


def _proposal_rows(matching_round: MatchingRound, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """The proposals on screen with their explanations and alternatives (two queries)."""
    others = Volunteer.objects.filter(pk__in={a["volunteer"] for p in proposals for a in p.alternatives})
    names = {v.pk: v for v in others.select_related("person")}
    fields = vocabulary(matching_round.programme)
    return [{
        "proposal": p, "rows": explanations.rows(p.items, private=True, fields=fields),
        "warnings": [services.limit_label(w) for w in p.warnings],
        "alternatives": [{"volunteer_obj": names.get(a["volunteer"]), "name": "?", "volunteer": a["volunteer"],
                          "score": a["score"], "line": explanations.line(a["items"], private=True, fields=fields)}
                         for a in p.alternatives],
    } for p in proposals]


@require_GET
@programme_view("matching.manage_matching")
def round_detail(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    matching_round = _round_or_404(programme, pk)
    context: dict[str, Any] = {"programme": programme, "round": matching_round}
    if matching_round.status == MatchingRound.Status.FAILED:
        context["failure"] = explanations.round_failure(matching_round.failure, matching_round.failure_params)
    if matching_round.status == MatchingRound.Status.DONE:
        page = paginate(request, selectors.round_proposals(matching_round=matching_round))
        # Every open proposal, for the swap form: two mentors on different pages can be swapped.
        open_proposals = list(selectors.round_proposals(matching_round=matching_round).filter(status="proposed"))
        unmatched = paginate(request, matching_round.unmatched.select_related(
            "learner__person", "learner__institution"), param="unmatched")
        # The mentors a manual pair may take: the round's pool (``adapter.pools``), read for
        # their labels only.
        volunteers = for_labels(onboarding_selectors.matchable_volunteers(
            programme=programme, today=_today(), load=adapter.open_load(programme)), institution=False)
        context.update(
            page=page, rows=_proposal_rows(matching_round, page.object_list),
            open_proposals=open_proposals, open_ids=[p.pk for p in open_proposals],
            unmatched_page=unmatched,
            unmatched=[{"learner": u.learner, "text": explanations.unmatched_text(u.reason, u.limit, u.params)}
                       for u in unmatched.object_list],
            learners=for_labels(Learner.objects.filter(programme=programme, state=Learner.State.WAITING)),
            volunteers=volunteers,
        )
    if request.htmx:  # type: ignore[attr-defined]
        if matching_round.status in (MatchingRound.Status.DONE, MatchingRound.Status.FAILED):
            return HttpResponse(headers={"HX-Refresh": "true"})  # show the whole review
        return render(request, "matching/round.html#progress", context)
    context["pending"] = request.session.pop("matching_confirm", None)
    context["manual_once"] = new_token()
    context["publish_once"] = new_token()
    return render(request, "matching/round.html", context)


def _review_action(request: HttpRequest, programme: Programme, pk: int, form_class: type,
                   act: Callable[[MatchingRound, dict[str, Any]], str]) -> HttpResponse:
    matching_round = _round_or_404(programme, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something was missing in the form; nothing was changed."))
        return _to_round(programme, matching_round)

    data = {**form.cleaned_data, "version": form.expected_version}

    def save() -> HttpResponse:
        try:
            success = act(matching_round, data)
        except services.NeedsConfirmation as exc:
            # Never silently: the round page shows the warning with a "make it anyway" button
            # that re-posts the same form (and its one-time token) with the confirmation ticked.
            give_back()
            request.session["matching_confirm"] = {
                "action": request.path, "message": " ".join(exc.messages),
                "fields": {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirm")},
            }
        except ValidationError as exc:
            give_back()
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, success)
        return _to_round(programme, matching_round)

    # Forms with a one-time token (a manual pair) are saved once however often they are sent.
    return submit_once(request, form, save) or _to_round(programme, matching_round)


def _proposal(matching_round: MatchingRound, pk: int) -> Proposal:
    try:
        return matching_round.proposals.select_related("learner__person", "volunteer__person").get(pk=pk)
    except Proposal.DoesNotExist as exc:
        raise ValidationError(_("That proposal is not part of this round.")) from exc


@require_POST
@programme_view("matching.manage_matching")
def proposal_reject(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    def act(matching_round: MatchingRound, data: dict[str, Any]) -> str:
        services.proposal_reject(proposal=_proposal(matching_round, data["proposal"]), actor=request.user,
                                 expected_version=data["version"])
        return _("The proposal was rejected.")

    return _review_action(request, programme, pk, ProposalActionForm, act)


@require_POST
@programme_view("matching.manage_matching")
def proposal_swap(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    def act(matching_round: MatchingRound, data: dict[str, Any]) -> str:
        services.proposal_swap(first=_proposal(matching_round, data["first"]),
                               second=_proposal(matching_round, data["second"]), actor=request.user,
                               expected_version=data["version"], confirm=data["confirm"])
        return _("The two mentors were swapped; their scores and explanations were recomputed.")

    return _review_action(request, programme, pk, SwapForm, act)


@require_POST
@programme_view("matching.manage_matching")
def proposal_manual(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    def act(matching_round: MatchingRound, data: dict[str, Any]) -> str:
        learner = Learner.objects.filter(programme=programme, pk=data["learner"]).select_related("person").first()
        volunteer = Volunteer.objects.filter(programme=programme, pk=data["volunteer"]).select_related("person").first()
        if learner is None or volunteer is None:
            raise ValidationError(_("Choose a learner and a mentor of this programme."))
        services.proposal_manual(matching_round=matching_round, learner=learner, volunteer=volunteer,
                                 actor=request.user, expected_version=data["version"], confirm=data["confirm"])
        if programme.is_group:
            return _("The place in the learning community was added to the proposals.")
        return _("The pair was added to the proposals.")

    return _review_action(request, programme, pk, ManualForm, act)


@require_POST
@programme_view("matching.manage_matching")
def round_publish(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    matching_round = _round_or_404(programme, pk)
    ids = list(matching_round.proposals.filter(status="proposed").values_list("pk", flat=True))
    form = PublishForm(request.POST, proposal_ids=ids)
    if not form.is_valid():
        messages.error(request, _("Something was missing in the form; nothing was changed."))
        return _to_round(programme, matching_round)
    chosen = form.cleaned_data["proposals"] or None

    # Once per form: a double click's second post would find the round changed by the first and
    # say "another coordinator changed this round; nothing was changed" over a published round.
    def publish() -> HttpResponse:
        try:
            published, problems = services.round_publish(
                matching_round=matching_round, actor=request.user, expected_version=form.expected_version,
                proposal_ids=chosen)
        except ValidationError as exc:
            give_back()
            messages.error(request, " ".join(exc.messages))
            return _to_round(programme, matching_round)
        if published:
            published_words = (
                ngettext("%(count)s place in a learning community was published; everyone was informed.",
                         "%(count)s places in learning communities were published; everyone was informed.",
                         len(published)) if programme.is_group else
                ngettext("%(count)s match was published; everyone was informed.",
                         "%(count)s matches were published; everyone was informed.", len(published)))
            messages.success(request, published_words % {"count": grouped(len(published))})
        else:
            give_back()
        for problem in problems:
            messages.error(request, problem)
        return _to_round(programme, matching_round)

    return submit_once(request, form, publish) or _to_round(programme, matching_round)
