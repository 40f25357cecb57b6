"""The volunteers board's search field at 390 px: what it searches is a line of its own under the
filters, in the reader's language, not a placeholder cut off after "Name, E-Mail, Ort oder Fachge…"."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "hint"), [
    ("en", "The search looks in names, e-mail addresses, cities and expertise."),
    ("nl", "De zoekopdracht kijkt in namen, e-mailadressen, plaatsen en vakgebieden."),
    ("de", "Die Suche durchsucht Namen, E-Mail-Adressen, Orte und Fachgebiete."),
    ("fr", "La recherche porte sur les noms, les adresses e-mail, les villes et les compétences."),
])
def test_the_search_field_says_what_it_searches_in_a_line_not_a_placeholder(
    world: World, language: str, hint: str,
) -> None:
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    url = reverse("onboarding:board", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    page = world.client_for("coordinator").get(url).content.decode()
    field = re.search(r'<input id="q"[^>]*>', page)
    assert field is not None
    assert "placeholder" not in field.group(0)
    assert 'aria-describedby="q-hint"' in field.group(0)
    assert f'id="q-hint">{hint}</p>' in page
