"""The national-scale paths, forced on small rounds: pooled candidates and regions."""

from collections import Counter

import pytest

from tandem.matching.engine import CandidateSettings, SolverSettings, solve
from tandem.matching.engine.generate import generate_problem

from .strategies import breaks_a_limit


@pytest.fixture(scope="module")
def round_of_1500():
    return generate_problem(learners=1500, mentors=1200, capacity=(1, 2), seed=11)


def _valid(problem, result) -> None:
    learners = {lrn.id: lrn for lrn in problem.learners}
    mentors = {m.id: m for m in problem.mentors}
    assert result.pairs  # a round of 1500 pairs somebody: the checks below are not vacuous
    for pair in result.pairs:
        assert breaks_a_limit(problem, learners[pair.learner_id], mentors[pair.mentor_id]) is None
    load = Counter(pair.mentor_id for pair in result.pairs)
    assert all(load[mid] <= mentors[mid].capacity for mid in load)
    assert len(result.pairs) + len(result.unmatched) == len(problem.learners)


def test_pooled_candidates_stay_close_to_every_pair_scored(round_of_1500):
    # Pools are the candidate graph of national rounds solved without the proof.
    exact = solve(round_of_1500, proof=None)
    pooled = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0), proof=None)
    assert exact.statistics.exhaustive and not pooled.statistics.exhaustive
    _valid(round_of_1500, pooled)
    assert pooled.matched >= exact.matched * 0.995
    assert pooled.total_score >= exact.total_score * 0.99
    # With the proof, a round too large to score exhaustively is scored exhaustively anyway (the
    # proof needs each learner's k-th best score) and reaches the optimum.
    proved = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0))
    assert proved.statistics.exhaustive and proved.certificate.proved
    assert (proved.matched, proved.total_score) == (solve(round_of_1500).matched, solve(round_of_1500).total_score)


def test_regions_and_worker_processes_keep_limits_and_do_not_change_the_answer(round_of_1500):
    small = SolverSettings(max_region_learners=60, batch_learners=40, workers=1, parallel_from_edges=0)
    parallel = SolverSettings(max_region_learners=60, batch_learners=40, workers=2, parallel_from_edges=0)
    whole = solve(round_of_1500)
    one, two = solve(round_of_1500, solver=small), solve(round_of_1500, solver=parallel)
    _valid(round_of_1500, one)
    assert one.statistics.regions > 1 and one.statistics.cut_edges > 0
    assert [(p.learner_id, p.mentor_id) for p in one.pairs] == [(p.learner_id, p.mentor_id) for p in two.pairs]
    # The proof prices the cut edges like any other pair: cutting costs nothing.
    assert one.certificate.proved and (one.matched, one.total_score) == (whole.matched, whole.total_score)
    # Without the proof, cutting can only lose against the whole graph, and the seam repair keeps it small.
    cut = solve(round_of_1500, solver=small, proof=None)
    assert (cut.matched, cut.total_score) <= (whole.matched, whole.total_score)
    assert cut.matched >= whole.matched * 0.99


def test_a_part_that_cannot_be_cut_is_kept_whole():
    import numpy as np

    from tandem.matching.engine.geo import unit_vectors
    from tandem.matching.engine.regions import make_regions

    # 500 learners at one school address, all candidates of the same 3 mentors.
    xyz = unit_vectors(np.full(500, 50.0), np.full(500, 4.0))
    learner, mentor = np.repeat(np.arange(500), 3), np.tile(np.arange(3), 500)
    regions = make_regions(learner=learner, mentor=mentor, learner_xyz=xyz, mentor_xyz=xyz[:3], max_learners=50)
    assert regions.cut_edges == 0
    assert sum(part.size for part in regions.parts) == learner.size


@pytest.mark.parametrize("tied", [False, True])
def test_the_compiled_scorer_equals_the_one_scorer(tied):
    # National rounds are scored by compiled loops (kernels.py); they must agree with
    # scoring.score_pairs on every pair: feasibility exactly, and the score to the milli-point.
    import numpy as np

    from tandem.matching.engine import kernels
    from tandem.matching.engine.encode import encode
    from tandem.matching.engine.generate import generate_tied_problem
    from tandem.matching.engine.scoring import score_pairs

    problem = (generate_tied_problem(learners=400, mentors=200, seed=5) if tied
               else generate_problem(learners=400, mentors=300, capacity=(1, 3), seed=5))
    enc = encode(problem)
    everyone = np.arange(len(enc.mentors))
    for row in range(len(enc.learners)):
        mentors, scores = kernels.check_scores(enc, row, everyone)
        expected, feasible = score_pairs(enc, np.full(everyone.size, row), everyone)
        assert sorted(mentors.tolist()) == np.flatnonzero(feasible).tolist()
        assert dict(zip(mentors.tolist(), scores.tolist(), strict=True)) == \
            {j: int(expected[j]) for j in np.flatnonzero(feasible).tolist()}


