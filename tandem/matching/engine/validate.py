"""Semantic checks of a problem, each error naming the offending item.

The JSON reader checks structure (unknown fields, wrong types) with paths like
``mentors[3].languages``; this module checks meaning on the objects, with ids
like ``learner 'L17'``, whether the problem came from JSON or from Python.
"""

import math
from collections.abc import Iterable

from .errors import ProblemError
from .model import Criteria, Learner, Mentor, PairsProblem, Problem
from .slots import SLOT_BIT

# Far below int64 overflow in the solver, far above any real programme.
MAX_WEIGHT = 1_000_000.0
MAX_CAPACITY = 1_000_000
MAX_KM = 20_040.0  # half the Earth's circumference: every place is within it
SLOTS = len(SLOT_BIT)


def _check_unique(kind: str, ids: Iterable[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if not isinstance(item_id, str) or not item_id:
            raise ProblemError(f"{kind} id {item_id!r}: must be a non-empty string")
        if item_id in seen:
            raise ProblemError(f"{kind} id '{item_id}' appears twice")
        seen.add(item_id)


def _check_place(label: str, latitude: float, longitude: float) -> None:
    if not (math.isfinite(latitude) and -90.0 <= latitude <= 90.0):
        raise ProblemError(f"{label}: latitude must be between -90 and 90, got {latitude}")
    if not (math.isfinite(longitude) and -180.0 <= longitude <= 180.0):
        raise ProblemError(f"{label}: longitude must be between -180 and 180, got {longitude}")


def _check_slots(label: str, slots: Iterable[str]) -> None:
    for slot in slots:
        if slot not in SLOT_BIT:
            raise ProblemError(f"{label}: unknown availability slot '{slot}' (expected e.g. 'tue-evening')")


def _check_age(label: str, age: int | None) -> None:
    if age is not None and not 0 <= age <= 130:
        raise ProblemError(f"{label}: age must be between 0 and 130, got {age}")


def _check_mentor(mentor: Mentor) -> None:
    label = f"mentor '{mentor.id}'"
    _check_place(label, mentor.latitude, mentor.longitude)
    _check_slots(label, mentor.availability)
    _check_age(label, mentor.age)
    _check_capacity(label, mentor.capacity)


def _check_capacity(label: str, capacity: int) -> None:
    if capacity < 1:
        raise ProblemError(f"{label}: capacity must be at least 1, got {capacity}")
    if capacity > MAX_CAPACITY:
        raise ProblemError(f"{label}: capacity must be at most {MAX_CAPACITY:,}, got {capacity:,}")


def _check_learner(learner: Learner) -> None:
    label = f"learner '{learner.id}'"
    _check_place(label, learner.latitude, learner.longitude)
    _check_slots(label, learner.availability)
    _check_age(label, learner.age)


def _check_criteria(criteria: Criteria) -> None:
    w = criteria.weights
    for name in w.__slots__:
        value = getattr(w, name)
        if not (math.isfinite(value) and 0.0 <= value <= MAX_WEIGHT):
            raise ProblemError(f"criteria.weights.{name}: must be between 0 and {MAX_WEIGHT:g}, got {value}")
    limits = criteria.limits
    if limits.max_distance_km is not None and not 0 < limits.max_distance_km <= MAX_KM:
        raise ProblemError(f"criteria.limits.max_distance_km: must be between 0 and {MAX_KM:,}, "
                           f"got {limits.max_distance_km}")
    _check_range("criteria.limits.min_shared_slots", limits.min_shared_slots, 0, SLOTS)
    if limits.max_age_gap is not None:
        _check_range("criteria.limits.max_age_gap", limits.max_age_gap, 0, 130)
    for name in ("distance_reach_km", "age_gap_reach"):
        value = getattr(criteria, name)
        if not 0 < value <= MAX_KM:
            raise ProblemError(f"criteria.{name}: must be between 0 and {MAX_KM:,}, got {value}")
    _check_range("criteria.availability_target_slots", criteria.availability_target_slots, 1, SLOTS)
    _check_range("criteria.waiting_horizon_days", criteria.waiting_horizon_days, 1, 36_500)


def _check_range(label: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise ProblemError(f"{label}: must be between {low} and {high:,}, got {value}")


def check_problem(problem: Problem) -> None:
    """Raise :class:`ProblemError` for the first thing wrong with ``problem``."""
    _check_unique("mentor", (m.id for m in problem.mentors))
    _check_unique("learner", (lrn.id for lrn in problem.learners))
    for mentor in problem.mentors:
        _check_mentor(mentor)
    for learner in problem.learners:
        _check_learner(learner)
    _check_criteria(problem.criteria)
    mentor_ids = {m.id for m in problem.mentors}
    learner_ids = {lrn.id for lrn in problem.learners}
    for i, exclusion in enumerate(problem.exclusions):
        if exclusion.learner_id not in learner_ids:
            raise ProblemError(f"exclusions[{i}]: unknown learner '{exclusion.learner_id}'")
        if exclusion.mentor_id not in mentor_ids:
            raise ProblemError(f"exclusions[{i}]: unknown mentor '{exclusion.mentor_id}'")


def check_pairs_problem(problem: PairsProblem) -> None:
    seen: set[tuple[str, str]] = set()
    for i, edge in enumerate(problem.edges):
        if not math.isfinite(edge.score) or abs(edge.score) > MAX_WEIGHT * 10:
            raise ProblemError(f"edges[{i}] ('{edge.learner}', '{edge.mentor}'): score must be a finite number of at most {MAX_WEIGHT * 10:g}")
        if (edge.learner, edge.mentor) in seen:
            raise ProblemError(f"edges[{i}]: pair ('{edge.learner}', '{edge.mentor}') appears twice")
        seen.add((edge.learner, edge.mentor))
    for mentor_id, capacity in problem.capacities.items():
        _check_capacity(f"mentor '{mentor_id}'", capacity)
    _check_unique("learner", problem.learners)
