"""Optimal assignment on the candidate graph, by min-cost flow.

Network: source -> learner (capacity 1) -> mentor (capacity 1, cost -score)
-> sink (capacity = the mentor's capacity). OR-tools'
``solve_max_flow_with_min_cost`` first pushes the maximum flow — as many
learners matched as the candidate graph allows — and then, among all maximum
flows, finds the cheapest, i.e. the highest total score. That is exactly the
engine's lexicographic objective, with no big-M constant to tune and integer
milli-point costs, so the optimum is exact, not approximate.

Arcs are added in an order that follows the id-sorted problem, so the same
input always builds the same network, and OR-tools returns the same flow.
"""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .encode import Ints
from .errors import ProblemError


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Chosen edges (indices into the edge arrays given to :func:`solve_edges`)."""

    chosen: Ints
    matched: int
    total_score: int  # milli-points
    status: str
    nodes: int
    arcs: int
    seconds: float


def solve_edges(
    *,
    learner: Ints,
    mentor: Ints,
    score: Ints,
    capacity: Ints,
) -> Assignment:
    """Max-cardinality, then max-score assignment on the given edges.

    ``learner``/``mentor`` are learner and mentor indices (mentor ``j`` has
    ``capacity[j]``); ``score`` is integer (milli-points). Each learner takes
    at most one mentor, mentor ``j`` at most ``capacity[j]`` learners.
    """
    started = time.perf_counter()
    n_edges = learner.size
    if n_edges == 0:
        return Assignment(chosen=np.zeros(0, dtype=np.int64), matched=0, total_score=0,
                          status="OPTIMAL", nodes=0, arcs=0, seconds=time.perf_counter() - started)
    # Only learners and mentors with an edge become nodes: a region of a large
    # round then costs what the region costs, not what the round costs.
    learners_used, learner_node = np.unique(learner, return_inverse=True)
    mentors_used, mentor_node = np.unique(mentor, return_inverse=True)
    n_left, n_right = learners_used.size, mentors_used.size
    source = n_left + n_right
    sink = source + 1
    tails = np.concatenate((np.full(n_left, source), learner_node, n_left + np.arange(n_right)))
    heads = np.concatenate((np.arange(n_left), n_left + mentor_node, np.full(n_right, sink)))
    capacities = np.concatenate((
        np.ones(n_left + n_edges, dtype=np.int64),
        capacity[mentors_used].astype(np.int64),
    ))
    costs = np.concatenate((
        np.zeros(n_left, dtype=np.int64),
        -score.astype(np.int64),
        np.zeros(n_right, dtype=np.int64),
    ))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    supply = int(n_left)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise ProblemError(f"the solver stopped with status {status.name}")
    edge_arcs = np.arange(n_left, n_left + n_edges)
    chosen = np.flatnonzero(flow.flows(edge_arcs) > 0)
    return Assignment(
        chosen=chosen,
        matched=int(chosen.size),
        total_score=int(score[chosen].sum()),
        status=status.name,
        nodes=int(flow.num_nodes()),
        arcs=int(flow.num_arcs()),
        seconds=time.perf_counter() - started,
    )


def _solve_part(learner: Ints, mentor: Ints, score: Ints, capacity: Ints) -> Assignment:
    return solve_edges(learner=learner, mentor=mentor, score=score, capacity=capacity)


# Arrays a forked worker reads instead of receiving them pickled: set just
# before the pool forks, so every worker sees the parent's memory as it was.
_SHARED: dict[str, Ints] = {}


def _solve_shared(part: Ints) -> tuple[Ints, int, int]:
    """In a worker: solve one region of the shared arrays; its chosen edges, nodes, arcs."""
    result = _solve_part(_SHARED["learner"][part], _SHARED["mentor"][part], _SHARED["score"][part],
                         _SHARED["capacity"])
    return part[result.chosen], result.nodes, result.arcs


def _solve_here(learner: Ints, mentor: Ints, score: Ints, capacity: Ints, part: Ints) -> tuple[Ints, int, int]:
    result = _solve_part(learner[part], mentor[part], score[part], capacity)
    return part[result.chosen], result.nodes, result.arcs


def solve_regions(
    *,
    learner: Ints,
    mentor: Ints,
    score: Ints,
    capacity: Ints,
    parts: list[Ints],
    workers: int = 1,
) -> Assignment:
    """Solve independent regions (edge index arrays), in parallel processes if asked.

    OR-tools holds the GIL while it solves, so threads would not help; forked
    processes share the parent's arrays copy-on-write and send back only the
    chosen edges. Results do not depend on ``workers``.
    """
    started = time.perf_counter()
    if workers > 1 and len(parts) > 1 and "fork" in multiprocessing.get_all_start_methods():
        _SHARED.update(learner=learner, mentor=mentor, score=score, capacity=capacity)
        try:
            # Biggest regions first, so that the last one to finish is a small one.
            order = sorted(range(len(parts)), key=lambda i: -parts[i].size)
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
                futures = {i: pool.submit(_solve_shared, parts[i]) for i in order}
                results = [futures[i].result() for i in range(len(parts))]
        finally:
            _SHARED.clear()
    else:
        results = [_solve_here(learner, mentor, score, capacity, part) for part in parts]
    chosen = np.sort(np.concatenate([r[0] for r in results])) if results else np.zeros(0, dtype=np.int64)
    return Assignment(
        chosen=chosen,
        matched=int(chosen.size),
        total_score=int(score[chosen].sum()),
        status="OPTIMAL",  # solve_edges raises on anything else
        nodes=sum(r[1] for r in results),
        arcs=sum(r[2] for r in results),
        seconds=time.perf_counter() - started,
    )
