"""One of a thing reads in the singular. The coordinator's overview said "1 Vorschläge zu prüfen"
and "1 voorstellen om te bekijken"; Matching said "1 learners waiting to be matched"."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.matching.tests.factories import mentor, pupil, relax


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(("language", "one", "two"), [
    ("en", ["1 proposal waiting for review", "1 answer pending", "1 declined, needs a new partner"],
     ["2 proposals waiting for review", "2 answers pending", "2 declined, need a new partner"]),
    ("nl", ["1 voorstel om te bekijken", "1 antwoord open"], ["2 voorstellen om te bekijken", "2 antwoorden open"]),
    ("fr", ["1 proposition à revoir", "1 réponse en attente", "1 refusé,"],
     ["2 propositions à revoir", "2 réponses en attente", "2 refusés,"]),
    ("de", ["1 Vorschlag zu prüfen", "1 Antwort ausstehend"], ["2 Vorschläge zu prüfen", "2 Antworten ausstehend"]),
])
def test_the_overview_panel_counts_in_the_singular_and_plural(world: World, language: str, one: list[str],
                                                             two: list[str]) -> None:
    for n, expected in ((1, one), (2, two)):
        with translation.override(language):
            html = render_to_string("matching/_panel_coordinator.html", {
                "programme": world.programme, "to_review": n, "pending": n, "declined": n})
        for words in expected:
            assert words in _text(html), (language, n, _text(html))


def test_matching_home_counts_one_learner_and_one_mentor_in_the_singular(world: World) -> None:
    relax(world)
    mentor(world, "Anna")
    pupil(world, "Bo")
    page = world.client_for("coordinator").get(reverse("matching:home", kwargs={"org": "zuid", "prog": "moz"}))
    text = _text(page.content.decode())
    assert "1 learner waiting to be matched" in text
    assert "1 mentor with a free place" in text
    assert "0 active matches" in text
