"""An edit form sent twice (a double tap: the browser shows the second post's answer) is not a
conflict with oneself: the second post finds its own save and lands where the first did. A
stale save that differs is still refused (``test_concurrent_edits``)."""

from __future__ import annotations

import pytest

from conftest import World
from tandem.core.tests.test_races import _learner_form, _prog
from tandem.intake.models import Learner
from tandem.matching.tests.factories import pupil

pytestmark = pytest.mark.django_db


def test_the_same_edit_sent_twice_saves_once_and_both_land_on_the_saved_page(world: World) -> None:
    learner = pupil(world, "Noor")
    url = f"{_prog(world)}/learners/{learner.pk}/edit/"
    client = world.client_for("coordinator")
    form = _learner_form(learner, notes="Wants help with French homework.")
    first, second = client.post(url, form), client.post(url, form)
    assert first.status_code == 302 and second.status_code == 302
    assert second["Location"] == first["Location"]
    stored = Learner.objects.get(pk=learner.pk)
    assert stored.notes == "Wants help with French homework." and stored.version == form["version"] + 1
    # Sent again with another value on the old version: a real conflict, refused and shown.
    refused = client.post(url, {**form, "notes": "Maths, not French."})
    assert refused.status_code == 200 and "Maths, not French." in refused.content.decode()
    assert Learner.objects.get(pk=learner.pk).notes == "Wants help with French homework."

