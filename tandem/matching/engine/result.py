"""The engine's output: pairs with reasons, unmatched learners with reasons, statistics."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class ExplanationItem:
    """One criterion of one pair: machine-readable (criterion, params) and English text.

    The Django app can re-render ``criterion`` + ``params`` with translated
    templates (see :data:`.explain.TEMPLATES`); ``text`` is the English default.
    """

    criterion: str
    points: float
    text: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class MatchedPair:
    learner_id: str
    mentor_id: str
    score: float
    items: tuple[ExplanationItem, ...]

    @property
    def text(self) -> str:
        """The one line a coordinator reads: "4.2 km apart · both speak Turkish · ..."."""
        return SEPARATOR.join(item.text for item in self.items if item.text)


@dataclass(frozen=True, slots=True)
class UnmatchedLearner:
    learner_id: str
    # "no_mentors" (nobody in the round), "limit" (a hard limit left no mentor),
    # or "taken" (suitable mentors exist but the optimum gave them to others).
    reason: str
    # For "limit": the hard limit that removed the last mentors.
    limit: str | None
    text: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class Statistics:
    learners: int
    mentors: int
    capacity: int
    candidate_edges: int
    pairs_scored: int
    # True when every pair within the limits was scored (exact best-k candidates).
    exhaustive: bool
    k: int
    mentor_k: int
    solver_status: str
    solver_nodes: int
    solver_arcs: int
    # Regions the candidate graph was solved in, and candidate edges cut between them.
    regions: int
    cut_edges: int
    encode_seconds: float
    candidates_seconds: float
    solve_seconds: float
    explain_seconds: float

    @property
    def total_seconds(self) -> float:
        return self.encode_seconds + self.candidates_seconds + self.solve_seconds + self.explain_seconds


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[UnmatchedLearner, ...]
    matched: int
    # Sum of pair scores in points; exact, from the integer milli-points.
    total_score: float
    statistics: Statistics
