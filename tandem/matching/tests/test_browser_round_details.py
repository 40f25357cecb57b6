"""A round's proposals, in German, with every explanation and list of alternatives opened: the
table stays inside its card, on a laptop (1280 px) and on a phone (390 px). In a column of their
own, the opened criteria ("Fachgebiet ↔ Bedarf", "Altersunterschied") pushed the table past its
card at 1280 px and it scrolled sideways in its box; they now read below their pair, across the
whole table."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.core import demo
from tandem.core.models import Programme
from tandem.core.testing import browser_log_in
from tandem.matching.models import MatchingRound

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The table's right edge against its box's and its card's, and whether the box scrolls sideways.
EDGES = """() => {
  const table = document.querySelector("#proposals"), wrap = table.closest(".table-wrap"),
        card = table.closest(".card");
  return {table: table.getBoundingClientRect().right, wrap: wrap.getBoundingClientRect().right,
          card: card.getBoundingClientRect().right, scroll: wrap.scrollWidth, client: wrap.clientWidth,
          page: document.scrollingElement.scrollWidth, viewport: innerWidth};
}"""


def test_opened_explanations_stay_inside_the_card_in_german(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    programme = Programme.objects.get(slug="community-builders")
    matching_round = MatchingRound.objects.filter(programme=programme, status="done").latest("created")
    url = reverse("matching:round", kwargs={"org": programme.organisation.slug, "prog": programme.slug,
                                            "pk": matching_round.pk})
    for width in (1280, 390):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
        page = context.new_page()
        browser_log_in(page, demo.MAIN_COORDINATOR, demo.DEMO_PASSWORD)
        if page.locator(".menu-button").is_visible():
            page.locator(".menu-button").click()
        with page.expect_navigation():
            page.locator("#language-select").select_option("de")
        page.goto(url)
        summaries = page.locator("#proposals summary")
        assert summaries.count() >= 4
        for i in range(summaries.count()):  # as a coordinator would: click by click
            summaries.nth(i).click()
        assert page.locator("#proposals details[open]").count() == summaries.count()
        assert page.locator("#proposals table.explanation").first.is_visible()
        assert "Erklärung" in page.locator("#proposals").inner_text()
        edges = page.evaluate(EDGES)
        assert edges["table"] <= edges["wrap"] + 1 and edges["table"] <= edges["card"] + 1, (width, edges)
        assert edges["scroll"] <= edges["client"], (width, edges)  # the box does not scroll sideways
        assert edges["page"] <= edges["viewport"], (width, edges)
        context.close()
