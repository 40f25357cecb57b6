"""Results: what the programme measures and how it reports it.

* **OutcomeSettings** — per programme: the small-cell threshold and minimum denominator of every
  observer-visible number, the official definition of early school leaving its reports use, and
  whether its consent text covers school results (without it no indicator can be recorded).
* **SurveyWave** — one questionnaire (an instrument of ``instruments.py``, by code and version)
  asked of one audience (learners, mentors, supervisors) at one moment of the cycle (intake,
  mid-cycle, closure, follow-up), between two dates; named or anonymous.
* **SurveyInvitation** — a person's personal, signed, expiring link to a wave (no log-in); when
  they were asked, reminded and answered.
* **SurveyResponse** — the answers and their scores. In an anonymous wave the response keeps no
  link to the person or the invitation.
* **SchoolIndicator** — one value about a learner's schooling (absence rate, a test score, an LVS
  level, grade progression, school status at a follow-up date), recorded by a coordinator or
  imported from the school, only with the recorded consent.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tandem.core.models import Person, Programme
from tandem.core.privacy import (
    AfterEnd,
    Basis,
    Category,
    Delete,
    Link,
    NotPersonal,
    Period,
    Personal,
    WithPerson,
)
from tandem.core.versioning import Versioned
from tandem.intake.models import Learner
from tandem.matching.models import Match


def _nonce() -> str:
    return secrets.token_urlsafe(12)


class Audience(models.TextChoices):
    LEARNER = "learner", _("Learners")
    MENTOR = "mentor", _("Mentors")
    SUPERVISOR = "supervisor", _("Supervisors")


class WaveKind(models.TextChoices):
    INTAKE = "intake", pgettext_lazy("a survey wave", "Intake")
    MID = "mid", _("Mid-cycle")
    CLOSURE = "closure", _("Closure")
    FOLLOW_UP = "follow_up", _("Follow-up")


class EarlyLeaving(models.TextChoices):
    NL = "nl_startkwalificatie", _("Netherlands: leaving education without a startkwalificatie")
    BE = "be_vsv", _("Flanders: vroegtijdig schoolverlaten (leaving secondary school without a qualification)")
    EU = "eu_elet", _("EU indicator: 18–24-year-olds with at most lower secondary education, not in "
                      "education or training")


class OutcomeSettings(Versioned):
    audit_subject = "outcome_settings"

    programme = models.OneToOneField(Programme, on_delete=models.CASCADE, related_name="outcome_settings",
                                     verbose_name=_("programme"))
    threshold = models.PositiveSmallIntegerField(
        _("smallest group shown to observers"), default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_("Counts below this are suppressed in every observer's view and in funder reports."))
    min_denominator = models.PositiveSmallIntegerField(
        _("smallest base for a percentage"), default=10,
        validators=[MinValueValidator(5), MaxValueValidator(200)])
    early_leaving = models.CharField(_("definition of early school leaving"), max_length=30,
                                     choices=EarlyLeaving.choices, default=EarlyLeaving.EU)
    school_data_consent = models.BooleanField(
        _("our consent text covers school results"), default=False,
        help_text=_("School indicators can be recorded only for learners whose consent is recorded, "
                    "and only when the consent text says that school results are collected."))
    targets = models.JSONField(_("targets for equal participation"), default=dict, blank=True)

    privacy = NotPersonal("A programme's reporting settings: thresholds, a definition, targets in per cent.")

    class Meta:
        verbose_name = _("results settings")
        verbose_name_plural = _("results settings")

    def __str__(self) -> str:
        return f"outcomes:{self.programme_id}"


class SurveyWave(Versioned):
    audit_subject = "survey_wave"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="survey_waves",
                                  verbose_name=_("programme"))
    instrument = models.CharField(_("questionnaire"), max_length=40)
    instrument_version = models.PositiveSmallIntegerField(_("version of the questionnaire"), default=1)
    audience = models.CharField(_("asked of"), max_length=12, choices=Audience.choices)
    kind = models.CharField(_("moment"), max_length=12, choices=WaveKind.choices)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    anonymous = models.BooleanField(_("anonymous"), default=False,
                                    help_text=_("Answers are kept without a link to the person. "
                                                "Before/after changes then cannot be paired."))
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    privacy = NotPersonal("When a questionnaire is asked of whom in a programme; no people.")

    class Meta:
        verbose_name = _("survey wave")
        verbose_name_plural = _("survey waves")
        ordering = ("-opens_on", "-pk")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="wave_closes_after_opening",
                                   violation_error_message=_("A wave closes on or after the day it opens.")),
            models.UniqueConstraint(fields=("programme", "instrument", "audience", "kind", "opens_on"),
                                    name="one_wave_per_moment",
                                    violation_error_message=_("This wave already exists.")),
        ]

    def __str__(self) -> str:
        return f"{self.instrument}@{self.instrument_version} {self.kind} {self.opens_on}"

    @property
    def definition(self):  # type: ignore[no-untyped-def]
        from tandem.outcomes.instruments import instrument

        return instrument(self.instrument, self.instrument_version)


class SurveyInvitation(models.Model):
    audit_subject = "survey_invitation"

    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="invitations",
                             verbose_name=_("survey wave"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    nonce = models.CharField(max_length=24, default=_nonce, editable=False)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    privacy = Personal(
        whose="person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("Whom a questionnaire was sent to, and whether they answered (for reminders)."),
        retention=WithPerson(), export=("wave", "created", "sent_at", "reminded_at", "answered_at",
                                           "revoked_at"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=("wave", "person"), name="one_invitation_per_wave_and_person",
                                    violation_error_message=_("This person was already asked in this wave.")),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} · {self.person_id}"


class SurveyResponse(models.Model):
    wave = models.ForeignKey(SurveyWave, on_delete=models.CASCADE, related_name="responses",
                             verbose_name=_("survey wave"))
    # Empty in an anonymous wave.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                               verbose_name=_("person"))
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    score = models.FloatField(_("score"), null=True, blank=True)
    subscores = models.JSONField(_("subscale scores"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    answered_at = models.DateTimeField(_("answered"), auto_now_add=True)

    privacy = Personal(
        whose="person", categories=(Category.CHILD, Category.ACTIVITY), basis=Basis.AGREEMENT,
        purpose=_("A person's answers to a questionnaire, to measure the programme's results."),
        retention=(WithPerson(), AfterEnd(Period.LEARNERS)),
        export=("wave", "answers", "score", "subscores", "language", "answered_at"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(fields=("wave", "person"), condition=Q(person__isnull=False),
                                    name="one_response_per_wave_and_person",
                                    violation_error_message=_("This person already answered this wave.")),
        ]

    def __str__(self) -> str:
        return f"{self.wave_id} · {self.score}"

    def export_words(self, name: str, value: Any) -> str | None:
        """The answers and subscale scores in a person's data export as words: each question as
        they read it and the answer they chose ("I like going to school: Agree"), not the stored
        item codes ("q1: 3"). None for the other fields (the export's usual words)."""
        from django.utils.formats import number_format

        from tandem.core.text import label_value, semicolons
        from tandem.outcomes.instruments import pick

        if name not in ("answers", "subscores") or not isinstance(value, dict):
            return None
        try:
            definition = self.wave.definition
        except (KeyError, LookupError):
            return None
        if name == "subscores":
            return semicolons(label_value(pick(definition.subscales.get(key, {"en": key})),
                                          number_format(score, decimal_pos=1))
                              for key, score in value.items() if isinstance(score, int | float))
        items = {item.code: item for item in definition.items}
        labels = dict(zip(definition.scale.values, definition.scale.labels, strict=True))
        return semicolons(
            label_value(pick(items[code].text) if code in items else code,
                        pick(labels[answer]) if answer in labels else str(answer))
            for code, answer in value.items())


class IndicatorKind(models.TextChoices):
    ABSENCE = "absence_rate", _("Absence rate (% of lessons)")
    TEST = "test_score", _("Test score (e.g. doorstroomtoets, 150–200)")
    LVS = "lvs_level", _("LVS level")
    GRADE = "grade_progression", _("Grade progression")
    STATUS = "school_status", _("School status at follow-up")


class GradeProgression(models.TextChoices):
    PROMOTED = "promoted", _("Moved up a year")
    REPEATED = "repeated", _("Repeated the year")
    CHANGED_TRACK = "changed_track", _("Changed track or level")


class SchoolStatus(models.TextChoices):
    IN_EDUCATION = "in_education", _("Still in education")
    QUALIFIED = "qualified", _("Qualified")
    LEFT_UNQUALIFIED = "left_unqualified", _("Left without a qualification")


class LvsLevel(models.TextChoices):
    # The Dutch pupil-monitoring levels (I–V, I the highest); Cito's A–E map onto them.
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    III = "III", "III"
    IV = "IV", "IV"
    V = "V", "V"


class IndicatorSource(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    IMPORT = "import", _("Imported from the school")


class SchoolIndicator(Versioned):
    audit_subject = "school_indicator"

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="school_indicators",
                                verbose_name=_("learner"))
    kind = models.CharField(_("indicator"), max_length=20, choices=IndicatorKind.choices)
    measured_on = models.DateField(_("measured on"))
    number = models.DecimalField(_("value"), max_digits=6, decimal_places=2, null=True, blank=True)
    code = models.CharField(_("result"), max_length=20, blank=True)
    # For a school status: the follow-up it answers, in months after the match started (6, 12).
    months_after = models.PositiveSmallIntegerField(_("months after the match started"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=IndicatorSource.choices,
                              default=IndicatorSource.COORDINATOR)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    privacy = Personal(
        whose=Link("learner__person", label=_("as the learner")),
        categories=Category.CHILD, basis=Basis.GUARDIAN_CONSENT,
        purpose=_("School results and school status of a learner, with consent, to measure the "
                  "programme's results."),
        retention=(WithPerson(), AfterEnd(Period.LEARNERS)),
        export=("kind", "measured_on", "number", "code", "months_after", "source", "recorded_at"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("school indicator")
        verbose_name_plural = _("school indicators")
        ordering = ("learner_id", "kind", "measured_on", "pk")
        constraints = [
            models.UniqueConstraint(fields=("learner", "kind", "measured_on"), name="one_indicator_per_day",
                                    violation_error_message=_(
                                        "This learner already has this indicator for this day.")),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} · {self.kind} · {self.measured_on}"

    @property
    def result_label(self) -> str:
        labels = {**dict(GradeProgression.choices), **dict(SchoolStatus.choices), **dict(LvsLevel.choices)}
        return str(labels.get(self.code, self.code))

