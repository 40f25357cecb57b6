"""The optimality certificate: the candidate graph's optimum, extended until nothing can improve it.

The candidate graph is sparse, so its optimum may miss a pair that only a
full search would find. Column generation closes that gap exactly:

1. Solve the candidate graph and compute the dual potentials of the solution
   (:mod:`.duals`).
2. Price every pair that meets the hard limits against them (:mod:`.pricing`).
   If no pair has a positive gain, the potentials are dual feasible for the
   *whole* problem, so no assignment of any pairs can beat the solution: it is
   the optimum over every feasible pair, proved.
3. Otherwise add the improving pairs to the graph, re-solve the part of the
   graph around them (a *window*: the learners and mentors within a few
   tight alternating steps, everybody else held fixed), recompute the window's
   potentials with everybody outside held at theirs, and widen the window
   until its potentials are complementary and every edge leaving it is still
   dual feasible. Then price again, only the pairs that touch a changed
   potential, and repeat until no pair improves.

If a time budget stops the search first, the last pricing bounds what is
left: the optimum exceeds the solution by at most the sum over learners of
their largest gain (each learner takes one mentor), which the certificate
reports in learners and points.
"""

import time
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from .duals import Potentials, big_constant, potentials
from .encode import EncodedProblem, Ints
from .pricing import PricingSettings, price
from .result import Certificate
from .scoring import SCALE
from .solver import solve_edges
from .warm import reoptimize

Mask = NDArray[np.bool_]



@dataclass(frozen=True, slots=True, kw_only=True)
class ProofSettings:
    # Stop after this many seconds of proving (None: until proved) or pricing passes.
    seconds: float | None = None
    max_passes: int = 50
    pricing: PricingSettings = field(default_factory=PricingSettings)
    # When the windows of one repair have cost this share of the graph's edges, the whole
    # graph is solved instead.
    whole_from_share: float = 0.5
    # From this many graph edges on, repairs re-solve from the previous optimum and potentials
    # (warm.py, compiled) instead of windows of OR-tools solves; None: never. Below it, loading
    # the compiled loop (a second per process) would cost more than the windows. The windows
    # remain the fallback should a warm re-solve not check out.
    warm_from_edges: int | None = 100_000
    # Before pricing, each mentor the first solve left with a free place gets its best this many
    # feasible learners over every learner in range, and the graph is solved again (engine.py):
    # the pairs the most-learners objective needs, which no learner's best k holds. 0: never.
    free_mentor_pairs: int = 64
    # ... only for rounds of at least this many learners (the compiled loop's size; below it
    # pricing finds the few such pairs cheaply).
    free_mentors_from_learners: int = 50_000


@dataclass(slots=True)
class Graph:
    """The candidate graph as it grows, and the assignment on it."""

    learner: Ints
    mentor: Ints
    score: Ints
    chosen: Mask

    def add(self, learner: Ints, mentor: Ints, score: Ints) -> None:
        self.learner = np.concatenate((self.learner, learner))
        self.mentor = np.concatenate((self.mentor, mentor))
        self.score = np.concatenate((self.score, score))
        self.chosen = np.concatenate((self.chosen, np.zeros(learner.size, dtype=bool)))


def pair_max(enc: EncodedProblem) -> int:
    """The most a pair can score, in milli-points (every criterion in full)."""
    w = enc.criteria.weights
    return int(np.ceil(sum(getattr(w, name) for name in w.__slots__) * SCALE)) + 1


