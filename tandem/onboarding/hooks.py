"""What lower apps ask of onboarding without importing it (``tandem.core.extensions``)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from tandem.onboarding.models import Volunteer, VolunteerState

# Volunteers who are, or are on their way to being, someone a learner can be matched with.
IN_OR_ON_THE_WAY = (VolunteerState.APPLIED, VolunteerState.SCREENING, VolunteerState.TRAINING,
                    VolunteerState.READY, VolunteerState.ACTIVE)


def mentor_languages(*, programme: Any) -> Counter[str]:
    """How many of the programme's volunteers, matched or on their way to it, speak each language
    (the languages they gave when they applied), in one query."""
    spoken: Counter[str] = Counter()
    for languages in Volunteer.objects.filter(programme=programme, state__in=IN_OR_ON_THE_WAY).values_list(
            "languages", flat=True):
        spoken.update(set(languages or ()))
    return spoken
