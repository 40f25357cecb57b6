# mypy: disable-error-code="no-untyped-def, unused-ignore"
"""Re-solving after pricing added pairs, warm-started from the previous optimum and its potentials.

The proof's repairs used to re-solve the whole candidate graph with OR-tools
from scratch (15-33 s a pass at national size) although only a few thousand
learners had an improving pair. Here the previous assignment and its dual
potentials are the starting point, and only what the new pairs disturb is
re-solved, by successive shortest paths (compiled by numba):

The objective is a min-cost flow: each learner sends one unit, to a mentor
(cost ``-w[i, j]``, ``w = big + score``) and on to a sink ``T`` (at most the
mentor's capacity), or straight to ``T`` unmatched (cost 0). With node
potentials ``p`` (``p = u`` for learners, ``-v`` for mentors, 0 for ``T``),
the reduced cost of every arc of the residual network is ``>= 0`` exactly when
``u``/``v`` are dual feasible and complementary (see :mod:`.duals`).

A pair with a positive gain is a residual arc with a negative reduced cost.
For each learner with one, its potential is raised until all its arcs are
non-negative again, and it gives up its mentor (or its "unmatched" arc): it
now has a unit to send, and its old mentor (or ``T``) lacks one. Each such
learner's unit is then routed along a shortest path (Dijkstra on the reduced
costs, stopping at the first node that lacks a unit) and the potentials of
the nodes it settled are updated so that every reduced cost stays
``>= 0``. When every unit is placed the flow is optimal and the potentials
are its certificate; the caller checks them against every edge of the graph
(:func:`check`), so a mistake here could cost time, never exactness.

A search stops at the nearest node that lacks a unit, usually within a few
alternating steps, or at the sink ``T``, which always absorbs it: the sink is
connected to every unmatched learner and every mentor with a learner, and a
search that went on through it would settle most of the graph. If the sink
had no unit to spare, it holds the surplus; the *drain* then passes the
surplus on to the mentors still lacking a learner, in phases: one full
Dijkstra from the sink, then as many node-disjoint paths of reduced cost 0
as a depth-first search finds. A mentor priced 0 may keep a free place, so
a learner leaving one leaves the lack at the sink, not at the mentor.
"""

from dataclasses import dataclass

import numpy as np
from numba import njit
from numpy.typing import NDArray

from .encode import Ints

Mask = NDArray[np.bool_]

_INF = np.int64(1) << np.int64(62)


@dataclass(frozen=True, slots=True, kw_only=True)
class Reoptimized:
    """The new optimum on the graph and the potentials that prove it."""

    chosen: Mask
    u: Ints
    v: Ints
    # Shortest-path searches (one per learner with an improving pair) and the nodes they settled;
    # searches that ended at the sink with no unit to spare (its surplus, for the drain), and
    # the drain's phases (each one full Dijkstra from the sink).
    searches: int
    settled: int
    surplus: int
    drain_phases: int


@njit(cache=True)
def _push(heap_key, heap_node, size, key, node):  # pragma: no cover - compiled
    at = size
    heap_key[at] = key
    heap_node[at] = node
    while at > 0:
        parent = (at - 1) >> 1
        if heap_key[parent] > heap_key[at] or (heap_key[parent] == heap_key[at] and heap_node[parent] > heap_node[at]):
            heap_key[parent], heap_key[at] = heap_key[at], heap_key[parent]
            heap_node[parent], heap_node[at] = heap_node[at], heap_node[parent]
            at = parent
        else:
            break
    return size + 1


@njit(cache=True)
def _pop(heap_key, heap_node, size):  # pragma: no cover - compiled
    key = heap_key[0]
    node = heap_node[0]
    size -= 1
    heap_key[0] = heap_key[size]
    heap_node[0] = heap_node[size]
    at = 0
    while True:
        left = 2 * at + 1
        if left >= size:
            break
        best = left
        right = left + 1
        if right < size and (heap_key[right] < heap_key[left]
                             or (heap_key[right] == heap_key[left] and heap_node[right] < heap_node[left])):
            best = right
        if heap_key[best] < heap_key[at] or (heap_key[best] == heap_key[at] and heap_node[best] < heap_node[at]):
            heap_key[best], heap_key[at] = heap_key[at], heap_key[best]
            heap_node[best], heap_node[at] = heap_node[at], heap_node[best]
            at = best
        else:
            break
    return key, node, size


