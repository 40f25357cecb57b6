"""Cutting a national candidate graph into regions the solver can take one at a time.

Min-cost flow is exact but superlinear: one 100,000-learner graph costs far
more than ten 10,000-learner ones. Disconnected parts of the candidate graph
are independent, so each is solved on its own for free. A part still larger
than ``max_learners`` (cities chained by overlapping distance limits) is cut
along the line that crosses the fewest candidate edges — between cities, not
through them — and the crossing edges are dropped. The solver is then optimal
on the candidate graph *without those edges*; their count is reported, and the
benchmark measures what they cost. :func:`repair_seams` then wins most of it
back: it re-solves, with the cut edges, the learners and mentors along the
seams, all other pairs held fixed.
"""

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .encode import Floats, Ints


@dataclass(frozen=True, slots=True)
class Regions:
    """Edge index arrays, one per region (batched small ones), and the edges cut."""

    parts: list[Ints]
    cut: Ints

    @property
    def cut_edges(self) -> int:
        return int(self.cut.size)


def _plane(xyz: Floats) -> Floats:
    """Rough km coordinates (east, north): enough to find a sparse line to cut along."""
    lat = np.arcsin(np.clip(xyz[:, 2], -1.0, 1.0))
    lon = np.arctan2(xyz[:, 1], xyz[:, 0])
    return np.stack((lon * np.cos(np.median(lat)) * 6371.0, lat * 6371.0), axis=1)


def _components(learner: Ints, mentor: Ints, n_learners: int, n_mentors: int) -> Ints:
    """Component label of every edge."""
    size = n_learners + n_mentors
    graph = coo_matrix((np.ones(learner.size, dtype=np.int8), (learner, n_learners + mentor)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    return labels[learner]


def _best_cut(lo: Floats, hi: Floats, positions: Floats, median: float) -> float:
    """The position crossing fewest edges [lo, hi]; the one nearer the median on ties.

    An edge crosses position p when lo < p <= hi; counting by histogram over the
    few candidate positions is linear in the edges, with no sort of them.
    """
    bins = positions.size + 1
    starts_before = np.cumsum(np.bincount(np.searchsorted(positions, lo, side="right"), minlength=bins))[:-1]
    ends_before = np.cumsum(np.bincount(np.searchsorted(positions, hi, side="left"), minlength=bins))[:-1]
    crossing = starts_before - ends_before
    order = np.lexsort((np.abs(positions - median), crossing))
    return float(positions[order[0]])


def _learner_count(learner: Ints, edges: Ints, n_learners: int) -> tuple[int, Ints]:
    present = np.zeros(n_learners, dtype=bool)
    present[learner[edges]] = True
    rows = np.flatnonzero(present)
    return rows.size, rows


def _split(edges: Ints, learner_xy: Floats, mentor_xy: Floats, learner: Ints, mentor: Ints,
           max_learners: int, out: list[Ints]) -> int:
    """Recursively bisect one part's edges; returns how many edges were cut.

    The two sides of a cut are not split into their connected components
    again: solving a disconnected part in one call is still exact.
    """
    if edges.size <= max_learners:  # fewer edges than the limit: fewer learners too
        out.append(edges)
        return 0
    count, learners = _learner_count(learner, edges, learner_xy.shape[0])
    if count <= max_learners:
        out.append(edges)
        return 0
    spread = np.ptp(learner_xy[learners], axis=0)
    axis = int(np.argmax(spread))
    own = learner_xy[learners, axis]
    positions = np.quantile(own, np.linspace(0.3, 0.7, 81))
    # The line is chosen on a sample of the edges: plenty to see where cities are.
    sample = edges[:: max(1, edges.size // 200_000)]
    at_l, at_m = learner_xy[learner[sample], axis], mentor_xy[mentor[sample], axis]
    cut = _best_cut(np.minimum(at_l, at_m), np.maximum(at_l, at_m), positions, float(np.median(own)))
    left_l, left_m = learner_xy[learner[edges], axis] < cut, mentor_xy[mentor[edges], axis] < cut
    keep = left_l == left_m
    cut_count = int((~keep).sum())
    for side in (True, False):
        part = edges[keep & (left_l == side)]
        if part.size == edges.size:
            # Nothing to cut along (everybody at one spot): keep the part whole.
            out.append(part)
        elif part.size:
            cut_count += _split(part, learner_xy, mentor_xy, learner, mentor, max_learners, out)
    return cut_count


def make_regions(*, learner: Ints, mentor: Ints, learner_xyz: Floats, mentor_xyz: Floats,
                 max_learners: int, batch_learners: int = 2_000) -> Regions:
    """Regions of at most ``max_learners`` learners; small parts are batched up to ``batch_learners``."""
    if learner.size == 0:
        return Regions(parts=[], cut=np.zeros(0, dtype=np.int64))
    labels = _components(learner, mentor, learner_xyz.shape[0], mentor_xyz.shape[0])
    # Few components: a 16-bit stable sort is a radix sort.
    order = np.argsort(labels.astype(np.uint16) if labels.max() < 1 << 16 else labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    components = np.split(order, bounds)
    learner_xy, mentor_xy = _plane(learner_xyz), _plane(mentor_xyz)
    pieces: list[Ints] = []
    cut = 0
    for edges in components:
        cut += _split(edges, learner_xy, mentor_xy, learner, mentor, max_learners, pieces)
    # Batch pieces (largest first) so that each solver call has real work to do.
    pieces.sort(key=lambda p: (-p.size, int(p[0])))
    batches: list[list[Ints]] = []
    sizes: list[int] = []
    for piece in pieces:
        n = np.unique(learner[piece]).size if piece.size < 100_000 else _learner_count(learner, piece, learner_xyz.shape[0])[0]
        if batches and sizes[-1] + n <= batch_learners:
            batches[-1].append(piece)
            sizes[-1] += n
        else:
            batches.append([piece])
            sizes.append(n)
    # Edge order inside a part is deterministic, which is all the solver needs.
    parts = [np.concatenate(b) for b in batches]
    kept = np.zeros(learner.size, dtype=bool)
    for part in parts:
        kept[part] = True
    assert int((~kept).sum()) == cut
    return Regions(parts=parts, cut=np.flatnonzero(~kept))


def seam(*, learner: Ints, mentor: Ints, chosen: Ints, cut: Ints, capacity: Ints) -> tuple[Ints, Ints, Ints]:
    """The seam problem: its edges, the chosen edges it replaces, and mentor capacities left.

    Learners with a cut edge, with every candidate edge to a mentor that has a
    cut edge or is matched to one of them. Keeping the current choice for those
    learners is feasible in the seam problem, so solving it can only improve.
    """
    in_band = np.zeros(int(learner.max()) + 1, dtype=bool)
    in_band[learner[cut]] = True
    replaced = chosen[in_band[learner[chosen]]]
    band_mentors = np.zeros(capacity.size, dtype=bool)
    band_mentors[mentor[cut]] = True
    band_mentors[mentor[replaced]] = True
    edges = np.flatnonzero(in_band[learner] & band_mentors[mentor])
    staying = chosen[~in_band[learner[chosen]]]
    left = capacity - np.bincount(mentor[staying], minlength=capacity.size)
    return edges, replaced, left
