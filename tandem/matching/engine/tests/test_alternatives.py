"""Each learner's next-best mentors come from the same solve, and equal a plain ranking."""

import numpy as np

from tandem.matching.engine import best_mentors, solve
from tandem.matching.engine.encode import encode
from tandem.matching.engine.generate import generate_problem
from tandem.matching.engine.scoring import SCALE, score_pairs


def _ranking(problem, learner_id: str, skip: set[str]) -> list[tuple[str, int]]:
    """Every feasible mentor of one learner, scored one by one, best first, ties by mentor id."""
    enc = encode(problem)
    row = enc.learners.ids.index(learner_id)
    mentors = np.arange(len(enc.mentors))
    score, feasible = score_pairs(enc, np.full(mentors.size, row), mentors)
    ranked = sorted((-int(score[j]), enc.mentors.ids[j]) for j in mentors if feasible[j]
                    and enc.mentors.ids[j] not in skip)
    return [(mid, -s) for s, mid in ranked]


def test_alternatives_are_each_learners_true_next_best_mentors():
    problem = generate_problem(learners=400, mentors=300, capacity=(1, 2), seed=11)
    stages: list[str] = []
    result = solve(problem, alternatives=4, progress=stages.append)
    assert stages == ["candidates", "solve", "prove", "explain"]
    own = {pair.learner_id: pair.mentor_id for pair in result.pairs}
    checked = 0
    for learner in problem.learners[::7]:
        expected = _ranking(problem, learner.id, {own[learner.id]} if learner.id in own else set())[:4]
        got = [(p.mentor_id, round(p.score * SCALE)) for p in result.alternatives.get(learner.id, ())]
        assert got == expected
        checked += bool(expected)
    assert checked > 30
    assert all(p.text for pairs in result.alternatives.values() for p in pairs)


def test_best_mentors_ranks_one_learner_against_the_whole_pool():
    problem = generate_problem(learners=50, mentors=500, seed=3)
    for learner in problem.learners[:10]:
        skip = {problem.mentors[0].id}
        got = [(p.mentor_id, round(p.score * SCALE)) for p in best_mentors(problem, learner.id, count=5, skip=skip)]
        assert got == _ranking(problem, learner.id, skip)[:5]
