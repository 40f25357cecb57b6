"""The engine's input: who is to be matched, and by which rules.

Everything here is a frozen, slotted dataclass: cheap to hold 200,000 of, safe
to share between the web app and the engine, and hashable where it matters.
Validation lives in :mod:`.validate`; these classes only describe.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True, slots=True, kw_only=True)
class Mentor:
    id: str
    latitude: float
    longitude: float
    languages: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    # Slot codes such as "tue-evening" (see :mod:`.slots`).
    availability: tuple[str, ...] = ()
    # Group mentoring: one mentor may take several learners.
    capacity: int = 1
    gender: str | None = None
    age: int | None = None
    # Self-declared, optional; only used when the background weight is > 0.
    background: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Learner:
    id: str
    latitude: float
    longitude: float
    languages: tuple[str, ...] = ()
    # Fields the learner wants help with; matched against mentors' expertise.
    needs: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    # The mentor gender the learner asked for, or None for no preference.
    gender_preference: str | None = None
    age: int | None = None
    waiting_since: date | None = None
    background: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Weights:
    """Maximum points per criterion; a perfect pair scores their sum (100 by default)."""

    distance: float = 30.0
    language: float = 15.0
    expertise: float = 25.0
    availability: float = 15.0
    gender: float = 5.0
    age: float = 5.0
    # Role models with a similar background (SIRIUS); off unless a programme asks.
    background: float = 0.0
    # Priority for learners who have waited longer, so ties go to them.
    waiting: float = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Limits:
    """Hard limits: a pair that breaks one is never proposed."""

    max_distance_km: float | None = 25.0
    require_shared_language: bool = True
    min_shared_slots: int = 1
    honour_gender_preference: bool = True
    max_age_gap: int | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Criteria:
    weights: Weights = Weights()
    limits: Limits = Limits()
    # Distance points fall linearly from full at 0 km to none at this reach;
    # the max distance is used when there is one.
    distance_reach_km: float = 50.0
    # Shared slots that earn the full availability points.
    availability_target_slots: int = 3
    # Age-gap points fall linearly to none at this gap (or at max_age_gap).
    age_gap_reach: float = 40.0
    # Waiting points grow linearly to full after this many days.
    waiting_horizon_days: int = 365


@dataclass(frozen=True, slots=True, kw_only=True)
class Exclusion:
    """A pair that must never be proposed (declined before, did not work out before, conflict of interest)."""

    learner_id: str
    mentor_id: str
    reason: str = "excluded"


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldLabel:
    """How a field reads on each side: "electrician" <-> "wants an electrical apprenticeship"."""

    mentor: str
    learner: str


def _empty_mapping() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    mentors: tuple[Mentor, ...]
    learners: tuple[Learner, ...]
    criteria: Criteria = Criteria()
    exclusions: tuple[Exclusion, ...] = ()
    # The round's date, for waiting time; defaults to the latest waiting_since so
    # that the same input always gives the same scores.
    as_of: date | None = None
    fields: Mapping[str, FieldLabel] = field(default_factory=_empty_mapping)


@dataclass(frozen=True, slots=True)
class Edge:
    """One candidate pair of the plain pairs form."""

    learner: str
    mentor: str
    score: float


@dataclass(frozen=True, slots=True, kw_only=True)
class PairsProblem:
    """Any weighted assignment: candidate edges plus mentor capacities.

    Mentors missing from ``capacities`` take one learner. ``learners`` may list
    learners that have no edge at all, so that they are reported as unmatched.
    """

    edges: tuple[Edge, ...]
    capacities: Mapping[str, int] = field(default_factory=_empty_mapping)
    learners: tuple[str, ...] = ()