class _Prover:
    def __init__(self, enc: EncodedProblem, graph: Graph, settings: ProofSettings) -> None:
        self.enc = enc
        self.graph = graph
        self.settings = settings
        self.capacity = enc.mentors.capacity
        self.n_learners = len(enc.learners)
        self.n_mentors = len(enc.mentors)
        self.big = big_constant(pair_max(enc), self.n_learners, int(self.capacity.sum()))
        self.windows = 0
        # Per warm re-solve: searches, nodes settled, surplus at the sink, drain phases (for benchmarks).
        self.warm_stats: list[tuple[int, int, int, int]] = []

    def potentials(self, inside_l: Mask | None = None, inside_m: Mask | None = None,
                   u: Ints | None = None, v: Ints | None = None) -> Potentials:
        g = self.graph
        return potentials(learner=g.learner, mentor=g.mentor, score=g.score, chosen=g.chosen,
                          capacity=self.capacity, big=self.big, n_learners=self.n_learners,
                          inside_learners=inside_l, inside_mentors=inside_m, u=u, v=v)

    def solve_whole(self) -> None:
        g = self.graph
        result = solve_edges(learner=g.learner, mentor=g.mentor, score=g.score, capacity=self.capacity)
        g.chosen = np.zeros(g.learner.size, dtype=bool)
        g.chosen[result.chosen] = True

    def warm(self, seed_l: Ints, u: Ints, v: Ints) -> tuple[Ints, Ints, Mask, Mask] | None:
        """Re-solve from the previous optimum and potentials (:mod:`.warm`); None if that failed.

        Returns the new potentials and the learners and mentors to price again:
        those whose potential changed, and the learners that had an improving pair.
        """
        g = self.graph
        found = reoptimize(learner=g.learner, mentor=g.mentor, score=g.score, chosen=g.chosen,
                           capacity=self.capacity, big=self.big, u=u, v=v)
        if found is None:
            return None
        g.chosen, new_u, new_v = found.chosen, found.u, found.v
        self.windows += 1
        self.warm_stats.append((found.searches, found.settled, found.surplus, found.drain_phases))
        dirty_l = new_u != u
        dirty_l[seed_l] = True
        return new_u, new_v, dirty_l, new_v != v

    def _close(self, in_l: Mask, in_m: Mask) -> None:
        """Close a window under the assignment: partners of inside people are inside."""
        g = self.graph
        in_m[g.mentor[g.chosen & in_l[g.learner]]] = True
        in_l[g.learner[g.chosen & in_m[g.mentor]]] = True

    def _grow(self, in_l: Mask, in_m: Mask, from_l: Mask, from_m: Mask, slack: Ints, limit: int) -> None:
        """Add the partners of ``from_l``/``from_m`` over edges with at most ``limit`` slack."""
        g = self.graph
        near = slack <= limit
        in_m[g.mentor[near & from_l[g.learner]]] = True
        in_l[g.learner[near & from_m[g.mentor]]] = True
        self._close(in_l, in_m)

    def repair(self, seed_l: Ints, seed_m: Ints, u: Ints, v: Ints) -> tuple[Ints, Ints, Mask, Mask]:
        """Re-solve windows around the seeds until the assignment is proved optimal on the graph.

        A window starts as the seeds and their partners over tight edges; when
        its potentials fail, the learners and mentors where they fail join it
        with their partners over edges of growing slack. Returns the new
        potentials and the learners and mentors whose potentials were recomputed.
        """
        g = self.graph
        in_l = np.zeros(self.n_learners, dtype=bool)
        in_m = np.zeros(self.n_mentors, dtype=bool)
        in_l[seed_l] = True
        in_m[seed_m] = True
        self._close(in_l, in_m)
        # Slack of every edge under the last proved potentials (0 on tight edges).
        slack = np.maximum(u[g.learner] + v[g.mentor] - self.big - g.score, 0)
        self._grow(in_l, in_m, in_l.copy(), in_m.copy(), slack, 0)
        limits = [0, 0, SCALE, 5 * SCALE, 20 * SCALE, 100 * SCALE]
        spent = 0
        attempts = len(limits) + 4
        for attempt in range(attempts):
            edges = np.flatnonzero(in_l[g.learner] & in_m[g.mentor])
            spent += edges.size
            # Windows that keep growing cost more than one solve of the whole graph.
            if spent > g.learner.size * self.settings.whole_from_share or attempt == attempts - 1:
                self.solve_whole()
                self.windows += 1
                whole = self.potentials()
                if not whole.optimal:  # pragma: no cover - the solver's optimum always has potentials
                    raise AssertionError("the solver's optimum has no dual potentials")
                return whole.u, whole.v, np.ones(self.n_learners, dtype=bool), np.ones(self.n_mentors, dtype=bool)
            result = solve_edges(learner=g.learner[edges], mentor=g.mentor[edges], score=g.score[edges],
                                 capacity=self.capacity)
            g.chosen[in_l[g.learner]] = False
            g.chosen[edges[result.chosen]] = True
            self.windows += 1
            found = self.potentials(in_l, in_m, u, v)
            if found.optimal:
                return found.u, found.v, in_l, in_m
            from_l = np.zeros(self.n_learners, dtype=bool)
            from_m = np.zeros(self.n_mentors, dtype=bool)
            from_l[found.bad_learners] = True
            from_m[found.bad_mentors] = True
            in_l |= from_l
            in_m |= from_m
            self._close(in_l, in_m)
            self._grow(in_l, in_m, from_l, from_m, slack, limits[min(attempt, len(limits) - 1)])
        raise AssertionError("unreachable")  # pragma: no cover


