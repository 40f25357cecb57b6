"""The funder's way to the results: the observer's programme overview has a card with the
results page and the last school year's report; nobody else's overview gets it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import World

pytestmark = pytest.mark.django_db


def test_the_funder_finds_the_results_and_the_report_on_the_overview(world: World) -> None:
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    overview = reverse("core:programme", kwargs=kw)
    world.users["observer"].language = "nl"
    world.users["observer"].save(update_fields=["language"])
    page = world.client_for("observer").get(overview, HTTP_ACCEPT_LANGUAGE="nl")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Resultaten openen" in html and "Het rapport over het vorige schooljaar:" in html
    for name in ("outcomes:dashboard", "outcomes:report_pdf", "outcomes:report_xlsx"):
        assert f'href="{reverse(name, kwargs=kw)}"' in html
    # The report the card links to, without a period, is last school year's, and it opens.
    report = world.client_for("observer").get(reverse("outcomes:report_pdf", kwargs=kw))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    # Its file name is in the reader's language too.
    assert 'filename="resultaten-' in report["Content-Disposition"], report["Content-Disposition"]
    for persona in ("mentor", "learner", "guardian", "coordinator"):
        other = world.client_for(persona).get(overview).content.decode()
        assert 'id="h-results"' not in other, persona
