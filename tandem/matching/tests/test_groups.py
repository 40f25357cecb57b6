"""Group mentoring: a round fills a mentor's learning community up to their capacity and never
beyond, publishing creates and then extends the community, and its page is for its mentor and
the coordinators only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.matching import services
from tandem.matching.models import OPEN_STATES, LearningCommunity, Match, MatchingRound
from tandem.matching.tests.factories import consent, mentor, pupil, relax

pytestmark = pytest.mark.django_db


def group(world: World) -> None:
    relax(world)
    world.programme.format = "group"
    world.programme.save()


def run_round(world: World) -> MatchingRound:
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    assert matching_round.status == "done", (matching_round.failure, matching_round.failure_params)
    return matching_round


def publish(world: World, matching_round: MatchingRound) -> list[Match]:
    matching_round.refresh_from_db()
    published, problems = services.round_publish(matching_round=matching_round, actor=world.users["coordinator"],
                                                 expected_version=matching_round.version)
    assert not problems
    return published


def test_a_group_round_fills_communities_up_to_capacity_and_publishing_creates_then_extends_them(
        world: World) -> None:
    group(world)
    lea = mentor(world, "Lea", capacity=3)
    bo = mentor(world, "Bo", km_east=2, capacity=2)
    learners = [pupil(world, f"P{i}", km_east=i * 0.4) for i in range(6)]

    first = run_round(world)
    per_mentor = {v: first.proposals.filter(volunteer=v).count() for v in (lea, bo)}
    # Several learners per mentor, exactly up to each capacity; the sixth learner gets nobody.
    assert per_mentor == {lea: 3, bo: 2}
    assert first.unmatched.count() == 1
    left_out = first.unmatched.get().learner

    published = publish(world, first)
    assert len(published) == 5
    lea_community = LearningCommunity.objects.get(volunteer=lea)
    assert lea_community.capacity == 3 and lea_community.programme == world.programme
    assert set(lea_community.matches.values_list("learner_id", flat=True)) == {
        m.learner_id for m in published if m.volunteer_id == lea.pk}
    assert LearningCommunity.objects.get(volunteer=bo).matches.count() == 2
    assert sorted(Match.objects.filter(volunteer=lea).values_list("slot", flat=True)) == [1, 2, 3]
    lea.refresh_from_db()
    assert lea.state == "active"

    # Full communities: the next round cannot run, says why, and no service goes beyond capacity.
    full = services.round_start(programme=world.programme, actor=world.users["coordinator"], background=False)
    assert (full.status, full.failure, full.failure_params["full"]) == ("failed", "no_volunteers", 2)
    assert not full.proposals.exists()
    with pytest.raises(ValidationError, match="no free place"):
        services.match_create(programme=world.programme, volunteer=lea, learner=left_out,
                              actor=world.users["coordinator"])

    # Lea takes one more place: the next round fills it and publishing extends her community.
    lea.capacity = 4
    lea.save()
    second = run_round(world)
    assert [(p.learner, p.volunteer) for p in second.proposals.all()] == [(left_out, lea)]
    [extra] = publish(world, second)
    lea_community.refresh_from_db()
    assert extra.community == lea_community and lea_community.capacity == 4
    assert lea_community.matches.filter(state__in=OPEN_STATES).count() == 4
    assert LearningCommunity.objects.filter(volunteer=lea).count() == 1
    assert {m.learner for m in Match.objects.filter(state__in=OPEN_STATES)} == set(learners)


def test_the_community_page_is_for_its_mentor_and_the_coordinators(world: World) -> None:
    group(world)
    coordinator = world.users["coordinator"]
    lea = mentor(world, "Lea", person=world.people["mentor"], capacity=3)
    otto = mentor(world, "Otto", km_east=1, capacity=2)
    members = [pupil(world, name) for name in ("Ada", "Bram")]
    for learner in members:
        services.match_create(programme=world.programme, volunteer=lea, learner=learner, actor=coordinator)
    # The learner persona belongs to another community (Otto's).
    persona = pupil(world, "Learner", person=world.people["learner"])
    consent(world, persona, world.people["guardian"])
    services.match_create(programme=world.programme, volunteer=otto, learner=persona, actor=coordinator)
    own = LearningCommunity.objects.get(volunteer=lea)
    other = LearningCommunity.objects.get(volunteer=otto)
    services.community_meeting_add(community=own, starts_at=timezone.now() + timedelta(days=7),
                                   place="Wijkcentrum De Hillevliet", topic="Samen leren plannen", actor=coordinator)

    def url(community: LearningCommunity) -> str:
        return reverse("matching:community", kwargs={"org": "zuid", "prog": "moz", "pk": community.pk})

    # The mentor plans a meeting on the page; both the mentor and the coordinator see it all.
    when = (timezone.localtime() + timedelta(days=14)).strftime("%Y-%m-%dT%H:%M")
    response = world.client_for("mentor").post(url(own), {"starts_at": when, "place": "Bibliotheek Zuid",
                                                          "topic": "Toetsweek"})
    assert response.status_code == 302
    for persona_name in ("mentor", "coordinator"):
        page = world.client_for(persona_name).get(url(own))
        assert page.status_code == 200
        html = page.content.decode()
        for learner in members:
            assert learner.person.full_name in html
        assert "Samen leren plannen" in html and "Toetsweek" in html and "Bibliotheek Zuid" in html
        assert persona.person.full_name not in html  # Otto's member is not listed here
    assert world.client_for("outsider").get(url(own)).status_code == 404
    assert world.client_for("learner").get(url(own)).status_code == 403  # a member of Otto's community
    assert world.client_for("mentor").get(url(other)).status_code == 404  # another mentor's community
    assert world.client_for("coordinator").get(url(other)).status_code == 200


def test_a_community_is_called_after_its_mentor_in_each_readers_language(world: World) -> None:
    """No name is stored for a new community: each reader sees it in their own language, and
    names generated before (in whoever's language) are forgotten by the migration."""
    import importlib

    from django.apps import apps
    from django.utils import translation

    group(world)
    volunteer = mentor(world, "Yusuf", capacity=3)
    community = services._community_for(volunteer)
    assert community.name == ""
    with translation.override("de"):
        assert str(community) == "Lerngemeinschaft von Yusuf"
    with translation.override("nl"):
        assert str(community) == "Leergemeenschap van Yusuf"
    LearningCommunity.objects.filter(pk=community.pk).update(name="Lerngemeinschaft von Yusuf")
    named = LearningCommunity.objects.create(programme=world.programme, capacity=2, name="De Denkers",
                                             volunteer=mentor(world, "Ines"))
    migration = importlib.import_module("tandem.matching.migrations.0003_community_name_in_readers_language")
    migration.forget_generated_names(apps, None)
    community.refresh_from_db()
    named.refresh_from_db()
    assert (community.name, named.name) == ("", "De Denkers")
