"""Support and safeguarding: what the programme's staff do around a running pair.

* **SupportSettings**: the programme's check-in rule and the thresholds of the one "needs
  attention" rule set (``support/attention.py``); a programme without a row uses the defaults.
* **CheckIn**: a logged contact of a coordinator with someone around a pair (date, with whom,
  how, minutes, notes, follow-up needed). When the next one is due is computed, never stored.
* **PulseRating**: the mentor's and the learner's answer (1–5, an optional word) to "how is it
  going?" every few weeks, and once, after the first meeting, to "does this fit?".
* **Concern**: a question, problem, conflict or safeguarding concern, raised by anyone around a
  pair, moving raised → triaged → action → resolved (``ConcernStep``: who, when, what). A
  safeguarding concern is read only by the programme's **SafeguardingLead**s.
* **MatchPause**: a pair paused (e.g. at once, on a safeguarding concern) until it is lifted.
* **ExchangeMeeting** and **ExchangeInvitation**: intervision, experience exchange and refresher
  sessions for mentors per site, with invitations, answers and attendance (hours).

The journal's meetings and ratings are read from ``tandem.journal``, never copied here.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.history import Key, hidden
from tandem.core.inputs import validate_plausible_date
from tandem.core.models import Person, Programme, Site, StateChange
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


class SupportSettings(Versioned):
    """The programme's check-in rule and "needs attention" thresholds (defaults: ``DEFAULTS``)."""

    audit_subject = "support_settings"

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="support_settings",
                                     verbose_name=_("programme"))
    first_month_checkins = models.PositiveSmallIntegerField(
        _("check-ins in the first month"), default=2, validators=[MinValueValidator(0), MaxValueValidator(8)])
    checkin_every_days = models.PositiveSmallIntegerField(
        _("then a check-in every … days"), default=30, validators=[MinValueValidator(7), MaxValueValidator(120)])
    no_meeting_days = models.PositiveSmallIntegerField(
        _("no meeting logged for more than … days"), default=21,
        validators=[MinValueValidator(1), MaxValueValidator(180)])
    missed_meetings = models.PositiveSmallIntegerField(
        _("cancelled or missed meetings in the last 6 weeks, from"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)])
    rating_drop = models.PositiveSmallIntegerField(
        _("a rating falling by at least"), default=2, validators=[MinValueValidator(1), MaxValueValidator(4)])
    rating_gap = models.PositiveSmallIntegerField(
        _("mentor's and learner's ratings apart by at least"), default=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)])
    closure_days = models.PositiveSmallIntegerField(
        _("cycle ends within … days without a closure planned"), default=21,
        validators=[MinValueValidator(1), MaxValueValidator(120)])
    pulse_days = models.PositiveSmallIntegerField(
        _("ask how it is going every … days"), default=28, validators=[MinValueValidator(7), MaxValueValidator(120)])

    privacy = NotPersonal("The programme's check-in rule and thresholds; no people.")

    class Meta:
        verbose_name = _("support settings")
        verbose_name_plural = _("support settings")

    def __str__(self) -> str:
        return str(self.programme_id)


THRESHOLDS = ("first_month_checkins", "checkin_every_days", "no_meeting_days", "missed_meetings", "rating_drop",
              "rating_gap", "closure_days", "pulse_days")


class SafeguardingLead(models.Model):
    """A coordinator designated as one of the programme's safeguarding leads: the only readers of
    safeguarding concerns. A flag on their part in the programme, kept beside their membership."""

    audit_subject = "safeguarding_lead"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="safeguarding_leads",
                                  verbose_name=_("programme"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="safeguarding_leads",
                               verbose_name=_("person"))
    since = models.DateTimeField(_("since"), default=timezone.now)

    privacy = Personal(
        whose="person", categories=Category.CONTACT, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Who the programme's designated safeguarding leads are."),
        retention=WithPerson(), export=("since",), erase=Delete(),
    )

    class Meta:
        verbose_name = _("safeguarding lead")
        verbose_name_plural = _("safeguarding leads")
        constraints = [models.UniqueConstraint(
            fields=("programme", "person"), name="one_safeguarding_lead_row",
            violation_error_message=_("This person is already a safeguarding lead."))]

    def __str__(self) -> str:
        return f"{self.programme_id} · {self.person_id}"


