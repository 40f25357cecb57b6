"""URL x role classification of this app's URLs (merged by core's test_url_matrix)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.core.testing import (
    COORDINATORS,
    EVERYONE,
    OK,
    Access,
    Expect,
    programme_kwargs,
    redirect_to,
)
from tandem.matching.models import ExitSurvey, LearningCommunity, Match, MatchingRound

# Who may open a match page of the world's pair: coordinators, its mentor, its learner, the
# learner's guardian and the supervisor at the learner's school. Partner contacts and
# observers see nothing of matches (403); outsiders 404.
MATCH_READERS = COORDINATORS | {"mentor", "learner", "guardian", "supervisor"}


def _match(world: Any) -> Match:
    from tandem.matching.tests.factories import persona_pair

    existing = Match.objects.filter(programme=world.programme).first()
    if existing:
        return existing
    volunteer, learner = persona_pair(world)
    return Match.objects.create(programme=world.programme, volunteer=volunteer, learner=learner, slot=1,
                                capacity=1)


def _match_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _match(world).pk}


def _first_meeting_kwargs(world: Any) -> dict[str, Any]:
    """The match with its first meeting planned (its one-off .ics; 404 while none is planned)."""
    match = _match(world)
    if match.first_meeting_at is None:
        Match.objects.filter(pk=match.pk).update(first_meeting_at=timezone.now() + timedelta(days=2),
                                                 first_meeting_place="Bibliotheek Zuid", state="introduced")
    return {**programme_kwargs(world), "pk": match.pk}


def _record_answer_kwargs(world: Any) -> dict[str, Any]:
    """The match with its first meeting held: a coordinator may record the mentor's answer."""
    match = _match(world)
    Match.objects.filter(pk=match.pk).update(first_meeting_held_on=timezone.localdate(), state="introduced")
    return {**programme_kwargs(world), "pk": match.pk, "side": "mentor"}


def _round_kwargs(world: Any) -> dict[str, Any]:
    matching_round = MatchingRound.objects.create(programme=world.programme, status="done")
    return {**programme_kwargs(world), "pk": matching_round.pk}


def _community_kwargs(world: Any) -> dict[str, Any]:
    match = _match(world)
    community = LearningCommunity.objects.create(programme=world.programme, volunteer=match.volunteer,
                                                 name="Kring", capacity=1)
    return {**programme_kwargs(world), "pk": community.pk}


def _answer_token(world: Any) -> dict[str, Any]:
    return {"token": _match(world).mentor_token}


def _survey_token(world: Any) -> dict[str, Any]:
    match = _match(world)
    Match.objects.filter(pk=match.pk).update(state="closed", closed_at=timezone.now())
    return {"token": ExitSurvey.objects.create(match=match, side="mentor").token}


def _manage(kwargs: Any = programme_kwargs, method: str = "GET", expect: Expect | None = None) -> Access:
    return Access(COORDINATORS, "programme", method=method, kwargs=kwargs, expect=expect)


# Actions posted without their form's data go back to the page they were posted from.
BACK_TO_ROUND = redirect_to("matching:round", "pk")
BACK_TO_MATCH = redirect_to("matching:match", "pk")


MATRIX: dict[str, Access] = {
    "matching:home": _manage(),
    "matching:criteria": _manage(),
    "matching:conflicts": _manage(),
    "matching:round": _manage(_round_kwargs),
    "matching:proposal_reject": _manage(_round_kwargs, "POST", BACK_TO_ROUND),
    "matching:proposal_swap": _manage(_round_kwargs, "POST", BACK_TO_ROUND),
    "matching:proposal_manual": _manage(_round_kwargs, "POST", BACK_TO_ROUND),
    "matching:round_publish": _manage(_round_kwargs, "POST", BACK_TO_ROUND),
    "matching:matches": Access(MATCH_READERS, "programme", kwargs=programme_kwargs),
    "matching:report": Access(COORDINATORS | {"observer"}, "programme", kwargs=programme_kwargs),
    "matching:match": Access(MATCH_READERS, "programme", kwargs=_match_kwargs),
    # Sent without their data, the match page again with the form and its errors (not a redirect).
    "matching:first_meeting": _manage(_match_kwargs, "POST", OK),
    "matching:first_meeting_held": _manage(_match_kwargs, "POST", OK),
    "matching:first_meeting_ics": Access(MATCH_READERS, "programme", kwargs=_first_meeting_kwargs),
    "matching:answer": Access(frozenset({"mentor", "learner", "guardian"}), "programme", kwargs=_match_kwargs),
    "matching:record_answer": _manage(_record_answer_kwargs),
    "matching:propose": _manage(_match_kwargs, "POST", BACK_TO_MATCH),
    "matching:close": _manage(_match_kwargs),
    "matching:community": Access(COORDINATORS | {"mentor"}, "programme", kwargs=_community_kwargs),
    "matching:answer_link": Access(EVERYONE, "public", kwargs=_answer_token),
    "matching:survey": Access(EVERYONE, "public", kwargs=_survey_token),
}
