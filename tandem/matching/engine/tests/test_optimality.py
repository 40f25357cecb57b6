"""The default mode is the optimum over every feasible pair, proved; reasons are checked against it."""

from collections import Counter

import pytest
from hypothesis import given

from tandem.matching.engine import CandidateSettings, Problem, ProofSettings, SolverSettings, solve
from tandem.matching.engine.engine import solve_with_arrays
from tandem.matching.engine.generate import generate_tied_problem

from .strategies import ENGINE, breaks_a_limit, tied_problems
from .test_reference import _dense

# A candidate graph that misses almost everything: each learner's single best mentor.
THIN = CandidateSettings(k=1, mentor_k=0)


def _check_reasons(problem: Problem, result) -> None:
    """Every unmatched learner's reason is true of the final solution, checked the plain way."""
    mentors = {m.id: m for m in problem.mentors}
    learners = {lrn.id: lrn for lrn in problem.learners}
    load = Counter(pair.mentor_id for pair in result.pairs)
    for unmatched in result.unmatched:
        suitable = [m for m in problem.mentors if breaks_a_limit(problem, learners[unmatched.learner_id], m) is None]
        free = [m for m in suitable if load[m.id] < mentors[m.id].capacity]
        # Never "taken" (nor "full") while a suitable mentor has a free place.
        assert not free, (unmatched, free)
        if suitable:
            assert unmatched.reason == ("taken" if result.certificate.proved else "full")
            assert unmatched.params["count"] == len(suitable)
        else:
            assert unmatched.reason in ("limit", "no_mentors")


@ENGINE
@given(tied_problems())
def test_a_thin_candidate_graph_still_gives_the_dense_optimum_with_a_proof(problem: Problem) -> None:
    result, solution = solve_with_arrays(problem, settings=THIN)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate is not None and result.certificate.proved
    assert result.certificate.status == "optimal: proved"
    assert result.statistics.filled == 0  # a proved optimum leaves no free place to fill
    _check_reasons(problem, result)


@ENGINE
@given(tied_problems())
def test_the_default_mode_gives_the_dense_optimum(problem: Problem) -> None:
    result, solution = solve_with_arrays(problem)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved
    _check_reasons(problem, result)


@ENGINE
@given(tied_problems())
def test_a_stopped_proof_reports_a_bound_that_holds(problem: Problem) -> None:
    result, solution = solve_with_arrays(problem, settings=THIN, proof=ProofSettings(max_passes=1))
    matched, total = _dense(problem)
    certificate = result.certificate
    if certificate.proved:
        assert (result.matched, solution.assignment.total_score) == (matched, total)
        return
    assert certificate.stopped_by == "passes"
    assert matched - result.matched <= certificate.gap_learners
    if matched == result.matched:
        assert (total - solution.assignment.total_score) / 1000 <= certificate.gap_score + 1e-9
    _check_reasons(problem, result)