def prove(enc: EncodedProblem, graph: Graph, bound: Ints, settings: ProofSettings,
          initial: Potentials | None = None) -> tuple[Graph, Certificate]:
    """Extend ``graph`` and its assignment (optimal on it) to the proved optimum over all pairs.

    ``bound`` is, per learner, an upper bound on the score of its feasible
    pairs outside ``graph`` (-1 if there are none): see :func:`.pricing.price`.
    """
    started = time.perf_counter()
    deadline = None if settings.seconds is None else started + settings.seconds
    prover = _Prover(enc, graph, settings)
    if prover.n_learners == 0 or prover.n_mentors == 0:
        return graph, Certificate(proved=True, passes=0, pairs_priced=0, pairs_scored=0, pairs_added=0, windows=0,
                                  seconds=time.perf_counter() - started)
    state = initial or prover.potentials()
    if not state.optimal:
        u0 = state.u
        u, v, _, _ = prover.repair(state.bad_learners, state.bad_mentors, np.maximum(u0, 0), state.v)
    else:
        u, v = state.u, state.v
    dirty_l = np.ones(prover.n_learners, dtype=bool)
    dirty_m: Mask | None = None
    passes = priced = scored = added = 0
    while True:
        passes += 1
        found = price(enc, u=u, v=v, big=prover.big, bound=bound, learners=dirty_l, mentors=dirty_m,
                      settings=settings.pricing, deadline=deadline)
        priced += found.pairs
        scored += found.scored
        complete = bool(found.covered.all())
        if complete and found.learner.size == 0:
            return graph, Certificate(proved=True, passes=passes, pairs_priced=priced, pairs_scored=scored,
                                      pairs_added=added,
                                      windows=prover.windows, seconds=time.perf_counter() - started)
        out_of_time = deadline is not None and time.perf_counter() > deadline
        if out_of_time or passes >= settings.max_passes:
            return graph, _stopped(prover, found.best_gain, found.covered, u, passes, priced, scored, added,
                                   "time" if out_of_time else "passes", started)
        graph.add(found.learner, found.mentor, found.score)
        added += int(found.learner.size)
        seed_l = np.unique(found.learner)
        use_warm = settings.warm_from_edges is not None and graph.learner.size >= settings.warm_from_edges
        warm = prover.warm(seed_l, u, v) if use_warm else None
        if warm is None:
            warm = prover.repair(seed_l, np.unique(found.mentor), u, v)
        u, v, dirty_l, dirty_m = warm


def _stopped(prover: _Prover, best_gain: Ints, covered: Mask, u: Ints, passes: int, priced: int, scored: int,
             added: int, why: str, started: float) -> Certificate:
    """The certificate of a search stopped early, with its proven bound on the gap.

    For any assignment of any feasible pairs, its weight is at most the dual
    objective plus, per learner, the largest positive gain of its pairs; the
    dual objective equals the current weight. So the optimum's weight exceeds
    ours by at most ``bound``: at most ``bound // big`` more learners, and with
    as many learners, at most ``bound`` more milli-points.
    """
    enc = prover.enc
    g = prover.graph
    # A learner whose pairs were not all priced may gain up to a perfect pair at a free mentor.
    best_possible = np.maximum(prover.big + pair_max(enc) - u, 0)
    gain = np.where(covered, best_gain, best_possible)
    bound = int(gain.astype(object).sum())
    certificate = Certificate(proved=False, passes=passes, pairs_priced=priced, pairs_scored=scored,
                              pairs_added=added, windows=prover.windows, seconds=time.perf_counter() - started,
                              stopped_by=why, gap_weight=bound, big=prover.big)
    return with_gap(certificate, enc, matched=int(g.chosen.sum()), score=int(g.score[g.chosen].sum()), gained=0)


def with_gap(certificate: Certificate, enc: EncodedProblem, *, matched: int, score: int, gained: int) -> Certificate:
    """The stopped proof's bound for a solution of ``matched`` learners and ``score`` milli-points
    that gained ``gained`` (in weight) on the one the bound was proved for."""
    if certificate.proved:
        return certificate
    bound = max(certificate.gap_weight - gained, 0)
    # With as many learners matched, no assignment scores above every pair in full.
    headroom = matched * pair_max(enc) - score
    return replace(certificate, gap_weight=bound, gap_learners=bound // certificate.big,
                   gap_score=min(bound, headroom) / SCALE)
