"""Create forms create once: the same form sent twice (a double click, a re-post) makes one
record, and the second post lands on the first one's result page without an error."""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from conftest import World
from tandem.core.models import FormSubmission, Person, Site
from tandem.intake.models import Learner
from tandem.onboarding.models import Workshop


def _prog(world: World) -> str:
    return f"/o/{world.organisation.slug}/p/{world.programme.slug}"


def _token(client: Client, url: str) -> str:
    match = re.search(r'name="once" value="([^"]+)"', client.get(url).content.decode())
    assert match, "the create form carries a one-time token"
    return match.group(1)


def _twice(client: Client, url: str, data: dict[str, Any]) -> tuple[Any, Any]:
    data = {**data, "once": _token(client, url)}
    return client.post(url, data), client.post(url, data, follow=True)


def test_a_site_form_sent_twice_makes_one_site(world: World) -> None:
    client = world.client_for("coordinator")
    url = f"{_prog(world)}/sites/"
    first, second = _twice(client, url, {"name": "Charlois", "city": "Rotterdam"})
    assert first.status_code == 302
    assert second.redirect_chain == [(first["Location"], 302)]
    html = second.content.decode()
    assert "already been sent; it was saved once" in html and 'class="errors"' not in html
    assert Site.objects.filter(name="Charlois").count() == 1


def test_a_second_person_form_lands_on_the_first_persons_page(world: World) -> None:
    client = world.client_for("coordinator")
    first, second = _twice(client, f"{_prog(world)}/people/new/", {
        "given_name": "Ayla", "family_name": "Demir", "language": "nl", "role": "mentor"})
    person = Person.objects.get(given_name="Ayla")
    assert first["Location"].endswith(f"/people/{person.pk}/")
    assert second.redirect_chain[0][0] == first["Location"] and second.status_code == 200


@pytest.mark.parametrize(("path", "data", "count"), [
    ("/volunteers/training/", {"title": "Basics", "starts_at": "2026-12-01T18:00", "place": "Zuid",
                               "capacity": "10", "hours": "2"}, lambda: Workshop.objects.count()),
    ("/referrals/new/", {"given_name": "Noor", "family_name": "Bakker", "date_of_birth": "2014-03-04",
                         "language": "nl", "guardian_language": "nl", "gender_preference": "any"},
     lambda: Learner.objects.count()),
])
def test_other_create_forms_create_once(world: World, path: str, data: dict[str, Any], count: Any) -> None:
    client = world.client_for("coordinator")
    if "referrals" in path:
        data = {**data, "institution": world.school.pk}
    first, second = _twice(client, _prog(world) + path, data)
    assert first.status_code == 302 and second.status_code == 200
    assert count() == 1


def test_a_form_with_errors_keeps_its_token_for_the_corrected_post(world: World) -> None:
    client = world.client_for("coordinator")
    url = f"{_prog(world)}/sites/"
    token = _token(client, url)
    refused = client.post(url, {"name": "", "city": "Rotterdam", "once": token})
    assert refused.status_code == 200 and f'value="{token}"' in refused.content.decode()
    assert not FormSubmission.objects.exists()
    assert client.post(url, {"name": "Noord", "city": "Rotterdam", "once": token}).status_code == 302
    assert Site.objects.filter(name="Noord").count() == 1


def test_a_conflict_recorded_twice_is_no_error(world: World) -> None:
    from tandem.matching.tests.factories import persona_pair

    volunteer, learner = persona_pair(world)
    client = world.client_for("coordinator")
    first, second = _twice(client, f"{_prog(world)}/matching/conflicts/", {
        "learner": learner.pk, "volunteer": volunteer.pk, "note": "neighbours"})
    assert first.status_code == 302 and 'class="errors"' not in second.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_same_form_at_the_same_moment_creates_once(world: World) -> None:
    """The second post waits on the token's unique index while the first one's transaction
    runs, then is sent to its result page (PostgreSQL: two connections at once)."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL")
    from django.db import close_old_connections, transaction

    client = world.client_for("coordinator")
    url = f"{_prog(world)}/sites/"
    token = _token(client, url)
    inserted, release = threading.Event(), threading.Event()

    def first_post() -> None:
        with transaction.atomic():
            FormSubmission.objects.create(token=token, user=world.users["coordinator"],
                                          result_url=url)
            Site.objects.create(programme=world.programme, name="Charlois", city="Rotterdam")
            inserted.set()
            release.wait(5)
        close_old_connections()

    thread = threading.Thread(target=first_post)
    thread.start()
    inserted.wait(5)
    threading.Timer(0.5, release.set).start()
    response = client.post(url, {"name": "Charlois", "city": "Rotterdam", "once": token})
    thread.join()
    assert response.status_code == 302 and response["Location"] == url
    assert Site.objects.filter(name="Charlois").count() == 1