class CheckIn(models.Model):
    """A coordinator's contact with someone around a pair."""

    audit_subject = "check_in"
    audit_keys: ClassVar[dict[str, Key]] = {"notes": Key("", hidden)}

    class With(models.TextChoices):
        MENTOR = "mentor", pgettext_lazy("support", "the mentor")
        LEARNER = "learner", pgettext_lazy("support", "the learner")
        GUARDIAN = "guardian", _("a parent or guardian")
        SUPERVISOR = "supervisor", _("the supervisor")
        EMPLOYER = "employer", _("the employer")

    class How(models.TextChoices):
        PHONE = "phone", _("by phone")
        IN_PERSON = "in_person", _("in person")
        MESSAGE = "message", _("by message")
        VIDEO = "video", _("by video call")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="check_ins", verbose_name=_("match"))
    on = models.DateField(_("date"), validators=[validate_plausible_date])
    with_whom = models.CharField(_("with whom"), max_length=12, choices=With.choices)
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    minutes = models.PositiveSmallIntegerField(_("minutes"), default=10,
                                               validators=[MinValueValidator(1), MaxValueValidator(600)])
    notes = models.TextField(_("notes"), max_length=2000, blank=True)
    follow_up = models.BooleanField(_("follow-up needed"), default=False)
    by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    created = models.DateTimeField(default=timezone.now)

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner")),
               Link("by", label=_("as the coordinator"))),
        categories=(Category.ACTIVITY, Category.FREE_TEXT), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("The coordinators' contacts with a pair and those around it."),
        retention=WithPerson(), export=("on", "with_whom", "how", "minutes", "notes", "follow_up"),
        staff_only=("notes",), erase=Anonymise(notes=""), mentions=("notes",),
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ("-on", "-pk")
        indexes = [models.Index(fields=("match", "on"), name="check_in_match_on")]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.on}"


class PulseRating(models.Model):
    """A side's answer to "how is it going?" (or, once, "does this fit?")."""

    class Side(models.TextChoices):
        MENTOR = "mentor", pgettext_lazy("support", "the mentor")
        LEARNER = "learner", pgettext_lazy("support", "the learner")

    class Question(models.TextChoices):
        PULSE = "pulse", _("How is it going?")
        FIT = "fit", _("Does this fit?")

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="pulse_ratings",
                              verbose_name=_("match"))
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    question = models.CharField(_("question"), max_length=8, choices=Question.choices, default=Question.PULSE)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    word = models.CharField(_("in a word"), max_length=60, blank=True)
    at = models.DateTimeField(_("answered"), default=timezone.now)

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner"))),
        categories=(Category.CHILD, Category.ACTIVITY), basis=Basis.AGREEMENT,
        purpose=_("How the mentor and the learner say the match is going, every few weeks."),
        retention=WithPerson(), export=("side", "question", "score", "word", "at"),
        erase=Anonymise(word=""), mentions=("word",),
    )

    class Meta:
        verbose_name = _("pulse rating")
        verbose_name_plural = _("pulse ratings")
        ordering = ("at", "pk")
        indexes = [models.Index(fields=("match", "side", "at"), name="pulse_match_side_at")]
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="pulse_score_1_to_5",
                                   violation_error_message=_("The rating is between 1 and 5.")),
            models.UniqueConstraint(fields=("match", "side"), condition=Q(question="fit"), name="one_fit_per_side",
                                    violation_error_message=_("This was already answered.")),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.side} · {self.score}"


