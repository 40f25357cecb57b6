"""Strict parsing and sensible ranges for what people type, post or upload.

Every id, number, coordinate, date and capacity that reaches a service goes through one of these,
so bad input is answered with a message and never with a server error:

* ids and whole numbers are ASCII digits only (``str.isdigit()`` accepts "²" and "٣", which
  ``int()`` then refuses or reads differently), and no longer than a database id can be;
* coordinates are finite and on the globe (latitude −90..90, longitude −180..180);
* a date of birth lies between 1900 and today; dates of events lie between 1900 and 2100;
* capacities and counts are between 1 and a maximum per kind (see the constants below).

Model fields carry these validators (so ``full_clean()`` in every service refuses a bad value
whatever its source: a form, an import, a task) and model forms pick them up, so the form shows
the message next to the field.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The largest id a 64-bit database column holds has 19 digits; 18 keeps every parsed id inside
# it on every backend (SQLite raises OverflowError beyond 2**63 − 1).
MAX_ID_DIGITS = 18
_ID = re.compile(rf"[0-9]{{1,{MAX_ID_DIGITS}}}")
_INT = re.compile(r"[+-]?[0-9]{1,9}")

# Ranges, one place for the whole project (documented in docs/security.md, "Bad input").
MENTOR_CAPACITY_MAX = 50  # learners per mentor (a learning community included)
WORKSHOP_CAPACITY_MAX = 1000  # places in one training workshop
WORKSHOP_HOURS_MAX = 100  # hours one workshop counts for
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
LEARNER_MIN_AGE = 4  # a learner is at least 4 (a pupil in the first year of school) …
LEARNER_MAX_AGE = 30  # … and at most 30 (an apprentice or a student) on the day they are added


def parse_id(value: Any) -> int | None:
    """``value`` as a database id (ASCII digits only, not too long), else ``None``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value < 10**MAX_ID_DIGITS else None
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number > 0 else None


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The valid ids among ``values`` (e.g. ``request.POST.getlist("volunteers")``), in order and
    without repeats; anything else (“²”, “-1”, “1e3”, 40 digits) is left out."""
    ids: dict[int, None] = {}
    for value in values:
        number = parse_id(value)
        if number is not None:
            ids[number] = None
    return list(ids)


def parse_int(value: str) -> int:
    """A whole number typed as ASCII digits with an optional sign (at most nine digits);
    raises ``ValueError`` otherwise."""
    text = value.strip()
    if not _INT.fullmatch(text):
        raise ValueError(value)
    return int(text)


# --- Validators (model fields and forms) --------------------------------------------------------


@deconstructible
class FiniteRangeValidator:
    """A finite number within ``[low, high]``; NaN and infinity are refused (a plain
    ``MinValueValidator`` lets NaN through, since every comparison with NaN is false)."""

    def __init__(self, low: float, high: float, message: Any) -> None:
        self.low, self.high, self.message = low, high, message

    def __call__(self, value: Any) -> None:
        if value is None:
            return
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValidationError(self.message, code="range") from exc
        if not math.isfinite(number) or not self.low <= number <= self.high:
            raise ValidationError(self.message, code="range")

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FiniteRangeValidator)
            and (self.low, self.high, self.message) == (other.low, other.high, other.message)
        )

    def __hash__(self) -> int:
        return hash((self.low, self.high))


validate_latitude = FiniteRangeValidator(
    -90, 90, _("A latitude lies between −90 and 90 degrees.")
)
validate_longitude = FiniteRangeValidator(
    -180, 180, _("A longitude lies between −180 and 180 degrees.")
)


def validate_date_of_birth(value: date | None) -> None:
    """Born in 1900 or later, and not in the future."""
    if value is None:
        return
    if value.year < EARLIEST_YEAR:
        raise ValidationError(
            _("A date of birth before %(year)s is not plausible."), params={"year": EARLIEST_YEAR},
            code="date_of_birth",
        )
    if value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot be in the future."), code="date_of_birth")


def validate_plausible_date(value: date | datetime | None) -> None:
    """Dates of events (cycles, meetings, workshops, certificates) between 1900 and 2100: a
    typo such as year 20265 or year 1 is refused before any date arithmetic overflows."""
    if value is None:
        return
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(
            _("Give a date between the years %(first)s and %(last)s."),
            params={"first": EARLIEST_YEAR, "last": LATEST_YEAR}, code="date_range",
        )


def capacity_validators(maximum: int) -> list[Any]:
    return [
        MinValueValidator(1, _("At least 1.")),
        MaxValueValidator(maximum, _("At most %(limit_value)s.")),
    ]


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def validate_learner_age(born: date | None, *, today: date | None = None) -> None:
    """A learner is between :data:`LEARNER_MIN_AGE` and :data:`LEARNER_MAX_AGE` years old."""
    if born is None:
        return
    validate_date_of_birth(born)
    age = age_on(born, today or timezone.localdate())
    if not LEARNER_MIN_AGE <= age <= LEARNER_MAX_AGE:
        raise ValidationError(
            _("A learner is between %(min)s and %(max)s years old; check the date of birth."),
            params={"min": LEARNER_MIN_AGE, "max": LEARNER_MAX_AGE}, code="learner_age",
        )


# --- Text ---------------------------------------------------------------------------------------

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def control_characters(text: str) -> list[str]:
    """The control characters in ``text`` other than tab and line breaks, as ``U+0000`` codes:
    NUL breaks PostgreSQL, and the others break spreadsheets (an XLSX cell cannot hold them)."""
    found = {
        char for char in text
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in ("Cc", "Cs")
    }
    return [f"U+{ord(char):04X}" for char in sorted(found)]


def validate_no_control_characters(value: Any) -> None:
    if isinstance(value, str) and control_characters(value):
        raise ValidationError(
            _("Remove the invisible control characters (%(codes)s)."),
            params={"codes": ", ".join(control_characters(value))}, code="control_characters",
        )


class StrictIntegerField(forms.IntegerField):
    """An integer form field that takes ASCII digits only ("²", "١٢", "1_000" and "1e3" are
    refused with the usual "Enter a whole number.") and, for ids, never more than a database
    id holds."""

    def __init__(self, *, id_field: bool = False, **kwargs: Any) -> None:
        if id_field:
            kwargs.setdefault("min_value", 1)
            kwargs.setdefault("max_value", 10**MAX_ID_DIGITS - 1)
        else:
            kwargs.setdefault("min_value", -(10**9) + 1)
            kwargs.setdefault("max_value", 10**9 - 1)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value).strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,19}", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


def decimal_input(**attrs: Any) -> forms.TextInput:
    """The widget of a number with decimals (an amount, kilometres, a coordinate), for a field
    with ``localize=True``: typed and shown as its reader writes it ("12,40" in Dutch, French and
    German; a point is accepted too), on the phone's decimal keypad.

    Not the browser's ``<input type="number">``: that parses by the *browser's* language, not the
    page's, and a German reader whose browser speaks English typed "12,40" and claimed 1240.
    A value that is not a number in the reader's writing ("1.240,00" in German, with a thousands
    point) is refused with a message, never read as another number."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})

