"""The engine's entry points: :func:`solve` for a programme's round and
:func:`solve_pairs` for any weighted assignment given as candidate edges."""

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .candidates import Candidates, CandidateSettings, generate_candidates
from .encode import EncodedProblem, encode
from .explain import explain_pairs, explain_unmatched, template
from .model import PairsProblem, Problem
from .regions import make_regions, seam
from .result import ExplanationItem, MatchedPair, Result, Statistics, UnmatchedLearner
from .scoring import SCALE
from .solver import Assignment, solve_edges, solve_regions
from .validate import check_pairs_problem, check_problem


@dataclass(frozen=True, slots=True, kw_only=True)
class SolverSettings:
    # Connected parts of the candidate graph larger than this are cut along
    # their sparsest line (see :mod:`.regions`); smaller rounds are solved whole.
    max_region_learners: int = 25_000
    # Small independent parts are solved in batches of about this many learners
    # (min-cost flow is superlinear: separate parts are cheaper than one graph).
    batch_learners: int = 2_000
    # Processes for solving regions in parallel (results do not depend on it),
    # used from this many candidate edges on; below, forking costs more than it saves.
    workers: int = 2
    parallel_from_edges: int = 500_000


DEFAULT_SETTINGS = CandidateSettings()
DEFAULT_SOLVER = SolverSettings()


@dataclass(frozen=True, slots=True, kw_only=True)
class Solution:
    """Arrays behind a :class:`Result`, for benchmarks and tests."""

    encoded: EncodedProblem
    candidates: Candidates
    assignment: Assignment


def solve(problem: Problem, *, settings: CandidateSettings = DEFAULT_SETTINGS,
          solver: SolverSettings = DEFAULT_SOLVER, validate: bool = True) -> Result:
    """Match learners to mentors: most learners first, then the highest total score."""
    result, _ = solve_with_arrays(problem, settings=settings, solver=solver, validate=validate)
    return result


def _assign(enc: EncodedProblem, candidates: Candidates, solver: SolverSettings) -> tuple[Assignment, int, int]:
    """Solve the candidate graph part by part; only national-sized parts are cut."""
    regions = make_regions(learner=candidates.learner, mentor=candidates.mentor, learner_xyz=enc.learners.xyz,
                           mentor_xyz=enc.mentors.xyz, max_learners=solver.max_region_learners,
                           batch_learners=solver.batch_learners)
    workers = solver.workers if len(candidates) >= solver.parallel_from_edges else 1
    assignment = solve_regions(learner=candidates.learner, mentor=candidates.mentor, score=candidates.score,
                               capacity=enc.mentors.capacity, parts=regions.parts, workers=workers)
    if regions.cut_edges:
        assignment = _repair_seams(candidates, assignment, regions.cut, enc.mentors.capacity)
    return assignment, len(regions.parts), regions.cut_edges


def _repair_seams(candidates: Candidates, assignment: Assignment, cut: np.ndarray, capacity: np.ndarray) -> Assignment:
    """Re-solve the learners along region seams with the cut edges back in."""
    started = time.perf_counter()
    edges, replaced, left = seam(learner=candidates.learner, mentor=candidates.mentor,
                                 chosen=assignment.chosen, cut=cut, capacity=capacity)
    band = solve_edges(learner=candidates.learner[edges], mentor=candidates.mentor[edges],
                       score=candidates.score[edges], capacity=np.maximum(left, 0))
    keep = np.setdiff1d(assignment.chosen, replaced, assume_unique=True)
    chosen = np.sort(np.concatenate((keep, edges[band.chosen])))
    return Assignment(
        chosen=chosen,
        matched=int(chosen.size),
        total_score=int(candidates.score[chosen].sum()),
        status=assignment.status,
        nodes=assignment.nodes + band.nodes,
        arcs=assignment.arcs + band.arcs,
        seconds=assignment.seconds + time.perf_counter() - started,
    )


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector, restoring it afterwards.

    The engine makes no reference cycles, but it allocates 100,000s of
    explanation objects next to a problem of 100,000s of dataclasses: every
    full collection would walk them all, for nothing (0.4 s at national scale).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def solve_with_arrays(
    problem: Problem, *, settings: CandidateSettings = DEFAULT_SETTINGS,
    solver: SolverSettings = DEFAULT_SOLVER, validate: bool = True,
) -> tuple[Result, Solution]:
    if validate:
        check_problem(problem)
    with _collector_paused():
        return _solve(problem, settings, solver)


