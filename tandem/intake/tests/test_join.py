"""Self-registration on the public page, where the programme allows it."""

from __future__ import annotations

import time
from typing import Any

from django.test import Client

from conftest import World
from tandem.core.antispam import stamp
from tandem.intake.models import Learner

URL = "/join/zuid/moz/"


def _allow(world: World) -> None:
    world.programme.requirements = {"self_registration": True}
    world.programme.save()


def _data(**extra: Any) -> dict[str, Any]:
    return {"given_name": "Jonas", "family_name": "Weber", "email": "Jonas.Weber@example.org",
            "date_of_birth": "2004-05-06", "city": "Rotterdam", "languages": ["de", "nl"],
            "reasons": ["sense_of_belonging"], "availability": ["mon-evening"],
            "gender_preference": "any", "ts": stamp(time.time() - 60),
            **extra}


def test_the_page_exists_only_where_the_programme_allows_it(world: World, client: Client) -> None:
    assert client.get(URL).status_code == 404
    _allow(world)
    assert client.get(URL).status_code == 200
    dutch = client.get(URL, headers={"accept-language": "nl"}).content.decode()
    assert "Aanmelden voor" in dutch


def test_a_registration_is_created_once_per_email_address(world: World, client: Client) -> None:
    _allow(world)
    assert client.post(URL, _data()).status_code == 200
    learner = Learner.objects.get()
    assert learner.source == "self" and learner.state == "referred"
    assert learner.person.email == "jonas.weber@example.org" and learner.languages == ["de", "nl"]
    again = client.post(URL, _data(email="jonas.weber@EXAMPLE.org", given_name="J."))
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    assert Learner.objects.count() == 1


def test_bots_are_turned_away_without_being_told(world: World, client: Client, settings: Any) -> None:
    _allow(world)
    honeypot = client.post(URL, _data(website="http://spam.example"))
    too_fast = client.post(URL, _data(ts=stamp()))
    forged = client.post(URL, _data(ts="12345"))
    assert {honeypot.status_code, too_fast.status_code, forged.status_code} == {200}
    assert not Learner.objects.exists()
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0
    client.post(URL, _data(ts=stamp()))
    assert Learner.objects.count() == 1


def test_a_minor_must_name_a_guardian(world: World, client: Client) -> None:
    _allow(world)
    response = client.post(URL, _data(date_of_birth="2015-01-01"))
    assert "guardian" in response.content.decode() and not Learner.objects.exists()
    client.post(URL, _data(date_of_birth="2015-01-01", guardian_email="ouder@example.org"))
    learner = Learner.objects.get()
    assert learner.person.guardian_links.get().guardian.email == "ouder@example.org"