@njit(cache=True)
def _lacks(x, n_l, t_node, lack_m, lack_t):  # pragma: no cover - compiled
    if x == t_node:
        return True
    return x >= n_l and lack_m[x - n_l] > 0


@njit(cache=True)
def _route(l_start, l_edges, m_start, m_edges, el, em, ew, cap, chosen, mate, load, pl, pm, pt, sources, lack_m,
           lack_t, stats):  # pragma: no cover - compiled
    """Route each source learner's unit along a shortest path to a node that lacks one.

    Nodes: learners ``0..L-1``, mentors ``L..L+M-1``, the sink ``T = L+M``.
    ``mate[i]``: the edge learner ``i`` uses, ``-1`` unmatched (its arc to T
    carries its unit), ``-2`` a source not yet routed. ``load[j]``: the flow
    from mentor ``j`` to T. ``pt`` is a one-element array (T's potential).
    Returns 0, or 1 if a reduced cost was negative (then nothing is trusted).

    The relaxation of an arc is written out at each of its four arcs' kinds on purpose: as a
    helper returning ``(size, n_reached, bound)`` (like ``_relax`` in the drain) it measured
    20-35 % slower on the national round's first re-solve, this loop's whole cost.
    """
    n_l = pl.size
    n_m = pm.size
    t_node = n_l + n_m
    n_nodes = t_node + 1
    dist = np.full(n_nodes, _INF, dtype=np.int64)
    done = np.zeros(n_nodes, dtype=np.bool_)
    pred = np.full(n_nodes, -1, dtype=np.int64)
    pred_edge = np.full(n_nodes, -1, dtype=np.int64)
    reached = np.empty(n_nodes, dtype=np.int64)
    settled = np.empty(n_nodes, dtype=np.int64)
    heap_key = np.empty(el.size + 2 * n_nodes + 2, dtype=np.int64)
    heap_node = np.empty(el.size + 2 * n_nodes + 2, dtype=np.int64)
    for s in sources:
        size = 0
        n_reached = 0
        n_settled = 0
        dist[s] = 0
        reached[n_reached] = s
        n_reached += 1
        size = _push(heap_key, heap_node, size, 0, s)
        target = -1
        # The best distance found so far to a node that lacks a unit: the target is no further,
        # so no node beyond it can be settled first, and arcs past it need not be followed.
        bound = _INF
        while size > 0:
            d, x, size = _pop(heap_key, heap_node, size)
            if done[x] or d > dist[x]:
                continue
            done[x] = True
            settled[n_settled] = x
            n_settled += 1
            if x == t_node:
                # The sink absorbs any unit; if it has none to spare, it keeps the surplus for
                # the drain (below) to pass on to a mentor that lacks a learner.
                if lack_t[0] <= 0:
                    stats[2] += 1
                target = x
                break
            if x >= n_l:
                j = x - n_l
                if lack_m[j] > 0:
                    target = x
                    break
                # Back along the edges this mentor's learners use.
                for at in range(m_start[j], m_start[j + 1]):
                    e = m_edges[at]
                    if not chosen[e]:
                        continue
                    i = el[e]
                    if done[i]:
                        continue
                    rc = ew[e] - pl[i] + pm[j]
                    if rc < 0:
                        return 1
                    nd = d + rc
                    if nd < dist[i] and nd <= bound:
                        if _lacks(i, n_l, t_node, lack_m, lack_t):
                            bound = nd
                        if dist[i] == _INF:
                            reached[n_reached] = i
                            n_reached += 1
                        dist[i] = nd
                        pred[i] = x
                        pred_edge[i] = e
                        size = _push(heap_key, heap_node, size, nd, i)
                if load[j] < cap[j] and not done[t_node]:
                    rc = pm[j] - pt[0]
                    if rc < 0:
                        return 1
                    nd = d + rc
                    if nd < dist[t_node] and nd <= bound:
                        if _lacks(t_node, n_l, t_node, lack_m, lack_t):
                            bound = nd
                        if dist[t_node] == _INF:
                            reached[n_reached] = t_node
                            n_reached += 1
                        dist[t_node] = nd
                        pred[t_node] = x
                        pred_edge[t_node] = -1
                        size = _push(heap_key, heap_node, size, nd, t_node)
                continue
            i = x
            for at in range(l_start[i], l_start[i + 1]):
                e = l_edges[at]
                if chosen[e]:
                    continue
                y = n_l + em[e]
                if done[y]:
                    continue
                rc = pl[i] - pm[em[e]] - ew[e]
                if rc < 0:
                    return 1
                nd = d + rc
                if nd < dist[y] and nd <= bound:
                    if _lacks(y, n_l, t_node, lack_m, lack_t):
                        bound = nd
                    if dist[y] == _INF:
                        reached[n_reached] = y
                        n_reached += 1
                    dist[y] = nd
                    pred[y] = x
                    pred_edge[y] = e
                    size = _push(heap_key, heap_node, size, nd, y)
            if mate[i] != -1 and not done[t_node]:
                rc = pl[i] - pt[0]
                if rc < 0:
                    return 1
                nd = d + rc
                if nd < dist[t_node] and nd <= bound:
                    if _lacks(t_node, n_l, t_node, lack_m, lack_t):
                        bound = nd
                    if dist[t_node] == _INF:
                        reached[n_reached] = t_node
                        n_reached += 1
                    dist[t_node] = nd
                    pred[t_node] = x
                    pred_edge[t_node] = -1
                    size = _push(heap_key, heap_node, size, nd, t_node)
        if target < 0:  # every source can always stay unmatched: a path to T exists
            return 1
        stats[0] += 1
        stats[1] += n_settled
        limit = dist[target]
        # New potentials p + min(d, D) - D: only the settled nodes move.
        for at in range(n_settled):
            x = settled[at]
            delta = dist[x] - limit
            if x == t_node:
                pt[0] += delta
            elif x >= n_l:
                pm[x - n_l] += delta
            else:
                pl[x] += delta
        # Augment along the path, from the target back to the source.
        x = target
        while x != s:
            p = pred[x]
            e = pred_edge[x]
            if x == t_node:
                if p >= n_l:
                    load[p - n_l] += 1
                else:
                    mate[p] = -1
            elif x >= n_l:
                if p == t_node:
                    load[x - n_l] -= 1
                else:
                    chosen[e] = True
                    mate[p] = e
            elif p != t_node:
                chosen[e] = False
            x = p
        if target == t_node:
            lack_t[0] -= 1
        else:
            lack_m[target - n_l] -= 1
        for at in range(n_reached):
            x = reached[at]
            dist[x] = _INF
            done[x] = False
    return 0


