"""Support worlds on top of conftest's ``world`` and the journal's persona pair: rows written
straight to the database (the services are what the tests test)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from conftest import World
from tandem.matching.models import Match
from tandem.support.models import Concern, ExchangeInvitation, ExchangeMeeting, SafeguardingLead


def pair(world: World, **kwargs: Any) -> Match:
    from tandem.journal.tests.factories import persona_match

    return persona_match(world, **kwargs)


def make_lead(world: World, persona: str = "coordinator") -> SafeguardingLead:
    row, _ = SafeguardingLead.objects.get_or_create(programme=world.programme, person=world.people[persona])
    return row


def concern(world: World, *, kind: str = "problem", match: Match | None = None, state: str = "raised",
            description: str = "Er is ruzie over de planning") -> Concern:
    match = match or pair(world)
    return Concern.objects.create(
        programme=world.programme, match=match, kind=kind, state=state, description=description,
        raised_by=world.people["guardian"], raised_as="guardian",
        resolved_at=timezone.now() if state == "resolved" else None)


def exchange(world: World, *, days: float = 7, invite: tuple[str, ...] = ("mentor",)) -> ExchangeMeeting:
    meeting = ExchangeMeeting.objects.create(
        programme=world.programme, site=world.site, kind="intervision", topic="Lastige gesprekken",
        starts_at=timezone.now() + timedelta(days=days), place="Buurthuis De Put")
    for persona in invite:
        ExchangeInvitation.objects.create(meeting=meeting, person=world.people[persona])
    return meeting
