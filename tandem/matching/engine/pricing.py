"""Pricing: every pair that meets the hard limits, checked against the dual potentials.

A pair ``(i, j)`` left out of the candidate graph could improve the solution
only if its *gain* ``big + score[i, j] - u[i] - v[j]`` is positive (see
:mod:`.duals`). Pricing computes that gain for every pair within the distance
limit — scored by the one scorer in :mod:`.scoring` — without ever holding the
learner x mentor matrix: learners are grouped into small cells of a 3-D grid
on the globe, each cell is checked against the mentors within the limit of it
(one k-d tree query per cell), in blocks of a bounded number of pairs. The
pairs with a positive gain are returned (the best few per learner), with each
learner's largest gain, which bounds how much the optimum can exceed the
current solution if the search stops here.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from .candidates import _map, _search_radius, cell_side, cells, near_cell
from .encode import EncodedProblem, Ints
from .scoring import score_pairs

Mask = NDArray[np.bool_]


@dataclass(frozen=True, slots=True, kw_only=True)
class PricingSettings:
    # Most improving pairs kept per learner and pass (the best gains first).
    keep: int = 8
    # Pairs compared in one vectorised step (bounds the memory of pricing), and pairs scored
    # in one call (small enough for the CPU cache: several times faster than large arrays).
    block_pairs: int = 1 << 16
    score_pairs: int = 1 << 14
    # Side of the grid cells learners are grouped by, as a share of the distance limit.
    cell_share: float = 0.5
    workers: int = 2
    # From this many learners to price on, the compiled loop (kernels.py) prices instead of numpy
    # blocks: loading it costs a second or two per process, which only national rounds repay.
    compiled_from_learners: int = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class Priced:
    """Pairs with a positive gain, and what the pass covered."""

    learner: Ints
    mentor: Ints
    score: Ints
    gain: Ints
    # Pairs within the distance limit whose gain this pass bounded or computed.
    pairs: int
    # Of those, pairs scored exactly (the others' bound already showed they cannot gain).
    scored: int
    # Per learner: the largest positive gain over its priced pairs (0 if none).
    best_gain: Ints
    # Learners whose pairs were all priced (False: the deadline came first).
    covered: Mask


def price(enc: EncodedProblem, *, u: Ints, v: Ints, big: int, bound: Ints, learners: Mask,
          mentors: Mask | None = None, settings: PricingSettings = PricingSettings(),
          deadline: float | None = None) -> Priced:
    """Gains of the pairs of ``learners`` (and, when given, of every pair with one of ``mentors``).

    ``bound`` is, per learner, an upper bound on the score of any pair not in
    the graph (``-1``: every feasible pair of the learner is in the graph).
    A pair can only gain if ``v[j] < big + bound[i] - u[i]``, which is checked
    for every pair in reach first, at the cost of one comparison; only pairs
    that pass are scored. With ``mentors`` given, a pair is priced when its
    learner is in ``learners`` or its mentor is in ``mentors``: after a local
    change only the pairs that touch a changed potential need pricing again.
    """
    n_learners, n_mentors = len(enc.learners), len(enc.mentors)
    empty = np.zeros(0, dtype=np.int64)
    best_gain = np.zeros(n_learners, dtype=np.int64)
    covered = np.ones(n_learners, dtype=bool)
    nothing = Priced(learner=empty, mentor=empty, score=empty, gain=empty, pairs=0, scored=0,
                     best_gain=best_gain, covered=covered)
    if n_learners == 0 or n_mentors == 0:
        return nothing
    radius = _search_radius(enc)
    threshold = np.where(bound >= 0, big + bound - u, 0)
    rows = learners.copy()
    if mentors is not None and mentors.any():
        # Learners within reach of a changed mentor: one nearest-neighbour query each, no lists.
        changed = cKDTree(enc.mentors.xyz[mentors])
        nearest, _ = changed.query(enc.learners.xyz, k=1, distance_upper_bound=radius)
        rows |= np.isfinite(nearest)
    # A learner whose threshold no mentor's price is under cannot gain at all.
    rows &= threshold > v.min()
    rows_at = np.flatnonzero(rows)
    full = mentors is None and bool(learners.all())
    if rows_at.size == 0:
        # Every pair is ruled out by its learner's bound alone.
        return replace(nothing, pairs=_pairs_in_reach(enc, radius) if full else 0)
    tree = cKDTree(enc.mentors.xyz)
    groups = [rows_at[g] for g in cells(enc.learners.xyz[rows_at], cell_side(enc, settings.cell_share))]
    keep = settings.keep
    if rows_at.size >= settings.compiled_from_learners:
        parts, compared, scored = _compiled(enc, groups, tree, radius, threshold, u, v, big, learners, mentors,
                                            settings, deadline, covered)
    else:
        parts, compared, scored = _numpy(enc, groups, tree, radius, threshold, u, v, big, learners, mentors,
                                         settings, deadline, covered)
    for learner_part, _, _, gain_part in parts:
        np.maximum.at(best_gain, learner_part, gain_part)
    if parts:
        learner = np.concatenate([p[0] for p in parts])
        mentor = np.concatenate([p[1] for p in parts])
        score = np.concatenate([p[2] for p in parts])
        gain = np.concatenate([p[3] for p in parts])
        # The best ``keep`` per learner, highest gain first, ties by mentor.
        order = np.lexsort((mentor, -gain, learner))
        learner, mentor, score, gain = learner[order], mentor[order], score[order], gain[order]
        lead = np.flatnonzero(np.concatenate(([True], learner[1:] != learner[:-1])))
        rank = np.arange(learner.size) - np.repeat(lead, np.diff(np.append(lead, learner.size)))
        pick = rank < keep
        learner, mentor, score, gain = learner[pick], mentor[pick], score[pick], gain[pick]
    else:
        learner = mentor = score = gain = empty
    # A full pass prices every pair within reach (most by the bound alone); a
    # partial one the pairs in reach of its cells that touch a changed potential.
    pairs = _pairs_in_reach(enc, radius) if full else compared
    return Priced(learner=learner, mentor=mentor, score=score, gain=gain, pairs=pairs, scored=scored,
                  best_gain=best_gain, covered=covered)


Found = list[tuple[Ints, Ints, Ints, Ints]]


def _compiled(enc: EncodedProblem, groups: list[Ints], tree: cKDTree, radius: float, threshold: Ints, u: Ints,
              v: Ints, big: int, learners: Mask, mentors: Mask | None, settings: PricingSettings,
              deadline: float | None, covered: Mask) -> tuple[Found, int, int]:
    """Pricing by the compiled loop, cell by cell (national rounds)."""
    from . import kernels

    arrays = kernels.scorer_arrays(enc)
    use_m = mentors is not None
    dirty_m = mentors if mentors is not None else np.zeros(len(enc.mentors), dtype=bool)
    # Compiled scores may differ from the scorer's by a hair: pairs just below a gain of 0 are
    # re-scored too, and only the scorer's gain decides.
    floor = -kernels.MARGIN

    def priced_cell(group: Ints) -> tuple[Ints, Ints, Ints, int, int]:
        """The pairs of one cell that gain (re-scored exactly), pairs compared and scored."""
        near = near_cell(tree, enc.learners.xyz[group], radius)
        dirty_count = int(learners[group].sum())
        compared = dirty_count * near.size
        if mentors is not None:
            compared += (group.size - dirty_count) * int(mentors[near].sum())
        near = near[v[near] < threshold[group].max()]
        li, mi, _, _, _, count = kernels.gains(group, near, threshold, v, u, big, floor, learners, dirty_m, use_m,
                                               arrays)
        if li.size == 0:
            return li, mi, li, compared, count
        score, feasible = score_pairs(enc, li, mi)
        gain = big + score - u[li] - v[mi]
        hit = feasible & (gain > 0)
        return li[hit], mi[hit], score[hit], compared, count

    compared = scored = 0
    parts: Found = []
    for done, (li, mi, score, count, count_scored) in enumerate(_map(priced_cell, groups, settings.workers)):
        compared += count
        scored += count_scored
        if li.size:
            parts.append((li, mi, score, big + score - u[li] - v[mi]))
        if deadline is not None and time.perf_counter() > deadline and done + 1 < len(groups):
            for later in groups[done + 1 :]:
                covered[later] = False
            break
    return parts, compared, scored


def _numpy(enc: EncodedProblem, groups: list[Ints], tree: cKDTree, radius: float, threshold: Ints, u: Ints,
           v: Ints, big: int, learners: Mask, mentors: Mask | None, settings: PricingSettings,
           deadline: float | None, covered: Mask) -> tuple[Found, int, int]:
    """Pricing by numpy blocks (rounds too small to be worth loading the compiled loop)."""
    empty = np.zeros(0, dtype=np.int64)
    step = settings.block_pairs
    batch = settings.score_pairs

    def survivors(group: Ints) -> tuple[Ints, Ints, int]:
        """The pairs of one cell whose bound does not rule them out, and how many were compared."""
        near = near_cell(tree, enc.learners.xyz[group], radius)
        dirty_count = int(learners[group].sum())
        compared = dirty_count * near.size
        if mentors is not None:
            compared += (group.size - dirty_count) * int(mentors[near].sum())
        near = near[v[near] < threshold[group].max()]
        width = max(1, step // group.size)
        limit_rows = threshold[group][:, None]
        dirty_rows = learners[group][:, None]
        found_l, found_m = [], []
        for start in range(0, near.size, width):
            cols = near[start : start + width]
            mask = v[cols][None, :] < limit_rows
            if mentors is not None:
                mask &= dirty_rows | mentors[cols][None, :]
            r, c = np.nonzero(mask)
            found_l.append(group[r])
            found_m.append(cols[c])
        if not found_l:
            return empty, empty, compared
        return np.concatenate(found_l), np.concatenate(found_m), compared

    compared = scored = done = 0

    def scored_batch(batch: tuple[Ints, Ints]) -> tuple[Ints, Ints, Ints, Ints]:
        li, mi = batch
        score, feasible = score_pairs(enc, li, mi)
        gain = big + score - u[li] - v[mi]
        hit = feasible & (gain > 0)
        return li[hit], mi[hit], score[hit], gain[hit]

    def batches() -> Iterator[tuple[Ints, Ints]]:
        """Surviving pairs, cell by cell, in batches of about ``step`` for the scorer."""
        nonlocal compared, scored, done
        held_l: list[Ints] = []
        held_m: list[Ints] = []
        size = 0
        for li, mi, count in _map(survivors, groups, settings.workers):
            compared += count
            done += 1
            held_l.append(li)
            held_m.append(mi)
            size += li.size
            if size >= batch:
                li, mi = np.concatenate(held_l), np.concatenate(held_m)
                cut = size - size % batch
                for start in range(0, cut, batch):
                    yield li[start : start + batch], mi[start : start + batch]
                scored += cut
                held_l, held_m, size = [li[cut:]], [mi[cut:]], size - cut
            if deadline is not None and time.perf_counter() > deadline and done < len(groups):
                for later in groups[done:]:
                    covered[later] = False
                break
        if size:
            scored += size
            yield np.concatenate(held_l), np.concatenate(held_m)

    parts = [p for p in _map(scored_batch, batches(), settings.workers) if p[0].size]
    return parts, compared, scored


def _pairs_in_reach(enc: EncodedProblem, radius: float) -> int:
    """Pairs within the distance limit of every learner (all priced: most by the bound)."""
    if not np.isfinite(radius):
        return len(enc.learners) * len(enc.mentors)
    return int(cKDTree(enc.learners.xyz).count_neighbors(cKDTree(enc.mentors.xyz), radius))
