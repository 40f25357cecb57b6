"""The funder report as a Dutch funder reads it: "95 %" stays on one line (the PDF printed "95" at
the end of one line and "%-betrouwbaarheidsinterval" on the next), and meetings are
"bijeenkomsten" in every row ("Afspraken per koppeling" stood under "Gehouden bijeenkomsten")."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from conftest import World
from tandem.outcomes.tests import known

NBSP = "\u00a0"


def _report(world: World, kind: str, language: str) -> bytes:
    user = world.users["coordinator"]
    user.language = language
    user.save(update_fields=["language"])
    url = reverse(f"outcomes:report_{kind}", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    response = world.client_for("coordinator").get(url + "?start=2025-08-01&end=2026-07-31")
    assert response.status_code == 200
    return bytes(response.content)


@pytest.mark.parametrize(("language", "interval"), [
    ("en", "95% confidence interval: "), ("nl", "95%-betrouwbaarheidsinterval: "),
    ("fr", f"intervalle de confiance à 95{NBSP}%{NBSP}: "),
])
def test_the_confidence_interval_keeps_95_and_its_percent_sign_together(world: World, language: str,
                                                                        interval: str) -> None:
    known.build(world)
    sheet = load_workbook(io.BytesIO(_report(world, "xlsx", language))).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert any(interval in c for c in cells), [c for c in cells if "95" in c]


def test_a_dutch_report_calls_meetings_bijeenkomsten(world: World) -> None:
    known.build(world)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(_report(world, "pdf", "nl"))).pages)
    assert "Bijeenkomsten per koppel" in text and "Afspraken" not in text
