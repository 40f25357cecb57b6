"""The privacy registry: what personal data Tandem holds, whose it is, and what happens to it.

Every model that holds personal data says so next to its fields, in a ``privacy`` class
attribute::

    class Entry(models.Model):
        privacy = Personal(
            whose="match__learner__person",      # the ORM path to the Person (or User) it is about
            categories=Category.FREE_TEXT,
            basis=Basis.CONSENT,
            purpose=_("The mentor's notes on each meeting."),
            retention=AfterEnd(Period.FREE_TEXT),
            export=("written_on", "text"),
            erase=Anonymise(text=""),
        )

A model that is linked to people but holds nothing about them says ``privacy = NotPersonal(
"why")``. Models of other packages (allauth, django-tasks-db, sessions) are declared with
:func:`register` at the end of this module. ``tandem/core/tests/test_privacy_registry.py`` fails
when a model with a link to a person, a file field or a free-text field is not declared, or when
a declaration names a field or a path that does not exist.

The privacy app (``tandem/privacy``) does the rest over this registry: the access-request export
(JSON and PDF), erasure, retention (``manage.py apply_retention``) and the generated table in
``docs/privacy.md`` (``manage.py privacy_table``).

Nothing here imports a model at module level: ``core.models`` itself uses these classes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from tandem.core.models import Person, User

# --- What kind of data, on what basis -----------------------------------------------------------


class Category(models.TextChoices):
    CONTACT = "contact", _("Identity and contact details")
    CHILD = "child", _("Data about a child")
    SPECIAL = "special", _("Special-category data (GDPR art. 9)")
    SAFEGUARDING = "safeguarding", _("Criminal-record check")
    FINANCIAL = "financial", _("Financial data")
    FREE_TEXT = "free_text", _("Free text")
    ACCOUNT = "account", _("Log-in and security")
    ACTIVITY = "activity", _("Activity and history")


class Basis(models.TextChoices):
    CONSENT = "consent", _("Consent (GDPR art. 6(1)(a))")
    GUARDIAN_CONSENT = "guardian_consent", _(
        "Consent, given by a guardian for a child (GDPR art. 6(1)(a) and art. 8)"
    )
    EXPLICIT_CONSENT = "explicit_consent", _("Explicit consent (GDPR art. 9(2)(a))")
    AGREEMENT = "agreement", _("The volunteering agreement (GDPR art. 6(1)(b))")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation (GDPR art. 6(1)(c))")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (GDPR art. 6(1)(f))")


class Period(models.TextChoices):
    """The retention periods a programme sets, in months (``Programme.requirements``, keys
    ``retention_<period>_months``; defaults in ``tandem.core.requirements.DEFAULTS``)."""

    APPLICANTS = "applicants", _("Applicants not accepted")
    VOLUNTEERS = "volunteers", _("Former volunteers")
    LEARNERS = "learners", _("Former learners (outcome follow-up)")
    CERTIFICATE = "certificate", _("Criminal-record check status")
    SPECIAL_CATEGORY = "special_category", _("Special-category data")
    FREE_TEXT = "free_text", _("Notes and other free text")
    ACCESS_LOG = "access_log", _("Who opened a record")


PERIOD_MAX_MONTHS = 120


def period_key(period: str) -> str:
    """The programme requirement holding the period, in months (defaults in
    ``tandem.core.requirements.DEFAULTS``: applicants 6, volunteers and learners 24, the
    criminal-record check and special-category data 0 — until the participation ends —, free
    text 12, the access log 24)."""
    return f"retention_{period}_months"


def period_months(programme: Any, period: str) -> int:
    return int(programme.requirement(period_key(period)))


def period_default(period: str) -> int:
    from tandem.core.requirements import DEFAULTS

    return int(DEFAULTS[period_key(period)])


# --- How rows are erased ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delete:
    """The rows are deleted (and their files, from storage)."""


class Anonymise:
    """The named fields are overwritten (with a value, or a function of the row giving it); the
    row stays, so counts and other people's records that point at it stay right."""

    def __init__(self, **values: Any) -> None:
        self.values: Mapping[str, Any] = values

    def __repr__(self) -> str:
        return f"Anonymise({', '.join(self.values)})"


@dataclass(frozen=True)
class Keep:
    """The row stays as it is: once the person is anonymised nothing in it identifies them
    (a workshop attendance, a proposal's score) and it is counted in the programme's figures."""


