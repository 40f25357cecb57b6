"""How a person is named in a list or a picker, so two "Marie Yıldız" can be told apart.

A name alone is not enough: programmes have namesakes, and a coordinator choosing a learner in a
select must pick the right one. ``person_label`` adds what tells people apart without opening
their record — where (the learner's school or institution, else the city), the age, and the role
where a list mixes roles: "Marie Yıldız (Erasmus College, 15 years)".

It takes a ``Person`` or anything that has one (a learner, a volunteer, a membership), reading an
``institution`` from it when there is one. Callers select the related rows (``person``,
``institution``) with their query, so a list stays one query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from tandem.core.models import Person


def person_of(who: Any) -> Person:
    return who if isinstance(who, Person) else who.person


def person_details(who: Any, *, role: str = "", today: date | None = None) -> list[str]:
    """The facts beside a name: role (when given), school or institution else city, age."""
    person = person_of(who)
    details = [str(role)] if role else []
    institution = getattr(who, "institution", None)
    where = institution.name if institution is not None else person.city
    if where:
        details.append(where)
    age = person.age_on(today or timezone.localdate())
    if age is not None:
        details.append(ngettext("%(age)s year", "%(age)s years", age) % {"age": age})
    return details


def person_label(who: Any, *, role: str = "", today: date | None = None) -> str:
    """One line for a select or a sentence: "Marie Yıldız (Erasmus College, 15 years)"."""
    person = person_of(who)
    details = person_details(who, role=role, today=today)
    if not details:
        return person.full_name
    return gettext("%(name)s (%(details)s)") % {"name": person.full_name, "details": ", ".join(details)}


def short_name(who: Any) -> str:
    """A name for text that leaves Tandem (a calendar app, a phone's lock screen): the given name
    and the family name's initial, "Marie Y." — enough for a coordinator to tell their pairs
    apart, without the full name, school or age of a learner who may be a minor."""
    person = person_of(who)
    initial = person.family_name.strip()[:1]
    return f"{person.given_name} {initial}." if initial else person.given_name
def for_labels(queryset: QuerySet[Any], *, institution: bool = True, also: tuple[str, ...] = ()) -> QuerySet[Any]:
    """``queryset`` (learners, volunteers… each with a ``person``) reading only what
    ``person_label`` shows: a picker of thousands then builds small rows, not whole records
    with their JSON fields. ``also`` names more of the row's own fields the caller shows."""
    fields = ["pk", *also, *(f"person__{name}" for name in ("given_name", "family_name", "date_of_birth", "city", "erased_at"))]
    related = ["person"]
    if institution:
        fields.append("institution__name")
        related.append("institution")
    return queryset.select_related(*related).only(*fields)


def person_options(rows: Iterable[Any], *, extra: str = "") -> SafeString:
    """``<option value="pk">label</option>`` for each row, escaped; with ``extra`` (a field that
    has a display, e.g. ``"state"``) the label reads "Marie Yıldız (15 years) · Ready"."""
    today = timezone.localdate()
    options = []
    for row in rows:
        label = person_label(row, today=today)
        if extra:
            label = f"{label} · {getattr(row, f'get_{extra}_display')()}"
        options.append(format_html('<option value="{}">{}</option>', row.pk, label))
    return mark_safe("".join(options))  # each option escaped by format_html
