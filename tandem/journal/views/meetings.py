"""A meeting: plan, move, prepare, log (with its draft), notes around it, the learner's face."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.calendar import one_event_response
from tandem.core.models import Programme
from tandem.core.once import create_once, submit_once
from tandem.core.scoping import programme_view
from tandem.core.text import file_name
from tandem.core.versioning import submit_edit
from tandem.journal import selectors, services
from tandem.journal.calendar import meeting_event, reader_of, with_calendar_facts
from tandem.journal.forms import (
    MeetingEditForm,
    MeetingLogForm,
    MeetingPlanForm,
    NoteForm,
    PreparationForm,
    RateForm,
)
from tandem.journal.models import KINDS, Meeting, Note
from tandem.journal.views.common import match_or_404, meeting_or_404, require, to_meeting, to_pair
from tandem.journal.views.pair import WRITERS, faces, plan_form

# What a log's draft keeps (never the form's tokens).
DRAFT_FIELDS = ("state", "duration_minutes", "goals", "activities", "missed_by", "missed_reason", "note",
                "reflection", "important")


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def meeting_plan(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    form = MeetingPlanForm(request.POST) if request.method == "POST" else plan_form(match)
    if request.method == "POST" and form.is_valid() and (response := create_once(
            request, form, lambda: services.meeting_plan(
                match=match, actor=request.user, starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"], minutes=form.cleaned_data["minutes"]),
            message=_("The meeting is planned."), then=lambda _meeting: to_pair(match))):
        return response
    return render(request, "journal/meeting_plan.html", {"programme": programme, "match": match, "form": form})


@require_GET
@programme_view("journal.view_journal")
def meeting(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    item = meeting_or_404(match, meeting)
    notes = selectors.meeting_notes(meeting=item, parts=parts)
    supervisor = bool(parts & {"supervisor", "coordinator"})
    mentor = "mentor" in parts
    for note in notes:  # each reply form carries its own once-token
        note.reply_form = NoteForm(kind=Note.Kind.REPLY, auto_id=f"id_reply_{note.pk}_%s",  # type: ignore[attr-defined]
                                   initial={"parent": note.pk}) if mentor and note.kind == Note.Kind.COMMENT else None
    note_forms = []
    if supervisor:
        prepared = any(n.kind == Note.Kind.PREPARATION for n in notes)
        kinds = ([Note.Kind.COMMENT] if prepared and item.is_planned else []) + (
            [Note.Kind.OBSERVATION, Note.Kind.INTERVISION] if item.has_taken_place() else [])
        note_forms = [(kind, Note.Kind(kind).label, NoteForm(kind=kind, auto_id=f"id_{kind}_%s")) for kind in kinds]
    return render(request, "journal/meeting.html", {
        "programme": programme, "match": match, "meeting": item, "notes": notes, "parts": parts,
        "mentor": mentor, "supervisor": supervisor, "note_forms": note_forms,
        "not_yet": services.not_yet() if supervisor and not item.has_taken_place() else "",
        "writer": bool(parts & set(WRITERS)), "supervision": selectors.supervision(programme),
        "friendly": not parts & {"coordinator", "mentor", "supervisor"}, "faces": faces(),
        "can_rate": "learner" in parts and selectors.rateable(item),
        "goals": list(item.goals.all()),
    })


@require_GET
@programme_view("journal.view_journal")
def meeting_ics(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    """The meeting as a one-off ``.ics`` file, for whoever may open its page."""
    match, _parts = match_or_404(request, programme, pk)
    item = meeting_or_404(match, meeting)
    found = with_calendar_facts(Meeting.objects.filter(pk=item.pk), request.user).get()
    return one_event_response(meeting_event(found, reader=reader_of(found, request.user)),
                              filename=file_name(pgettext("file name", "meeting"), found.pk) + ".ics")


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def meeting_edit(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = meeting_or_404(match, meeting)
    form = _move_form(item, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
            form, lambda: services.meeting_update(
                meeting=item, actor=request.user, expected_version=form.expected_version,
                starts_at=form.cleaned_data["starts_at"], place=form.cleaned_data["place"]),
            saved=_move_form):
        messages.success(request, _("The meeting is moved."))
        return to_pair(match)
    return render(request, "journal/meeting_edit.html", {"programme": programme, "match": match, "meeting": item,
                                                         "form": form})


def _move_form(item: Meeting, data: Any = None) -> MeetingEditForm:
    return MeetingEditForm(data, version=item.version, initial={
        "starts_at": timezone.localtime(item.starts_at), "place": item.place})


def _log_initial(item: Meeting, draft: dict[str, Any], reflection: Note | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        # A meeting still ahead can only be called off: its log opens on "Cancelled" (it opened on
        # "It took place", which saving then refused).
        "state": item.state if item.state != Meeting.State.PLANNED
        else Meeting.State.HELD if item.may_be_logged_held() else Meeting.State.CANCELLED,
        "duration_minutes": item.duration_minutes or int((item.ends_at - item.starts_at).total_seconds() // 60),
        "goals": [g.pk for g in item.goals.all()], "activities": item.activities, "note": item.note,
        "important": item.important, "missed_by": item.missed_by, "missed_reason": item.missed_reason,
        "reflection": reflection.text if reflection else "",
    }
    for name in DRAFT_FIELDS:
        if name in draft:
            initial[name] = draft[name] if name != "important" else draft[name] in ("on", "true", "True")
    return initial


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def meeting_log(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = meeting_or_404(match, meeting)
    supervision = selectors.supervision(programme) and "mentor" in parts
    reflection = item.notes.filter(kind=Note.Kind.REFLECTION).first()
    goals = match.goals.filter(state="active") | match.goals.filter(pk__in=item.goals.values("pk"))
    draft = selectors.draft_of(meeting=item, user=request.user)
    def log_form(row: Meeting, data: Any = None, draft: dict[str, Any] | None = None) -> MeetingLogForm:
        return MeetingLogForm(data, version=row.version, goals=goals.distinct(), reflection=supervision,
                              initial=_log_initial(row, draft or {}, reflection))

    form = log_form(item, request.POST or None, draft)

    def save() -> None:
        data = form.cleaned_data
        with transaction.atomic():
            services.meeting_log(meeting=item, actor=request.user, expected_version=form.expected_version,
                                 state=data["state"], duration_minutes=data["duration_minutes"],
                                 activities=data["activities"], goals=data["goals"], note=data["note"],
                                 important=data["important"], missed_by=data["missed_by"],
                                 missed_reason=data["missed_reason"])
            text = (data.get("reflection") or "").strip()
            if supervision and text:
                author = selectors.me(request.user, programme)
                if reflection is None:
                    services.note_add(meeting=item, kind=Note.Kind.REFLECTION, text=text, author=author,
                                      parts=parts, actor=request.user)
                elif reflection.text != text:
                    services.note_update(note=reflection, actor=request.user,
                                         expected_version=reflection.version, text=text)

    if request.method == "POST" and form.is_valid() and submit_edit(form, save, saved=log_form):
        messages.success(request, _("Thank you, the meeting is logged."))
        return to_pair(match)
    return render(request, "journal/meeting_log.html", {
        "programme": programme, "match": match, "meeting": item, "form": form,
        "draft": bool(draft), "goals_exist": goals.exists(),
    })


@require_POST
@programme_view("journal.write_journal")
def meeting_draft(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    """Keep what the mentor typed so far (posted by the log page as they type); answers a line
    the page shows: "Draft kept at 15:02"."""
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = meeting_or_404(match, meeting)
    data: dict[str, Any] = {}
    for name in DRAFT_FIELDS:
        if name in request.POST:
            values = request.POST.getlist(name)
            data[name] = values if name == "goals" else values[-1]
    if not data:
        return HttpResponse("")
    services.draft_save(meeting=item, user=request.user, data=data)
    return HttpResponse(format_html('<span class="muted">{}</span>', _("Draft kept at %(time)s.") % {
        "time": time_format(timezone.localtime(), "TIME_FORMAT")}))


@require_http_methods(["GET", "POST"])
@programme_view("journal.prepare")
def preparation(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, "mentor")
    item = meeting_or_404(match, meeting)
    current = item.notes.filter(kind=Note.Kind.PREPARATION).first()
    form = PreparationForm(request.POST or None, version=current.version if current else 0,
                           initial={"text": current.text if current else ""})
    # Nobody to read it (no supervisor at the learner's school): promise no feedback.
    supervised = selectors.pair_supervisors(match).exists()

    def write() -> None:
        text = form.cleaned_data["text"]
        if current is None:
            services.note_add(meeting=item, kind=Note.Kind.PREPARATION, text=text, parts=parts,
                              author=selectors.me(request.user, programme), actor=request.user)
        else:
            services.note_update(note=current, actor=request.user, text=text,
                                 expected_version=form.expected_version)

    def save() -> HttpResponse | None:
        if not submit_edit(form, write, saved=lambda row: PreparationForm(
                version=row.version, initial={"text": row.text})):
            return None
        messages.success(request, _("Your preparation is saved. Your supervisor can now give feedback.")
                         if supervised else _("Your preparation is saved."))
        return to_meeting(item)

    if request.method == "POST" and form.is_valid() and (response := submit_once(request, form, save)):
        return response
    return render(request, "journal/preparation.html", {"programme": programme, "match": match, "meeting": item,
                                                        "form": form, "supervised": supervised})


@require_POST
@programme_view("journal.write_notes")
def note_add(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, "mentor", "supervisor", "coordinator")
    item = meeting_or_404(match, meeting)
    kind = request.POST.get("kind", "")
    form = NoteForm(request.POST, kind=kind if kind in KINDS else "")
    if not form.is_valid():
        messages.error(request, _("Write the note."))
        return to_meeting(item)
    data = form.cleaned_data
    parent = item.notes.filter(pk=data["parent"]).first() if data.get("parent") else None

    return create_once(
        request, form, lambda: services.note_add(
            meeting=item, kind=data["kind"], text=data["text"], parts=parts, parent=parent,
            visibility=data.get("visibility") or "", actor=request.user,
            author=selectors.me(request.user, programme)),
        message={
            Note.Kind.COMMENT: _("Your feedback is saved; the mentor is told."),
            Note.Kind.REPLY: _("Your reply is saved; the supervisor is told."),
        }.get(data["kind"], _("The note is saved.")),
        then=lambda _note: to_meeting(item), back=to_meeting(item),
    ) or to_meeting(item)


@require_POST
@programme_view("journal.rate_meeting")
def rate(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, "learner")
    item = meeting_or_404(match, meeting)
    form = RateForm({"meeting": item.pk, "rating": request.POST.get("rating", "")})
    if not form.is_valid():
        messages.error(request, _("Choose one of the faces."))
        return to_pair(match)
    try:
        services.meeting_rate(meeting=item, rating=form.cleaned_data["rating"], via=Meeting.RatedVia.PAGE,
                              actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you for telling us how it was!"))
    return to_pair(match)

