"""A match's pages: the list, its timeline, the first meeting, answers, rematching, closure."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core import extensions
from tandem.core import selectors as core_selectors
from tandem.core.audit import record_view
from tandem.core.calendar import one_event_response
from tandem.core.fields import vocabulary
from tandem.core.inputs import parse_id
from tandem.core.models import Programme
from tandem.core.once import create_once, new_token
from tandem.core.paging import paginate
from tandem.core.roles import roles_for
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.core.versioning import submit_edit
from tandem.matching import explanations, friendly, recorded, selectors, services
from tandem.matching.calendar import calendar_reader, first_meeting_event, with_calendar_facts
from tandem.matching.forms import (
    AnswerForm,
    CloseForm,
    FirstMeetingForm,
    HeldForm,
    ProposeForm,
    RecordAnswerForm,
)
from tandem.matching.models import Match, MatchEvent
from tandem.onboarding.models import Volunteer


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def _match_or_404(request: HttpRequest, programme: Programme, pk: int) -> Match:
    try:
        return selectors.programme_match(programme=programme, user=request.user, pk=pk)
    except Match.DoesNotExist as exc:
        raise Http404 from exc


def _is_coordinator(request: HttpRequest, programme: Programme) -> bool:
    return bool(roles_for(request.user, programme) & selectors.COORDINATOR_ROLES)


def _back(programme: Programme, match: Match) -> HttpResponse:
    return redirect("matching:match", **_kw(programme, pk=match.pk))


@require_GET
@programme_view("matching.view_matches")
def match_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    state = request.GET.get("state", "")
    matches = selectors.visible_matches(programme=programme, user=request.user)
    if state in Match.State.values:
        matches = matches.filter(state=state)
    page = paginate(request, matches)
    return render(request, "matching/match_list.html", {
        "programme": programme, "page": page, "matches": page.object_list, "state": state,
        "states": Match.State.choices,
        "coordinator": _is_coordinator(request, programme),
    })


@require_GET
@programme_view("matching.view_matches")
def match_detail(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    # A learner's match (often a minor's): who opened it is kept (docs/privacy.md).
    record_view(user=request.user, programme=programme, person=match.learner.person,
                subject=f"match:{match.pk}")
    return _detail_page(request, programme, match)


def _meeting_form(match: Match, data: Any = None) -> FirstMeetingForm:
    return FirstMeetingForm(data, version=match.version, initial={
        "place": match.first_meeting_place or services.default_place(match.programme),
        "at": match.first_meeting_at and timezone.localtime(match.first_meeting_at)})


def _held_form(match: Match, data: Any = None) -> HeldForm:
    return HeldForm(data, prefix="held", version=match.version, initial={"held_on": _held_default(match)})


def _criterion(item: Any) -> str:
    return str(item.get("criterion", "") if isinstance(item, dict) else item[0])


def _detail_page(request: HttpRequest, programme: Programme, match: Match,
                 **sent: forms.Form) -> HttpResponse:
    """The match's page; ``sent`` replaces one of its forms by the one sent back with what was
    typed (after a refused stale save)."""
    coordinator = _is_coordinator(request, programme)
    offers: list[dict[str, Any]] = []
    offers_error = ""
    if coordinator and match.state == Match.State.DECLINED:
        try:
            raw = services.rematch_offers(match=match)
        except ValidationError as exc:
            raw, offers_error = [], " ".join(exc.messages)
        names = {v.pk: v for v in Volunteer.objects.filter(pk__in=[o["volunteer"] for o in raw]).select_related("person")}
        offers = [{"volunteer": names[o["volunteer"]], "score": o["score"], "once": new_token(),
                   "line": explanations.line(o["items"], private=True, fields=vocabulary(programme))}
                  for o in raw if o["volunteer"] in names]
    events = list(match.events.select_related("actor"))
    for event in events:
        if event.kind == MatchEvent.Kind.MEETING_HELD:
            with contextlib.suppress(KeyError, TypeError, ValueError):
                held_on = date.fromisoformat(event.data["on"])
                # Each date once: the line starts with the day it was recorded; the day it was
                # held is added only when it was another day ("marked on the 26th, held the 24th").
                if held_on != timezone.localdate(event.at):
                    event.held_on = held_on  # type: ignore[attr-defined]
        if event.kind == MatchEvent.Kind.ANSWERED and isinstance(event.data, dict) and event.data.get("via"):
            event.recorded = recorded.story_line(  # type: ignore[attr-defined]
                event.data, recorded.recorder(event.actor, named=coordinator))
    # The learner and their guardian read a friendly page: no points, limits or waiting days.
    reader = "" if coordinator else selectors.reader_of(match=match, user=request.user)
    side = selectors.answer_side(match=match, user=request.user)
    return render(request, "matching/match_detail.html", {
        "programme": programme, "match": match, "coordinator": coordinator,
        # Recording a conflict for a pair that is already never proposed would change nothing.
        "never_proposed": coordinator and selectors.never_proposed(match=match),
        "friendly": friendly.friendly_match(match, reader=reader) if reader else None,
        # A mentor reads why they fit, in words; how long the learner waited is the coordinator's.
        "rows": [] if reader else explanations.rows(
            match.items if coordinator else [i for i in match.items if _criterion(i) != "waiting"],
            private=coordinator, fields=vocabulary(programme)),
        "warnings": [] if reader else [services.limit_label(w) for w in match.warnings],
        "events": events, "offers": offers, "offers_error": offers_error,
        # The story already has the closing line (its date and reason): the words below it add
        # only the coordinator's note, not the date and reason a second time.
        "closed_in_story": any(e.kind == MatchEvent.Kind.CLOSED for e in events),
        # The first meeting's card shows its planned day in bold; "took place on" repeats a day
        # only when the meeting was held on another one.
        "held_another_day": _held_another_day(match),
        "proposed_place": match.first_meeting_place or services.default_place(programme),
        "side": side,
        # Answers heard by phone or in person: one button per side that may answer now.
        "record_links": [(whose_side, recorded.record_button(_recorded_side(match, whose_side)))
                         for whose_side in ("mentor", "learner")
                         if coordinator and services.answer_refusal(match, whose_side) is None],
        "mentor_recorded": recorded.answer_note(match, "mentor", named=coordinator),
        "learner_recorded": recorded.answer_note(match, "learner", named=coordinator),
        # Once their side has answered, the page shows the answer, not "Give your answer" again.
        "answered": bool(side and getattr(match, f"{side}_answer")),
        # A minor's guardian answers for their side: the learner's page says so (it read
        # "Learner: no answer yet", with nothing the learner could do about it).
        "guardian_answers": match.state in (Match.State.PROPOSED, Match.State.INTRODUCED)
        and services.learner_side_is_guardian(match),
        "meeting_form": _meeting_form(match),
        "close_form": CloseForm(version=match.version, group=programme.is_group),
        "held_form": _held_form(match),
        "surveys": list(match.surveys.all()) if coordinator else [],
        "is_mentor": match.volunteer.person.user_id == request.user.pk,
        **sent,
        "app_links": extensions.match_links(request=request, match=match),
    })


@require_POST
@programme_view("matching.manage_matching")
def first_meeting(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    form = FirstMeetingForm(request.POST)
    if not form.is_valid():
        # The page again with what was typed and the error beside its field (a redirect lost
        # the day typed and said only "give the date, time and place").
        return _detail_page(request, programme, match, meeting_form=form)
    return _edit_on_page(request, programme, match, "meeting_form", form, _meeting_form, lambda: (
        services.match_plan_first_meeting(match=match, at=form.cleaned_data["at"], place=form.cleaned_data["place"],
                                          actor=request.user, expected_version=form.expected_version)),
        _("The first meeting is planned; both sides were informed."))


def _edit_on_page(request: HttpRequest, programme: Programme, match: Match, name: str,
                  form: Any, saved: Callable[[Match], forms.Form], save: Callable[[], object],
                  success: str) -> HttpResponse:
    """Save a form of the match's page: back to the page with a message, or — when it was refused
    (someone saved the match meanwhile, or the service said why not) — the page again with this
    form: what was typed, the error beside it, and both versions after a conflict."""
    if submit_edit(form, save, saved=saved):
        messages.success(request, success)
        return _back(programme, match)
    return _detail_page(request, programme, match, **{name: form})


@require_GET
@programme_view("matching.view_matches")
def first_meeting_ics(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    """The first meeting as a one-off ``.ics`` file, for whoever may open the match."""
    try:
        match = with_calendar_facts(selectors.visible_matches(programme=programme, user=request.user),
                                    request.user).get(pk=pk, first_meeting_at__isnull=False)
    except Match.DoesNotExist as exc:
        raise Http404 from exc
    event = first_meeting_event(match, reader=calendar_reader(match, request.user),
                                last_modified=match.changed)  # type: ignore[attr-defined]
    return one_event_response(event, filename=file_name(pgettext("file name", "first meeting"), match.pk) + ".ics")


def _held_another_day(match: Match) -> bool:
    held = match.first_meeting_held_on
    return held is not None and (match.first_meeting_at is None
                                 or held != timezone.localdate(match.first_meeting_at))


def _held_default(match: Match) -> Any:
    """The planned day when it is past (the meeting took place as planned), else today."""
    today = timezone.localdate()
    if match.first_meeting_at is not None:
        return min(timezone.localdate(match.first_meeting_at), today)
    return today


@require_POST
@programme_view("matching.manage_matching")
def meeting_held(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    form = HeldForm(request.POST, prefix="held")
    if not form.is_valid():
        return _detail_page(request, programme, match, held_form=form)
    return _edit_on_page(request, programme, match, "held_form", form, _held_form, lambda: (
        services.match_mark_held(match=match, actor=request.user, expected_version=form.expected_version,
                                 held_on=form.cleaned_data["held_on"])),
        _("The first meeting is marked as held: both sides can now give their answer."))


@require_http_methods(["GET", "POST"])
@programme_view("matching.answer_match")
def answer(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    side = selectors.answer_side(match=match, user=request.user)
    form = AnswerForm(request.POST or None)
    error = ""
    if request.method == "POST" and side and form.is_valid():
        try:
            services.match_answer(match=match, side=side, answer=form.cleaned_data["answer"],
                                  reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            # Shown on this page, with what was typed, rather than on the match page.
            error = " ".join(exc.messages)
            match.refresh_from_db()
        else:
            messages.success(request, _("Thank you, your answer was recorded."))
            return _back(programme, match)
    guardian = services.learner_side_is_guardian(match)
    return render(request, "matching/answer.html", {
        "error": error,
        "consent": selectors.consent_to_give(match=match, user=request.user)
        if side == "learner" and guardian else None,
        "programme": programme, "match": match, "side": side, "form": form,
        "given": getattr(match, f"{side}_answer") if side else "",
        "recorded_for_you": recorded.for_the_person(getattr(match, f"{side}_recorded_via"))
        if side and getattr(match, f"{side}_recorded_via") else "",
        "guardian": guardian,
        "not_met": "" if match.first_meeting_took_place() else services.not_met_message(match),
    }, status=400 if error else 200)


def _recorded_side(match: Match, side: str) -> str:
    """Whose answer a coordinator records: "mentor", "learner" or — for a minor — "guardian"."""
    if side == "learner" and services.learner_side_is_guardian(match):
        return "guardian"
    return side


@require_http_methods(["GET", "POST"])
@programme_view("matching.manage_matching")
def record_answer(request: HttpRequest, programme: Programme, pk: int, side: str) -> HttpResponse:
    """A coordinator records the answer one side gave by phone, in person or otherwise (the
    people who have no e-mail or never open their link): the same service as their own answer."""
    if side not in ("mentor", "learner"):
        raise Http404
    match = _match_or_404(request, programme, pk)
    whose = _recorded_side(match, side)
    refusal = services.answer_refusal(match, side)
    if refusal is not None and request.method == "GET":
        # Answered meanwhile, the match moved on, or the first meeting is still to come.
        messages.info(request, " ".join(refusal.messages))
        return _back(programme, match)
    form = RecordAnswerForm(request.POST or None, question=str(recorded.record_question(whose)))
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.match_answer(
            match=match, side=side, answer=form.cleaned_data["answer"], reason=form.cleaned_data["reason"],
            recorded_via=form.cleaned_data["via"], note=form.cleaned_data["note"], actor=request.user),
        message=str(recorded.recorded_message(whose)),
        then=lambda _match: _back(programme, match), back=_back(programme, match),
    )):
        return response
    return render(request, "matching/record_answer.html", {
        "programme": programme, "match": match, "form": form, "whose": whose,
        "title": recorded.record_button(whose),
        "people": [match.volunteer.person] if side == "mentor" else services.learner_side_people(match),
    })


@require_POST
@programme_view("matching.manage_matching")
def propose(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    form = ProposeForm(request.POST)
    volunteer = None
    if form.is_valid():
        volunteer = Volunteer.objects.filter(programme=programme, pk=form.cleaned_data["volunteer"]).first()
    if volunteer is None:
        messages.error(request, _("Choose a mentor of this programme."))
        return _back(programme, match)
    return create_once(
        request, form,
        lambda: services.match_propose(programme=programme, learner=match.learner, volunteer=volunteer,
                                       actor=request.user, confirm=form.cleaned_data["confirm"]),
        message=_("The new place in a learning community was proposed. Plan the first meeting.") if programme.is_group
        else _("The new partner was proposed. Plan the first meeting."),
        then=lambda new: _back(programme, new), back=_back(programme, match),
    ) or _back(programme, match)


@require_http_methods(["GET", "POST"])
@programme_view("matching.manage_matching")
def close(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match = _match_or_404(request, programme, pk)
    sent_version = parse_id(request.POST.get("version")) if request.method == "POST" else None
    stale = sent_version is not None and sent_version != match.version
    if not match.is_open and not stale:
        # Closed already and nothing to compare (the page reopened with Back): its page says how
        # it ended. A form opened before someone else closed it is answered below, like any stale
        # edit: what they chose beside what was typed, and a way back to the match.
        messages.info(request, _("This place in the learning community has already ended.") if programme.is_group
                      else _("This match has already ended."))
        return _back(programme, match)
    form = CloseForm(request.POST or None, version=match.version, group=programme.is_group)

    def save() -> object:
        data = form.cleaned_data
        return services.match_close(
            match=match, reason=data["reason"], note=data["note"], actor=request.user,
            expected_version=form.expected_version,
            rematch=data["rematch"] or data["reason"] in services.EARLY_REASONS_REMATCH)

    if request.method == "POST" and form.is_valid() and submit_edit(
        form, save, saved=lambda row: CloseForm(version=row.version, group=programme.is_group, initial={
            "reason": row.closure_reason, "note": row.closure_note}),
    ):
        messages.success(request, _("The place in the learning community was closed. The learner and the mentor "
                                    "get a short exit survey.") if programme.is_group else
                         _("The match was closed. Both sides get a short exit survey."))
        return _back(programme, match)
    return render(request, "matching/close.html", {"programme": programme, "match": match, "form": form})


@require_GET
@programme_view("matching.view_reports")
def report(request: HttpRequest, programme: Programme) -> HttpResponse:
    coordinator = _is_coordinator(request, programme)
    threshold = 1 if coordinator else extensions.observer_threshold(programme=programme)
    counts = selectors.match_report(programme=programme, threshold=threshold)
    page = paginate(request, Match.objects.filter(programme=programme, state=Match.State.CLOSED).select_related(
        "learner__person", "learner__institution", "volunteer__person")
        if coordinator else [])
    return render(request, "matching/report.html", {
        "programme": programme, "counts": counts, "coordinator": coordinator,
        "page": page, "closed": page.object_list,
        "hidden_word": core_selectors.hidden_word(),
        "hidden_note": core_selectors.protected_note(threshold),
    })
