"""The score of a pair and its hard limits, for whole arrays of pairs at once.

Every function takes learner and mentor index arrays that broadcast against
each other: ``(a, 1)`` with ``(1, b)`` scores a dense block, ``(a, 1)`` with
``(a, w)`` scores a pool of ``w`` mentors per learner, two ``(e,)`` arrays
score a list of edges. Candidate generation, the dense reference route, the
explanations and the reasons all call this one module, so they can never
disagree on what a pair is worth.

Scores are integer milli-points (``round(points * 1000)``): the solver needs
integer costs, and rounding once, here, makes every route rank pairs the same
way. Differences below 0.0005 points are therefore ties.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from .encode import Bits, EncodedProblem, Floats, Ints
from .geo import chord_for_km, km_from_chord2

SCALE = 1000  # milli-points per point

CRITERIA: tuple[str, ...] = (
    "distance",
    "language",
    "expertise",
    "availability",
    "gender",
    "age",
    "background",
    "waiting",
)
# Hard limits in the order they are reported when a learner has no candidate:
# distance first because it removes the most and reads most naturally.
LIMITS: tuple[str, ...] = ("distance", "language", "availability", "gender", "age", "excluded")

Index = NDArray[np.int64]
Mask = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class PairTerms:
    """Everything known about a set of pairs; used for explanations and reasons."""

    km: Floats
    shared_languages: Ints
    shared_fields: Ints
    shared_slots: Ints
    gap: Floats  # NaN when an age is unknown
    points: dict[str, Floats]
    score: Ints  # milli-points
    passes: dict[str, Mask]  # per limit: True where the pair satisfies it
    feasible: Mask


def shared_count(left: Bits, right: Bits, li: Index, mi: Index) -> NDArray[np.uint8]:
    """How many codes two bitsets share, pair by pair."""
    total = np.bitwise_count(left[:, 0][li] & right[:, 0][mi])
    for word in range(1, left.shape[1]):
        total = total + np.bitwise_count(left[:, word][li] & right[:, word][mi])
    return total


def chord2(enc: EncodedProblem, li: Index, mi: Index) -> Floats:
    lx, mx = enc.learners.axes, enc.mentors.axes
    diff = lx[0][li] - mx[0][mi]
    total = diff * diff
    for axis in (1, 2):
        diff = lx[axis][li] - mx[axis][mi]
        diff *= diff
        total += diff
    return total


def max_chord2(enc: EncodedProblem) -> float:
    limit = enc.criteria.limits.max_distance_km
    return np.inf if limit is None else chord_for_km(limit) ** 2


def distance_reach(enc: EncodedProblem) -> float:
    crit = enc.criteria
    return max(crit.limits.max_distance_km or crit.distance_reach_km, 1e-9)


def _distance_points(enc: EncodedProblem, km: Floats) -> Floats:
    points = np.clip(1.0 - km / distance_reach(enc), 0.0, 1.0)
    points *= enc.criteria.weights.distance
    return points


def _share_points(shared: NDArray[np.uint8], per_point: Floats) -> Floats:
    # Share of the learner's own list the mentor covers: a learner who speaks
    # Dutch and Turkish gets full language points only from a mentor with both.
    return shared * per_point


def _slot_points(enc: EncodedProblem, shared: NDArray[np.uint8]) -> Floats:
    target = max(enc.criteria.availability_target_slots, 1)
    return np.minimum(shared, target) * (enc.criteria.weights.availability / target)


def gender_ok(enc: EncodedProblem, li: Index, mi: Index) -> Mask:
    preference = enc.learners.preference[li]
    return (preference < 0) | (preference == enc.mentors.gender[mi])


def _age_points(enc: EncodedProblem, gap: Floats) -> Floats:
    crit = enc.criteria
    reach = max(crit.limits.max_age_gap or crit.age_gap_reach, 1e-9)
    points = np.clip(1.0 - gap / reach, 0.0, 1.0)
    points *= crit.weights.age
    return np.nan_to_num(points, nan=0.0, copy=False)


def not_excluded(enc: EncodedProblem, li: Index, mi: Index) -> Mask:
    """False where the pair is excluded; cheap when there are no exclusions."""
    shape = np.broadcast_shapes(li.shape, mi.shape)
    allowed = np.ones(shape, dtype=bool)
    if enc.excluded.size == 0:
        return allowed
    # Only learners with an exclusion need the (slower) key lookup.
    rows = np.nonzero(np.broadcast_to(enc.has_exclusion[li], shape))
    if rows[0].size == 0:
        return allowed
    keys = np.broadcast_to(li, shape)[rows] * len(enc.mentors) + np.broadcast_to(mi, shape)[rows]
    at = np.minimum(np.searchsorted(enc.excluded, keys), enc.excluded.size - 1)
    allowed[rows] = enc.excluded[at] != keys
    return allowed


def _points(
    enc: EncodedProblem, li: Index, mi: Index, km: Floats, langs: NDArray[np.uint8],
    fields: NDArray[np.uint8], slots: NDArray[np.uint8], gap: Floats, ok_gender: Mask,
) -> dict[str, Floats]:
    """Points per criterion; criteria with weight 0 are left out (adding 0 changes nothing)."""
    L, M, w = enc.learners, enc.mentors, enc.criteria.weights
    points: dict[str, Floats] = {}
    if w.distance:
        points["distance"] = _distance_points(enc, km)
    if w.language:
        points["language"] = _share_points(langs, w.language / np.maximum(L.language_count, 1)[li])
    if w.expertise:
        points["expertise"] = _share_points(fields, w.expertise / np.maximum(L.need_count, 1)[li])
    if w.availability:
        points["availability"] = _slot_points(enc, slots)
    if w.gender:
        points["gender"] = np.multiply(ok_gender, float(w.gender), dtype=np.float64)
    if w.age:
        points["age"] = _age_points(enc, gap)
    if w.background:
        shared = shared_count(L.background, M.background, li, mi)
        points["background"] = np.multiply(shared > 0, float(w.background), dtype=np.float64)
    if w.waiting:
        points["waiting"] = L.waiting_points[li]
    return points


def _total(points: dict[str, Floats], shape: tuple[int, ...]) -> Ints:
    total = np.zeros(shape)
    for name in CRITERIA:  # fixed order: every route sums identically
        if name in points:
            total += points[name]
    return to_milli(total)


def to_milli(points: Floats) -> Ints:
    return np.rint(np.asarray(points) * SCALE).astype(np.int64)


def pair_terms(enc: EncodedProblem, li: Index, mi: Index) -> PairTerms:
    """All terms, per-criterion points, per-limit masks, score and feasibility."""
    L, M, limits = enc.learners, enc.mentors, enc.criteria.limits
    shape = np.broadcast_shapes(li.shape, mi.shape)
    c2 = chord2(enc, li, mi)
    km = km_from_chord2(c2)
    langs = shared_count(L.languages, M.languages, li, mi)
    fields = shared_count(L.needs, M.expertise, li, mi)
    slots = np.bitwise_count(L.slots[li] & M.slots[mi])
    gap = np.abs(L.age[li] - M.age[mi])
    ok_gender = gender_ok(enc, li, mi)
    points = _points(enc, li, mi, km, langs, fields, slots, gap, ok_gender)
    yes = np.ones(shape, dtype=bool)
    max_gap = limits.max_age_gap
    passes = {
        "distance": c2 <= max_chord2(enc),
        "language": langs >= 1 if limits.require_shared_language else yes,
        "availability": slots >= limits.min_shared_slots,
        "gender": ok_gender if limits.honour_gender_preference else yes,
        # An unknown age cannot break the limit (NaN compares False).
        "age": yes if max_gap is None else ~(gap > max_gap),
        "excluded": not_excluded(enc, li, mi),
    }
    feasible = passes["distance"].copy()
    for name in LIMITS[1:]:
        feasible &= passes[name]
    return PairTerms(
        km=np.broadcast_to(km, shape),
        shared_languages=np.broadcast_to(langs, shape).astype(np.int64),
        shared_fields=np.broadcast_to(fields, shape).astype(np.int64),
        shared_slots=np.broadcast_to(slots, shape).astype(np.int64),
        gap=np.broadcast_to(gap, shape),
        points=points,
        score=_total(points, shape),
        passes=passes,
        feasible=feasible,
    )


def score_pairs(enc: EncodedProblem, li: Index, mi: Index) -> tuple[Ints, Mask]:
    """Milli-point scores and feasibility, skipping what only explanations need."""
    L, M, limits = enc.learners, enc.mentors, enc.criteria.limits
    shape = np.broadcast_shapes(li.shape, mi.shape)
    c2 = chord2(enc, li, mi)
    feasible = c2 <= max_chord2(enc)
    langs = shared_count(L.languages, M.languages, li, mi)
    if limits.require_shared_language:
        feasible &= langs >= 1
    slots = np.bitwise_count(L.slots[li] & M.slots[mi])
    feasible &= slots >= limits.min_shared_slots
    ok_gender = gender_ok(enc, li, mi)
    if limits.honour_gender_preference:
        feasible &= ok_gender
    gap = np.abs(L.age[li] - M.age[mi])
    if limits.max_age_gap is not None:
        feasible &= ~(gap > limits.max_age_gap)
    if enc.excluded.size:
        feasible &= not_excluded(enc, li, mi)
    fields = shared_count(L.needs, M.expertise, li, mi)
    points = _points(enc, li, mi, km_from_chord2(c2), langs, fields, slots, gap, ok_gender)
    return _total(points, shape), np.broadcast_to(feasible, shape)
