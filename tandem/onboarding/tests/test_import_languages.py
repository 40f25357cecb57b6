"""Volunteer files in the coordinator's language: German headers and values with ";" import like
the old English-code file, a Dutch export re-imports unchanged, templates speak the reader's
language, and headers that are unknown or name one column twice are refused by name."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from conftest import World
from tandem.core.fields import vocabulary
from tandem.core.importing import build_preview, read_table, to_xlsx
from tandem.core.models import ImportBatch
from tandem.onboarding.importing import VolunteerSpec
from tandem.onboarding.models import Volunteer
from tandem.onboarding.tests.helpers import volunteer

URL = "/o/zuid/p/moz/volunteers/import/"
CODES = (
    "given_name,family_name,email,phone,postcode,city,languages,expertise,availability,state\n"
    "Anna,Smit,anna@example.org,,3073,Rotterdam,\"nl, tr\",maths,\"mon-evening, sat-morning\",applied\n"
    "Sam,Jansen,sam@example.org,010 111 2222,,Rotterdam,ar,,,screening\n"
)


def _german(world: World) -> str:
    maths = vocabulary(world.programme).label("maths", "de")
    return (
        "Vorname;Nachname;E-Mail;Telefon;PLZ;Ort;Sprachen;Fachgebiete;Verfügbarkeit;Status\n"
        f"Anna;Smit;anna@example.org;;3073;Rotterdam;Niederländisch, Türkisch;{maths};"
        "Montagabend, Samstagvormittag;Beworben\n"
        "Sam;Jansen;sam@example.org;010 111 2222;;Rotterdam;Arabisch;;;Überprüfung\n"
    )


def _values(world: World, text: str, name: str = "v.csv") -> list[dict[str, Any]]:
    preview = build_preview(spec=VolunteerSpec(world.programme), rows=read_table(text.encode(), name))
    assert preview.is_valid, (preview.file_errors, [r.errors for r in preview.rows])
    return [row.values for row in preview.rows]


def _as(world: World, language: str) -> Any:
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    return world.client_for("coordinator")


def test_a_german_file_with_semicolons_imports_the_same_people_as_the_code_file(world: World) -> None:
    german = _german(world)
    assert _values(world, german) == _values(world, CODES)
    client = _as(world, "de")
    upload = io.BytesIO(german.encode("cp1252"))
    upload.name = "ehrenamtliche.csv"  # Windows Excel "CSV (Trennzeichen-getrennt)": Windows-1252 and ";"
    page = client.post(URL, {"file": upload})
    body = page.content.decode()
    assert page.status_code == 200, body
    assert "<th scope=\"col\">Vorname</th>" in body and "given_name" not in body
    assert client.post(URL, {"batch": ImportBatch.objects.get().pk}).status_code == 302
    anna = Volunteer.objects.get(person__email="anna@example.org")
    assert anna.languages == ["nl", "tr"] and anna.availability == ["mon-evening", "sat-morning"]
    assert anna.expertise == ["maths"] and anna.state == "applied"
    assert Volunteer.objects.get(person__email="sam@example.org").state == "screening"


def test_a_dutch_xlsx_export_re_imports_unchanged(world: World) -> None:
    client = _as(world, "de")
    upload = io.BytesIO(CODES.encode())
    upload.name = "v.csv"
    client.post(URL, {"file": upload})
    client.post(URL, {"batch": ImportBatch.objects.get().pk})
    spec = VolunteerSpec(world.programme)
    with translation.override("nl"):
        data = to_xlsx(spec=spec, rows=spec.export_rows())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == ["Voornaam", "Achternaam", "E-mail", "Telefoon", "Postcode",
                                           "Plaats", "Talen", "Vakgebieden", "Beschikbaarheid", "Status"]
    anna = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "Anna")
    assert anna[6] == "Nederlands, Turks" and anna[8] == "maandagavond, zaterdagochtend" and anna[9] == "Aangemeld"
    with translation.override("de"):  # a German colleague imports the Dutch file
        preview = build_preview(spec=spec, rows=read_table(data, "vrijwilligers.xlsx"))
    assert preview.is_valid and [r.action for r in preview.rows] == ["update", "update"]
    for row in preview.rows:
        stored = Volunteer.objects.get(person__email=row.values["email"])
        assert (row.values["languages"], row.values["expertise"], row.values["availability"],
                row.values["state"], row.values["phone"]) == (
            stored.languages, stored.expertise, stored.availability, stored.state, stored.person.phone)


def test_an_unknown_header_is_named_and_the_missing_one_by_its_german_label(world: World) -> None:
    # (not "Familienname": a German list's other word for it is read as the family name)
    text = "Vorname;Spitzname;E-Mail\nAnna;Smit;anna@example.org\n"
    with translation.override("de"):
        preview = build_preview(spec=VolunteerSpec(world.programme), rows=read_table(text.encode(), "v.csv"))
    assert not preview.is_valid
    assert "Fehlende Spalten: „Nachname“." in preview.file_errors
    assert any(e.startswith("Unbekannte Spalten: „Spitzname“.") for e in preview.file_errors)


def test_a_file_mixing_languages_in_its_headers_imports(world: World) -> None:
    text = ("Voornaam,family_name,E-MAIL,Téléphone,postcode,Ort,languages,Compétences,Disponibilités,Statut\n"
            "Anna,Smit,anna@example.org,,3073,Rotterdam,nl,,lundi soir,Aangemeld\n")
    assert _values(world, text) == [{
        "given_name": "Anna", "family_name": "Smit", "email": "anna@example.org", "phone": "",
        "postcode": "3073", "city": "Rotterdam", "languages": ["nl"], "expertise": [],
        "availability": ["mon-evening"], "state": "applied"}]


def test_two_headers_for_one_column_are_refused(world: World) -> None:
    text = "Vorname,Voornaam,Nachname,E-Mail\nAnna,Anna,Smit,anna@example.org\n"
    with translation.override("de"):
        preview = build_preview(spec=VolunteerSpec(world.programme), rows=read_table(text.encode(), "v.csv"))
    assert not preview.is_valid
    assert "Die Spalten „Vorname“, „Voornaam“ sind alle „Vorname“: behalte nur eine davon." in preview.file_errors


def test_a_wrong_state_is_named_in_the_readers_words(world: World) -> None:
    volunteer(world, email="sam@example.org")
    text = "Voornaam;Achternaam;E-mail;Status\nSam;Jansen;sam@example.org;bezig\n"
    with translation.override("nl"):
        preview = build_preview(spec=VolunteerSpec(world.programme), rows=read_table(text.encode(), "v.csv"))
        [error] = preview.rows[0].errors
    assert error.startswith("Status: “bezig” is niet een van: Aangemeld, Screening,")
    assert "applied" not in error


@pytest.mark.parametrize(("language", "header", "delimiter"), [
    ("en", ["Given name", "Family name", "E-mail", "Phone", "Postcode", "City", "Languages", "Expertise",
            "Availability", "Status"], ","),
    ("nl", ["Voornaam", "Achternaam", "E-mail", "Telefoon", "Postcode", "Plaats", "Talen", "Vakgebieden",
            "Beschikbaarheid", "Status"], ";"),
    ("fr", ["Prénom", "Nom de famille", "E-mail", "Téléphone", "Code postal", "Ville", "Langues", "Compétences",
            "Disponibilités", "Statut"], ";"),
    ("de", ["Vorname", "Nachname", "E-Mail", "Telefon", "PLZ", "Ort", "Sprachen", "Fachgebiete",
            "Verfügbarkeit", "Status"], ";"),
])
def test_the_templates_header_row_is_in_the_readers_language(world: World, language: str, header: list[str],
                                                             delimiter: str) -> None:
    client = _as(world, language)
    csv_file = client.get(URL + "template/?format=csv")
    text = csv_file.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter=delimiter)) == header
    assert text.count(delimiter) == len(header) - 1
    xlsx = client.get(URL + "template/?format=xlsx")
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active[1]] == header
    page = client.get(URL).content.decode()
    assert "given_name" not in page and "mon-evening" not in page and "availability" not in page
