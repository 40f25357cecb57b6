"""What lower apps ask of matching without importing it (``tandem.core.extensions``)."""

from __future__ import annotations

from typing import Any

from tandem.matching.models import OPEN_STATES, Match


def places_taken(*, volunteer: Any) -> int:
    """A mentor's open matches (proposed, introduced, active) each hold one of their places."""
    return Match.objects.filter(volunteer=volunteer, state__in=OPEN_STATES).count()