@njit(cache=True)
def _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached, n_reached, y, nd, x, e):  # pragma: no cover
    if done[y] or nd >= dist[y]:
        return size, n_reached
    if dist[y] == _INF:
        reached[n_reached] = y
        n_reached += 1
    dist[y] = nd
    succ[y] = x
    succ_edge[y] = e
    return _push(heap_key, heap_node, size, nd, y), n_reached


@njit(cache=True)
def _drain(l_start, l_edges, m_start, m_edges, el, em, ew, cap, chosen, mate, load, pl, pm, pt, lack_m, lack_t,
           stats):  # pragma: no cover - compiled
    """Pass the sink's surplus units (``-lack_t``) on to the mentors that lack a learner.

    One unit at a time, by a Dijkstra *backwards* from every mentor that lacks
    a learner to the sink: the search follows arcs into a node, never the
    sink's own arcs to everybody, and the potentials of the nodes it settled
    move by ``D - d`` (``D``: the sink's distance), the sink's not at all, so
    the potentials change only near the path. Returns 0, or 1 if a reduced
    cost was negative.
    """
    n_l = pl.size
    n_m = pm.size
    t_node = n_l + n_m
    n_nodes = t_node + 1
    dist = np.full(n_nodes, _INF, dtype=np.int64)
    done = np.zeros(n_nodes, dtype=np.bool_)
    succ = np.full(n_nodes, -1, dtype=np.int64)
    succ_edge = np.full(n_nodes, -1, dtype=np.int64)
    reached = np.empty(n_nodes, dtype=np.int64)
    settled = np.empty(n_nodes, dtype=np.int64)
    heap_key = np.empty(el.size + 2 * n_nodes + 2, dtype=np.int64)
    heap_node = np.empty(el.size + 2 * n_nodes + 2, dtype=np.int64)
    while lack_t[0] < 0:
        stats[3] += 1
        size = 0
        n_reached = 0
        n_settled = 0
        for j in range(n_m):
            if lack_m[j] > 0:
                size, n_reached = _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached, n_reached,
                                         n_l + j, 0, -1, -1)
        found = False
        while size > 0:
            d, x, size = _pop(heap_key, heap_node, size)
            if done[x] or d > dist[x]:
                continue
            done[x] = True
            settled[n_settled] = x
            n_settled += 1
            if x == t_node:
                found = True
                break
            if x >= n_l:
                j = x - n_l
                # Into a mentor: a learner's edge to it, and the sink (one learner fewer) if it has one.
                for at in range(m_start[j], m_start[j + 1]):
                    e = m_edges[at]
                    if chosen[e]:
                        continue
                    i = el[e]
                    rc = pl[i] - pm[j] - ew[e]
                    if rc < 0:
                        return 1
                    size, n_reached = _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached,
                                             n_reached, i, d + rc, x, e)
                if load[j] > 0:
                    rc = pt[0] - pm[j]
                    if rc < 0:
                        return 1
                    size, n_reached = _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached,
                                             n_reached, t_node, d + rc, x, -1)
            else:
                # Into a learner: from its mentor (it leaves), or from the sink if it is unmatched.
                i = x
                e = mate[i]
                if e >= 0:
                    j = em[e]
                    rc = ew[e] - pl[i] + pm[j]
                    if rc < 0:
                        return 1
                    size, n_reached = _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached,
                                             n_reached, n_l + j, d + rc, x, e)
                elif e == -1:
                    rc = pt[0] - pl[i]
                    if rc < 0:
                        return 1
                    size, n_reached = _relax(heap_key, heap_node, size, dist, done, succ, succ_edge, reached,
                                             n_reached, t_node, d + rc, x, -1)
        if not found:
            return 1
        stats[1] += n_settled
        limit = dist[t_node]
        for at in range(n_settled):
            x = settled[at]
            if x < t_node:
                if x >= n_l:
                    pm[x - n_l] += limit - dist[x]
                else:
                    pl[x] += limit - dist[x]
        # Carry the unit from the sink along the path found.
        x = t_node
        while succ[x] >= 0:
            y = succ[x]
            e = succ_edge[x]
            if x == t_node:
                if y >= n_l:
                    load[y - n_l] -= 1
            elif x >= n_l:
                chosen[e] = False
            else:
                chosen[e] = True
                mate[x] = e
            x = y
        lack_m[x - n_l] -= 1
        lack_t[0] += 1
        for at in range(n_reached):
            y = reached[at]
            dist[y] = _INF
            done[y] = False
            succ[y] = -1
            succ_edge[y] = -1
    return 0


