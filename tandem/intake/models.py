"""Learners: referrals, guardian consent, intake and the waiting list.

A learner is a core ``Person`` (a pupil may have no log-in and no e-mail address) with one
``Learner`` record per programme that holds the intake state machine. Every state change is a
``LearnerTransition`` row (who, when, from, to, why). Special-category data lives apart, in
``SensitiveProfile``, which only coordinators ever see.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# "mon-afternoon": the codes volunteers and the matching engine use too.
from tandem.core.availability import slot_labels, validate_slots
from tandem.core.fields import validate_fields
from tandem.core.history import (
    Key,
    choice,
    each,
    hidden,
    language_name,
    number,
    reasons,
    slot_label,
    text,
)
from tandem.core.inputs import validate_latitude, validate_longitude
from tandem.core.languages import validate_languages
from tandem.core.models import (
    LANGUAGE_CHOICES,
    PartnerInstitution,
    Person,
    Programme,
    Role,
    StateChange,
)
from tandem.core.places import on_the_map
from tandem.core.privacy import (
    AfterEnd,
    Anonymise,
    Basis,
    Category,
    Delete,
    Keep,
    Link,
    Period,
    Personal,
    Record,
    WithPerson,
    new_token,
    reason_code_only,
)
from tandem.core.versioning import Versioned
from tandem.intake.levels import Level as Level  # re-exported: forms and imports use it


class Reason(models.TextChoices):
    STUDY_SKILLS = "study_skills", _("Study skills")
    LANGUAGE = "language_of_instruction", _("Language of instruction")
    MOTIVATION = "motivation", _("Motivation")
    CAREER = "career_orientation", _("Career orientation")
    EXAMS = "exam_preparation", _("Exam preparation")
    WORKPLACE = "workplace_conflict", _("Conflict at the workplace")
    BELONGING = "sense_of_belonging", _("Sense of belonging")
    OTHER = "other", _("Other")


class DeclaredGender(models.TextChoices):
    """A learner's self-declared gender (empty: prefer not to say); only for monitoring."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Non-binary or another gender")


class GenderPreference(models.TextChoices):
    ANY = "any", _("No preference")
    FEMALE = "female", _("A woman")
    MALE = "male", _("A man")


@reasons
class LearnerReason(models.TextChoices):
    """Why the system moved a learner or wrote to their record (stored as the code)."""

    VIA_REFERRAL = "via_referral", _("Referred by a partner")
    VIA_SELF_REGISTRATION = "via_self_registration", _("Registered themselves")
    VIA_IMPORT = "via_import", _("Imported from a file")
    VIA_COORDINATOR = "via_coordinator", _("Added by a coordinator")
    REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
    AWAITING_CONSENT = "accepted_awaiting_consent", _("Accepted; waiting for the guardian's consent")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    CONSENT_RECEIVED = "consent_received", _("Guardian's consent received")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Guardian's consent withdrawn")


class ConsentMethod(models.TextChoices):
    EMAIL_LINK = "email_link", _("E-mailed link")
    PAPER_FORM = "paper_form", _("Paper form")


class ConsentChange(models.TextChoices):
    """What happened to a guardian's consent, as the learner's audit log records it."""

    EMAIL_LINK = "email_link", _("given through the e-mailed link")
    PAPER_FORM = "paper_form", _("given on a paper form")
    WITHDRAWN = "withdrawn", _("withdrawn")
    GIVEN = "given", _("given")


