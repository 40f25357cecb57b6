"""A volunteer whose address cannot be placed is saved, told so, and flagged to the coordinator."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.models import ImportBatch
from tandem.core.testing import browser_log_in
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_the_applicant_is_told_and_the_board_flags_them(page: Any, settings: Any) -> None:
    from conftest import PASSWORD, make_member
    from tandem.core.models import Organisation, Programme

    org = Organisation.objects.create(name="AFEV", slug="afev", country="FR")
    Programme.objects.create(organisation=org, name="Accompagnement", slug="acc", country="FR")
    make_member(org, None, "org_admin", "coord@afev.example")
    page.goto("/apply/afev/acc/")
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_label("Prénom").fill("Zoé")
    page.get_by_label("Nom de famille").fill("Lefèvre")
    page.get_by_label("Adresse e-mail").fill("zoe@example.org")
    page.get_by_label("Code postal").fill("99999")
    page.get_by_label("Ville").fill("Nulle-part-sur-Mer")
    page.get_by_label("Français").check()
    page.get_by_label("mardi soir").check()
    page.get_by_label("Pourquoi souhaitez-vous devenir bénévole\u00a0?").fill("Pour transmettre.")
    page.get_by_label("J’accepte le traitement").check()
    page.get_by_role("button", name="Envoyer ma candidature").click()
    page.get_by_text("Nous n’avons pas trouvé «\u00a099999 Nulle-part-sur-Mer\u00a0» sur la carte").wait_for()

    page.get_by_label("Langue", exact=True).select_option("en")
    page.get_by_role("heading", name="Thank you for your application!").wait_for()
    browser_log_in(page, "coord@afev.example", PASSWORD)
    page.goto("/o/afev/p/acc/volunteers/")
    page.get_by_role("row", name="Zoé Lefèvre").get_by_text("Not on the map").wait_for()
    page.get_by_role("link", name="Zoé Lefèvre").click()
    page.get_by_text("This address could not be placed on the map").wait_for()
    page.goto("/o/afev/p/acc/")
    page.get_by_text("1 volunteer's address could not be placed on the map").wait_for()
