"""A volunteer whose address cannot be placed is saved, told so, and flagged to the coordinator."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.models import ImportBatch
from tandem.onboarding.models import Volunteer
from tandem.onboarding.tests.helpers import volunteer
from tandem.onboarding.tests.test_apply import URL, _client, _data
from tandem.onboarding.tests.test_import import HEADER, _file
from tandem.onboarding.tests.test_import import URL as IMPORT_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_minimum(settings: Any) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0


def _kw(world: World, **extra: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, **extra}


def test_an_application_that_cannot_be_placed_is_kept_and_flagged(world: World) -> None:
    response = _client("en").post(URL, _data(postcode="0000", city="Nergenshuizen"), follow=True)
    assert "We could not find “0000 Nergenshuizen” on the map" in response.content.decode()
    applicant = Volunteer.objects.get(programme=world.programme)
    assert applicant.latitude is None

    coordinator = world.client_for("coordinator")
    assert "Not on the map" in coordinator.get(reverse("onboarding:board", kwargs=_kw(world))).content.decode()
    detail = coordinator.get(reverse("onboarding:volunteer", kwargs=_kw(world, pk=applicant.pk)))
    assert "could not be placed on the map, so matching cannot use distance" in detail.content.decode()
    home = coordinator.get(reverse("core:programme", kwargs=_kw(world))).content.decode()
    assert "1 volunteer's address could not be placed on the map" in home


def test_a_placed_application_says_nothing_about_the_map(world: World) -> None:
    response = _client("en").post(URL, _data(postcode="6461", city="Kerkrade"), follow=True)
    assert "on the map" not in response.content.decode()
    assert Volunteer.objects.get(programme=world.programme).latitude is not None
    board = world.client_for("coordinator").get(reverse("onboarding:board", kwargs=_kw(world)))
    assert "Not on the map" not in board.content.decode()


def test_an_import_that_moves_a_volunteer_nowhere_clears_the_old_point(world: World) -> None:
    existing = volunteer(world, email="sam@example.org", latitude=51.9, longitude=4.5)
    client = world.client_for("coordinator")
    text = HEADER + "Sam,Jansen,sam@example.org,,0000,Nergenshuizen,nl,care,,applied\n"
    assert client.post(IMPORT_URL, {"file": _file(text, "v.csv")}).status_code == 200
    assert client.post(IMPORT_URL, {"batch": ImportBatch.objects.get().pk}).status_code == 302
    existing.refresh_from_db()
    assert existing.latitude is None and existing.person.city == "Nergenshuizen"
