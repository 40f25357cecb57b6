"""Every write of the journal: keyword-only, one transaction each, audited, no request.

Goals move through ``ALLOWED`` (a table of moves, each recorded as a ``GoalTransition``); edits
are optimistically locked by ``version`` and refused with ``core.versioning.EditConflict``. E-mails
go through ``core.notify`` (rendered in the recipient's language by a background task, after the
transaction commits). ``send_reminders`` is the daily job: see its docstring.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record, diff
from tandem.core.integrity import save_checked
from tandem.core.models import AuditEvent, Membership, Person, Programme, Role
from tandem.core.notify import notify, site_url
from tandem.core.selectors import coordinators_of
from tandem.core.services import programme_update
from tandem.core.versioning import lock_for_edit, save_edit
from tandem.journal import selectors
from tandem.journal.categories import categories_seed
from tandem.journal.models import (
    KINDS,
    Goal,
    GoalCategory,
    GoalProgress,
    GoalTransition,
    JournalReason,
    LearnerLink,
    Meeting,
    MeetingDraft,
    Note,
    ReminderItem,
    ReminderMail,
)
from tandem.matching.models import Match

Action = AuditEvent.Action
GState = Goal.State
MState = Meeting.State
_SILENT: ContextVar[bool] = ContextVar("journal_silent", default=False)

ALLOWED: dict[str, frozenset[str]] = {
    GState.ACTIVE: frozenset({GState.REACHED, GState.ADJUSTED, GState.DROPPED}),
    GState.REACHED: frozenset({GState.ACTIVE}),  # reopened: it was not quite there yet
    GState.DROPPED: frozenset({GState.ACTIVE}),
    GState.ADJUSTED: frozenset(),  # its new version carries on
}
GOAL_FIELDS = ("category", "description", "success", "target_date")
LOG_FIELDS = ("state", "duration_minutes", "activities", "note", "important", "missed_by", "missed_reason")
DRAFT_DAYS = 14
LINK_DAYS = 120  # a learner's link without a cycle end
UNLOGGED_WINDOW = timedelta(days=14)  # older unlogged meetings are the coordinator's, not a reminder
INTERVISION_WINDOW = timedelta(days=7)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Inside this block the journal e-mails nobody (demo data)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def _send(**kwargs: Any) -> None:
    if not _SILENT.get():
        notify(**kwargs)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _audit(match: Match, actor: Any, action: str, subject: str, changes: dict[str, Any] | None = None,
           note: str = "") -> None:
    programme = match.programme
    audit_record(organisation=programme.organisation, programme=programme, actor=actor, action=action,
                 subject=subject, person=match.learner.person, changes=changes or {}, note=note)


def _open(match: Match) -> None:
    if match.state not in selectors.WRITABLE_STATES:
        raise ValidationError(_("Goals and meetings are planned while the match runs: after the first "
                                "meeting was planned, until the match ends."))


def _kw(match: Match) -> dict[str, Any]:
    return {"org": match.programme.organisation.slug, "prog": match.programme.slug, "pk": match.pk}


def pair_url(match: Match) -> str:
    return site_url(reverse("journal:pair", kwargs=_kw(match)))


def meeting_url(meeting: Meeting) -> str:
    return site_url(reverse("journal:meeting", kwargs={**_kw(meeting.match), "meeting": meeting.pk}))


# --- programme settings ------------------------------------------------------------------------

def supervision_set(*, programme: Programme, actor: Any, expected_version: int, on: bool) -> Programme:
    """Switch the preparation-and-supervision cycle on or off for the programme."""
    requirements = {**(programme.requirements or {}), "supervisor_feedback_per_session": on}
    return programme_update(programme=programme, actor=actor, expected_version=expected_version,
                            requirements=requirements)


def category_create(*, programme: Programme, actor: Any, labels: dict[str, str]) -> GoalCategory:
    from tandem.core.fields import new_code

    categories_seed(programme=programme)
    name = next((v for v in labels.values() if v), "")
    if not name.strip():
        raise ValidationError(_("Give the category a name in at least one language."))
    with transaction.atomic():
        taken = set(GoalCategory.objects.filter(programme=programme).values_list("code", flat=True))
        last = GoalCategory.objects.filter(programme=programme).order_by("-position").first()
        category = GoalCategory(programme=programme, code=new_code(name, taken),
                                position=(last.position + 10) if last else 0,
                                **{f"label_{k}": v.strip() for k, v in labels.items()})
        category.full_clean()
        save_checked(category)
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=Action.CREATED, subject=f"goal_category:{category.pk}",
                     changes={"label_" + k: [None, v] for k, v in labels.items() if v})
    return category


def category_update(*, category: GoalCategory, actor: Any, labels: dict[str, str], in_use: bool,
                    expected_version: int) -> GoalCategory:
    if not any(v.strip() for v in labels.values()):
        raise ValidationError(_("Give the category a name in at least one language."))
    with transaction.atomic():
        current = lock_for_edit(GoalCategory, pk=category.pk, expected_version=expected_version)
        fields = ("label_en", "label_nl", "label_fr", "label_de", "in_use")
        before = {f: getattr(current, f) for f in fields}
        for language, value in labels.items():
            setattr(current, f"label_{language}", value.strip())
        current.in_use = in_use
        current.full_clean()
        changes = diff(before, {f: getattr(current, f) for f in fields})
        if changes:
            save_edit(current)
            programme = current.programme
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=Action.UPDATED, subject=f"goal_category:{current.pk}", changes=changes)
    return current


# --- goals -------------------------------------------------------------------------------------

def _check_category(match: Match, category: GoalCategory) -> None:
    if category.programme_id != match.programme_id:
        raise ValidationError(_("Choose one of the programme's categories."))


def _check_target(match: Match, target_date: date | None) -> None:
    """A goal is reached while the pair runs: 1 January 2031 for a 20-week pair ending in April is
    a typing slip, not a plan."""
    if target_date is not None and match.cycle_end is not None and target_date > match.cycle_end:
        day = formats.date_format(match.cycle_end, "DATE_FORMAT")
        if match.programme.is_group:  # a learner's place in a learning community, not a pair
            message = _("The place in the learning community runs until %(day)s: choose that day or an earlier "
                        "one.") % {"day": day}
        else:
            message = _("The pair runs until %(day)s: choose that day or an earlier one.") % {"day": day}
        raise ValidationError({"target_date": message})


def goal_create(*, match: Match, actor: Any, category: GoalCategory, description: str, success: str = "",
                target_date: date | None = None, replaces: Goal | None = None) -> Goal:
    _open(match)
    _check_category(match, category)
    _check_target(match, target_date)
    with transaction.atomic():
        goal = Goal(match=match, category=category, description=description.strip(), success=success.strip(),
                    target_date=target_date, replaces=replaces, created_by=_user(actor))
        goal.full_clean()
        goal.save()
        GoalTransition.objects.create(goal=goal, from_state="", to_state=GState.ACTIVE, actor=_user(actor),
                                      reason=JournalReason.SET_TOGETHER)
        _audit(match, actor, Action.CREATED, f"goal:{goal.pk}",
               diff({}, {"category": category.pk, "description": goal.description, "success": goal.success,
                         "target_date": target_date, "state": GState.ACTIVE}))
    return goal


def _lock_goal(goal: Goal, expected_version: int | None) -> Goal:
    return lock_for_edit(Goal.objects.select_related(
        "match__programme__organisation", "match__learner__person", "category"),
        pk=goal.pk, expected_version=expected_version)


def goal_update(*, goal: Goal, actor: Any, expected_version: int, **fields: Any) -> Goal:
    """Correct a goal's wording (a change of direction is an *adjustment*: ``goal_transition``)."""
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown goal fields: {sorted(unknown)}")
    with transaction.atomic():
        current = _lock_goal(goal, expected_version)
        if not current.is_active:
            raise ValidationError(_("Only a goal that is being worked on can be changed."))
        if "category" in fields:
            _check_category(current.match, fields["category"])
        if fields.get("target_date") != current.target_date:  # an end moved earlier keeps older goals
            _check_target(current.match, fields.get("target_date"))
        before = {f: getattr(current, f) for f in GOAL_FIELDS}
        for name, value in fields.items():
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        current.full_clean()
        after = {f: getattr(current, f) for f in GOAL_FIELDS}
        changes = diff({k: getattr(v, "pk", v) for k, v in before.items()},
                       {k: getattr(v, "pk", v) for k, v in after.items()})
        for key in ("description", "success"):
            if key in changes:
                changes[key] = ["…", "…"]
        if not changes:
            return current
        if current.agreed_at is not None and ("description" in changes or "success" in changes):
            # The learner agreed to other words: they are asked again.
            current.agreed_at, current.agreed_as = None, ""
        save_edit(current)
        _audit(current.match, actor, Action.UPDATED, f"goal:{current.pk}", changes)
    return current


