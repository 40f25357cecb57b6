"""The engine's entry points: :func:`solve` for a programme's round and
:func:`solve_pairs` for any weighted assignment given as candidate edges."""

import gc
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .candidates import (
    UNKNOWN,
    Candidates,
    CandidateSettings,
    _ball,
    _search_radius,
    free_mentor_pairs,
    generate_candidates,
)
from .certify import Graph, ProofSettings, pair_max, prove, with_gap
from .encode import EncodedProblem, Ints, encode
from .errors import ProblemError
from .explain import explain_pairs, explain_unmatched, template
from .model import PairsProblem, Problem
from .regions import make_regions, seam
from .result import Certificate, ExplanationItem, MatchedPair, Result, Statistics, UnmatchedLearner
from .scoring import SCALE, score_pairs
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
DEFAULT_PROOF = ProofSettings()


@dataclass(frozen=True, slots=True, kw_only=True)
class Solution:
    """Arrays behind a :class:`Result`, for benchmarks and tests."""

    encoded: EncodedProblem
    # The final graph: the candidates plus every pair pricing added.
    candidates: Candidates
    assignment: Assignment
    certificate: Certificate | None


Progress = Callable[[str], None]


def solve(problem: Problem, *, settings: CandidateSettings = DEFAULT_SETTINGS,
          solver: SolverSettings = DEFAULT_SOLVER, proof: ProofSettings | None = DEFAULT_PROOF,
          validate: bool = True, alternatives: int = 0, progress: Progress | None = None) -> Result:
    """Match learners to mentors: most learners first, then the highest total score.

    With ``proof`` (the default) the answer is the optimum over every pair that
    meets the hard limits, and ``result.certificate`` says how that was proved
    (or, if its budget stopped the proof, how far from the optimum it may be).
    With ``proof=None`` it is the optimum on the candidate graph only.

    ``alternatives`` asks for each learner's next-best mentors from the same
    solve (``result.alternatives``); ``progress`` is called with the name of
    each stage as it starts ("candidates", "solve", "prove", "explain").
    """
    result, _ = solve_with_arrays(problem, settings=settings, solver=solver, proof=proof, validate=validate,
                                  alternatives=alternatives, progress=progress)
    return result


def _assign(enc: EncodedProblem, candidates: Candidates, solver: SolverSettings,
            repair: bool = True) -> tuple[Assignment, int, Ints]:
    """Solve the candidate graph part by part; only national-sized parts are cut.

    Returns the assignment, the number of regions and the cut edges. With
    ``repair`` the seams are re-solved with the cut edges back in; without, the
    assignment is exactly optimal on the graph without the cut edges (which
    the proof needs, and then prices the cut edges like any other pair).
    """
    regions = make_regions(learner=candidates.learner, mentor=candidates.mentor, learner_xyz=enc.learners.xyz,
                           mentor_xyz=enc.mentors.xyz, max_learners=solver.max_region_learners,
                           batch_learners=solver.batch_learners)
    workers = solver.workers if len(candidates) >= solver.parallel_from_edges else 1
    assignment = solve_regions(learner=candidates.learner, mentor=candidates.mentor, score=candidates.score,
                               capacity=enc.mentors.capacity, parts=regions.parts, workers=workers)
    if regions.cut_edges and repair:
        assignment = _repair_seams(candidates, assignment, regions.cut, enc.mentors.capacity)
    return assignment, len(regions.parts), regions.cut


