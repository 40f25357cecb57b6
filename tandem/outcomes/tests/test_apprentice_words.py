"""In a programme of apprentices (it works with training companies: core.apprentices) the
programme's year is the "Ausbildungsjahr" (training year) on the results page and the funder
report, its partners are "Berufsschule oder Betrieb", and learners are counted as the first in
their family in vocational training — not "Schuljahr", "Schule", "Studium"."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.models import PartnerInstitution
from tandem.outcomes import funder, report, selectors
from tandem.outcomes.tests import known

pytestmark = pytest.mark.django_db


def _apprentices(world: World) -> None:
    PartnerInstitution.objects.create(programme=world.programme, name="Autohaus Berlin-Mitte",
                                      kind=PartnerInstitution.Kind.EMPLOYER)


def _dashboard(world: World) -> str:
    user = world.users["coordinator"]
    user.language = "de"
    user.save(update_fields=["language"])
    url = reverse("outcomes:dashboard", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    return world.client_for("coordinator").get(url).content.decode()


def test_the_results_page_names_the_training_year_for_apprentices(world: World) -> None:
    known.build(world)
    page = _dashboard(world)
    assert "Schuljahr" in page and "Ausbildungsjahr" not in page  # pupils: a school year
    _apprentices(world)
    page = _dashboard(world)
    assert "Ausbildungsjahr" in page and "Berufsschule oder Betrieb" in page
    # The report's school years and the coordinator's note on chosen dates name the training year too.
    assert "Ein Bericht gilt für ein Ausbildungsjahr" in page and "den Bericht eines Ausbildungsjahres" in page
    assert "Schuljahr" not in page and "Schule oder Partner" not in page


def test_the_funder_report_and_the_participation_figures_for_apprentices(world: World) -> None:
    known.build(world)
    _apprentices(world)
    with translation.override("de"):
        built = funder.build(programme=world.programme, cycle="2025-2026")
        assert built.title == "Ergebnisbericht, Ausbildungsjahr 2025-2026"
        assert "Ausbildungsjahr" in built.scope and "Schuljahr" not in built.scope
        dated = funder.build(programme=world.programme, start=date(2025, 8, 1), end=date(2026, 7, 31))
        assert "Ausbildungsjahres" in dated.scope and "Schuljahr" not in dated.scope
        rows = [row.label for section in built.sections for row in section.rows] + [s.note for s in built.sections]
        assert not any("Schuljahr" in text for text in rows), rows
        settings = selectors.outcome_settings(world.programme)
        data = {"learner_first_generation": {"2025-2026": {"yes": 6, "no": 6}}}
        [section] = [s for s in report.participation_sections(data, settings=settings, suppress=False)
                     if s.key == "learner_first_generation"]
    assert section.title == "Mentees, die als Erste in ihrer Familie eine Berufsausbildung machen"
    assert section.rows[0].label == "Ausbildungsjahr 2025-2026"


def test_the_targets_form_asks_about_vocational_training_for_apprentices(world: World) -> None:
    user = world.users["coordinator"]
    user.language = "de"
    user.save(update_fields=["language"])
    url = reverse("outcomes:settings", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Ziel: Mentees der ersten Generation (%)" in page
    _apprentices(world)
    page = world.client_for("coordinator").get(url).content.decode()
    assert "Ziel: Mentees, die als Erste in ihrer Familie eine Berufsausbildung machen (%)" in page
    assert "Mentees der ersten Generation" not in page  # mentors stay "im Studium": they are students
