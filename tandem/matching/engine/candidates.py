"""Candidate generation: the few mentors worth considering for each learner.

The dense learner x mentor matrix is out of reach at national scale (10^10
pairs). Two ways, chosen by how many pairs lie within the distance limit:

*Exhaustive* (up to ``exhaustive_pairs``, e.g. 10,000 x 10,000): a k-d tree
lists the mentors in range of each learner, every such pair is scored, and the
candidates are exactly each learner's best ``k`` plus each mentor's best
``mentor_k`` learners. The mentor side matters: ranking only by learner leaves
mentors who are nobody's favourite without edges, and the learner who needed
exactly that mentor unmatched.

*Pooled* (national rounds: 2 x 10^8 pairs in range at 100,000 x 100,000,
because cities are dense): every learner gets a pool that is cheap to find and
likely to hold its best mentors, pool pairs are scored exactly, and the best
``k`` feasible are kept. A score is not only distance: expertise <-> needs is
the largest categorical term, so the nearest mentors *with each field the
learner needs* are searched separately from the nearest overall. Taking only
the nearest few hundred overall misses the electrician 9 km away behind 300
closer accountants, which is what costs a naive nearest-k shortcut its score.
Learners whose pools hold too few feasible mentors are scored exhaustively,
and mentors with few incoming edges search for learners the same way.

Guarantee: with ``k`` at least the number of mentors every feasible pair is a
candidate, and the solver's optimum is the exact optimum.
"""

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .encode import EncodedProblem, Ints
from .geo import chord_for_km
from .scoring import score_pairs


def _map[In, Out](function: Callable[[In], Out], items: Iterable[In], workers: int) -> Iterator[Out]:
    """``map`` in threads, results in order: numpy releases the GIL for the heavy parts.

    At most two tasks per worker are in flight, so results are consumed about as
    fast as they are made and memory stays that of a few chunks.
    """
    if workers <= 1:
        yield from map(function, items)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Out]] = deque()
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass(frozen=True, slots=True, kw_only=True)
class CandidateSettings:
    # Best feasible mentors kept per learner: the solver's edges.
    k: int = 24
    # Mentors with fewer incoming edges than this search for their own best
    # learners, so that a mentor who is nobody's favourite can still take the
    # learner who would otherwise stay unmatched: it keeps the matched count
    # at the optimum in crowded rounds.
    mentor_k: int = 12
    # National rounds with the proof (the compiled path): mentors that at most `low_demand`
    # learners ranked among their best k keep their best `low_demand_k` learners (instead of
    # mentor_k). The pairs the proof adds to the optimum are mostly of such mentors (in-degree
    # 13 at the median), outside the learner's best k (rank 35 at the median). Off by default
    # (low_demand_k 0): at 100,000 x 100,000, 17 and 48 cut the pairs the proof adds from
    # 38,986 to 14,381 but the proof only by 16 % and cost 240 MiB (docs/matching.md).
    low_demand: int = 17
    low_demand_k: int = 0
    # Nearest mentors scored per learner, whatever their fields.
    near_pool: int = 16
    # Nearest mentors scored per field the learner needs.
    field_pool: int = 64
    # Up to this many pairs within the distance limit, every one is scored and
    # the candidates are the exact best k per learner and mentor_k per mentor;
    # above it (national rounds) the pools below are used.
    exhaustive_pairs: int = 10_000_000
    # Learners with fewer feasible mentors than this in their pools get every
    # pair in range scored (rare languages, strict preferences).
    thin: int = 8
    # Learners scored together; bounds the memory of one step.
    chunk: int = 4096
    # Threads for the k-d tree searches (they release the GIL).
    workers: int = 2


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidates:
    """Candidate edges, sorted by learner then mentor (the solver's arc order)."""

    learner: Ints
    mentor: Ints
    score: Ints  # milli-points
    pool_pairs: int  # pairs scored to find them
    # Per learner: feasible pairs seen in the pool (a lower bound on all feasible).
    feasible_seen: Ints
    # True when every pair within the limits was scored (exact top-k).
    exhaustive: bool
    # Per learner, an upper bound on the score of any feasible pair that is not a candidate:
    # the k-th best score where every pair in range was scored, -1 when every feasible pair is
    # a candidate, UNKNOWN where only a pool was scored.
    outside_bound: Ints

    def __len__(self) -> int:
        return int(self.learner.size)


