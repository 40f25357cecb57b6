"""Template filters of the journal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from tandem.core import history
from tandem.journal.forms import FACE_WORDS, FACES

register = template.Library()
_FACES = dict(FACES)


@register.filter
def moment(value: Any) -> str:
    """An ISO moment (as e-mail contexts carry them) in the reader's words and time zone."""
    return history.as_datetime(value)


@register.filter
def day_and_time(value: Any) -> str:
    """"Tuesday 14 October 2026 at 15:00", in the reader's language and time zone."""
    if not isinstance(value, datetime):
        return ""
    at = timezone.localtime(value)
    return _("%(day)s %(date)s at %(time)s") % {
        "day": date_format(at, "l"), "date": date_format(at, "DATE_FORMAT"), "time": time_format(at, "TIME_FORMAT")}


@register.filter
def weekday_and_date(value: Any) -> str:
    if not isinstance(value, datetime):
        return ""
    at = timezone.localtime(value)
    return f"{date_format(at, 'l')} {date_format(at, 'DATE_FORMAT')}"


@register.filter
def face(rating: Any) -> str:
    return _FACES.get(rating, "") if isinstance(rating, int) else ""


@register.filter
def face_words(rating: Any) -> str:
    return str(FACE_WORDS.get(rating, "")) if isinstance(rating, int) else ""


@register.filter
def friendly_state(goal: Any, reader: str = "learner") -> str:
    """A goal's state in words for a child (or their parent)."""
    if goal.state == "reached":
        return _("You did it!") if reader == "learner" else pgettext("to a guardian", "Reached!")
    if goal.state == "active":
        return _("You are working on it") if reader == "learner" else pgettext("to a guardian", "Working on it")
    return str(goal.get_state_display())
