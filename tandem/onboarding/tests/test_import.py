"""Importing volunteers: all-or-nothing, template and export round trip."""

from __future__ import annotations

import io

import openpyxl

from conftest import World
from tandem.core.models import ImportBatch
from tandem.onboarding.models import Volunteer
from tandem.onboarding.tests.helpers import volunteer

URL = "/o/zuid/p/moz/volunteers/import/"
HEADER = "given_name,family_name,email,phone,postcode,city,languages,expertise,availability,state\n"



def _file(text: str, name: str):
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def test_one_bad_row_means_nothing_is_written(world: World) -> None:
    client = world.client_for("coordinator")
    text = HEADER + (
        "Anna,Smit,anna@example.org,,3073,Rotterdam,\"nl, tr\",maths,mon-evening,applied\n"
        "Bram,Visser,bram@example.org,,,Rotterdam,nl,,someday-noon,screening\n"
        "Cas,Bakker,cas@example.org,,,Rotterdam,nl,,,ready\n"
    )
    response = client.post(URL, {"file": _file(text, "v.csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown availability someday-noon" in html and "need screening first" in html
    assert not Volunteer.objects.exists() and not ImportBatch.objects.exists()


def test_valid_file_creates_and_updates_then_export_round_trips(world: World) -> None:
    existing = volunteer(world, email="sam@example.org")
    client = world.client_for("coordinator")
    text = HEADER + (
        "Anna,Smit,anna@example.org,,3073,Rotterdam,\"nl, tr\",maths,mon-evening,applied\n"
        "Sam,Jansen,sam@example.org,,,Rotterdam,nl,care,,screening\n"
    )
    preview = client.post(URL, {"file": _file(text, "v.csv")})
    assert preview.status_code == 200
    batch = ImportBatch.objects.get()
    assert client.post(URL, {"batch": batch.pk}).status_code == 302
    anna = Volunteer.objects.get(person__email="anna@example.org")
    assert anna.languages == ["nl", "tr"] and anna.latitude == 51.896
    existing.refresh_from_db()
    assert existing.state == "screening" and existing.expertise == ["care"]
    assert existing.transitions.get().get_reason_display() == "Imported from a file"
    export = client.get("/o/zuid/p/moz/volunteers/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == HEADER.strip().split(",")
    assert sheet.max_row == 3
    template = client.get("/o/zuid/p/moz/volunteers/import/template/?format=csv")
    assert template.content.decode("utf-8-sig").strip() == HEADER.strip()
