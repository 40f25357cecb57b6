"""Pages behind a personal link (no log-in): a side's answer after the first meeting, and the
exit survey. The random token is the credential; it only ever shows that one match's names."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from tandem.matching import recorded, services
from tandem.matching.forms import AnswerForm, SurveyForm
from tandem.matching.models import ExitSurvey, Match


@login_not_required
@require_http_methods(["GET", "POST"])
def answer_link(request: HttpRequest, token: str) -> HttpResponse:
    match = (Match.objects.filter(Q(mentor_token=token) | Q(learner_token=token))
             .select_related("programme__organisation", "volunteer__person", "learner__person").first())
    if match is None:
        raise Http404
    side = "mentor" if match.mentor_token == token else "learner"
    guardian = side == "learner" and services.learner_side_is_guardian(match)
    form = AnswerForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            match = services.match_answer(
                match=match, side=side, answer=form.cleaned_data["answer"], reason=form.cleaned_data["reason"],
                actor=request.user, answered_as="guardian" if guardian else side)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    status = 200 if match.state in (Match.State.PROPOSED, Match.State.INTRODUCED) or request.method == "POST" else 410
    return render(request, "matching/answer_link.html", {
        "match": match, "side": side, "guardian": guardian, "form": form, "error": error,
        "given": getattr(match, f"{side}_answer"), "programme": match.programme,
        "recorded_for_you": recorded.for_the_person(via) if (via := getattr(match, f"{side}_recorded_via")) else "",
        "not_met": "" if match.first_meeting_took_place() else services.not_met_message(match),
    }, status=status)


@login_not_required
@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    item = ExitSurvey.objects.filter(token=token).select_related(
        "match__programme__organisation", "match__volunteer__person", "match__learner__person").first()
    if item is None:
        raise Http404
    form = SurveyForm(request.POST or None, instance=item)
    error = ""
    if request.method == "POST" and item.answered_at is None and form.is_valid():
        try:
            item = services.survey_answer(survey=item, rating=form.cleaned_data["rating"],
                                          recommend=form.cleaned_data["recommend"],
                                          comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(request, "matching/survey.html", {"survey": item, "form": form, "error": error,
                                                    "programme": item.match.programme})
