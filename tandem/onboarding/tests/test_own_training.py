"""The volunteer's own page names each workshop as it stands for them: booked (with a link for
their calendar) before it takes place, attended or not once the coordinator recorded it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.onboarding import services
from tandem.onboarding.models import Registration, Volunteer, Workshop

pytestmark = pytest.mark.django_db


def _workshop(world: World, title: str, days: int) -> Workshop:
    return Workshop.objects.create(programme=world.programme, title=title, place="Essen", capacity=10,
                                   hours=Decimal("2"), starts_at=timezone.now() + timedelta(days=days))


def test_a_past_workshop_reads_attended_or_not_and_offers_no_calendar_link(world: World) -> None:
    volunteer, _ = Volunteer.objects.get_or_create(programme=world.programme, person=world.people["mentor"])
    past, missed, coming = (_workshop(world, "Startworkshop", -40), _workshop(world, "Vertiefung", -10),
                            _workshop(world, "Aufbauworkshop", 14))
    for workshop in (past, missed, coming):
        Registration.objects.create(workshop=workshop, volunteer=volunteer, status=Registration.Status.BOOKED)
    services.attendance_mark(workshop=past, attended={past.registrations.get().pk},
                             actor=world.users["coordinator"])
    services.attendance_mark(workshop=missed, attended=set(), actor=world.users["coordinator"])
    user = world.users["mentor"]
    user.language = "de"
    user.save()
    page = world.client_for("mentor").get(
        reverse("onboarding:me", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    ).content.decode()
    items = page.split("<li>")
    lines = {w.title: next(item for item in items if w.title in item) for w in (past, missed, coming)}
    assert "Teilgenommen" in lines["Startworkshop"] and "Gebucht" not in lines["Startworkshop"]
    assert "Nicht teilgenommen" in lines["Vertiefung"]
    assert "Gebucht" in lines["Aufbauworkshop"] and "Zu meinem Kalender hinzufügen" in lines["Aufbauworkshop"]
    assert "Kalender" not in lines["Startworkshop"] + lines["Vertiefung"]