def test_compiled_candidates_equal_the_exhaustive_ones(round_of_1500):
    # The national path (compiled loops, cell by cell) keeps exactly the pairs the exhaustive
    # path keeps: each learner's best k and each little-ranked mentor's best mentor_k.
    import numpy as np

    from tandem.matching.engine import kernels
    from tandem.matching.engine.candidates import generate_candidates
    from tandem.matching.engine.encode import encode

    enc = encode(round_of_1500)
    exhaustive = generate_candidates(enc, exact_bounds=True)
    # (Mentors of low demand keeping more learners, which only the compiled path does, is off here.)
    compiled = generate_candidates(enc, settings=CandidateSettings(exhaustive_pairs=0, low_demand_k=0),
                                   exact_bounds=True)
    assert exhaustive.exhaustive and compiled.exhaustive
    assert np.array_equal(exhaustive.learner, compiled.learner)
    assert np.array_equal(exhaustive.mentor, compiled.mentor)
    assert np.array_equal(exhaustive.score, compiled.score)
    assert np.array_equal(np.where(exhaustive.outside_bound >= 0, exhaustive.outside_bound + kernels.MARGIN, -1),
                          compiled.outside_bound)


def test_compiled_pricing_proves_the_same_optimum(round_of_1500):
    from tandem.matching.engine import ProofSettings
    from tandem.matching.engine.pricing import PricingSettings

    numpy_priced = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0))
    compiled = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0),
                     proof=ProofSettings(pricing=PricingSettings(compiled_from_learners=0)))
    assert compiled.certificate.proved and numpy_priced.certificate.proved
    assert (compiled.matched, compiled.total_score) == (numpy_priced.matched, numpy_priced.total_score)


def test_free_mentor_pairs_are_each_mentors_best_learners(round_of_1500):
    # Before the proof, national rounds give the mentors left with a free place their best
    # learners over every learner in range (compiled, cell by cell): checked against scoring
    # each such mentor with every learner, best scores first and ties by the lower learner.
    import numpy as np

    from tandem.matching.engine.candidates import free_mentor_pairs
    from tandem.matching.engine.encode import encode
    from tandem.matching.engine.scoring import score_pairs

    enc = encode(round_of_1500)
    mentors = np.arange(0, len(enc.mentors), 7)
    take = 5
    learner, mentor, score = free_mentor_pairs(enc, mentors, take)
    everyone = np.arange(len(enc.learners))
    for j in mentors.tolist():
        scores, feasible = score_pairs(enc, everyone, np.full(everyone.size, j))
        rows = np.flatnonzero(feasible)
        best = rows[np.lexsort((rows, -scores[rows]))][:take]
        mine = mentor == j
        assert sorted(learner[mine].tolist()) == sorted(best.tolist())
        assert dict(zip(learner[mine].tolist(), score[mine].tolist(), strict=True)) == \
            {i: int(scores[i]) for i in best.tolist()}


def test_free_mentor_pairs_before_the_proof_keep_the_optimum(round_of_1500):
    from tandem.matching.engine import ProofSettings

    plain = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0))
    free = solve(round_of_1500, settings=CandidateSettings(exhaustive_pairs=0),
                 proof=ProofSettings(free_mentor_pairs=16, free_mentors_from_learners=0))
    assert free.certificate.proved and plain.certificate.proved
    assert (free.matched, free.total_score) == (plain.matched, plain.total_score)
    assert free.statistics.candidate_edges > plain.statistics.candidate_edges


def test_compiled_candidates_give_mentors_of_low_demand_their_best_learners(round_of_1500):
    # On the national path, a mentor that at most `low_demand` learners ranked among their best
    # k keeps its best `low_demand_k` learners: the exhaustive edges plus exactly those pairs.
    import numpy as np

    from tandem.matching.engine.candidates import generate_candidates
    from tandem.matching.engine.encode import encode
    from tandem.matching.engine.scoring import score_pairs

    enc = encode(round_of_1500)
    settings = CandidateSettings(exhaustive_pairs=0, low_demand=20, low_demand_k=40)
    compiled = generate_candidates(enc, settings=settings, exact_bounds=True)
    exhaustive = generate_candidates(enc, exact_bounds=True)
    ranked = generate_candidates(enc, settings=CandidateSettings(mentor_k=0), exact_bounds=True)
    incoming = np.bincount(ranked.mentor, minlength=len(enc.mentors))
    low = np.flatnonzero(incoming <= settings.low_demand)
    assert 0 < low.size < len(enc.mentors)  # the check below is not vacuous
    def pairs(c):
        keys = zip(c.learner.tolist(), c.mentor.tolist(), strict=True)
        return dict(zip(keys, c.score.tolist(), strict=True))

    expected = pairs(exhaustive)
    everyone = np.arange(len(enc.learners))
    for j in low.tolist():
        scores, feasible = score_pairs(enc, everyone, np.full(everyone.size, j))
        rows = np.flatnonzero(feasible)
        for i in rows[np.lexsort((rows, -scores[rows]))][: settings.low_demand_k].tolist():
            expected[(i, j)] = int(scores[i])
    assert pairs(compiled) == expected
    assert np.array_equal(compiled.outside_bound, generate_candidates(
        enc, settings=CandidateSettings(exhaustive_pairs=0, low_demand_k=0), exact_bounds=True).outside_bound)
