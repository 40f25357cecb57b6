"""Matching rounds, proposals and the life of a match.

A *round* runs the engine over the programme's matchable volunteers and waiting learners and
stores *proposals* (with their explanation and the next-best alternatives) and the learners it
could not match (with the reason). Publishing turns proposals into *matches*. A match goes
proposed → introduced (first meeting planned) → active (both sides said yes) → closed, or
declined (a side said no; that pair is never proposed again: ``DeclinedPair``). A match closed
because the relationship did not work is recorded the same way.

The rules that must hold under concurrency live in the database:

* one open (proposed, introduced, active) match per learner — a partial unique constraint;
* a mentor's capacity — every open match takes a *slot* 1..capacity, unique per volunteer among
  open matches, and a check constraint keeps the slot within the capacity copied onto the row.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tandem.core.bulk import StoredJSONField
from tandem.core.history import Key, each, reasons, text
from tandem.core.inputs import MENTOR_CAPACITY_MAX, capacity_validators, validate_plausible_date
from tandem.core.models import Programme, Site
from tandem.core.privacy import (
    AfterEnd,
    Anonymise,
    Basis,
    Category,
    Keep,
    Link,
    Period,
    Personal,
    WithPerson,
    new_token,
)
from tandem.core.versioning import Versioned
from tandem.intake.models import Learner
from tandem.onboarding.models import Volunteer


def _token() -> str:
    return secrets.token_urlsafe(32)


# How much one criterion may count (the criteria form's sliders go from 0 to 50).
WEIGHT_VALIDATORS = [MaxValueValidator(50)]


def _limit(code: Any) -> str:
    from tandem.matching.services import limit_label

    return str(limit_label(code))


@reasons
class MatchingReason(models.TextChoices):
    """Why a match moved a learner or a volunteer (stored as the code in their history)."""

    MATCHED_WITH_MENTOR = "matched_with_mentor", _("Matched with a mentor")
    MATCHED_WITH_LEARNER = "matched_with_learner", _("Matched with a learner")
    NO_OPEN_MATCH = "no_open_match", _("No open match any more")
    DECLINED_AFTER_FIRST_MEETING = "declined_after_first_meeting", _(
        "The match was declined after the first meeting"
    )
    LEFT_SCHOOL = "left_school", _("Left school or training")
    WAITING_FOR_NEW_MENTOR = "waiting_for_new_mentor", _("Waiting for a new mentor")
    MENTORING_COMPLETED = "mentoring_completed", _("Mentoring completed")
    ENDED_CONSENT_NEEDED = "ended_consent_needed", _(
        "The match ended; a guardian's consent is needed before a new match"
    )
    # The same steps in a group programme, where a match is a place in a learning community
    # (docs/matches.md): the history says so in its own sentence.
    NO_OPEN_PLACE = "no_open_place", _("No open place in a learning community any more")
    PLACE_DECLINED_AFTER_FIRST_MEETING = "place_declined_after_first_meeting", _(
        "The place in the learning community was declined after the first meeting"
    )
    PLACE_ENDED_CONSENT_NEEDED = "place_ended_consent_needed", _(
        "The place in the learning community ended; a guardian's consent is needed before a new place"
    )


class MatchingCriteria(Versioned):
    audit_subject = "matching_criteria"
    """A programme's matching criteria: the engine's weights and hard limits, in plain fields."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="matching_criteria",
        verbose_name=_("programme"),
    )
    # Hard limits.
    max_distance_km = models.PositiveSmallIntegerField(
        _("How far may a mentor live from the learner (km)?"), null=True, blank=True,
        validators=[MaxValueValidator(2000)],
        help_text=_("Leave empty for no limit."),
    )
    require_shared_language = models.BooleanField(_("Must they share a language?"), default=True)
    min_shared_slots = models.PositiveSmallIntegerField(
        _("How many free moments in the week must they share at least?"), default=1,
        validators=[MaxValueValidator(21)],  # 7 days x morning, afternoon, evening
    )
    honour_gender_preference = models.BooleanField(
        _("Respect a learner's wish for a woman or a man as mentor"), default=True
    )
    max_age_gap = models.PositiveSmallIntegerField(
        _("Largest age difference (years)"), null=True, blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Leave empty for no limit."),
    )
    # How much each criterion counts (points; a perfect pair scores their sum).
    weight_distance = models.PositiveSmallIntegerField(_("Living close to each other"), default=30, validators=WEIGHT_VALIDATORS)
    weight_language = models.PositiveSmallIntegerField(_("Speaking the same languages"), default=15, validators=WEIGHT_VALIDATORS)
    weight_expertise = models.PositiveSmallIntegerField(
        _("The mentor's expertise fits what the learner needs"), default=25, validators=WEIGHT_VALIDATORS
    )
    weight_availability = models.PositiveSmallIntegerField(_("Free at the same times"), default=15, validators=WEIGHT_VALIDATORS)
    weight_gender = models.PositiveSmallIntegerField(_("The mentor the learner asked for"), default=5, validators=WEIGHT_VALIDATORS)
    weight_age = models.PositiveSmallIntegerField(_("Close in age"), default=5, validators=WEIGHT_VALIDATORS)
    weight_background = models.PositiveSmallIntegerField(
        _("A role model with a similar background"), default=0, validators=WEIGHT_VALIDATORS,
        help_text=_("Only where the programme uses role-model matching, and only with consent."),
    )
    weight_waiting = models.PositiveSmallIntegerField(
        _("Give priority to learners who have waited longest"), default=5, validators=WEIGHT_VALIDATORS
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("matching criteria")
        verbose_name_plural = _("matching criteria")

    def __str__(self) -> str:
        return str(self.programme)


class MatchingRound(Versioned):
    audit_subject = "matching_round"
    audit_keys: ClassVar[dict[str, Key]] = {"swap": Key(_("mentors swapped"), each(text))}

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Could not run")

    class Failure(models.TextChoices):
        """Why a round could not run: a code (with safe ``failure_params``) the round page turns
        into a translated message saying what to do; never an exception's text."""

        NO_LEARNERS = "no_learners", _("No learner is waiting to be matched")
        NO_VOLUNTEERS = "no_volunteers", _("No volunteer can take a learner")
        CRITERIA = "criteria", _("The matching criteria cannot be used")
        UNEXPECTED = "unexpected", _("Something unexpected went wrong")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="matching_rounds", verbose_name=_("programme")
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("site")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=200, blank=True)
    stats = models.JSONField(default=dict, blank=True)
    failure = models.CharField(_("why it could not run"), max_length=20, choices=Failure.choices, blank=True)
    failure_params = models.JSONField(default=dict, blank=True)  # counts and codes only, no exception text
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    privacy = Personal(
        whose=Link("created_by", label=_("run by them"), erase=Keep()), categories=Category.ACTIVITY,
        basis=Basis.LEGITIMATE_INTERESTS, purpose=_("Who ran a matching round, and when."),
        retention=WithPerson(), export=("created", "status"), erase=Keep(),
        organisation="programme__organisation",
    )

    class Meta:
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ("-created", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="round_progress_at_most_100",
                violation_error_message=_("A round's progress cannot go beyond one hundred percent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.created:%Y-%m-%d %H:%M}"


class Proposal(models.Model):
    audit_subject = "proposal"
    audit_keys: ClassVar[dict[str, Key]] = {
        "manual_pair": Key(_("paired by hand with"), text),
        "warnings": Key(_("hard limits broken"), each(_limit)),
    }

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        REJECTED = "rejected", pgettext_lazy("a match proposal", "Rejected")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Replaced")

    round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("round"))
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="proposals")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField(_("score"))
    items = StoredJSONField(default=list, blank=True)  # the engine's ExplanationItems
    # Hard limits this pair breaks (manual pairs a coordinator confirmed): limit codes.
    warnings = models.JSONField(default=list, blank=True)
    manual = models.BooleanField(_("paired by hand"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    rank = models.PositiveIntegerField(default=0)
    # The next-best feasible mentors for this learner: [{volunteer, score, items}].
    alternatives = StoredJSONField(default=list, blank=True)

    privacy = Personal(
        whose=(Link("learner__person", label=_("as the learner")),
               Link("volunteer__person", label=_("as the mentor"))),
        categories=(Category.CHILD, Category.ACTIVITY), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("The pairs a matching round proposed, with their score; kept for the "
                  "programme's figures."),
        retention=WithPerson(), export=("round", "score", "status", "manual"), erase=Keep(),
    )

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ("rank", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("round", "learner"), condition=Q(status__in=("proposed", "published")),
                name="one_live_proposal_per_learner_per_round",
                violation_error_message=_("This learner already has a proposal in this round."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} ↔ {self.volunteer_id}"


class UnmatchedLearner(models.Model):
    round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="unmatched", verbose_name=_("round"))
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="+")
    # Engine codes ("limit", "taken", "no_mentors") or "no_location" from the adapter.
    reason = models.CharField(max_length=20)
    limit = models.CharField(max_length=20, blank=True)
    params = models.JSONField(default=dict, blank=True)

    privacy = Personal(
        whose="learner__person", categories=(Category.CHILD, Category.ACTIVITY),
        basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A learner a matching round could not match, and the reason as a code."),
        retention=WithPerson(), export=("round",), erase=Keep(),
    )

    class Meta:
        verbose_name = _("learner left unmatched")
        verbose_name_plural = _("learners left unmatched")
        ordering = ("pk",)

    def __str__(self) -> str:
        return f"{self.learner_id}: {self.reason}"


class DeclinedPair(models.Model):
    """A pair that must never be proposed again: one side said no, their match was closed
    because the relationship did not work, or a conflict of interest."""

    audit_subject = "declined_pair"
    audit_keys: ClassVar[dict[str, Key]] = {
        "conflict_of_interest": Key(_("conflict of interest with"), text),
        "did_not_work": Key(_("did not work out with"), text),
    }

    class Kind(models.TextChoices):
        DECLINED = "declined", _("Said no after the first meeting")
        # The match's closure reason (``Match.Closure.DID_NOT_WORK``), in the same words.
        DID_NOT_WORK = "did_not_work", _("The relationship did not work")
        CONFLICT = "conflict", _("Conflict of interest")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="declined_pairs")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="declined_pairs")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="declined_pairs")
    kind = models.CharField(_("why"), max_length=12, choices=Kind.choices, default=Kind.DECLINED)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    privacy = Personal(
        whose=(Link("learner__person", label=_("as the learner")),
               Link("volunteer__person", label=_("as the mentor"))),
        categories=(Category.ACTIVITY, Category.FREE_TEXT), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A pair never to be proposed again: one side said no, the relationship did not "
                  "work, or a conflict of interest."),
        retention=WithPerson(), export=("kind", "note", "created"), erase=Anonymise(note=""),
        mentions=("note",),
    )

    class Meta:
        verbose_name = _("pair never to be proposed")
        verbose_name_plural = _("pairs never to be proposed")
        constraints = [
            models.UniqueConstraint(
                fields=("learner", "volunteer"), name="declined_pair_once",
                violation_error_message=_(
                    "This pair is already recorded as never to be proposed again."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} ✕ {self.volunteer_id}"


class LearningCommunity(models.Model):
    """Group mentoring: a mentor leads a learning community of several learners."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="communities")
    volunteer = models.OneToOneField(Volunteer, on_delete=models.CASCADE, related_name="community")
    # Empty: the community is called after its mentor, in the reader's language (see __str__).
    name = models.CharField(_("name"), max_length=120, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=capacity_validators(MENTOR_CAPACITY_MAX)
    )
    meeting_place = models.CharField(_("where it meets"), max_length=200, blank=True)
    cadence = models.CharField(_("how often it meets"), max_length=100, blank=True)
    created = models.DateTimeField(_("started"), auto_now_add=True)

    privacy = Personal(
        whose="volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("The learning community a mentor leads."),
        retention=WithPerson(), export=("name", "capacity", "meeting_place", "cadence", "created"),
        erase=Anonymise(name=""), mentions=("name", "meeting_place", "cadence"),
    )

    class Meta:
        verbose_name = _("learning community")
        verbose_name_plural = _("learning communities")
        ordering = ("name", "pk")

    def __str__(self) -> str:
        if self.name:
            return self.name
        return gettext("Learning community of %(name)s") % {"name": self.volunteer.person.given_name}


class CommunityMeeting(models.Model):
    audit_subject = "community_meeting"

    community = models.ForeignKey(LearningCommunity, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("when"), validators=[validate_plausible_date])
    place = models.CharField(_("where"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)

    privacy = Personal(
        whose="community__volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("When and where a mentor's learning community meets."),
        retention=WithPerson(), export=("starts_at", "place", "topic"), erase=Keep(),
        mentions=("topic", "place"),
    )

    class Meta:
        verbose_name = _("community meeting")
        verbose_name_plural = _("community meetings")
        ordering = ("starts_at",)

    def __str__(self) -> str:
        return f"{self.community} · {self.starts_at:%Y-%m-%d}"


OPEN_STATES = ("proposed", "introduced", "active")
_MATCH_EXPORT = ("programme", "state", "created", "first_meeting_at", "first_meeting_place",
                 "first_meeting_held_on", "cycle_start", "cycle_end", "closed_at",
                 "closure_reason", "closure_note")


def _without_typed_text(row: Any) -> dict[str, Any]:
    """A timeline entry without what someone typed (a reason, a note); dates and codes stay."""
    return {key: value for key, value in row.data.items() if key not in ("reason", "note")
            or (key == "reason" and row.kind == "closed")}


class Match(Versioned):
    """A mentor and a learner (in group programmes: a learner's place in a mentor's community)."""

    audit_subject = "match"
    # The audit log's word for it in a group programme (core.history.subject_kind).
    audit_group_kind = _("Place in a learning community")

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        INTRODUCED = "introduced", _("First meeting planned")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")

    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")

    class Via(models.TextChoices):
        """How an answer a coordinator recorded was given (blank: the person answered on their
        own page or through their personal link)."""

        PHONE = "phone", _("By phone")
        IN_PERSON = "in_person", _("In person")
        OTHER = "other", _("Another way")

    class Closure(models.TextChoices):
        PLANNED_END = "planned_end", _("Planned end of the cycle")
        # "School or training" in every language (Schule oder Ausbildung, l'école ou sa formation,
        # school of opleiding): VerA's and AFEV's apprentices leave a training company, not a school
        # (tandem/core/apprentices.py).
        LEFT_SCHOOL = "learner_left_school", _("The learner left school or training")
        MENTOR_MOVED = "mentor_moved", _("The mentor moved away")
        DID_NOT_WORK = "relationship_did_not_work", _("The relationship did not work")
        GOALS_REACHED = "goals_reached", _("Goals reached")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="matches", verbose_name=_("programme"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.RESTRICT, related_name="matches")
    learner = models.ForeignKey(Learner, on_delete=models.RESTRICT, related_name="matches")
    community = models.ForeignKey(
        LearningCommunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    round = models.ForeignKey(
        MatchingRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    # Capacity in the database: an open match holds one of the mentor's slots.
    slot = models.PositiveSmallIntegerField()
    capacity = models.PositiveSmallIntegerField()
    score = models.FloatField(null=True, blank=True)
    items = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    first_meeting_at = models.DateTimeField(
        _("first meeting"), null=True, blank=True, validators=[validate_plausible_date]
    )
    first_meeting_place = models.CharField(_("place"), max_length=200, blank=True)
    # Set when the coordinator marks the first meeting as held (before its planned time passed,
    # or when it was never planned in Tandem): the day it took place.
    first_meeting_held_on = models.DateField(_("first meeting held on"), null=True, blank=True)
    mentor_answer = models.CharField(_("mentor's answer"), max_length=3, choices=Answer.choices, blank=True)
    mentor_reason = models.TextField(_("mentor's reason"), blank=True)
    mentor_answered_at = models.DateTimeField(_("mentor answered"), null=True, blank=True)
    mentor_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentor_recorded_via = models.CharField(
        _("mentor's answer recorded by a coordinator"), max_length=10, choices=Via.choices, blank=True)
    learner_answer = models.CharField(_("learner's answer"), max_length=3, choices=Answer.choices, blank=True)
    learner_reason = models.TextField(_("learner's reason"), blank=True)
    learner_answered_at = models.DateTimeField(_("learner answered"), null=True, blank=True)
    learner_answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who answered for the learner's side: "learner" or "guardian" (minors).
    learner_answered_as = models.CharField(
        _("answered for the learner by"), max_length=10, blank=True,
        choices=[("learner", _("the learner")), ("guardian", _("a guardian"))])
    learner_recorded_via = models.CharField(
        _("learner's answer recorded by a coordinator"), max_length=10, choices=Via.choices, blank=True)
    mentor_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    learner_token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    cycle_start = models.DateField(_("cycle start"), null=True, blank=True)
    cycle_end = models.DateField(_("cycle end"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason"), max_length=30, choices=Closure.choices, blank=True
    )
    closure_note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("proposed"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    privacy = Personal(
        whose=(
            Link("volunteer__person", label=_("as the mentor"), export=(
                *_MATCH_EXPORT, "mentor_answer", "mentor_reason", "mentor_answered_at", "mentor_recorded_via"),
                erase=Anonymise(mentor_reason="", closure_note="", mentor_token=new_token)),
            Link("learner__person", label=_("as the learner"), export=(
                *_MATCH_EXPORT, "learner_answer", "learner_reason", "learner_answered_at",
                "learner_answered_as", "learner_recorded_via"),
                erase=Anonymise(learner_reason="", closure_note="", learner_token=new_token)),
        ),
        categories=(Category.CHILD, Category.ACTIVITY, Category.FREE_TEXT),
        basis=Basis.AGREEMENT,
        purpose=_("A mentor and a learner: the first meeting, both answers, the cycle and how it "
                  "ended; a closed match stays counted in the programme's figures."),
        retention=(WithPerson(), AfterEnd(Period.FREE_TEXT, fields=(
            "closure_note", "mentor_reason", "learner_reason"))),
        erase=Keep(), mentions=("closure_note", "mentor_reason", "learner_reason",
                                "first_meeting_place"),
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ("-created", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("learner",), condition=Q(state__in=OPEN_STATES),
                name="one_open_match_per_learner",
                violation_error_message=_("This learner already has a mentor."),
            ),
            models.UniqueConstraint(
                fields=("volunteer", "slot"), condition=Q(state__in=OPEN_STATES),
                name="mentor_slot_once",
                violation_error_message=_("The mentor has no free place left."),
            ),
            models.CheckConstraint(
                condition=Q(slot__gte=1) & Q(slot__lte=F("capacity")), name="slot_within_capacity",
                violation_error_message=_("The mentor has no free place left."),
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False), name="closed_match_has_date",
                violation_error_message=_("A closed match needs the date it was closed."),
            ),
        ]
        indexes = [models.Index(fields=("programme", "state"))]

    def __str__(self) -> str:
        return f"{self.volunteer_id} ↔ {self.learner_id} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def first_meeting_took_place(self, now: datetime | None = None) -> bool:
        """Both sides may answer only after the first meeting: its planned time has passed, or
        the coordinator marked it held."""
        if self.first_meeting_held_on is not None:
            return True
        return self.first_meeting_at is not None and self.first_meeting_at <= (now or timezone.now())

    @property
    def met(self) -> bool:
        return self.first_meeting_took_place()

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        """The state's name, except that a pair still to answer whose first meeting has taken
        place no longer reads "first meeting planned" but "first meeting held"."""
        if self.state == self.State.INTRODUCED and self.first_meeting_took_place():
            return str(MatchEvent.Kind.MEETING_HELD.label)
        return str(self.State(self.state).label) if self.state in self.State.values else str(self.state)

    def first_meeting_date(self) -> date | None:
        """The day of the first meeting, once it took place: the day the cycle starts."""
        if self.first_meeting_held_on is not None:
            return self.first_meeting_held_on
        if self.first_meeting_at is not None and self.first_meeting_took_place():
            return timezone.localdate(self.first_meeting_at)
        return None


class MatchEvent(models.Model):
    """The match's timeline: every step, who, when, and the details."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        FIRST_MEETING = "first_meeting", _("First meeting planned")
        MEETING_HELD = "meeting_held", _("First meeting held")
        ANSWERED = "answered", _("Answered")
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined")
        CLOSED = "closed", _("Closed")
        SURVEY = "survey", _("Exit survey answered")
        NOTIFIED = "notified", _("Informed")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner"))),
        categories=(Category.ACTIVITY, Category.FREE_TEXT), basis=Basis.AGREEMENT,
        purpose=_("The match's timeline: every step, who and when."),
        retention=(WithPerson(), AfterEnd(Period.FREE_TEXT, fields=("data",))),
        export=("kind", "at", "data"), erase=Anonymise(data=_without_typed_text),
        mentions=("data",),
    )

    class Meta:
        verbose_name = _("step of a match")
        verbose_name_plural = _("timeline of the match")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.match_id} · {self.kind}"