def reoptimize(*, learner: Ints, mentor: Ints, score: Ints, chosen: Mask, capacity: Ints, big: int, u: Ints,
               v: Ints) -> Reoptimized | None:
    """The optimum of the graph and its potentials, from an assignment and potentials that were
    optimal before some edges were added.

    ``u``/``v`` must be dual feasible and complementary for ``chosen`` on every
    edge except the new ones (a pair with a positive gain ``big + score - u - v``).
    Returns the new assignment (a mask over the edges) with its ``u`` and ``v``,
    or None if the result did not check out (the caller then solves another way).
    """
    n_l, n_m = u.size, v.size
    w = big + score
    gain = w - u[learner] - v[mentor]
    violated = gain > 0
    chosen = chosen.copy()
    if not violated.any():
        return Reoptimized(chosen=chosen, u=u.copy(), v=v.copy(), searches=0, settled=0, surplus=0, drain_phases=0)
    pl = u.astype(np.int64).copy()
    pm = -v.astype(np.int64)
    pt = np.zeros(1, dtype=np.int64)
    sources = np.unique(learner[violated])
    # Raise each source's potential until none of its arcs is negative, then free its unit.
    of_source = np.isin(learner, sources)
    need = np.zeros(n_l, dtype=np.int64)
    np.maximum.at(need, learner[of_source], w[of_source] + pm[mentor[of_source]])
    pl[sources] = np.maximum(pl[sources], need[sources])
    mate = np.full(n_l, -1, dtype=np.int64)
    at = np.flatnonzero(chosen)
    mate[learner[at]] = at
    load = np.bincount(mentor[at], minlength=n_m).astype(np.int64)
    lack_m = np.zeros(n_m, dtype=np.int64)
    old = mate[sources]
    left = mentor[old[old >= 0]]
    # A mentor priced 0 may keep a free place: its lack moves to the sink along an arc of
    # reduced cost 0 (one fewer learner sent on), so that most searches can end at the sink.
    unpriced = v[left] == 0
    np.add.at(load, left[unpriced], -1)
    np.add.at(lack_m, left[~unpriced], 1)
    lack_t = np.array([int((old < 0).sum()) + int(unpriced.sum())], dtype=np.int64)
    chosen[old[old >= 0]] = False
    mate[sources] = -2
    order = np.argsort(learner, kind="stable")
    l_start = np.searchsorted(learner[order], np.arange(n_l + 1))
    by_mentor = np.argsort(mentor, kind="stable")
    m_start = np.searchsorted(mentor[by_mentor], np.arange(n_m + 1))
    stats = np.zeros(4, dtype=np.int64)
    failed = _route(l_start, order, m_start, by_mentor, learner, mentor, w.astype(np.int64),
                    capacity.astype(np.int64), chosen, mate, load, pl, pm, pt, sources, lack_m, lack_t, stats)
    if not failed:
        failed = _drain(l_start, order, m_start, by_mentor, learner, mentor, w.astype(np.int64),
                        capacity.astype(np.int64), chosen, mate, load, pl, pm, pt, lack_m, lack_t, stats)
    if failed:
        return None
    # An edge in use is a saturated arc: the flow allows its reduced cost below 0, the
    # assignment's duals do not. Raising its learner's potential to make it tight breaks no arc
    # (the learner's only arc in is the reverse of that edge, whose reduced cost becomes 0).
    used = np.flatnonzero(chosen)
    pl[learner[used]] = np.maximum(pl[learner[used]], pm[mentor[used]] + w[used])
    new_u = np.maximum(pl - pt[0], 0)
    new_v = np.maximum(pt[0] - pm, 0)
    if not check(learner=learner, mentor=mentor, score=score, chosen=chosen, capacity=capacity, big=big,
                 u=new_u, v=new_v):
        return None
    return Reoptimized(chosen=chosen, u=new_u, v=new_v, searches=int(stats[0]), settled=int(stats[1]),
                       surplus=int(stats[2]), drain_phases=int(stats[3]))


def check(*, learner: Ints, mentor: Ints, score: Ints, chosen: Mask, capacity: Ints, big: int, u: Ints,
          v: Ints) -> bool:
    """Whether ``u``/``v`` prove ``chosen`` optimal on the graph: a feasible assignment, dual
    feasible on every edge, complementary (tight chosen edges, 0 for the unmatched and the not full)."""
    n_l = u.size
    per_learner = np.bincount(learner[chosen], minlength=n_l)
    load = np.bincount(mentor[chosen], minlength=v.size)
    if per_learner.max(initial=0) > 1 or (load > capacity).any():
        return False
    if (u < 0).any() or (v < 0).any():
        return False
    slack = u[learner] + v[mentor] - big - score
    if (slack < 0).any() or (slack[chosen] != 0).any():
        return False
    return not ((u[per_learner == 0] != 0).any() or (v[load < capacity] != 0).any())
