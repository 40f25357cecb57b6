"""Volunteers: their application, the screening checklist, training and certificates.

A volunteer is a core ``Person`` (no log-in needed) with one ``Volunteer`` record per programme
holding the pipeline state. The mentor ``Membership`` is only granted when they become *ready*.
Screening items are recorded as facts (seen on, issued on, verified by), never as a copy of the
document.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.availability import validate_slots
from tandem.core.fields import validate_fields
from tandem.core.history import (
    Key,
    as_date,
    choice,
    each,
    hidden,
    language_name,
    reasons,
    slot_label,
    text,
    yes_no,
)
from tandem.core.inputs import (
    MENTOR_CAPACITY_MAX,
    WORKSHOP_CAPACITY_MAX,
    WORKSHOP_HOURS_MAX,
    capacity_validators,
    validate_latitude,
    validate_longitude,
    validate_plausible_date,
)
from tandem.core.languages import validate_languages
from tandem.core.models import Person, Programme, Role, StateChange
from tandem.core.places import on_the_map
from tandem.core.privacy import (
    AfterEnd,
    Anonymise,
    Basis,
    Category,
    Delete,
    Keep,
    Period,
    Personal,
    Record,
    WithPerson,
    reason_code_only,
)
from tandem.core.versioning import Versioned


class VolunteerState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    TRAINING = "training", _("Training")
    READY = "ready", _("Ready")
    ACTIVE = "active", _("Active")
    ALUMNI = "alumni", _("Alumni")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    PAUSED = "paused", _("Paused")


@reasons
class VolunteerReason(models.TextChoices):
    """Why the system moved a volunteer or wrote to their record (stored as the code)."""

    APPLIED_ONLINE = "applied_online", _("Application form")
    MISSING_ITEMS_EMAILED = "missing_items_emailed", _("Missing items e-mailed")
    CERTIFICATE_EXPIRED = "certificate_expired_out_of_matching", _(
        "Certificate expired: out of matching"
    )


class RegistrationStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    WAITING = "waiting", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Non-binary or other")


@on_the_map
class Volunteer(Versioned):
    """One person's volunteering in one programme, from application to alumni."""

    audit_subject = "volunteer"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="volunteers", verbose_name=_("programme")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="volunteering", verbose_name=_("person")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=VolunteerState.choices, default=VolunteerState.APPLIED,
        db_index=True,
    )
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    # Field codes of the programme's vocabulary (``core.Field``), e.g. ["maths", "electrician"].
    expertise = models.JSONField(_("fields of expertise"), default=list, blank=True)
    availability = models.JSONField(
        _("availability"), default=list, blank=True, validators=[validate_slots]
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )
    motivation = models.TextField(_("motivation"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=1, help_text=_("How many learners this volunteer can take."),
        validators=capacity_validators(MENTOR_CAPACITY_MAX),
    )
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    consent_version = models.CharField(_("consent version"), max_length=20, blank=True)
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)

    # Screening: interview.
    interview_planned_at = models.DateTimeField(
        _("interview planned for"), null=True, blank=True, validators=[validate_plausible_date]
    )
    interview_held_on = models.DateField(
        _("interview held on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("interviewed by"),
    )
    interview_notes = models.TextField(_("interview notes"), blank=True)
    # Screening: references.
    references_received = models.PositiveSmallIntegerField(
        _("references received"), default=0, validators=[MaxValueValidator(20)]
    )
    # Screening: the country's safeguarding certificate, as facts about it, never a copy.
    certificate_seen_on = models.DateField(
        _("certificate seen on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    certificate_issued_on = models.DateField(
        _("certificate issued on"), null=True, blank=True, validators=[validate_plausible_date]
    )
    certificate_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("certificate verified by"),
    )
    # Which certificate (by its issue date) the expiry reminder / expiry notice was sent for,
    # so the daily command never sends the same one twice.
    certificate_reminder_for = models.DateField(null=True, blank=True, editable=False)
    certificate_expired_notice_for = models.DateField(null=True, blank=True, editable=False)

    created = models.DateTimeField(_("applied"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    privacy = Personal(
        whose="person", categories=(Category.CONTACT, Category.SAFEGUARDING, Category.FREE_TEXT),
        basis=Basis.AGREEMENT,
        purpose=_("Recruiting, screening, training and matching volunteers; the criminal-record "
                  "check only as seen on, issued on and verified by, never a copy."),
        record=Record(role=Role.MENTOR, ended={
            VolunteerState.ALUMNI: Period.VOLUNTEERS, VolunteerState.REJECTED: Period.APPLICANTS,
            VolunteerState.WITHDRAWN: Period.APPLICANTS}),
        retention=(
            WithPerson(),
            AfterEnd(Period.CERTIFICATE, fields=(
                "certificate_seen_on", "certificate_issued_on", "certificate_verified_by",
                "certificate_reminder_for", "certificate_expired_notice_for")),
            AfterEnd(Period.FREE_TEXT, fields=("motivation", "interview_notes")),
        ),
        export=("programme", "state", "languages", "expertise", "availability", "address",
                "latitude", "longitude", "motivation", "capacity", "gender", "consent_version",
                "consented_at", "interview_planned_at", "interview_held_on", "interviewer",
                "interview_notes", "references_received", "certificate_seen_on",
                "certificate_issued_on", "certificate_verified_by", "created"),
        staff_only=("interview_notes",),
        erase=Anonymise(
            languages=[], expertise=[], availability=[], address="", latitude=None,
            longitude=None, motivation="", gender="", consent_version="", consented_at=None,
            interview_planned_at=None, interview_held_on=None, interviewer=None,
            interview_notes="", references_received=0, certificate_seen_on=None,
            certificate_issued_on=None, certificate_verified_by=None,
            certificate_reminder_for=None, certificate_expired_notice_for=None,
        ),
        mentions=("motivation", "interview_notes"),
    )

    audit_keys: ClassVar[dict[str, Key]] = {
        "languages": Key("", each(language_name)),
        "expertise": Key("", each(text)),
        "availability": Key("", each(slot_label)),
        "workshop": Key(_("workshop"), text),
        "registration": Key(_("registration"), choice(RegistrationStatus.choices)),
        "attended": Key(_("attended"), yes_no),
        "training_certificate": Key(_("training certificate"), text),
        "certificate_expired": Key(_("certificate expired on"), as_date),
        "self_declared_background": Key(_("self-declared background"), hidden),
    }

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ("person__family_name", "person__given_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("person", "programme"), name="one_volunteer_record_per_programme",
                violation_error_message=_("This person is already a volunteer in the programme."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="volunteer_capacity_positive",
                violation_error_message=_("A volunteer's capacity is at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.programme}"

    @property
    def unplaced(self) -> bool:
        """Flag "Not on the map": no point while the volunteer may still be matched (not for
        alumni, the rejected or the withdrawn)."""
        return self.latitude is None and self.state not in (VolunteerState.ALUMNI, VolunteerState.REJECTED,
                                                            VolunteerState.WITHDRAWN)

    def clean(self) -> None:
        if self.programme_id is not None:
            validate_fields(self.programme, self.expertise)


class VolunteerDeclaration(Versioned):
    """A volunteer's self-declared background (GDPR art. 9 special-category data): voluntary,
    every answer may be "prefer not to say" (empty), asked only so the programme can monitor in
    aggregate whether immigrant and first-generation people take part as mentors too; never used
    for matching. Coordinators and the volunteer themselves see it; observers see only the
    suppressed shares (``outcomes``). A declaration of nothing but "prefer not to say" is not kept."""

    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, related_name="declaration", verbose_name=_("volunteer")
    )
    migration_background = models.BooleanField(_("migration background"), null=True, blank=True)
    first_generation = models.BooleanField(
        _("first-generation student"), null=True, blank=True,
        help_text=_("First in the family to go on to higher education."),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    privacy = Personal(
        whose="volunteer__person", categories=Category.SPECIAL, basis=Basis.EXPLICIT_CONSENT,
        purpose=_("Monitoring in aggregate whether people with a migration background and "
                  "first-generation students take part as mentors; never used for matching."),
        retention=(WithPerson(), AfterEnd(Period.SPECIAL_CATEGORY)),
        export=("migration_background", "first_generation", "recorded_at"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("self-declared background")
        verbose_name_plural = _("self-declared backgrounds")

    def __str__(self) -> str:
        return f"declaration:{self.volunteer_id}"


class VolunteerTransition(StateChange):
    """Every state change of a volunteer: who, when, from, to and why."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="transitions"
    )
    from_state = models.CharField(
        _("from"), max_length=20, choices=VolunteerState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=VolunteerState.choices)

    privacy = Personal(
        whose="volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("Each step of a volunteer's way through the programme: who, when, why."),
        retention=WithPerson(), export=("at", "from_state", "to_state", "reason"),
        erase=Anonymise(reason=reason_code_only), mentions=("reason",),
    )

    class Meta(StateChange.Meta):
        verbose_name = _("volunteer state change")
        verbose_name_plural = _("volunteer state changes")

    def __str__(self) -> str:
        return f"{self.volunteer}: {self.from_state} → {self.to_state}"


class Workshop(Versioned):
    audit_subject = "workshop"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("programme")
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), validators=[validate_plausible_date])
    place = models.CharField(_("place"), max_length=200)
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=capacity_validators(WORKSHOP_CAPACITY_MAX)
    )
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1,
        validators=[
            MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal(WORKSHOP_HOURS_MAX))
        ],
    )

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ("starts_at", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="workshop_capacity_positive",
                violation_error_message=_("A workshop has at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="workshop_hours_positive",
                violation_error_message=_("A workshop lasts more than zero hours."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    Status = RegistrationStatus

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("workshop"))
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="registrations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    created = models.DateTimeField(_("booked"), auto_now_add=True)

    privacy = Personal(
        whose="volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("Training workshops a volunteer booked and attended."),
        retention=WithPerson(), export=("workshop", "status", "attended", "created"), erase=Keep(),
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ("created", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("workshop", "volunteer"), condition=~Q(status="cancelled"),
                name="one_open_registration_per_workshop",
                violation_error_message=_("This volunteer is already registered for the workshop."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.workshop} ({self.status})"


def _verification_code() -> str:
    # Unambiguous characters only (no 0/O, 1/I), so a code read off paper can be typed back.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _i in range(10))


def _download_token() -> str:
    return secrets.token_urlsafe(32)


class TrainingCertificate(models.Model):
    """Issued once a volunteer's attended training hours reach the programme's requirement."""

    volunteer = models.OneToOneField(
        Volunteer, on_delete=models.CASCADE, related_name="training_certificate"
    )
    code = models.CharField(
        _("verification code"), max_length=12, unique=True, default=_verification_code,
        editable=False)
    # The volunteer's download link is a separate secret: the code printed on the certificate
    # proves it is genuine but does not give the file to whoever reads it.
    download_token = models.CharField(
        max_length=64, unique=True, default=_download_token, editable=False
    )
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    issued_on = models.DateField(_("issued on"))

    privacy = Personal(
        whose="volunteer__person", categories=Category.ACTIVITY, basis=Basis.AGREEMENT,
        purpose=_("The volunteer's training certificate; anyone holding its code can check it "
                  "is genuine."),
        retention=WithPerson(), export=("code", "hours", "issued_on"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("training certificate")
        verbose_name_plural = _("training certificates")

    def __str__(self) -> str:
        return self.code