def _free_mentors(enc: EncodedProblem, candidates: Candidates, assignment: Assignment, regions: int, cut: Ints,
                  solver: SolverSettings, proof: ProofSettings) -> tuple[Candidates, Assignment, int, Ints]:
    """Give the mentors the first solve left with a free place their best learners, and solve again.

    A national candidate graph holds each learner's best ``k`` and each mentor's
    best ``mentor_k``, not the low-scoring pairs that the most-learners objective
    needs; pricing finds them, but every one moves learners to free places along
    long chains, which the warm re-solve pays for dearly. Adding them before the
    proof is exact either way: the graph only grows, and the proof still prices
    every pair.
    """
    take = proof.free_mentor_pairs
    if take <= 0 or len(enc.learners) < proof.free_mentors_from_learners or not candidates.exhaustive:
        return candidates, assignment, regions, cut
    load = np.bincount(candidates.mentor[assignment.chosen], minlength=len(enc.mentors))
    free = np.flatnonzero(load < enc.mentors.capacity)
    learner, mentor, score = free_mentor_pairs(enc, free, take, workers=solver.workers)
    n_mentors = len(enc.mentors)
    key = np.concatenate((candidates.learner * n_mentors + candidates.mentor, learner * n_mentors + mentor))
    _, first = np.unique(key, return_index=True)
    if first.size == len(candidates):
        return candidates, assignment, regions, cut
    grown = Candidates(learner=np.concatenate((candidates.learner, learner))[first],
                       mentor=np.concatenate((candidates.mentor, mentor))[first],
                       score=np.concatenate((candidates.score, score))[first], pool_pairs=candidates.pool_pairs,
                       feasible_seen=candidates.feasible_seen, exhaustive=candidates.exhaustive,
                       outside_bound=candidates.outside_bound)
    assignment, regions, cut = _assign(enc, grown, solver, repair=False)
    return grown, assignment, regions, cut


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
    solver: SolverSettings = DEFAULT_SOLVER, proof: ProofSettings | None = DEFAULT_PROOF, validate: bool = True,
    alternatives: int = 0, progress: Progress | None = None,
) -> tuple[Result, Solution]:
    if validate:
        check_problem(problem)
    with _collector_paused():
        return _solve(problem, settings, solver, proof, alternatives, progress or (lambda stage: None))


def _proved(enc: EncodedProblem, candidates: Candidates, assignment: Assignment, cut: Ints,
            proof: ProofSettings) -> tuple[Candidates, Assignment, Certificate]:
    """Extend the candidate graph and its optimum to the proved optimum over every feasible pair."""
    started = time.perf_counter()
    keep = np.ones(len(candidates), dtype=bool)
    keep[cut] = False
    chosen = np.zeros(len(candidates), dtype=bool)
    chosen[assignment.chosen] = True
    graph = Graph(learner=candidates.learner[keep], mentor=candidates.mentor[keep],
                  score=candidates.score[keep], chosen=chosen[keep])
    bound = np.where(candidates.outside_bound == UNKNOWN, pair_max(enc), candidates.outside_bound)
    # The cut edges are left out of the graph, so they are outside pairs too: a learner's bound
    # must cover them (they may be among its best).
    np.maximum.at(bound, candidates.learner[cut], candidates.score[cut])
    graph, certificate = prove(enc, graph, bound, proof)
    # The final graph in the solver's order (by learner, then mentor), with the cut edges back.
    learner = np.concatenate((graph.learner, candidates.learner[cut]))
    mentor = np.concatenate((graph.mentor, candidates.mentor[cut]))
    score = np.concatenate((graph.score, candidates.score[cut]))
    picked = np.concatenate((graph.chosen, np.zeros(cut.size, dtype=bool)))
    order = np.lexsort((mentor, learner))
    learner, mentor, score, picked = learner[order], mentor[order], score[order], picked[order]
    grown = Candidates(learner=learner, mentor=mentor, score=score, pool_pairs=candidates.pool_pairs,
                       feasible_seen=candidates.feasible_seen, exhaustive=candidates.exhaustive,
                       outside_bound=candidates.outside_bound)
    chosen_at = np.flatnonzero(picked)
    return grown, Assignment(
        chosen=chosen_at, matched=int(chosen_at.size), total_score=int(score[chosen_at].sum()),
        status=assignment.status, nodes=assignment.nodes, arcs=assignment.arcs,
        seconds=assignment.seconds + time.perf_counter() - started,
    ), certificate