def goal_transition(*, goal: Goal, to_state: str, actor: Any, reflection: str,
                    expected_version: int | None = None, new: dict[str, Any] | None = None) -> Goal:
    """Reached, dropped (each with a short reflection) or adjusted: the goal closes and ``new``
    (category, description, success, target_date) becomes the goal that replaces it. Returns
    the goal that is worked on now (the new one after an adjustment)."""
    if to_state not in GState.values:
        raise ValidationError(_("Choose what became of the goal."))
    reflection = reflection.strip()
    with transaction.atomic():
        current = _lock_goal(goal, expected_version)
        if to_state not in ALLOWED[current.state]:
            raise ValidationError(_("A goal cannot go from “%(from)s” to “%(to)s”.") % {
                "from": GState(current.state).label, "to": GState(to_state).label})
        if to_state != GState.ACTIVE and not reflection:
            raise ValidationError({"reflection": _("Write a sentence or two: what went well, what did not?")})
        if to_state == GState.ADJUSTED and not (new and str(new.get("description", "")).strip()):
            raise ValidationError({"description": _("Write the adjusted goal.")})
        if to_state == GState.ACTIVE:
            _open(current.match)
        previous = current.state
        current.state = to_state
        current.reflection = reflection if to_state != GState.ACTIVE else current.reflection
        current.closed_at = None if to_state == GState.ACTIVE else timezone.now()
        current.full_clean()
        save_edit(current)
        GoalTransition.objects.create(goal=current, from_state=previous, to_state=to_state, actor=_user(actor),
                                      reason=reflection)
        _audit(current.match, actor, Action.UPDATED, f"goal:{current.pk}",
               {"state": [previous, to_state], **({"reflection": [None, "…"]} if reflection else {})})
        if to_state == GState.ADJUSTED:
            assert new is not None
            return goal_create(match=current.match, actor=actor, replaces=current,
                               category=new.get("category") or current.category,
                               description=new["description"], success=new.get("success", ""),
                               target_date=new.get("target_date"))
    return current


