"""Every write of support and safeguarding: keyword-only, one transaction each, audited.

Audit entries keep codes and dates, never what someone typed about a pair (a concern's
description, the staff's notes, a check-in's notes are recorded as "…"): the programme's audit
log is read by every coordinator, a safeguarding concern only by its leads. Every opening of a
safeguarding concern is audited (``concern_viewed``), not once an hour as other records.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.core.apprentices import learners_are_adults
from tandem.core.audit import audit_record, diff
from tandem.core.integrity import save_checked
from tandem.core.models import AuditEvent, Person, Programme, Role
from tandem.core.notify import notify, site_url
from tandem.core.selectors import coordinators_of
from tandem.core.versioning import EditConflict, apply_edit, lock_for_edit, save_edit
from tandem.matching.models import Match
from tandem.support import attention, selectors
from tandem.support.models import (
    THRESHOLDS,
    CheckIn,
    Concern,
    ConcernStep,
    DigestMail,
    ExchangeInvitation,
    ExchangeMeeting,
    MatchPause,
    PulseRating,
    SafeguardingLead,
    SupportSettings,
)

Action = AuditEvent.Action
CState = Concern.State
_SILENT: ContextVar[bool] = ContextVar("support_silent", default=False)
HIDDEN = "…"

# The moves of a concern. A resolved concern may be reopened (back to action) when a new problem
# comes up: a secondary action on its page, with the reason asked (docs/support.md).
MOVES: dict[str, frozenset[str]] = {
    CState.RAISED: frozenset({CState.TRIAGED, CState.ACTION, CState.RESOLVED}),
    CState.TRIAGED: frozenset({CState.ACTION, CState.RESOLVED}),
    CState.ACTION: frozenset({CState.RESOLVED}),
    CState.RESOLVED: frozenset({CState.ACTION}),
}


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Inside this block nobody is e-mailed (demo data)."""
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


def _audit(programme: Programme, actor: Any, action: str, subject: str, *, person: Person | None = None,
           changes: dict[str, Any] | None = None) -> None:
    audit_record(organisation=programme.organisation, programme=programme, actor=_user(actor), action=action,
                 subject=subject, person=person, changes=changes or {})


def _learner(match: Match | None) -> Person | None:
    return match.learner.person if match is not None else None


def _kw(programme: Programme) -> dict[str, str]:
    return {"org": programme.organisation.slug, "prog": programme.slug}


# --- settings and leads ------------------------------------------------------------------------

def settings_update(*, programme: Programme, actor: Any, expected_version: int, **values: Any) -> SupportSettings:
    unknown = set(values) - set(THRESHOLDS)
    if unknown:
        raise TypeError(f"unknown settings: {sorted(unknown)}")
    with transaction.atomic():
        SupportSettings.objects.get_or_create(programme=programme)
        row = lock_for_edit(SupportSettings.objects.all(), pk=SupportSettings.objects.get(programme=programme).pk,
                            expected_version=expected_version)
        changes = apply_edit(row, values)
        if changes:
            _audit(programme, actor, Action.UPDATED, f"support_settings:{row.pk}", changes=changes)
    return row


def lead_set(*, programme: Programme, person: Person, actor: Any, lead: bool) -> bool:
    """Designate a coordinator as a safeguarding lead (or stop). Only coordinators can be leads."""
    if person.organisation_id != programme.organisation_id:
        raise ValidationError(_("Choose a coordinator of this programme."))
    coordinator = person.memberships.filter(role=Role.ORG_ADMIN).exists() or person.memberships.filter(
        programme=programme, role=Role.COORDINATOR).exists()
    if lead and not coordinator:
        raise ValidationError(pgettext("learners are apprentices", "Only coordinators can be safeguarding leads.")
                              if learners_are_adults(programme) else _("Only coordinators can be safeguarding leads."))
    with transaction.atomic():
        if lead:
            _row, created = SafeguardingLead.objects.get_or_create(programme=programme, person=person)
            changed = created
        else:
            changed = SafeguardingLead.objects.filter(programme=programme, person=person).delete()[0] > 0
        if changed:
            _audit(programme, actor, Action.ROLE_GRANTED if lead else Action.ROLE_REVOKED,
                   f"safeguarding_lead:{person.pk}", person=person)
    return changed


