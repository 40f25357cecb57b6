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

from tandem.core.bulk import JsonText, insert_rows
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


# Progress (percent, message) as the engine reaches each stage of the one solve, for rounds of at
# least PROGRESS_FROM learners (smaller ones take well under a second).
PROGRESS_FROM = 2000
STAGES = {"candidates": (15, "candidates"), "solve": (35, "solving"), "prove": (50, "proving"),
          "explain": (70, "explaining")}


def compute_round(matching_round: MatchingRound) -> dict[str, Any]:
    """Solve the round and store proposals, unmatched learners and each learner's alternatives.

    One engine solve gives everything: the proposals, the reasons, and each learner's next-best
    mentors (``result.alternatives``, from the same candidate graph: no new problem per learner).
    Rows are written in bulk; progress is written as the engine reaches each stage.
    Raises ``CannotRun`` when there is nobody to match or the criteria cannot be used."""
    programme, round_id, site = matching_round.programme, matching_round.pk, matching_round.site
    today = timezone.localdate()
    clock = time.perf_counter()
    pools = adapter.pool_rows(programme=programme, today=today, site=site)
    volunteers, learners = pools.volunteers, pools.learners
    read_at = time.perf_counter()
    if not learners:
        raise CannotRun(Failure.NO_LEARNERS,
                        **selectors.learners_out_of_reach(programme=programme, today=today, site=site))
    built = adapter.build_rows(programme=programme, today=today, pools=pools)
    if not built.problem.mentors:
        raise CannotRun(Failure.NO_VOLUNTEERS, learners=len(learners),
                        **selectors.volunteers_out_of_reach(programme=programme, today=today, site=site,
                                                            load=pools.load))
    try:
        check_problem(engine.Problem(mentors=(), learners=(), criteria=built.problem.criteria))
    except engine.ProblemError as exc:
        raise CannotRun(Failure.CRITERIA) from exc
    # A small round is done before the page polls again: its progress stays at "reading" (written
    # when it was claimed) until it is done. A big one says how far it got at each stage.
    big = len(built.problem.learners) >= PROGRESS_FROM
    if big:
        _progress(round_id, 10, "solving")
    built_at = time.perf_counter()
    result = engine.solve(built.problem, alternatives=ALTERNATIVES,
                          progress=(lambda stage: _progress(round_id, *STAGES[stage])) if big else None)
    if big:
        _progress(round_id, 85, "saving")
    solved_at = time.perf_counter()
    ranked = sorted(result.pairs, key=lambda p: (-p.score, p.learner_id))
    as_json = adapter.ItemsJson()
    proposals = (
        {"round_id": round_id, "learner_id": adapter.pk_of(pair.learner_id),
         "volunteer_id": adapter.pk_of(pair.mentor_id), "score": round(pair.score, 2),
         "items": JsonText(as_json(pair.items)), "rank": rank,
         "alternatives": JsonText(as_json.offers(result.alternatives.get(pair.learner_id, ())))}
        for rank, pair in enumerate(ranked, start=1)
    )
    unmatched = [
        {"round_id": round_id, "learner_id": adapter.pk_of(u.learner_id), "reason": u.reason,
         "limit": u.limit or "", "params": adapter.plain(dict(u.params))}
        for u in result.unmatched
    ] + [{"round_id": round_id, "learner_id": pk, "reason": "no_location"} for pk in built.no_location]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # The round's rows are not flushed to disk on their own commit: the round is marked
            # done by the next (synchronous) commit, which flushes them with it, and a crash
            # before that leaves the round unfinished either way. Saves a disk flush per round.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        insert_rows(Proposal, proposals)
        if unmatched:
            insert_rows(UnmatchedLearner, unmatched)
    stats, certificate = result.statistics, result.certificate
    return {
        "learners": len(learners), "volunteers": len(volunteers), "matched": result.matched,
        "unmatched": len(unmatched), "capacity": stats.capacity, "total_score": round(result.total_score, 2),
        "candidate_edges": stats.candidate_edges, "solver_status": stats.solver_status,
        "optimal": bool(certificate and certificate.proved),
        "pairs_priced": certificate.pairs_priced if certificate else 0,
        "engine_seconds": round(stats.total_seconds, 3), "seconds": round(time.perf_counter() - clock, 3),
        # Where the round's time went: reading the pools, building the problem, the engine call, writing.
        "stages": {"read": round(read_at - clock, 3), "build": round(built_at - read_at, 3),
                   "solve": round(solved_at - built_at, 3), "write": round(time.perf_counter() - solved_at, 3)},
    }
