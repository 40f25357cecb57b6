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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, models
from django.db.models import Count, Exists, OuterRef, QuerySet

from tandem.core.fields import REASON_FIELDS, Vocabulary, vocabulary
from tandem.core.models import Programme, Site
from tandem.core.places import geocode, geocode_many
from tandem.intake import selectors as intake_selectors
from tandem.intake.models import Learner
from tandem.matching import engine, selectors
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
    return {row["volunteer_id"]: row["n"] for row in _open_load_rows(programme)}


def learner_needs(learner: Learner, fields: Vocabulary) -> tuple[str, ...]:
    return needs_of({"needs": learner.needs, "reasons": learner.reasons, "mentor_wishes": learner.mentor_wishes},
                    fields)


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


# The columns a round reads (``values()`` rows, not model instances: a round needs a dozen
# columns of a few thousand rows, and building instances cost more than the engine on small rounds).
VOLUNTEER_COLUMNS = ("pk", "state", "capacity", "latitude", "longitude", "languages", "expertise", "availability",
                     "gender", "person__date_of_birth", "person__postcode", "person__city")
LEARNER_COLUMNS = ("pk", "latitude", "longitude", "languages", "needs", "reasons", "mentor_wishes", "availability",
                   "gender_preference", "waiting_since", "person__date_of_birth", "person__postcode",
                   "person__city", "sensitive__consent", "sensitive__migration_background")
Row = dict[str, Any]
Point = tuple[float, float]


def _point(row: Row) -> Point | None:
    # Coordinates out of range (a bad import) count as unknown: the city is tried instead.
    latitude, longitude = row["latitude"], row["longitude"]
    if latitude is not None and longitude is not None and math.isfinite(latitude) and math.isfinite(longitude) \
            and abs(latitude) <= 90 and abs(longitude) <= 180:
        return latitude, longitude
    return None


def _address(row: Row) -> tuple[str, str]:
    return row["person__postcode"] or "", row["person__city"] or ""


class Places:
    """Where each row is: its own point, else its address placed by ``geocode`` — for all the
    rows without a point at once (``geocode_many``: a constant number of queries)."""

    def __init__(self, programme: Programme, rows: Iterable[Row] = ()) -> None:
        self.programme = programme
        self.found = geocode_many([_address(row) for row in rows if _point(row) is None], programme=programme)

    def __call__(self, row: Row) -> Point | None:
        point = _point(row)
        if point is not None:
            return point
        address = _address(row)
        if address not in self.found:
            self.found[address] = geocode(postcode=address[0], city=address[1], programme=self.programme)
        return self.found[address]


def _home_languages(languages: Sequence[str], common: frozenset[str]) -> tuple[str, ...]:
    return tuple(f"lang:{code}" for code in languages if code not in common)


def volunteer_row(volunteer: Volunteer) -> Row:
    """A volunteer instance as the row ``pool_rows`` reads."""
    person = volunteer.person
    return {"pk": volunteer.pk, "state": volunteer.state, "capacity": volunteer.capacity,
            "latitude": volunteer.latitude, "longitude": volunteer.longitude, "languages": volunteer.languages,
            "expertise": volunteer.expertise, "availability": volunteer.availability, "gender": volunteer.gender,
            "person__date_of_birth": person.date_of_birth, "person__postcode": person.postcode,
            "person__city": person.city}


def learner_row(learner: Learner) -> Row:
    """A learner instance as the row ``pool_rows`` reads."""
    person = learner.person
    profile = getattr(learner, "sensitive", None)
    return {"pk": learner.pk, "latitude": learner.latitude, "longitude": learner.longitude,
            "languages": learner.languages, "needs": learner.needs, "reasons": learner.reasons,
            "mentor_wishes": learner.mentor_wishes, "availability": learner.availability,
            "gender_preference": learner.gender_preference, "waiting_since": learner.waiting_since,
            "person__date_of_birth": person.date_of_birth, "person__postcode": person.postcode,
            "person__city": person.city, "sensitive__consent": profile.consent if profile else None,
            "sensitive__migration_background": profile.migration_background if profile else None}


