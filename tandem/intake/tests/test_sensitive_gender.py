"""A learner's self-declared gender beside their other special-category data: recorded by the
coordinator with the learner (or guardian), "prefer not to say" possible for every question."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from tandem.intake.models import Learner, SensitiveProfile

pytestmark = pytest.mark.django_db


def test_the_coordinator_records_gender_and_prefer_not_to_say(world: World) -> None:
    learner, _created = Learner.objects.get_or_create(programme=world.programme, person=world.people["learner"],
                                                      defaults={"institution": world.school})
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug, "pk": learner.pk}
    client = world.client_for("coordinator")
    client.cookies["tandem_language"] = "nl"
    page = client.get(reverse("intake:learner", kwargs=kwargs)).content.decode()
    assert "Non-binair of een ander gender" in page and "Zeg ik liever niet" in page
    response = client.post(reverse("intake:sensitive_save", kwargs=kwargs), {
        "version": "0", "migration_background": "unknown", "first_generation": "true", "gender": "other",
        "declared_by": "learner", "consent": "on"})
    assert response.status_code == 302
    profile = SensitiveProfile.objects.get(learner=learner)
    assert (profile.migration_background, profile.first_generation, profile.gender) == (None, True, "other")
    client.post(reverse("intake:sensitive_save", kwargs=kwargs), {
        "version": "1", "migration_background": "false", "first_generation": "true", "gender": "",
        "declared_by": "learner", "consent": "on"})
    profile.refresh_from_db()
    assert (profile.migration_background, profile.gender) == (False, "")
