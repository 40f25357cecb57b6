"""The learner page's consent line wrote the text's version as "v1", an abbreviation no
coordinator uses. It is kept, as words: the consent texts page heads each text "Version 1 ·
Nederlands", and the number is how a coordinator finds the text a guardian agreed to (the "older
text" badge says only that it is not the current one)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from tandem.intake import services
from tandem.intake.tests.factories import TODAY, guardian_of, learner, publish_text


@pytest.mark.parametrize(("language", "words"), [
    ("en", "version 1 of the text"), ("nl", "versie 1 van de tekst"),
    ("fr", "version 1 du texte"), ("de", "Version 1 des Textes")])
def test_the_consent_line_names_the_text_version_in_words(world: World, language: str, words: str) -> None:
    publish_text(world)
    pupil = learner(world, age=12)
    services.consent_record_paper(learner=pupil, guardian=guardian_of(pupil),
                                  actor=world.users["coordinator"], today=TODAY)
    client = world.client_for("coordinator")
    client.cookies["tandem_language"] = language
    url = reverse("intake:learner", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                            "pk": pupil.pk})
    page = client.get(url).content.decode()
    line = page[page.index('id="h-consent"'):page.index('id="h-state"')]
    assert f"{guardian_of(pupil).full_name} · {words} · " in line
    assert " · v1 · " not in line
