"""How long a pair runs: one rule, used by every page that states it and by the match itself.

A programme runs its pairs either for a fixed number of weeks (``cycle_weeks``, counted from each
pair's first meeting: Mentoren op Zuid's 20 weeks, VerA's 52) or on dates (until the programme's
``cycle_end``: a school year). The weeks win when both are set, so a programme page that showed the
school year's dates beside "a tandem runs 52 weeks" contradicted itself (VerA: ten months beside a
year). Every statement of the length goes through here: the mentor's "A pair runs …", the
programme's "Cycle" fact, the journal's "Week 3 of 20" and the end date a new active match gets.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext, ngettext

if TYPE_CHECKING:
    from tandem.core.models import Programme


def pair_end(programme: Programme, start: date) -> date | None:
    """The last day of a pair whose cycle starts on ``start`` (its first meeting)."""
    if programme.cycle_weeks:
        return start + timedelta(weeks=programme.cycle_weeks)
    return programme.cycle_end


def weeks_between(start: date, end: date) -> int:
    """Whole weeks from ``start`` to ``end``, a started week counted: the number the journal's
    "Week n of N" reaches on the last day."""
    return max(1, -(-(end - start).days // 7))


def pair_weeks(start: date | None, end: date | None) -> int | None:
    """A match's length in weeks, from its own dates (set by :func:`pair_end`)."""
    if start is None or end is None or end < start:
        return None
    return weeks_between(start, end)


def pair_length(programme: Programme) -> str:
    """The sentence a (future) mentor reads: "A pair runs 20 weeks from its first meeting." or
    "A pair runs until 30 June 2027, the end of the cycle."; "" when the programme says neither."""
    # A group programme's mentor leads a learning community, not a pair.
    group = programme.format == programme.Format.GROUP
    if programme.cycle_weeks:
        if group:
            return ngettext("A learning community runs %(weeks)s week from its first meeting.",
                            "A learning community runs %(weeks)s weeks from its first meeting.",
                            programme.cycle_weeks) % {"weeks": programme.cycle_weeks}
        return ngettext("A pair runs %(weeks)s week from its first meeting.",
                        "A pair runs %(weeks)s weeks from its first meeting.",
                        programme.cycle_weeks) % {"weeks": programme.cycle_weeks}
    if programme.cycle_end:
        end = formats.date_format(programme.cycle_end, "DATE_FORMAT")
        if group:
            return gettext("A learning community runs until %(end)s, the end of the cycle.") % {"end": end}
        return gettext("A pair runs until %(end)s, the end of the cycle.") % {"end": end}
    return ""


def cycle_span(programme: Programme) -> str:
    """The programme's "Cycle" fact: "20 weeks from the first meeting" for a programme that counts
    weeks (its dates say nothing about a pair's length then), else its dates."""
    if programme.cycle_weeks:
        return ngettext("%(weeks)s week from the first meeting", "%(weeks)s weeks from the first meeting",
                        programme.cycle_weeks) % {"weeks": programme.cycle_weeks}
    if programme.cycle_start and programme.cycle_end:
        return "{} – {}".format(formats.date_format(programme.cycle_start, "SHORT_DATE_FORMAT"),
                                formats.date_format(programme.cycle_end, "SHORT_DATE_FORMAT"))
    return ""
