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

Each search stops at the nearest node that lacks a unit, usually within a
few alternating steps: a score improvement settles a handful of nodes, only
a change in the number of learners matched may search further.
"""

import numpy as np
from numba import njit
from numpy.typing import NDArray

from .encode import Ints

Mask = NDArray[np.bool_]

_INF = np.int64(1) << np.int64(62)


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
def _route(l_start, l_edges, m_start, m_edges, el, em, ew, cap, chosen, mate, load, pl, pm, pt, sources, lack_m,
           lack_t, stats):  # pragma: no cover - compiled
    """Route each source learner's unit along a shortest path to a node that lacks one.

    Nodes: learners ``0..L-1``, mentors ``L..L+M-1``, the sink ``T = L+M``.
    ``mate[i]``: the edge learner ``i`` uses, ``-1`` unmatched (its arc to T
    carries its unit), ``-2`` a source not yet routed. ``load[j]``: the flow
    from mentor ``j`` to T. ``pt`` is a one-element array (T's potential).
    Returns 0, or 1 if a reduced cost was negative (then nothing is trusted).
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
        while size > 0:
            d, x, size = _pop(heap_key, heap_node, size)
            if done[x] or d > dist[x]:
                continue
            done[x] = True
            settled[n_settled] = x
            n_settled += 1
            if x == t_node:
                if lack_t[0] > 0:
                    target = x
                    break
                stats[2] += 1
                # The sink: back to every unmatched learner and every mentor with a learner.
                ptv = pt[0]
                for i in range(n_l):
                    if mate[i] == -1 and not done[i]:
                        rc = ptv - pl[i]
                        if rc < 0:
                            return 1
                        nd = d + rc
                        if nd < dist[i]:
                            if dist[i] == _INF:
                                reached[n_reached] = i
                                n_reached += 1
                            dist[i] = nd
                            pred[i] = x
                            pred_edge[i] = -1
                            size = _push(heap_key, heap_node, size, nd, i)
                for j in range(n_m):
                    y = n_l + j
                    if load[j] > 0 and not done[y]:
                        rc = ptv - pm[j]
                        if rc < 0:
                            return 1
                        nd = d + rc
                        if nd < dist[y]:
                            if dist[y] == _INF:
                                reached[n_reached] = y
                                n_reached += 1
                            dist[y] = nd
                            pred[y] = x
                            pred_edge[y] = -1
                            size = _push(heap_key, heap_node, size, nd, y)
                continue
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
                    if nd < dist[i]:
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
                    if nd < dist[t_node]:
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
                if nd < dist[y]:
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
                if nd < dist[t_node]:
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


def reoptimize(*, learner: Ints, mentor: Ints, score: Ints, chosen: Mask, capacity: Ints, big: int, u: Ints,
               v: Ints) -> tuple[Mask, Ints, Ints, Ints] | None:
    """The optimum of the graph and its potentials, from an assignment and potentials that were
    optimal before some edges were added.

    ``u``/``v`` must be dual feasible and complementary for ``chosen`` on every
    edge except the new ones (a pair with a positive gain ``big + score - u - v``).
    Returns the new assignment (a mask over the edges), ``u``, ``v`` and the
    learners the search started from; or None if the result did not check out
    (the caller then solves from scratch).
    """
    n_l, n_m = u.size, v.size
    w = big + score
    gain = w - u[learner] - v[mentor]
    violated = gain > 0
    chosen = chosen.copy()
    if not violated.any():
        return chosen, u.copy(), v.copy(), np.zeros(0, dtype=np.int64)
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
    np.add.at(lack_m, mentor[old[old >= 0]], 1)
    lack_t = np.array([int((old < 0).sum())], dtype=np.int64)
    chosen[old[old >= 0]] = False
    mate[sources] = -2
    order = np.argsort(learner, kind="stable")
    l_start = np.searchsorted(learner[order], np.arange(n_l + 1))
    by_mentor = np.argsort(mentor, kind="stable")
    m_start = np.searchsorted(mentor[by_mentor], np.arange(n_m + 1))
    stats = np.zeros(3, dtype=np.int64)
    failed = _route(l_start, order, m_start, by_mentor, learner, mentor, w.astype(np.int64),
                    capacity.astype(np.int64), chosen, mate, load, pl, pm, pt, sources, lack_m, lack_t, stats)
    if failed:
        return None
    new_u = np.maximum(pl - pt[0], 0)
    new_v = np.maximum(pt[0] - pm, 0)
    if not check(learner=learner, mentor=mentor, score=score, chosen=chosen, capacity=capacity, big=big,
                 u=new_u, v=new_v):
        return None
    return chosen, new_u, new_v, sources


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
    if (u[per_learner == 0] != 0).any() or (v[load < capacity] != 0).any():
        return False
    return True