def _search_radius(enc: EncodedProblem) -> float:
    limit = enc.criteria.limits.max_distance_km
    # A hair wider than the limit: the exact test is the scorer's, not the tree's.
    return np.inf if limit is None else chord_for_km(limit) * (1 + 1e-9) + 1e-12


def _nearest(tree: cKDTree, points: np.ndarray, count: int, radius: float, workers: int) -> Ints:
    """Indices of the ``count`` nearest tree points within ``radius``; -1 pads."""
    if count <= 0 or points.shape[0] == 0:
        return np.full((points.shape[0], 0), -1, dtype=np.int64)
    _, found = tree.query(points, k=count, distance_upper_bound=radius, workers=workers)
    found = np.asarray(found, dtype=np.int64).reshape(points.shape[0], count)
    found[found >= tree.n] = -1
    return found


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of the search: where people are and which fields they bring or want."""

    xyz: np.ndarray
    fields: np.ndarray  # needs for learners, expertise for mentors
    field_count: Ints


class _Index:
    """k-d trees over one side: everybody, and per field those who have it."""

    def __init__(self, side: _Side, radius: float, workers: int) -> None:
        self.side = side
        self.radius = radius
        self.workers = workers
        self.tree = cKDTree(side.xyz)
        self._by_field: dict[int, tuple[cKDTree, Ints]] = {}

    def nearest(self, points: np.ndarray, count: int) -> Ints:
        return _nearest(self.tree, points, min(count, self.tree.n), self.radius, self.workers)

    def nearest_with_field(self, field: int, points: np.ndarray, count: int) -> Ints:
        if field not in self._by_field:
            word, bit = divmod(field, 64)
            members = np.flatnonzero(self.side.fields[:, word] & np.uint64(1 << bit))
            self._by_field[field] = (cKDTree(self.side.xyz[members]), members)
        tree, members = self._by_field[field]
        if members.size == 0:
            return np.full((points.shape[0], 0), -1, dtype=np.int64)
        found = _nearest(tree, points, min(count, members.size), self.radius, self.workers)
        return np.where(found >= 0, members[np.maximum(found, 0)], -1)


def _pools(seekers: _Side, rows: Ints, targets: _Index, near: int, per_field: int) -> Iterator[tuple[Ints, Ints]]:
    """Yield (seeker rows, pool matrix) groups; -1 marks an empty pool slot.

    A seeker's pool: its ``near`` nearest targets, plus for every field it has
    its ``per_field`` nearest targets with that field. Seekers with the same
    number of fields share a pool width, so each group is one 2-D array.
    """
    nearest = targets.nearest(seekers.xyz[rows], near)
    n_fields = seekers.fields.shape[1] * 64
    counts = seekers.field_count[rows]
    for count in np.unique(counts):
        group = np.flatnonzero(counts == count)
        columns = [nearest[group]]
        if count > 0 and per_field > 0:
            columns.extend(_field_columns(seekers, rows[group], int(count), targets, per_field, n_fields))
        yield rows[group], np.concatenate(columns, axis=1)


def _field_columns(seekers: _Side, rows: Ints, count: int, targets: _Index, width: int, n_fields: int) -> list[Ints]:
    """Per seeker, the field pools of its 1st, 2nd, ... field, as column blocks."""
    columns = [np.full((rows.size, width), -1, dtype=np.int64) for _ in range(count)]
    filled = np.zeros(rows.size, dtype=np.int64)
    for field in range(n_fields):
        word, bit = divmod(field, 64)
        at = np.flatnonzero(seekers.fields[rows, word] & np.uint64(1 << bit))
        if at.size == 0:
            continue
        found = targets.nearest_with_field(field, seekers.xyz[rows[at]], width)
        slot = filled[at]
        for s in range(count):
            pick = slot == s
            columns[s][at[pick], : found.shape[1]] = found[pick]
        filled[at] += 1
    return columns


def _dedupe(pool: Ints) -> Ints:
    """Sort each row and blank repeated entries (one may sit in several pools)."""
    pool = np.sort(pool, axis=1)
    repeated = np.zeros(pool.shape, dtype=bool)
    repeated[:, 1:] = pool[:, 1:] == pool[:, :-1]
    pool[repeated] = -1
    return pool


def _best(key: Ints, take: int) -> np.ndarray:
    """Mask of each row's ``take`` largest non-negative keys."""
    kept = np.zeros(key.shape, dtype=bool)
    if take < key.shape[1]:
        top = np.argpartition(-key, take - 1, axis=1)[:, :take]
        np.put_along_axis(kept, top, True, axis=1)
    else:
        kept[:] = True
    return kept & (key >= 0)


