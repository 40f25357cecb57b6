"""Volunteers' languages and expertise: chosen from lists, stored as codes, read as words."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from tandem.core.models import ImportBatch
from tandem.onboarding import services
from tandem.onboarding.models import Volunteer
from tandem.onboarding.tests.helpers import volunteer
from tandem.onboarding.tests.test_apply import URL, _client, _data


@pytest.fixture(autouse=True)
def _no_minimum(settings: Any) -> None:
    settings.TANDEM_APPLICATION_MIN_SECONDS = 0


def test_the_application_form_offers_lists_and_refuses_codes_that_are_not_on_them(world: World) -> None:
    client = _client("de")
    page = client.get(URL).content.decode().replace("\u00ad", "")  # the slots' soft hyphens
    assert "Niederländisch" in page and "Türkisch" in page and 'value="tr"' in page
    assert "Mathematik" in page and "Berufsorientierung" in page and "Dienstagabend" in page
    assert "ISO" not in page and "Two-letter" not in page
    for bad in ({"languages": ["xx"]}, {"expertise": ["astrology"]}, {"expertise": ["Mathe"]},
                {"availability": ["tue-noon"]}):
        response = client.post(URL, _data(**bad))
        assert response.status_code == 400, bad
    assert not Volunteer.objects.exists()


def test_the_service_refuses_what_no_form_offers(world: World) -> None:
    v = volunteer(world)
    for bad in ({"languages": ["Dutch"]}, {"expertise": ["Mathe"]}, {"availability": ["someday"]}):
        with pytest.raises(ValidationError):
            services.volunteer_update(volunteer=v, actor=world.users["coordinator"], **bad)


def test_board_shows_names_in_the_readers_language_and_finds_fields_by_any_word(world: World) -> None:
    anna = volunteer(world, email="anna@example.org", languages=["nl", "pap"], expertise=["maths", "career"],
                     availability=["tue-afternoon"])
    bram = volunteer(world, email="bram@example.org", languages=["nl"], expertise=["care"])
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    client = world.client_for("coordinator")
    page = client.get("/o/zuid/p/moz/volunteers/").content.decode()
    assert "Nederlands, Papiaments" in page and "wiskunde, loopbaanoriëntatie" in page
    for word in ("wiskunde", "Mathe", "rekenen"):
        found = client.get(f"/o/zuid/p/moz/volunteers/?q={word}").content.decode()
        assert f"/volunteers/{anna.pk}/" in found and f"/volunteers/{bram.pk}/" not in found, word
    detail = client.get(f"/o/zuid/p/moz/volunteers/{anna.pk}/")
    assert "dinsdagmiddag" in detail.content.decode()


def test_an_import_resolves_expertise_words_and_reports_unknown_ones(world: World) -> None:
    client = world.client_for("coordinator")
    url = "/o/zuid/p/moz/volunteers/import/"
    header = "given_name,family_name,email,languages,expertise,availability\n"

    def upload(text: str) -> Any:
        f = io.BytesIO((header + text).encode())
        f.name = "v.csv"
        return client.post(url, {"file": f})

    bad = upload("Jonas,Weber,jonas@example.org,Deutsch,\"Mathe, Astrologie\",Dienstagabend\n")
    assert bad.status_code == 400 and "Astrologie" in bad.content.decode()
    assert upload("Jonas,Weber,jonas@example.org,\"Deutsch, Türkisch\",\"Mathe, Elektriker\","
                  "\"Dienstagabend; sat-morning\"\n").status_code == 200
    assert client.post(url, {"batch": ImportBatch.objects.get().pk}).status_code == 302
    jonas = Volunteer.objects.get(person__email="jonas@example.org")
    assert jonas.languages == ["de", "tr"] and jonas.expertise == ["maths", "electrician"]
    assert jonas.availability == ["tue-evening", "sat-morning"]
