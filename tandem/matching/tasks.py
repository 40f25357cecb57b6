"""The matching round as a background task: claimed once, progress written as it goes.

A round that cannot run ends *failed* with a ``MatchingRound.Failure`` code and safe parameters
(counts, never names or an exception's text); the round page turns them into a translated message
saying what to do. Anything unexpected is logged with its traceback for the technical team and
stored as ``unexpected``: a raw exception never reaches a page."""

from __future__ import annotations

import contextlib
import logging
import time
from typing import Any

from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

from tandem.matching import engine, selectors
from tandem.matching import problem as adapter
from tandem.matching.engine.validate import check_problem
from tandem.matching.models import MatchingRound, Proposal, UnmatchedLearner

ALTERNATIVES = 4  # next-best mentors kept per learner
Failure = MatchingRound.Failure
logger = logging.getLogger(__name__)


class CannotRun(Exception):
    """The round cannot run for a reason the coordinator can act on."""

    def __init__(self, failure: str, **params: int) -> None:
        super().__init__(failure)
        self.failure, self.params = failure, params


def _progress(round_id: int, progress: int, message: str) -> None:
    MatchingRound.objects.filter(pk=round_id).update(progress=progress, message=message)


def _fail(round_id: int, failure: str, params: dict[str, Any]) -> None:
    MatchingRound.objects.filter(pk=round_id).update(
        status=MatchingRound.Status.FAILED, failure=failure, failure_params=params,
        finished_at=timezone.now(), message="failed")


@task()
def run_round(round_id: int) -> str:
    # Claim the round: only one worker turns "queued" into "running"; a second delivery of the
    # same task (or a double click) finds nothing to claim and stops.
    claimed = MatchingRound.objects.filter(pk=round_id, status=MatchingRound.Status.QUEUED).update(
        status=MatchingRound.Status.RUNNING, started_at=timezone.now(), progress=1, message="reading")
    if claimed != 1:
        return "skipped"
    matching_round = MatchingRound.objects.select_related("programme__organisation", "site").get(pk=round_id)
    # Run in place (demo data, scripts) inside a caller's transaction: a savepoint, so that a
    # database error rolls back this round's rows only and the failure can still be written.
    guard = transaction.atomic() if connection.in_atomic_block else contextlib.nullcontext()
    try:
        with guard:
            stats = compute_round(matching_round)
    except CannotRun as stop:
        _fail(round_id, stop.failure, stop.params)
        return "failed"
    except Exception:  # a failed round says so instead of spinning forever; the log has the details
        logger.exception("Matching round %s of programme %s failed", round_id, matching_round.programme_id)
        _fail(round_id, Failure.UNEXPECTED, {})
        return "failed"
    MatchingRound.objects.filter(pk=round_id).update(
        status=MatchingRound.Status.DONE, progress=100, message="done", stats=stats, finished_at=timezone.now())
    return "done"


def compute_round(matching_round: MatchingRound) -> dict[str, Any]:
    """Solve the round and store proposals, unmatched learners and each learner's alternatives.

    Alternatives are the ``ALTERNATIVES`` best feasible mentors per learner other than the one
    proposed, found by the engine on a one-learner problem (see ``problem.top_mentors``).
    Raises ``CannotRun`` when there is nobody to match or the criteria cannot be used."""
    programme, round_id, site = matching_round.programme, matching_round.pk, matching_round.site
    today = timezone.localdate()
    clock = time.perf_counter()
    load = adapter.open_load(programme)
    volunteers, learners = adapter.pools(programme=programme, today=today, site=site)
    if not learners:
        raise CannotRun(Failure.NO_LEARNERS,
                        **selectors.learners_out_of_reach(programme=programme, today=today, site=site))
    built = adapter.build_problem(programme=programme, today=today, volunteers=volunteers, learners=learners,
                                  load=load)
    if not built.problem.mentors:
        raise CannotRun(Failure.NO_VOLUNTEERS, learners=len(learners),
                        **selectors.volunteers_out_of_reach(programme=programme, today=today, site=site, load=load))
    try:
        check_problem(engine.Problem(mentors=(), learners=(), criteria=built.problem.criteria))
    except engine.ProblemError as exc:
        raise CannotRun(Failure.CRITERIA) from exc
    _progress(round_id, 10, "solving")
    result = engine.solve(built.problem)
    _progress(round_id, 40, "explaining")
    by_id = {item.id: item for item in built.problem.learners}
    proposals: list[Proposal] = []
    ranked = sorted(result.pairs, key=lambda p: (-p.score, p.learner_id))
    total = max(1, len(by_id))
    for done, pair in enumerate(ranked, start=1):
        alternatives = adapter.top_mentors(built.problem, by_id[pair.learner_id], count=ALTERNATIVES + 1,
                                           skip=[pair.mentor_id])[:ALTERNATIVES]
        proposals.append(Proposal(
            round=matching_round, learner_id=adapter.pk_of(pair.learner_id),
            volunteer_id=adapter.pk_of(pair.mentor_id), score=round(pair.score, 2),
            items=adapter.item_dicts(pair.items), rank=done, alternatives=alternatives))
        if done % 10 == 0:
            _progress(round_id, 40 + int(55 * done / total), "alternatives")
    unmatched = [
        UnmatchedLearner(round=matching_round, learner_id=adapter.pk_of(u.learner_id), reason=u.reason,
                         limit=u.limit or "", params=adapter.plain(dict(u.params)))
        for u in result.unmatched
    ] + [UnmatchedLearner(round=matching_round, learner=learner, reason="no_location")
         for learner in built.no_location]
    with transaction.atomic():
        Proposal.objects.bulk_create(proposals)
        UnmatchedLearner.objects.bulk_create(unmatched)
    stats = result.statistics
    return {
        "learners": len(learners), "volunteers": len(volunteers), "matched": result.matched,
        "unmatched": len(unmatched), "capacity": stats.capacity, "total_score": round(result.total_score, 2),
        "candidate_edges": stats.candidate_edges, "solver_status": stats.solver_status,
        "engine_seconds": round(stats.total_seconds, 3), "seconds": round(time.perf_counter() - clock, 3),
    }