UNKNOWN = -2  # an outside bound nobody knows (pooled learners)


@dataclass(frozen=True, slots=True)
class _LearnerBlock:
    kept: tuple[Ints, Ints, Ints]  # (learner, mentor, score) of each row's best k
    feasible_count: Ints  # per row
    feasible: tuple[Ints, Ints, Ints]  # every feasible pair, when asked for
    # Per row: the lowest kept score when some feasible pair was not kept, else -1.
    kth: Ints


def _learner_block(enc: EncodedProblem, rows: Ints, pool: Ints, k: int, keep_feasible: bool = False) -> _LearnerBlock:
    """Best k feasible mentors of each learner row (ties: lower mentor index)."""
    mentors = np.maximum(pool, 0)
    score, feasible = score_pairs(enc, rows[:, None], mentors)
    feasible = feasible & (pool >= 0)
    n = len(enc.mentors)
    # One unique key per pair: score first, then the lower index wins a tie.
    kept = _best(np.where(feasible, score * n + (n - 1 - mentors), -1), k)
    learner = np.broadcast_to(rows[:, None], pool.shape)
    empty = np.zeros(0, dtype=np.int64)
    feasible_count = feasible.sum(axis=1)
    lowest = np.where(kept, score, np.iinfo(np.int64).max).min(axis=1) if kept.shape[1] else feasible_count * 0
    return _LearnerBlock(
        kept=(learner[kept], mentors[kept], score[kept]),
        feasible_count=feasible_count,
        feasible=(learner[feasible], mentors[feasible], score[feasible]) if keep_feasible else (empty, empty, empty),
        kth=np.where(feasible_count > kept.sum(axis=1), lowest, -1),
    )


def _mentor_block(enc: EncodedProblem, rows: Ints, pool: Ints, k: int) -> tuple[Ints, Ints, Ints]:
    """Best k feasible learners of each mentor row (ties: lower learner index)."""
    learners = np.maximum(pool, 0)
    score, feasible = score_pairs(enc, learners, rows[:, None])
    feasible = feasible & (pool >= 0)
    n = len(enc.learners)
    kept = _best(np.where(feasible, score * n + (n - 1 - learners), -1), k)
    mentor = np.broadcast_to(rows[:, None], pool.shape)
    return learners[kept], mentor[kept], score[kept]


def _sides(enc: EncodedProblem) -> tuple[_Side, _Side]:
    learners = _Side(enc.learners.xyz, enc.learners.needs, enc.learners.need_count)
    expertise = enc.mentors.expertise
    mentors = _Side(enc.mentors.xyz, expertise, np.bitwise_count(expertise).sum(axis=1, dtype=np.int64))
    return learners, mentors


def _ball(tree: cKDTree, points: np.ndarray, radius: float) -> tuple[Ints, Ints]:
    """All (point, tree index) pairs within ``radius``, as two flat arrays."""
    if not np.isfinite(radius):
        local = np.repeat(np.arange(points.shape[0]), tree.n)
        return local, np.tile(np.arange(tree.n), points.shape[0])
    lists = tree.query_ball_point(points, radius, return_sorted=False)
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    found = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    return np.repeat(np.arange(points.shape[0]), counts), found


def _segment_best(group: Ints, key: Ints, take: int) -> Ints:
    """Positions of the ``take`` largest keys within each group (keys unique, >= 0)."""
    if group.size == 0:
        return np.zeros(0, dtype=np.int64)
    span = int(key.max()) + 1
    if int(group.max()) < (1 << 62) // span:
        # One int64 sort instead of a two-key lexsort: several times faster.
        order = np.argsort(group * span + (span - 1 - key))
    else:
        order = np.lexsort((-key, group))
    sorted_group = group[order]
    starts = np.flatnonzero(np.concatenate(([True], sorted_group[1:] != sorted_group[:-1])))
    lengths = np.diff(np.append(starts, sorted_group.size))
    rank = np.arange(order.size) - np.repeat(starts, lengths)
    return order[rank < take]


