"""A volunteer's self-declared background (special-category data): voluntary, "prefer not to say"
always possible, declared in the application or on their own page, changed or withdrawn there;
in their data export, gone with an erasure, and never an individual value for anyone else."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from tandem.core.antispam import stamp
from tandem.core.models import Person
from tandem.onboarding.models import Volunteer, VolunteerDeclaration
from tandem.privacy import exports
from tandem.privacy import services as privacy_services

pytestmark = pytest.mark.django_db

APPLY = "/apply/zuid/moz/"


@pytest.fixture(autouse=True)
def _no_minimum(settings: Any) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0


def _apply(email: str, **extra: Any) -> Any:
    client = Client()
    client.cookies["tandem_language"] = "de"
    page = client.get(APPLY).content.decode()
    assert "Hast du eine Migrationsgeschichte?" in page and "Keine Angabe" in page and "Warum wir fragen" in page
    return client.post(APPLY, {
        "given_name": "Jana", "family_name": "Kowalski", "email": email, "postcode": "3073 AB",
        "city": "Rotterdam", "languages": ["de", "nl"], "expertise": ["maths"], "motivation": "Gerne.",
        "consent": "on", "website": "", "ts": stamp(), **extra})


def test_the_application_asks_and_prefer_not_to_say_keeps_nothing(world: World) -> None:
    assert _apply("jana@example.org", migration_background="yes", first_generation="").status_code == 302
    declaration = VolunteerDeclaration.objects.get(volunteer__person__email="jana@example.org")
    assert (declaration.migration_background, declaration.first_generation) == (True, None)
    assert _apply("ole@example.org", migration_background="", first_generation="").status_code == 302
    assert Volunteer.objects.filter(person__email="ole@example.org").exists()
    assert not VolunteerDeclaration.objects.filter(volunteer__person__email="ole@example.org").exists()


def _mentor_volunteer(world: World) -> Volunteer:
    volunteer, _created = Volunteer.objects.get_or_create(programme=world.programme, person=world.people["mentor"])
    return volunteer


def _urls(world: World) -> tuple[str, str]:
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug}
    return reverse("onboarding:me", kwargs=kwargs), reverse("onboarding:declaration", kwargs=kwargs)


def test_the_volunteer_declares_changes_and_withdraws_on_their_own_page(world: World) -> None:
    volunteer = _mentor_volunteer(world)
    me, url = _urls(world)
    client = world.client_for("mentor")
    page = client.get(me).content.decode()
    assert "Your background (optional)" in page and "never used for matching" in page
    assert client.post(url, {"version": "0", "migration_background": "no",
                             "first_generation": "yes"}).status_code == 302
    declaration = VolunteerDeclaration.objects.get(volunteer=volunteer)
    assert (declaration.migration_background, declaration.first_generation, declaration.version) == (False, True, 1)
    page = client.get(me).content.decode()
    assert '<option value="yes" selected>' in page and '<option value="no" selected>' in page
    # A form opened before that change is refused, with both versions shown.
    response = client.post(url, {"version": "0", "migration_background": "yes", "first_generation": ""})
    assert response.status_code == 200 and "Saved meanwhile" in response.content.decode()
    assert VolunteerDeclaration.objects.get(volunteer=volunteer).migration_background is False
    # "Prefer not to say" to everything withdraws the declaration.
    assert client.post(url, {"version": "1", "migration_background": "",
                             "first_generation": ""}).status_code == 302
    assert not VolunteerDeclaration.objects.filter(volunteer=volunteer).exists()
    # Someone who is no volunteer here is sent back to the page; nothing is written.
    assert world.client_for("observer").post(url, {"version": "0", "migration_background": "yes"}).status_code == 302
    assert VolunteerDeclaration.objects.count() == 0


def test_the_audit_log_says_that_it_changed_never_what(world: World) -> None:
    from tandem.core.models import AuditEvent

    volunteer = _mentor_volunteer(world)
    _me, url = _urls(world)
    world.client_for("mentor").post(url, {"version": "0", "migration_background": "yes"})
    [event] = AuditEvent.objects.filter(subject=f"volunteer:{volunteer.pk}")
    assert event.changes == {"self_declared_background": ["…", "…"]}


def test_no_one_else_sees_the_individual_value(world: World) -> None:
    """Observers (funders) see only suppressed shares: one mentor who declared a migration
    background is "hidden", never a share; no other role's page shows the answer."""
    from tandem.matching.models import Match
    from tandem.matching.tests.factories import pupil, relax

    relax(world)
    volunteer = _mentor_volunteer(world)
    VolunteerDeclaration.objects.create(volunteer=volunteer, migration_background=True, first_generation=True)
    Match.objects.create(programme=world.programme, volunteer=volunteer, learner=pupil(world, "Pip"), slot=1,
                         capacity=1, state="active")
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug}
    page = world.client_for("observer").get(reverse("outcomes:participation", kwargs=kwargs)).content.decode()
    assert "Mentors with a migration background" in page
    assert not re.search(r">100\s?%<", page) and ">hidden<" in page and "fewer than" not in page
    coordinator = world.client_for("coordinator")
    detail = coordinator.get(reverse("onboarding:volunteer", kwargs={**kwargs, "pk": volunteer.pk}))
    assert "Self-declared background (coordinators only)" in detail.content.decode()
    assert "migration background: yes · first-generation student: yes" in detail.content.decode()
    for persona in ("observer", "supervisor", "learner", "partner_contact"):
        response = world.client_for(persona).get(reverse("onboarding:volunteer", kwargs={**kwargs, "pk": volunteer.pk}))
        assert response.status_code in (403, 404)


def test_the_export_holds_it_and_the_erasure_removes_it(world: World) -> None:
    volunteer = _mentor_volunteer(world)
    VolunteerDeclaration.objects.create(volunteer=volunteer, migration_background=True, first_generation=False)
    person = Person.objects.get(pk=world.people["mentor"].pk)
    data = exports.person_export(person, language="en").as_json()
    found = [s for s in data["sections"] if "background" in s["title"].lower()]
    assert found, [s["title"] for s in data["sections"]]
    [row] = found[0]["rows"]
    assert (row["migration_background"], row["first_generation"]) == (True, False)
    # The volunteer's own download holds it too (they declared it themselves).
    own = exports.account_export(world.users["mentor"], language="en").as_json()
    assert any("background" in s["title"].lower() for s in own["sections"])
    Volunteer.objects.filter(pk=volunteer.pk).update(state="alumni")
    privacy_services.person_erase(person=person, actor=world.users["coordinator"])
    assert not VolunteerDeclaration.objects.exists()
