"""The engine's output: pairs with reasons, unmatched learners with reasons, statistics."""

from collections.abc import Mapping
from dataclasses import dataclass, field
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
    # Pricing every feasible pair and re-solving until the optimum is proved (see certify.py).
    prove_seconds: float = 0.0
    # Learners given a suitable mentor's free place after the search (0 when the optimum is proved).
    filled: int = 0

    @property
    def total_seconds(self) -> float:
        return (self.encode_seconds + self.candidates_seconds + self.solve_seconds + self.prove_seconds
                + self.explain_seconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class Certificate:
    """How the optimum was proved, or how far from it the search may have stopped."""

    proved: bool
    passes: int  # pricing passes
    # Pairs within the distance limit whose gain was bounded or computed (all passes), and of
    # those, pairs scored exactly because their bound alone could not rule them out.
    pairs_priced: int
    pairs_scored: int
    pairs_added: int  # improving pairs added to the candidate graph
    windows: int  # local re-solves
    seconds: float
    # When not proved: the optimum may match at most this many more learners and, with as many
    # learners matched, score at most this many more points.
    gap_learners: int = 0
    gap_score: float = 0.0
    stopped_by: str = ""  # "time" or "passes" when not proved
    # The same bound in the proof's own units (weight = big per learner + milli-points), and big.
    gap_weight: int = 0
    big: int = 0

    @property
    def status(self) -> str:
        return "optimal: proved" if self.proved else f"stopped by the {self.stopped_by} budget"


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    pairs: tuple[MatchedPair, ...]
    unmatched: tuple[UnmatchedLearner, ...]
    matched: int
    # Sum of pair scores in points; exact, from the integer milli-points.
    total_score: float
    statistics: Statistics
    # How optimality over every feasible pair was proved; None when the proof was not asked for.
    certificate: Certificate | None = None
    # Per learner id, its next-best mentors other than its own (when asked for), best first.
    alternatives: Mapping[str, tuple[MatchedPair, ...]] = field(default_factory=dict)
