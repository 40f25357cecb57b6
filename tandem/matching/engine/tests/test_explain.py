"""Explanations and reasons read the way a coordinator speaks."""

from datetime import date

from tandem.matching.engine import (
    CandidateSettings,
    Criteria,
    Exclusion,
    FieldLabel,
    Learner,
    Limits,
    Mentor,
    Problem,
    Weights,
    solve,
)

# About 4.2 km apart in Rotterdam.
HERE = (51.9225, 4.4792)
THERE = (51.9225, 4.4792 + 4.2 / (111.32 * 0.6163))


def _learner(**overrides) -> Learner:
    values = {"id": "L1", "latitude": HERE[0], "longitude": HERE[1], "languages": ("nl", "tr"),
                  "needs": ("electrical",), "availability": ("tue-evening", "thu-evening", "sat-morning"),
                  "age": 17, "waiting_since": date(2026, 5, 1)}
    values.update(overrides)
    return Learner(**values)


def _mentor(**overrides) -> Mentor:
    values = {"id": "M1", "latitude": THERE[0], "longitude": THERE[1], "languages": ("nl", "tr", "en"),
                  "expertise": ("electrical",), "availability": ("tue-evening", "thu-evening"), "gender": "M", "age": 58}
    values.update(overrides)
    return Mentor(**values)


FIELDS = {"electrical": FieldLabel(mentor="electrician", learner="wants an electrical apprenticeship")}


def test_a_pair_is_explained_criterion_by_criterion():
    problem = Problem(learners=(_learner(),), mentors=(_mentor(),), fields=FIELDS, as_of=date(2026, 9, 1))
    (pair,) = solve(problem).pairs
    assert pair.text.startswith(
        "4.2 km apart · both speak Dutch and Turkish · electrician ↔ wants an electrical apprenticeship"
        " · Tue and Thu evenings free"
    )
    items = {item.criterion: item for item in pair.items}
    assert items["distance"].params["km"] == 4.2
    assert items["language"].params["codes"] == ("nl", "tr")
    assert items["expertise"].points == 25.0
    assert round(sum(item.points for item in pair.items), 1) == round(pair.score, 1)
    assert "waiting 123 days" in pair.text


def test_a_learner_too_far_from_everyone_is_told_the_distance():
    problem = Problem(learners=(_learner(latitude=53.2),), mentors=(_mentor(),))
    (unmatched,) = solve(problem).unmatched
    assert (unmatched.reason, unmatched.limit) == ("limit", "distance")
    assert unmatched.text == "no mentor within 25 km"


def test_a_language_nobody_nearby_speaks_is_named():
    problem = Problem(learners=(_learner(languages=("ar", "fr")),), mentors=(_mentor(), _mentor(id="M2")))
    (unmatched,) = solve(problem).unmatched
    assert unmatched.limit == "language"
    assert unmatched.text == "2 mentors within 25 km, but none speaks Arabic or French"


def test_the_limit_that_removed_the_last_mentors_is_named_after_those_passed():
    problem = Problem(learners=(_learner(gender_preference="F"),), mentors=(_mentor(),))
    (unmatched,) = solve(problem).unmatched
    assert unmatched.limit == "gender"
    assert unmatched.text == "1 mentor within 25 km, but none is female as asked"


def test_excluded_pairs_are_never_proposed_and_say_so():
    problem = Problem(learners=(_learner(),), mentors=(_mentor(),),
                      exclusions=(Exclusion(learner_id="L1", mentor_id="M1", reason="declined before"),))
    result = solve(problem)
    assert result.pairs == ()
    assert result.unmatched[0].limit == "excluded"
    assert result.unmatched[0].text == (
        "1 mentor within 25 km, but that mentor is excluded for this learner (declined before, did not work out before or a conflict of interest)"
    )


def test_a_learner_whose_mentors_went_to_others_is_told_so():
    problem = Problem(learners=(_learner(), _learner(id="L2", waiting_since=date(2025, 1, 1))),
                      mentors=(_mentor(),))
    result = solve(problem)
    assert [p.learner_id for p in result.pairs] == ["L2"]  # waited longer
    (unmatched,) = result.unmatched
    assert unmatched.reason == "taken"
    assert unmatched.text.startswith("the one suitable mentor went to another learner")