class _MentorBest:
    """Running best ``take`` learners per mentor over all pairs scored so far.

    Pairs are buffered and reduced only when the buffer grows large, so the
    sort runs a few times per round, not once per chunk.
    """

    def __init__(self, n_learners: int, take: int, buffer: int = 4_000_000) -> None:
        self.n_learners = n_learners
        self.take = take
        self.buffer = buffer
        self.parts: list[tuple[Ints, Ints, Ints]] = []
        self.size = 0

    def add(self, learner: Ints, mentor: Ints, score: Ints) -> None:
        if self.take <= 0:
            return
        self.parts.append((learner, mentor, score))
        self.size += learner.size
        if self.size > self.buffer:
            self.parts = [self.best()]
            self.size = self.parts[0][0].size

    def best(self, only: np.ndarray | None = None) -> tuple[Ints, Ints, Ints]:
        """Best learners per mentor; ``only`` (a mask over mentors) limits the mentors."""
        if not self.parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        learner = np.concatenate([p[0] for p in self.parts])
        mentor = np.concatenate([p[1] for p in self.parts])
        score = np.concatenate([p[2] for p in self.parts])
        if only is not None:
            mask = only[mentor]
            learner, mentor, score = learner[mask], mentor[mask], score[mask]
        n = self.n_learners
        keep = _segment_best(mentor, score * n + (n - 1 - learner), self.take)
        return learner[keep], mentor[keep], score[keep]


def _padded(local: Ints, found: Ints, counts: Ints, rows: Ints) -> Ints:
    """The ``rows`` (chunk positions) of a ball result as a 2-D pool padded with -1."""
    starts = np.cumsum(counts) - counts
    width = int(counts[rows].max())
    offsets = np.arange(width)
    inside = offsets[None, :] < counts[rows][:, None]
    at = np.minimum(starts[rows][:, None] + offsets[None, :], max(found.size - 1, 0))
    return np.where(inside, found[at], -1)


