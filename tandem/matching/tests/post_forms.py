"""What each of matching's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import formats, timezone

from tandem.core.testing import (
    Create,
    Edit,
    FormKind,
    NotAnEdit,
    Posted,
    StaleAction,
    programme_kwargs,
)
from tandem.matching import services
from tandem.matching.models import (
    CommunityMeeting,
    DeclinedPair,
    Match,
    MatchEvent,
    MatchingRound,
    Proposal,
)
from tandem.matching.tests.factories import mentor, persona_pair, pupil, relax
from tandem.matching.tests.url_matrix import _community_kwargs, _match_kwargs, _record_answer_kwargs


def _round_kwargs(world: Any) -> dict[str, Any]:
    """A round under review with two open proposals (Ada, Bea), and two pairs left to make by
    hand (Cas, Dirk)."""
    relax(world)
    matching_round = MatchingRound.objects.create(programme=world.programme, status="done")
    for rank, name in enumerate(("Ada", "Bea")):
        Proposal.objects.create(round=matching_round, learner=pupil(world, name),
                                volunteer=mentor(world, f"{name}mentor"), score=1.0, rank=rank)
    for name in ("Cas", "Dirk"):
        pupil(world, name)
        mentor(world, f"{name}mentor")
    return {**programme_kwargs(world), "pk": matching_round.pk}


def _proposal(kwargs: dict[str, Any], learner: str) -> str:
    return str(Proposal.objects.get(round_id=kwargs["pk"], learner__person__given_name=learner).pk)


def _manual(learner: str) -> Posted:
    from tandem.intake.models import Learner
    from tandem.onboarding.models import Volunteer

    return {"learner": str(Learner.objects.get(person__given_name=learner).pk),
            "volunteer": str(Volunteer.objects.get(person__given_name=f"{learner}mentor").pk),
            "confirm": "on"}


def _open_match_kwargs(world: Any) -> dict[str, Any]:
    """A published match, as a round makes it (learner matched, mentor active)."""
    volunteer, learner = persona_pair(world)
    with services.silenced():
        match = services.match_create(programme=world.programme, volunteer=volunteer, learner=learner,
                                      actor=world.users["coordinator"])
    return {**programme_kwargs(world), "pk": match.pk}


def _declined_kwargs(world: Any) -> dict[str, Any]:
    """A match both sides said no to, its learner waiting again and another mentor free."""
    kwargs = _match_kwargs(world)
    Match.objects.filter(pk=kwargs["pk"]).update(state="declined")
    mentor(world, "Free")
    return kwargs


def _free_mentor(world: Any) -> Posted:
    from tandem.onboarding.models import Volunteer

    return {"volunteer": str(Volunteer.objects.get(person__given_name="Free").pk), "confirm": "on"}


def _conflict(world: Any) -> Posted:
    volunteer, learner = persona_pair(world)
    return {"learner": str(learner.pk), "volunteer": str(volunteer.pk), "note": "Neighbours"}


def _shown(days_ago: int) -> str:
    return formats.date_format(timezone.localdate() - timedelta(days=days_ago), "SHORT_DATE_FORMAT")


def _held(days_ago: int) -> Any:
    return lambda w, kwargs: {"held-held_on": (timezone.localdate() - timedelta(days=days_ago)).isoformat()}


ANSWER = NotAnEdit(
    "Each side answers once: checked under the match's row lock, and the answer moves the match's "
    "version on, so forms opened before it are refused.")

FORMS: dict[str, FormKind] = {
    "matching:home": Create(data=lambda w: {"site": ""}, count=MatchingRound.objects.count),
    "matching:criteria": Edit(first={"max_distance_km": "12"}, second={"weight_language": "30"},
                              shown=("12", "30")),
    "matching:conflicts": Create(data=_conflict, count=DeclinedPair.objects.count),
    # The review of a round: every change is checked against the round's version.
    "matching:proposal_reject": StaleAction(
        posts=lambda w, kw: ({"proposal": _proposal(kw, "Ada")}, {"proposal": _proposal(kw, "Bea")}),
        kwargs=_round_kwargs),
    "matching:proposal_swap": StaleAction(
        posts=lambda w, kw: ({"first": _proposal(kw, "Ada"), "second": _proposal(kw, "Bea"), "confirm": "on"},
                             {"first": _proposal(kw, "Bea"), "second": _proposal(kw, "Ada"), "confirm": "on"}),
        kwargs=_round_kwargs),
    "matching:proposal_manual": (
        StaleAction(posts=lambda w, kw: (_manual("Cas"), _manual("Dirk")), kwargs=_round_kwargs),
        Create(data=lambda w: _manual("Cas"), count=Proposal.objects.count, kwargs=_round_kwargs),
    ),
    "matching:round_publish": StaleAction(
        posts=lambda w, kw: ({"proposals": [_proposal(kw, "Ada")]}, {"proposals": [_proposal(kw, "Bea")]}),
        kwargs=_round_kwargs),
    "matching:first_meeting": Edit(
        first={"at": "2030-05-06T18:00", "place": "Library Zuid"},
        second={"at": "2030-05-06T18:00", "place": "Community centre Afrikaanderwijk"},
        shown=("Library Zuid", "Community centre Afrikaanderwijk"), kwargs=_match_kwargs),
    # Marking it held ends what the form is for: the stale one cannot win afterwards.
    "matching:first_meeting_held": Edit(first=_held(0), second=_held(1), shown=(_shown(0), _shown(1)),
                                        kwargs=_match_kwargs, again=False),
    "matching:answer": ANSWER,
    # A double click records one answer (the one-time token); the person answering themselves
    # meanwhile wins under the match's row lock (services.match_answer).
    "matching:record_answer": Create(
        data=lambda w: {"answer": "yes", "via": "phone"},
        count=MatchEvent.objects.filter(kind=MatchEvent.Kind.ANSWERED).count, kwargs=_record_answer_kwargs),
    "matching:propose": Create(data=_free_mentor, count=Match.objects.count, kwargs=_declined_kwargs,
                               on_page=False),
    "matching:close": Edit(first={"reason": "planned_end", "note": "Went well"},
                           second={"reason": "mentor_moved"},
                           shown=("Planned end of the cycle", "The mentor moved away"),
                           kwargs=_open_match_kwargs, again=False),
    "matching:community": Create(
        data=lambda w: {"starts_at": "2030-05-06T18:00", "place": "Library Zuid", "topic": "Study plans"},
        count=CommunityMeeting.objects.count, kwargs=_community_kwargs),
    "matching:answer_link": ANSWER,
    "matching:survey": NotAnEdit("Answered once: a conditional update on the unanswered survey."),
}
