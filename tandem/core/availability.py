"""Weekly availability as the whole project stores it: slot codes such as ``"tue-evening"``
(7 days × morning / afternoon / evening). Volunteers, learners and the matching engine all read
these same codes."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DAYS = (
    ("mon", _("Monday")), ("tue", _("Tuesday")), ("wed", _("Wednesday")),
    ("thu", _("Thursday")), ("fri", _("Friday")), ("sat", _("Saturday")), ("sun", _("Sunday")),
)
PARTS = (("morning", _("morning")), ("afternoon", _("afternoon")), ("evening", _("evening")))
SLOTS = [f"{day}-{part}" for day, _d in DAYS for part, _p in PARTS]


def slot_choices() -> list[tuple[str, str]]:
    """Form choices: ("tue-evening", "Tuesday evening") in the active language."""
    return [(f"{day}-{part}", f"{day_label} {part_label}")
            for day, day_label in DAYS for part, part_label in PARTS]
