"""The pair's page and the supervisor's overview cost a fixed number of queries, however many
meetings (with their notes, goals and ratings) a pair has — asserted with 3 and 9 meetings."""

from __future__ import annotations

from itertools import count

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.testing import assert_paged_list_constant_queries, assert_queries_do_not_grow
from tandem.journal.models import GoalProgress, Note
from tandem.journal.tests.factories import goal, meeting, persona_match

pytestmark = pytest.mark.django_db


def _grower(world: World, match: object) -> tuple[list[str], object]:
    aim = goal(world, match)
    shown: list[str] = []
    days = count(1)

    def add(n: int) -> None:
        for _ in range(n):
            day = next(days)
            held = meeting(match, days=-day * 7, state="held", activities=f"Week-{day}", rating=4)
            held.goals.add(aim)
            Note.objects.create(meeting=held, kind="preparation", text=f"Plan-{day}", author=world.people["mentor"])
            comment = Note.objects.create(meeting=held, kind="comment", text="Goed", author=world.people["supervisor"])
            Note.objects.create(meeting=held, kind="reply", parent=comment, text="Dank", author=world.people["mentor"])
            Note.objects.create(meeting=held, kind="intervision", visibility="private", text="Privé",
                                author=world.people["supervisor"])
            GoalProgress.objects.create(goal=aim, note=f"Stap-{day}", meeting=held)
            meeting(match, days=day * 7 + 0.5)  # and one planned ahead
            shown.append(f"Week-{day}")

    return shown, add


@pytest.mark.parametrize("persona", ["coordinator", "mentor", "supervisor", "learner"])
def test_the_pairs_page_does_not_grow_with_its_meetings(world: World, persona: str) -> None:
    match = persona_match(world, weeks=20)
    shown, add = _grower(world, match)
    client = world.client_for(persona)
    url = reverse("journal:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug, "pk": match.pk})

    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert all(text in body for text in shown), persona

    assert_queries_do_not_grow(fetch, add)  # type: ignore[arg-type]


@pytest.mark.parametrize("persona", ["coordinator", "supervisor"])
def test_the_overview_does_not_grow_with_the_meetings(world: World, persona: str) -> None:
    match = persona_match(world, weeks=20)
    _shown, add = _grower(world, match)
    client = world.client_for(persona)
    url = reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})

    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200 and response.context["pairs"][0].pk == match.pk

    assert_queries_do_not_grow(fetch, add)  # type: ignore[arg-type]


def test_the_overview_counts_what_waits(world: World) -> None:
    match = persona_match(world, weeks=20)
    world.programme.requirements = {**world.programme.requirements, "supervisor_feedback_per_session": True}
    world.programme.save()
    ahead = meeting(match, days=2)
    Note.objects.create(meeting=ahead, kind="preparation", text="Plan", author=world.people["mentor"])
    meeting(match, days=-1)  # not logged
    meeting(match, days=-8, state="held", rating=5)
    meeting(match, days=-15, state="held", rating=3, important=True)
    response = world.client_for("coordinator").get(
        reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug}))
    row = response.context["pairs"][0]
    assert (row.n_held, row.n_past, row.n_unlogged, row.n_waiting_feedback, row.n_waiting_intervision,
            row.n_minutes, row.n_important, row.avg_rating) == (2, 3, 1, 1, 2, 120, 1, 4.0)
    assert row.next_id == ahead.pk


def test_the_coordinators_overview_is_paged_at_constant_queries(world: World) -> None:
    """Every open pair of a large programme is on one of the overview's pages (no cap), each
    page costing what a page of ten pairs costs."""
    from tandem.matching.tests.factories import numbered_match, relax

    relax(world)

    def add(i: int) -> str:
        match = numbered_match(world, i, state="active", digits=3)
        meeting(match, days=-7, state="held", rating=4)
        meeting(match, days=7)
        return match.learner.person.full_name

    assert_paged_list_constant_queries(
        world.client_for("coordinator"),
        reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug}), add)


def test_a_pairs_important_badge_counts_as_the_programmes_figure(world: World) -> None:
    """"Important" in a pair's row means what the figure above says: marked in the last two weeks."""
    from datetime import timedelta

    from django.utils import timezone

    match = persona_match(world, weeks=20)
    meeting(match, days=-30, state="held", important=True, logged_at=timezone.now() - timedelta(days=29))
    url = reverse("journal:overview", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    response = world.client_for("coordinator").get(url)
    assert response.context["numbers"].important == 0 and response.context["pairs"][0].n_important == 0
    meeting(match, days=-2, state="held", important=True)
    response = world.client_for("coordinator").get(url)
    assert response.context["numbers"].important == 1 and response.context["pairs"][0].n_important == 1