def _alternatives(enc: EncodedProblem, candidates: Candidates, chosen: Ints,
                  count: int) -> dict[str, tuple[MatchedPair, ...]]:
    """Each learner's ``count`` best mentors other than its own, from the final graph.

    Best score first, then mentor id. Where every pair in range was scored
    (rounds up to about 10,000 x 10,000) the graph holds each learner's best
    ``k`` feasible mentors exactly, so these are the true next-best; in pooled
    national rounds, the best of the learner's pool.
    """
    own = np.zeros(len(candidates), dtype=bool)
    own[chosen] = True
    at = np.flatnonzero(~own)
    # By learner, best score first, then mentor (index order is id order).
    at = at[np.lexsort((candidates.mentor[at], -candidates.score[at], candidates.learner[at]))]
    learner = candidates.learner[at]
    lead = np.flatnonzero(np.concatenate(([True], learner[1:] != learner[:-1]))) if at.size else at
    rank = np.arange(at.size) - np.repeat(lead, np.diff(np.append(lead, at.size)))
    at = at[rank < count]
    pairs = explain_pairs(enc, candidates.learner[at], candidates.mentor[at], candidates.score[at])
    grouped: dict[str, list[MatchedPair]] = {}
    for pair in pairs:
        grouped.setdefault(pair.learner_id, []).append(pair)
    return {learner_id: tuple(items) for learner_id, items in grouped.items()}


def best_mentors(problem: Problem, learner_id: str, *, count: int, skip: Iterable[str] = (),
                 validate: bool = True) -> tuple[MatchedPair, ...]:
    """The ``count`` best feasible mentors of ``problem`` for one of its learners, best first.

    One vectorised scoring of the learner against every mentor within reach
    (hard limits and exclusions apply as in a round; capacities do not), ties
    by mentor id; ``skip`` leaves mentors out.
    """
    if validate:
        check_problem(problem)
    enc = encode(problem)
    try:
        row = enc.learners.ids.index(learner_id)
    except ValueError:
        raise ProblemError(f"learner '{learner_id}' is not in the problem") from None
    if count < 1 or len(enc.mentors) == 0:
        return ()
    near = np.asarray(cKDTree(enc.mentors.xyz).query_ball_point(enc.learners.xyz[row], _search_radius(enc)),
                      dtype=np.int64)
    skipped = set(skip)
    near = np.array([j for j in sorted(near.tolist()) if enc.mentors.ids[j] not in skipped], dtype=np.int64)
    if near.size == 0:
        return ()
    score, feasible = score_pairs(enc, np.full(near.size, row), near)
    near, score = near[feasible], score[feasible]
    best = np.lexsort((near, -score))[:count]
    return tuple(explain_pairs(enc, np.full(best.size, row), near[best], score[best]))


