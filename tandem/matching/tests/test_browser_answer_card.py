"""The guardian's answer card at 390 px: its first line of text starts at the card's
padding, like a card opening with a heading — no empty line above it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone

from conftest import World
from tandem.matching import services
from tandem.matching.models import Match
from tandem.matching.tests.factories import persona_pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAP = """() => {
  const card = document.querySelector("main .card") || document.querySelector(".card");
  const first = card.firstElementChild;
  const padding = parseFloat(getComputedStyle(card).paddingTop);
  return [first.getBoundingClientRect().top - card.getBoundingClientRect().top - card.clientTop, padding];
}"""


def test_the_answer_card_has_no_empty_first_line(world: World, page: Any) -> None:
    volunteer, learner = persona_pair(world)
    match = services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                                   actor=world.users["coordinator"], confirm=True)
    Match.objects.filter(pk=match.pk).update(
        state=Match.State.INTRODUCED, first_meeting_place="De Globetrotter",
        first_meeting_at=timezone.make_aware(datetime(2026, 12, 1, 14, 0)))
    page.set_viewport_size({"width": 390, "height": 844})
    page.set_extra_http_headers({"Accept-Language": "nl"})
    page.goto(f"/matches/answer/{match.learner_token}/")
    assert "2026" in page.locator(".card > p").first.inner_text()  # the first meeting, first
    offset, padding = page.evaluate(GAP)
    assert abs(offset - padding) < 1, (offset, padding)
