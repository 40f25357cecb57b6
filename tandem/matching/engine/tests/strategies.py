"""Hypothesis strategies and independent reference checks for the engine's tests."""

import math
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tandem.matching.engine.model import (
    Criteria,
    Exclusion,
    Learner,
    Limits,
    Mentor,
    Problem,
    Weights,
)

# Deterministic and bounded: CI runs the suite twice on 2 cores.
ENGINE = settings(derandomize=True, max_examples=60, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow])

LANGUAGES = ("nl", "fr", "ar")
FIELDS = ("electrical", "care", "maths")
SLOTS = ("mon-evening", "tue-evening", "sat-morning", "sun-afternoon")
GENDERS = ("F", "M")


def _subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), min_size=min_size, max_size=len(values), unique=True).map(
        lambda xs: tuple(sorted(xs))
    )


_lat = st.floats(49.9, 50.1, allow_nan=False)
_lon = st.floats(3.8, 4.2, allow_nan=False)


@st.composite
def mentors(draw: st.DrawFn, index: int, max_capacity: int) -> Mentor:
    return Mentor(
        id=f"M{index}", latitude=draw(_lat), longitude=draw(_lon), languages=draw(_subset(LANGUAGES)),
        expertise=draw(_subset(FIELDS)), availability=draw(_subset(SLOTS)),
        capacity=draw(st.integers(1, max_capacity)), gender=draw(st.sampled_from((*GENDERS, None))),
        age=draw(st.one_of(st.none(), st.integers(18, 75))), background=draw(_subset(("x", "y"))),
    )


@st.composite
def learners(draw: st.DrawFn, index: int) -> Learner:
    return Learner(
        id=f"L{index}", latitude=draw(_lat), longitude=draw(_lon), languages=draw(_subset(LANGUAGES)),
        needs=draw(_subset(FIELDS)), availability=draw(_subset(SLOTS)),
        gender_preference=draw(st.sampled_from((*GENDERS, None, None))),
        age=draw(st.one_of(st.none(), st.integers(12, 25))),
        waiting_since=draw(st.one_of(st.none(), st.dates(date(2025, 1, 1), date(2026, 9, 1)))),
        background=draw(_subset(("x", "y"))),
    )


@st.composite
def criteria(draw: st.DrawFn) -> Criteria:
    weights = draw(st.one_of(
        st.just(Weights()),
        st.builds(Weights, **{name: st.integers(0, 40).map(float) for name in Weights.__slots__}),
    ))
    limits = Limits(
        max_distance_km=draw(st.one_of(st.none(), st.floats(5, 40))),
        require_shared_language=draw(st.booleans()),
        min_shared_slots=draw(st.integers(0, 2)),
        honour_gender_preference=draw(st.booleans()),
        max_age_gap=draw(st.one_of(st.none(), st.integers(5, 50))),
    )
    return Criteria(weights=weights, limits=limits)


@st.composite
def problems(draw: st.DrawFn, max_learners: int = 5, max_mentors: int = 4, max_capacity: int = 2) -> Problem:
    n_learners = draw(st.integers(0, max_learners))
    n_mentors = draw(st.integers(0, max_mentors))
    mentor_list = tuple(draw(mentors(i, max_capacity)) for i in range(n_mentors))
    learner_list = tuple(draw(learners(i)) for i in range(n_learners))
    pairs = [(lrn.id, m.id) for lrn in learner_list for m in mentor_list]
    excluded = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=3)) if pairs else []
    return Problem(
        mentors=mentor_list, learners=learner_list, criteria=draw(criteria()),
        exclusions=tuple(Exclusion(learner_id=a, mentor_id=b) for a, b in excluded),
        as_of=date(2026, 9, 1),
    )


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, written independently of the engine's 3-D chords."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def breaks_a_limit(problem: Problem, learner: Learner, mentor: Mentor) -> str | None:
    """The hard limit a pair breaks, checked the plain way; None if it breaks none."""
    limits = problem.criteria.limits
    km = haversine_km(learner.latitude, learner.longitude, mentor.latitude, mentor.longitude)
    if limits.max_distance_km is not None and km > limits.max_distance_km + 1e-6:
        return "distance"
    if limits.require_shared_language and not set(learner.languages) & set(mentor.languages):
        return "language"
    if len(set(learner.availability) & set(mentor.availability)) < limits.min_shared_slots:
        return "availability"
    if limits.honour_gender_preference and learner.gender_preference not in (None, mentor.gender):
        return "gender"
    ages_known = learner.age is not None and mentor.age is not None
    if limits.max_age_gap is not None and ages_known and abs(learner.age - mentor.age) > limits.max_age_gap:
        return "age"
    if any(e.learner_id == learner.id and e.mentor_id == mentor.id for e in problem.exclusions):
        return "excluded"
    return None


# Tie-heavy rounds: few places, few languages, coarse ages and dates, so that many pairs score
# the same and a sparse candidate graph has the most room to go wrong.
_TOWNS = ((50.85, 4.35), (50.88, 4.70), (50.85, 4.36))
_FAR = (53.2, 6.6)  # nobody within reach


@st.composite
def tied_problems(draw: st.DrawFn, max_learners: int = 24, max_mentors: int = 12) -> Problem:
    n_learners = draw(st.integers(1, max_learners))
    n_mentors = draw(st.integers(1, max_mentors))
    towns = st.sampled_from(_TOWNS)
    mentor_list = []
    for i in range(n_mentors):
        lat, lon = draw(towns)
        mentor_list.append(Mentor(
            id=f"M{i:02d}", latitude=lat, longitude=lon, languages=draw(_subset(LANGUAGES[:2], 1)),
            expertise=draw(_subset(FIELDS[:2])), availability=draw(_subset(SLOTS[:2], 1)),
            capacity=draw(st.integers(1, 3)), gender=draw(st.sampled_from(GENDERS)),
            age=draw(st.sampled_from((30, 50))),
        ))
    learner_list = []
    for i in range(n_learners):
        kind = draw(st.sampled_from(("town", "town", "town", "town", "far", "mute")))
        lat, lon = _FAR if kind == "far" else draw(towns)
        learner_list.append(Learner(
            id=f"L{i:02d}", latitude=lat, longitude=lon,
            languages=("xx",) if kind == "mute" else draw(_subset(LANGUAGES[:2], 1)),
            needs=draw(_subset(FIELDS[:2])), availability=draw(_subset(SLOTS[:2], 1)),
            gender_preference=draw(st.sampled_from((None, None, "F"))), age=draw(st.sampled_from((15, 20))),
            waiting_since=draw(st.sampled_from((None, date(2026, 1, 1), date(2025, 6, 1)))),
        ))
    pairs = [(lrn.id, m.id) for lrn in learner_list for m in mentor_list]
    excluded = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=6))
    weights = draw(st.sampled_from((Weights(), Weights(waiting=0, age=0), Weights(distance=0, waiting=0))))
    return Problem(
        mentors=tuple(mentor_list), learners=tuple(learner_list), criteria=Criteria(weights=weights),
        exclusions=tuple(Exclusion(learner_id=a, mentor_id=b) for a, b in sorted(excluded)),
        as_of=date(2026, 9, 1),
    )
