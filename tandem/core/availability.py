"""Weekly availability as the whole project stores it: slot codes such as ``"tue-evening"``
(7 days × morning / afternoon / evening). Volunteers, learners and the matching engine all read
these same codes; people only ever see them as words in their language ("dinsdagavond",
"Dienstagabend", "mardi soir"), which is why every slot has its own translated label rather than
a day and a part glued together. :func:`validate_slots` is the one check for stored lists.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tandem.core.text import fold

DAYS = (
    ("mon", gettext_lazy("Monday")), ("tue", gettext_lazy("Tuesday")), ("wed", gettext_lazy("Wednesday")),
    ("thu", gettext_lazy("Thursday")), ("fri", gettext_lazy("Friday")), ("sat", gettext_lazy("Saturday")),
    ("sun", gettext_lazy("Sunday")),
)
PARTS = (("morning", gettext_lazy("morning")), ("afternoon", gettext_lazy("afternoon")),
         ("evening", gettext_lazy("evening")))
SLOTS = [f"{day}-{part}" for day, _d in DAYS for part, _p in PARTS]

SLOT_LABELS = {
    "mon-morning": gettext_lazy("Monday morning"),
    "mon-afternoon": gettext_lazy("Monday afternoon"),
    "mon-evening": gettext_lazy("Monday evening"),
    "tue-morning": gettext_lazy("Tuesday morning"),
    "tue-afternoon": gettext_lazy("Tuesday afternoon"),
    "tue-evening": gettext_lazy("Tuesday evening"),
    "wed-morning": gettext_lazy("Wednesday morning"),
    "wed-afternoon": gettext_lazy("Wednesday afternoon"),
    "wed-evening": gettext_lazy("Wednesday evening"),
    "thu-morning": gettext_lazy("Thursday morning"),
    "thu-afternoon": gettext_lazy("Thursday afternoon"),
    "thu-evening": gettext_lazy("Thursday evening"),
    "fri-morning": gettext_lazy("Friday morning"),
    "fri-afternoon": gettext_lazy("Friday afternoon"),
    "fri-evening": gettext_lazy("Friday evening"),
    "sat-morning": gettext_lazy("Saturday morning"),
    "sat-afternoon": gettext_lazy("Saturday afternoon"),
    "sat-evening": gettext_lazy("Saturday evening"),
    "sun-morning": gettext_lazy("Sunday morning"),
    "sun-afternoon": gettext_lazy("Sunday afternoon"),
    "sun-evening": gettext_lazy("Sunday evening"),
}


def slot_label(code: str) -> str:
    """"tue-afternoon" → "Tuesday afternoon" in the active language (the code when unknown)."""
    label = SLOT_LABELS.get(code)
    return str(label) if label is not None else code


def slot_labels(codes: Iterable[str]) -> list[str]:
    """Labels of ``codes`` in week order."""
    wanted = set(codes)
    return [slot_label(code) for code in SLOTS if code in wanted] + [
        code for code in sorted(wanted) if code not in SLOT_LABELS]


def slot_choices() -> list[tuple[str, str]]:
    """Form choices: ("tue-evening", "Tuesday evening") in the active language, in week order
    (a grid of three columns reads as the days × the parts of the day). Where the language glues
    the day and the part into one word ("Donnerstagnachmittag", "donderdagmiddag"), a soft hyphen
    between them lets a narrow column break the word there ("Donnerstag-/nachmittag") instead of
    running into the next column; it is invisible otherwise, and only the forms' labels carry it."""
    return [(code, _breakable(code, slot_label(code))) for code in SLOTS]


def _breakable(code: str, label: str) -> str:
    day = str(dict(DAYS)[code.split("-")[0]])
    glued = len(label) > len(day) and label[: len(day)].casefold() == day.casefold() and label[len(day)].isalpha()
    return label[: len(day)] + "\u00ad" + label[len(day):] if glued else label


def validate_slots(value: object) -> None:
    """A list of slot codes, or a ValidationError a coordinator can read."""
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Availability must be a list of time slots."), code="invalid")
    unknown = [str(code) for code in value if code not in SLOT_LABELS]
    if unknown:
        raise ValidationError(_("Unknown time slots: %(slots)s.") % {"slots": ", ".join(unknown)},
                              code="unknown_slot")


@cache
def _label_index() -> dict[str, str]:
    index = {fold(code): code for code in SLOTS}
    for language in ("en", "nl", "fr", "de"):
        with translation.override(language):
            index.update({fold(str(label)): code for code, label in SLOT_LABELS.items()})
    return index


def parse_slots(text: str) -> list[str]:
    """A cell such as "tue-evening; Samstagvormittag, mardi soir" → slot codes; unknown words
    are reported together."""
    codes, unknown = [], []
    for word in [w.strip() for w in text.replace(";", ",").split(",") if w.strip()]:
        code = _label_index().get(fold(word))
        if code is None:
            unknown.append(word)
        else:
            codes.append(code)
    if unknown:
        raise ValidationError(
            _("Unknown time slots: %(slots)s (write e.g. %(example)s).")
            % {"slots": ", ".join(unknown), "example": slot_label("tue-evening")}
        )
    return list(dict.fromkeys(codes))
