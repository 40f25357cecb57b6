"""Journal worlds on top of conftest's ``world``: the personas' pair, active since some weeks,
with goals and meetings written straight to the database (the services are what the tests test)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone

from conftest import World
from tandem.journal.categories import categories_seed
from tandem.journal.models import Goal, GoalCategory, LearnerLink, Meeting
from tandem.matching.models import Match


def persona_match(world: World, *, state: str = "active", weeks: int = 4) -> Match:
    """The world's mentor and learner personas as a pair (the URL matrix's match, if it exists)."""
    from tandem.matching.tests.url_matrix import _match

    match = _match(world)
    start = timezone.localdate() - timedelta(weeks=weeks)
    first = timezone.make_aware(datetime.combine(start, time(15)))
    Match.objects.filter(pk=match.pk).update(state=state, first_meeting_at=first, cycle_start=start,
                                             cycle_end=start + timedelta(weeks=20),
                                             closed_at=timezone.now() if state == "closed" else None)
    match.refresh_from_db()
    return match


def category(world: World, code: str = "homework") -> GoalCategory:
    categories_seed(programme=world.programme)
    return GoalCategory.objects.get(programme=world.programme, code=code)


def goal(world: World, match: Match, description: str = "Ik wil breuken begrijpen") -> Goal:
    return Goal.objects.create(match=match, category=category(world), description=description,
                               success="Een 7 voor de toets")


def meeting(match: Match, *, days: float = -1, state: str = "planned", **extra: Any) -> Meeting:
    starts = timezone.now() + timedelta(days=days)
    values: dict[str, Any] = {"match": match, "starts_at": starts, "ends_at": starts + timedelta(hours=1),
                              "place": "De Globetrotter", "state": state}
    if state != "planned":
        values.update(logged_at=timezone.now(), duration_minutes=60 if state == "held" else None)
    values.update(extra)
    return Meeting.objects.create(**values)


def link(match: Match) -> LearnerLink:
    return LearnerLink.objects.create(match=match, expires_at=timezone.now() + timedelta(days=30))