def goal_progress_add(*, goal: Goal, actor: Any, author: Person | None, note: str,
                      meeting: Meeting | None = None) -> GoalProgress:
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Write what moved forward.")})
    if meeting is not None and meeting.match_id != goal.match_id:
        raise ValidationError(_("Choose a meeting of this pair."))
    if not goal.is_active:
        raise ValidationError(_("Only a goal that is being worked on gets progress updates."))
    with transaction.atomic():
        progress = GoalProgress(goal=goal, note=note, meeting=meeting, author=author)
        progress.full_clean()
        progress.save()
        _audit(goal.match, actor, Action.CREATED, f"goal_progress:{progress.pk}", {"note": [None, "…"]})
    return progress


def goal_agree(*, goal: Goal, agreed_as: str, actor: Any) -> Goal:
    """The learner (or their guardian) says: yes, this is my goal. Once is enough."""
    if agreed_as not in Goal.Agreed.values:
        raise ValidationError(_("Only the learner or a guardian can agree to a goal."))
    with transaction.atomic():
        done = Goal.objects.filter(pk=goal.pk, agreed_at__isnull=True).update(
            agreed_at=timezone.now(), agreed_as=agreed_as)
        goal.refresh_from_db()
        if done:
            _audit(goal.match, actor, Action.UPDATED, f"goal:{goal.pk}", {"agreed_as": [None, agreed_as]})
    return goal


# --- meetings ----------------------------------------------------------------------------------

def _ends(match: Match, starts_at: datetime, minutes: int | None = None) -> datetime:
    return starts_at + timedelta(minutes=minutes or match.programme.session_minutes or 60)


def meeting_plan(*, match: Match, actor: Any, starts_at: datetime, place: str = "",
                 minutes: int | None = None) -> Meeting:
    _open(match)
    with transaction.atomic():
        meeting = Meeting(match=match, starts_at=starts_at, ends_at=_ends(match, starts_at, minutes),
                          place=place.strip(), created_by=_user(actor))
        meeting.full_clean()
        meeting.save()
        _audit(match, actor, Action.CREATED, f"meeting:{meeting.pk}",
               {"starts_at": [None, starts_at.isoformat()], "place": [None, meeting.place]})
    return meeting


