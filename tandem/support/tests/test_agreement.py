"""One definition of "needs attention": the risk list, the dashboard's counts, the pair's page
and the weekly digest show the same pairs for the same reasons, on the same data."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.journal.tests.factories import meeting
from tandem.matching.models import Match
from tandem.matching.tests.factories import numbered_match
from tandem.support import attention, services
from tandem.support.models import DigestMail, PulseRating
from tandem.support.tests.factories import concern, pair

pytestmark = pytest.mark.django_db


def _running(world: World, i: int, *, days_ago: int) -> Match:
    start = timezone.localdate() - timedelta(days=days_ago)
    return numbered_match(world, i, state="active", cycle_start=start, cycle_end=start + timedelta(weeks=20))


def _world_of_risks(world: World) -> dict[str, Match]:
    """A pair for several reasons and a healthy one."""
    pairs = {"concern": pair(world, weeks=1)}
    concern(world, match=pairs["concern"], kind="safeguarding", description="Zorgen-thuis")
    meeting(pairs["concern"], days=-1, state="held")
    pairs["quiet"] = _running(world, 1, days_ago=60)  # no meeting, no check-in
    pairs["gap"] = _running(world, 2, days_ago=3)
    PulseRating.objects.create(match=pairs["gap"], side="mentor", score=5)
    PulseRating.objects.create(match=pairs["gap"], side="learner", score=2)
    pairs["fine"] = _running(world, 3, days_ago=3)
    meeting(pairs["fine"], days=-1, state="held")
    return pairs


def _risk_list(client: Any, world: World) -> dict[int, set[str]]:
    url = reverse("support:risks", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    body = client.get(url).content.decode()
    rows = re.findall(r'<tr data-match="(\d+)">(.*?)</tr>', body, re.S)
    return {int(pk): set(re.findall(r'data-risk="(\w+)"', row)) for pk, row in rows}


def _dashboard(client: Any, world: World) -> dict[str, int]:
    url = reverse("core:programme", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    body = client.get(url).content.decode()
    panel = body[body.index('id="panel-attention"'):]
    panel = panel[:panel.index("</section>")]
    return {code: int(n) for code, n in re.findall(r'data-reason="(\w+)">[^<]*<span class="n">(\d+)</span>', panel)}


@pytest.mark.parametrize("persona", ["coordinator", "supervisor"])
def test_risk_list_dashboard_pair_page_and_digest_agree(world: World, persona: str, run_tasks: Any,
                                                        django_capture_on_commit_callbacks: Any) -> None:
    pairs = _world_of_risks(world)
    client = world.client_for(persona)
    listed = _risk_list(client, world)
    assert set(listed) == {pairs["concern"].pk, pairs["quiet"].pk, pairs["gap"].pk}
    assert listed[pairs["concern"].pk] == {"concern"}
    assert listed[pairs["quiet"].pk] == {"no_meeting", "check_in"}
    assert listed[pairs["gap"].pk] == {"rating_gap"}

    per_reason: dict[str, int] = {}
    for reasons in listed.values():
        for code in reasons:
            per_reason[code] = per_reason.get(code, 0) + 1
    assert _dashboard(client, world) == per_reason

    for match in pairs.values():
        url = reverse("support:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                              "pk": match.pk})
        shown = set(re.findall(r'data-risk="(\w+)"', client.get(url).content.decode()))
        assert shown == listed.get(match.pk, set())

    with django_capture_on_commit_callbacks(execute=True):
        services.send_digest()
    run_tasks()
    person = world.people[persona]
    mine = [m for m in mail.outbox if person.email in m.to]
    assert len(mine) == 1
    body = mine[0].body
    for match in pairs.values():
        url = reverse("support:pair", kwargs={"org": world.organisation.slug, "prog": world.programme.slug,
                                              "pk": match.pk})
        assert (url in body) is (match.pk in listed)
    assert "Zorgen-thuis" not in body  # a safeguarding concern is counted, never quoted
    lines = len(re.findall(r"^  - ", body, re.M))
    assert lines == sum(len(reasons) for reasons in listed.values())


def test_the_digest_goes_once_a_week(world: World, run_tasks: Any, django_capture_on_commit_callbacks: Any) -> None:
    _world_of_risks(world)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.send_digest()
        again = services.send_digest()
    assert first.mails >= 2 and again.mails == 0
    assert DigestMail.objects.count() == first.mails


def test_a_resolved_reason_leaves_the_list(world: World) -> None:
    pairs = _world_of_risks(world)
    item = pairs["concern"].concerns.get()
    services.concern_move(concern=item, to_state="resolved", actor=world.users["coordinator"],
                          expected_version=item.version, what="Opgelost")
    every = attention.pairs_with_risks(programme=world.programme, matches=Match.objects.filter(
        programme=world.programme))
    assert pairs["concern"].pk not in {p.match.pk for p in every}


def test_facts_alone_and_loaded_matches_agree(world: World) -> None:
    """A list of thousands of pairs reads their facts as plain rows and loads only the page's
    matches: the same pairs, reasons, order and pauses as reading every match in full."""
    pairs = _world_of_risks(world)
    matches = Match.objects.filter(programme=world.programme)
    loaded = attention.pairs_with_risks(programme=world.programme, matches=matches)
    bare = attention.pairs_with_risks(programme=world.programme, matches=matches, loaded=False)
    assert all(isinstance(p.match, Match) for p in loaded)
    assert not any(isinstance(p.match, Match) for p in bare)
    assert [(p.match.pk, p.risks, p.paused) for p in bare] == [(p.match.pk, p.risks, p.paused) for p in loaded]
    for p in bare:
        assert p.risks == attention.pair_risks(match=Match.objects.get(pk=p.match.pk))
    attention.load(bare[:1])
    assert bare[0].match == loaded[0].match and bare[0].match.learner.person.given_name
    assert len(bare) > 1 and not isinstance(bare[1].match, Match)  # only the pairs asked for
    due = attention.due_check_ins(programme=world.programme, matches=matches)
    assert [(m.pk, d) for m, d in attention.due_check_ins(programme=world.programme, matches=matches,
                                                             loaded=False)] == [(m.pk, d) for m, d in due]
    assert pairs["quiet"].pk in {m.pk for m, _d in due}


def test_the_list_reads_the_same_facts_as_one_pair(world: World) -> None:
    """``facts_of`` (grouped queries, for lists) and ``with_facts`` (correlated subqueries, for one
    pair) read the same facts for every pair: meetings of each kind, ratings, check-ins, concerns,
    pauses, and pairs with none of them."""
    pairs = _world_of_risks(world)
    meeting(pairs["gap"], days=-2, state="cancelled", missed_by="mentor")
    meeting(pairs["gap"], days=-60, state="no_show", missed_by="learner")
    meeting(pairs["gap"], days=5)
    PulseRating.objects.create(match=pairs["gap"], side="mentor", question="pulse", score=3)
    matches = attention.running_pairs(Match.objects.filter(programme=world.programme))
    listed = attention.facts_of(matches)
    one = attention.with_facts(matches).order_by("pk").values(*attention.FACT_FIELDS)
    assert [vars(f) for f in listed] == [dict(row) for row in one]
    assert len(listed) >= 4
