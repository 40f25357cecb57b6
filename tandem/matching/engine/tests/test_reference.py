"""On medium instances the engine's objective equals an independent dense solver's."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from tandem.matching.engine import CandidateSettings, Edge, PairsProblem, solve_pairs
from tandem.matching.engine.encode import encode
from tandem.matching.engine.engine import solve_with_arrays
from tandem.matching.engine.generate import generate_problem
from tandem.matching.engine.scoring import score_pairs

from .strategies import ENGINE


def dense_optimum(score: np.ndarray, feasible: np.ndarray, capacity: np.ndarray) -> tuple[int, int]:
    """(matched, total) by linear_sum_assignment on the dense matrix, mentors copied per capacity.

    Lexicographic by a big constant: each feasible pair is worth BIG + score,
    with BIG above any possible total, so one more match always wins.
    """
    if score.size == 0:
        return 0, 0
    columns = np.repeat(np.arange(score.shape[1]), capacity)
    big = int(np.abs(score).sum()) + 1
    value = np.where(feasible, score + big, 0)[:, columns].astype(np.float64)
    rows, cols = linear_sum_assignment(value, maximize=True)
    real = feasible[rows, columns[cols]]
    return int(real.sum()), int(score[rows[real], columns[cols[real]]].sum())


def _dense(problem) -> tuple[int, int]:
    enc = encode(problem)
    li, mi = np.meshgrid(np.arange(len(enc.learners)), np.arange(len(enc.mentors)), indexing="ij")
    score, feasible = score_pairs(enc, li, mi)
    return dense_optimum(score, feasible, enc.mentors.capacity)


@pytest.mark.parametrize(("learners", "mentors", "capacity", "seed"), [
    (400, 400, (1, 1), 1), (400, 200, (1, 3), 2), (300, 500, (1, 2), 3),
])
def test_generated_rounds_equal_the_dense_optimum_with_k_at_least_mentors(learners, mentors, capacity, seed):
    problem = generate_problem(learners=learners, mentors=mentors, capacity=capacity, seed=seed)
    _, solution = solve_with_arrays(problem, settings=CandidateSettings(k=mentors, mentor_k=0))
    assert (solution.assignment.matched, solution.assignment.total_score) == _dense(problem)


def test_default_k_stays_within_a_tenth_of_a_percent_of_the_dense_optimum():
    problem = generate_problem(learners=1500, mentors=1500, seed=7)
    _, solution = solve_with_arrays(problem)
    matched, total = _dense(problem)
    assert solution.assignment.matched >= matched * 0.999
    assert solution.assignment.total_score >= total * 0.999


@st.composite
def pairs_problems(draw):
    n_l = draw(st.integers(1, 25))
    n_m = draw(st.integers(1, 20))
    cells = draw(st.lists(st.tuples(st.integers(0, n_l - 1), st.integers(0, n_m - 1)), unique=True, max_size=120))
    scores = draw(st.lists(st.integers(-50, 100), min_size=len(cells), max_size=len(cells)))
    caps = draw(st.lists(st.integers(1, 3), min_size=n_m, max_size=n_m))
    edges = tuple(Edge(f"L{a:02d}", f"M{b:02d}", s / 4) for (a, b), s in zip(cells, scores, strict=True))
    return PairsProblem(edges=edges, capacities={f"M{j:02d}": c for j, c in enumerate(caps)},
                        learners=tuple(f"L{i:02d}" for i in range(n_l)))


@ENGINE
@given(pairs_problems())
def test_pairs_form_equals_the_dense_optimum(problem: PairsProblem):
    result = solve_pairs(problem)
    learners = sorted({e.learner for e in problem.edges} | set(problem.learners))
    mentors = sorted({e.mentor for e in problem.edges} | set(problem.capacities))
    score = np.zeros((len(learners), len(mentors)), dtype=np.int64)
    feasible = np.zeros(score.shape, dtype=bool)
    for edge in problem.edges:
        i, j = learners.index(edge.learner), mentors.index(edge.mentor)
        score[i, j], feasible[i, j] = round(edge.score * 1000), True
    capacity = np.array([problem.capacities.get(m, 1) for m in mentors])
    matched, total = dense_optimum(score, feasible, capacity)
    assert result.matched == matched
    assert round(result.total_score * 1000) == total