# --- check-ins ---------------------------------------------------------------------------------

def check_in_create(*, match: Match, actor: Any, by: Person | None, on: date, with_whom: str, how: str,
                    minutes: int, notes: str = "", follow_up: bool = False) -> CheckIn:
    if on > timezone.localdate():
        raise ValidationError({"on": _("A check-in is logged once it took place.")})
    with transaction.atomic():
        row = CheckIn(match=match, on=on, with_whom=with_whom, how=how, minutes=minutes, notes=notes.strip(),
                      follow_up=follow_up, by=by)
        row.full_clean()
        row.save()
        _audit(match.programme, actor, Action.CREATED, f"check_in:{row.pk}", person=_learner(match),
               changes=diff({}, {"on": on, "with_whom": with_whom, "how": how, "minutes": minutes,
                                 "follow_up": follow_up}))
    return row


# --- pulse ratings -----------------------------------------------------------------------------

def pulse_answer(*, match: Match, side: str, score: int, actor: Any, word: str = "",
                 question: str = PulseRating.Question.PULSE) -> PulseRating:
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError(_("Choose one of the faces."))
    if match.state not in attention.RUNNING:
        raise ValidationError(_("This pair is not running."))
    with transaction.atomic():
        row = PulseRating(match=match, side=side, question=question, score=score, word=word.strip()[:60])
        row.full_clean()
        try:
            save_checked(row)
        except IntegrityError as exc:
            raise ValidationError(_("This was already answered.")) from exc
        _audit(match.programme, actor, Action.CREATED, f"pulse:{row.pk}", person=_learner(match),
               changes=diff({}, {"side": side, "question": question, "score": score}))
    return row


# --- concerns ----------------------------------------------------------------------------------

def concern_url(concern: Concern) -> str:
    return site_url(reverse("support:concern", kwargs={**_kw(concern.programme), "pk": concern.pk}))


def concern_raise(*, programme: Programme, match: Match | None, kind: str, description: str,
                  raised_by: Person | None, raised_as: str, actor: Any) -> Concern:
    """Raise a concern. The programme's coordinators are told that one was raised (a
    safeguarding concern: only its leads), with a link and without its words."""
    if match is not None and match.programme_id != programme.pk:
        raise ValidationError(_("Choose a pair of this programme."))
    if not description.strip():
        raise ValidationError({"description": _("Say in a few words what it is about.")})
    with transaction.atomic():
        concern = Concern(programme=programme, match=match, kind=kind, description=description.strip(),
                          raised_by=raised_by, raised_as=raised_as)
        concern.full_clean()
        concern.save()
        ConcernStep.objects.create(concern=concern, from_state="", to_state=CState.RAISED, actor=_user(actor))
        _audit(programme, actor, Action.CREATED, f"concern:{concern.pk}", person=_learner(match),
               changes=diff({}, {"kind": kind, "state": CState.RAISED, "raised_as": raised_as}))
        _notify_raised(concern)
    return concern


def _notify_raised(concern: Concern) -> None:
    people = selectors.leads_of(concern.programme) if concern.is_safeguarding else coordinators_of(
        programme=concern.programme)
    for person in people:
        _send(to=person.email, language=person.language, template="support/email/concern", context={
            "name": person.given_name, "kind": concern.kind, "url": concern_url(concern),
            "programme": concern.programme.name, "apprentices": learners_are_adults(concern.programme)})


def concern_viewed(*, concern: Concern, actor: Any) -> None:
    """Every opening of a concern's page is written to the audit log (each time, for safeguarding)."""
    _audit(concern.programme, actor, Action.VIEWED, f"concern:{concern.pk}", person=_learner(concern.match))