class Convert:
    """Rows → engine mentors and learners, with what every row of one problem shares read once."""

    def __init__(self, programme: Programme, *, today: date, rows: Iterable[Row] = ()) -> None:
        self.today = today
        self.role_models = bool(programme.requirement("role_model_matching"))
        self.common = frozenset(programme.languages or [])
        self.fields = vocabulary(programme)
        self.place = Places(programme, rows)

    def mentor(self, row: Row, *, capacity: int) -> engine.Mentor | None:
        place = self.place(row)
        if place is None:
            return None
        languages = row["languages"] or ()
        return engine.Mentor(
            id=mentor_id(row["pk"]), latitude=place[0], longitude=place[1], languages=tuple(languages),
            expertise=tuple(dict.fromkeys(row["expertise"] or ())),
            availability=_slots(row["availability"]), capacity=max(1, capacity),
            gender=row["gender"] or None, age=_age(row["person__date_of_birth"], self.today),
            background=_home_languages(languages, self.common) if self.role_models else (),
        )

    def learner(self, row: Row) -> engine.Learner | None:
        place = self.place(row)
        if place is None:
            return None
        preference = row["gender_preference"] if row["gender_preference"] in ("female", "male") else None
        # Special-category data: only with the recorded consent, only inside the engine input.
        background = (_home_languages(row["languages"] or (), self.common)
                      if self.role_models and row["sensitive__consent"] and row["sensitive__migration_background"]
                      else ())
        return engine.Learner(
            id=learner_id(row["pk"]), latitude=place[0], longitude=place[1],
            languages=tuple(row["languages"] or ()), needs=needs_of(row, self.fields),
            availability=_slots(row["availability"]), gender_preference=preference,
            age=_age(row["person__date_of_birth"], self.today), waiting_since=row["waiting_since"],
            background=background,
        )


def needs_of(row: Row, fields: Vocabulary) -> tuple[str, ...]:
    needs: list[str] = list(row["needs"] or [])
    for reason in row["reasons"] or []:
        needs.extend(NEED_FIELDS.get(reason, ()))
    needs.extend(fields.find_in_text(row["mentor_wishes"] or ""))
    return tuple(code for code in dict.fromkeys(needs) if code in fields.by_code)


def to_mentor(volunteer: Volunteer, *, today: date, capacity: int, role_models: bool) -> engine.Mentor | None:
    row = volunteer_row(volunteer)
    convert = Convert(volunteer.programme, today=today, rows=[row])
    convert.role_models = role_models
    return convert.mentor(row, capacity=capacity)


def to_learner(learner: Learner, *, today: date, fields: Vocabulary, role_models: bool) -> engine.Learner | None:
    row = learner_row(learner)
    convert = Convert(learner.programme, today=today, rows=[row])
    convert.role_models, convert.fields = role_models, fields
    return convert.learner(row)


@dataclass
class Built:
    problem: engine.Problem
    volunteers: dict[int, Row]
    learners: dict[int, Row]
    no_location: list[int] = field(default_factory=list)  # learners' pks


def exclusions(programme: Programme, learner_pks: Collection[int], volunteer_pks: Collection[int],
               declined: Iterable[tuple[int, int, str]] | None = None) -> tuple[engine.Exclusion, ...]:
    """The declined pairs and conflicts of interest *between people of this problem*.

    The engine refuses an exclusion that names someone outside its problem, and a pair whose
    mentor is full, paused or not ready yet is simply not in this round: such a pair is left
    out here (it cannot be proposed anyway), so it never makes a round fail. The programme's
    pairs are read in one query and kept here (not thousands of ids sent to the database)."""
    rows = declined if declined is not None else _declined_rows(programme).values_list(
        "learner_id", "volunteer_id", "kind")
    return tuple(
        engine.Exclusion(learner_id=learner_id(learner_pk), mentor_id=mentor_id(volunteer_pk), reason=kind)
        for learner_pk, volunteer_pk, kind in rows if learner_pk in learner_pks and volunteer_pk in volunteer_pks
    )


def within(problem_exclusions: Iterable[engine.Exclusion], *, mentors: Iterable[engine.Mentor],
           learners: Iterable[engine.Learner]) -> tuple[engine.Exclusion, ...]:
    """Only the exclusions whose learner and mentor are both in the problem (see ``exclusions``)."""
    mentor_ids = {m.id for m in mentors}
    learner_ids = {x.id for x in learners}
    return tuple(dict.fromkeys(e for e in problem_exclusions
                               if e.mentor_id in mentor_ids and e.learner_id in learner_ids))


