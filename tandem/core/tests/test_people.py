"""People pages: adding, editing (with the audit trail and concurrent-edit protection), roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World
from tandem.core import services
from tandem.core.models import AuditEvent, Membership, Person, Role


def _url(world: World, name: str, **kwargs: object) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug, **kwargs})


def test_coordinator_adds_a_person_with_a_role_and_it_is_audited(world: World) -> None:
    client = world.client_for("coordinator")
    response = client.post(_url(world, "core:person_create"), {
        "given_name": "Aylin", "family_name": "Kaya", "email": "", "phone": "",
        "date_of_birth": "2013-04-02", "language": "nl", "postcode": "3073", "city": "Rotterdam",
        "role": "learner", "institution": str(world.school.pk),
    })
    assert response.status_code == 302
    person = Person.objects.get(given_name="Aylin")
    assert person.organisation == world.organisation
    assert Membership.objects.get(person=person).role == Role.LEARNER
    actions = list(AuditEvent.objects.filter(person=person).values_list("action", "actor"))
    coordinator = world.users["coordinator"].pk
    assert ("created", coordinator) in actions and ("role_granted", coordinator) in actions


def test_invalid_form_keeps_what_was_typed(world: World) -> None:
    client = world.client_for("coordinator")
    response = client.post(_url(world, "core:person_create"), {
        "given_name": "Aylin", "family_name": "", "email": "not-an-email", "language": "nl",
        "role": "learner", "city": "Rotterdam",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Aylin"' in html and 'value="Rotterdam"' in html and 'value="not-an-email"' in html
    assert not Person.objects.filter(given_name="Aylin").exists()


def test_edit_is_recorded_with_old_and_new_values_and_shown_on_the_person_page(world: World) -> None:
    learner = world.people["learner"]
    client = world.client_for("coordinator")
    response = client.post(_url(world, "core:person_edit", pk=learner.pk), {
        "given_name": learner.given_name, "family_name": "Janssen", "email": learner.email,
        "phone": "", "date_of_birth": "", "language": "en", "postcode": "", "city": "Rotterdam",
        "version": learner.version,
    })
    assert response.status_code == 302
    event = AuditEvent.objects.get(person=learner, action="updated")
    assert event.actor == world.users["coordinator"]
    assert event.changes["family_name"] == ["Tester", "Janssen"]
    assert event.changes["city"] == ["", "Rotterdam"]
    page = client.get(_url(world, "core:person", pk=learner.pk)).content.decode()
    assert "Janssen" in page and "<del>Tester</del>" in page


def test_opening_a_person_page_records_who_saw_it_once_per_hour(world: World) -> None:
    learner = world.people["learner"]
    client = world.client_for("coordinator")
    client.get(_url(world, "core:person", pk=learner.pk))
    client.get(_url(world, "core:person", pk=learner.pk))
    views = AuditEvent.objects.filter(person=learner, action="viewed")
    assert views.count() == 1 and views.get().actor == world.users["coordinator"]


def test_concurrent_edit_is_refused_and_keeps_the_typed_values(world: World) -> None:
    learner = world.people["learner"]
    stale_version = learner.version
    services.person_update(
        person=learner, actor=world.users["org_admin"], expected_version=stale_version,
        city="Schiedam",
    )
    client = world.client_for("coordinator")
    response = client.post(_url(world, "core:person_edit", pk=learner.pk), {
        "given_name": learner.given_name, "family_name": learner.family_name,
        "email": learner.email, "language": "en", "city": "Delft", "version": stale_version,
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this while you were editing" in html
    assert 'value="Delft"' in html  # what the coordinator typed is still in the form
    # and beside it what the other person saved: City, Schiedam (theirs) / Delft (yours)
    assert '<td data-label="Saved meanwhile" class="theirs">Schiedam</td>' in html
    assert '<td data-label="Your version" class="yours">Delft</td>' in html
    learner.refresh_from_db()
    assert learner.city == "Schiedam"
    # Saving again (the form now carries the current version) applies the change.
    response = client.post(_url(world, "core:person_edit", pk=learner.pk), {
        "given_name": learner.given_name, "family_name": learner.family_name,
        "email": learner.email, "language": "en", "city": "Delft", "version": learner.version,
    })
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.city == "Delft"


def test_service_refuses_stale_version(world: World) -> None:
    learner = world.people["learner"]
    with pytest.raises(services.EditConflict):
        services.person_update(
            person=learner, actor=None, expected_version=learner.version + 5, city="X"
        )


def test_role_grant_and_revoke_are_audited(world: World) -> None:
    mentor = world.people["mentor"]
    client = world.client_for("coordinator")
    client.post(_url(world, "core:person_role_add", pk=mentor.pk), {"role": "supervisor"})
    membership = Membership.objects.get(person=mentor, role="supervisor")
    client.post(_url(world, "core:person_role_remove", pk=mentor.pk, membership=membership.pk),
                {"reason": "wrong role"})
    assert not Membership.objects.filter(pk=membership.pk).exists()
    events = AuditEvent.objects.filter(person=mentor).order_by("at", "pk")
    assert [e.action for e in events] == ["role_granted", "role_revoked"]
    assert events.last().note == "wrong role"  # type: ignore[union-attr]


def test_last_org_admin_cannot_be_removed(world: World) -> None:
    admin_membership = world.people["org_admin"].memberships.get()
    with pytest.raises(Exception, match="at least one organisation admin"):
        services.membership_revoke(membership=admin_membership, actor=None)


def test_people_list_searches_and_filters_with_htmx_partial(world: World) -> None:
    client = world.client_for("coordinator")
    url = _url(world, "core:people")
    full = client.get(url, {"role": "mentor"}).content.decode()
    assert "<html" in full and "Mentor" in full and world.people["learner"].family_name in full
    partial = client.get(url, {"q": "Guardian"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and 'id="results"' in partial and "Guardian" in partial
    assert "Observer" not in partial


def test_people_list_query_count_does_not_grow_with_people(world: World, django_assert_max_num_queries: object) -> None:
    for i in range(30):
        p = Person.objects.create(organisation=world.organisation, given_name=f"P{i}", family_name="X")
        Membership.objects.create(person=p, organisation=world.organisation, programme=world.programme, role="mentor")
    client = world.client_for("coordinator")
    client.get(_url(world, "core:people"))  # warm the session
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get(_url(world, "core:people")).status_code == 200


def test_a_new_programme_says_whom_to_add_first(world: World) -> None:
    """A programme nobody is in yet: its people list says to add the coordinators first, not that
    nobody matches a search that was never made."""
    programme = world.other_programme
    url = reverse("core:people", kwargs={"org": programme.organisation.slug, "prog": programme.slug})
    admin = world.client_for("org_admin")
    page = admin.get(url).content.decode()
    assert 'id="nobody-yet"' in page and "Add its coordinators first" in page
    assert "Nobody matches this search." not in page
    assert "Nobody matches this search." in admin.get(url + "?q=nobody-at-all").content.decode()