def concern_move(*, concern: Concern, to_state: str, actor: Any, expected_version: int | None, what: str,
                 now: datetime | None = None) -> Concern:
    """Move a concern on (raised → triaged → action → resolved), saying what was done."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            current = lock_for_edit(Concern.objects.select_related("programme__organisation", "match__learner__person"),
                                    pk=concern.pk, expected_version=expected_version)
        except EditConflict as conflict:
            raise _moved_meanwhile(conflict, to_state=to_state, actor=actor,
                                   expected_version=expected_version) from None
        if to_state not in MOVES.get(current.state, frozenset()):
            raise ValidationError(_("This concern cannot move to that step."))
        if not what.strip():
            raise ValidationError({"what": _("Say why it is reopened.") if current.state == CState.RESOLVED
                                   else _("Say what was done.")})
        before = current.state
        current.state = to_state
        current.resolved_at = now if to_state == CState.RESOLVED else None
        # The outcome is the resolving step's note; reopened, the concern has none until it is
        # resolved again (the earlier one stays in its step).
        current.outcome = what.strip() if to_state == CState.RESOLVED else ""
        current.full_clean()
        save_edit(current)
        ConcernStep.objects.create(concern=current, from_state=before, to_state=to_state, actor=_user(actor),
                                   reason=what.strip())
        _audit(current.programme, actor, Action.UPDATED, f"concern:{current.pk}", person=_learner(current.match),
               changes={"state": [before, to_state]})
    return current


def _moved_meanwhile(conflict: EditConflict, *, to_state: str, actor: Any,
                     expected_version: int | None) -> EditConflict:
    """A move asked from a page shown before the concern last moved, to the step it is at now.

    When that step is this user's own save of the very version the page showed (a double tap on
    Save), the conflict is theirs to find: ``submit_edit`` sees the stored step hold the note
    typed and lands the second post as done, writing nothing. When another lead made it, it is a
    conflict even if the notes agree (the step records who did what), and the message says who
    moved it and what to do with the note typed."""
    stored = conflict.current
    if stored is None or stored.state != to_state:
        return conflict
    last = stored.steps.select_related("actor").order_by("-at", "-pk").first()
    by = last.actor if last is not None else None
    user = _user(actor)
    own = (by is not None and user is not None and by.pk == user.pk and expected_version is not None
           and stored.version == expected_version + 1)
    step = stored.get_state_display()
    if by is None or own:
        message = _("This concern was moved to “%(step)s” while you were writing, so your step was not "
                    "saved. What you wrote is kept below: choose the next step to save it with, or leave "
                    "the page.") % {"step": step}
    else:
        message = _("%(name)s moved this concern to “%(step)s” while you were writing, so your step was "
                    "not saved. What you wrote is kept below: choose the next step to save it with, or "
                    "leave the page.") % {"name": str(by), "step": step}
    return EditConflict(message, current=stored, theirs=not own)


def match_pause(*, match: Match, actor: Any, concern: Concern | None = None) -> MatchPause:
    """Pause the pair at once (they are told by the coordinator, not by e-mail: the reason may be
    a safeguarding concern)."""
    if match.state not in attention.RUNNING:
        raise ValidationError(_("Only a running pair can be paused."))
    with transaction.atomic():
        row = MatchPause(match=match, concern=concern, by=_user(actor))
        try:
            save_checked(row)
        except IntegrityError as exc:
            raise ValidationError(_("This pair is already paused.")) from exc
        _audit(match.programme, actor, Action.UPDATED, f"match:{match.pk}", person=_learner(match),
               changes={"paused": [False, True]})
    return row


def pause_lift(*, match: Match, actor: Any) -> int:
    with transaction.atomic():
        lifted = MatchPause.objects.filter(match=match, lifted_at__isnull=True).update(lifted_at=timezone.now())
        if lifted:
            _audit(match.programme, actor, Action.UPDATED, f"match:{match.pk}", person=_learner(match),
                   changes={"paused": [True, False]})
    return lifted


# --- exchange meetings -------------------------------------------------------------------------

EXCHANGE_FIELDS = ("site", "kind", "topic", "starts_at", "minutes", "place", "online_link", "places", "notes")


def _check_exchange(row: ExchangeMeeting) -> None:
    if row.site is not None and row.site.programme_id != row.programme_id:
        raise ValidationError({"site": _("Choose a site of this programme.")})
    if not row.place.strip() and not row.online_link:
        raise ValidationError(_("Give a place or an online link."))


def exchange_create(*, programme: Programme, actor: Any, **values: Any) -> ExchangeMeeting:
    unknown = set(values) - set(EXCHANGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        row = ExchangeMeeting(programme=programme, **values)
        row.full_clean()
        _check_exchange(row)
        row.save()
        _audit(programme, actor, Action.CREATED, f"exchange_meeting:{row.pk}",
               changes=diff({}, {k: values[k] for k in ("kind", "topic", "starts_at") if k in values}))
    return row


def exchange_update(*, meeting: ExchangeMeeting, actor: Any, expected_version: int, **values: Any) -> ExchangeMeeting:
    unknown = set(values) - set(EXCHANGE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    with transaction.atomic():
        row = lock_for_edit(ExchangeMeeting.objects.select_related("programme__organisation"), pk=meeting.pk,
                            expected_version=expected_version)
        changes = apply_edit(row, values, validate=_check_exchange)
        if "notes" in changes:
            changes["notes"] = [None, HIDDEN]
        if changes:
            _audit(row.programme, actor, Action.UPDATED, f"exchange_meeting:{row.pk}", changes=changes)
    return row


def exchange_invite(*, meeting: ExchangeMeeting, actor: Any, people: Iterable[Person] | None = None) -> int:
    """Invite mentors of the programme (those invited already are left as they are).

    Without ``people``, the meeting's own: the mentors of its site (those living in the site's
    city, as a matching round for the site reads them), or every mentor of the programme when the
    meeting is for no site. A meeting in Paris is not for the mentors in Grenoble; a coordinator
    who wants one of them there names them in ``people`` (any mentor of the programme may be)."""
    if people is None:
        people = selectors.mentors_of(programme=meeting.programme, site=meeting.site)
    people = list(people)
    mentors = set(Person.objects.filter(pk__in=[p.pk for p in people], memberships__programme=meeting.programme,
                                        memberships__role=Role.MENTOR).values_list("pk", flat=True))
    if len(mentors) != len({p.pk for p in people}):
        raise ValidationError(_("Only mentors of this programme can be invited."))
    with transaction.atomic():
        made = ExchangeInvitation.objects.bulk_create(
            [ExchangeInvitation(meeting=meeting, person_id=pk) for pk in sorted(mentors)], ignore_conflicts=True)
        touched = len(made)
        _audit(meeting.programme, actor, Action.INVITED, f"exchange_meeting:{meeting.pk}",
               changes={"invited": [None, len(mentors)]})
    for person in Person.objects.filter(pk__in=mentors):
        _send(to=person.email, language=person.language, template="support/email/exchange", context={
            "name": person.given_name, "topic": meeting.topic, "when": meeting.starts_at.isoformat(),
            "url": site_url(reverse("support:exchange", kwargs={**_kw(meeting.programme), "pk": meeting.pk})),
            "programme": meeting.programme.name})
    return touched


def exchange_answer(*, meeting: ExchangeMeeting, person: Person, answer: str, actor: Any) -> ExchangeInvitation:
    """A mentor's answer. "Coming" is refused when the places are taken."""
    if answer not in ExchangeInvitation.Answer.values:
        raise ValidationError(_("Choose coming or not coming."))
    if meeting.cancelled_at is not None or meeting.starts_at < timezone.now():
        raise ValidationError(_("This meeting can no longer be answered."))
    with transaction.atomic():
        locked = ExchangeMeeting.objects.select_for_update().get(pk=meeting.pk)
        invitation = ExchangeInvitation.objects.select_for_update().filter(meeting=locked, person=person).first()
        if invitation is None:
            raise ValidationError(_("You are not invited to this meeting."))
        if answer == ExchangeInvitation.Answer.YES and invitation.answer != answer and locked.places:
            taken = locked.invitations.filter(answer=ExchangeInvitation.Answer.YES).count()
            if taken >= locked.places:
                raise ValidationError(_("All places are taken."))
        before = invitation.answer
        invitation.answer = answer
        invitation.answered_at = timezone.now()
        invitation.save(update_fields=["answer", "answered_at"])
        _audit(meeting.programme, actor, Action.UPDATED, f"exchange_meeting:{meeting.pk}", person=person,
               changes={"answer": [before, answer]})
    return invitation


