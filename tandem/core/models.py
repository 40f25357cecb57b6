"""Organisations, programmes, sites, partners, people, memberships, invitations and the audit log.

A *User* is a log-in (an e-mail address and a password). A *Person* is someone a programme knows:
a 12-year-old pupil is a Person without a User. A Person belongs to exactly one organisation; the
same human volunteering for two organisations is two Persons linked to one User, so nothing leaks
from one organisation to the other.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from tandem.core.history import Key, each, language_name, reason_text, reasons
from tandem.core.inputs import (
    validate_date_of_birth,
    validate_latitude,
    validate_longitude,
    validate_plausible_date,
)
from tandem.core.languages import validate_languages
from tandem.core.privacy import (
    Age,
    Anonymise,
    Basis,
    Category,
    Days,
    Delete,
    Keep,
    Link,
    NotPersonal,
    Period,
    Personal,
    WithPerson,
)
from tandem.core.requirements import requirements_text
from tandem.core.versioning import Versioned

LANGUAGE_CHOICES = settings.LANGUAGES


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin, Versioned):
    """A log-in. Logs in with an e-mail address; chooses the interface language."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(
        _("interface language"), max_length=8, choices=LANGUAGE_CHOICES, blank=True,
        help_text=_("Leave empty to follow your browser's language."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    privacy = Personal(
        title=_("log-in"),  # plain words for its section in an access request
        whose="", categories=(Category.CONTACT, Category.ACCOUNT), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A log-in: e-mail address, name, interface language and the password (kept only "
                  "as a hash, never exported)."),
        retention=WithPerson(),
        export=("email", "full_name", "language", "date_joined", "last_login"),
        erase=Delete(),
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email


class Country(models.TextChoices):
    BE = "BE", _("Belgium")
    NL = "NL", _("Netherlands")
    FR = "FR", _("France")
    DE = "DE", _("Germany")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    website = models.URLField(_("website"), blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:organisation", kwargs={"org": self.slug})


class Programme(Versioned):
    """A mentoring or tutoring programme: the unit coordinators run and roles are granted on."""

    audit_subject = "programme"

    class Format(models.TextChoices):
        ONE_TO_ONE = "one_to_one", _("One-to-one")
        GROUP = "group", _("Group (learning communities)")

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")
        MONTHLY = "monthly", _("Monthly")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="programmes",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE
    )
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, validators=[validate_languages],
        help_text=_("The languages the programme works in, its main language first."),
    )
    cycle_start = models.DateField(
        _("cycle start"), null=True, blank=True, validators=[validate_plausible_date]
    )
    cycle_end = models.DateField(
        _("cycle end"), null=True, blank=True, validators=[validate_plausible_date]
    )
    cycle_weeks = models.PositiveSmallIntegerField(
        _("cycle length in weeks"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(260)],
        help_text=_("For programmes whose pairs run a fixed number of weeks (e.g. 20)."),
    )
    meeting_cadence = models.CharField(
        _("meeting cadence"), max_length=20, choices=Cadence.choices, default=Cadence.WEEKLY
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("minutes per session"), default=120,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
    )
    commitment = models.CharField(
        _("commitment asked"), max_length=200, blank=True,
        help_text=_("In plain words, e.g. “2 hours a week for a school year”."),
    )
    # Requirements and criteria read by later capabilities (screening, training, consent,
    # matching). Kept as one validated JSON document so a programme can be configured without a
    # migration per option; see ``tandem.core.requirements`` for the keys and their defaults.
    requirements = models.JSONField(_("requirements"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created = models.DateTimeField(auto_now_add=True)

    audit_keys: ClassVar[dict[str, Key]] = {
        "languages": Key("", each(language_name)),
        "requirements": Key("", requirements_text),
    }
    privacy = NotPersonal("the programme's own description, written for applicants")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "slug"), name="programme_slug_per_org",
                violation_error_message=_(
                    "The organisation already has a programme with this short name."
                ),
            ),
            models.CheckConstraint(
                condition=Q(cycle_end__isnull=True)
                | Q(cycle_start__isnull=True)
                | Q(cycle_end__gte=models.F("cycle_start")),
                name="programme_cycle_end_after_start",
                violation_error_message=_("The cycle cannot end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:programme", kwargs={"org": self.organisation.slug, "prog": self.slug})

    @property
    def is_group(self) -> bool:
        """A mentor leads a learning community here, not a pair: pages say so in a sentence of
        their own (docs/matches.md, "Group programmes say learning community"), never a noun slotted
        into the pair's sentence."""
        return self.format == self.Format.GROUP

    def interface_language(self) -> str | None:
        """The first of the programme's languages that Tandem is written in (None: none is)."""
        written = {code for code, _name in settings.LANGUAGES}
        return next((code for code in self.languages or () if code in written), None)

    def requirement(self, key: str) -> Any:
        from tandem.core.requirements import requirement

        return requirement(self, key)


class Field(Versioned):
    """One word of a programme's vocabulary of fields: what volunteers know about and learners
    need help with ("maths", "electrician", "career orientation").

    Volunteers' expertise and learners' needs store the ``code``; people see the label in their
    own language and may type any synonym ("Mathe", "rekenen", "maths" all mean ``maths``). A
    programme starts with the shipped defaults (``tandem.core.fields``); coordinators add their
    own on the programme's *Fields* page.
    """

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fields", verbose_name=_("programme")
    )
    code = models.SlugField(_("code"), max_length=40)
    label_en = models.CharField(_("name in English"), max_length=80, blank=True)
    label_nl = models.CharField(_("name in Dutch"), max_length=80, blank=True)
    label_fr = models.CharField(_("name in French"), max_length=80, blank=True)
    label_de = models.CharField(_("name in German"), max_length=80, blank=True)
    # {"nl": ["rekenen"], "de": ["Mathe"]}: other words people use for the field, per language.
    synonyms = models.JSONField(_("other words"), default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(
                fields=("programme", "code"), name="field_code_per_programme",
                violation_error_message=_("The programme already has a field with this code."),
            )
        ]

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        """The name in ``language`` (default: the active one), else in English, else any."""
        language = (language or get_language() or "en")[:2]
        labels = {"en": self.label_en, "nl": self.label_nl, "fr": self.label_fr, "de": self.label_de}
        return labels.get(language) or self.label_en or next((v for v in labels.values() if v), self.code)


class Site(models.Model):
    """A city or area a programme works in (AFEV works in 40)."""

    audit_subject = "site"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="sites", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=120)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("programme", "name"), name="site_name_per_programme",
                violation_error_message=_("The programme already has a site with this name."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnerInstitution(models.Model):
    """A school, VET provider, employer or university a programme works with."""

    audit_subject = "partner"

    class Kind(models.TextChoices):
        PRIMARY_SCHOOL = "primary_school", _("Primary school")
        SECONDARY_SCHOOL = "secondary_school", _("Secondary school")
        VET_PROVIDER = "vet_provider", _("VET provider")
        # The company that trains a programme's apprentices (VerA's and AFEV's partners), not
        # anyone's employer in general: German "Ausbildungsbetrieb", Dutch "leerbedrijf" (the word
        # of the Dutch apprenticeship route, BBL, and understood in Flanders' "duaal leren"),
        # French "employeur", the word of the apprenticeship contract ("entreprise
        # d'apprentissage" is not said). A contact person's or volunteer's employer stays plain
        # "Employer" / "School or employer" (Arbeitgeber, werkgever, employeur). The learner's
        # page (intake) uses the same context.
        EMPLOYER = "employer", pgettext_lazy("company training an apprentice", "Employer")
        UNIVERSITY = "university", _("University or college")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="partners", verbose_name=_("programme")
    )
    site = models.ForeignKey(
        Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="partners",
        verbose_name=_("site"),
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    city = models.CharField(_("city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Person(Versioned):
    """Someone an organisation knows; may or may not have a log-in.

    Data minimisation: only what running a programme needs. The date of birth is there because
    guardian consent depends on age; special-category data does not live here.
    """

    audit_subject = "person"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="people",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="persons", verbose_name=_("log-in"),
    )
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"), null=True, blank=True, validators=[validate_date_of_birth]
    )
    language = models.CharField(
        _("preferred language"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    postcode = models.CharField(_("postcode"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    created = models.DateTimeField(_("added"), auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Set when the person was erased (on request or by the retention rules): every detail is
    # gone and the row stays only so that counts and other people's records stay right.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    privacy = Personal(
        title=_("personal details"),  # plain words for its section in an access request
        whose="", categories=(Category.CONTACT, Category.CHILD), basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Who takes part in a programme and how to reach them; the date of birth decides "
                  "whether a guardian must consent, the postcode and town where they are placed "
                  "on the map."),
        retention=WithPerson(),
        export=("given_name", "family_name", "email", "phone", "date_of_birth", "language",
                "postcode", "city", "created"),
        erase=Anonymise(given_name="", family_name="", email="", phone="", date_of_birth=None,
                        postcode="", city="", user=None),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ("family_name", "given_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "user"), condition=Q(user__isnull=False),
                name="one_person_per_user_per_org",
                violation_error_message=_(
                    "This log-in is already linked to someone else in the organisation."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Erased person"))
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", _("Organisation admin")
    COORDINATOR = "coordinator", _("Coordinator")
    MENTOR = "mentor", _("Mentor")
    LEARNER = "learner", _("Learner")
    GUARDIAN = "guardian", _("Guardian")
    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER_CONTACT = "partner_contact", _("Partner contact")
    OBSERVER = "observer", _("Observer")


class Membership(models.Model):
    """A person's role in a programme. Organisation admins hold their role on every programme
    of their organisation, so their membership has no programme."""

    audit_subject = "membership"

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
        verbose_name=_("programme"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    institution = models.ForeignKey(
        PartnerInstitution, on_delete=models.CASCADE, null=True, blank=True,
        related_name="memberships", verbose_name=_("institution"),
        help_text=_("For partner contacts and supervisors: the school or employer they work for."),
    )
    created = models.DateTimeField(_("since"), auto_now_add=True)

    privacy = Personal(
        title=_("roles in the programme"),  # plain words for its section in an access request
        whose="person", categories=Category.CONTACT, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("The person's roles in the organisation's programmes."),
        retention=WithPerson(), export=("programme", "role", "institution", "created"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=("person", "programme", "role"), condition=Q(programme__isnull=False),
                name="one_role_per_person_per_programme",
                violation_error_message=_("This person already has this role in the programme."),
            ),
            models.UniqueConstraint(
                fields=("person", "role"), condition=Q(programme__isnull=True),
                name="one_org_role_per_person",
                violation_error_message=_("This person already has this role."),
            ),
            models.CheckConstraint(
                condition=(Q(role="org_admin") & Q(programme__isnull=True))
                | (~Q(role="org_admin") & Q(programme__isnull=False)),
                name="org_admin_has_no_programme",
                violation_error_message=_(
                    "Organisation admins hold their role in the organisation, every other role "
                    "in a programme."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class StateChange(models.Model):
    """One step of a lifecycle: who moved it, when, and why. Each domain's history model
    (volunteers, learners) adds the link to its record and the from/to states with its choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    # A reason someone typed, or the code of a reason the system gave (see ``Because``).
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ("-at", "-pk")

    def get_reason_display(self) -> str:
        return reason_text(self.reason)


@reasons
class Because(models.TextChoices):
    """Reasons the system records, as codes, for steps nobody typed a reason for (each app adds
    its own, e.g. ``intake.models.LearnerReason``)."""

    IMPORTED = "imported", _("Imported from a file")
    DEMO_DATA = "demo_data", _("Demo data")


class GuardianLink(models.Model):
    """Who is a minor learner's parent or legal guardian."""

    learner = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="guardian_links", verbose_name=_("learner")
    )
    guardian = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="ward_links", verbose_name=_("guardian")
    )
    relationship = models.CharField(_("relationship"), max_length=60, blank=True)

    privacy = Personal(
        whose=(Link("learner", label=_("as a child"), export=("guardian", "relationship")),
               Link("guardian", label=_("as a guardian"), export=("learner", "relationship"))),
        categories=(Category.CHILD, Category.CONTACT), basis=Basis.LEGAL_OBLIGATION,
        purpose=_("Who holds parental responsibility for a child and may consent for them "
                  "(GDPR art. 8)."),
        retention=WithPerson(), erase=Delete(),
    )

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(
                fields=("learner", "guardian"), name="unique_guardian_link",
                violation_error_message=_("This guardian is already linked to the learner."),
            ),
            models.CheckConstraint(
                condition=~Q(learner=models.F("guardian")), name="guardian_is_not_learner",
                violation_error_message=_("A learner cannot be their own guardian."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.learner}"


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _default_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class Invitation(models.Model):
    """An e-mailed invitation to join a programme in a role. The token is the only secret; it
    expires, and it works once."""

    audit_subject = "invitation"

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="invitations",
        verbose_name=_("programme"),
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations",
        verbose_name=_("person"),
    )
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=LANGUAGE_CHOICES, default="en"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"), default=_default_expiry)
    accepted = models.DateTimeField(pgettext_lazy("an invitation", "accepted"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    privacy = Personal(
        whose=("person", Link(find=lambda subject: _invitations_to(subject), label=_("sent to their "
                                                                                 "address"))),
        categories=Category.CONTACT, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("An invitation e-mailed to join a programme in a role."),
        retention=(WithPerson(), Days(field="expires", days=180)),
        export=("programme", "email", "role", "language", "created", "expires", "accepted",
                "revoked"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.email} → {self.programme} ({self.get_role_display()})"

    @property
    def is_usable(self) -> bool:
        return self.accepted is None and self.revoked is None and self.expires > timezone.now()

    def get_accept_url(self) -> str:
        return reverse("core:invitation_accept", kwargs={"token": self.token})


def _invitations_to(subject: Any) -> models.QuerySet[Invitation]:
    """Invitations to the subject's addresses, also those nobody accepted (no person yet)."""
    if subject.person is None or not subject.emails:
        return Invitation.objects.none()
    return Invitation.objects.filter(
        programme__organisation_id=subject.person.organisation_id, email__in=subject.emails
    )


class AuditEvent(models.Model):
    """Who did what to whose data, and when. Written by services, never by signals, so every
    entry carries the acting user and the reason."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        DELETED = "deleted", _("deleted")
        ROLE_GRANTED = "role_granted", _("role granted")
        ROLE_REVOKED = "role_revoked", _("role revoked")
        INVITED = "invited", _("invited")
        INVITATION_ACCEPTED = "invitation_accepted", _("invitation accepted")
        VIEWED = "viewed", _("viewed")
        EXPORTED = "exported", _("data exported")
        ERASED = "erased", _("erased")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="audit_events"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events",
        verbose_name=_("programme"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events",
        help_text=_("Whose data this event is about."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("by"),
    )
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    subject = models.CharField(
        _("about"), max_length=200, help_text="What was acted on, e.g. 'person:12'."
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    # Opening a record and exporting someone's data: "who saw what".
    ACCESS = ("viewed", "exported")

    privacy = Personal(
        title=_("activity log"),  # plain words for its section in an access request
        whose=(
            Link("person", label=_("history of their record"), when=~Q(action__in=ACCESS)),
            Link("person", label=_("who opened their record"), when=Q(action__in=ACCESS),
                 export=("at", "action", "programme", "actor", "subject")),
            Link("actor", label=_("what they did"), export=("at", "action", "programme", "subject"),
                 erase=Keep()),
        ),
        categories=Category.ACTIVITY, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Accountability (GDPR art. 5(2)): who changed or opened whose record, when."),
        retention=(WithPerson(), Age(period=Period.ACCESS_LOG, field="at",
                                     when=Q(action__in=ACCESS))),
        export=("at", "action", "programme", "actor", "subject", "changes", "note"),
        erase=Delete(), mentions=("changes", "note"), organisation="organisation",
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("person", "-at"))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject}"


class ImportBatch(models.Model):
    """An uploaded file between its preview and the coordinator's confirmation.

    Confirmed once (``applied``, set by one conditional UPDATE) or, if never confirmed, expired
    after ``IMPORT_BATCH_VALID_HOURS`` by ``manage.py expire_import_batches``; either way the
    stored file is wiped and only the summary stays.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(_("kind"), max_length=40)  # which ImportSpec, e.g. "volunteers"
    filename = models.CharField(_("file name"), max_length=200)
    content = models.BinaryField(blank=True)  # wiped once applied
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied = models.DateTimeField(_("imported"), null=True, blank=True)
    expired = models.DateTimeField(null=True, blank=True)  # never confirmed; content wiped
    summary = models.JSONField(default=dict, blank=True)

    privacy = Personal(
        whose=Link("created_by", erase=Keep()), categories=Category.CONTACT,
        basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A file being imported, kept until it is confirmed: the file itself is wiped "
                  "once imported or when it was not confirmed in time."),
        retention=Days(field="created", days=24, setting="IMPORT_BATCH_VALID_HOURS", unit="hours",
                       when=Q(applied__isnull=True, expired__isnull=True),
                       erase=Anonymise(content=b"", expired=lambda row: timezone.now())),
        export=("kind", "filename", "created", "applied"), erase=Keep(),
        organisation="programme__organisation",
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.kind}: {self.filename}"


class MailLimit(models.Model):
    """When an address was last e-mailed for a purpose a stranger can trigger (a guardian's
    consent request typed into a public form): at most once a day. The address is kept only as
    a SHA-256 digest, and the row only for a week (``tandem.core.ratelimit.mail_once_per``)."""

    purpose = models.CharField(_("purpose"), max_length=40)
    address_hash = models.CharField(max_length=64)
    last_sent = models.DateTimeField(_("last sent"))

    privacy = Personal(
        whose=Link(find=lambda subject: _mail_limits_of(subject)), categories=Category.CONTACT,
        basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("When an address was last e-mailed for something a stranger can ask for; the "
                  "address only as a digest."),
        retention=Days(field="last_sent", days=7), export=("purpose", "last_sent"),
        erase=Delete(),
    )

    class Meta:
        verbose_name = _("e-mail limit")
        verbose_name_plural = _("e-mail limits")
        constraints = [
            models.UniqueConstraint(
                fields=("purpose", "address_hash"), name="one_mail_limit_per_address",
                violation_error_message=_("This address was already e-mailed for this."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.address_hash[:8]}… {self.last_sent:%Y-%m-%d %H:%M}"


def _mail_limits_of(subject: Any) -> models.QuerySet[MailLimit]:
    from tandem.core.ratelimit import digest

    return MailLimit.objects.filter(address_hash__in=[digest(e) for e in subject.emails])


class FormSubmission(models.Model):
    """A create form's one-time token, claimed when the form is saved: the same form sent twice
    (a double click, a reload that re-posts) creates one record, and the second post is sent to
    the first one's result page (``tandem.core.once``). Rows are kept for a day."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    result_url = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    privacy = Personal(
        whose="user", categories=Category.ACTIVITY, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A form's one-time token, so that a double click saves once."),
        retention=Days(field="created", days=1), export=("created",), erase=Delete(),
    )

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.token[:8]}… → {self.result_url}"
class PostalCode(models.Model):
    """One row of a GeoNames postal-code file an installation loaded (``manage.py load_postcodes``).

    Optional: the places built into Tandem already cover every town of Belgium, the Netherlands,
    Germany and France and their postcodes as GeoNames publishes them; this table holds a fuller
    file (the Netherlands' six-character postcodes, other countries) and wins when it has a row.
    """

    country = models.CharField(_("country"), max_length=2)
    code = models.CharField(_("postcode"), max_length=20)  # upper case, without spaces
    place = models.CharField(pgettext_lazy("a town", "place"), max_length=180, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        indexes = [models.Index(fields=("country", "code"), name="postalcode_lookup")]

    def __str__(self) -> str:
        return f"{self.country} {self.code} {self.place}"


class LoginEvent(models.Model):
    """One log-in or failed attempt on a user's account, shown to the user on their account page.

    Personal data: the address is stored shortened (IPv4 to its /24 network, IPv6 to its /48),
    enough to recognise "my home connection" but not to single out a device; the browser's
    description is cut to 300 characters. Kept ``LOGIN_HISTORY_DAYS`` days.
    """

    class Outcome(models.TextChoices):
        LOGGED_IN = "logged_in", _("Logged in")
        WRONG_PASSWORD = "wrong_password", _("Wrong password")
        WRONG_CODE = "wrong_code", _("Wrong second-factor code")
        LOCKED = "locked", _("Refused: too many failed attempts")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events",
        verbose_name=_("log-in"),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    method = models.CharField(
        _("method"), max_length=60, blank=True,
        help_text="How the user proved who they are, e.g. 'password+totp' or 'invitation'.",
    )
    ip_network = models.CharField(_("network"), max_length=50, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    privacy = Personal(
        title=_("sign-ins"),  # plain words for its section in an access request
        whose="user", categories=Category.ACCOUNT, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("Recent log-ins and failed attempts, shown to the user to spot misuse."),
        retention=Days(field="at", days=90, setting="LOGIN_HISTORY_DAYS"),
        export=("at", "outcome", "method", "ip_network", "user_agent"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("log-in event")
        verbose_name_plural = _("log-in events")
        ordering = ("-at", "-pk")
        indexes = [models.Index(fields=("user", "-at"))]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.outcome}"


class CalendarFeed(models.Model):
    """A user's private calendar link (``/calendar/<token>.ics``, ``tandem.core.calendar``).

    Only the SHA-256 digest of the token is stored, so the link is shown once, when it is made;
    a new link replaces the old one (one per user), and stopping it deletes the row. Personal
    data: which user has a link, when it was made and when a calendar app last read it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed",
        verbose_name=_("log-in"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("made on"), default=timezone.now)
    last_read = models.DateTimeField(_("last read by a calendar app"), null=True, blank=True)

    privacy = Personal(
        whose="user", categories=Category.ACCOUNT, basis=Basis.LEGITIMATE_INTERESTS,
        purpose=_("A user's private calendar link: only a digest of it, when it was made and when "
                  "a calendar app last read it."),
        retention=WithPerson(), export=("created", "last_read"), erase=Delete(),
    )

    class Meta:
        verbose_name = _("calendar link")
        verbose_name_plural = _("calendar links")

    def __str__(self) -> str:
        return f"{self.user_id} {self.token_hash[:8]}…"


class PeriodicJobRun(models.Model):
    """When each periodic job (``tandem.core.periodic``) last started and how it ended. The row
    is also the job's lease: a scheduler claims a due job by moving ``lease_until`` forward in one
    conditional update, so two schedulers that overlap never run the same job twice. No
    personal data."""

    name = models.CharField(max_length=100, unique=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=10, blank=True)  # "ok" or "failed"
    last_result = models.CharField(max_length=200, blank=True)  # counts, an exception's type
    lease_until = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} ({self.last_status or 'never run'})"
