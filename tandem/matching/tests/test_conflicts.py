"""Conflicts of interest: recorded by a coordinator on their page, the pair is never proposed —
not by the next round, not as an alternative, not by hand — and a proposal of it still under
review can no longer be published."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent
from tandem.matching import services
from tandem.matching.models import DeclinedPair, MatchingRound
from tandem.matching.tests.factories import mentor, persona_pair, pupil

pytestmark = pytest.mark.django_db
URL = reverse("matching:conflicts", kwargs={"org": "zuid", "prog": "moz"})


def run_round(world: World) -> MatchingRound:
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    assert matching_round.status == "done", (matching_round.failure, matching_round.failure_params)
    return matching_round


def test_a_recorded_conflict_excludes_the_pair_from_the_next_round(world: World) -> None:
    volunteer, learner = persona_pair(world)
    bram = mentor(world, "Bram", km_east=8)
    cas = mentor(world, "Cas", km_east=12)
    first = run_round(world)
    proposal = first.proposals.get()
    assert proposal.volunteer == volunteer  # the closer one
    # The review page links each proposal to the conflict page with the pair filled in.
    client = world.client_for("coordinator")
    round_url = reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": first.pk})
    link = f"{URL}?learner={learner.pk}&amp;volunteer={volunteer.pk}"
    assert link in client.get(round_url).content.decode()
    form = client.get(f"{URL}?learner={learner.pk}&volunteer={volunteer.pk}").content.decode()
    assert f'<option value="{learner.pk}" selected>' in form and f'<option value="{volunteer.pk}" selected>' in form

    response = client.post(URL, {"learner": learner.pk, "volunteer": volunteer.pk, "note": "Buren",
                                 "next": round_url})
    assert response.status_code == 302 and response["Location"] == round_url
    pair = DeclinedPair.objects.get(learner=learner, volunteer=volunteer)
    assert pair.kind == "conflict" and pair.note == "Buren" and pair.created_by == world.users["coordinator"]
    assert AuditEvent.objects.filter(subject=f"declined_pair:{pair.pk}").exists()
    # The open proposal of that pair is withdrawn from the review, and stale review forms refused.
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert MatchingRound.objects.get(pk=first.pk).version == first.version + 1

    second = run_round(world)
    assert [(p.learner, p.volunteer) for p in second.proposals.all()] == [(learner, bram)]
    # Nor is the conflicted mentor offered as an alternative: only the other one left is.
    assert [a["volunteer"] for a in second.proposals.get().alternatives] == [cas.pk]
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.match_propose(programme=world.programme, learner=learner, volunteer=volunteer,
                               actor=world.users["coordinator"], confirm=True)
    page = client.get(URL).content.decode()
    assert "Conflict of interest" in page and "Buren" in page and volunteer.person.full_name in page


def test_only_pairs_of_this_programme_and_recording_twice_changes_nothing(world: World) -> None:
    volunteer, learner = persona_pair(world)
    client = world.client_for("coordinator")
    stranger = pupil(world, "Ver")
    stranger.programme = world.other_programme
    stranger.save()
    response = client.post(URL, {"learner": stranger.pk, "volunteer": volunteer.pk})
    assert response.status_code == 200 and not DeclinedPair.objects.exists()
    with pytest.raises(ValidationError):
        services.conflict_record(programme=world.programme, learner=stranger, volunteer=volunteer, note="",
                                 actor=world.users["coordinator"])
    for _ in range(2):
        assert client.post(URL, {"learner": learner.pk, "volunteer": volunteer.pk}).status_code == 302
    assert DeclinedPair.objects.count() == 1
    assert world.client_for("mentor").get(URL).status_code == 403
    assert world.client_for("outsider").get(URL).status_code == 404