def exchange_attendance(*, meeting: ExchangeMeeting, attended: Iterable[int], actor: Any) -> int:
    """Tick who came (the others did not). Only once the meeting has started."""
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Attendance is ticked once the meeting has started."))
    came = set(attended)
    with transaction.atomic():
        rows = list(ExchangeInvitation.objects.select_for_update().filter(meeting=meeting))
        unknown = came - {row.pk for row in rows}
        if unknown:
            raise ValidationError(_("Tick people invited to this meeting."))
        changed = 0
        for row in rows:
            if row.attended != (row.pk in came):
                row.attended = row.pk in came
                row.save(update_fields=["attended"])
                changed += 1
                _audit(meeting.programme, actor, Action.UPDATED, f"exchange_meeting:{meeting.pk}",
                       person=row.person, changes={"attended": [not row.attended, row.attended]})
    return changed


# --- the weekly digest -------------------------------------------------------------------------

@dataclass
class DigestRun:
    mails: int = 0
    pairs: int = 0


def _week(on: date) -> date:
    return on - timedelta(days=on.weekday())


def digest_rows(pairs: list[attention.PairRisks]) -> list[dict[str, Any]]:
    """The digest's lines: the same pairs and reasons as the risk list, as codes and numbers (the
    e-mail is worded in the recipient's language)."""
    return [{
        "mentor": pair.match.volunteer.person.given_name, "learner": pair.match.learner.person.given_name,
        "url": site_url(reverse("support:pair", kwargs={**_kw(pair.match.programme), "pk": pair.match.pk})),
        "risks": [[risk.code, [n.isoformat() if isinstance(n, date) else n for n in risk.numbers]]
                  for risk in pair.risks],
    } for pair in pairs]


