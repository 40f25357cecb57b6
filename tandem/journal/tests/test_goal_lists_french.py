"""The goals a meeting served, listed on its page, are separated as the reader's language
separates a list: "a; b" in English, "a ; b" with a no-break space in French."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from tandem.journal.tests.factories import goal, meeting, persona_match

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "separator"), [("en", "; "), ("fr", "\u00a0; ")])
def test_the_meeting_page_lists_its_goals_in_the_readers_language(world: World, language: str,
                                                                   separator: str) -> None:
    match = persona_match(world)
    held = meeting(match, days=-2, state="held")
    held.goals.add(goal(world, match, "Fractions"), goal(world, match, "Homework"))
    user = world.users["coordinator"]
    user.language = language
    user.save(update_fields=["language"])
    url = reverse("journal:meeting", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                             "pk": match.pk, "meeting": held.pk})
    page = world.client_for("coordinator").get(url).content.decode()
    assert f"Fractions{separator}Homework" in page or f"Homework{separator}Fractions" in page