def _fill_free_places(enc: EncodedProblem, candidates: Candidates,
                      assignment: Assignment) -> tuple[Candidates, Assignment, int]:
    """Give unmatched learners any suitable mentor that still has a free place, best pairs first.

    A proved optimum leaves nothing to do here (such a pair would be one more
    match); a search stopped early, or the candidate graph alone, may. After
    this, no unmatched learner has a suitable mentor with a free place.
    """
    n_learners = len(enc.learners)
    matched = np.zeros(n_learners, dtype=bool)
    matched[candidates.learner[assignment.chosen]] = True
    room = enc.mentors.capacity - np.bincount(candidates.mentor[assignment.chosen], minlength=len(enc.mentors))
    rows, free = np.flatnonzero(~matched), np.flatnonzero(room > 0)
    if rows.size == 0 or free.size == 0:
        return candidates, assignment, 0
    local, found = _ball(cKDTree(enc.mentors.xyz[free]), enc.learners.xyz[rows], _search_radius(enc))
    learner, mentor = rows[local], free[found]
    score, feasible = score_pairs(enc, learner, mentor)
    learner, mentor, score = learner[feasible], mentor[feasible], score[feasible]
    order = np.lexsort((mentor, learner, -score))
    taken: list[int] = []
    for at, i, j in zip(order.tolist(), learner[order].tolist(), mentor[order].tolist(), strict=True):
        if not matched[i] and room[j] > 0:
            matched[i] = True
            room[j] -= 1
            taken.append(at)
    if not taken:
        return candidates, assignment, 0
    new = np.asarray(taken, dtype=np.int64)
    all_l = np.concatenate((candidates.learner, learner[new]))
    all_m = np.concatenate((candidates.mentor, mentor[new]))
    all_s = np.concatenate((candidates.score, score[new]))
    picked = np.zeros(all_l.size, dtype=bool)
    picked[assignment.chosen] = True
    picked[len(candidates):] = True
    # A pair may already be an edge (not chosen): keep one copy, the chosen one.
    key = all_l * len(enc.mentors) + all_m
    order = np.lexsort((~picked, key))
    first = np.concatenate(([True], key[order][1:] != key[order][:-1]))
    keep = order[first]
    keep = keep[np.lexsort((all_m[keep], all_l[keep]))]
    grown = Candidates(learner=all_l[keep], mentor=all_m[keep], score=all_s[keep], pool_pairs=candidates.pool_pairs,
                       feasible_seen=candidates.feasible_seen, exhaustive=candidates.exhaustive,
                       outside_bound=candidates.outside_bound)
    chosen = np.flatnonzero(picked[keep])
    return grown, Assignment(chosen=chosen, matched=int(chosen.size), total_score=int(grown.score[chosen].sum()),
                             status=assignment.status, nodes=assignment.nodes, arcs=assignment.arcs,
                             seconds=assignment.seconds), len(taken)


def _solve(problem: Problem, settings: CandidateSettings, solver: SolverSettings,
           proof: ProofSettings | None, alternatives: int, progress: Progress) -> tuple[Result, Solution]:
    clock = time.perf_counter()
    enc = encode(problem)
    encoded_at = time.perf_counter()
    progress("candidates")
    candidates = generate_candidates(enc, settings=settings, exact_bounds=proof is not None)
    candidates_at = time.perf_counter()
    progress("solve")
    assignment, regions, cut = _assign(enc, candidates, solver, repair=proof is None)
    if proof is not None:
        candidates, assignment, regions, cut = _free_mentors(enc, candidates, assignment, regions, cut, solver, proof)
    cut_edges = int(cut.size)
    solved_at = time.perf_counter()
    certificate = None
    if proof is not None:
        progress("prove")
        candidates, assignment, certificate = _proved(enc, candidates, assignment, cut, proof)
    before = (assignment.matched, assignment.total_score)
    candidates, assignment, filled = _fill_free_places(enc, candidates, assignment)
    if certificate is not None and filled:
        # The bound was proved for the solution before the free places were given away.
        gained = (assignment.matched - before[0]) * certificate.big + assignment.total_score - before[1]
        certificate = with_gap(certificate, enc, matched=assignment.matched, score=assignment.total_score,
                               gained=gained)
    proved_at = time.perf_counter()
    progress("explain")
    chosen = assignment.chosen
    pairs = explain_pairs(enc, candidates.learner[chosen], candidates.mentor[chosen], candidates.score[chosen])
    matched = np.zeros(len(enc.learners), dtype=bool)
    matched[candidates.learner[chosen]] = True
    load = np.bincount(candidates.mentor[chosen], minlength=len(enc.mentors))
    proved = certificate is not None and certificate.proved
    unmatched = explain_unmatched(enc, np.flatnonzero(~matched), load=load, proved=proved)
    others = _alternatives(enc, candidates, assignment.chosen, alternatives) if alternatives > 0 else {}
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
        filled=filled,
        encode_seconds=encoded_at - clock,
        candidates_seconds=candidates_at - encoded_at,
        solve_seconds=solved_at - candidates_at,
        prove_seconds=proved_at - solved_at,
        explain_seconds=explained_at - proved_at,
    )
    result = Result(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        matched=assignment.matched,
        total_score=assignment.total_score / SCALE,
        statistics=statistics,
        certificate=certificate,
        alternatives=others,
    )
    return result, Solution(encoded=enc, candidates=candidates, assignment=assignment, certificate=certificate)


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
