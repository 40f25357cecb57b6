"""Dual potentials of an assignment: the proof that it is optimal, or where it is not.

The engine's objective — most learners matched, then the highest total score —
is one linear programme: maximise ``sum(w[i, j] * x[i, j])`` with the weight of a
pair ``w = big + score`` (``big`` above any total score, so one more match
always wins), each learner taking at most one mentor and mentor ``j`` at most
``capacity[j]`` learners. Its dual gives every learner a potential ``u[i] >= 0``
and every mentor a price ``v[j] >= 0`` with ``u[i] + v[j] >= w[i, j]`` for every
pair. An assignment is optimal exactly when such potentials exist that are
*complementary*: ``u[i] + v[j] = w[i, j]`` on chosen pairs, ``u[i] = 0`` for
unmatched learners and ``v[j] = 0`` for mentors with a free place. The
constraint matrix is totally unimodular, so this holds for whole assignments,
not only fractional ones.

Given an assignment, the *least* complementary prices are longest paths: a
mentor's price must cover what an unmatched learner would gain from it
(``v[j] >= w[i, j]``), and what a matched learner would gain by moving to it
from its own mentor ``k`` (``v[j] >= v[k] + score[i, j] - score[i, k]``). They
are found by a vectorised Bellman-Ford over the mentors, frontier by frontier.
When the assignment is optimal the prices settle and every condition holds.
When it is not, the computation says where: a mentor with a free place but a
positive price ends an improving path, a learner whose potential would be
negative sits on a better swap, and prices that keep rising go round an
improving cycle.

:func:`potentials` can also recompute a *window* (some learners and mentors)
with everybody outside it held at their previous potentials; the result is
accepted only if every edge leaving the window is still dual feasible, so a
window's answer is exactly as strong as a global one.

All arithmetic is exact, in int64 milli-points.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .encode import Ints

Mask = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class Potentials:
    """Dual potentials of an assignment, or where it can be improved."""

    u: Ints  # per learner
    v: Ints  # per mentor
    # Learners and mentors on improving paths or cycles, or on window edges that
    # are not dual feasible: empty when the assignment is proved optimal.
    bad_learners: Ints
    bad_mentors: Ints
    passes: int

    @property
    def optimal(self) -> bool:
        return self.bad_learners.size == 0 and self.bad_mentors.size == 0


def big_constant(pair_max_milli: int, learners: int, seats: int) -> int:
    """A weight per match above any total score: one more match always wins."""
    return max(1, pair_max_milli) * max(1, min(learners, seats)) + 1


def _on_cycles(pointer: Ints) -> Ints:
    """Nodes reached by following ``pointer`` forever (-1 ends a chain): those on cycles."""
    jump = pointer.copy()
    steps = 1
    while steps < pointer.size:
        jump = np.where(jump >= 0, jump[np.maximum(jump, 0)], -1)
        steps *= 2
    return np.unique(jump[jump >= 0])


def potentials(*, learner: Ints, mentor: Ints, score: Ints, chosen: Mask, capacity: Ints, big: int,
               n_learners: int, inside_learners: Mask | None = None, inside_mentors: Mask | None = None,
               u: Ints | None = None, v: Ints | None = None) -> Potentials:
    """Least complementary potentials for the assignment ``chosen`` (a mask over the edges).

    Globally (no window given) every edge takes part. With a window, only the
    potentials of ``inside_learners`` and ``inside_mentors`` are recomputed and
    ``u``/``v`` give everybody else's; the window must be closed under the
    assignment (a learner matched to an inside mentor is inside, and so is the
    mentor of an inside learner).
    """
    n_mentors = capacity.size
    whole = inside_learners is None
    in_l = np.ones(n_learners, dtype=bool) if inside_learners is None else inside_learners
    in_m = np.ones(n_mentors, dtype=bool) if inside_mentors is None else inside_mentors
    u_out = np.zeros(n_learners, dtype=np.int64) if u is None else u
    v_out = np.zeros(n_mentors, dtype=np.int64) if v is None else v

    matched_to = np.full(n_learners, -1, dtype=np.int64)
    matched_to[learner[chosen]] = mentor[chosen]
    matched_score = np.zeros(n_learners, dtype=np.int64)
    matched_score[learner[chosen]] = score[chosen]
    load = np.bincount(mentor[chosen], minlength=n_mentors)

    new_v = np.where(in_m, 0, v_out)
    head_in = in_m[mentor]
    tail_in = in_l[learner]
    # Roots: a mentor's price covers what an unmatched inside learner would gain
    # from it, and what an outside learner (at its fixed potential) would.
    root = np.flatnonzero(head_in & (~tail_in | (matched_to[learner] < 0)))
    # The learner whose wish set each mentor's price (-1: none), to say who a defect involves.
    origin = np.full(n_mentors, -1, dtype=np.int64)
    if root.size:
        gain = big + score[root] - np.where(tail_in[root], 0, u_out[learner[root]])
        root, gain = root[gain > 0], gain[gain > 0]
    if root.size:
        best = np.lexsort((-gain, mentor[root]))
        root, gain = root[best], gain[best]
        lead = np.concatenate(([True], mentor[root][1:] != mentor[root][:-1]))
        new_v[mentor[root[lead]]] = gain[lead]
        origin[mentor[root[lead]]] = learner[root[lead]]
    # Moves of matched inside learners: from their mentor k to j.
    k = matched_to[learner]
    arcs = np.flatnonzero(head_in & tail_in & (k >= 0) & (k != mentor))
    tail, head = k[arcs], mentor[arcs]
    length = score[arcs] - matched_score[learner[arcs]]
    order = np.argsort(tail, kind="stable")
    tail, head, length = tail[order], head[order], length[order]
    first = np.searchsorted(tail, np.arange(n_mentors + 1))

    raised_by = np.full(n_mentors, -1, dtype=np.int64)
    active = np.flatnonzero(in_m)
    passes = 0
    cycling = np.zeros(0, dtype=np.int64)
    while active.size:
        passes += 1
        starts = first[active]
        counts = first[active + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        offered = new_v[tail[at]] + length[at]
        better = offered > new_v[head[at]]
        if not better.any():
            break
        at, offered = at[better], offered[better]
        # The best offer per mentor; ties go to the first arc (deterministic).
        by_head = np.lexsort((-offered, head[at]))
        at, offered = at[by_head], offered[by_head]
        heads = head[at]
        lead = np.concatenate(([True], heads[1:] != heads[:-1]))
        at, offered, heads = at[lead], offered[lead], heads[lead]
        new_v[heads] = offered
        raised_by[heads] = tail[at]
        origin[heads] = origin[tail[at]]
        active = heads
        # Prices that keep rising go round an improving cycle, which shows as a
        # cycle of the "raised by" pointers (checked now and then).
        if passes >= 32 and passes % 8 == 0:
            cycling = _on_cycles(raised_by)
            if cycling.size:
                break

    new_u = np.where(matched_to >= 0, big + matched_score - new_v[np.maximum(matched_to, 0)], 0)
    new_u = np.where(in_l, new_u, u_out)
    free_priced = np.flatnonzero(in_m & (new_v > 0) & (load < capacity))
    negative = np.flatnonzero(in_l & (new_u < 0))
    # A defect involves the mentors on it and the learner whose wish started it.
    sources = origin[np.concatenate((free_priced, matched_to[negative], cycling))]
    bad_m = [cycling, free_priced, matched_to[negative]]
    bad_l = [negative, sources[sources >= 0]]
    if not whole:
        # Edges from inside learners to outside mentors must stay dual feasible.
        leaving = tail_in & ~head_in
        short = leaving & (new_u[learner] + v_out[mentor] < big + score)
        bad_l.append(learner[short])
        bad_m.append(mentor[short])
    return Potentials(u=new_u, v=new_v, bad_learners=np.unique(np.concatenate(bad_l)),
                      bad_mentors=np.unique(np.concatenate(bad_m)), passes=passes)
