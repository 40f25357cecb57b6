"""Tandem's matching engine: optimal, explained mentor-learner matching.

Pure Python (numpy, scipy, OR-tools); no Django. See docs/matching.md.
"""

from .candidates import CandidateSettings
from .certify import ProofSettings
from .engine import SolverSettings, best_mentors, solve, solve_pairs
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
from .result import Certificate, ExplanationItem, MatchedPair, Result, Statistics, UnmatchedLearner

__all__ = [
    "TEMPLATES",
    "CandidateSettings",
    "Certificate",
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
    "ProofSettings",
    "Result",
    "SolverSettings",
    "Statistics",
    "UnmatchedLearner",
    "Weights",
    "best_mentors",
    "solve",
    "solve_pairs",
]
