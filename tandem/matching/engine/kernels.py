# mypy: disable-error-code="no-untyped-def, call-arg, var-annotated, unused-ignore"
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


@njit(nogil=True, cache=True)
def _scan(mode, group, near, k, threshold, v, u, big, floor, dirty_l, dirty_m, use_m, la, ma, llang, mlang, lcount,
          lneeds, mexp, ncount, lslots, mslots, lpref, mgender, lage, mage, lback, mback, waiting, excluded, has_excl,
          weights, numbers, flags):  # type: ignore[no-untyped-def]  # pragma: no cover - compiled
    """One compiled loop over the pairs ``group`` x ``near`` (``near`` sorted), in two modes.

    ``mode`` 0 (candidates): each learner's best ``k`` feasible mentors, ties by
    lower index; ``mode`` 2: each mentor of ``near``'s best ``k`` learners of
    ``group`` (sorted), ties by lower index. ``mode`` 1 (pricing): the pairs whose gain ``big + score - u - v``
    exceeds ``floor``; a pair is priced when its learner is dirty or (``use_m``)
    its mentor is, and scored only when its mentor's price is under the
    learner's ``threshold``.

    The score is :func:`.scoring.score_pairs`' arithmetic, operation for
    operation, written out here once: a call per pair (with two dozen array
    arguments to reference-count) would cost more than the pair.
    """
    words_lang = llang.shape[1]
    words_field = lneeds.shape[1]
    words_back = lback.shape[1]
    n_mentors = flags[4]
    size = group.size * k if mode == 0 else 1024
    out_l = np.empty(size, dtype=np.int64)
    out_m = np.empty(size, dtype=np.int64)
    out_s = np.empty(size, dtype=np.int64)
    out_g = np.empty(size, dtype=np.int64)
    feasible_count = np.zeros(group.size, dtype=np.int64)
    kth = np.full(group.size, -1, dtype=np.int64)
    top_s = np.empty(max(k, 1), dtype=np.int64)
    top_m = np.empty(max(k, 1), dtype=np.int64)
    side = near.size if mode == 2 else 0
    m_s = np.empty((side, max(k, 1)), dtype=np.int64)
    m_l = np.empty((side, max(k, 1)), dtype=np.int64)
    m_kept = np.zeros(side, dtype=np.int64)
    m_low = np.zeros(side, dtype=np.int64)
    found = 0
    compared = 0
    scored = 0
    in_range = 0
    for g in range(group.size):
        i = group[g]
        all_j = mode == 0 or dirty_l[i]
        limit = threshold[i]
        ui = u[i]
        lx, ly, lz = la[0, i], la[1, i], la[2, i]
        pref = lpref[i]
        age_i = lage[i]
        lslot = lslots[i]
        excl_i = has_excl[i] and excluded.size > 0
        per_lang = weights[1] / max(lcount[i], 1)
        per_field = weights[2] / max(ncount[i], 1)
        kept = 0
        low = 0
        for jj in range(near.size):
            j = near[jj]
            if mode == 1:
                if not all_j and not (use_m and dirty_m[j]):
                    continue
                compared += 1
                if v[j] >= limit:
                    continue
                scored += 1
            d = lx - ma[0, j]
            c2 = d * d
            d = ly - ma[1, j]
            c2 += d * d
            d = lz - ma[2, j]
            c2 += d * d
            if not c2 <= numbers[0]:
                continue
            in_range += 1
            langs = 0
            for word in range(words_lang):
                langs += _popcount(llang[i, word] & mlang[j, word])
            if flags[0] and langs < 1:
                continue
            slots = _popcount(lslot & mslots[j])
            if slots < flags[1]:
                continue
            ok_gender = pref < 0 or pref == mgender[j]
            if flags[2] and not ok_gender:
                continue
            gap = abs(age_i - mage[j])
            if flags[3] and gap > numbers[4]:
                continue
            if excl_i:
                key = i * n_mentors + j
                at = np.searchsorted(excluded, key)
                if at < excluded.size and excluded[at] == key:
                    continue
            total = 0.0
            if weights[0] != 0.0:
                half = min(math.sqrt(c2) * 0.5, 1.0)
                km = (2.0 * EARTH_RADIUS_KM) * math.asin(half)
                total += min(max(1.0 - km / numbers[1], 0.0), 1.0) * weights[0]
            if weights[1] != 0.0:
                total += langs * per_lang
            if weights[2] != 0.0:
                fields = 0
                for word in range(words_field):
                    fields += _popcount(lneeds[i, word] & mexp[j, word])
                total += fields * per_field
            if weights[3] != 0.0:
                total += min(slots, numbers[3]) * (weights[3] / numbers[3])
            if weights[4] != 0.0:
                total += (1.0 if ok_gender else 0.0) * weights[4]
            if weights[5] != 0.0 and not math.isnan(gap):
                total += min(max(1.0 - gap / numbers[2], 0.0), 1.0) * weights[5]
            if weights[6] != 0.0:
                shared = 0
                for word in range(words_back):
                    shared += _popcount(lback[i, word] & mback[j, word])
                total += (1.0 if shared > 0 else 0.0) * weights[6]
            if weights[7] != 0.0:
                total += waiting[i]
            s = np.int64(np.rint(total * 1000.0))
            if mode == 1:
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
                continue
            if mode == 2:
                held = m_kept[jj]
                if held < k:
                    m_s[jj, held] = s
                    m_l[jj, held] = i
                    m_kept[jj] = held + 1
                    if held + 1 < k:
                        continue
                elif s > m_s[jj, m_low[jj]]:
                    m_s[jj, m_low[jj]] = s
                    m_l[jj, m_low[jj]] = i
                else:
                    continue
                low = 0
                for t in range(1, k):
                    if m_s[jj, t] < m_s[jj, low] or (m_s[jj, t] == m_s[jj, low] and m_l[jj, t] > m_l[jj, low]):
                        low = t
                m_low[jj] = low
                continue
            feasible_count[g] += 1
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
        if mode == 0:
            for t in range(kept):
                out_l[found] = i
                out_m[found] = top_m[t]
                out_s[found] = top_s[t]
                found += 1
            if feasible_count[g] > kept and kept:
                lowest = top_s[0]
                for t in range(1, kept):
                    lowest = min(lowest, top_s[t])
                kth[g] = lowest
    if mode == 2:
        total_kept = m_kept.sum()
        out_l = np.empty(total_kept, dtype=np.int64)
        out_m = np.empty(total_kept, dtype=np.int64)
        out_s = np.empty(total_kept, dtype=np.int64)
        for jj in range(side):
            for t in range(m_kept[jj]):
                out_l[found] = m_l[jj, t]
                out_m[found] = near[jj]
                out_s[found] = m_s[jj, t]
                found += 1
    return (out_l[:found], out_m[:found], out_s[:found], out_g[:found], feasible_count, kth, in_range, compared,
            scored)


