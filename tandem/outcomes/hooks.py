"""What lower apps must respect from outcomes without importing it (``core.extensions``)."""

from __future__ import annotations

from typing import Any

from tandem.outcomes.models import OutcomeSettings


def observer_threshold(*, programme: Any) -> int | None:
    """The programme's small-cell threshold from its results settings: the matches report hides
    the same small groups as the results dashboards and funder reports."""
    return (OutcomeSettings.objects.filter(programme=programme)
            .values_list("threshold", flat=True).first())
