"""Compiled loops over blocks of pairs: exact best-k candidates and pricing at national scale.

A national round has 2 x 10^8 pairs within the distance limit. Scoring them
with numpy costs 100-200 ns a pair (every criterion is a temporary array); the
loops here, compiled by numba, test the distance first, then the hard limits,
and score only the pairs that pass, in 10-20 ns, with no temporary arrays.

The arithmetic is that of :mod:`.scoring`, operation for operation, so the
milli-point scores are the same; but a transcendental function (``arcsin``)
may differ from numpy's in its last bit on some machines, which could move a
score that sits exactly on a half milli-point by one. The callers therefore
never trust a compiled score where it matters: kept candidates and improving
pairs are re-scored by :func:`.scoring.score_pairs`, and every bound derived
from compiled scores is widened by :data:`MARGIN` milli-points.
"""

import math

import numpy as np
from numba import njit, types
from numba.extending import intrinsic

from .encode import EncodedProblem, Ints
from .geo import EARTH_RADIUS_KM
from .scoring import distance_reach, max_chord2

# Milli-points a compiled score may differ from the scorer's (one is the most; two to be safe).
MARGIN = 2


@intrinsic
def _popcount(typingctx, x):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    sig = types.uint64(types.uint64)

    def codegen(context, builder, signature, args):  # type: ignore[no-untyped-def]
        return builder.ctpop(args[0])

    return sig, codegen


def scorer_arrays(enc: EncodedProblem) -> tuple:  # type: ignore[type-arg]
    """Everything the compiled scorer reads, as one tuple of arrays and numbers."""
    L, M, crit = enc.learners, enc.mentors, enc.criteria
    w, limits = crit.weights, crit.limits
    age_reach = max(limits.max_age_gap or crit.age_gap_reach, 1e-9)
    weights = np.array([w.distance, w.language, w.expertise, w.availability, w.gender, w.age, w.background,
                        w.waiting], dtype=np.float64)
    numbers = np.array([max_chord2(enc), distance_reach(enc), age_reach, float(max(crit.availability_target_slots, 1)),
                        np.inf if limits.max_age_gap is None else float(limits.max_age_gap)], dtype=np.float64)
    flags = np.array([int(limits.require_shared_language), int(limits.min_shared_slots),
                      int(limits.honour_gender_preference), int(limits.max_age_gap is not None), len(M)],
                     dtype=np.int64)
    return (L.axes, M.axes, L.languages, M.languages, L.language_count, L.needs, M.expertise, L.need_count,
            L.slots, M.slots, L.preference, M.gender, L.age, M.age, L.background, M.background,
            L.waiting_points, enc.excluded, enc.has_exclusion, weights, numbers, flags)


@njit(inline="always", cache=True)
def _shared(left, right, i, j):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    total = 0
    for word in range(left.shape[1]):
        total += _popcount(left[i, word] & right[j, word])
    return total


@njit(inline="always", cache=True)
def _pair(i, j, la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots, lpref, mgender, lage, mage,
          lback, mback, waiting, excluded, has_excl, weights, numbers, flags):  # type: ignore[no-untyped-def]  # pragma: no cover
    """(in range, feasible, milli-points) of one pair, as :func:`.scoring.score_pairs` computes them."""
    d = la[0, i] - ma[0, j]
    c2 = d * d
    d = la[1, i] - ma[1, j]
    c2 += d * d
    d = la[2, i] - ma[2, j]
    c2 += d * d
    if not c2 <= numbers[0]:
        return False, False, 0
    langs = _shared(llang, mlang, i, j)
    if flags[0] and langs < 1:
        return True, False, 0
    slots = _popcount(lslots[i] & mslots[j])
    if slots < flags[1]:
        return True, False, 0
    ok_gender = lpref[i] < 0 or lpref[i] == mgender[j]
    if flags[2] and not ok_gender:
        return True, False, 0
    gap = abs(lage[i] - mage[j])
    if flags[3] and gap > numbers[4]:
        return True, False, 0
    if has_excl[i] and excluded.size:
        key = i * flags[4] + j
        at = np.searchsorted(excluded, key)
        if at < excluded.size and excluded[at] == key:
            return True, False, 0
    total = 0.0
    if weights[0] != 0.0:
        half = min(math.sqrt(c2) * 0.5, 1.0)
        km = (2.0 * EARTH_RADIUS_KM) * math.asin(half)
        total += min(max(1.0 - km / numbers[1], 0.0), 1.0) * weights[0]
    if weights[1] != 0.0:
        total += langs * (weights[1] / max(lcount[i], 1))
    if weights[2] != 0.0:
        total += _shared(lneeds, mexp, i, j) * (weights[2] / max(ncount[i], 1))
    if weights[3] != 0.0:
        total += min(slots, numbers[3]) * (weights[3] / numbers[3])
    if weights[4] != 0.0:
        total += (1.0 if ok_gender else 0.0) * weights[4]
    if weights[5] != 0.0 and not math.isnan(gap):
        total += min(max(1.0 - gap / numbers[2], 0.0), 1.0) * weights[5]
    if weights[6] != 0.0:
        total += (1.0 if _shared(lback, mback, i, j) > 0 else 0.0) * weights[6]
    if weights[7] != 0.0:
        total += waiting[i]
    return True, True, np.int64(np.rint(total * 1000.0))


