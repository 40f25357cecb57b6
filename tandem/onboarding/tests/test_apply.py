"""The public application page: multilingual, spam-protected, duplicates recognised."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import World
from tandem.core.antispam import stamp
from tandem.onboarding.models import Volunteer

URL = "/apply/zuid/moz/"


@pytest.fixture(autouse=True)
def _no_minimum(settings: Any) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0


def _data(**extra: Any) -> dict[str, Any]:
    return {
        "given_name": "Camille", "family_name": "Durand", "email": "Camille@Example.org",
        "postcode": "3073 AB", "city": "Rotterdam", "languages": ["fr", "nl", "ar"],
        "expertise": ["maths", "hospitality"], "availability": ["tue-evening"],
        "motivation": "J’aime transmettre.", "consent": "on", "website": "",
        "ts": stamp(), **extra,
    }


def _client(language: str = "fr") -> Client:
    client = Client()
    client.cookies["tandem_language"] = language
    return client


def test_application_in_french_creates_a_volunteer_and_e_mails_in_french(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    client = _client()
    page = client.get(URL).content.decode()
    assert "Devenez bénévole pour Mentoren op Zuid" in page and "VOG" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _data())
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    run_tasks()
    volunteer = Volunteer.objects.get(programme=world.programme)
    person = volunteer.person
    assert (person.email, person.language, volunteer.state) == ("camille@example.org", "fr", "applied")
    assert volunteer.languages == ["fr", "nl", "ar"] and volunteer.expertise == ["maths", "hospitality"]
    assert (volunteer.latitude, volunteer.longitude) == (51.8933, 4.5003)  # GeoNames: 3073 Rotterdam
    assert volunteer.consent_version and volunteer.consented_at
    assert volunteer.transitions.get().to_state == "applied"
    assert [m.to for m in mail.outbox] == [["camille@example.org"]]
    assert "Nous avons bien reçu votre candidature" in mail.outbox[0].subject


def test_duplicate_is_not_created_twice_and_the_page_says_nothing(
    world: World, django_capture_on_commit_callbacks, run_tasks
) -> None:
    client = _client("nl")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(URL, _data())
        second = client.post(URL, _data(email="camille@example.org", given_name="Cam"))
    run_tasks()
    assert first["Location"] == second["Location"]
    assert Volunteer.objects.filter(programme=world.programme).count() == 1
    assert "We hebben je aanmelding al" in mail.outbox[-1].body


def test_honeypot_too_fast_and_stale_forms_store_nothing(world: World, settings: Any) -> None:
    client = _client("en")
    assert client.post(URL, _data(website="http://spam.example"))["Location"].endswith("/thanks/")
    settings.TANDEM_APPLICATION_MIN_SECONDS = 3
    response = client.post(URL, _data())
    assert response.status_code == 400 and "very fast" in response.content.decode()
    stale = _data(ts=stamp(time.time() - 90000))
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0
    response = client.post(URL, stale)
    assert response.status_code == 400 and "more than a day ago" in response.content.decode()
    assert client.post(URL, _data(ts="forged")).status_code == 400
    assert not Volunteer.objects.exists()


def test_consent_is_required(world: World) -> None:
    data = _data()
    del data["consent"]
    assert _client("en").post(URL, data).status_code == 400
    assert not Volunteer.objects.exists()
