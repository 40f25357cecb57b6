"""A meeting: plan, move, prepare, log (with its draft), notes around it, the learner's face."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.models import Programme
from tandem.core.once import give_back, submit_once
from tandem.core.scoping import programme_view
from tandem.core.services import EditConflict
from tandem.journal import selectors, services
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
    if request.method == "POST" and form.is_valid():
        def save() -> HttpResponse | None:
            data = form.cleaned_data
            try:
                services.meeting_plan(match=match, actor=request.user, starts_at=data["starts_at"],
                                      place=data["place"], minutes=data["minutes"])
            except ValidationError as exc:
                form.add_error(None, exc)
                return None
            messages.success(request, _("The meeting is planned."))
            return to_pair(match)

        if (response := submit_once(request, form, save)) is not None:
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
        kinds = ([Note.Kind.COMMENT] if prepared and item.is_planned else []) + [
            Note.Kind.OBSERVATION, Note.Kind.INTERVISION]
        note_forms = [(kind, Note.Kind(kind).label, NoteForm(kind=kind, auto_id=f"id_{kind}_%s")) for kind in kinds]
    return render(request, "journal/meeting.html", {
        "programme": programme, "match": match, "meeting": item, "notes": notes, "parts": parts,
        "mentor": mentor, "supervisor": supervisor, "note_forms": note_forms,
        "writer": bool(parts & set(WRITERS)), "supervision": selectors.supervision(programme),
        "friendly": not parts & {"coordinator", "mentor", "supervisor"}, "faces": faces(),
        "can_rate": "learner" in parts and selectors.rateable(item),
        "goals": list(item.goals.all()),
    })


@require_http_methods(["GET", "POST"])
@programme_view("journal.write_journal")
def meeting_edit(request: HttpRequest, programme: Programme, pk: int, meeting: int) -> HttpResponse:
    match, parts = match_or_404(request, programme, pk)
    require(parts, *WRITERS)
    item = meeting_or_404(match, meeting)
    form = MeetingEditForm(request.POST or None, initial={
        "version": item.version, "starts_at": timezone.localtime(item.starts_at), "place": item.place})
    conflict: Meeting | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(meeting=item, actor=request.user, expected_version=data["version"],
                                    starts_at=data["starts_at"], place=data["place"])
        except EditConflict as exc:
            form.add_error(None, exc)
            conflict = Meeting.objects.get(pk=item.pk)
            form.data = {**request.POST.dict(), "version": str(conflict.version)}
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The meeting is moved."))
            return to_pair(match)
    return render(request, "journal/meeting_edit.html", {"programme": programme, "match": match, "meeting": item,
                                                         "form": form, "conflict": conflict})


def _log_initial(item: Meeting, draft: dict[str, Any], reflection: Note | None) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": item.version,
        "state": item.state if item.state != Meeting.State.PLANNED else Meeting.State.HELD,
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
    form = MeetingLogForm(request.POST or None, goals=goals.distinct(), reflection=supervision,
                          initial=_log_initial(item, draft, reflection))
    conflict: Meeting | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_log(meeting=item, actor=request.user, expected_version=data["version"],
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
                    services.note_update(note=reflection, actor=request.user, expected_version=reflection.version,
                                         text=text)
        except EditConflict as exc:
            form.add_error(None, exc)
            conflict = Meeting.objects.get(pk=item.pk)
            form.data = {**request.POST.dict(), "goals": request.POST.getlist("goals"),
                         "version": str(conflict.version)}
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you, the meeting is logged."))
            return to_pair(match)
    return render(request, "journal/meeting_log.html", {
        "programme": programme, "match": match, "meeting": item, "form": form, "conflict": conflict,
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
    form = PreparationForm(request.POST or None, initial={"text": current.text if current else "",
                                                          "version": current.version if current else None})
    conflict: list[Note] = []
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]

        def save() -> HttpResponse | None:
            try:
                if current is None:
                    services.note_add(meeting=item, kind=Note.Kind.PREPARATION, text=text, parts=parts,
                                      author=selectors.me(request.user, programme), actor=request.user)
                else:
                    services.note_update(note=current, actor=request.user, text=text,
                                         expected_version=form.cleaned_data["version"] or 0)
            except EditConflict as exc:
                form.add_error(None, exc)
                if current is not None:
                    conflict.append(Note.objects.get(pk=current.pk))
                    form.data = {**request.POST.dict(), "version": str(conflict[0].version)}
                return None
            except ValidationError as exc:
                form.add_error(None, exc)
                return None
            messages.success(request, _("Your preparation is saved. Your supervisor can now give feedback."))
            return to_meeting(item)

        if (response := submit_once(request, form, save)) is not None:
            return response
    return render(request, "journal/preparation.html", {"programme": programme, "match": match, "meeting": item,
                                                        "form": form, "conflict": conflict[0] if conflict else None})


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

    def save() -> HttpResponse:
        try:
            services.note_add(meeting=item, kind=data["kind"], text=data["text"], parts=parts, parent=parent,
                              visibility=data.get("visibility") or "", actor=request.user,
                              author=selectors.me(request.user, programme))
        except ValidationError as exc:
            give_back()
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, {
                Note.Kind.COMMENT: _("Your feedback is saved; the mentor is told."),
                Note.Kind.REPLY: _("Your reply is saved; the supervisor is told."),
            }.get(data["kind"], _("The note is saved.")))
        return to_meeting(item)

    return submit_once(request, form, save) or to_meeting(item)


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