@dataclass
class Pools:
    """A round's volunteers and learners as ``values()`` rows, and the volunteers' open matches."""

    volunteers: list[Row]
    learners: list[Row]
    load: dict[int, int]
    declined: list[tuple[int, int, str]] | None = None  # (learner, volunteer, kind); None: not read yet
    criteria: MatchingCriteria | None = None  # the programme's, when it has them (else: made when built)


def _open_load_rows(programme: Programme) -> QuerySet[Any, Any]:
    return (Match.objects.filter(programme=programme, state__in=OPEN_STATES).order_by()
            .values("volunteer_id").annotate(n=Count("id")))


def _declined_rows(programme: Programme) -> QuerySet[Any, Any]:
    return DeclinedPair.objects.filter(programme=programme).order_by("pk").values("learner_id", "volunteer_id", "kind")


def pool_rows(*, programme: Programme, today: date, site: Site | None = None) -> Pools:
    """The rows of ``pools`` — the same people, in the same order — as ``VOLUNTEER_COLUMNS`` and
    ``LEARNER_COLUMNS`` rows, with the open matches per volunteer and the programme's declined
    pairs and the programme's matching criteria: in one query on PostgreSQL whatever the number
    of people (see ``_fetch``), five elsewhere."""
    volunteers = onboarding_selectors.volunteers_to_match(programme=programme, today=today)
    open_match = Match.objects.filter(learner=OuterRef("pk"), state__in=OPEN_STATES)
    learners = (intake_selectors.matchable_learners(programme=programme, today=today)
                .select_related(None).filter(~Exists(open_match)))
    if site is not None:
        volunteers = volunteers.filter(person__city__iexact=site.city)
        learners = learners.filter(person__city__iexact=site.city)
    criteria_columns = [f.attname for f in MatchingCriteria._meta.concrete_fields
                        if not isinstance(f, models.DateField)]  # (DateTimeField too) not read here
    volunteer_rows, learner_rows, load_rows, declined, criteria = _fetch(
        volunteers.values(*VOLUNTEER_COLUMNS), learners.values(*LEARNER_COLUMNS), _open_load_rows(programme),
        _declined_rows(programme), MatchingCriteria.objects.filter(programme=programme).values(*criteria_columns))
    load = {row["volunteer_id"]: row["n"] for row in load_rows}
    room = onboarding_selectors.may_be_matched
    as_date = date.fromisoformat
    for row in volunteer_rows:
        if isinstance(row["person__date_of_birth"], str):
            row["person__date_of_birth"] = as_date(row["person__date_of_birth"])
    for row in learner_rows:
        for name in ("person__date_of_birth", "waiting_since"):
            if isinstance(row[name], str):
                row[name] = as_date(row[name])
    return Pools(volunteers=[row for row in volunteer_rows
                             if room(pk=row["pk"], state=row["state"], capacity=row["capacity"], load=load)],
                 learners=learner_rows, load=load,
                 declined=[(row["learner_id"], row["volunteer_id"], row["kind"]) for row in declined],
                 criteria=MatchingCriteria(**criteria[0]) if criteria else None)


def _fetch(*querysets: QuerySet[Any, Row]) -> list[list[Row]]:
    """The ``values()`` rows of each queryset. On PostgreSQL all of them in one query, each as
    one JSON document (``json_agg``) decoded by one ``json.loads``: on a small round the round
    trips and Django's per-row, per-column conversions cost more than the queries themselves.
    Rows stay in each queryset's order (the aggregate reads its sorted subquery in order). What
    JSON changes is put back by the caller (dates come as text); a coordinate that is not a
    number (NaN, from a bad import) becomes None, as unknown."""
    if connection.vendor != "postgresql":
        return [list(queryset) for queryset in querysets]
    parts: list[str] = []
    params: list[Any] = []
    for queryset in querysets:
        sql, these = queryset.query.sql_with_params()
        parts.append(f"(SELECT COALESCE(json_agg(part), '[]') FROM ({sql}) part)")
        params.extend(these)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT json_build_array({', '.join(parts)})::text", params)
        found: list[list[Row]] = json.loads(cursor.fetchone()[0])
    for rows in found:
        for row in rows:
            for name in ("latitude", "longitude"):
                if name in row and not isinstance(row[name], int | float):
                    row[name] = None
    return found


