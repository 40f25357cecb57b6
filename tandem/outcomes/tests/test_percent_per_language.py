"""A share on the funder report as each language writes it: "40%" in English and Dutch,
"40 %" with a no-break space in French and German (Unicode CLDR through Babel, as the expenses'
amounts); and the spreadsheet still reads every one of them as the number 0.4."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from conftest import World
from tandem.outcomes import report, selectors
from tandem.outcomes.tests import known
from tandem.outcomes.tests.test_participation import _known as participation

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


@pytest.mark.parametrize(("language", "share"), [("en", "40%"), ("nl", "40%"), ("fr", f"40{NBSP}%"),
                                                 ("de", f"40{NBSP}%")])
def test_the_dropout_share_in_each_language(world: World, language: str, share: str) -> None:
    known.build(world)
    settings = selectors.outcome_settings(world.programme)
    with translation.override(language):
        sections = {s.key: s for s in report.build(selectors.figures(programme=world.programme),
                                                    settings=settings, suppress=False)}
    assert sections["dropout"].rows[0].value == share


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_the_spreadsheet_reads_the_share_as_a_number(world: World, language: str) -> None:
    participation(world)  # shares over enough people that the report shows them
    user = world.users["coordinator"]
    user.language = language
    user.save(update_fields=["language"])
    url = reverse("outcomes:report_xlsx", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    response = world.client_for("coordinator").get(url)
    cells = [c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows() for c in row
             if c.value is not None]
    assert any(c.value == 0.4 and c.number_format == "0%" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.endswith("%") and c.value[:-1].strip().isdigit()
                   for c in cells)