_NONE_I = np.zeros(1, dtype=np.int64)
_NONE_B = np.zeros(1, dtype=np.bool_)


def best_k(group: Ints, near: Ints, k: int, arrays: tuple) -> tuple[Ints, Ints, Ints, Ints, Ints, int]:  # type: ignore[type-arg]
    """Each learner of ``group``'s best ``k`` feasible mentors among ``near`` (sorted), ties by lower index.

    Returns (learner, mentor, score) of the kept pairs, per learner its feasible
    count and the lowest kept score when a feasible pair was left out (else -1),
    and the pairs within the distance limit.
    """
    found = _scan(0, group, near, k, _NONE_I, _NONE_I, _NONE_I, 0, 0, _NONE_B, _NONE_B, False, *arrays)
    return found[0], found[1], found[2], found[4], found[5], found[6]


def best_learners(group: Ints, near: Ints, k: int, arrays: tuple) -> tuple[Ints, Ints, Ints]:  # type: ignore[type-arg]
    """Each mentor of ``near``'s best ``k`` feasible learners among ``group`` (sorted), ties by lower index."""
    found = _scan(2, group, near, k, _NONE_I, _NONE_I, _NONE_I, 0, 0, _NONE_B, _NONE_B, False, *arrays)
    return found[0], found[1], found[2]


def gains(group: Ints, near: Ints, threshold: Ints, v: Ints, u: Ints, big: int, floor: int, dirty_l: np.ndarray,
          dirty_m: np.ndarray, use_m: bool, arrays: tuple) -> tuple[Ints, Ints, Ints, Ints, int, int]:  # type: ignore[type-arg]
    """Pairs of ``group`` x ``near`` whose gain ``big + score - u - v`` exceeds ``floor``.

    Returns the pairs (learner, mentor, score, gain), the pairs priced and the pairs scored.
    """
    found = _scan(1, group, near, 0, threshold, v, u, big, floor, dirty_l, dirty_m, use_m, *arrays)
    return found[0], found[1], found[2], found[3], found[7], found[8]


def check_scores(enc: EncodedProblem, learner: int, mentors: Ints) -> tuple[Ints, Ints]:
    """Compiled scores of one learner's feasible pairs among ``mentors`` (for the tests)."""
    near = np.unique(mentors.astype(np.int64))
    found = best_k(np.array([learner], dtype=np.int64), near, near.size, scorer_arrays(enc))
    return found[1], found[2]