@on_the_map
class Learner(Versioned):
    """A person's place in one programme as a learner, and where they are in intake."""

    audit_subject = "learner"

    class State(models.TextChoices):
        REFERRED = "referred", _("Referred")
        INTAKE = "intake", _("Intake")
        WAITING = "waiting", _("Waiting list")
        MATCHED = "matched", _("Matched")
        COMPLETED = "completed", _("Completed")
        LEFT = "left", _("Left")
        DECLINED = "declined", _("Declined")

    class Source(models.TextChoices):
        REFERRAL = "referral", _("Referral")
        SELF = "self", _("Self-registration")
        IMPORT = "import", _("Import")
        COORDINATOR = "coordinator", _("Coordinator")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="learners", verbose_name=_("programme")
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="learner_records", verbose_name=_("person")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REFERRED, db_index=True
    )
    source = models.CharField(
        pgettext_lazy("how a learner came to the programme", "source"), max_length=20, choices=Source.choices, default=Source.REFERRAL
    )
    referred_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    institution = models.ForeignKey(
        PartnerInstitution, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="learners", verbose_name=_("school or institution"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    employer = models.CharField(
        _("employer"), max_length=200, blank=True, help_text=_("For apprentices.")
    )
    reasons = models.JSONField(_("why a mentor"), default=list, blank=True)
    # Field codes of the programme's vocabulary (``core.Field``), e.g. ["maths", "electrician"].
    needs = models.JSONField(_("help needed with"), default=list, blank=True)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages]
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )
    availability = models.JSONField(
        _("availability"), default=list, blank=True, validators=[validate_slots]
    )
    mentor_wishes = models.TextField(_("what kind of mentor would help"), blank=True)
    gender_preference = models.CharField(
        _("mentor's gender"), max_length=10, choices=GenderPreference.choices,
        default=GenderPreference.ANY,
    )
    notes = models.TextField(
        _("coordinator's notes"), blank=True, help_text=_("Only coordinators see these.")
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    waiting_since = models.DateField(_("waiting since"), null=True, blank=True)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    created = models.DateTimeField(_("added"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    privacy = Personal(
        whose=("person", Link("referred_by", label=_("referred by them"),
                              export=("programme", "institution", "created"), erase=Keep())),
        categories=(Category.CHILD, Category.CONTACT, Category.FREE_TEXT),
        basis=Basis.GUARDIAN_CONSENT,
        purpose=_("Taking learners in, finding them a mentor and following up the outcome; for "
                  "a child under the country's age of digital consent, with a guardian's "
                  "consent."),
        record=Record(role=Role.LEARNER, ended={
            "declined": Period.APPLICANTS, "completed": Period.LEARNERS, "left": Period.LEARNERS}),
        retention=(WithPerson(),
                   AfterEnd(Period.FREE_TEXT, fields=("notes", "mentor_wishes", "state_reason"))),
        export=("programme", "state", "source", "institution", "level", "employer", "reasons",
                "needs", "languages", "availability", "latitude", "longitude", "mentor_wishes",
                "gender_preference", "notes", "accepted_at", "waiting_since", "state_reason",
                "created"),
        staff_only=("notes",),
        erase=Anonymise(employer="", languages=[], availability=[], latitude=None, longitude=None,
                        mentor_wishes="", gender_preference="any", notes="", state_reason=""),
        mentions=("notes", "mentor_wishes", "state_reason"),
    )

    audit_keys: ClassVar[dict[str, Key]] = {
        "reasons": Key("", each(choice(Reason.choices))),
        "languages": Key("", each(language_name)),
        "availability": Key("", each(slot_label)),
        "notes": Key("", hidden),
        "consent_requested": Key(_("consent requested from"), text),
        "guardian_consent": Key(_("guardian's consent"), choice(ConsentChange.choices)),
        "consent_text_version": Key(_("consent text version"), number),
        "special_category_data": Key(_("special-category data"), hidden),
    }

    class Meta:
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        ordering = ("-created", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("person", "programme"), name="one_learner_per_programme",
                violation_error_message=_("This person is already a learner in the programme."),
            ),
            models.CheckConstraint(
                condition=~Q(state="waiting") | Q(waiting_since__isnull=False),
                name="waiting_learner_has_waiting_since",
                violation_error_message=_("A learner on the waiting list needs the date they "
                                          "started waiting."),
            ),
        ]
        indexes = [models.Index(fields=("programme", "state", "waiting_since"))]

    def __str__(self) -> str:
        return f"{self.person} · {self.programme}"

    @property
    def unplaced(self) -> bool:
        """Flag "Not on the map" on the coordinator's pages: no point, while matching may still
        need one (a closed record's address may be gone by design: last year's, or retention's)."""
        return self.latitude is None and self.state in (self.State.REFERRED, self.State.INTAKE,
                                                        self.State.WAITING, self.State.MATCHED)

    @property
    def finished(self) -> bool:
        """Completed, left or declined: nothing more will be matched, so the learner's page asks
        no guardian for consent again and shows no waiting time (a guardian may still withdraw a
        consent given: that is theirs to do at any time)."""
        return self.state in (self.State.COMPLETED, self.State.LEFT, self.State.DECLINED)

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(Reason.choices)
        return [str(labels.get(code, code)) for code in self.reasons]

    @property
    def availability_labels(self) -> list[str]:
        return slot_labels(self.availability)

    def clean(self) -> None:
        if self.programme_id is not None:
            validate_fields(self.programme, self.needs)


class LearnerTransition(StateChange):
    """One step of a learner's lifecycle: who moved them, when, from where to where, and why."""

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("learner")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=Learner.State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=Learner.State.choices)

    privacy = Personal(
        title=_("steps in the programme"),  # plain words for its section in an access request
        whose="learner__person", categories=(Category.CHILD, Category.ACTIVITY),
        basis=Basis.GUARDIAN_CONSENT,
        purpose=_("Each step of a learner's way through intake and matching: who, when, why."),
        retention=WithPerson(), export=("at", "from_state", "to_state", "reason"),
        erase=Anonymise(reason=reason_code_only), mentions=("reason",),
    )

    class Meta(StateChange.Meta):
        verbose_name = _("learner state change")
        verbose_name_plural = _("learner state changes")

    def __str__(self) -> str:
        return f"{self.learner}: {self.from_state or '—'} → {self.to_state}"


class ConsentText(models.Model):
    """The text a guardian agrees to. Versions only go up: publishing a new version means
    every guardian is asked again (consent to an older version no longer counts)."""

    audit_subject = "consent_text"
    audit_keys: ClassVar[dict[str, Key]] = {"languages": Key(_("languages"), each(language_name))}

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="consent_texts",
        verbose_name=_("programme"),
    )
    version = models.PositiveIntegerField(_("version"))
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("published"), auto_now_add=True)

    privacy = Personal(
        whose=Link("created_by", label=_("published by them"), erase=Keep()),
        categories=Category.ACTIVITY, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Who published which version of the consent text."),
        retention=WithPerson(), export=("version", "language", "created"), erase=Keep(),
        organisation="programme__organisation",
    )

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ("-version", "language")
        constraints = [
            models.UniqueConstraint(
                fields=("programme", "version", "language"), name="one_consent_text_per_language",
                violation_error_message=_(
                    "This version of the consent text already exists in this language."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme} v{self.version} ({self.language})"


def _consent_token() -> str:
    return secrets.token_urlsafe(32)


def consent_link_valid_since() -> datetime:
    """Links sent before this moment no longer work (``CONSENT_LINK_VALID_DAYS``)."""
    return timezone.now() - timedelta(days=settings.CONSENT_LINK_VALID_DAYS)


class GuardianConsent(models.Model):
    """A guardian's consent for one learner to one version of the consent text.

    Requested by e-mail (the token is the only secret of the guardian's link) or recorded by a
    coordinator from a paper form. ``given_at`` empty means asked but not answered yet.
    """

    Method = ConsentMethod

    learner = models.ForeignKey(
        Learner, on_delete=models.CASCADE, related_name="consents", verbose_name=_("learner")
    )
    guardian = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="consents_given", verbose_name=_("guardian")
    )
    version = models.PositiveIntegerField(_("text version"))
    method = models.CharField(_("how"), max_length=20, choices=Method.choices)
    token = models.CharField(max_length=64, unique=True, default=_consent_token, editable=False)
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField(_("given"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", help_text=_("The coordinator who recorded a paper form."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    privacy = Personal(
        whose=(Link("learner__person", label=_("as a child"), export=(
                   "guardian", "version", "method", "requested_at", "given_at", "withdrawn_at")),
               Link("guardian", label=_("as a guardian"), erase=Anonymise(token=new_token))),
        categories=Category.CHILD, basis=Basis.LEGAL_OBLIGATION,
        purpose=_("Proof that a guardian consented for a child (GDPR art. 8), and when it was "
                  "withdrawn."),
        retention=WithPerson(),
        export=("learner", "version", "method", "requested_at", "given_at", "withdrawn_at"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("guardian consent")
        verbose_name_plural = _("guardian consents")
        ordering = ("-requested_at", "-pk")
        constraints = [
            # One open (not withdrawn) consent per guardian, learner and text version: a
            # double-click on "ask the guardian" cannot send two competing links.
            models.UniqueConstraint(
                fields=("learner", "guardian", "version"), condition=Q(withdrawn_at__isnull=True),
                name="one_open_consent_per_version",
                violation_error_message=_(
                    "This guardian has already been asked to consent to the current text."
                ),
            ),
            models.CheckConstraint(
                condition=Q(method="email_link") | Q(given_at__isnull=False),
                name="paper_consent_is_given",
                violation_error_message=_("A paper consent form is recorded as given."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.learner} v{self.version}"

    @property
    def is_given(self) -> bool:
        return self.given_at is not None and self.withdrawn_at is None

    @property
    def link_expired(self) -> bool:
        """An unanswered request's link works ``CONSENT_LINK_VALID_DAYS`` after it was sent. A
        given consent's link keeps working: withdrawing must stay as easy as consenting."""
        return (self.given_at is None and self.withdrawn_at is None
                and self.requested_at < consent_link_valid_since())


class SensitiveProfile(Versioned):
    """Special-category data (GDPR art. 9): optional, self-declared or declared with consent,
    used only for equal-participation monitoring and, where the programme enables it,
    role-model matching. Only coordinators ever see it; it is in no export others can reach."""

    class DeclaredBy(models.TextChoices):
        LEARNER = "learner", _("The learner, self-declared")
        GUARDIAN = "guardian", _("The guardian, with consent")

    learner = models.OneToOneField(
        Learner, on_delete=models.CASCADE, related_name="sensitive", verbose_name=_("learner")
    )
    migration_background = models.BooleanField(
        _("migration background"), null=True, blank=True
    )
    first_generation = models.BooleanField(
        _("first-generation student"), null=True, blank=True,
        help_text=_("First in the family to go on to higher education."),
    )
    gender = models.CharField(
        _("gender"), max_length=10, choices=DeclaredGender.choices, blank=True,
        help_text=_("Self-declared; empty is “prefer not to say”. Only for monitoring equal "
                    "participation in aggregate, never for matching."),
    )
    cultural_background = models.CharField(
        _("language and cultural background, in their own words"), max_length=200, blank=True,
        help_text=_("Only for role-model matching, where the programme uses it."),
    )
    declared_by = models.CharField(_("declared by"), max_length=20, choices=DeclaredBy.choices)
    consent = models.BooleanField(
        _("declared freely, with consent to use it for monitoring and matching"), default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    privacy = Personal(
        whose="learner__person", categories=(Category.SPECIAL, Category.CHILD),
        basis=Basis.EXPLICIT_CONSENT,
        purpose=_("Monitoring equal participation and, where the programme uses it, role-model "
                  "matching; only coordinators see it."),
        retention=(WithPerson(), AfterEnd(Period.SPECIAL_CATEGORY)),
        export=("migration_background", "first_generation", "gender", "cultural_background", "declared_by",
                "consent", "recorded_at"),
        staff_only=True, erase=Delete(),
    )

    class Meta:
        verbose_name = _("special-category data")
        verbose_name_plural = _("special-category data")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent=True), name="sensitive_data_needs_consent",
                violation_error_message=_(
                    "Record special-category data only when it was declared freely, with consent."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"sensitive:{self.learner_id}"
