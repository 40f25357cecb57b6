"""The mentor's and the learner's side: how is it going? (faces for learners)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.core.models import Programme, Role
from tandem.core.once import create_once
from tandem.core.roles import roles_for
from tandem.core.scoping import programme_view
from tandem.matching import selectors as matching_selectors
from tandem.support import attention, selectors, services
from tandem.support.forms import PulseForm
from tandem.support.views.staff import match_or_404


def pulse_questions(request: HttpRequest, programme: Programme) -> list[tuple[Any, str, str]]:
    """(pair, side, question) for each of the reader's running pairs that waits for an answer, in
    a fixed number of queries however many pairs the reader has."""
    from tandem.support.models import PulseRating

    rules = attention.rules_for(programme)
    roles = roles_for(request.user, programme)
    person = selectors.me(request.user, programme)
    if person is None:
        return []
    found = []
    matches = matching_selectors.visible_matches(programme=programme, user=request.user).filter(
        state__in=attention.RUNNING).order_by("pk")[:10]
    for match in selectors.with_pulse_facts(matches):
        side = ""
        if Role.MENTOR in roles and match.volunteer.person_id == person.pk:
            side = PulseRating.Side.MENTOR
        elif Role.LEARNER in roles and match.learner.person_id == person.pk:
            side = PulseRating.Side.LEARNER
        if side:
            question = selectors.pulse_question(match=match, side=side, pulse_days=rules.pulse_days)
            if question:
                found.append((match, side, question))
    return found


@require_http_methods(["GET", "POST"])
@programme_view("support.pulse")
def pulse(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = match_or_404(request, programme, pk)
    side = selectors.my_side(match=match, user=request.user)
    if not side:
        raise PermissionDenied
    rules = attention.rules_for(programme)
    question = selectors.pulse_question(match=match, side=side, pulse_days=rules.pulse_days) or "pulse"
    form = PulseForm(request.POST or None, question=question, learner=side == "learner",
                     group=programme.is_group)
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.pulse_answer(
                match=match, side=side, question=question, score=form.cleaned_data["score"],
                word=form.cleaned_data["word"], actor=request.user),
            message=_("Thank you!"),
            then=lambda _row: redirect("support:mine", org=programme.organisation.slug, prog=programme.slug))):
        return response
    return render(request, "support/pulse.html", {
        "programme": programme, "match": match, "form": form, "learner": side == "learner", "question": question})