class Concern(Versioned):
    """A question, problem, conflict or safeguarding concern about a pair (or the programme)."""

    audit_subject = "concern"
    audit_keys: ClassVar[dict[str, Key]] = {"description": Key("", hidden), "outcome": Key("", hidden)}

    class Kind(models.TextChoices):
        QUESTION = "question", _("A question")
        PROBLEM = "problem", _("A problem")
        CONFLICT = "conflict", _("A conflict (e.g. between apprentice and employer)")
        SAFEGUARDING = "safeguarding", _("A worry about someone's safety or well-being")

    class State(models.TextChoices):
        RAISED = "raised", _("Raised")
        TRIAGED = "triaged", _("Triaged")
        ACTION = "action", _("Action under way")
        RESOLVED = "resolved", _("Resolved")

    class As(models.TextChoices):
        MENTOR = "mentor", pgettext_lazy("support", "the mentor")
        LEARNER = "learner", pgettext_lazy("support", "the learner")
        GUARDIAN = "guardian", _("a parent or guardian")
        SUPERVISOR = "supervisor", _("a supervisor")
        PARTNER = "partner_contact", _("a partner contact")
        COORDINATOR = "coordinator", _("a coordinator")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="concerns",
                                  verbose_name=_("programme"))
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="concerns",
                              verbose_name=_("pair"))
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RAISED)
    description = models.TextField(_("what is it about?"), max_length=4000)
    raised_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("raised by"))
    raised_as = models.CharField(_("raised as"), max_length=16, choices=As.choices)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    outcome = models.TextField(_("what was done"), max_length=4000, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner")),
               Link("raised_by", label=_("as the person who raised it"))),
        categories=(Category.CHILD, Category.SAFEGUARDING, Category.FREE_TEXT), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Questions, problems, conflicts and safeguarding concerns about a pair, and how they "
                  "were handled."),
        # What was written about a concern is never exported (an access request may be answered by
        # a coordinator who is not a safeguarding lead): the lead answers for it by hand.
        retention=WithPerson(), export=("kind", "state", "raised_as", "raised_at", "resolved_at"),
        erase=Anonymise(description="", outcome=""), mentions=("description", "outcome"),
    )

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ("-raised_at", "-pk")
        indexes = [models.Index(fields=("programme", "state"), name="concern_programme_state"),
                   models.Index(fields=("match", "state"), name="concern_match_state")]
        constraints = [models.CheckConstraint(
            condition=~Q(state="resolved") | Q(resolved_at__isnull=False), name="resolved_concern_has_date",
            violation_error_message=_("A resolved concern needs the moment it was resolved."))]

    def __str__(self) -> str:
        return f"{self.kind} · {self.pk}"

    @property
    def is_safeguarding(self) -> bool:
        return self.kind == self.Kind.SAFEGUARDING

    @property
    def kind_name(self) -> str:
        """The kind as a concern's title: without the form's example ("A conflict", not "A
        conflict (e.g. between apprentice and employer)", which a pupil's conflict is not)."""
        return str(KIND_NAMES.get(self.kind, self.get_kind_display()))

    @property
    def is_open(self) -> bool:
        return self.state != self.State.RESOLVED


# A concern's kind as its title (lists, its page, the raiser's own list).
KIND_NAMES: dict[str, object] = {Concern.Kind.CONFLICT.value: _("A conflict")}
# The form's example of a conflict where the learners are pupils or students, not apprentices.
CONFLICT_OF_PUPILS = _("A conflict (e.g. between learner and mentor)")