EraseRule = Delete | Anonymise | Keep


# --- How long rows are kept ---------------------------------------------------------------------


@dataclass(frozen=True)
class WithPerson:
    """Kept while the person takes part; erased when their participation record (or they) are."""

    def describe(self) -> str:
        return str(_("while the person takes part; erased with their record"))


@dataclass(frozen=True)
class AfterEnd:
    """``period`` months after the participation record it hangs on ended, the ``fields`` are
    cleared (no fields: the row is erased as its declaration says)."""

    period: str
    fields: tuple[str, ...] = ()

    def describe(self) -> str:
        return str(_("sooner: the programme's period “%(period)s” after the participation "
                     "ended")) % {"period": Period(self.period).label}


@dataclass(frozen=True)
class Days:
    """Deleted (or erased as ``erase`` says) ``days`` after the date in ``field``; ``setting``
    names the Django setting that overrides the number (in ``unit``)."""

    field: str
    days: int = 0
    setting: str = ""
    unit: str = "days"  # or "hours"
    when: Q | None = None
    erase: EraseRule | None = None

    def amount(self) -> int:
        from django.conf import settings

        return int(getattr(settings, self.setting, self.days)) if self.setting else self.days

    def describe(self) -> str:
        from django.utils.translation import ngettext

        from tandem.core.text import grouped

        n = self.amount()
        if self.unit == "hours":
            return ngettext("%(n)s hour", "%(n)s hours", n) % {"n": grouped(n)}
        return ngettext("%(n)s day", "%(n)s days", n) % {"n": grouped(n)}


@dataclass(frozen=True)
class Age:
    """Per programme: deleted ``period`` months after the date in ``field`` (the model needs a
    ``programme``)."""

    period: str
    field: str
    when: Q | None = None

    def describe(self) -> str:
        return str(_("the programme's period “%(period)s” after the event")) % {
            "period": Period(self.period).label}


@dataclass(frozen=True)
class Kept:
    """Kept as long as the organisation is: proof that something was done (an erasure), with
    nothing identifying left in it."""

    def describe(self) -> str:
        return str(_("kept as proof, with nothing identifying left in it"))


Retention = WithPerson | AfterEnd | Days | Age | Kept


@dataclass(frozen=True)
class Record:
    """The model is a person's participation in a programme (a volunteer, a learner). It ends in
    one of ``ended``'s states; the mapped period then runs from the last state change (``at`` of
    the rows in ``transitions``). ``role`` is the membership that goes with it."""

    role: str
    ended: Mapping[str, str]
    transitions: str = "transitions"
    state_field: str = "state"


