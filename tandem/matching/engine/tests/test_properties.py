"""Hard limits, capacities, optimality against brute force, determinism."""

import itertools
from collections import Counter
from dataclasses import replace

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tandem.matching.engine import CandidateSettings, Problem, solve
from tandem.matching.engine.encode import encode
from tandem.matching.engine.engine import solve_with_arrays
from tandem.matching.engine.scoring import SCALE, score_pairs

from .strategies import ENGINE, breaks_a_limit, problems


def _by_id(problem: Problem) -> tuple[dict, dict]:
    return {lrn.id: lrn for lrn in problem.learners}, {m.id: m for m in problem.mentors}


@ENGINE
@given(problems(max_learners=8, max_mentors=6, max_capacity=3))
def test_pairs_respect_every_hard_limit_and_capacity(problem: Problem) -> None:
    result = solve(problem)
    learners, mentors = _by_id(problem)
    for pair in result.pairs:
        assert breaks_a_limit(problem, learners[pair.learner_id], mentors[pair.mentor_id]) is None
    load = Counter(pair.mentor_id for pair in result.pairs)
    assert all(load[mid] <= mentors[mid].capacity for mid in load)
    assert len({pair.learner_id for pair in result.pairs}) == len(result.pairs)
    # Everybody is accounted for, once.
    assert len(result.pairs) + len(result.unmatched) == len(problem.learners)


def _brute_force(problem: Problem) -> tuple[int, int]:
    """Best (matched, milli-score) over every assignment, from the engine's pair scores."""
    enc = encode(problem)
    n_l, n_m = len(enc.learners), len(enc.mentors)
    if n_l == 0 or n_m == 0:
        return 0, 0
    li, mi = np.meshgrid(np.arange(n_l), np.arange(n_m), indexing="ij")
    score, feasible = score_pairs(enc, li, mi)
    options = [[None, *[j for j in range(n_m) if feasible[i, j]]] for i in range(n_l)]
    best = (0, 0)
    capacity = enc.mentors.capacity.tolist()
    for choice in itertools.product(*options):
        used = Counter(j for j in choice if j is not None)
        if any(used[j] > capacity[j] for j in used):
            continue
        value = (len([j for j in choice if j is not None]),
                 sum(int(score[i, j]) for i, j in enumerate(choice) if j is not None))
        best = max(best, value)
    return best


@ENGINE
@given(problems(max_learners=5, max_mentors=4, max_capacity=2))
def test_small_instances_match_the_brute_force_optimum(problem: Problem) -> None:
    result, solution = solve_with_arrays(problem)
    assert (result.matched, solution.assignment.total_score) == _brute_force(problem)
    assert result.total_score == solution.assignment.total_score / SCALE


@ENGINE
@given(problems(max_learners=6, max_mentors=5), st.randoms(use_true_random=False))
def test_the_same_input_in_any_order_gives_the_same_result(problem: Problem, rng) -> None:
    learners, mentors = list(problem.learners), list(problem.mentors)
    rng.shuffle(learners)
    rng.shuffle(mentors)
    shuffled = replace(problem, learners=tuple(learners), mentors=tuple(mentors))
    first, second = solve(problem), solve(shuffled)
    assert sorted((p.learner_id, p.mentor_id, p.score) for p in first.pairs) == sorted(
        (p.learner_id, p.mentor_id, p.score) for p in second.pairs
    )
    assert first.total_score == second.total_score


@ENGINE
@given(problems(max_learners=6, max_mentors=5))
def test_small_k_never_breaks_limits_and_k_at_least_mentors_is_exact(problem: Problem) -> None:
    exact = solve(problem, settings=CandidateSettings(k=max(1, len(problem.mentors)), mentor_k=0))
    narrow = solve(problem, settings=CandidateSettings(k=1, mentor_k=0))
    assert (exact.matched, exact.total_score) == _brute_force_points(problem)
    assert narrow.matched <= exact.matched


def _brute_force_points(problem: Problem) -> tuple[int, float]:
    matched, milli = _brute_force(problem)
    return matched, milli / SCALE
