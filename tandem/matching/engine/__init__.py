"""Tandem's matching engine: optimal, explained mentor-learner matching.

Pure Python (numpy, scipy, OR-tools); no Django. See docs/matching.md.
"""

from .candidates import CandidateSettings
from .engine import SolverSettings, solve, solve_pairs
from .errors import ProblemError
from .explain import TEMPLATES
from .model import (
    Criteria,
    Edge,
    Exclusion,
    FieldLabel,
    Learner,
    Limits,
    Mentor,
    PairsProblem,
    Problem,
    Weights,
)
from .result import ExplanationItem, MatchedPair, Result, Statistics, UnmatchedLearner

__all__ = [
    "TEMPLATES",
    "CandidateSettings",
    "Criteria",
    "Edge",
    "Exclusion",
    "ExplanationItem",
    "FieldLabel",
    "Learner",
    "Limits",
    "MatchedPair",
    "Mentor",
    "PairsProblem",
    "Problem",
    "ProblemError",
    "Result",
    "SolverSettings",
    "Statistics",
    "UnmatchedLearner",
    "Weights",
    "solve",
    "solve_pairs",
]
