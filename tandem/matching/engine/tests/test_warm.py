"""The warm re-solve (warm.py) against OR-tools from scratch, on random graphs that grow."""

import numpy as np
import pytest

from tandem.matching.engine.duals import big_constant, potentials
from tandem.matching.engine.solver import solve_edges
from tandem.matching.engine.warm import check, reoptimize


def _graph(rng, n_l, n_m, n_e, ties):
    learner = rng.integers(0, n_l, n_e)
    mentor = rng.integers(0, n_m, n_e)
    key = np.unique(learner * n_m + mentor)
    learner, mentor = key // n_m, key % n_m
    score = rng.integers(0, 4, key.size) * 1000 if ties else rng.integers(0, 100_000, key.size)
    return learner, mentor, score


@pytest.mark.parametrize("seed", range(40))
def test_a_warm_re_solve_equals_a_solve_from_scratch(seed):
    rng = np.random.default_rng(seed)
    n_l, n_m = int(rng.integers(1, 60)), int(rng.integers(1, 40))
    learner, mentor, score = _graph(rng, n_l, n_m, int(rng.integers(1, 300)), ties=seed % 2 == 0)
    capacity = rng.integers(1, 4, n_m)
    big = big_constant(100_001, n_l, int(capacity.sum()))
    old = rng.random(learner.size) < 0.4  # the first graph; the rest is added later
    old_at = np.flatnonzero(old)
    first = solve_edges(learner=learner[old_at], mentor=mentor[old_at], score=score[old_at], capacity=capacity)
    chosen = np.zeros(learner.size, dtype=bool)
    chosen[old_at[first.chosen]] = True
    duals = potentials(learner=learner[old_at], mentor=mentor[old_at], score=score[old_at], chosen=chosen[old_at],
                       capacity=capacity, big=big, n_learners=n_l)
    assert duals.optimal
    found = reoptimize(learner=learner, mentor=mentor, score=score, chosen=chosen, capacity=capacity, big=big,
                       u=duals.u, v=duals.v)
    assert found is not None
    picked, u, v = found.chosen, found.u, found.v
    whole = solve_edges(learner=learner, mentor=mentor, score=score, capacity=capacity)
    assert (int(picked.sum()), int(score[picked].sum())) == (whole.matched, whole.total_score)
    assert check(learner=learner, mentor=mentor, score=score, chosen=picked, capacity=capacity, big=big, u=u, v=v)


def test_the_check_rejects_potentials_that_prove_nothing():
    learner, mentor, score = np.array([0, 0, 1]), np.array([0, 1, 0]), np.array([5, 3, 4])
    capacity = np.array([1, 1])
    big = 100
    chosen = np.array([True, False, False])  # learner 1 left out, mentor 1 free: not optimal
    u, v = np.array([105, 0]), np.array([0, 0])
    assert not check(learner=learner, mentor=mentor, score=score, chosen=chosen, capacity=capacity, big=big, u=u, v=v)
    best = np.array([False, True, True])
    u, v = np.array([103, 0]), np.array([104, 0])
    assert check(learner=learner, mentor=mentor, score=score, chosen=best, capacity=capacity, big=big, u=u, v=v)
