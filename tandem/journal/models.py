"""The weeks together: what happens after a match becomes active.

* **Goals** a mentor and a learner set together (a category of the programme's list, the goal in
  the learner's words, what success looks like, a target date), with progress updates along the
  way. A goal is *reached*, *adjusted* (a new wording replaces it) or *dropped*, each with a short
  reflection; every step is a ``GoalTransition`` (who, when, why). The learner (or a guardian)
  agrees to it in child-friendly words.
* **Meetings**, planned from the programme's cadence, then logged as held / cancelled (by whom,
  why) / no-show, with the duration, what was done, the goals it served, a note and an
  "important" flag that tells the coordinators. The learner rates a held meeting on a face scale.
* **Notes** around a meeting: the mentor's preparation and reflection, the supervisor's feedback
  on the preparation (the mentor can reply), observation and intervision. Each note has a
  *visibility*: private (supervisors and coordinators), the team (also the mentor) or the pair
  (also the learner and their guardian); which kinds may have which is fixed in ``KINDS``.
* **Learner links**: a personal, revocable, expiring address where a learner without a log-in
  sees their goals and rates their meetings.
* **Reminders**: which e-mail went to whom on which day, and what it reminded them of, so a
  person gets at most one e-mail a day and is never reminded twice of the same thing.

Every model here holds personal data about a pair (see the report for the privacy registry).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tandem.core.history import Key, hidden, reasons
from tandem.core.inputs import validate_plausible_date
from tandem.core.models import Person, Programme, StateChange
from tandem.core.privacy import (
    Anonymise,
    Basis,
    Category,
    Days,
    Delete,
    Link,
    NotPersonal,
    Personal,
    WithPerson,
    reason_code_only,
)
from tandem.core.versioning import Versioned
from tandem.matching.models import Match


def _token() -> str:
    return secrets.token_urlsafe(32)


class GoalCategory(Versioned):
    """One entry of a programme's list of goal categories ("homework and study skills", "career
    orientation"…). Seeded from ``journal.categories.DEFAULTS`` in the four languages; a
    coordinator renames, adds or puts one out of use (goals keep theirs)."""

    audit_subject = "goal_category"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="goal_categories", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    label_en = models.CharField(_("name in English"), max_length=80, blank=True)
    label_nl = models.CharField(_("name in Dutch"), max_length=80, blank=True)
    label_fr = models.CharField(_("name in French"), max_length=80, blank=True)
    label_de = models.CharField(_("name in German"), max_length=80, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    in_use = models.BooleanField(_("in use"), default=True)

    privacy = NotPersonal("The programme's list of goal categories: names in four languages, no people.")

    class Meta:
        verbose_name = _("goal category")
        verbose_name_plural = _("goal categories")
        ordering = ("position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("programme", "code"), name="goal_category_code_per_programme",
                violation_error_message=_("The programme already has a goal category with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        labels = {"en": self.label_en, "nl": self.label_nl, "fr": self.label_fr, "de": self.label_de}
        return labels.get(language) or self.label_en or next((v for v in labels.values() if v), self.code)


@reasons
class JournalReason(models.TextChoices):
    """Steps the system records without a typed reason (stored as the code)."""

    SET_TOGETHER = "goal_set_together", _("Set together")
    REPLACED_BY_ADJUSTED = "goal_replaced", _("Replaced by its adjusted version")


def _category_label(pk: object) -> str:
    """A goal category stored by its id in the audit log, by its name in the reader's language."""
    category = GoalCategory.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    return category.label() if category is not None else "…"


