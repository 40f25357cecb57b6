"""The adapter between Tandem's rows and the matching engine.

``build_problem`` turns a programme's matchable volunteers and learners into an engine ``Problem``
(ids ``"v<pk>"`` and ``"l<pk>"``), the programme's ``MatchingCriteria`` into engine criteria, and
``DeclinedPair`` rows into exclusions. People without a usable location are left out of the
problem and reported as ``no_location``.

Fields (expertise ↔ needs) are codes of the programme's vocabulary (``tandem.core.fields``):
volunteers' expertise and learners' needs hold them, so "Mathe" typed in Germany and "rekenen"
typed in the Netherlands are both ``maths``. A learner's needs are the fields chosen for them,
plus those their intake reasons point at (``NEED_FIELDS``), plus every field named (by any of
its words, in any language) in their "what kind of mentor would help" text, so an apprentice
who wrote "elektricien" meets electricians.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef

from tandem.core.fields import REASON_FIELDS, Vocabulary, vocabulary
from tandem.core.models import Person, Programme, Site
from tandem.core.places import geocode
from tandem.intake import selectors as intake_selectors
from tandem.intake.models import Learner
from tandem.matching import engine
from tandem.matching.engine.slots import SLOT_BIT
from tandem.matching.models import OPEN_STATES, DeclinedPair, Match, MatchingCriteria
from tandem.onboarding import selectors as onboarding_selectors
from tandem.onboarding.models import Volunteer

# Intake reason → the field codes that help with it.
NEED_FIELDS: dict[str, tuple[str, ...]] = REASON_FIELDS


def mentor_id(volunteer_pk: int) -> str:
    return f"v{volunteer_pk}"


def learner_id(learner_pk: int) -> str:
    return f"l{learner_pk}"


def pk_of(engine_id: str) -> int:
    return int(engine_id[1:])


def default_criteria(programme: Programme) -> dict[str, object]:
    """Sensible defaults per programme format and the programme's requirements."""
    values: dict[str, object] = {"max_distance_km": int(programme.requirement("max_distance_km"))}
    if programme.format == Programme.Format.GROUP:
        # A community meets in one place: distance counts less, what it works on more.
        values.update(weight_distance=15, weight_expertise=30, weight_availability=25,
                      weight_gender=0, honour_gender_preference=False)
    if programme.requirement("role_model_matching"):
        values.update(weight_background=15, weight_language=20)
    return values


def criteria_for(programme: Programme) -> MatchingCriteria:
    criteria, _created = MatchingCriteria.objects.get_or_create(
        programme=programme, defaults=default_criteria(programme)
    )
    return criteria


def engine_criteria(criteria: MatchingCriteria, *, role_models: bool) -> engine.Criteria:
    weights = engine.Weights(
        distance=criteria.weight_distance, language=criteria.weight_language,
        expertise=criteria.weight_expertise, availability=criteria.weight_availability,
        gender=criteria.weight_gender, age=criteria.weight_age,
        background=criteria.weight_background if role_models else 0,
        waiting=criteria.weight_waiting,
    )
    limits = engine.Limits(
        max_distance_km=criteria.max_distance_km, require_shared_language=criteria.require_shared_language,
        min_shared_slots=criteria.min_shared_slots,
        honour_gender_preference=criteria.honour_gender_preference, max_age_gap=criteria.max_age_gap,
    )
    reach = float(criteria.max_distance_km) if criteria.max_distance_km else 50.0
    return engine.Criteria(weights=weights, limits=limits, distance_reach_km=reach)


def open_load(programme: Programme) -> dict[int, int]:
    """Open matches per volunteer: what ``matchable_volunteers`` needs to count spare capacity."""
    rows = (Match.objects.filter(programme=programme, state__in=OPEN_STATES)
            .values("volunteer_id").annotate(n=Count("id")))
    return {row["volunteer_id"]: row["n"] for row in rows}


def learner_needs(learner: Learner, fields: Vocabulary) -> tuple[str, ...]:
    needs: list[str] = list(learner.needs or [])
    for reason in learner.reasons or []:
        needs.extend(NEED_FIELDS.get(reason, ()))
    needs.extend(fields.find_in_text(learner.mentor_wishes or ""))
    return tuple(code for code in dict.fromkeys(needs) if code in fields.by_code)


def field_labels(programme: Programme, codes: Iterable[str]) -> dict[str, engine.FieldLabel]:
    """English labels for the engine's own English text; pages render labels in the reader's
    language from the codes (``explanations.item_text``)."""
    fields = vocabulary(programme)
    return {code: engine.FieldLabel(mentor=fields.label(code, "en"), learner=fields.label(code, "en"))
            for code in codes}