class ExitSurvey(models.Model):
    class Side(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        LEARNER = "learner", _("Learner")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="surveys")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    rating = models.PositiveSmallIntegerField(_("How was it?"), null=True, blank=True)
    recommend = models.BooleanField(_("Would you recommend it to a friend?"), null=True, blank=True)
    # The bound reaches the survey's form (a clear error there); the database keeps any length.
    comment = models.TextField(_("Anything you want to tell us?"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor"), when=Q(side="mentor")),
               Link("match__learner__person", label=_("as the learner"), when=Q(side="learner"))),
        categories=(Category.FREE_TEXT, Category.ACTIVITY), basis=Basis.CONSENT,
        purpose=_("The exit survey at the end of a match; the ratings stay in the programme's "
                  "figures."),
        retention=(WithPerson(), AfterEnd(Period.FREE_TEXT, fields=("comment",))),
        export=("side", "rating", "recommend", "comment", "answered_at"),
        erase=Anonymise(comment="", token=new_token), mentions=("comment",),
    )

    class Meta:
        verbose_name = _("exit survey")
        verbose_name_plural = _("exit surveys")
        constraints = [
            models.UniqueConstraint(
                fields=("match", "side"), name="one_survey_per_side",
                violation_error_message=_("This side already has an exit survey."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="survey_rating_1_to_5",
                violation_error_message=_("The rating is between 1 and 5."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side}"
