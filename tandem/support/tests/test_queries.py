"""The risk list, the concerns inbox and the exchange meetings are paged and read a fixed number
of queries however many pairs, concerns or meetings there are (asserted with 10 and 60 rows:
two pages of 50)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.testing import assert_paged_list_constant_queries
from tandem.journal.tests.factories import meeting
from tandem.matching.tests.factories import numbered_match
from tandem.support.models import CheckIn, Concern, ExchangeMeeting, PulseRating
from tandem.support.tests.factories import make_lead

pytestmark = pytest.mark.django_db


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


@pytest.mark.parametrize("persona", ["coordinator", "supervisor"])
def test_the_risk_list_costs_the_same_for_10_and_60_pairs(world: World, persona: str) -> None:
    make_lead(world)

    def add(i: int) -> str:
        start = timezone.localdate() - timedelta(days=40 + i)
        match = numbered_match(world, i + 10, state="active", digits=3, cycle_start=start,
                               cycle_end=start + timedelta(weeks=20))
        # Every kind of fact the rules read, so none is read per pair.
        meeting(match, days=-30, state="held")
        meeting(match, days=-3, state="cancelled", missed_by="mentor")
        CheckIn.objects.create(match=match, on=start + timedelta(days=14), with_whom="mentor", how="phone", minutes=5)
        PulseRating.objects.create(match=match, side="mentor", score=5)
        PulseRating.objects.create(match=match, side="learner", score=2)
        Concern.objects.create(programme=world.programme, match=match, kind="safeguarding" if i % 2 else "problem",
                               description="x", raised_as="mentor")
        return f'data-match="{match.pk}"'

    walked = assert_paged_list_constant_queries(world.client_for(persona), _url(world, "support:risks"), add,
                                                few=10, many=60)
    assert len(walked) == 2


def test_the_concerns_inbox_is_paged(world: World) -> None:
    def add(i: int) -> str:
        row = Concern.objects.create(programme=world.programme, kind="question", description=f"Vraag {i}",
                                     raised_as="mentor", raised_by=world.people["mentor"])
        return f"/concerns/{row.pk}/"

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "support:concerns"), add,
                                       few=10, many=60)


def test_the_exchange_meetings_are_paged(world: World) -> None:
    def add(i: int) -> str:
        row = ExchangeMeeting.objects.create(programme=world.programme, topic=f"Intervisie {i:03d}",
                                             starts_at=timezone.now() + timedelta(days=i), place="Buurthuis")
        return row.topic

    assert_paged_list_constant_queries(world.client_for("coordinator"), _url(world, "support:exchanges"), add,
                                       few=10, many=60)
