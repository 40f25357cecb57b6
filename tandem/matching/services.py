"""Every write of the matching app: rounds, the review, publishing, answers, closure.

Rules that must hold under concurrency are in the database (see ``models``); services take the
row locks, pick a free capacity slot, and turn an ``IntegrityError`` into a ``ValidationError`` a
coordinator can read. The review of a round is optimistically locked by ``MatchingRound.version``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from tandem.core.apprentices import learners_are_apprentices
from tandem.core.audit import audit_record
from tandem.core.cycle import pair_end
from tandem.core.inputs import validate_plausible_date
from tandem.core.models import AuditEvent, Membership, Person, Programme, Role, Site
from tandem.core.notify import notify, site_url
from tandem.core.text import label_value
from tandem.core.versioning import apply_edit, lock_for_edit, save_edit, touch
from tandem.intake import selectors as intake_selectors
from tandem.intake import services as intake_services
from tandem.intake.models import Learner
from tandem.matching import problem as adapter
from tandem.matching.models import (
    OPEN_STATES,
    DeclinedPair,
    ExitSurvey,
    LearningCommunity,
    Match,
    MatchEvent,
    MatchingCriteria,
    MatchingReason,
    MatchingRound,
    Proposal,
)
from tandem.onboarding import services as onboarding_services
from tandem.onboarding.models import Volunteer, VolunteerState

State = Match.State
EARLY_REASONS_REMATCH = {Match.Closure.MENTOR_MOVED, Match.Closure.DID_NOT_WORK}
_SILENT: ContextVar[bool] = ContextVar("matching_silent", default=False)
logger = logging.getLogger(__name__)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Inside this block the matching services e-mail nobody (demo data, bulk set-up)."""
    token = _SILENT.set(True)
    try:
        yield
    finally:
        _SILENT.reset(token)


def _send(**kwargs: Any) -> None:
    if not _SILENT.get():
        notify(**kwargs)


class NeedsConfirmation(ValidationError):
    """A manual pair breaks a hard limit: the coordinator must confirm it explicitly."""

    def __init__(self, message: str, broken: list[str]) -> None:
        super().__init__(message)
        self.broken = broken


# --- criteria ----------------------------------------------------------------------------------

CRITERIA_FIELDS = (
    "max_distance_km", "require_shared_language", "min_shared_slots", "honour_gender_preference",
    "max_age_gap", "weight_distance", "weight_language", "weight_expertise", "weight_availability",
    "weight_gender", "weight_age", "weight_background", "weight_waiting",
)


def _some_distance(criteria: MatchingCriteria) -> None:
    if criteria.max_distance_km == 0:
        raise ValidationError({"max_distance_km": _("A distance of 0 km leaves no mentor for anyone: give at "
                                                     "least 1 km, or leave it empty for no limit.")})


def criteria_update(*, criteria: MatchingCriteria, actor: Any, expected_version: int | None,
                    **fields: Any) -> MatchingCriteria:
    with transaction.atomic():
        current = lock_for_edit(MatchingCriteria, pk=criteria.pk, expected_version=expected_version)
        changes = apply_edit(current, {name: value for name, value in fields.items() if name in CRITERIA_FIELDS},
                             validate=_some_distance)
        if changes:
            programme = current.programme
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=AuditEvent.Action.UPDATED, subject=f"matching_criteria:{current.pk}",
                         changes=changes)
    return current


# --- rounds ------------------------------------------------------------------------------------

def round_start(*, programme: Programme, actor: Any, site: Site | None = None,
                background: bool = True) -> MatchingRound:
    """A new round, run by the background worker once the transaction commits — or, with
    ``background=False`` (demo data, small scripts), right here, before this returns."""
    from tandem.matching.tasks import run_round

    if site is not None and site.programme_id != programme.pk:
        raise ValidationError(_("That site is not part of this programme."))
    with transaction.atomic():
        matching_round = MatchingRound.objects.create(
            programme=programme, site=site, created_by=actor if actor.is_authenticated else None,
            message=_("Waiting for a worker…"),
        )
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=AuditEvent.Action.CREATED, subject=f"matching_round:{matching_round.pk}")
        round_id = matching_round.pk
        if background:
            transaction.on_commit(lambda: run_round.enqueue(round_id))
    if not background:
        run_round.call(round_id)
        matching_round.refresh_from_db()
    return matching_round


def _claim_round(matching_round: MatchingRound, expected_version: int | None) -> None:
    """The round's review is one versioned row (core.versioning): every change to it claims
    the next version, refused when someone else changed the round since the page was loaded —
    or when it is no longer under review. The caller's object is not updated (the transaction
    may still roll back): re-read it."""
    reviewable = MatchingRound.objects.filter(status=MatchingRound.Status.DONE)
    save_edit(lock_for_edit(reviewable, pk=matching_round.pk, expected_version=expected_version,
                            message=_("Another coordinator changed this round meanwhile. Nothing was "
                                      "changed: reload the page to see the current proposals.")),
              update_fields=[])