# --- Whose data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """Whose data is exported or erased: a person of one organisation and, when the
    organisation may see it, their log-in."""

    person: Person | None
    user: User | None
    emails: tuple[str, ...] = ()

    @classmethod
    def of_person(cls, person: Person, *, with_account: bool | None = None) -> Subject:
        """``person``; their log-in too unless it is shared with another organisation's person
        (then that log-in is not this organisation's to show or erase)."""
        from allauth.account.models import EmailAddress

        from tandem.core.models import Person as PersonModel

        user = person.user
        if user is not None and with_account is None:
            with_account = not PersonModel.objects.filter(user=user).exclude(pk=person.pk).exists()
        if not with_account:
            user = None
        emails = {person.email.strip().lower()} if person.email else set()
        if user is not None:
            emails.add(user.email.lower())
            emails.update(e.lower() for e in EmailAddress.objects.filter(user=user).values_list(
                "email", flat=True))
        return cls(person=person, user=user, emails=tuple(sorted(e for e in emails if e)))

    @classmethod
    def of_user(cls, user: User) -> Subject:
        """A log-in on its own: the account's data, without any organisation's person."""
        from allauth.account.models import EmailAddress

        emails = {user.email.lower(), *(e.lower() for e in EmailAddress.objects.filter(
            user=user).values_list("email", flat=True))}
        return cls(person=None, user=user, emails=tuple(sorted(emails)))

    def identifying_values(self) -> list[str]:
        """What names the subject in someone else's text: their full name (either way round),
        e-mail addresses and phone number. A given name on its own is not enough to tell them
        from a namesake, so it is not looked for there."""
        values: set[str] = set(self.emails)
        if self.person is not None:
            given, family = self.person.given_name.strip(), self.person.family_name.strip()
            if given and family:
                values.update({f"{given} {family}", f"{family} {given}", f"{family}, {given}"})
            if len(re.sub(r"\D", "", self.person.phone)) >= 6:
                values.add(self.person.phone.strip())
        if self.user is not None and " " in self.user.full_name.strip():
            values.add(self.user.full_name.strip())
        return sorted(values, key=len, reverse=True)


Finder = Callable[[Subject], QuerySet[Any]]


@dataclass(frozen=True)
class Link:
    """How a model's rows are found for a person: an ORM ``path`` to ``core.Person`` or
    ``core.User`` ("" when the model is the person or the log-in itself), or a ``find``
    function for what no path reaches (an address stored as a digest, a queued e-mail).
    ``export``, ``erase`` and ``staff_only`` override the declaration's for rows found this
    way; ``when`` narrows them (the mentor's side of an exit survey)."""

    path: str = ""
    find: Finder | None = None
    label: Promise | str = ""
    export: tuple[str, ...] | None = None
    erase: EraseRule | None = None
    when: Q | None = None

    def __hash__(self) -> int:
        return hash((self.path, self.find, str(self.label)))


@dataclass(frozen=True)
class Personal:
    """What a model holds about people, declared next to it (see the module's docstring).

    ``whose`` is one path (``"person"``, ``"volunteer__person"``) or :class:`Link`, or several;
    ``export`` the fields an access request gives; ``erase`` what an erasure does to the rows
    (:class:`Delete`, :class:`Anonymise`, :class:`Keep`); ``retention`` one rule or several;
    ``staff_only`` the fields (or ``True``: the whole model) left out of the download people
    make themselves — the coordinator's answer to an access request has everything;
    ``mentions`` the text or JSON fields that may name *other* people, from which an erased
    person's name, e-mail address and phone number are removed; ``record`` marks a
    participation record (:class:`Record`); ``title`` and ``labels`` name a model of another
    package and its fields in the reader's language (``title`` also gives a model of ours plainer
    words than its verbose name where a parent or a child reads it: "activity log", not "audit
    events")."""

    whose: str | Link | tuple[str | Link, ...]
    categories: Category | tuple[Category, ...]
    basis: Basis
    purpose: Promise | str
    retention: Retention | tuple[Retention, ...]
    export: tuple[str, ...] = ()
    erase: EraseRule = Delete()
    staff_only: tuple[str, ...] | bool = ()
    mentions: tuple[str, ...] = ()
    record: Record | None = None
    # A section title (any model) and field labels (other packages) in the reader's language.
    title: Promise | str = ""
    labels: Mapping[str, Promise | str] = field(default_factory=dict)
    # Mentions in this model are looked for by given and family name too (queued e-mails).
    loose_mentions: bool = False
    # The path to the organisation, for rows found through a log-in: an organisation's
    # export shows only what was done in it.
    organisation: str = ""

    @property
    def links(self) -> tuple[Link, ...]:
        whose = self.whose if isinstance(self.whose, tuple) else (self.whose,)
        return tuple(w if isinstance(w, Link) else Link(path=w) for w in whose)

    @property
    def category_list(self) -> tuple[Category, ...]:
        return self.categories if isinstance(self.categories, tuple) else (self.categories,)

    @property
    def retention_rules(self) -> tuple[Retention, ...]:
        return self.retention if isinstance(self.retention, tuple) else (self.retention,)

    def export_fields(self, link: Link, *, self_service: bool) -> tuple[str, ...]:
        names = link.export if link.export is not None else self.export
        if self_service and isinstance(self.staff_only, tuple):
            names = tuple(n for n in names if n not in self.staff_only)
        return names

    def erasure(self, link: Link) -> EraseRule:
        return link.erase if link.erase is not None else self.erase


@dataclass(frozen=True)
class NotPersonal:
    """Linked to people, yet holding nothing about them (counts, settings); says why."""

    reason: str


Declaration = Personal | NotPersonal

_THIRD_PARTY: dict[str, Declaration] = {}


def register(label: str, declaration: Declaration) -> None:
    """Declare a model of another package (``"account.EmailAddress"``)."""
    _THIRD_PARTY[label] = declaration


def declaration(model: type[models.Model]) -> Declaration | None:
    found = model.__dict__.get("privacy")
    if isinstance(found, Personal | NotPersonal):
        return found
    return _THIRD_PARTY.get(model._meta.label)


@cache
def registry() -> tuple[tuple[type[models.Model], Personal], ...]:
    """Every model holding personal data with its declaration, in app order."""
    return tuple(
        (model, found) for model in apps.get_models()
        if isinstance(found := declaration(model), Personal)
    )


def personal(model: type[models.Model]) -> Personal:
    found = declaration(model)
    if not isinstance(found, Personal):
        raise LookupError(f"{model._meta.label} declares no personal data")
    return found


# --- Finding rows -------------------------------------------------------------------------------


def path_models(model: type[models.Model], path: str) -> list[tuple[str, type[models.Model]]]:
    """``[(prefix, model reached)]`` along ``path``: ``volunteer__person`` on ``Match`` gives
    ``[("volunteer", Volunteer), ("volunteer__person", Person)]``."""
    steps: list[tuple[str, type[models.Model]]] = []
    current: type[models.Model] = model
    prefix = ""
    for part in path.split("__") if path else []:
        related = current._meta.get_field(part).related_model
        if related is None or isinstance(related, str):
            raise ValueError(f"{model._meta.label}: {path!r} does not follow relations")
        current = related
        prefix = f"{prefix}__{part}" if prefix else part
        steps.append((prefix, current))
    return steps


def target(model: type[models.Model], link: Link) -> str:
    """``"person"`` or ``"user"``: what the link's path ends at."""
    from tandem.core.models import Person, User

    if link.find is not None:
        return "finder"
    steps = path_models(model, link.path)
    end = steps[-1][1] if steps else model
    if end is Person:
        return "person"
    if end is User:
        return "user"
    raise ValueError(f"{model._meta.label}: {link.path!r} ends at {end._meta.label}, not a person")


def rows(model: type[models.Model], link: Link, subject: Subject) -> QuerySet[Any]:
    """The rows of ``model`` that ``link`` finds for ``subject``."""
    manager = model._default_manager
    kind = target(model, link)
    if kind == "finder":
        assert link.find is not None
        found = link.find(subject)
    elif kind == "person":
        if subject.person is None:
            return manager.none()
        found = manager.filter(**{link.path or "pk": subject.person if link.path else subject.person.pk})
    else:
        if subject.user is None:
            return manager.none()
        found = manager.filter(**{link.path or "pk": subject.user if link.path else subject.user.pk})
        scope = getattr(declaration(model), "organisation", "")
        if scope and subject.person is not None:
            found = found.filter(**{scope: subject.person.organisation_id})
    if link.when is not None:
        found = found.filter(link.when)
    return found


def through_record(model: type[models.Model], link: Link,
                   record_model: type[models.Model]) -> str | None:
    """The path prefix by which ``link`` reaches ``record_model`` ("" when ``model`` is it);
    ``None`` when it does not pass through it."""
    if link.find is not None:
        return None
    if model is record_model:
        return ""
    for prefix, reached in path_models(model, link.path):
        if reached is record_model:
            return prefix
    return None


def record_models() -> list[tuple[type[models.Model], Personal, Record]]:
    return [(model, found, found.record) for model, found in registry() if found.record is not None]


# --- Removing a person's name from other people's text -----------------------------------------


def _escaped(value: str) -> str:
    """How ``value`` reads inside JSON stored with ASCII escapes (SQLite)."""
    return json.dumps(value)[1:-1]


def mention_filter(fields: Iterable[str], values: Iterable[str]) -> Q:
    found = Q()
    for name in fields:
        for value in values:
            found |= Q(**{f"{name}__icontains": value})
            if _escaped(value) != value:
                found |= Q(**{f"{name}__icontains": _escaped(value)})
    return found


REMOVED = "…"


def scrub(value: Any, values: Iterable[str]) -> Any:
    """``value`` (text, or JSON: lists and dicts of text) with every occurrence of ``values``
    (case-insensitively) replaced by an ellipsis."""
    patterns = [re.compile(re.escape(v), re.IGNORECASE) for v in values if v]
    return _scrub(value, patterns)


def _scrub(value: Any, patterns: list[re.Pattern[str]]) -> Any:
    if isinstance(value, str):
        for pattern in patterns:
            value = pattern.sub(REMOVED, value)
        return value
    if isinstance(value, list):
        return [_scrub(item, patterns) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, patterns) for key, item in value.items()}
    return value


