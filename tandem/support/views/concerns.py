"""Concerns: raised by anyone around a pair, handled by the coordinators (a safeguarding concern
only by the safeguarding leads, every opening audited)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.models import Programme
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.roles import reads_as_learner, roles_for
from tandem.core.scoping import programme_view
from tandem.core.versioning import submit_edit
from tandem.support import selectors, services
from tandem.support.forms import ConcernForm, ConcernMoveForm
from tandem.support.models import Concern


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


@require_GET
@programme_view("support.manage")
def inbox(request: HttpRequest, programme: Programme) -> HttpResponse:
    state = request.GET.get("state", "open")
    rows = selectors.staff_concerns(programme=programme, user=request.user)
    if state == "open":
        rows = rows.exclude(state=Concern.State.RESOLVED)
    elif state in Concern.State.values:
        rows = rows.filter(state=state)
    else:
        state = ""
    return render(request, "support/concerns.html", {
        "programme": programme, "page": paginate(request, rows), "state": state,
        "states": Concern.State.choices, "counts": selectors.concern_counts(programme=programme, user=request.user),
        "lead": selectors.is_lead(request.user, programme),
    })


def _move_form(concern: Concern, data: Any = None) -> ConcernMoveForm:
    from tandem.support.services import MOVES

    return ConcernMoveForm(data, version=concern.version, allowed=MOVES.get(concern.state, ()),
                           reached=concern.state)


def _saved_form(stored: Concern) -> ConcernMoveForm:
    """The move form as the stored concern reads now (for the "saved meanwhile" table): its step
    and what was said with it."""
    from tandem.support.forms import MOVE_WORDS

    last = stored.steps.order_by("-at", "-pk").first()
    return ConcernMoveForm(version=stored.version, allowed=tuple(MOVE_WORDS),
                           initial={"to_state": stored.state, "what": last.reason if last else ""})


@require_http_methods(["GET", "POST"])
@programme_view("support.manage")
def concern(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    item = selectors.concern_for_staff(programme=programme, user=request.user, pk=pk)
    form = _move_form(item, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.concern_move(
                concern=item, actor=request.user, expected_version=form.expected_version,
                to_state=form.cleaned_data["to_state"], what=form.cleaned_data["what"]),
            saved=_saved_form):
        return redirect("support:concern", **_kw(programme, pk=item.pk))
    if request.method == "GET":
        # Each opening is audited; a refused post shows the page again and writes nothing.
        services.concern_viewed(concern=item, actor=request.user)
    steps = selectors.concern_steps(item)
    return render(request, "support/concern.html", {
        "programme": programme, "concern": item, "form": form, "steps": steps,
        # A resolved concern's last step is its outcome, shown once, under "What was done".
        "outcome_step": steps[-1] if steps and item.state == Concern.State.RESOLVED and item.outcome else None,
        "pause": selectors.open_pause(item.match) if item.match else None,
        "running": item.match is not None and item.match.state in ("introduced", "active"),
    })


@require_http_methods(["GET", "POST"])
@programme_view("support.raise_concern")
def raise_concern(request: HttpRequest, programme: Programme) -> HttpResponse:
    matches = selectors.raisable_matches(programme=programme, user=request.user)
    to_learner = reads_as_learner(roles_for(request.user, programme))
    form = ConcernForm(request.POST or None, matches=matches, programme=programme, to_learner=to_learner)
    thanks = (pgettext("to a learner", "Thank you. Your concern has been passed on; someone will get back to you.")
              if to_learner else _("Thank you. Your concern has been passed on; someone will get back to you."))
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.concern_raise(
                programme=programme, match=form.cleaned_data["match"], kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"], raised_by=selectors.me(request.user, programme),
                raised_as=selectors.raised_as(programme=programme, user=request.user,
                                              match=form.cleaned_data["match"]),
                actor=request.user),
            message=thanks,
            then=lambda _row: redirect("support:mine", **_kw(programme)))):
        return response
    return render(request, "support/raise.html", {"programme": programme, "form": form, "to_learner": to_learner})


@require_GET
@programme_view("support.raise_concern")
def mine(request: HttpRequest, programme: Programme) -> HttpResponse:
    """What the reader raised (its state, never the staff's notes), pulse questions waiting for
    them and their exchange meetings."""
    from tandem.support.views.people import pulse_questions

    return render(request, "support/mine.html", {
        "programme": programme, "page": paginate(request, selectors.my_concerns(programme=programme, user=request.user)),
        "questions": pulse_questions(request, programme),
        "invitations": list(selectors.my_invitations(programme=programme, user=request.user)[:20]),
        "to_learner": reads_as_learner(roles_for(request.user, programme)),
    })