class Goal(Versioned):
    audit_subject = "goal"
    audit_keys: ClassVar[dict[str, Key]] = {
        "category": Key("", _category_label),
        "description": Key("", hidden),
        "success": Key("", hidden),
        "reflection": Key("", hidden),
    }

    class State(models.TextChoices):
        ACTIVE = "active", _("Working on it")
        REACHED = "reached", _("Reached")
        ADJUSTED = "adjusted", _("Adjusted")
        DROPPED = "dropped", _("Dropped")

    class Agreed(models.TextChoices):
        LEARNER = "learner", _("the learner")
        GUARDIAN = "guardian", _("a guardian")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="goals", verbose_name=_("match"))
    category = models.ForeignKey(
        GoalCategory, on_delete=models.RESTRICT, related_name="goals", verbose_name=_("category")
    )
    description = models.TextField(_("the goal, in the learner's words"), max_length=500)
    success = models.TextField(_("what success looks like"), max_length=500, blank=True)
    target_date = models.DateField(
        _("target date"), null=True, blank=True, validators=[validate_plausible_date]
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    reflection = models.TextField(_("reflection"), max_length=1000, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # An adjusted goal is closed and a new one, with the new wording, takes its place.
    replaces = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="successors",
        verbose_name=_("replaces"),
    )
    agreed_at = models.DateTimeField(_("agreed"), null=True, blank=True)
    agreed_as = models.CharField(_("agreed by"), max_length=10, choices=Agreed.choices, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner"))),
        categories=(Category.CHILD, Category.ACTIVITY, Category.FREE_TEXT), basis=Basis.AGREEMENT,
        purpose=_("The pair's goals, in the learner's words, and how each ended."),
        retention=WithPerson(), export=("description", "success", "target_date", "state", "reflection",
                                        "closed_at", "agreed_at"),
        erase=Anonymise(description="", success="", reflection=""),
        mentions=("description", "success", "reflection"),
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ("created", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(state="active") | Q(closed_at__isnull=False), name="closed_goal_has_date",
                violation_error_message=_("A goal that is no longer worked on needs the day it closed."),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class GoalTransition(StateChange):
    """One step of a goal: who, when, from, to, and the reflection (typed) or a reason code."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("goal"))
    from_state = models.CharField(max_length=10, choices=Goal.State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=Goal.State.choices)
    # The reflection, whole (the form takes 1,000 characters): the goal keeps only its latest
    # one, so a goal reopened and closed again has its earlier reflections here alone.
    reason = models.TextField(_("reason"), blank=True)

    privacy = Personal(
        whose=(Link("goal__match__volunteer__person", label=_("as the mentor")),
               Link("goal__match__learner__person", label=_("as the learner"))),
        categories=(Category.CHILD, Category.ACTIVITY), basis=Basis.AGREEMENT,
        purpose=_("Each step of a goal: who, when, why."),
        retention=WithPerson(), export=("at", "reason"),
        erase=Anonymise(reason=reason_code_only), mentions=("reason",),
    )

    class Meta(StateChange.Meta):
        verbose_name = _("goal step")
        verbose_name_plural = _("goal steps")

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.from_state} → {self.to_state}"


class GoalProgress(models.Model):
    """A progress update on a goal ("fractions go better now"), read by the pair and the team."""

    audit_subject = "goal_progress"
    audit_keys: ClassVar[dict[str, Key]] = {"note": Key("", hidden)}

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress", verbose_name=_("goal"))
    note = models.TextField(_("progress"), max_length=1000)
    meeting = models.ForeignKey(
        "Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="progress",
        verbose_name=_("meeting"),
    )
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    at = models.DateTimeField(default=timezone.now)

    privacy = Personal(
        whose=(Link("goal__match__volunteer__person", label=_("as the mentor")),
               Link("goal__match__learner__person", label=_("as the learner")),
               Link("author", label=_("as the author"))),
        categories=(Category.CHILD, Category.FREE_TEXT), basis=Basis.AGREEMENT,
        purpose=_("Progress noted under a goal, read by the pair and the team."),
        retention=WithPerson(), export=("note",), erase=Anonymise(note=""), mentions=("note",),
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.goal_id} · {self.at:%Y-%m-%d}"


class Meeting(Versioned):
    """One meeting of a pair: planned, then logged. ``uid`` is its stable identity for calendars."""

    audit_subject = "meeting"
    audit_keys: ClassVar[dict[str, Key]] = {
        "activities": Key("", hidden),
        "note": Key("", hidden),
        "missed_reason": Key("", hidden),
    }

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", pgettext_lazy("a meeting", "Cancelled")
        NO_SHOW = "no_show", _("Did not take place: someone did not come")

    class Who(models.TextChoices):
        MENTOR = "mentor", _("The mentor")
        LEARNER = "learner", _("The learner")
        SCHOOL = "school", _("The school")
        OTHER = "other", _("Someone else")

    class RatedVia(models.TextChoices):
        PAGE = "page", _("their own page")
        LINK = "link", _("their personal link")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("match"))
    starts_at = models.DateTimeField(_("starts"), validators=[validate_plausible_date])
    ends_at = models.DateTimeField(_("ends"), validators=[validate_plausible_date])
    place = models.CharField(_("place"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    # Cancelled: who cancelled. No-show: who did not come.
    missed_by = models.CharField(_("who"), max_length=10, choices=Who.choices, blank=True)
    missed_reason = models.CharField(_("why"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(600)],
    )
    # Read by the learner too: what the two of them did.
    activities = models.TextField(_("what you did"), max_length=2000, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="meetings", verbose_name=_("goals it served"))
    # For the mentor, the supervisor and the coordinators.
    note = models.TextField(_("note"), max_length=2000, blank=True)
    important = models.BooleanField(_("important: tell the coordinator"), default=False)
    logged_at = models.DateTimeField(_("logged"), null=True, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(_("the learner's rating"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rated_via = models.CharField(max_length=10, choices=RatedVia.choices, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner"))),
        categories=(Category.CHILD, Category.ACTIVITY, Category.FREE_TEXT), basis=Basis.AGREEMENT,
        purpose=_("The pair's meetings: when and where, whether they took place, what was done, "
                  "and the learner's rating; counted in the programme's figures."),
        retention=WithPerson(),
        export=("starts_at", "ends_at", "place", "state", "missed_by", "missed_reason",
                "duration_minutes", "activities", "note", "important", "logged_at", "rating"),
        erase=Anonymise(place="", missed_reason="", activities="", note=""),
        mentions=("place", "missed_reason", "activities", "note"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ("starts_at", "pk")
        # A pair's meetings in a state around a moment (the overviews' per-pair numbers), and all
        # meetings in a state around a moment (the daily reminders).
        indexes = [models.Index(fields=("match", "state", "starts_at"), name="meeting_pair_state_start"),
                   models.Index(fields=("state", "starts_at"), name="meeting_state_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_it_starts",
                violation_error_message=_("A meeting ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="meeting_rating_1_to_5",
                violation_error_message=_("The rating is between 1 and 5."),
            ),
            models.CheckConstraint(
                condition=Q(state="planned") | Q(logged_at__isnull=False), name="logged_meeting_has_date",
                violation_error_message=_("A logged meeting needs the moment it was logged."),
            ),
            models.CheckConstraint(
                condition=~Q(state="held") | Q(duration_minutes__isnull=False), name="held_meeting_has_duration",
                violation_error_message=_("Give how long the meeting took."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_planned(self) -> bool:
        return self.state == self.State.PLANNED

    def is_past(self) -> bool:
        return self.starts_at <= timezone.now()

    def may_be_logged_held(self, now: datetime | None = None) -> bool:
        """The one rule for logging it as held: it starts within the hour, or has started (a
        mentor logging right after a meeting that began a little early)."""
        return self.starts_at <= (now or timezone.now()) + timedelta(hours=1)

    def has_taken_place(self) -> bool:
        """Its time has come, or it is logged as held: an observation or intervision may follow."""
        return self.state == self.State.HELD or self.is_past()


@dataclass(frozen=True)
class KindRule:
    """Who writes a kind of note, and which visibilities it may have (the first is the default)."""

    writer: str  # "mentor" or "supervisor" (supervisors and coordinators)
    visibilities: tuple[str, ...]


class Note(Versioned):
    """A note around a meeting: preparation, reflection, feedback, reply, observation, intervision."""

    audit_subject = "journal_note"
    audit_keys: ClassVar[dict[str, Key]] = {"text": Key("", hidden)}

    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("Preparation")
        REFLECTION = "reflection", _("Reflection")
        COMMENT = "comment", _("Feedback on the preparation")
        REPLY = "reply", _("Reply")
        OBSERVATION = "observation", _("Observation")
        INTERVISION = "intervision", _("Intervision")

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: supervisors and coordinators only")
        TEAM = "team", _("The mentor, supervisors and coordinators")
        PAIR = "pair", _("Also the learner and their guardian")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes", verbose_name=_("meeting"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    visibility = models.CharField(_("who may read it"), max_length=8, choices=Visibility.choices,
                                  default=Visibility.TEAM)
    # A reply answers a comment.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
        verbose_name=pgettext_lazy("a reply to a note", "answers"),
    )
    text = models.TextField(_("text"), max_length=4000)
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    created = models.DateTimeField(default=timezone.now)
    updated = models.DateTimeField(auto_now=True)

    privacy = Personal(
        whose=(Link("meeting__match__volunteer__person", label=_("as the mentor")),
               Link("meeting__match__learner__person", label=_("as the learner")),
               Link("author", label=_("as the author"))),
        categories=(Category.CHILD, Category.FREE_TEXT), basis=Basis.AGREEMENT,
        purpose=_("Preparations, supervision feedback, observations and intervision on a meeting."),
        retention=WithPerson(), export=("kind", "visibility", "text"),
        erase=Anonymise(text=""), mentions=("text",),
    )

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ("created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("meeting", "kind"), condition=Q(kind__in=("preparation", "reflection")),
                name="one_preparation_and_reflection_per_meeting",
                violation_error_message=_("This meeting already has one; edit it instead."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.kind}"


V = Note.Visibility
KINDS: dict[str, KindRule] = {
    Note.Kind.PREPARATION: KindRule("mentor", (V.TEAM,)),
    Note.Kind.REFLECTION: KindRule("mentor", (V.TEAM,)),
    Note.Kind.REPLY: KindRule("mentor", (V.TEAM,)),
    Note.Kind.COMMENT: KindRule("supervisor", (V.TEAM,)),
    Note.Kind.OBSERVATION: KindRule("supervisor", (V.TEAM, V.PRIVATE, V.PAIR)),
    Note.Kind.INTERVISION: KindRule("supervisor", (V.TEAM, V.PRIVATE)),
}

# Who reads which visibility, by their part in the pair.
READERS: dict[str, frozenset[str]] = {
    V.PRIVATE: frozenset({"coordinator", "supervisor"}),
    V.TEAM: frozenset({"coordinator", "supervisor", "mentor"}),
    V.PAIR: frozenset({"coordinator", "supervisor", "mentor", "learner", "guardian"}),
}


class LearnerLink(models.Model):
    """A learner's personal address (no log-in): their goals and their meetings to rate. The
    random token is the credential; it expires, can be revoked, and a new one replaces the old."""

    audit_subject = "learner_link"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="learner_links", verbose_name=_("match"))
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(pgettext_lazy("a link", "revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    privacy = Personal(
        whose=Link("match__learner__person", label=_("as the learner")),
        categories=Category.ACCOUNT, basis=Basis.AGREEMENT,
        purpose=_("A learner's personal link to their goals and meetings, without a log-in."),
        retention=WithPerson(), export=("expires_at", "revoked_at"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("learner's personal link")
        verbose_name_plural = _("learners' personal links")
        ordering = ("-created", "-pk")

    def __str__(self) -> str:
        return f"{self.match_id} · {self.token[:6]}…"

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class MeetingDraft(models.Model):
    """What a mentor has typed into a meeting's log so far, kept on the server while they are
    interrupted; deleted when the log is saved (and after ``DRAFT_DAYS`` days)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(_("what was typed"), default=dict, blank=True)
    updated = models.DateTimeField(_("kept"), default=timezone.now)

    privacy = Personal(
        whose="user", categories=Category.FREE_TEXT, basis=Basis.AGREEMENT,
        purpose=_("What someone typed into a meeting's log before sending it."),
        retention=(WithPerson(), Days("updated", days=30)), export=("data", "updated"), erase=Delete(),
        mentions=("data",),
    )

    class Meta:
        verbose_name = _("draft of a meeting's log")
        verbose_name_plural = _("drafts of meetings' logs")
        constraints = [
            models.UniqueConstraint(fields=("meeting", "user"), name="one_draft_per_meeting_and_user",
                                    violation_error_message=_("There is already a draft.")),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.user_id}"


class ReminderMail(models.Model):
    """The one reminder e-mail a person got on a day (claimed before it is sent)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    items = models.PositiveSmallIntegerField(_("reminders in it"), default=0)

    privacy = Personal(
        whose="person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("Which day a person was sent the journal's reminder e-mail (at most one a day)."),
        retention=(WithPerson(), Days("sent_at", days=90)), export=("day", "sent_at", "items"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("reminder e-mail")
        verbose_name_plural = _("reminder e-mails")
        constraints = [
            models.UniqueConstraint(fields=("person", "day"), name="one_reminder_mail_per_person_per_day",
                                    violation_error_message=_("This person already got a reminder today.")),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.day}"


class ReminderItem(models.Model):
    """One thing a person was reminded of ("log:12", "feedback:34"): never twice."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(_("what it was about"), max_length=60)
    mail = models.ForeignKey(ReminderMail, on_delete=models.CASCADE, related_name="reminded")

    privacy = Personal(
        whose="person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("What a person was already reminded of, so nobody is reminded twice."),
        retention=WithPerson(), export=("key",), erase=Delete(),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=("person", "key"), name="remind_of_a_thing_once",
                                    violation_error_message=_("This person was already reminded of this.")),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.key}"