def pools(*, programme: Programme, today: date, site: Site | None = None) -> tuple[list[Volunteer], list[Learner]]:
    """The round's volunteers and learners as model instances, with what ``build_problem`` reads.

    Every row shares the one ``programme`` object (not a joined copy per row), the learner's
    institution is not joined, and learners with an open match are left out with ``NOT EXISTS``
    (no ``DISTINCT`` over every column). The round itself reads ``pool_rows``."""
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
    """The engine's problem for these volunteer and learner instances (see ``build_rows``)."""
    return build_rows(programme=programme, today=today, criteria=criteria, extra_exclusions=extra_exclusions,
                      pools=Pools(volunteers=[volunteer_row(v) for v in volunteers],
                                  learners=[learner_row(x) for x in learners],
                                  load=open_load(programme) if load is None else load))


def build_rows(*, programme: Programme, today: date, pools: Pools, criteria: MatchingCriteria | None = None,
               extra_exclusions: Iterable[engine.Exclusion] = ()) -> Built:
    """The engine's problem for a round's rows: one pass over the rows, no query per row (the
    criteria, the declined pairs and — only for people without a point — their places, read
    once each)."""
    criteria = criteria or pools.criteria or criteria_for(programme)
    convert = Convert(programme, today=today, rows=[*pools.volunteers, *pools.learners])
    load = pools.load
    mentors: list[engine.Mentor] = []
    by_volunteer: dict[int, Row] = {}
    for row in pools.volunteers:
        capacity = max(0, row["capacity"] - load.get(row["pk"], 0))
        mentor = convert.mentor(row, capacity=capacity) if capacity else None
        if mentor is not None:
            mentors.append(mentor)
            by_volunteer[row["pk"]] = row
    engine_learners: list[engine.Learner] = []
    by_learner: dict[int, Row] = {}
    no_location: list[int] = []
    for row in pools.learners:
        item = convert.learner(row)
        if item is None:
            no_location.append(row["pk"])
        else:
            engine_learners.append(item)
            by_learner[row["pk"]] = row
    problem = engine.Problem(
        mentors=tuple(mentors), learners=tuple(engine_learners),
        criteria=engine_criteria(criteria, role_models=convert.role_models),
        exclusions=exclusions(programme, by_learner.keys(), by_volunteer.keys(), pools.declined)
        + within(extra_exclusions, mentors=mentors, learners=engine_learners),
        as_of=today, fields=field_labels(programme, convert.fields.codes),
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
    excluded = selectors.pair_never_proposed(programme_id=programme.pk, learner_id=learner.pk,
                                             volunteer_id=volunteer.pk)
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


_JSON = json.JSONEncoder(separators=(",", ":"))


class ItemsJson:
    """Explanation items as compact JSON text, each distinct item serialised once.

    The engine builds each distinct item (the same shared languages, the same rounded distance)
    once and shares it between pairs, so a round of 10,000s of proposals and alternatives has
    only a few thousand distinct items: their JSON is made once and joined. Alternatives — most
    of a round's bytes — store each item as ``[criterion, points, params]``, without the engine's
    English text and English names (the round page renders them from the codes in the reader's
    language; ``explanations.rows`` reads both forms)."""

    def __init__(self) -> None:
        self._full: dict[int, str] = {}
        self._short: dict[int, str] = {}
        self._items: list[engine.ExplanationItem] = []  # kept alive, so that their ids stay theirs

    def _encode(self, item: engine.ExplanationItem, full: bool) -> str:
        self._items.append(item)
        if full:
            text = _JSON.encode({"criterion": item.criterion, "points": item.points, "text": item.text,
                                 "params": plain(dict(item.params))})
            self._full[id(item)] = text
        else:
            params = plain({k: v for k, v in item.params.items() if k not in ENGLISH_PARAMS})
            text = _JSON.encode([item.criterion, item.points, params])
            self._short[id(item)] = text
        return text

    def __call__(self, items: Sequence[engine.ExplanationItem], *, full: bool = True) -> str:
        known = self._full if full else self._short
        parts = []
        for item in items:
            text = known.get(id(item))
            parts.append(self._encode(item, full) if text is None else text)
        return "[" + ",".join(parts) + "]"

    def offers(self, pairs: Iterable[engine.MatchedPair]) -> str:
        """JSON of :func:`offer` for each pair, its items in the compact form."""
        # A finite float's repr is its JSON (scores are finite: the engine checks its input).
        return "[" + ",".join(
            f'{{"volunteer":{pk_of(p.mentor_id)},"score":{round(p.score, 2)!r},"items":{self(p.items, full=False)}}}'
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