class ConcernStep(StateChange):
    """One step of a concern: who, when, from, to, and what was done (``reason``)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps", verbose_name=_("concern"))
    from_state = models.CharField(_("from"), max_length=10, choices=Concern.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=10, choices=Concern.State.choices)
    # What the lead wrote, whole (the form takes 4,000 characters): core's ``StateChange.reason``
    # keeps 300, enough for a code or a one-line reason, not for a note about a pair.
    reason = models.TextField(_("reason"), blank=True)

    privacy = Personal(
        whose=(Link("concern__match__volunteer__person", label=_("as the mentor")),
               Link("concern__match__learner__person", label=_("as the learner"))),
        categories=(Category.SAFEGUARDING, Category.FREE_TEXT), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Each step of a concern: who, when, what was done."),
        retention=WithPerson(), export=("from_state", "to_state", "at"),
        erase=Anonymise(reason=reason_code_only), mentions=("reason",),
    )

    class Meta(StateChange.Meta):
        verbose_name = _("step of a concern")
        verbose_name_plural = _("steps of concerns")

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.from_state} → {self.to_state}"


class MatchPause(models.Model):
    """A pair paused (no meetings; it leaves no risk list) from ``since`` until it is lifted."""

    audit_subject = "match_pause"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="pauses", verbose_name=_("match"))
    concern = models.ForeignKey(Concern, on_delete=models.SET_NULL, null=True, blank=True, related_name="pauses",
                                verbose_name=_("concern"))
    since = models.DateTimeField(_("paused since"), default=timezone.now)
    lifted_at = models.DateTimeField(_("pause lifted"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")

    privacy = Personal(
        whose=(Link("match__volunteer__person", label=_("as the mentor")),
               Link("match__learner__person", label=_("as the learner"))),
        categories=Category.ACTIVITY, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("When a pair was paused and when the pause was lifted."),
        retention=WithPerson(), export=("since", "lifted_at"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("pause of a match")
        verbose_name_plural = _("pauses of matches")
        ordering = ("-since", "-pk")
        constraints = [models.UniqueConstraint(
            fields=("match",), condition=Q(lifted_at__isnull=True), name="one_open_pause_per_match",
            violation_error_message=_("This pair is already paused."))]

    def __str__(self) -> str:
        return f"{self.match_id} · {self.since:%Y-%m-%d}"


class ExchangeMeeting(Versioned):
    """A group meeting of mentors: intervision, experience exchange or a refresher session."""

    audit_subject = "exchange_meeting"
    audit_keys: ClassVar[dict[str, Key]] = {"notes": Key("", hidden)}

    class Kind(models.TextChoices):
        INTERVISION = "intervision", _("Intervision")
        EXCHANGE = "exchange", _("Experience exchange")
        REFRESHER = "refresher", _("Refresher session")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="exchange_meetings",
                                  verbose_name=_("programme"))
    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("site"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.EXCHANGE)
    topic = models.CharField(_("topic"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), validators=[validate_plausible_date])
    minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=90,
                                               validators=[MinValueValidator(15), MaxValueValidator(600)])
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    places = models.PositiveSmallIntegerField(_("places"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(500)])
    notes = models.TextField(_("notes"), max_length=4000, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    privacy = NotPersonal("A group meeting's date, place and topic; who came is in ExchangeInvitation.")

    class Meta:
        verbose_name = _("exchange meeting")
        verbose_name_plural = _("exchange meetings")
        ordering = ("-starts_at", "-pk")

    def __str__(self) -> str:
        return self.topic


class ExchangeInvitation(models.Model):
    """A mentor invited to an exchange meeting: their answer and whether they came."""

    class Answer(models.TextChoices):
        YES = "yes", _("Coming")
        NO = "no", _("Not coming")

    meeting = models.ForeignKey(ExchangeMeeting, on_delete=models.CASCADE, related_name="invitations",
                                verbose_name=_("exchange meeting"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="exchange_invitations",
                               verbose_name=_("mentor"))
    answer = models.CharField(_("answer"), max_length=3, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)

    privacy = Personal(
        whose="person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("Which exchange meetings a mentor was invited to, answered and attended (their hours)."),
        retention=WithPerson(), export=("answer", "answered_at", "attended"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("invitation to an exchange meeting")
        verbose_name_plural = _("invitations to exchange meetings")
        ordering = ("meeting", "pk")
        constraints = [models.UniqueConstraint(
            fields=("meeting", "person"), name="one_invitation_per_mentor",
            violation_error_message=_("This mentor is already invited."))]

    def __str__(self) -> str:
        return f"{self.meeting_id} · {self.person_id}"


class DigestMail(models.Model):
    """The weekly "needs attention" digest a person got for a programme in a week (claimed
    before it is sent, so a job run twice sends it once)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("week of"))
    pairs = models.PositiveSmallIntegerField(_("pairs in it"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    privacy = Personal(
        whose="person", categories=Category.ACTIVITY, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Which week a person was sent the weekly digest of pairs needing attention."),
        retention=(WithPerson(), Days("sent_at", days=90)), export=("week", "pairs", "sent_at"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [models.UniqueConstraint(
            fields=("person", "programme", "week"), name="one_digest_per_person_programme_week",
            violation_error_message=_("This digest was already sent."))]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.week}"
