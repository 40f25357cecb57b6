"""A parent or a learner on their own data page sees whom to write to have their data corrected
or erased — the coordinators of their programme — and plain column words in their language."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["guardian", "learner"])
def test_the_data_page_names_the_coordinators_to_write_to(world: World, persona: str) -> None:
    page = world.client_for(persona).get(reverse("privacy:my_data"),
                                         headers={"accept-language": "nl"}).content.decode()
    coordinator = world.people["coordinator"]
    assert 'id="correct-or-erase"' in page
    assert f"mailto:{coordinator.email}?subject=" in page and world.programme.name in page


def test_the_count_column_does_not_read_as_rules_in_dutch(world: World) -> None:
    client = world.client_for("guardian")
    client.cookies["tandem_language"] = "nl"
    page = client.get(reverse("privacy:my_data"), headers={"accept-language": "nl"}).content.decode()
    assert "Klopt er iets niet" in page
    assert ">Regels<" not in page and ">Aantal<" in page


def test_a_coordinator_is_not_told_to_write_to_themselves(world: World) -> None:
    page = world.client_for("coordinator").get(reverse("privacy:my_data")).content.decode()
    assert 'id="correct-or-erase"' not in page


@pytest.mark.parametrize("persona", ["guardian", "learner"])
def test_the_data_page_names_what_is_held_without_staff_words(world: World, persona: str) -> None:
    client = world.client_for(persona)
    client.cookies["tandem_language"] = "nl"
    page = client.get(reverse("privacy:my_data"), headers={"accept-language": "nl"}).content.decode()
    for jargon in ("Auditgebeurtenissen", "Lidmaatschappen", "Gebruikers", "Inloggebeurtenissen",
                   "Statuswijzigingen"):
        assert jargon not in page
    assert "Persoonsgegevens" in page and "Rollen in het programma" in page
