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


def test_thousands_are_grouped_as_the_readers_language_groups_them() -> None:
    """A funder read "Stunden Mentoring 1382,2" and, at AFEV's size, "12034" meetings."""
    from django.utils import translation

    from tandem.core.suppression import Shown
    from tandem.outcomes.models import OutcomeSettings
    from tandem.outcomes.report import Show, fmt

    show = Show(OutcomeSettings(threshold=5, min_denominator=10), suppress=True)
    for language, hours, meetings in (("de", "1.382,2", "12.034"), ("nl", "1.382,2", "12.034"),
                                      ("en", "1,382.2", "12,034"), ("fr", "1\u00a0382,2", "12\u00a0034")):
        with translation.override(language):
            assert fmt(1382.2) == hours, language
            assert show.count(Shown(12034, primary=False)) == meetings, language