def proposal_reject(*, proposal: Proposal, actor: Any, expected_version: int) -> Proposal:
    with transaction.atomic():
        _claim_round(proposal.round, expected_version)
        moved = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PROPOSED).update(
            status=Proposal.Status.REJECTED)
        if moved != 1:
            raise ValidationError(_("This proposal can no longer be rejected."))
        programme = proposal.round.programme
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=AuditEvent.Action.UPDATED, subject=f"matching_round:{proposal.round_id}",
                     changes={"rejected": [None, proposal.pk]})
    proposal.refresh_from_db()
    return proposal


def _confirm_or_refuse(check: adapter.PairCheck, confirm: bool, who: str, *, group: bool = False) -> None:
    if check.broken and not confirm:
        raise NeedsConfirmation(
            (_("%(pair)s breaks a hard limit: %(limits)s. Confirm to add this place in the learning community "
               "anyway.") if group else
             _("%(pair)s breaks a hard limit: %(limits)s. Confirm to make this pair anyway."))
            % {"pair": who, "limits": ", ".join(limit_label(b) for b in check.broken)},
            check.broken,
        )


def limit_label(code: str) -> str:
    labels = {
        "distance": _("they live too far apart"),
        "language": _("no shared language"),
        "availability": _("not enough free time in common"),
        "gender": _("not the mentor's gender the learner asked for"),
        "age": _("the age gap is too large"),
        "excluded": _("this pair said no before, did not work out before or has a conflict of interest"),
        "no_location": _("not on the map"),
        "no_mentors": _("no mentor"),
        "taken": _("taken"),
        "capacity": _("the mentor has no free place"),
    }
    return labels.get(code, code)


def _capacity_left(volunteer: Volunteer, matching_round: MatchingRound, ignore: Proposal | None) -> int:
    open_matches = Match.objects.filter(volunteer=volunteer, state__in=OPEN_STATES).count()
    proposed = matching_round.proposals.filter(volunteer=volunteer, status=Proposal.Status.PROPOSED)
    if ignore is not None:
        proposed = proposed.exclude(pk=ignore.pk)
    return volunteer.capacity - open_matches - proposed.count()


def proposal_swap(*, first: Proposal, second: Proposal, actor: Any, expected_version: int,
                  confirm: bool = False, today: date | None = None) -> tuple[Proposal, Proposal]:
    """Swap the mentors of two proposals; the new pairs are scored and explained again."""
    today = today or timezone.localdate()
    if first.round_id != second.round_id or first.pk == second.pk:
        raise ValidationError(_("Choose two different proposals of this round."))
    programme = first.round.programme
    with transaction.atomic():
        _claim_round(first.round, expected_version)
        a = Proposal.objects.select_for_update().select_related("learner__person", "volunteer__person").get(pk=first.pk)
        b = Proposal.objects.select_for_update().select_related("learner__person", "volunteer__person").get(pk=second.pk)
        if a.status != Proposal.Status.PROPOSED or b.status != Proposal.Status.PROPOSED:
            raise ValidationError(_("Only open proposals can be swapped."))
        check_a = adapter.check_pair(programme=programme, volunteer=b.volunteer, learner=a.learner, today=today)
        check_b = adapter.check_pair(programme=programme, volunteer=a.volunteer, learner=b.learner, today=today)
        _confirm_or_refuse(check_a, confirm, f"{a.learner.person.full_name} ↔ {b.volunteer.person.full_name}",
                           group=programme.is_group)
        _confirm_or_refuse(check_b, confirm, f"{b.learner.person.full_name} ↔ {a.volunteer.person.full_name}",
                           group=programme.is_group)
        a.volunteer, b.volunteer = b.volunteer, a.volunteer
        for proposal, check in ((a, check_a), (b, check_b)):
            proposal.score, proposal.items, proposal.warnings = check.score, check.items, check.broken
            proposal.manual = True
            proposal.save(update_fields=["volunteer", "score", "items", "warnings", "manual"])
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=AuditEvent.Action.UPDATED, subject=f"matching_round:{a.round_id}",
                     changes={"swap": [None, [f"{a.learner.person.full_name} ↔ {a.volunteer.person.full_name}",
                                              f"{b.learner.person.full_name} ↔ {b.volunteer.person.full_name}"]]})
    return a, b


