"""Audit entries and state changes in the reader's words.

**Codes stored, words rendered.** An audit entry keeps ``{field: [old, new]}`` with field names
and stored values (state codes, ISO dates, choice values); a state change or an audit note made
by the system keeps a reason *code*. Nothing is stored in the language of whoever happened to
trigger it. This module turns them into words when a page is drawn, in the reader's language and
time zone: the field's ``verbose_name``, a choice's label, a local date, "yes" or "no".

How a model takes part (see docs/architecture.md, "Audit"):

* ``audit_subject = "volunteer"`` on the model: its audit entries have the subject
  ``"volunteer:<pk>"``, and their keys are looked up among the model's fields;
* ``audit_keys = {"key": Key(label, show)}`` for keys that are not fields ("training_certificate")
  and for fields whose stored values need a vocabulary (a JSON list of slot codes);
* reasons the system writes are a ``TextChoices`` decorated with :func:`reasons`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

Show = Callable[[Any], str]

# --- how a stored value reads ------------------------------------------------------------------


def text(value: Any) -> str:
    """User data (a name, a title): shown as it was entered."""
    return str(value)


def yes_no(value: Any) -> str:
    return _("yes") if value else _("no")


def number(value: Any) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    try:
        return formats.number_format(value, use_l10n=True)
    except (TypeError, ValueError):
        return str(value)


def as_date(value: Any) -> str:
    day = value if isinstance(value, date) else parse_date(str(value)[:10])
    if day is None:
        return str(value)
    return formats.date_format(day, "DATE_FORMAT")


def as_datetime(value: Any) -> str:
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        return as_date(value)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def choice(labels: Iterable[tuple[Any, Any]]) -> Show:
    """A stored choice shown by its label; ``labels`` is a ``TextChoices.choices`` list."""
    table = dict(labels)

    def show(value: Any) -> str:
        return str(table.get(value, value))

    return show


def each(show: Show) -> Show:
    """A list of codes, each shown by ``show``."""

    def show_all(values: Any) -> str:
        if not isinstance(values, list | tuple):
            return show(values)
        return ", ".join(show(v) for v in values) if values else "—"

    return show_all


def language_name(code: str) -> str:
    """A language code ("tr") as the language's name in the reader's language ("Turks"), from
    CLDR (``tandem.core.languages``)."""
    from tandem.core.languages import language_name as cldr_name

    return cldr_name(code)


def slot_label(code: str) -> str:
    """An availability slot ("tue-afternoon") as words ("Tuesday afternoon")."""
    from tandem.core.availability import slot_label as label

    return label(code)


def hidden(value: Any) -> str:
    """Values the log must not repeat (notes, special-category data): only that they changed."""
    return "…"


@dataclass(frozen=True)
class Key:
    """What an audited key is called, and how its values read."""

    label: Promise | str
    show: Show = text


# --- reasons -------------------------------------------------------------------------------------

_REASONS: dict[str, Promise | str] = {}


def reasons[C: type[models.TextChoices]](cls: C) -> C:
    """Register the reasons a ``TextChoices`` names, so a stored code reads as its label."""
    for value, label in cls.choices:  # type: ignore[misc]
        if _REASONS.get(value, label) != label:
            raise ValueError(f"reason code {value!r} is registered twice with different words")
        _REASONS[value] = label
    return cls


def is_reason_code(value: str) -> bool:
    """Whether ``value`` is a reason the system wrote (a code), not text someone typed."""
    return value in _REASONS


def reason_text(value: str) -> str:
    """A reason as the reader reads it: a registered code by its label, anything a person
    typed as they typed it."""
    label = _REASONS.get(value)
    return str(label) if label is not None else value


# --- audit entries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    old: str | None  # None: the key had no value before (or there is no before)
    new: str | None  # None: the value was removed


@cache
def _subjects() -> dict[str, type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    for model in apps.get_models():
        kind = getattr(model, "audit_subject", None)
        if kind:
            if kind in found:
                raise ValueError(f"audit subject {kind!r} is declared by two models")
            found[kind] = model
    return found


def subject_kind(subject: str, *, group: bool = False) -> str:
    """What kind of record an audit entry is about ("match:12" -> "Match", "Tandem", "Koppel"),
    from the model's ``verbose_name``: the log says whether a change was made to the learner's
    record or to their match. Empty for a person (the entry names them already) and for a subject
    no model declares. In a group programme (``group``) a model's ``audit_group_kind``, if it has
    one, names it instead: a match there is a place in a learning community (docs/matches.md)."""
    kind = subject.partition(":")[0]
    model = _subjects().get(kind)
    if model is None or kind == "person":
        return ""
    label = getattr(model, "audit_group_kind", None) if group else None
    return capfirst(str(label or model._meta.verbose_name))


def _show_for(field: models.Field[Any, Any]) -> Show:
    if field.choices:
        return choice(field.flatchoices)
    if isinstance(field, models.BooleanField):
        return yes_no
    if isinstance(field, models.DateTimeField):
        return as_datetime
    if isinstance(field, models.DateField):
        return as_date
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        return number
    return text


def audit_key(subject: str, key: str) -> Key:
    """What the key of an audit entry about ``subject`` ("volunteer:12") is called and how its
    values read. A key nobody declared is shown as stored (and fails the every-page test)."""
    model = _subjects().get(subject.partition(":")[0])
    if model is None:
        return Key(key)
    return field_key(model, key)


def field_key(model: type[models.Model], key: str) -> Key:
    """What ``model``'s field (or declared ``audit_keys`` key) ``key`` is called and how its
    values read: the audit log, and the export of a person's data, read fields alike."""
    declared: Mapping[str, Key] = getattr(model, "audit_keys", {})
    found = declared.get(key)
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, models.Field):
        return found or Key(key)
    if found is None:
        if field.is_relation:
            return Key(field.verbose_name, text)
        return Key(field.verbose_name, _show_for(field))
    return found if found.label else Key(field.verbose_name, found.show)


def _value(show: Show, value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return yes_no(value)
    return show(value) if value != "" else "—"


def audit_changes(event: Any) -> list[Change]:
    """The changes of an ``AuditEvent`` as rows of words, in the active language."""
    rows = []
    for key, pair in (event.changes or {}).items():
        found = audit_key(event.subject, key)
        old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
        rows.append(Change(label=capfirst(str(found.label)), old=_value(found.show, old),
                           new=_value(found.show, new)))
    return rows