def test_soft_criteria_can_be_turned_off_and_limits_relaxed():
    criteria = Criteria(weights=Weights(distance=0, language=0, expertise=100, availability=0, gender=0, age=0,
                                        waiting=0),
                        limits=Limits(max_distance_km=None, require_shared_language=False, min_shared_slots=0))
    problem = Problem(learners=(_learner(latitude=40.0, languages=("ar",)),), mentors=(_mentor(),),
                      criteria=criteria, fields=FIELDS)
    (pair,) = solve(problem).pairs
    assert pair.score == 100.0
    assert [item.criterion for item in pair.items] == ["expertise"]


# Counter-examples: situations where a sparse candidate graph (each learner's single best mentor)
# used to leave a learner unmatched and say "all suitable mentors went to other learners" when
# that was false.
ONE_EACH = CandidateSettings(k=1, mentor_k=0)


def test_free_seat_case_nobody_is_told_taken_while_a_suitable_mentor_has_a_free_place():
    # Both learners like M1 best; M2 (farther, fewer shared slots) suits L2 too and has a free place.
    problem = Problem(
        learners=(_learner(), _learner(id="L2", waiting_since=date(2025, 1, 1))),
        mentors=(_mentor(), _mentor(id="M2", latitude=HERE[0] + 0.1, availability=("tue-evening",))),
    )
    proved = solve(problem, settings=ONE_EACH)
    assert proved.certificate.proved and proved.unmatched == ()
    assert {(p.learner_id, p.mentor_id) for p in proved.pairs} == {("L1", "M2"), ("L2", "M1")}
    # Even the candidate graph alone, with no proof, gives the free place away before explaining.
    sparse = solve(problem, settings=ONE_EACH, proof=None)
    assert sparse.unmatched == () and sparse.statistics.filled == 1


def test_augmenting_path_case_the_learner_who_can_only_take_m1_gets_it():
    # L1 can only take M1 (language); L2 likes M1 best but can also take M2.
    problem = Problem(
        learners=(_learner(languages=("tr",)), _learner(id="L2", languages=("nl",), waiting_since=date(2025, 1, 1))),
        mentors=(_mentor(), _mentor(id="M2", languages=("nl",), latitude=HERE[0] + 0.1)),
    )
    proved = solve(problem, settings=ONE_EACH)
    assert proved.certificate.proved and proved.unmatched == ()
    assert {(p.learner_id, p.mentor_id) for p in proved.pairs} == {("L1", "M1"), ("L2", "M2")}
    # Without the proof the candidate graph misses the move of L2 to M2. L1 is then not told that
    # matching it would cost another learner (that is false), only that its mentor is full.
    sparse = solve(problem, settings=ONE_EACH, proof=None)
    (unmatched,) = sparse.unmatched
    assert unmatched.learner_id == "L1" and unmatched.reason == "full"
    assert unmatched.text == "the one suitable mentor is full with other learners"


def test_a_taken_mentor_is_named_only_when_it_is_full_and_the_optimum_is_proved():
    problem = Problem(learners=(_learner(), _learner(id="L2", waiting_since=date(2025, 1, 1)),
                                _learner(id="L3", waiting_since=date(2025, 2, 1))),
                      mentors=(_mentor(capacity=2),))
    result = solve(problem)
    (unmatched,) = result.unmatched
    assert result.certificate.proved
    assert (unmatched.learner_id, unmatched.reason) == ("L1", "taken")
    assert unmatched.text == ("the one suitable mentor went to another learner: matching this learner would leave "
                              "another learner unmatched or lower the total score")


def test_a_suitable_mentor_with_a_free_place_is_reported_not_hidden():
    import numpy as np

    from tandem.matching.engine.encode import encode
    from tandem.matching.engine.explain import explain_unmatched

    problem = Problem(learners=(_learner(),), mentors=(_mentor(), _mentor(id="M2", capacity=2)))
    enc = encode(problem)
    (reason,) = explain_unmatched(enc, np.array([0]), load=np.array([1, 1]), proved=False)
    assert reason.reason == "unplaced"
    assert reason.text == "2 suitable mentors, 1 with a free place: the search stopped before placing this learner"
