"""No silent overwrite: one optimistic-concurrency mechanism for every edit form of every app.

A row people edit through a form is :class:`Versioned`: it carries a ``version`` number. The
pieces, each written once and used by every app:

- **the form** (:class:`VersionedFormMixin`) sends back, in a hidden field, the version the
  editor started from; the view passes it on as ``form.expected_version``;
- **the service** locks the row and compares (:func:`lock_for_edit`): when someone else saved
  it in between, it raises :class:`EditConflict` carrying the row as it is stored now, and
  nothing is written. Saving stores the next version (:func:`save_edit`, or :func:`apply_edit`
  for the common "set the fields, validate, diff, save" edit);
- **the view** saves through :func:`submit_edit`: on a conflict it shows the same form again
  with what the user typed, a table *saved meanwhile / your version* of every field that
  differs (``core/_conflict.html``, rendered by every app's form template), and the hidden
  version moved on to the stored one — so saving again keeps the user's version on purpose.

The lock is the row's own (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite lets one writer in at a
time), held until the transaction ends, so two saves of the same version cannot both pass the
comparison. Actions without typed values (reject a proposal, publish a round) use the same
:func:`lock_for_edit` and answer a conflict with a message instead of a form.

This module imports no model of Tandem's, so ``models`` modules can use :class:`Versioned`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD = "version"
_VERSION = re.compile(r"[0-9]{1,18}")  # ASCII digits only, like every id (core.inputs)


class Versioned(models.Model):
    """A row edited through forms: every save through a service stores the next version, and an
    edit started from an older version is refused (see the module's docstring)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True



class EditConflict(ValidationError):
    """Someone else saved the row since the editor loaded it. ``current`` is the row as stored
    now (``None`` when it is gone, or no longer open to this change).

    ``theirs``: the service knows the save that replaced the editor's version was another
    person's (a concern's step records who made it), so it is a conflict even when the stored
    row holds every value typed — not the user's own save sent twice (see :func:`submit_edit`)."""

    def __init__(self, message: str | None = None, *, current: Any = None, theirs: bool = False) -> None:
        super().__init__(message or conflict_message(), code="conflict")
        self.current = current
        self.theirs = theirs


def conflict_message() -> str:
    return _(
        "Someone else saved this while you were editing, so your changes were not saved. "
        "Compare both versions, then save again to keep yours."
    )


# --- Services -----------------------------------------------------------------------------------


def lock_for_edit[V: models.Model](
    rows: QuerySet[V] | type[V], *, pk: Any, expected_version: int | None,
    message: str | None = None,
) -> V:
    """The row ``pk`` of ``rows`` as stored, locked until the transaction ends (call it inside
    ``transaction.atomic()``).

    Raises :class:`EditConflict` (nothing written) when its version is not ``expected_version``,
    or when the row is no longer among ``rows`` (deleted, or e.g. a round no longer under
    review). ``expected_version=None`` skips the comparison — for writers that start from the
    stored row rather than from a form (imports, a mentor's answer) and still move the version
    on, so forms opened before them are refused.
    """
    queryset = rows._default_manager.all() if isinstance(rows, type) else rows
    # Only this row is locked, not the rows select_related() joins in (on PostgreSQL a lock on
    # the nullable side of an outer join is an error, and locking more invites deadlocks).
    current = queryset.select_for_update(of=("self",)).filter(pk=pk).first()
    if current is None:
        stored = queryset.model._default_manager.filter(pk=pk).first()
        raise EditConflict(message, current=stored)
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise EditConflict(message, current=current)
    return current


def save_edit(row: Any, *, update_fields: Iterable[str] | None = None) -> None:
    """Save ``row`` (from :func:`lock_for_edit`) as its next version."""
    row.version += 1  # exact: the row is locked until the transaction ends
    row.save(update_fields=None if update_fields is None else [*update_fields, FIELD])


def apply_edit[V: models.Model](
    row: V, data: Mapping[str, Any], *, validate: Callable[[V], None] | None = None,
    clean: bool = True,
) -> dict[str, list[Any]]:
    """The common edit of a locked row: set ``data``, validate (``full_clean`` and ``validate``),
    and save as the next version when anything changed. Returns ``{field: [old, new]}`` for the
    audit entry (empty: nothing changed, nothing saved)."""
    from tandem.core.audit import diff  # audit imports the models, which import this module

    before = {name: getattr(row, name) for name in data}
    for name, value in data.items():
        setattr(row, name, value)
    if clean:
        row.full_clean()
    if validate is not None:
        validate(row)
    changes = diff(before, {name: getattr(row, name) for name in data})
    if changes:
        save_edit(row)
    return changes


def touch(rows: QuerySet[Any], **values: Any) -> int:
    """Move ``rows`` on to their next version (setting ``values``) in one ``UPDATE``: a change
    made without an edit form that must make the forms already opened on them stale."""
    return rows.update(**values, version=F(FIELD) + 1)


# --- Forms --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    label: str
    theirs: str
    yours: str


class VersionedFormMixin(forms.Form):
    """The hidden version of an edit form. It never reaches ``cleaned_data`` (so
    ``**form.cleaned_data`` still fits a service); the view reads ``form.expected_version``.
    A post without it (or with anything but digits) is refused as incomplete.

    The version comes from ``version=`` or the ModelForm's instance."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and getattr(instance, "pk", None) is not None:
            version = getattr(instance, FIELD, None)
        if not self.is_bound and version is not None:
            self.fields[FIELD].initial = version
        self.expected_version = 0
        self.stale = self.same = False
        self.conflict: list[ConflictRow] = []

    def full_clean(self) -> None:
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is None or FIELD not in self.fields:
            return
        raw = cleaned.pop(FIELD, "") or ""
        if _VERSION.fullmatch(raw):
            self.expected_version = int(raw)
        else:  # left out or mangled: not a form this page gave out
            self.add_error(None, _("This form is incomplete. Reload the page and fill it in again."))

    def show_conflict(self, conflict: EditConflict, saved: forms.BaseForm | None) -> None:
        """Show the form again after a refused save: the message, what differs between the
        stored row (``saved``: this form filled from it, unbound) and what was typed, and the
        stored version in the hidden field, so that saving again keeps what was typed."""
        self.add_error(None, conflict)
        self.stale = True
        if saved is not None:
            self.conflict = conflict_rows(saved, self)
            # They saved what this form holds (when it was someone else's save of a step the
            # form cannot save again, the conflict's own message says what to do instead).
            self.same = not self.conflict and not conflict.theirs
        current_version = getattr(conflict.current, FIELD, None)
        if current_version is not None and self.is_bound:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict (or a dict)
            data[self.add_prefix(FIELD)] = str(current_version)
            self.data = data


def submit_edit(
    form: VersionedFormMixin, save: Callable[[], Any],
    saved: Callable[[Any], forms.BaseForm | None],
) -> bool:
    """Run ``save`` (a service call); True when it saved. On :class:`EditConflict` the form
    shows both versions (``saved(row)`` builds this form, unbound, from the stored row); on any
    other ``ValidationError`` its message. Either way the form keeps what was typed.

    A conflict in which the stored row already holds every value typed is no conflict: the same
    form sent twice (a double tap, whose first post saved) finds its own save. It counts as
    saved, so the second post lands where the first one did, and nothing is written twice. For
    that, what a form holds must be what is stored: a value the save derives (a BIC from the
    IBAN, a point from the town) is derived in the form's ``clean``, not only in the service.
    A service that knows the replacing save was someone else's says so (``theirs``): then it
    stays a conflict."""
    try:
        save()
    except EditConflict as conflict:
        stored = saved(conflict.current) if conflict.current is not None else None
        if stored is not None and not conflict.theirs and not conflict_rows(stored, form):
            return True
        form.show_conflict(conflict, stored)
        return False
    except ValidationError as error:
        add_error(form, error)
        return False
    return True


def error_text(form: forms.BaseForm) -> str:
    """Every error of ``form`` in one line, for a message on the page the view goes back to."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def add_error(form: forms.BaseForm, error: ValidationError) -> None:
    """``error`` on ``form``: next to the field it names when the form has that field, above
    the form otherwise (a model's ``full_clean`` may name fields the form does not show)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def conflict_rows(saved: forms.BaseForm, typed: forms.BaseForm) -> list[ConflictRow]:
    """Every visible field whose stored value differs from the typed one, both in words."""
    rows = []
    cleaned = getattr(typed, "cleaned_data", {})
    for name, field in typed.fields.items():
        if field.widget.is_hidden or name not in saved.fields:
            continue
        theirs = _stored_value(saved, name)
        yours = cleaned.get(name) if name in cleaned else typed[name].value()
        if _same(theirs, yours):
            continue
        rows.append(ConflictRow(label=str(field.label or name), theirs=_words(field, theirs),
                                yours=_words(field, yours)))
    return rows


def _stored_value(form: forms.BaseForm, name: str) -> Any:
    field = form.fields[name]
    initial = form.get_initial_for_field(field, name)
    try:
        return field.clean(initial)
    except ValidationError:
        return initial


def _same(a: Any, b: Any) -> bool:
    """Whether a stored and a typed value are the same. Several choices compare as sets of
    values, rows by their id: a multiple-choice of rows cleans to a QuerySet on one side and a
    list of rows or ids on the other (the goals a meeting worked on, sent twice by a double tap,
    read "saved meanwhile: A / your version: A")."""
    empty: tuple[Any, ...] = (None, "", [], ())
    several = (list, tuple, set, QuerySet)
    if not isinstance(a, QuerySet) and not isinstance(b, QuerySet) and a in empty and b in empty:
        return True
    if isinstance(a, several) and isinstance(b, several):
        return {_key(x) for x in a} == {_key(x) for x in b}
    if isinstance(a, models.Model) or isinstance(b, models.Model):
        return getattr(a, "pk", a) == getattr(b, "pk", b)
    return bool(a == b)


def _key(value: Any) -> str:
    return str(value.pk) if isinstance(value, models.Model) else str(value)


YES, NO, EMPTY = gettext_lazy("Yes"), gettext_lazy("No"), "—"


def _flat_choices(field: forms.Field) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value, label in getattr(field, "choices", ()):
        if isinstance(label, list | tuple):  # a group of options
            labels.update({str(v): str(lbl) for v, lbl in label})
        else:
            labels[str(value)] = str(label)
    return labels


def _words(field: forms.Field, value: Any) -> str:
    """``value`` as the person reads it: labels, not codes; dates in their format."""
    if isinstance(field, forms.BooleanField | forms.NullBooleanField) and value is not None:
        return str(YES if value else NO)
    if value in (None, "", [], ()):
        return EMPTY
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(field.label_from_instance(obj) for obj in value)
    if isinstance(field, forms.ModelChoiceField):
        return field.label_from_instance(value) if isinstance(value, models.Model) else str(value)
    if isinstance(field, forms.ChoiceField):
        labels = _flat_choices(field)
        if isinstance(value, list | tuple | set):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value) if timezone.is_aware(value) else value,
                                   "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float):
        return formats.number_format(value)
    return str(value)
