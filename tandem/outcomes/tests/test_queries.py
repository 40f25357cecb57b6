"""The dashboard, the funder report and the lists make the same number of queries whatever the
programme's size."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.testing import assert_list_page_queries_do_not_grow, assert_queries_do_not_grow
from tandem.outcomes.models import SchoolIndicator, SurveyResponse, SurveyWave

pytestmark = pytest.mark.django_db


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _add_matches(world: World) -> object:
    from tandem.matching.tests.factories import numbered_match, relax

    relax(world)
    wave = SurveyWave.objects.create(programme=world.programme, instrument="rses", audience="learner",
                                     kind="intake", opens_on=date(2025, 9, 1), closes_on=date(2025, 10, 1))
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            i = made[0]
            made[0] += 1
            match = numbered_match(world, i, state=("active", "closed")[i % 2], cycle_start=date(2025, 9, 1))
            SurveyResponse.objects.create(wave=wave, person=match.learner.person, match=match,
                                          answers={}, score=20 + i)
            SchoolIndicator.objects.create(learner=match.learner, kind="absence_rate",
                                           measured_on=date(2025, 10, 1), number=5 + i)
    return add


@pytest.mark.parametrize("persona", ["coordinator", "observer"])
def test_dashboard_queries_do_not_grow(world: World, persona: str) -> None:
    client = world.client_for(persona)
    url = _url(world, "outcomes:dashboard")

    def fetch() -> None:
        assert client.get(url).status_code == 200

    assert_queries_do_not_grow(fetch, _add_matches(world))  # type: ignore[arg-type]


@pytest.mark.parametrize("role,query", [("coordinator", "?start=2025-08-01&end=2026-07-31"),
                                        ("observer", "?cycle=2025-2026")], ids=["dates", "school-year"])
def test_report_queries_do_not_grow(world: World, role: str, query: str) -> None:
    client = world.client_for(role)
    url = _url(world, "outcomes:report_xlsx") + query

    def fetch() -> None:
        assert client.get(url).status_code == 200

    assert_queries_do_not_grow(fetch, _add_matches(world))  # type: ignore[arg-type]


def test_indicator_list_queries_do_not_grow(world: World) -> None:
    from tandem.matching.tests.factories import pupil

    def add_row(i: int) -> str:
        learner = pupil(world, f"Kind{i}")
        SchoolIndicator.objects.create(learner=learner, kind="absence_rate", measured_on=date(2025, 10, 1 + i),
                                       number=3)
        return f"Kind{i}"

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "outcomes:indicators"),
                                         add_row)
