"""School indicator files in the coordinator's language: German headers and values (";",
31.01.2026, "7,5", "Versetzt") import like the code file, a Dutch XLSX export re-imports
unchanged, the templates' headers are in the reader's language."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.importing import build_preview, read_table
from tandem.outcomes.importing import IndicatorSpec
from tandem.outcomes.models import SchoolIndicator
from tandem.outcomes.tests.factories import consenting, pair


def _kwargs(world: World) -> dict[str, str]:
    return {"org": world.organisation.slug, "prog": world.programme.slug}


def _as(world: World, language: str) -> Any:
    coordinator = world.users["coordinator"]
    coordinator.language = language
    coordinator.save()
    return world.client_for("coordinator")


def _files(world: World) -> tuple[str, str]:
    learner = pair(world).learner
    consenting(world)
    name = learner.person.given_name
    codes = ("learner,given_name,indicator,measured_on,value,result,months_after\n"
             f"{learner.pk},{name},absence_rate,2026-01-31,7.5,,\n"
             f"{learner.pk},{name},grade_progression,2026-07-01,,promoted,6\n")
    german = ("Mentee-Nummer;Vorname;Indikator;Gemessen am;Wert;Ergebnis;Monate danach\n"
              f"{learner.pk};{name};Fehlzeiten (% der Unterrichtsstunden);31.01.2026;7,5;;\n"
              f"{learner.pk};{name};Versetzung;01.07.2026;;Versetzt;6\n")
    return codes, german


def _values(world: World, text: str) -> list[dict[str, Any]]:
    preview = build_preview(spec=IndicatorSpec(world.programme), rows=read_table(text.encode(), "s.csv"))
    assert preview.is_valid, (preview.file_errors, [r.errors for r in preview.rows])
    return [row.values for row in preview.rows]


def test_a_german_file_imports_the_same_indicators_as_the_code_file(world: World) -> None:
    codes, german = _files(world)
    assert _values(world, german) == _values(world, codes)
    client = _as(world, "de")
    url = reverse("outcomes:indicators_import", kwargs=_kwargs(world))
    page = client.post(url, {"file": SimpleUploadedFile("schule.csv", german.encode())})
    assert page.status_code == 200, page.content.decode()
    assert client.post(url, {"batch": str(page.context["batch"].pk)}).status_code == 302
    assert SchoolIndicator.objects.get(kind="absence_rate").number == Decimal("7.50")
    assert SchoolIndicator.objects.get(kind="grade_progression").code == "promoted"


def test_a_dutch_xlsx_export_re_imports_unchanged(world: World) -> None:
    codes, _german = _files(world)
    client = _as(world, "nl")
    url = reverse("outcomes:indicators_import", kwargs=_kwargs(world))
    page = client.post(url, {"file": SimpleUploadedFile("s.csv", codes.encode())})
    client.post(url, {"batch": str(page.context["batch"].pk)})
    export = client.get(reverse("outcomes:indicators_table", kwargs={**_kwargs(world), "fmt": "export"}),
                        {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == ["Leerlingnummer", "Voornaam", "Indicator", "Gemeten op", "Waarde",
                                           "Resultaat", "Maanden na"]
    grades = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[5])
    assert grades[5] == "Overgegaan" and "grade_progression" not in [str(v) for v in grades]
    with translation.override("nl"):
        preview = build_preview(spec=IndicatorSpec(world.programme), rows=read_table(export.content, "s.xlsx"))
    assert preview.is_valid and [r.action for r in preview.rows] == ["update", "update"]
    stored = {(i.kind, i.measured_on): (i.number, i.code, i.months_after) for i in SchoolIndicator.objects.all()}
    assert {(v["indicator"], v["measured_on"]): (v["value"], v["result"], v["months_after"])
            for v in (r.values for r in preview.rows)} == stored


@pytest.mark.parametrize(("language", "header"), [
    ("en", ["Learner number", "Given name", "Indicator", "Measured on", "Value", "Result", "Months after"]),
    ("nl", ["Leerlingnummer", "Voornaam", "Indicator", "Gemeten op", "Waarde", "Resultaat", "Maanden na"]),
    ("fr", ["Numéro du jeune", "Prénom", "Indicateur", "Mesuré le", "Valeur", "Résultat", "Mois après"]),
    ("de", ["Mentee-Nummer", "Vorname", "Indikator", "Gemessen am", "Wert", "Ergebnis", "Monate danach"]),
])
def test_the_templates_header_row_is_in_the_readers_language(world: World, language: str, header: list[str]) -> None:
    client = _as(world, language)
    url = reverse("outcomes:indicators_table", kwargs={**_kwargs(world), "fmt": "template"})
    text = client.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text), delimiter="," if language == "en" else ";")) == header
    xlsx = client.get(url, {"format": "xlsx"}).content
    assert [c.value for c in openpyxl.load_workbook(io.BytesIO(xlsx)).active[1]] == header
    page = client.get(reverse("outcomes:indicators_import", kwargs=_kwargs(world))).content.decode()
    assert "measured_on" not in page and "absence_rate" not in page and "in_education" not in page