def proposal_manual(*, matching_round: MatchingRound, learner: Learner, volunteer: Volunteer, actor: Any,
                    expected_version: int, confirm: bool = False, today: date | None = None) -> Proposal:
    """A pair made by hand: checked against the hard limits (confirm to override) and capacity
    (never overridable)."""
    today = today or timezone.localdate()
    programme = matching_round.programme
    if learner.programme_id != programme.pk or volunteer.programme_id != programme.pk:
        raise ValidationError(_("Choose a learner and a mentor of this programme."))
    with transaction.atomic():
        _claim_round(matching_round, expected_version)
        current = matching_round.proposals.filter(learner=learner, status=Proposal.Status.PROPOSED).first()
        if _capacity_left(volunteer, matching_round, current) < 1:
            raise ValidationError(_("%(name)s has no free place left (capacity %(capacity)s).")
                                  % {"name": volunteer.person.full_name, "capacity": volunteer.capacity})
        check = adapter.check_pair(programme=programme, volunteer=volunteer, learner=learner, today=today)
        _confirm_or_refuse(check, confirm, f"{learner.person.full_name} ↔ {volunteer.person.full_name}",
                           group=programme.is_group)
        rank = current.rank if current else matching_round.proposals.count() + 1
        if current is not None:
            current.status = Proposal.Status.SUPERSEDED
            current.save(update_fields=["status"])
        proposal = Proposal(round=matching_round, learner=learner, volunteer=volunteer, score=check.score,
                            items=check.items, warnings=check.broken, manual=True, rank=rank,
                            alternatives=current.alternatives if current else [])
        proposal.full_clean()
        proposal.save()
        matching_round.unmatched.filter(learner=learner).delete()
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=AuditEvent.Action.CREATED, subject=f"proposal:{proposal.pk}", person=learner.person,
                     changes={"manual_pair": [None, volunteer.person.full_name],
                              "warnings": [None, check.broken]})
    return proposal


def round_publish(*, matching_round: MatchingRound, actor: Any, expected_version: int,
                  proposal_ids: list[int] | None = None) -> tuple[list[Match], list[str]]:
    """Publish the chosen (or all open) proposals. Each becomes a match in its own savepoint:
    a proposal the database refuses (the learner got a mentor meanwhile, the mentor is full) is
    reported and left open; the others are published."""
    published: list[Match] = []
    problems: list[str] = []
    with transaction.atomic():
        _claim_round(matching_round, expected_version)
        proposals = matching_round.proposals.filter(status=Proposal.Status.PROPOSED).select_related(
            "learner__person", "volunteer__person", "learner__programme")
        if proposal_ids is not None:
            proposals = proposals.filter(pk__in=proposal_ids)
        for proposal in proposals:
            try:
                with transaction.atomic():
                    match = match_create(
                        programme=matching_round.programme, volunteer=proposal.volunteer,
                        learner=proposal.learner, actor=actor, matching_round=matching_round,
                        proposal=proposal, score=proposal.score, items=proposal.items,
                        warnings=proposal.warnings,
                    )
                    proposal.status = Proposal.Status.PUBLISHED
                    proposal.save(update_fields=["status"])
            except ValidationError as exc:
                problems.append(label_value(proposal.learner.person.full_name, ' '.join(exc.messages)))
            else:
                published.append(match)
    return published, problems


# --- matches -----------------------------------------------------------------------------------

def _event(match: Match, kind: str, actor: Any, **data: Any) -> MatchEvent:
    return MatchEvent.objects.create(
        match=match, kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None, data=data)


def _audit(match: Match, actor: Any, changes: dict[str, Any], note: str = "") -> None:
    programme = match.programme
    audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                 action=AuditEvent.Action.UPDATED, subject=f"match:{match.pk}", person=match.learner.person,
                 changes=changes, note=note)


def _free_slots(volunteer: Volunteer) -> list[int]:
    """The capacity slots a new match may take: none once the open matches fill the capacity —
    also when the capacity was lowered below them (the open ones keep their old slots)."""
    used = list(Match.objects.filter(volunteer=volunteer, state__in=OPEN_STATES).values_list("slot", flat=True))
    if len(used) >= volunteer.capacity:
        return []
    return [slot for slot in range(1, volunteer.capacity + 1) if slot not in used]


def _community_for(volunteer: Volunteer) -> LearningCommunity:
    community, _created = LearningCommunity.objects.get_or_create(
        volunteer=volunteer,
        # No name: it is called after its mentor in each reader's language until someone names it.
        defaults={"programme": volunteer.programme, "capacity": volunteer.capacity},
    )
    if community.capacity != volunteer.capacity:
        community.capacity = volunteer.capacity
        community.save(update_fields=["capacity"])
    return community


def default_place(programme: Programme) -> str:
    """Where a first meeting is proposed when nobody has said yet, in the active language (never
    stored: a stored place is one someone typed)."""
    return school_place() if programme.requirement("meet_at_school") else ""


def school_place() -> str:
    """The place a school programme proposes, in the active language."""
    return _("At school, during school time")


def place_words(place: str | None, *, in_sentence: bool = False) -> str:
    """A first meeting's place as the reader reads it. The proposed school place is a phrase of
    ours, stored as the coordinator's form offered it ("Op school, onder schooltijd"): it reads in
    the reader's language, and with a small letter where it joins a sentence ("Eerste ontmoeting:
    3 juni, op school, onder schooltijd."). A place someone typed stays as typed: it may begin
    with a name ("Bibliotheek Kralingen")."""
    place = place or ""
    ours = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            ours.add(school_place())
    if place not in ours:
        return place
    own = school_place()
    return own[:1].lower() + own[1:] if in_sentence else own