def _age(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age if 0 <= age <= 130 else None  # a mistyped date of birth counts as unknown, never fails a round


def _slots(codes: Iterable[str] | None) -> tuple[str, ...]:
    """The availability codes the engine knows; anything else in the stored list is ignored."""
    return tuple(code for code in codes or () if code in SLOT_BIT)


def _place(latitude: float | None, longitude: float | None, person: Person,
           programme: Programme) -> tuple[float, float] | None:
    # Coordinates out of range (a bad import) count as unknown: the city is tried instead.
    if latitude is not None and longitude is not None and math.isfinite(latitude) and math.isfinite(longitude) \
            and abs(latitude) <= 90 and abs(longitude) <= 180:
        return latitude, longitude
    return geocode(postcode=person.postcode or "", city=person.city or "", programme=programme)


def _home_languages(languages: Sequence[str], programme: Programme) -> tuple[str, ...]:
    common = set(programme.languages or [])
    return tuple(f"lang:{code}" for code in languages if code not in common)


def to_mentor(volunteer: Volunteer, *, today: date, capacity: int, role_models: bool) -> engine.Mentor | None:
    place = _place(volunteer.latitude, volunteer.longitude, volunteer.person, volunteer.programme)
    if place is None:
        return None
    return engine.Mentor(
        id=mentor_id(volunteer.pk), latitude=place[0], longitude=place[1],
        languages=tuple(volunteer.languages or ()),
        expertise=tuple(dict.fromkeys(volunteer.expertise or ())),
        availability=_slots(volunteer.availability), capacity=max(1, capacity),
        gender=volunteer.gender or None, age=_age(volunteer.person.date_of_birth, today),
        background=_home_languages(volunteer.languages or (), volunteer.programme) if role_models else (),
    )


def _background(learner: Learner, role_models: bool) -> tuple[str, ...]:
    # Special-category data: only with the recorded consent, only inside the engine input.
    if not role_models:
        return ()
    profile = getattr(learner, "sensitive", None)
    if profile is None or not profile.consent or not profile.migration_background:
        return ()
    return _home_languages(learner.languages or (), learner.programme)


def to_learner(learner: Learner, *, today: date, fields: Vocabulary, role_models: bool) -> engine.Learner | None:
    place = _place(learner.latitude, learner.longitude, learner.person, learner.programme)
    if place is None:
        return None
    preference = learner.gender_preference if learner.gender_preference in ("female", "male") else None
    return engine.Learner(
        id=learner_id(learner.pk), latitude=place[0], longitude=place[1],
        languages=tuple(learner.languages or ()), needs=learner_needs(learner, fields),
        availability=_slots(learner.availability), gender_preference=preference,
        age=_age(learner.person.date_of_birth, today), waiting_since=learner.waiting_since,
        background=_background(learner, role_models),
    )


@dataclass
class Built:
    problem: engine.Problem
    volunteers: dict[int, Volunteer]
    learners: dict[int, Learner]
    no_location: list[Learner] = field(default_factory=list)


def exclusions(programme: Programme, learner_pks: Iterable[int],
               volunteer_pks: Iterable[int]) -> tuple[engine.Exclusion, ...]:
    """The declined pairs and conflicts of interest *between people of this problem*.

    The engine refuses an exclusion that names someone outside its problem, and a pair whose
    mentor is full, paused or not ready yet is simply not in this round: such a pair is left
    out here (it cannot be proposed anyway), so it never makes a round fail."""
    rows = DeclinedPair.objects.filter(programme=programme, learner_id__in=list(learner_pks),
                                       volunteer_id__in=list(volunteer_pks))
    return tuple(
        engine.Exclusion(learner_id=learner_id(row.learner_id), mentor_id=mentor_id(row.volunteer_id),
                         reason=row.kind)
        for row in rows.only("learner_id", "volunteer_id", "kind").order_by("pk")
    )


def within(problem_exclusions: Iterable[engine.Exclusion], *, mentors: Iterable[engine.Mentor],
           learners: Iterable[engine.Learner]) -> tuple[engine.Exclusion, ...]:
    """Only the exclusions whose learner and mentor are both in the problem (see ``exclusions``)."""
    mentor_ids = {m.id for m in mentors}
    learner_ids = {x.id for x in learners}
    return tuple(dict.fromkeys(e for e in problem_exclusions
                               if e.mentor_id in mentor_ids and e.learner_id in learner_ids))


def pools(*, programme: Programme, today: date, site: Site | None = None) -> tuple[list[Volunteer], list[Learner]]:
    """The round's volunteers and learners, with what ``build_problem`` reads and nothing more.

    Every row shares the one ``programme`` object (not a joined copy per row), the learner's
    institution is not joined, and learners with an open match are left out with ``NOT EXISTS``
    (no ``DISTINCT`` over every column): at 10,000s of rows these are most of the loading time."""
    load = open_load(programme)
    volunteers = onboarding_selectors.matchable_volunteers(programme=programme, today=today, load=load)
    open_match = Match.objects.filter(learner=OuterRef("pk"), state__in=OPEN_STATES)
    learners = (intake_selectors.matchable_learners(programme=programme, today=today)
                .select_related(None).select_related("person", "sensitive").filter(~Exists(open_match)))
    if site is not None:
        volunteers = volunteers.filter(person__city__iexact=site.city)
        learners = learners.filter(person__city__iexact=site.city)
    volunteer_rows, learner_rows = list(volunteers), list(learners)
    for volunteer in volunteer_rows:
        volunteer.programme = programme
    for learner in learner_rows:
        learner.programme = programme
    return volunteer_rows, learner_rows


def pool_sizes(*, programme: Programme, today: date) -> tuple[int, int]:
    """How many volunteers and learners ``pools`` would give for the whole programme, counted
    by the database instead of loaded (the matching page shows the numbers, not the rows)."""
    load = open_load(programme)
    volunteers = onboarding_selectors.matchable_volunteers(programme=programme, today=today, load=load)
    open_match = Match.objects.filter(learner=OuterRef("pk"), state__in=OPEN_STATES)
    learners = intake_selectors.matchable_learners(programme=programme, today=today).filter(~Exists(open_match))
    return volunteers.count(), learners.count()


def spare_capacity(volunteer: Volunteer, load: dict[int, int]) -> int:
    return max(0, volunteer.capacity - load.get(volunteer.pk, 0))


def build_problem(
    *, programme: Programme, today: date, volunteers: Sequence[Volunteer], learners: Sequence[Learner],
    criteria: MatchingCriteria | None = None, load: dict[int, int] | None = None,
    extra_exclusions: Iterable[engine.Exclusion] = (),
) -> Built:
    criteria = criteria or criteria_for(programme)
    role_models = bool(programme.requirement("role_model_matching"))
    load = open_load(programme) if load is None else load
    mentors: list[engine.Mentor] = []
    by_volunteer: dict[int, Volunteer] = {}
    fields = vocabulary(programme)
    for volunteer in volunteers:
        capacity = spare_capacity(volunteer, load)
        mentor = to_mentor(volunteer, today=today, capacity=capacity, role_models=role_models) if capacity else None
        if mentor is not None:
            mentors.append(mentor)
            by_volunteer[volunteer.pk] = volunteer
    engine_learners: list[engine.Learner] = []
    by_learner: dict[int, Learner] = {}
    no_location: list[Learner] = []
    for learner in learners:
        item = to_learner(learner, today=today, fields=fields, role_models=role_models)
        if item is None:
            no_location.append(learner)
        else:
            engine_learners.append(item)
            by_learner[learner.pk] = learner
    problem = engine.Problem(
        mentors=tuple(mentors), learners=tuple(engine_learners),
        criteria=engine_criteria(criteria, role_models=role_models),
        exclusions=exclusions(programme, by_learner, by_volunteer)
        + within(extra_exclusions, mentors=mentors, learners=engine_learners),
        as_of=today, fields=field_labels(programme, fields.codes),
    )
    return Built(problem=problem, volunteers=by_volunteer, learners=by_learner, no_location=no_location)


def item_dicts(items: Iterable[engine.ExplanationItem]) -> list[dict[str, object]]:
    return [{"criterion": i.criterion, "points": i.points, "text": i.text, "params": plain(dict(i.params))}
            for i in items]


def plain(value: object) -> object:
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@dataclass
class PairCheck:
    """A scored pair, feasible or not, with the hard limits it breaks."""

    score: float
    items: list[dict[str, object]]
    broken: list[str]


def check_pair(*, programme: Programme, volunteer: Volunteer, learner: Learner, today: date) -> PairCheck:
    """Score one pair with the programme's criteria and name the hard limits it breaks.

    The engine is asked twice on a one-by-one problem: once with the real limits (does the pair
    survive them, and if not which limit removed it) and once without limits (its score and
    explanation either way). A declined pair counts as the "excluded" limit."""
    criteria = criteria_for(programme)
    role_models = bool(programme.requirement("role_model_matching"))
    mentor = to_mentor(volunteer, today=today, capacity=1, role_models=role_models)
    fields = vocabulary(programme)
    pupil = to_learner(learner, today=today, fields=fields, role_models=role_models)
    if mentor is None or pupil is None:
        return PairCheck(score=0.0, items=[], broken=["no_location"])
    crit = engine_criteria(criteria, role_models=role_models)
    excluded = DeclinedPair.objects.filter(learner=learner, volunteer=volunteer).exists()
    strict = engine.Problem(
        mentors=(mentor,), learners=(pupil,), criteria=crit, as_of=today,
        exclusions=(engine.Exclusion(learner_id=pupil.id, mentor_id=mentor.id),) if excluded else (),
        fields=field_labels(programme, mentor.expertise),
    )
    result = engine.solve(strict)
    if result.pairs:
        pair = result.pairs[0]
        return PairCheck(score=pair.score, items=item_dicts(pair.items), broken=[])
    broken = [u.limit or u.reason for u in result.unmatched]
    loose = engine.Problem(
        mentors=(mentor,), learners=(pupil,), as_of=today, fields=strict.fields,
        criteria=engine.Criteria(
            weights=crit.weights, distance_reach_km=crit.distance_reach_km,
            limits=engine.Limits(max_distance_km=None, require_shared_language=False, min_shared_slots=0,
                                 honour_gender_preference=False, max_age_gap=None),
        ),
    )
    loose_result = engine.solve(loose)
    if not loose_result.pairs:
        return PairCheck(score=0.0, items=[], broken=broken)
    pair = loose_result.pairs[0]
    return PairCheck(score=pair.score, items=item_dicts(pair.items), broken=broken)


def offer(pair: engine.MatchedPair) -> dict[str, object]:
    """A next-best mentor as stored on a proposal or offered for a rematch."""
    return {"volunteer": pk_of(pair.mentor_id), "score": round(pair.score, 2), "items": item_dicts(pair.items)}


# Item params that only spell out other params in English (the app renders from the codes).
ENGLISH_PARAMS = {"languages", "slots"}


class ItemsJson:
    """Explanation items as compact JSON text, each distinct item serialised once.

    The engine builds each distinct item (the same shared languages, the same rounded distance)
    once and shares it between pairs, so a round of 10,000s of proposals and alternatives has
    only a few thousand distinct items: their JSON is made once and joined. Alternatives — most
    of a round's bytes — store each item as ``[criterion, points, params]``, without the engine's
    English text and English names (the round page renders them from the codes in the reader's
    language; ``explanations.rows`` reads both forms)."""

    def __init__(self) -> None:
        self._text: dict[tuple[int, bool], str] = {}
        self._items: list[engine.ExplanationItem] = []  # kept alive, so that their ids stay theirs

    def _encode(self, item: engine.ExplanationItem, full: bool) -> str:
        if full:
            return json.dumps(item_dicts([item])[0], separators=(",", ":"))
        params = plain({k: v for k, v in item.params.items() if k not in ENGLISH_PARAMS})
        return json.dumps([item.criterion, item.points, params], separators=(",", ":"))

    def __call__(self, items: Sequence[engine.ExplanationItem], *, full: bool = True) -> str:
        text = self._text
        try:
            return "[" + ",".join([text[id(item), full] for item in items]) + "]"
        except KeyError:
            for item in items:
                if (id(item), full) not in text:
                    self._items.append(item)
                    text[id(item), full] = self._encode(item, full)
            return "[" + ",".join([text[id(item), full] for item in items]) + "]"

    def offers(self, pairs: Iterable[engine.MatchedPair]) -> str:
        """JSON of :func:`offer` for each pair, its items in the compact form."""
        return "[" + ",".join(
            f'{{"volunteer":{pk_of(p.mentor_id)},"score":{json.dumps(round(p.score, 2))},'
            f'"items":{self(p.items, full=False)}}}'
            for p in pairs) + "]"


def top_mentors(problem: engine.Problem, learner: engine.Learner, *, count: int,
                skip: Iterable[str] = ()) -> list[dict[str, object]]:
    """The ``count`` best feasible mentors of ``problem`` for one of its learners, best first.

    One vectorised scoring of the learner against every mentor of the problem (``engine.
    best_mentors``): hard limits and exclusions (declined pairs) apply as in a round."""
    return [offer(pair) for pair in engine.best_mentors(problem, learner.id, count=count, skip=skip,
                                                        validate=False)]


def best_mentors(*, programme: Programme, learner: Learner, today: date, count: int = 5,
                 skip: Iterable[int] = ()) -> list[dict[str, object]]:
    """The best feasible mentors for ``learner`` among the volunteers matchable now."""
    volunteers, _learners = pools(programme=programme, today=today)
    built = build_problem(programme=programme, today=today, volunteers=volunteers, learners=[learner])
    if not built.problem.learners:
        return []
    return top_mentors(built.problem, built.problem.learners[0], count=count,
                       skip=[mentor_id(pk) for pk in skip])