def _exhaustive(enc: EncodedProblem, rows: Ints, settings: CandidateSettings, tree: cKDTree,
                radius: float, mentor_best: _MentorBest) -> tuple[list[tuple[Ints, Ints, Ints]], Ints, int, Ints]:
    """Score every pair within the limit for ``rows``: exact best k per learner.

    Learners of a chunk are grouped by how many mentors they have in range, so
    each group is a dense 2-D block with little padding: scoring broadcasts and
    the best k per row is one ``argpartition``, with no sort of all the pairs.
    """
    # About a million pairs per step, however crowded the range is.
    per_learner = max(1.0, _estimated_pairs(tree, enc.learners.xyz[rows], radius) / max(rows.size, 1))
    step, group = max(1, min(settings.chunk // 4, int(1_000_000 / per_learner))), 64

    def score_step(start: int) -> tuple[list[_LearnerBlock], list[Ints], int]:
        chunk = rows[start : start + step]
        local, found = _ball(tree, enc.learners.xyz[chunk], radius)
        counts = np.bincount(local, minlength=chunk.size)
        by_count = np.argsort(counts, kind="stable")
        by_count = by_count[counts[by_count] > 0]
        blocks, members_list = [], []
        for first in range(0, by_count.size, group):
            members = by_count[first : first + group]
            pool = _padded(local, found, counts, members)
            blocks.append(_learner_block(enc, chunk[members], pool, settings.k, keep_feasible=True))
            members_list.append(start + members)
        return blocks, members_list, int(found.size)

    parts: list[tuple[Ints, Ints, Ints]] = []
    seen = np.zeros(rows.size, dtype=np.int64)
    # Learners with nobody in range have no feasible pair at all.
    kth = np.full(rows.size, -1, dtype=np.int64)
    pairs = 0
    for blocks, members_list, found in _map(score_step, range(0, rows.size, step), settings.workers):
        pairs += found
        for block, members in zip(blocks, members_list, strict=True):
            parts.append(block.kept)
            seen[members] = block.feasible_count
            kth[members] = block.kth
            mentor_best.add(*block.feasible)
    return parts, seen, pairs, kth


def cells(xyz: np.ndarray, side: float) -> list[Ints]:
    """Rows grouped by cubic grid cell of ``side`` (cells in a fixed order)."""
    key = np.floor(xyz / side).astype(np.int64)
    key -= key.min(axis=0)
    span = key.max(axis=0) + 1
    flat = (key[:, 0] * span[1] + key[:, 1]) * span[2] + key[:, 2]
    order = np.argsort(flat, kind="stable")
    bounds = np.flatnonzero(np.diff(flat[order])) + 1
    return np.split(order, bounds)


def cell_side(enc: EncodedProblem, share: float = 0.5) -> float:
    """Grid cells a share of the distance limit wide (the whole sphere without a limit)."""
    limit = enc.criteria.limits.max_distance_km
    return chord_for_km(limit * share) if limit is not None else 4.0


def near_cell(tree: cKDTree, xyz: np.ndarray, radius: float) -> Ints:
    """Sorted tree indices within ``radius`` of any of the points ``xyz`` (one query for all)."""
    if not np.isfinite(radius):
        return np.arange(tree.n, dtype=np.int64)
    centre = xyz.mean(axis=0)
    spread = float(np.sqrt(((xyz - centre) ** 2).sum(axis=1)).max())
    return np.sort(np.asarray(tree.query_ball_point(centre, radius + spread * (1 + 1e-9) + 1e-12), dtype=np.int64))


def _compiled_best(enc: EncodedProblem, settings: CandidateSettings, tree: cKDTree,
                   radius: float) -> tuple[list[tuple[Ints, Ints, Ints]], Ints, int, Ints]:
    """Every pair in range scored by the compiled loop, cell by cell: each learner's exact best k.

    National rounds (2 x 10^8 pairs in range): grouping learners by grid cell,
    one k-d tree query per cell and a compiled loop over the cell's pairs cost
    a fraction of per-learner neighbour lists and numpy scoring. The kept pairs
    are re-scored by the one scorer; the bounds are widened by the compiled
    scorer's margin.
    """
    from . import kernels

    n_learners = len(enc.learners)
    arrays = kernels.scorer_arrays(enc)
    k = settings.k

    def run(group: Ints) -> tuple[Ints, tuple[Ints, Ints, Ints, Ints, Ints, int]]:
        near = near_cell(tree, enc.learners.xyz[group], radius)
        return group, kernels.best_k(group, near, k, arrays)

    kept_l: list[Ints] = [np.zeros(0, dtype=np.int64)]
    kept_m: list[Ints] = [np.zeros(0, dtype=np.int64)]
    seen = np.zeros(n_learners, dtype=np.int64)
    kth = np.full(n_learners, -1, dtype=np.int64)
    pairs = 0
    groups = cells(enc.learners.xyz, cell_side(enc))
    for group, (learner, mentor, _, feasible, lowest, in_range) in _map(run, groups, settings.workers):
        kept_l.append(learner)
        kept_m.append(mentor)
        seen[group] = feasible
        kth[group] = lowest
        pairs += in_range
    # Mentors that few learners ranked search for their own best learners (see ``mentor_k``):
    # cell by cell, against every learner within reach of the cell.
    # Mentors of low demand keep more of their best learners (see ``low_demand``).
    incoming = np.bincount(np.concatenate(kept_m), minlength=len(enc.mentors))
    low = (incoming <= settings.low_demand) & (settings.low_demand_k > settings.mentor_k)
    needy = (incoming < settings.mentor_k) & ~low
    learner_tree: cKDTree | None = None
    for search, take in ((np.flatnonzero(low), settings.low_demand_k), (np.flatnonzero(needy), settings.mentor_k)):
        if search.size == 0:
            continue
        learner_tree = cKDTree(enc.learners.xyz) if learner_tree is None else learner_tree

        def run_mentors(cell: Ints, tree: cKDTree = learner_tree, take: int = take) -> tuple[Ints, Ints, Ints]:
            group = near_cell(tree, enc.mentors.xyz[cell], radius)
            return kernels.best_learners(group, cell, take, arrays)

        mentor_cells = [search[c] for c in cells(enc.mentors.xyz[search], cell_side(enc))]
        for learner, mentor, _ in _map(run_mentors, mentor_cells, settings.workers):
            kept_l.append(learner)
            kept_m.append(mentor)
    learner, mentor = np.concatenate(kept_l), np.concatenate(kept_m)
    score = np.empty(learner.size, dtype=np.int64)
    step = 1 << 16
    for start in range(0, learner.size, step):
        exact, ok = score_pairs(enc, learner[start : start + step], mentor[start : start + step])
        if not ok.all():  # pragma: no cover - the compiled limits are the scorer's
            raise AssertionError("a compiled candidate breaks a hard limit")
        score[start : start + step] = exact
    bound = np.where(kth >= 0, kth + kernels.MARGIN, -1)
    return [(learner, mentor, score)], seen, pairs, bound


def free_mentor_pairs(enc: EncodedProblem, mentors: Ints, take: int,
                      workers: int = 2) -> tuple[Ints, Ints, Ints]:
    """Each of ``mentors``' best ``take`` feasible learners over every learner in range (compiled).

    The proof adds these for the mentors that the first solve left with a free
    place: the most-learners objective fills them with the low-scoring pairs
    that no learner's best ``k`` holds, and finding them by pricing costs long
    re-solves (see ``ProofSettings.free_mentor_pairs``). Returns the pairs,
    scored by the one scorer, in no particular order.
    """
    from . import kernels

    empty = np.zeros(0, dtype=np.int64)
    if mentors.size == 0 or take <= 0 or len(enc.learners) == 0:
        return empty, empty, empty
    arrays = kernels.scorer_arrays(enc)
    radius = _search_radius(enc)
    learner_tree = cKDTree(enc.learners.xyz)

    def run(cell: Ints) -> tuple[Ints, Ints, Ints]:
        group = near_cell(learner_tree, enc.mentors.xyz[cell], radius)
        return kernels.best_learners(group, cell, take, arrays)

    mentor_cells = [mentors[c] for c in cells(enc.mentors.xyz[mentors], cell_side(enc))]
    found = list(_map(run, mentor_cells, workers))
    learner = np.concatenate([empty, *(f[0] for f in found)])
    mentor = np.concatenate([empty, *(f[1] for f in found)])
    score, ok = score_pairs(enc, learner, mentor)
    if not ok.all():  # pragma: no cover - the compiled limits are the scorer's
        raise AssertionError("a compiled pair breaks a hard limit")
    return learner, mentor, score


def _estimated_pairs(tree: cKDTree, points: np.ndarray, radius: float) -> float:
    """Pairs within the limit, estimated from a fixed sample of learners."""
    if not np.isfinite(radius):
        return float(points.shape[0]) * tree.n
    sample = points[:: max(1, points.shape[0] // 1000)]
    found = tree.query_ball_point(sample, radius, return_length=True)
    return float(np.mean(found)) * points.shape[0]


def generate_candidates(enc: EncodedProblem, *, settings: CandidateSettings = CandidateSettings(),
                        exact_bounds: bool = False) -> Candidates:
    """Candidate edges; with ``exact_bounds`` every pair in range is scored, whatever the size.

    The proof (:mod:`.certify`) needs, per learner, a bound on the score of the pairs left out,
    which only scoring every pair gives; national rounds then skip the mentor side, whose
    misses pricing finds anyway.
    """
    n_learners, n_mentors = len(enc.learners), len(enc.mentors)
    if n_learners == 0 or n_mentors == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(learner=empty, mentor=empty, score=empty, pool_pairs=0,
                          feasible_seen=np.zeros(n_learners, dtype=np.int64), exhaustive=True,
                          outside_bound=np.full(n_learners, -1, dtype=np.int64))
    radius = _search_radius(enc)
    learner_side, mentor_side = _sides(enc)
    mentor_index = _Index(mentor_side, radius, settings.workers)
    everyone = np.arange(n_learners)
    exhaustive = _estimated_pairs(mentor_index.tree, enc.learners.xyz, radius) <= settings.exhaustive_pairs
    mentor_k = settings.mentor_k
    compiled = exact_bounds and not exhaustive
    if compiled:
        exhaustive, mentor_k = True, 0
    mentor_best = _MentorBest(n_learners, mentor_k)
    if compiled:
        parts, feasible_seen, pool_pairs, bound = _compiled_best(enc, settings, mentor_index.tree, radius)
    elif exhaustive:
        parts, feasible_seen, pool_pairs, bound = _exhaustive(enc, everyone, settings, mentor_index.tree, radius,
                                                              mentor_best)
        # Only mentors that few learners ranked need their own best learners added.
        kept = [p[1] for p in parts]
        incoming = np.bincount(np.concatenate(kept), minlength=n_mentors) if kept else np.zeros(n_mentors, np.int64)
        if mentor_k:
            parts.append(mentor_best.best(only=incoming < mentor_k))
    else:
        parts, feasible_seen, pool_pairs, bound = _pooled(enc, settings, learner_side, mentor_side, mentor_index,
                                                          radius)
    empty = np.zeros(0, dtype=np.int64)
    learner = np.concatenate([empty, *(p[0] for p in parts)])
    mentor = np.concatenate([empty, *(p[1] for p in parts)])
    scores = np.concatenate([empty, *(p[2] for p in parts)])
    # A pair found from both sides is kept once; sorted by (learner, mentor).
    _, first = np.unique(learner * n_mentors + mentor, return_index=True)
    return Candidates(
        learner=learner[first],
        mentor=mentor[first],
        score=scores[first],
        pool_pairs=pool_pairs,
        feasible_seen=feasible_seen,
        exhaustive=exhaustive,
        outside_bound=bound,
    )


def _pooled(enc: EncodedProblem, settings: CandidateSettings, learner_side: _Side, mentor_side: _Side,
            mentor_index: _Index, radius: float) -> tuple[list[tuple[Ints, Ints, Ints]], Ints, int, Ints]:
    """Candidates from pools, for rounds too large to score every pair in range."""
    n_learners, n_mentors = len(enc.learners), len(enc.mentors)
    near = max(settings.near_pool, settings.k)
    parts: list[tuple[Ints, Ints, Ints]] = []
    feasible_seen = np.zeros(n_learners, dtype=np.int64)
    pool_pairs = 0
    for rows, pool in _pools(learner_side, np.arange(n_learners), mentor_index, near, settings.field_pool):
        def score_chunk(start: int, rows: Ints = rows, pool: Ints = pool) -> tuple[Ints, _LearnerBlock, int]:
            part = _dedupe(pool[start : start + settings.chunk])
            block = _learner_block(enc, rows[start : start + settings.chunk], part, settings.k)
            return rows[start : start + settings.chunk], block, int((part >= 0).sum())

        for chunk_rows, block, scored in _map(score_chunk, range(0, rows.size, settings.chunk), settings.workers):
            pool_pairs += scored
            parts.append(block.kept)
            feasible_seen[chunk_rows] = block.feasible_count

    # Learners whose pools held too few feasible mentors (a rare language, a
    # strict preference) get every pair in range scored: that is where pools
    # fail, and there are few of them.
    thin = np.flatnonzero(feasible_seen < min(settings.thin, settings.k))
    mentor_best = _MentorBest(n_learners, settings.mentor_k)
    bound = np.full(n_learners, UNKNOWN, dtype=np.int64)
    if thin.size:
        deep, seen, pairs, kth = _exhaustive(enc, thin, settings, mentor_index.tree, radius, mentor_best)
        parts.extend(deep)
        parts.append(mentor_best.best())
        feasible_seen[thin] = seen
        bound[thin] = kth
        pool_pairs += pairs

    # Mentors that few learners ranked search for learners themselves.
    incoming = np.bincount(np.concatenate([p[1] for p in parts]), minlength=n_mentors)
    needy = np.flatnonzero(incoming < settings.mentor_k)
    if needy.size and settings.mentor_k > 0:
        learner_index = _Index(learner_side, radius, settings.workers)
        near_learners = max(settings.near_pool, settings.mentor_k)
        for rows, pool in _pools(mentor_side, needy, learner_index, near_learners, settings.field_pool):
            for start in range(0, rows.size, settings.chunk):
                part = _dedupe(pool[start : start + settings.chunk])
                pool_pairs += int((part >= 0).sum())
                parts.append(_mentor_block(enc, rows[start : start + settings.chunk], part, settings.mentor_k))
    return parts, feasible_seen, pool_pairs, bound