def digest_recipients(programme: Programme) -> list[tuple[Person, Any]]:
    """Coordinators (every pair) and supervisors (their pairs), each with the user the risk
    list is read as."""
    from tandem.matching import selectors as matching_selectors

    found = []
    people = Person.objects.filter(memberships__programme=programme, user__isnull=False,
                                   memberships__role__in=(Role.COORDINATOR, Role.SUPERVISOR)).select_related(
        "user").distinct().order_by("pk")
    for person in people:
        found.append((person, matching_selectors.visible_matches(programme=programme, user=person.user)))
    return found


def send_digest(*, on: date | None = None) -> DigestRun:
    """The weekly digest: to each coordinator and supervisor, exactly the risk list they see
    (``attention.pairs_with_risks`` over the pairs they may open). Once per person, programme and
    week, however often it runs; nobody is written to when nothing needs attention."""
    on = on or timezone.localdate()
    week = _week(on)
    run = DigestRun()
    for programme in Programme.objects.filter(matches__state__in=attention.RUNNING).distinct().select_related(
            "organisation"):
        for person, matches in digest_recipients(programme):
            pairs = attention.pairs_with_risks(programme=programme, matches=matches, on=on)
            if not pairs:
                continue
            with transaction.atomic():
                _mail, created = DigestMail.objects.get_or_create(
                    person=person, programme=programme, week=week, defaults={"pairs": len(pairs)})
                if not created:
                    continue
                _send(to=person.email, language=person.language, template="support/email/digest", context={
                    "name": person.given_name, "programme": programme.name, "rows": digest_rows(pairs),
                    "group": programme.is_group, "url": site_url(reverse("support:risks", kwargs=_kw(programme)))})
            run.mails += 1
            run.pairs += len(pairs)
    return run