def _lock_meeting(meeting: Meeting, expected_version: int | None) -> Meeting:
    return lock_for_edit(Meeting.objects.select_related(
        "match__programme__organisation", "match__learner__person", "match__volunteer__person"),
        pk=meeting.pk, expected_version=expected_version)


def meeting_update(*, meeting: Meeting, actor: Any, expected_version: int, starts_at: datetime,
                   place: str) -> Meeting:
    """Move a planned meeting (its length stays)."""
    with transaction.atomic():
        current = _lock_meeting(meeting, expected_version)
        if current.state != MState.PLANNED:
            raise ValidationError(_("This meeting was already logged; it can no longer be moved."))
        before = {"starts_at": current.starts_at, "place": current.place}
        length = current.ends_at - current.starts_at
        current.starts_at, current.ends_at, current.place = starts_at, starts_at + length, place.strip()
        current.full_clean()
        changes = diff(before, {"starts_at": current.starts_at, "place": current.place})
        if not changes:
            return current
        save_edit(current)
        _audit(current.match, actor, Action.UPDATED, f"meeting:{current.pk}", changes)
    return current


def meeting_log(*, meeting: Meeting, actor: Any, expected_version: int, state: str,
                duration_minutes: int | None = None, activities: str = "", goals: Iterable[Goal] = (),
                note: str = "", important: bool = False, missed_by: str = "", missed_reason: str = "",
                now: datetime | None = None) -> Meeting:
    """Log what became of a meeting. Held: its duration (the planned length by default), what was
    done, the goals it served. Cancelled or no-show: who, and why. "Important" tells the
    coordinators at once. A log can be corrected later (the version guards against two editors)."""
    now = now or timezone.now()
    if state not in (MState.HELD, MState.CANCELLED, MState.NO_SHOW):
        raise ValidationError({"state": _("Choose what happened: held, cancelled or did not take place.")})
    goals = list(goals)
    with transaction.atomic():
        current = _lock_meeting(meeting, expected_version)
        if state == MState.HELD and not current.may_be_logged_held(now):
            raise ValidationError(_("A meeting that is still ahead cannot be logged as held."))
        if any(g.match_id != current.match_id for g in goals):
            raise ValidationError({"goals": _("Choose goals of this pair.")})
        if state == MState.HELD:
            duration_minutes = duration_minutes or int((current.ends_at - current.starts_at).total_seconds() // 60)
            missed_by, missed_reason = "", ""
        else:
            duration_minutes = None
            if not missed_by:
                raise ValidationError({"missed_by": _("Say who cancelled or did not come.")})
            goals = []
        was_important = current.important
        before = {f: getattr(current, f) for f in LOG_FIELDS}
        values = {"state": state, "duration_minutes": duration_minutes, "activities": activities.strip(),
                  "note": note.strip(), "important": important, "missed_by": missed_by,
                  "missed_reason": missed_reason.strip()}
        for name, value in values.items():
            setattr(current, name, value)
        current.logged_at = current.logged_at or now
        current.logged_by = current.logged_by or _user(actor)
        current.full_clean()
        save_edit(current)
        current.goals.set(goals)
        MeetingDraft.objects.filter(meeting=current).delete()
        changes = diff(before, values)
        for hidden_key in ("activities", "note", "missed_reason"):
            if hidden_key in changes:
                changes[hidden_key] = [None, "…"]
        _audit(current.match, actor, Action.UPDATED, f"meeting:{current.pk}", changes)
        if important and not was_important:
            _notify_important(current)
    return current


def meeting_rate(*, meeting: Meeting, rating: int, via: str, actor: Any = None,
                 now: datetime | None = None) -> Meeting:
    """The learner's face: 1 (☹️) to 5 (😀). May be changed for a while after the meeting."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError(_("Choose one of the faces."))
    if not selectors.rateable(meeting, now):
        raise ValidationError(_("This meeting can no longer be rated."))
    with transaction.atomic():
        previous = meeting.rating
        Meeting.objects.filter(pk=meeting.pk).update(rating=rating, rated_at=timezone.now(), rated_via=via)
        meeting.refresh_from_db()
        _audit(meeting.match, actor, Action.UPDATED, f"meeting:{meeting.pk}", {"rating": [previous, rating]})
    return meeting


def draft_save(*, meeting: Meeting, user: Any, data: dict[str, Any]) -> MeetingDraft:
    """Keep what the mentor typed so far (strings only, each cut to a sane length)."""
    clean = {str(k)[:40]: ([str(v)[:2000] for v in value][:50] if isinstance(value, list) else str(value)[:4000])
             for k, value in list(data.items())[:30]}
    draft, _created = MeetingDraft.objects.update_or_create(
        meeting=meeting, user=user, defaults={"data": clean, "updated": timezone.now()})
    MeetingDraft.objects.filter(updated__lt=timezone.now() - timedelta(days=DRAFT_DAYS)).delete()
    return draft


# --- notes -------------------------------------------------------------------------------------

# Written about a meeting that took place (README: "afterwards"), never ahead of it.
AFTERWARDS = frozenset({Note.Kind.OBSERVATION, Note.Kind.INTERVISION})


def not_yet() -> str:
    """Why a supervisor finds no observation or intervision form on a meeting still to come."""
    return _("An observation or intervision is written once the meeting has taken place.")


def note_add(*, meeting: Meeting, kind: str, text: str, author: Person | None, parts: frozenset[str],
             actor: Any, visibility: str = "", parent: Note | None = None) -> Note:
    """A note by the mentor (preparation, reflection, reply) or a supervisor or coordinator
    (feedback on the preparation, observation, intervision). ``parts`` is the writer's part in
    the pair (``selectors.pair_roles``); a kind's visibility is one of those ``KINDS`` allows."""
    if kind not in KINDS:
        raise ValidationError(_("Choose what kind of note this is."))
    rule = KINDS[kind]
    allowed_writers = {"mentor"} if rule.writer == "mentor" else {"supervisor", "coordinator"}
    if not parts & allowed_writers:
        raise ValidationError(_("This kind of note is written by someone else."))
    visibility = visibility or rule.visibilities[0]
    if visibility not in rule.visibilities:
        raise ValidationError({"visibility": _("This note cannot be shared that way.")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    if kind == Note.Kind.REPLY:
        if parent is None or parent.meeting_id != meeting.pk or parent.kind != Note.Kind.COMMENT:
            raise ValidationError(_("A reply answers the feedback on a preparation."))
    else:
        parent = None
    if kind == Note.Kind.COMMENT and not meeting.notes.filter(kind=Note.Kind.PREPARATION).exists():
        raise ValidationError(_("There is no preparation to give feedback on yet."))
    if kind in AFTERWARDS and not meeting.has_taken_place():
        raise ValidationError(not_yet())
    with transaction.atomic():
        note = Note(meeting=meeting, kind=kind, visibility=visibility, text=text, author=author, parent=parent)
        note.full_clean()
        save_checked(note)
        _audit(meeting.match, actor, Action.CREATED, f"journal_note:{note.pk}",
               {"kind": [None, kind], "visibility": [None, visibility], "text": [None, "…"]})
        if kind == Note.Kind.COMMENT:
            _notify_comment(note)
        elif kind == Note.Kind.REPLY and parent is not None:
            _notify_reply(note, parent)
    return note


def note_update(*, note: Note, actor: Any, expected_version: int, text: str) -> Note:
    """Rewrite a preparation or a reflection (the version guards against two editors)."""
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note.")})
    with transaction.atomic():
        current = lock_for_edit(Note.objects.select_related(
            "meeting__match__programme__organisation", "meeting__match__learner__person"),
            pk=note.pk, expected_version=expected_version)
        if current.text == text:
            return current
        current.text = text
        current.full_clean()
        save_edit(current)
        _audit(current.meeting.match, actor, Action.UPDATED, f"journal_note:{current.pk}", {"text": ["…", "…"]})
    return current


# --- the learner's personal link ---------------------------------------------------------------

def learner_link_create(*, match: Match, actor: Any, now: datetime | None = None) -> LearnerLink:
    """A new personal link for the learner; an older one stops working."""
    now = now or timezone.now()
    if match.state not in selectors.WRITABLE_STATES:
        raise ValidationError(_("A personal link is made while the match runs."))
    if match.cycle_end is not None:
        expires = timezone.make_aware(datetime.combine(match.cycle_end + timedelta(days=14), datetime.min.time()))
        expires = max(expires, now + timedelta(days=14))
    else:
        expires = now + timedelta(days=LINK_DAYS)
    with transaction.atomic():
        LearnerLink.objects.filter(match=match, revoked_at__isnull=True).update(revoked_at=now)
        link = LearnerLink.objects.create(match=match, created_by=_user(actor), expires_at=expires)
        _audit(match, actor, Action.CREATED, f"learner_link:{link.pk}", {"expires_at": [None, expires.isoformat()]})
    return link


def learner_link_revoke(*, match: Match, actor: Any) -> int:
    now = timezone.now()
    with transaction.atomic():
        links = list(LearnerLink.objects.select_for_update().filter(match=match, revoked_at__isnull=True))
        for link in links:
            LearnerLink.objects.filter(pk=link.pk).update(revoked_at=now)
            _audit(match, actor, Action.UPDATED, f"learner_link:{link.pk}", {"revoked_at": [None, now.isoformat()]})
    return len(links)


# --- e-mails -----------------------------------------------------------------------------------

def _notify_comment(note: Note) -> None:
    meeting, match = note.meeting, note.meeting.match
    mentor = match.volunteer.person
    _send(to=mentor.email, language=mentor.language, template="journal/email/comment", context={
        "name": mentor.given_name, "author": note.author.given_name if note.author else "",
        "learner": match.learner.person.given_name, "when": meeting.starts_at.isoformat(),
        "url": meeting_url(meeting), "programme": match.programme.name})


def _notify_reply(note: Note, parent: Note) -> None:
    person = parent.author
    if person is None:
        return
    match = note.meeting.match
    _send(to=person.email, language=person.language, template="journal/email/reply", context={
        "name": person.given_name, "mentor": match.volunteer.person.given_name,
        "when": note.meeting.starts_at.isoformat(), "url": meeting_url(note.meeting),
        "programme": match.programme.name})


def _notify_important(meeting: Meeting) -> None:
    match = meeting.match
    for person in coordinators_of(programme=match.programme):
        _send(to=person.email, language=person.language, template="journal/email/important", context={
            "name": person.given_name, "mentor": match.volunteer.person.full_name,
            "learner": match.learner.person.full_name, "when": meeting.starts_at.isoformat(),
            "state": meeting.state, "url": meeting_url(meeting), "programme": match.programme.name})


# --- reminders and the supervisor's digest -----------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One line of a reminder e-mail. ``keys`` say what it reminds of (never twice)."""

    kind: str  # "log", "feedback", "preparation", "intervision"
    keys: tuple[str, ...]
    programme: str
    learner: str
    mentor: str
    when: str  # ISO moment of the meeting
    url: str

    def context(self) -> dict[str, str]:
        return {"kind": self.kind, "programme": self.programme, "learner": self.learner, "mentor": self.mentor,
                "when": self.when, "url": self.url}


@dataclass
class ReminderRun:
    mails: int = 0
    items: int = 0
    people: list[int] = field(default_factory=list)


def _line(kind: str, keys: tuple[str, ...], meeting: Meeting) -> Item:
    match = meeting.match
    return Item(kind=kind, keys=keys, programme=match.programme.name, learner=match.learner.person.given_name,
                mentor=match.volunteer.person.given_name, when=meeting.starts_at.isoformat(),
                url=meeting_url(meeting))


def _running(prefix: str = "") -> Q:
    """Meetings (``prefix`` "meeting__": notes) of pairs that run, in active programmes."""
    return Q(**{f"{prefix}match__state__in": selectors.WRITABLE_STATES,
                f"{prefix}match__programme__is_active": True})


def _supervised(prefix: str = "") -> Q:
    return _running(prefix) & Q(**{f"{prefix}match__programme__requirements__supervisor_feedback_per_session": True})


Due = dict[int, tuple[Person, list[Item]]]


def due_reminders(*, now: datetime) -> Due:
    """What each person should be reminded of now (by person id), whether or not they were:

    * the mentor, of a planned meeting not logged by the day after it (for two weeks);
    * the supervisors, where the programme asks for supervision: each new preparation waiting for
      feedback (and again once the meeting is less than 24 hours away), and each held meeting
      logged in the last week still waiting for its intervision notes.

    People without an e-mail address are left out. A fixed number of queries.
    """
    today = timezone.localdate(now)
    start_of_today = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    due: Due = {}

    def add(person: Person, item: Item) -> None:
        if person.email:
            due.setdefault(person.pk, (person, []))[1].append(item)

    related = ("match__programme__organisation", "match__learner__person", "match__volunteer__person")
    unlogged = (Meeting.objects.filter(_running(), state=MState.PLANNED, starts_at__lt=start_of_today,
                                       starts_at__gte=now - UNLOGGED_WINDOW)
                .select_related(*related).order_by("starts_at", "pk"))
    for meeting in unlogged:
        add(meeting.match.volunteer.person, _line("log", (f"log:{meeting.pk}",), meeting))
    commented = Note.objects.filter(meeting=OuterRef("meeting_id"), kind=Note.Kind.COMMENT)
    waiting = (Note.objects.filter(_supervised("meeting__"), kind=Note.Kind.PREPARATION,
                                   meeting__state=MState.PLANNED, meeting__starts_at__gt=now)
               .annotate(answered=Exists(commented)).filter(answered=False)
               .select_related(*(f"meeting__{r}" for r in related)).order_by("meeting__starts_at", "pk"))
    intervised = Note.objects.filter(meeting=OuterRef("pk"), kind=Note.Kind.INTERVISION)
    logs = (Meeting.objects.filter(_supervised(), state=MState.HELD, logged_at__gte=now - INTERVISION_WINDOW)
            .annotate(done=Exists(intervised)).filter(done=False).select_related(*related)
            .order_by("starts_at", "pk"))
    supervisors = _supervisors_by_school()

    def supervisors_of(meeting: Meeting) -> list[Person]:
        return supervisors.get((meeting.match.programme_id, meeting.match.learner.institution_id), [])

    for prep in waiting:
        meeting = prep.meeting
        urgent = meeting.starts_at <= now + timedelta(hours=24)
        keys = (f"preparation:{prep.pk}", *((f"feedback:{prep.pk}",) if urgent else ()))
        for person in supervisors_of(meeting):
            add(person, _line("feedback" if urgent else "preparation", keys, meeting))
    for meeting in logs:
        for person in supervisors_of(meeting):
            add(person, _line("intervision", (f"intervision:{meeting.pk}",), meeting))
    return due


def _supervisors_by_school() -> dict[tuple[int, int | None], list[Person]]:
    """Supervisors of programmes that ask for supervision, by (programme, school): one query."""
    rows = (Membership.objects.filter(role=Role.SUPERVISOR, institution__isnull=False,
                                      programme__requirements__supervisor_feedback_per_session=True)
            .select_related("person"))
    found: dict[tuple[int, int | None], list[Person]] = defaultdict(list)
    for membership in rows:
        assert membership.programme_id is not None
        found[(membership.programme_id, membership.institution_id)].append(membership.person)
    return found


def send_reminders(*, now: datetime | None = None) -> ReminderRun:
    """The daily reminders and the supervisors' digest, for every programme.

    Safe to run any number of times (cron, a scheduler, by hand): each person gets **at most one
    e-mail a day** (``ReminderMail``, unique per person and day, claimed before the e-mail is
    queued), which lists everything due for them, in their language; they are **never reminded
    twice of the same thing** (``ReminderItem``, unique per person and key); and what was done
    meanwhile (the meeting logged, the feedback given) is no longer due, so it is not sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = due_reminders(now=now)
    mailed = set(ReminderMail.objects.filter(day=today, person_id__in=due).values_list("person_id", flat=True))
    reminded = set(ReminderItem.objects.filter(person_id__in=due).values_list("person_id", "key"))
    run = ReminderRun()
    for person_id, (person, items) in due.items():
        if person_id in mailed:
            continue
        fresh = [item for item in items if any((person_id, key) not in reminded for key in item.keys)]
        if not fresh:
            continue
        with transaction.atomic():
            try:
                with transaction.atomic():
                    mail = ReminderMail.objects.create(person_id=person_id, day=today, sent_at=now,
                                                       items=len(fresh))
            except IntegrityError:
                continue  # another run e-mailed this person today, a moment ago
            keys = {key for item in fresh for key in item.keys if (person_id, key) not in reminded}
            ReminderItem.objects.bulk_create([ReminderItem(person_id=person_id, key=key, mail=mail)
                                              for key in sorted(keys)], ignore_conflicts=True)
            notify(to=person.email, language=person.language, template="journal/email/reminders", context={
                "name": person.given_name, "items": [item.context() for item in fresh]})
        run.mails += 1
        run.items += len(fresh)
        run.people.append(person_id)
    return run