def _solve(problem: Problem, settings: CandidateSettings, solver: SolverSettings) -> tuple[Result, Solution]:
    clock = time.perf_counter()
    enc = encode(problem)
    encoded_at = time.perf_counter()
    candidates = generate_candidates(enc, settings=settings)
    candidates_at = time.perf_counter()
    assignment, regions, cut_edges = _assign(enc, candidates, solver)
    solved_at = time.perf_counter()
    chosen = assignment.chosen
    pairs = explain_pairs(enc, candidates.learner[chosen], candidates.mentor[chosen], candidates.score[chosen])
    matched = np.zeros(len(enc.learners), dtype=bool)
    matched[candidates.learner[chosen]] = True
    unmatched = explain_unmatched(enc, np.flatnonzero(~matched))
    explained_at = time.perf_counter()
    statistics = Statistics(
        learners=len(enc.learners),
        mentors=len(enc.mentors),
        capacity=int(enc.mentors.capacity.sum()),
        candidate_edges=len(candidates),
        pairs_scored=candidates.pool_pairs,
        exhaustive=candidates.exhaustive,
        k=settings.k,
        mentor_k=settings.mentor_k,
        solver_status=assignment.status,
        solver_nodes=assignment.nodes,
        solver_arcs=assignment.arcs,
        regions=regions,
        cut_edges=cut_edges,
        encode_seconds=encoded_at - clock,
        candidates_seconds=candidates_at - encoded_at,
        solve_seconds=solved_at - candidates_at,
        explain_seconds=explained_at - solved_at,
    )
    result = Result(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        matched=assignment.matched,
        total_score=assignment.total_score / SCALE,
        statistics=statistics,
    )
    return result, Solution(encoded=enc, candidates=candidates, assignment=assignment)


def solve_pairs(problem: PairsProblem, *, validate: bool = True) -> Result:
    """Solve the plain pairs form: candidate edges with scores, plus mentor capacities.

    Scores are rounded to 0.001 (the solver works in integer milli-points), so
    scores closer than that are ties, broken by learner and mentor id.
    """
    if validate:
        check_pairs_problem(problem)
    clock = time.perf_counter()
    learner_ids = sorted({e.learner for e in problem.edges} | set(problem.learners))
    mentor_ids = sorted({e.mentor for e in problem.edges} | set(problem.capacities))
    learner_index = {lid: i for i, lid in enumerate(learner_ids)}
    mentor_index = {mid: i for i, mid in enumerate(mentor_ids)}
    n_edges = len(problem.edges)
    learner = np.fromiter((learner_index[e.learner] for e in problem.edges), dtype=np.int64, count=n_edges)
    mentor = np.fromiter((mentor_index[e.mentor] for e in problem.edges), dtype=np.int64, count=n_edges)
    score = np.rint(np.fromiter((e.score for e in problem.edges), dtype=np.float64, count=n_edges) * SCALE).astype(np.int64)
    order = np.lexsort((mentor, learner))
    learner, mentor, score = learner[order], mentor[order], score[order]
    capacity = np.array([problem.capacities.get(mid, 1) for mid in mentor_ids], dtype=np.int64)
    prepared_at = time.perf_counter()
    assignment = solve_edges(learner=learner, mentor=mentor, score=score, capacity=capacity)
    solved_at = time.perf_counter()
    pairs = tuple(
        MatchedPair(
            learner_id=learner_ids[learner[i]],
            mentor_id=mentor_ids[mentor[i]],
            score=score[i] / SCALE,
            items=(ExplanationItem(criterion="score", points=score[i] / SCALE, text=f"score {score[i] / SCALE:g}",
                                   params={"score": score[i] / SCALE}),),
        )
        for i in assignment.chosen.tolist()
    )
    degree = np.bincount(learner, minlength=len(learner_ids))
    matched = np.zeros(len(learner_ids), dtype=bool)
    matched[learner[assignment.chosen]] = True
    unmatched = tuple(
        UnmatchedLearner(learner_id=learner_ids[i], reason="no_candidates", limit=None,
                         text="no candidate edge", params={})
        if degree[i] == 0 else
        UnmatchedLearner(learner_id=learner_ids[i], reason="taken", limit=None,
                         text=template("reason.taken", int(degree[i])).format(count=int(degree[i])),
                         params={"count": int(degree[i])})
        for i in np.flatnonzero(~matched).tolist()
    )
    statistics = Statistics(
        learners=len(learner_ids), mentors=len(mentor_ids), capacity=int(capacity.sum()),
        candidate_edges=n_edges, pairs_scored=n_edges, exhaustive=True, k=0, mentor_k=0,
        solver_status=assignment.status, solver_nodes=assignment.nodes, solver_arcs=assignment.arcs,
        regions=1, cut_edges=0, encode_seconds=prepared_at - clock, candidates_seconds=0.0, solve_seconds=solved_at - prepared_at,
        explain_seconds=time.perf_counter() - solved_at,
    )
    return Result(pairs=pairs, unmatched=unmatched, matched=assignment.matched,
                  total_score=assignment.total_score / SCALE, statistics=statistics)