def match_create(*, programme: Programme, volunteer: Volunteer, learner: Learner, actor: Any,
                 matching_round: MatchingRound | None = None, proposal: Proposal | None = None,
                 score: float | None = None, items: list[Any] | None = None,
                 warnings: list[str] | None = None) -> Match:
    """A new proposed match: takes the lowest free slot of the mentor (row-locked), moves the
    learner to *matched* and the volunteer to *active*, and informs everyone."""
    with transaction.atomic():
        locked = Volunteer.objects.select_for_update().select_related("person", "programme").get(pk=volunteer.pk)
        if Match.objects.filter(learner=learner, state__in=OPEN_STATES).exists():
            raise ValidationError(_("%(name)s already has a mentor.") % {"name": learner.person.full_name})
        free = _free_slots(locked)
        if not free:
            raise ValidationError(_("%(name)s has no free place left (capacity %(capacity)s).")
                                  % {"name": locked.person.full_name, "capacity": locked.capacity})
        community = _community_for(locked) if programme.format == Programme.Format.GROUP else None
        match = Match(programme=programme, volunteer=locked, learner=learner, round=matching_round,
                      proposal=proposal, slot=free[0], capacity=locked.capacity, score=score,
                      items=items or [], warnings=warnings or [], community=community,
                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
        try:
            with transaction.atomic():
                match.save()
        except IntegrityError as exc:
            # Another transaction took the slot or matched the learner between our read and write.
            raise ValidationError(_("%(learner)s could not be matched with %(mentor)s: the learner got a "
                                    "mentor or the mentor's last place was taken meanwhile.")
                                  % {"learner": learner.person.full_name,
                                     "mentor": locked.person.full_name}) from exc
        intake_services.learner_transition(learner=learner, to_state=Learner.State.MATCHED, actor=actor,
                                           reason=MatchingReason.MATCHED_WITH_MENTOR)
        if locked.state == VolunteerState.READY:
            onboarding_services.volunteer_transition(volunteer=locked, to_state=VolunteerState.ACTIVE,
                                                     actor=actor, reason=MatchingReason.MATCHED_WITH_LEARNER)
        _event(match, MatchEvent.Kind.PROPOSED, actor, score=score, manual=bool(warnings) or
               bool(proposal and proposal.manual), warnings=warnings or [])
        _audit(match, actor, {"state": [None, State.PROPOSED]})
        _notify_proposed(match)
    return match


def match_plan_first_meeting(*, match: Match, at: datetime, place: str, actor: Any,
                             expected_version: int) -> Match:
    """Plan (or move) the first meeting. Both sides answer once its time has passed."""
    validate_plausible_date(at)  # a year-1 date would overflow when stored
    with transaction.atomic():
        current = _lock(match, expected_version)
        if current.state not in (State.PROPOSED, State.INTRODUCED):
            raise ValidationError(_("The first meeting can only be planned before both sides answered."))
        if current.first_meeting_held_on is not None or current.mentor_answer or current.learner_answer:
            raise ValidationError(_("The first meeting has already taken place; it can no longer be moved."))
        if timezone.localdate(at) < timezone.localdate(current.created):
            # A mistyped year (2025 for 2026) put the meeting in the past: both sides were asked
            # for their answer at once and the cycle would have started before the pair existed.
            raise ValidationError({"at": _("The first meeting cannot be planned before the day the match was made.")})
        current.first_meeting_at, current.first_meeting_place = at, place.strip()
        current.state = State.INTRODUCED
        save_edit(current)
        _event(current, MatchEvent.Kind.FIRST_MEETING, actor, at=at.isoformat(), place=current.first_meeting_place)
        _audit(current, actor, {"first_meeting_at": [None, at.isoformat()]})
        _notify_first_meeting(current)
    return current


def match_mark_held(*, match: Match, actor: Any, expected_version: int, held_on: date | None = None,
                    today: date | None = None) -> Match:
    """The coordinator confirms the first meeting took place (on ``held_on``, default today):
    from now on both sides can answer, and the cycle will start on that day."""
    today = today or timezone.localdate()
    held_on = held_on or today
    with transaction.atomic():
        current = _lock(match, expected_version)
        if current.state not in (State.PROPOSED, State.INTRODUCED):
            raise ValidationError(_("This match is no longer waiting for its first meeting."))
        if current.first_meeting_held_on is not None:
            raise ValidationError(_("The first meeting was already marked as held."))
        if held_on > today:
            raise ValidationError(_("A meeting cannot be marked as held in the future."))
        if held_on < timezone.localdate(current.created):
            raise ValidationError(_("The first meeting cannot have taken place before the match was made."))
        previous = current.state
        current.first_meeting_held_on = held_on
        current.state = State.INTRODUCED
        save_edit(current)
        _event(current, MatchEvent.Kind.MEETING_HELD, actor, on=held_on.isoformat())
        changes: dict[str, Any] = {"first_meeting_held_on": [None, held_on.isoformat()]}
        if previous != current.state:
            changes["state"] = [previous, current.state]
        _audit(current, actor, changes)
    return current


def not_met_message(match: Match) -> str:
    if match.first_meeting_at is None:
        return _("You can answer after the first meeting. It has not been planned yet; the coordinator "
                 "will let you know when and where.")
    return _("You can answer after the first meeting, planned for %(when)s.") % {
        "when": date_format(timezone.localtime(match.first_meeting_at), "DATETIME_FORMAT")}


def _lock(match: Match, expected_version: int | None = None) -> Match:
    """The match, row-locked and compared with the version its form showed (core.versioning);
    the caller saves it with ``save_edit``."""
    return lock_for_edit(
        Match.objects.select_related("programme__organisation", "learner__person", "volunteer__person",
                                     "learner__programme"),
        pk=match.pk, expected_version=expected_version)


def learner_side_is_guardian(match: Match, today: date | None = None) -> bool:
    """For minors (under the programme's age of digital consent, or of unknown age) the guardian
    answers for the learner's side, having talked it over with their child."""
    return intake_selectors.needs_consent(match.learner, today=today or timezone.localdate())


def guardian_consent_needed(match: Match) -> ValidationError:
    """What a guardian answering yes is told while their consent is withdrawn or not yet given:
    to them, about their child, in the words of their page — not the coordinator's rule."""
    return ValidationError(
        _("Your consent for %(name)s was withdrawn or has not been given yet, so %(name)s cannot "
          "take part yet. Give your consent first, then answer yes.")
        % {"name": match.learner.person.given_name}, code="consent")


def answer_refusal(match: Match, side: str) -> ValidationError | None:
    """Why ``side`` cannot answer ``match`` now (the one rule for answers: the match still waits
    for answers, this side has not answered, the first meeting took place), or ``None``.
    ``match_answer`` asks it again under the row lock; pages ask it to offer the form."""
    if match.state not in (State.PROPOSED, State.INTRODUCED):
        return ValidationError(_("This match is no longer waiting for answers."))
    if getattr(match, f"{side}_answer"):
        return ValidationError(_("This answer was already given."), code="answered")
    if not match.first_meeting_took_place():
        return ValidationError(not_met_message(match), code="before_first_meeting")
    return None


def _answered_meanwhile(match: Match, side: str) -> ValidationError:
    """A coordinator's record refused because the person answered themselves first."""
    answer = _("yes") if getattr(match, f"{side}_answer") == Match.Answer.YES else _("no")
    if side == "mentor":
        text = _("The mentor has already answered (%(answer)s). Nothing was recorded.")
    elif match.learner_answered_as == "guardian":
        text = _("The guardian has already answered (%(answer)s). Nothing was recorded.")
    else:
        text = _("The learner has already answered (%(answer)s). Nothing was recorded.")
    return ValidationError(text % {"answer": answer}, code="answered")


def match_answer(*, match: Match, side: str, answer: str, actor: Any, reason: str = "",
                 answered_as: str = "", recorded_via: str = "", note: str = "",
                 today: date | None = None) -> Match:
    """A side's answer after the first meeting: from the person themselves (their page or
    personal link), or — with ``recorded_via`` (phone, in person, other) and an optional
    ``note`` — as a coordinator heard it. For a minor the learner's side is the guardian's
    answer; a coordinator records it only while the guardian's consent is valid."""
    today = today or timezone.localdate()
    if side not in ("mentor", "learner") or answer not in Match.Answer.values:
        raise ValidationError(_("Answer yes or no."))
    if recorded_via and recorded_via not in Match.Via.values:
        raise ValidationError(_("Say how the answer was given."))
    with transaction.atomic():
        current = _lock(match)
        guardian = side == "learner" and learner_side_is_guardian(current, today)
        if recorded_via and getattr(current, f"{side}_answer"):
            raise _answered_meanwhile(current, side)  # the person was first: their answer stands
        if refusal := answer_refusal(current, side):
            raise refusal
        if answer == Match.Answer.YES and _binds_without_consent(current, side, today):
            if guardian and not recorded_via:
                raise guardian_consent_needed(current)  # the guardian themselves: their words
            raise intake_services.consent_missing(current.learner)
        setattr(current, f"{side}_answer", answer)
        setattr(current, f"{side}_reason", reason.strip())
        setattr(current, f"{side}_answered_at", timezone.now())
        setattr(current, f"{side}_answered_by", actor if getattr(actor, "is_authenticated", False) else None)
        setattr(current, f"{side}_recorded_via", recorded_via)
        if side == "learner":
            current.learner_answered_as = "guardian" if recorded_via and guardian else (
                answered_as or ("guardian" if guardian else "learner"))
        save_edit(current)
        # The note for coordinators is held to 300 characters by its form (RecordAnswerForm).
        recorded = {"via": recorded_via, "note": note.strip()} if recorded_via else {}
        _event(current, MatchEvent.Kind.ANSWERED, actor, side=side, answer=answer, reason=reason.strip(),
               answered_as=current.learner_answered_as if side == "learner" else "mentor", **recorded)
        changes: dict[str, Any] = {f"{side}_answer": [None, answer]}
        if recorded_via:
            changes[f"{side}_recorded_via"] = [None, recorded_via]
        _audit(current, actor, changes, note=recorded.get("note", ""))
        if answer == Match.Answer.NO:
            _decline(current, actor, side, today)
        elif current.mentor_answer == Match.Answer.YES and current.learner_answer == Match.Answer.YES:
            _activate(current, actor, today)
    return current


def _binds_without_consent(match: Match, side: str, today: date) -> bool:
    """A yes that would commit a minor while their guardian's consent is missing (withdrawn since
    the match was proposed, or for a text that changed): the learner's side's yes, whoever gives it
    (the guardian's own page or link, a coordinator recording it), or the mentor's yes that would
    make the match active after the learner's side said yes. A no is always taken: declining
    commits nobody."""
    if not learner_side_is_guardian(match, today):
        return False
    if side == "mentor" and match.learner_answer != Match.Answer.YES:
        return False
    return not intake_selectors.consent_ok(match.learner, today=today)


def _activate(match: Match, actor: Any, today: date) -> None:
    """Both said yes: the cycle runs from the day of the first meeting, not the day of the answer."""
    previous = match.state
    start = match.first_meeting_date() or today
    match.state = State.ACTIVE
    match.cycle_start = start
    match.cycle_end = pair_end(match.programme, start)
    match.save(update_fields=["state", "cycle_start", "cycle_end"])
    _event(match, MatchEvent.Kind.ACTIVE, actor, cycle_start=start.isoformat(),
           cycle_end=match.cycle_end.isoformat() if match.cycle_end else None)
    _audit(match, actor, {"state": [previous, State.ACTIVE], "cycle_start": [None, start.isoformat()]})


def _release_volunteer(volunteer: Volunteer, actor: Any) -> None:
    """Back to *ready* once the last open match is gone."""
    if Match.objects.filter(volunteer=volunteer, state__in=OPEN_STATES).exists():
        return
    current = Volunteer.objects.get(pk=volunteer.pk)
    if current.state == VolunteerState.ACTIVE:
        # If a certificate expired meanwhile the move is refused: they stay active (without
        # learners) and drop out of matching through onboarding's own rule until it is renewed.
        with contextlib.suppress(ValidationError):
            onboarding_services.volunteer_transition(volunteer=current, to_state=VolunteerState.READY,
                                                     actor=actor, reason=MatchingReason.NO_OPEN_PLACE
                                                     if current.programme.is_group else MatchingReason.NO_OPEN_MATCH)


def _back_to_pool(learner: Learner, actor: Any, reason: str, today: date) -> str:
    """A learner whose match ended goes back on the waiting list — or, when a minor's guardian
    withdrew consent meanwhile, back to intake until consent is given again (then onto the
    waiting list by itself, as after any consent). Returns the state they went to."""
    current = Learner.objects.select_related("person", "programme").get(pk=learner.pk)
    if intake_selectors.consent_ok(current, today=today):
        intake_services.learner_transition(learner=current, to_state=Learner.State.WAITING, actor=actor,
                                           reason=reason, today=today)
        return Learner.State.WAITING
    intake_services.learner_transition(
        learner=current, to_state=Learner.State.INTAKE, actor=actor, today=today,
        reason=MatchingReason.PLACE_ENDED_CONSENT_NEEDED if current.programme.is_group
        else MatchingReason.ENDED_CONSENT_NEEDED)
    return Learner.State.INTAKE


def _declined_note(text: str) -> str:
    """A copy, for the pair never proposed again, of what the match keeps whole (a refusal's
    reason, a closure note): shortened to the pair's 300 characters, the "…" saying there is more."""
    return Truncator(text).chars(DeclinedPair._meta.get_field("note").max_length or 300)


def _decline(match: Match, actor: Any, side: str, today: date) -> None:
    previous = match.state
    match.state = State.DECLINED
    match.save(update_fields=["state"])
    DeclinedPair.objects.get_or_create(
        learner=match.learner, volunteer=match.volunteer,
        defaults={"programme": match.programme, "note": _declined_note(getattr(match, f"{side}_reason")),
                  "created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    _back_to_pool(match.learner, actor, MatchingReason.PLACE_DECLINED_AFTER_FIRST_MEETING
                  if match.programme.is_group else MatchingReason.DECLINED_AFTER_FIRST_MEETING, today)
    _release_volunteer(match.volunteer, actor)
    _event(match, MatchEvent.Kind.DECLINED, actor, side=side)
    _audit(match, actor, {"state": [previous, State.DECLINED]})


def rematch_offers(*, match: Match, today: date | None = None, count: int = 3) -> list[dict[str, Any]]:
    """The next-best partners for the learner of a declined match, computed now over the
    volunteers matchable today (declined pairs excluded by the engine)."""
    if match.state != State.DECLINED:
        return []
    learner = Learner.objects.select_related("person", "programme", "sensitive").get(pk=match.learner_id)
    if learner.state != Learner.State.WAITING or Match.objects.filter(learner=learner, state__in=OPEN_STATES).exists():
        return []
    try:
        return adapter.best_mentors(programme=match.programme, learner=learner,
                                    today=today or timezone.localdate(), count=count, skip=[match.volunteer_id])
    except Exception as exc:  # the page says so in the reader's language; the log has the details
        logger.exception("Rematch offers for match %s failed", match.pk)
        raise ValidationError(_("The next best partners could not be worked out just now. Reload the page to "
                                "try again; the technical team has the details in the error log.")) from exc


def match_propose(*, programme: Programme, learner: Learner, volunteer: Volunteer, actor: Any,
                  confirm: bool = False, today: date | None = None) -> Match:
    """A coordinator's one-click proposal of a new partner (e.g. after a decline)."""
    today = today or timezone.localdate()
    if learner.programme_id != programme.pk or volunteer.programme_id != programme.pk:
        raise ValidationError(_("Choose a learner and a mentor of this programme."))
    check = adapter.check_pair(programme=programme, volunteer=volunteer, learner=learner, today=today)
    if "excluded" in check.broken:
        raise ValidationError(
            _("This learner and this mentor said no before, did not work out before or have a conflict of "
              "interest; they are never proposed together again.") if programme.is_group else
            _("This pair said no before, did not work out before or has a conflict of interest; it is never "
              "proposed again."))
    _confirm_or_refuse(check, confirm, f"{learner.person.full_name} ↔ {volunteer.person.full_name}",
                       group=programme.is_group)
    return match_create(programme=programme, volunteer=volunteer, learner=learner, actor=actor,
                        score=check.score, items=check.items, warnings=check.broken)


def match_close(*, match: Match, reason: str, actor: Any, expected_version: int, note: str = "",
                rematch: bool | None = None, today: date | None = None) -> Match:
    """End a match (planned or early). The learner completes, leaves, or — when the match ended
    early for a reason that is not theirs — returns to the waiting list to be rematched."""
    today = today or timezone.localdate()
    if reason not in Match.Closure.values:
        raise ValidationError(_("Choose why the match ends."))
    if rematch is None:
        rematch = reason in EARLY_REASONS_REMATCH
    with transaction.atomic():
        current = _lock(match, expected_version)
        if current.state not in OPEN_STATES:
            raise ValidationError(_("Only an open match can be closed."))
        previous = current.state
        current.state, current.closed_at = State.CLOSED, timezone.now()
        current.closure_reason, current.closure_note = reason, note.strip()
        save_edit(current)
        if rematch and reason != Match.Closure.LEFT_SCHOOL:
            learner_state = _back_to_pool(current.learner, actor, MatchingReason.WAITING_FOR_NEW_MENTOR, today)
        else:
            learner_state, why = ((Learner.State.LEFT, MatchingReason.LEFT_SCHOOL)
                                  if reason == Match.Closure.LEFT_SCHOOL
                                  else (Learner.State.COMPLETED, MatchingReason.MENTORING_COMPLETED))
            intake_services.learner_transition(learner=current.learner, to_state=learner_state, actor=actor,
                                               reason=why, today=today)
        _release_volunteer(current.volunteer, actor)
        _event(current, MatchEvent.Kind.CLOSED, actor, reason=reason, note=current.closure_note,
               learner_state=learner_state)
        _audit(current, actor, {"state": [previous, State.CLOSED], "closure_reason": [None, reason]})
        if reason == Match.Closure.DID_NOT_WORK:
            _never_again(current, actor)
        if previous == State.ACTIVE:
            for side in ExitSurvey.Side.values:
                survey = ExitSurvey.objects.create(match=current, side=side)
                _notify_survey(current, survey)
    return current


def _never_again(match: Match, actor: Any) -> None:
    """A pair whose relationship did not work is not proposed again, as after a "no" at the first
    meeting: otherwise the next round could offer the learner the very mentor it ended with."""
    pair, created = DeclinedPair.objects.get_or_create(
        learner=match.learner, volunteer=match.volunteer,
        defaults={"programme": match.programme, "kind": DeclinedPair.Kind.DID_NOT_WORK,
                  "note": _declined_note(match.closure_note),
                  "created_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if created:
        programme = match.programme
        audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                     action=AuditEvent.Action.CREATED, subject=f"declined_pair:{pair.pk}",
                     person=match.learner.person,
                     changes={"did_not_work": [None, match.volunteer.person.full_name]})


def survey_answer(*, survey: ExitSurvey, rating: int, recommend: bool | None, comment: str = "") -> ExitSurvey:
    if not 1 <= rating <= 5:
        raise ValidationError(_("Choose one of the faces."))
    with transaction.atomic():
        answered = ExitSurvey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
            rating=rating, recommend=recommend, comment=comment.strip(), answered_at=timezone.now())
        if answered != 1:
            raise ValidationError(_("This survey was already answered. Thank you!"))
        survey.refresh_from_db()
        _event(survey.match, MatchEvent.Kind.SURVEY, None, side=survey.side)
    return survey


def community_update(*, community: LearningCommunity, actor: Any, **fields: Any) -> LearningCommunity:
    for name in ("name", "meeting_place", "cadence"):
        if name in fields:
            setattr(community, name, fields[name])
    community.full_clean()
    community.save()
    return community


def community_meeting_add(*, community: LearningCommunity, starts_at: datetime, place: str, topic: str,
                          actor: Any) -> Any:
    meeting = community.meetings.model(community=community, starts_at=starts_at, place=place, topic=topic)
    meeting.full_clean()
    meeting.save()
    programme = community.programme
    audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                 action=AuditEvent.Action.CREATED, subject=f"community_meeting:{meeting.pk}")
    return meeting


def conflict_record(*, programme: Programme, learner: Learner, volunteer: Volunteer, note: str,
                    actor: Any) -> DeclinedPair:
    """A conflict of interest (family, neighbours, a teacher of the learner…): the pair is never
    proposed — not by a round, not as an alternative, not by hand. Recording it twice, or for a
    pair that already said no or did not work out, changes nothing."""
    if learner.programme_id != programme.pk or volunteer.programme_id != programme.pk:
        raise ValidationError(_("Choose a learner and a mentor of this programme."))
    with transaction.atomic():
        pair, created = DeclinedPair.objects.get_or_create(
            learner=learner, volunteer=volunteer,
            defaults={"programme": programme, "kind": DeclinedPair.Kind.CONFLICT,
                      # ConflictForm holds the note to the stored 300 characters (a clear error, the
                      # text kept), so this cut only guards callers that skipped the form.
                      "note": note.strip()[:300],
                      "created_by": actor if getattr(actor, "is_authenticated", False) else None})
        if created:
            audit_record(organisation=programme.organisation, programme=programme, actor=actor,
                         action=AuditEvent.Action.CREATED, subject=f"declined_pair:{pair.pk}",
                         person=learner.person,
                         changes={"conflict_of_interest": [None, volunteer.person.full_name]})
        # A proposal of this pair still under review can no longer be published: rejected, and
        # its round's version moves on so open review forms are refused rather than acting on it.
        open_proposals = Proposal.objects.filter(round__programme=programme, learner=learner, volunteer=volunteer,
                                                 status=Proposal.Status.PROPOSED)
        rounds = list(open_proposals.values_list("round_id", flat=True))
        if rounds:
            open_proposals.update(status=Proposal.Status.REJECTED)
            touch(MatchingRound.objects.filter(pk__in=rounds))
    return pair


# --- notifications -----------------------------------------------------------------------------

def _match_url(match: Match) -> str:
    return site_url(reverse("matching:match", kwargs={"org": match.programme.organisation.slug,
                                                  "prog": match.programme.slug, "pk": match.pk}))


def learner_side_people(match: Match) -> list[Person]:
    if learner_side_is_guardian(match):
        return list(intake_selectors.guardians_of(learner=match.learner))
    return [match.learner.person]


def supervisors_for(match: Match) -> list[Person]:
    base = Membership.objects.filter(programme=match.programme, role=Role.SUPERVISOR).select_related("person")
    at_school = [m.person for m in base.filter(institution_id=match.learner.institution_id)] \
        if match.learner.institution_id else []
    return at_school or [m.person for m in base]


def _context(match: Match) -> dict[str, Any]:
    return {
        "programme": match.programme.name, "mentor": match.volunteer.person.full_name,
        "mentor_first_name": match.volunteer.person.given_name,
        "learner": match.learner.person.full_name, "learner_first_name": match.learner.person.given_name,
        # ISO: each e-mail writes it as its reader's language does (``local_datetime``).
        "first_meeting": timezone.localtime(match.first_meeting_at).isoformat()
        if match.first_meeting_at else "",
        "place": match.first_meeting_place, "match_url": _match_url(match),
        "at_school": bool(match.programme.requirement("meet_at_school")),
        # A group programme's e-mails speak of a place in a learning community, not of a pair.
        "group": match.programme.is_group,
    }


def _notify_sides(match: Match, template: str) -> None:
    context = _context(match)
    mentor = match.volunteer.person
    _send(to=mentor.email, language=mentor.language, template=template,
           context={**context, "side": "mentor", "name": mentor.given_name,
                    "answer_url": site_url(reverse("matching:answer_link", kwargs={"token": match.mentor_token}))})
    guardian = learner_side_is_guardian(match)
    for person in learner_side_people(match):
        _send(to=person.email, language=person.language, template=template,
               context={**context, "side": "guardian" if guardian else "learner", "name": person.given_name,
                        "answer_url": site_url(reverse("matching:answer_link", kwargs={"token": match.learner_token}))})


def _notify_proposed(match: Match) -> None:
    _notify_sides(match, "matching/email/proposed")
    context = _context(match)
    for person in supervisors_for(match):
        _send(to=person.email, language=person.language, template="matching/email/supervisor",
               context={**context, "name": person.given_name,
                        # A supervisor of apprentices may be the company's trainer, not a school's.
                        "apprentices": learners_are_apprentices(match.programme)})


def _notify_first_meeting(match: Match) -> None:
    _notify_sides(match, "matching/email/first_meeting")


def _notify_survey(match: Match, survey: ExitSurvey) -> None:
    people = [match.volunteer.person] if survey.side == ExitSurvey.Side.MENTOR else learner_side_people(match)
    for person in people:
        _send(to=person.email, language=person.language, template="matching/email/survey",
               context={**_context(match), "name": person.given_name,
                        "survey_url": site_url(reverse("matching:survey", kwargs={"token": survey.token}))})
