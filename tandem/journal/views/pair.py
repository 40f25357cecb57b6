"""The pair's page (the story of the weeks) and its goals."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.cycle import pair_weeks
from tandem.core.models import Programme
from tandem.core.notify import site_url
from tandem.core.once import create_once
from tandem.core.scoping import programme_view
from tandem.core.versioning import submit_edit
from tandem.journal import selectors, services
from tandem.journal.forms import (
    FACE_WORDS,
    FACES,
    AgreeForm,
    GoalCloseForm,
    GoalEditForm,
    GoalForm,
    MeetingPlanForm,
    ProgressForm,
)
from tandem.journal.models import Goal
from tandem.journal.views.common import goal_or_404, match_or_404, require, to_pair
from tandem.matching.models import Match

WRITERS = ("mentor", "coordinator")


def agree_as(parts: frozenset[str]) -> str:
    return "learner" if "learner" in parts else ("guardian" if "guardian" in parts else "")


def faces() -> list[tuple[int, str, str]]:
    return [(value, face, str(FACE_WORDS[value])) for value, face in FACES]


def plan_form(match: Match) -> MeetingPlanForm:
    starts, place = selectors.next_slot(match=match)
    return MeetingPlanForm(initial={"starts_at": timezone.localtime(starts), "place": place,
                                    "minutes": match.programme.session_minutes})


@require_GET
@programme_view("journal.view_journal")
def pair(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    story = selectors.pair_story(match=match, parts=parts)
    writer = bool(parts & set(WRITERS)) and match.state in selectors.WRITABLE_STATES
    now = timezone.now()
    for meeting in story.meetings:
        meeting.rateable = selectors.rateable(meeting, now)  # type: ignore[attr-defined]
    for goal in story.goals:  # each progress form carries its own once-token
        goal.progress_form = ProgressForm(auto_id=f"id_progress_{goal.pk}_%s") if writer else None  # type: ignore[attr-defined]
    friendly = not parts & {"coordinator", "mentor", "supervisor"}
    return render(request, "journal/pair.html", {
        "programme": programme, "match": match, "story": story, "parts": parts, "writer": writer,
        "friendly": friendly, "reader": "learner" if "learner" in parts else "guardian",
        "coordinator": "coordinator" in parts, "supervision": selectors.supervision(programme),
        "plan_form": plan_form(match) if writer else None, "goal_form": None,
        "faces": faces(), "can_rate": "learner" in parts, "agree_as": agree_as(parts),
        "link_url": site_url(reverse("journal:link", kwargs={"token": story.link.token})) if story.link else "",
        "now": now, **_week(match),
    })


def _week(match: Match) -> dict[str, int | None]:
    today = timezone.localdate()
    if match.closed_at is not None:  # a closed pair's weeks ended with it ("week 60 of 52" else)
        today = min(today, timezone.localdate(match.closed_at))
    if match.cycle_start is None or match.cycle_start > today:
        return {"week": None, "weeks": None}
    # "of N" from the pair's own dates (the one rule of tandem.core.cycle): a programme on dates
    # gets its N too, and a pair whose end was moved counts to its own end.
    week, weeks = (today - match.cycle_start).days // 7 + 1, pair_weeks(match.cycle_start, match.cycle_end)
    # The end day itself starts a week past the last ("Week 21 of 20"), and a pair closed on a
    # working day after its end got there too: a finished pair is at its last week. A running
    # pair past its end keeps counting (the coordinator sees it overran).
    if weeks and (match.closed_at is not None or (match.cycle_end is not None and today <= match.cycle_end)):
        week = min(week, weeks)
    return {"week": week, "weeks": weeks}


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def goal_create(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    from tandem.journal.categories import categories_seed

    categories_seed(programme=programme)
    form = GoalForm(request.POST or None, categories=selectors.categories(programme=programme))
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.goal_create(match=match, actor=request.user, **form.cleaned_data),
            message=_("The goal is set. Show it to the learner: they can agree to it on their page."),
            then=lambda _goal: to_pair(match))):
        return response
    return render(request, "journal/goal_form.html", {"programme": programme, "match": match, "form": form})


def _goal_form(goal: Goal, programme: Programme, data: Any = None) -> GoalEditForm:
    return GoalEditForm(data, version=goal.version, categories=selectors.categories(
        programme=programme, include=goal.category), initial={
        "category": goal.category_id, "description": goal.description, "success": goal.success,
        "target_date": goal.target_date})


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def goal_edit(request: HttpRequest, programme: Programme, pk: int, goal: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = goal_or_404(match, goal)
    form = _goal_form(item, programme, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.goal_update(goal=item, actor=request.user,
                                               expected_version=form.expected_version, **form.cleaned_data),
            saved=lambda row: _goal_form(row, programme)):
        messages.success(request, _("Changes saved."))
        return to_pair(match)
    return render(request, "journal/goal_form.html", {"programme": programme, "match": match, "form": form,
                                                      "goal": item})


@require_POST
@programme_view("journal.write_journal")
def goal_progress(request: HttpRequest, programme: Programme, pk: int, goal: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = goal_or_404(match, goal)
    form = ProgressForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write what moved forward."))
        return to_pair(match)

    return create_once(
        request, form, lambda: services.goal_progress_add(
            goal=item, actor=request.user, note=form.cleaned_data["note"],
            author=selectors.me(request.user, programme)),
        message=_("Progress noted."), then=lambda _progress: to_pair(match), back=to_pair(match),
    ) or to_pair(match)


def _close_form(goal: Goal, data: Any = None) -> GoalCloseForm:
    closed = goal.state in dict(GoalCloseForm.OUTCOMES)
    return GoalCloseForm(data, version=goal.version, initial={
        "outcome": goal.state if closed else Goal.State.REACHED, "reflection": goal.reflection if closed else "",
        "new_description": goal.description, "new_success": goal.success,
        "new_target_date": goal.target_date})


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def goal_close(request: HttpRequest, programme: Programme, pk: int, goal: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = goal_or_404(match, goal)
    form = _close_form(item, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if submit_edit(form, lambda: services.goal_transition(
                goal=item, to_state=data["outcome"], actor=request.user, reflection=data["reflection"],
                expected_version=form.expected_version,
                new={"description": data["new_description"], "success": data["new_success"],
                     "target_date": data["new_target_date"]}), saved=_close_form):
            messages.success(request, {
                Goal.State.REACHED: _("Well done! The goal is marked as reached."),
                Goal.State.ADJUSTED: _("The goal is adjusted; the new version is on the page."),
                Goal.State.DROPPED: _("The goal is dropped, with your reflection."),
            }[data["outcome"]])
            return to_pair(match)
    return render(request, "journal/goal_close.html", {"programme": programme, "match": match, "goal": item,
                                                       "form": form})


@require_POST
@programme_view("journal.agree_goal")
def goal_agree(request: HttpRequest, programme: Programme, pk: int, goal: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, "learner", "guardian")
    item = goal_or_404(match, goal)
    if AgreeForm({"goal": goal}).is_valid():
        try:
            services.goal_agree(goal=item, agreed_as=agree_as(parts), actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you! Your mentor can see that you agree.") if agree_as(parts) == "learner"
                             else _("Thank you! The mentor can see that you agree with this goal."))
    return to_pair(match)


@require_POST
@programme_view("journal.write_journal")
def learner_link(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """Make a new personal link for the learner (the old one stops working), or revoke it."""
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    try:
        if request.POST.get("action") == "revoke":
            services.learner_link_revoke(match=match, actor=request.user)
            messages.success(request, _("The personal link no longer works."))
        else:
            services.learner_link_create(match=match, actor=request.user)
            messages.success(request, _("A new personal link is ready. Give it to the learner; an older link no "
                                        "longer works."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return to_pair(match)