def each_declared_model() -> Iterator[tuple[type[models.Model], Declaration | None]]:
    for model in apps.get_models():
        yield model, declaration(model)


# --- Models of other packages -------------------------------------------------------------------


def _sessions_of(subject: Subject) -> QuerySet[Any]:
    """Sessions signed in as the subject's log-in (the user id is inside the signed data)."""
    from django.contrib.sessions.models import Session

    if subject.user is None:
        return Session.objects.none()
    wanted = str(subject.user.pk)
    keys = [s.session_key for s in Session.objects.iterator()
            if str(s.get_decoded().get("_auth_user_id", "")) == wanted]
    return Session.objects.filter(session_key__in=keys)


def _tasks_about(subject: Subject) -> QuerySet[Any]:
    """Queued and finished background tasks (e-mails) whose arguments name the subject."""
    from django_tasks_db.models import DBTaskResult

    values = subject.identifying_values()
    if not values:
        return DBTaskResult.objects.none()
    return DBTaskResult.objects.filter(mention_filter(["args_kwargs"], set(values)))


register("account.EmailAddress", Personal(
    whose="user", categories=(Category.CONTACT, Category.ACCOUNT),
    basis=Basis.LEGITIMATE_INTERESTS,
    purpose=_("The log-in's e-mail addresses and whether they were confirmed."),
    retention=WithPerson(), export=("email", "verified", "primary"), erase=Delete(),
    title=_("E-mail addresses of the log-in"),
    labels={"email": _("e-mail address"), "verified": _("confirmed"), "primary": _("main address")},
))
register("account.EmailConfirmation", Personal(
    whose="email_address__user", categories=Category.ACCOUNT, basis=Basis.LEGITIMATE_INTERESTS,
    purpose=_("A link sent to confirm an e-mail address."),
    retention=WithPerson(), export=("created", "sent"), erase=Delete(),
    title=_("Address confirmations"), labels={"created": _("created"), "sent": _("sent")},
))
register("mfa.Authenticator", Personal(
    whose="user", categories=Category.ACCOUNT, basis=Basis.LEGITIMATE_INTERESTS,
    purpose=_("The second factor of a log-in (authenticator app, recovery codes, security "
              "keys); its secrets are never exported."),
    retention=WithPerson(), export=("type", "created_at", "last_used_at"), erase=Delete(),
    title=_("Second factors"),
    labels={"type": _("kind"), "created_at": _("added"), "last_used_at": _("last used")},
))
register("sessions.Session", Personal(
    whose=Link(find=_sessions_of), categories=Category.ACCOUNT, basis=Basis.LEGITIMATE_INTERESTS,
    purpose=_("Who is signed in in which browser."),
    retention=Days(field="expire_date", days=0), export=("expire_date",), erase=Delete(),
    title=_("Signed-in browsers"), labels={"expire_date": _("ends")},
))
register("django_tasks_database.DBTaskResult", Personal(
    whose=Link(find=_tasks_about), categories=(Category.CONTACT, Category.ACTIVITY),
    basis=Basis.LEGITIMATE_INTERESTS,
    purpose=_("E-mails waiting to be sent, and a record of sent ones for a few days."),
    retention=Days(field="finished_at", days=7, setting="TASK_RESULTS_KEEP_DAYS",
                   when=Q(finished_at__isnull=False)),
    export=("task_path", "status", "enqueued_at", "finished_at"), erase=Delete(),
    mentions=("args_kwargs", "return_value"), loose_mentions=True,
    title=_("E-mails to send and sent"),
    labels={"task_path": _("kind"), "status": _("status"), "enqueued_at": _("queued"),
            "finished_at": _("done")},
))
register("auth.Permission", NotPersonal("Django's permission names"))
register("auth.Group", NotPersonal("Django's permission groups (unused)"))
register("contenttypes.ContentType", NotPersonal("Django's model names"))


# --- Values for Anonymise -----------------------------------------------------------------------


def new_token(row: Any) -> str:
    """A fresh secret for a link column: the old link (in an old e-mail) stops working."""
    import secrets

    return secrets.token_urlsafe(32)


def reason_code_only(row: Any) -> str:
    """A state change's reason: a code the system wrote is kept, text someone typed is not."""
    from tandem.core.history import is_reason_code

    return row.reason if is_reason_code(row.reason) else ""