@njit(nogil=True, cache=True)
def best_k(group, near, k, la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots, lpref, mgender,
           lage, mage, lback, mback, waiting, excluded, has_excl, weights, numbers, flags):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Each learner of ``group``'s best ``k`` feasible mentors among ``near`` (sorted), ties by lower index.

    Returns (learner, mentor, score) of the kept pairs, per learner its feasible
    count and the lowest kept score when a feasible pair was left out (else -1),
    and the pairs within the distance limit.
    """
    n = group.size
    out_l = np.empty(n * k, dtype=np.int64)
    out_m = np.empty(n * k, dtype=np.int64)
    out_s = np.empty(n * k, dtype=np.int64)
    feasible = np.zeros(n, dtype=np.int64)
    kth = np.full(n, -1, dtype=np.int64)
    in_range = 0
    top_s = np.empty(k, dtype=np.int64)
    top_m = np.empty(k, dtype=np.int64)
    written = 0
    for g in range(n):
        i = group[g]
        kept = 0
        low = 0  # position of the weakest kept pair
        for j in near:
            reach, ok, s = _pair(i, j, la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots, lpref,
                                 mgender, lage, mage, lback, mback, waiting, excluded, has_excl, weights, numbers,
                                 flags)
            if not reach:
                continue
            in_range += 1
            if not ok:
                continue
            feasible[g] += 1
            if kept < k:
                top_s[kept] = s
                top_m[kept] = j
                kept += 1
                if kept == k:
                    low = 0
                    for t in range(1, k):
                        if top_s[t] < top_s[low] or (top_s[t] == top_s[low] and top_m[t] > top_m[low]):
                            low = t
            elif s > top_s[low]:
                top_s[low] = s
                top_m[low] = j
                low = 0
                for t in range(1, k):
                    if top_s[t] < top_s[low] or (top_s[t] == top_s[low] and top_m[t] > top_m[low]):
                        low = t
        for t in range(kept):
            out_l[written] = i
            out_m[written] = top_m[t]
            out_s[written] = top_s[t]
            written += 1
        if feasible[g] > kept and kept:
            lowest = top_s[0]
            for t in range(1, kept):
                lowest = min(lowest, top_s[t])
            kth[g] = lowest
    return out_l[:written], out_m[:written], out_s[:written], feasible, kth, in_range


@njit(nogil=True, cache=True)
def gains(group, near, threshold, v, u, big, floor, dirty_l, dirty_m, use_m, la, ma, llang, mlang, lcount, lneeds,
          mexp, ncount, lslots, mslots, lpref, mgender, lage, mage, lback, mback, waiting, excluded, has_excl,
          weights, numbers, flags):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Pairs of ``group`` x ``near`` whose gain ``big + score - u - v`` exceeds ``floor``.

    A pair is priced when its learner is dirty or (``use_m``) its mentor is;
    one whose mentor's price is not under the learner's ``threshold`` cannot
    gain and is not scored. Returns the pairs (learner, mentor, score, gain),
    the pairs priced and the pairs scored.
    """
    size = 1024
    out_l = np.empty(size, dtype=np.int64)
    out_m = np.empty(size, dtype=np.int64)
    out_s = np.empty(size, dtype=np.int64)
    out_g = np.empty(size, dtype=np.int64)
    found = 0
    compared = 0
    scored = 0
    for g in range(group.size):
        i = group[g]
        all_j = dirty_l[i]
        limit = threshold[i]
        ui = u[i]
        for j in near:
            if not all_j and not (use_m and dirty_m[j]):
                continue
            compared += 1
            if v[j] >= limit:
                continue
            scored += 1
            _, ok, s = _pair(i, j, la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots, lpref,
                             mgender, lage, mage, lback, mback, waiting, excluded, has_excl, weights, numbers,
                             flags)
            if not ok:
                continue
            gain = big + s - ui - v[j]
            if gain <= floor:
                continue
            if found == size:
                size *= 2
                out_l = np.concatenate((out_l, np.empty(size - found, dtype=np.int64)))
                out_m = np.concatenate((out_m, np.empty(size - found, dtype=np.int64)))
                out_s = np.concatenate((out_s, np.empty(size - found, dtype=np.int64)))
                out_g = np.concatenate((out_g, np.empty(size - found, dtype=np.int64)))
            out_l[found] = i
            out_m[found] = j
            out_s[found] = s
            out_g[found] = gain
            found += 1
    return out_l[:found], out_m[:found], out_s[:found], out_g[:found], compared, scored


def check_scores(enc: EncodedProblem, learner: Ints, mentor: Ints) -> tuple[Ints, np.ndarray]:
    """Compiled scores of a list of pairs (for the tests: they must equal the scorer's)."""
    arrays = scorer_arrays(enc)
    return _score_list(learner.astype(np.int64), mentor.astype(np.int64), *arrays)


@njit(nogil=True, cache=True)
def _score_list(learner, mentor, la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots, lpref, mgender,
                lage, mage, lback, mback, waiting, excluded, has_excl, weights, numbers, flags):  # type: ignore[no-untyped-def]  # pragma: no cover
    score = np.zeros(learner.size, dtype=np.int64)
    feasible = np.zeros(learner.size, dtype=np.bool_)
    for e in range(learner.size):
        _, ok, s = _pair(learner[e], mentor[e], la, ma, llang, mlang, lcount, lneeds, mexp, ncount, lslots, mslots,
                         lpref, mgender, lage, mage, lback, mback, waiting, excluded, has_excl, weights, numbers,
                         flags)
        score[e] = s
        feasible[e] = ok
    return score, feasible
