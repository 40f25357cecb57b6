"""Learner files in the coordinator's language: German headers and values (";", 03.02.2013)
import like the English-code file, a Dutch XLSX export re-imports unchanged, the templates'
headers are in the reader's language, unknown headers and dates are explained in their words."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.importing import build_preview, read_table, to_csv, to_xlsx
from tandem.core.models import ImportBatch
from tandem.intake.importing import LearnerSpec
from tandem.intake.models import Learner

CODES = (
    "given_name,family_name,email,date_of_birth,institution,level,languages,postcode,city,reasons,needs,"
    "availability,guardian_email\n"
    "Noor,Bakker,,2013-02-03,De Globetrotter,primary,\"nl, ar\",3073,Rotterdam,\"motivation, exam_preparation\","
    ",\"mon-afternoon, sat-morning\",ouder.bakker@example.org\n"
    "Daan,Visser,daan@example.org,2008-01-01,,havo,nl,3082,Rotterdam,,,,\n"
)
GERMAN = (
    "Vorname;Nachname;E-Mail;Geburtsdatum;Einrichtung;Niveau;Sprachen;PLZ;Ort;Gründe;Bedarf;Verfügbarkeit;"
    "E-Mail der Eltern\n"
    "Noor;Bakker;;03.02.2013;De Globetrotter;Grundschule;Niederländisch, Arabisch;3073;Rotterdam;"
    "Motivation, Prüfungsvorbereitung;;Montagnachmittag, Samstagvormittag;ouder.bakker@example.org\n"
    "Daan;Visser;daan@example.org;01.01.2008;;havo;Niederländisch;3082;Rotterdam;;;;\n"
)


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _as(world: World, language: str) -> Any:
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    return world.client_for("coordinator")


def _values(world: World, content: bytes, name: str) -> list[dict[str, Any]]:
    preview = build_preview(spec=LearnerSpec(world.programme), rows=read_table(content, name))
    assert preview.is_valid, (preview.file_errors, [r.errors for r in preview.rows])
    return [row.values for row in preview.rows]


def test_a_german_file_imports_the_same_learners_as_the_code_file(world: World) -> None:
    assert _values(world, GERMAN.encode(), "l.csv") == _values(world, CODES.encode(), "l.csv")
    client = _as(world, "de")
    page = client.post(_url(world, "intake:learner_import"),
                       {"file": SimpleUploadedFile("mentees.csv", GERMAN.encode())})
    assert page.status_code == 200, page.content.decode()
    assert client.post(_url(world, "intake:learner_import"), {"batch": ImportBatch.objects.get().pk}).status_code == 302
    noor = Learner.objects.get(person__family_name="Bakker")
    assert noor.person.date_of_birth == date(2013, 2, 3) and noor.level == "primary"
    assert noor.reasons == ["motivation", "exam_preparation"] and noor.languages == ["nl", "ar"]
    assert noor.availability == ["mon-afternoon", "sat-morning"]


def test_a_dutch_xlsx_export_re_imports_unchanged(world: World) -> None:
    client = _as(world, "nl")
    client.post(_url(world, "intake:learner_import"), {"file": SimpleUploadedFile("l.csv", CODES.encode())})
    client.post(_url(world, "intake:learner_import"), {"batch": ImportBatch.objects.get().pk})
    export = client.get(reverse("intake:learner_export", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug}), {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:6] == ["Voornaam", "Achternaam", "E-mail", "Geboortedatum", "Instelling",
                                               "Niveau"]
    noor = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Noor")
    assert noor[3].is_date and noor[3].number_format == "DD-MM-YYYY"  # a real date cell, shown the Dutch way
    assert noor[5].value == "Basisschool" and noor[9].value == "Motivatie, Examenvoorbereiding"
    assert noor[11].value == "maandagmiddag, zaterdagochtend"
    spec = LearnerSpec(world.programme)
    before = [(learner.person.date_of_birth, learner.level, learner.languages, learner.reasons,
               learner.availability) for learner in Learner.objects.order_by("pk")]
    with translation.override("nl"):
        preview = build_preview(spec=spec, rows=read_table(export.content, "leerlingen.xlsx"))
    assert preview.is_valid and [r.action for r in preview.rows] == ["update", "update"]
    by_name = {row.values["given_name"]: row.values for row in preview.rows}
    after = [(v["date_of_birth"], v["level"], v["languages"], v["reasons"], v["availability"])
             for v in (by_name[learner.person.given_name] for learner in Learner.objects.order_by("pk"))]
    assert after == before
    # The Dutch CSV too: ";" and dates as 03-02-2013, read back the same.
    with translation.override("nl"):
        data = to_csv(spec=spec, rows=spec.export_rows())
        assert "03-02-2013" in data.decode("utf-8-sig")
        again = build_preview(spec=spec, rows=read_table(data, "leerlingen.csv"))
    assert [r.values for r in again.rows] == [r.values for r in preview.rows]
    with translation.override("fr"):
        french = build_preview(spec=spec, rows=read_table(to_xlsx(spec=spec, rows=spec.export_rows()), "x.xlsx"))
    assert [r.values for r in french.rows] == [r.values for r in preview.rows]


def test_an_unknown_header_and_a_wrong_date_are_explained_in_the_readers_words(world: World) -> None:
    text = "Voornaam;Achternaam;Geboortedag;Geboortedatum\nNoor;Bakker;x;31.02.2013\n"
    with translation.override("nl"):
        preview = build_preview(spec=LearnerSpec(world.programme), rows=read_table(text.encode(), "l.csv"))
    assert any(e.startswith("Onbekende kolommen: “Geboortedag”.") for e in preview.file_errors)
    assert "Geboortedatum: “31.02.2013” is geen datum (schrijf het als DD-MM-JJJJ)." in preview.rows[0].errors
    with translation.override("fr"):
        preview = build_preview(spec=LearnerSpec(world.programme), rows=read_table(text.encode(), "l.csv"))
    assert any(e.startswith("Date de naissance") and "JJ/MM/AAAA" in e for e in preview.rows[0].errors)


def test_a_file_mixing_languages_in_its_headers_imports(world: World) -> None:
    text = ("Prénom,Achternaam,email,Geburtsdatum,Talen,disponibilités\n"
            "Noor,Bakker,,31/12/2012,arabe,samedi matin\n")
    [values] = _values(world, text.encode(), "l.csv")
    assert (values["given_name"], values["family_name"], values["date_of_birth"], values["languages"],
            values["availability"]) == ("Noor", "Bakker", date(2012, 12, 31), ["ar"], ["sat-morning"])


@pytest.mark.parametrize(("language", "header"), [
    ("en", ["Given name", "Family name", "E-mail", "Date of birth", "Institution", "Level", "Languages", "Postcode",
            "City", "Reasons", "Needs", "Availability", "Parents' e-mail"]),
    ("nl", ["Voornaam", "Achternaam", "E-mail", "Geboortedatum", "Instelling", "Niveau", "Talen", "Postcode",
            "Plaats", "Redenen", "Behoeften", "Beschikbaarheid", "E-mail ouders"]),
    ("fr", ["Prénom", "Nom de famille", "E-mail", "Date de naissance", "Établissement", "Niveau", "Langues",
            "Code postal", "Ville", "Raisons", "Besoins", "Disponibilités", "E-mail des parents"]),
    ("de", ["Vorname", "Nachname", "E-Mail", "Geburtsdatum", "Einrichtung", "Niveau", "Sprachen", "PLZ", "Ort",
            "Gründe", "Bedarf", "Verfügbarkeit", "E-Mail der Eltern"]),
])
def test_the_templates_header_row_is_in_the_readers_language(world: World, language: str, header: list[str]) -> None:
    client = _as(world, language)
    url = _url(world, "intake:learner_template")
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter="," if language == "en" else ";")) == header
    xlsx = client.get(url, {"format": "xlsx"}).content
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx)).active[1]] == header
    page = client.get(_url(world, "intake:learner_import")).content.decode()
    assert "date_of_birth" not in page and "exam_preparation" not in page and "mon-afternoon" not in page
    assert ("YYYY" in page) == (language == "en")  # the date's pattern in the reader's letters
