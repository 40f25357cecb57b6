"""An access request's answer (GDPR art. 15): everything the registry finds about a person.

One document, drawn twice: as JSON (field names and stored values, for machines and for the
person's next provider) and as a PDF (labels and values in words, in the person's language).
Every registered model is asked through every link (``tandem.core.privacy``); a model added
later is in the export as soon as it is registered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import formats, timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst

from tandem.core.history import audit_changes, field_key, hidden, yes_no
from tandem.core.models import AuditEvent, Person, User
from tandem.core.privacy import Category, Link, Personal, Subject, registry, rows
from tandem.core.text import label_value, semicolons

FORMAT = "tandem-personal-data/1"

# Who the person is comes first; the machinery (sessions, queued e-mails) last.
FIRST = ("core.Person", "core.User")
LAST = ("sessions.Session", "django_tasks_database.DBTaskResult")


@dataclass
class Section:
    model: str
    title: str
    organisation: str
    purpose: str
    basis: str
    retention: str
    categories: list[str]
    fields: list[tuple[str, str]]  # (name, label)
    erase: str = "delete"  # what erasing the person does to these rows: delete, anonymise, keep
    rows: list[dict[str, Any]] = field(default_factory=list)  # stored values, JSON-safe
    words: list[list[tuple[str, str]]] = field(default_factory=list)  # (label, value in words)

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model, "title": self.title, "organisation": self.organisation,
            "purpose": self.purpose, "legal_basis": self.basis, "kept": self.retention,
            "categories": self.categories, "fields": dict(self.fields), "rows": self.rows,
        }


def _ordered() -> list[tuple[type[models.Model], Personal]]:
    def rank(item: tuple[type[models.Model], Personal]) -> int:
        label = item[0]._meta.label
        if label in FIRST:
            return FIRST.index(label)
        return 99 if label in LAST else 10

    return sorted(registry(), key=rank)


def json_value(value: Any) -> Any:
    """A stored value as JSON: related rows by their name, dates in ISO 8601."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None  # files are never in the JSON; they come as files
    return value


def _label(model: type[models.Model], declared: Personal, name: str) -> str:
    if name in declared.labels:
        return capfirst(str(declared.labels[name]))
    return capfirst(str(field_key(model, name).label))


def _subject_words(subject: str) -> str:
    from tandem.core.history import _subjects

    kind, _sep, pk = subject.partition(":")
    model = _subjects().get(kind)
    return f"{capfirst(str(model._meta.verbose_name))} {pk}" if model is not None else subject


def _words(model: type[models.Model], name: str, value: Any, row: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    # A model whose stored values need the row to read (a questionnaire's answers: its questions
    # are the wave's instrument's) says so with ``export_words(name, value)``; None falls through.
    own = getattr(row, "export_words", None)
    if own is not None and (text := own(name, value)) is not None:
        return str(text)
    if isinstance(row, AuditEvent) and name == "changes":
        return semicolons(label_value(c.label, f"{c.old or '—'} → {c.new or '—'}") for c in audit_changes(row))
    if isinstance(row, AuditEvent) and name == "subject":
        return _subject_words(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return semicolons(label_value(key, _words(model, key, item, None)) for key, item in value.items())
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "DATE_FORMAT")
    if isinstance(value, bool):
        return yes_no(value)
    show = field_key(model, name).show
    if show is hidden:
        return str(value)  # hidden in the audit log, but this is the person's own data
    try:
        return show(value)
    except (TypeError, ValueError, KeyError):
        return str(value)


def _title(model: type[models.Model], declared: Personal, link: Link) -> str:
    title = capfirst(str(declared.title or model._meta.verbose_name_plural))
    if link.label and len(declared.links) > 1:
        return f"{title} — {link.label}"
    return title


def sections(subject: Subject, *, self_service: bool) -> list[Section]:
    """Every registered model's rows about ``subject``, one section per model and link."""
    organisation = subject.person.organisation.name if subject.person is not None else ""
    found: list[Section] = []
    for model, declared in _ordered():
        if self_service and declared.staff_only is True:
            continue
        for link in declared.links:
            names = declared.export_fields(link, self_service=self_service)
            if not names:
                continue
            objects = list(rows(model, link, subject))
            if not objects:
                continue
            section = Section(
                model=model._meta.label_lower, title=_title(model, declared, link),
                organisation=organisation, purpose=str(declared.purpose),
                basis=str(declared.basis.label),
                retention=semicolons(rule.describe() for rule in declared.retention_rules),
                categories=[str(Category(c).label) for c in declared.category_list],
                fields=[(name, _label(model, declared, name)) for name in names],
                erase=type(declared.erasure(link)).__name__.lower(),
            )
            for obj in objects:
                values = {name: getattr(obj, name) for name in names}
                section.rows.append({name: json_value(v) for name, v in values.items()})
                section.words.append([(label, _words(model, name, values[name], obj))
                                      for name, label in section.fields])
            found.append(section)
    return found


@dataclass
class Export:
    """An access request's answer, ready to be written as JSON or PDF."""

    name: str
    language: str
    made_at: datetime
    sections: list[Section]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT, "name": self.name, "language": self.language,
            "made_at": timezone.localtime(self.made_at).isoformat(),
            "sections": [section.as_json() for section in self.sections],
        }


def person_export(person: Person, *, language: str | None = None) -> Export:
    """What the person's organisation holds about them (the coordinator's answer: everything,
    notes and special-category data included), in their language."""
    language = language or person.language or "en"
    with translation.override(language):
        return Export(name=person.full_name, language=language, made_at=timezone.now(),
                      sections=sections(Subject.of_person(person), self_service=False))


def account_export(user: User, *, language: str) -> Export:
    """What Tandem holds about a signed-in user: their log-in, and what each organisation they
    take part in holds — without the coordinators' notes and special-category data, which a
    coordinator gives on request (``Personal.staff_only``)."""
    with translation.override(language):
        found = sections(Subject.of_user(user), self_service=True)
        for person in Person.objects.filter(user=user, erased_at__isnull=True).select_related(
                "organisation"):
            found += sections(Subject.of_person(person, with_account=False), self_service=True)
        return Export(name=user.full_name or user.email, language=language,
                      made_at=timezone.now(), sections=found)