def test_generated_tie_heavy_rounds_equal_the_dense_optimum():
    for learners, seed in ((600, 1), (1000, 2)):
        problem = generate_tied_problem(learners=learners, mentors=learners // 2, seed=seed)
        sparse, sparse_solution = solve_with_arrays(problem, proof=None)
        result, solution = solve_with_arrays(problem)
        assert (result.matched, solution.assignment.total_score) == _dense(problem)
        assert result.certificate.proved and result.certificate.pairs_priced > 0
        # The candidate graph alone is not enough on these rounds: the proof had work to do.
        assert (sparse.matched, sparse_solution.assignment.total_score) <= (result.matched,
                                                                            solution.assignment.total_score)
        _check_reasons(problem, result)


def test_the_proof_is_deterministic():
    problem = generate_tied_problem(learners=500, mentors=250, seed=5)
    first, second = solve(problem), solve(problem)
    assert [(p.learner_id, p.mentor_id) for p in first.pairs] == [(p.learner_id, p.mentor_id) for p in second.pairs]
    assert first.certificate.pairs_added == second.certificate.pairs_added


@ENGINE
@given(tied_problems())
def test_a_graph_cut_into_regions_still_gives_the_dense_optimum(problem: Problem) -> None:
    # National rounds are cut into regions; the cut edges are then priced like any other pair.
    tiny = SolverSettings(max_region_learners=4, batch_learners=2, workers=1, parallel_from_edges=0)
    result, solution = solve_with_arrays(problem, solver=tiny)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved


# Repairs re-solved warm (warm.py) on every graph, however small; the windows must never be needed.
WARM = ProofSettings(warm_from_edges=0)


def _no_windows(monkeypatch) -> None:
    from tandem.matching.engine import certify

    def windows(*args, **kwargs):
        raise AssertionError("a warm re-solve did not check out")

    monkeypatch.setattr(certify._Prover, "repair", windows)


@ENGINE
@given(tied_problems())
def test_warm_repairs_on_a_thin_graph_give_the_dense_optimum(problem: Problem) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _no_windows(monkeypatch)
        result, solution = solve_with_arrays(problem, settings=THIN, proof=WARM)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved
    _check_reasons(problem, result)


@ENGINE
@given(tied_problems())
def test_warm_repairs_across_region_seams_give_the_dense_optimum(problem: Problem) -> None:
    tiny = SolverSettings(max_region_learners=4, batch_learners=2, workers=1, parallel_from_edges=0)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _no_windows(monkeypatch)
        result, solution = solve_with_arrays(problem, solver=tiny, settings=CandidateSettings(k=2, mentor_k=1),
                                             proof=WARM)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved


def test_warm_repairs_on_generated_tie_heavy_rounds_equal_the_dense_optimum(monkeypatch):
    _no_windows(monkeypatch)
    for learners, seed in ((600, 1), (1000, 2)):
        problem = generate_tied_problem(learners=learners, mentors=learners // 2, seed=seed)
        result, solution = solve_with_arrays(problem, settings=CandidateSettings(k=3, mentor_k=1), proof=WARM)
        assert (result.matched, solution.assignment.total_score) == _dense(problem)
        assert result.certificate.proved and result.certificate.pairs_added > 0


# The mentors the first solve leaves with a free place get their best learners before the proof,
# on every round however small (by default only national rounds do).
FREE = ProofSettings(free_mentor_pairs=2, free_mentors_from_learners=0)


@ENGINE
@given(tied_problems())
def test_free_mentor_pairs_before_the_proof_keep_the_dense_optimum(problem: Problem) -> None:
    result, solution = solve_with_arrays(problem, settings=THIN, proof=FREE)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved
    _check_reasons(problem, result)


@ENGINE
@given(tied_problems())
def test_free_mentor_pairs_across_region_seams_keep_the_dense_optimum(problem: Problem) -> None:
    tiny = SolverSettings(max_region_learners=4, batch_learners=2, workers=1, parallel_from_edges=0)
    result, solution = solve_with_arrays(problem, solver=tiny, settings=CandidateSettings(k=2, mentor_k=1),
                                         proof=FREE)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved


def test_free_mentor_pairs_on_generated_tie_heavy_rounds_equal_the_dense_optimum():
    for learners, seed in ((600, 3), (1000, 4)):
        problem = generate_tied_problem(learners=learners, mentors=learners // 2, seed=seed)
        result, solution = solve_with_arrays(problem, settings=CandidateSettings(k=3, mentor_k=1),
                                             proof=ProofSettings(free_mentor_pairs=8, free_mentors_from_learners=0))
        assert (result.matched, solution.assignment.total_score) == _dense(problem)
        assert result.certificate.proved


@ENGINE
@given(tied_problems())
def test_mentors_of_low_demand_keeping_more_learners_keep_the_dense_optimum(problem: Problem) -> None:
    # The national path (compiled loops), where mentors of low demand keep more of their learners.
    settings = CandidateSettings(k=2, mentor_k=1, exhaustive_pairs=0, low_demand=3, low_demand_k=4)
    result, solution = solve_with_arrays(problem, settings=settings)
    assert (result.matched, solution.assignment.total_score) == _dense(problem)
    assert result.certificate.proved
