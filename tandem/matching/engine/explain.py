"""Explanations a coordinator reads, for every pair and every unmatched learner.

Each pair gets one :class:`ExplanationItem` per criterion in use, with the
criterion code, its points, the numbers behind it (``params``) and an English
``text``. All English lives in :data:`TEMPLATES`, so the web app can swap in
translated templates (wrap them in gettext) and re-render from ``params``.

Speed: a national round explains 100,000 pairs. Items that depend only on
codes (shared languages, fields, slots), a rounded distance, an age gap or a
number of days repeat a lot, so each distinct item is built once and shared.
"""

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from .candidates import _ball, _estimated_pairs, _search_radius
from .encode import EncodedProblem, Ints
from .result import ExplanationItem, MatchedPair, UnmatchedLearner
from .scoring import LIMITS, SCALE, pair_terms
from .slots import describe_slots
from .vocab import gender_name, language_name

TEMPLATES: dict[str, str] = {
    "distance": "{km} km apart",
    "language": "both speak {languages}",
    "language.none": "no shared language",
    "expertise.field": "{mentor} ↔ {learner}",
    "expertise.none": "no matching field",
    "availability": "{slots} free",
    "availability.none": "no free time in common",
    "gender": "{gender} mentor, as asked",
    "gender.unmet": "not the {gender} mentor asked for",
    "age": "{years} years apart in age",
    "background": "both {backgrounds}",
    "waiting": "waiting {days} days",
    "reason.no_mentors": "there are no mentors in this round",
    "reason.distance": "no mentor within {km} km",
    "reason.limit": "{subject}, but none {predicate}",
    "reason.taken": (
        "all {count} suitable mentors went to other learners: matching this learner "
        "would leave another learner unmatched or lower the total score"
    ),
    "reason.taken.one": (
        "the one suitable mentor went to another learner: matching this learner "
        "would leave another learner unmatched or lower the total score"
    ),
    # Every suitable mentor is full, but the search stopped before proving the optimum.
    "reason.full": "all {count} suitable mentors are full with other learners",
    "reason.full.one": "the one suitable mentor is full with other learners",
    # A suitable mentor still has a free place: only when a search was stopped early.
    "reason.unplaced": "{count} suitable mentors, {free} with a free place: the search stopped before placing this learner",
    "reason.unplaced.one": "1 suitable mentor, with a free place: the search stopped before placing this learner",
    "subject": "{count} mentors",
    "subject.one": "1 mentor",
    "subject.within": "{count} mentors within {km} km",
    "subject.within.one": "1 mentor within {km} km",
    "qualifier.language": "speak {languages}",
    "qualifier.availability": "share {slots} free slots",
    "qualifier.availability.one": "share a free slot",
    "qualifier.gender": "are {gender}",
    "qualifier.age": "are within {years} years of age",
    "predicate.language": "speaks {languages}",
    "predicate.availability": "shares {slots} free slots with the learner",
    "predicate.availability.one": "shares a free slot with the learner",
    "predicate.gender": "is {gender} as asked",
    "predicate.age": "is within {years} years of age",
    "reason.excluded": "{subject}, but all are excluded for this learner (declined before, did not work out before or a conflict of interest)",
    "reason.excluded.one": "{subject}, but that mentor is excluded for this learner (declined before, did not work out before or a conflict of interest)",
}

Params = Mapping[str, Any]


def template(name: str, count: int | None = None) -> str:
    """The template ``name``, or its ``.one`` form when ``count`` is 1 and there is one."""
    if count == 1 and f"{name}.one" in TEMPLATES:
        return TEMPLATES[f"{name}.one"]
    return TEMPLATES[name]


def _join(words: Sequence[str], conjunction: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {conjunction} " + words[-1]


def _params(**values: Any) -> Params:
    return MappingProxyType(values)


def _item(criterion: str, points: float, template: str, **params: Any) -> ExplanationItem:
    text = TEMPLATES[template].format(**params) if template else ""
    return ExplanationItem(criterion=criterion, points=points, text=text, params=_params(**params))


Words = int | tuple[int, ...]  # a bitset: an int when it fits one word


def _words(value: Words) -> tuple[int, ...]:
    return (value,) if isinstance(value, int) else value


class _PairExplainer:
    """Builds each distinct explanation item once; pairs share them."""

    def __init__(self, enc: EncodedProblem) -> None:
        self.enc = enc
        self.fields = enc.problem.fields

    def language(self, shared: Words, points: float) -> ExplanationItem:
        codes = self.enc.languages.decode(_words(shared))
        if not codes:
            return _item("language", points, "language.none", codes=())
        names = _join([language_name(c) for c in codes])
        return _item("language", points, "language", languages=names, codes=codes)

    def expertise(self, shared: Words, points: float) -> ExplanationItem:
        codes = self.enc.fields.decode(_words(shared))
        if not codes:
            return _item("expertise", points, "expertise.none", fields=())
        parts = []
        for code in codes:
            label = self.fields.get(code)
            mentor, learner = (label.mentor, label.learner) if label else (code, f"needs {code}")
            parts.append(TEMPLATES["expertise.field"].format(mentor=mentor, learner=learner))
        return ExplanationItem(criterion="expertise", points=points, text=", ".join(parts),
                               params=_params(fields=codes))

    def availability(self, shared: int, points: float) -> ExplanationItem:
        if not shared:
            return _item("availability", points, "availability.none", slots=())
        return _item("availability", points, "availability", slots=describe_slots(shared), mask=shared)

    def gender(self, preference: int, points: float) -> ExplanationItem:
        if preference < 0:
            return _item("gender", points, "", preference=None)
        codes = self.enc.genders.codes
        code = codes[preference] if preference < len(codes) else "?"
        return _item("gender", points, "gender" if points > 0 else "gender.unmet",
                     gender=gender_name(code), preference=code)

    def age(self, gap: float, points: float) -> ExplanationItem:
        if gap != gap:  # NaN: an age is unknown
            return _item("age", points, "", years=None)
        return _item("age", points, "age", years=int(gap))

    def background(self, shared: Words, points: float) -> ExplanationItem:
        codes = self.enc.backgrounds.decode(_words(shared))
        if not codes:
            return _item("background", points, "", backgrounds=())
        return _item("background", points, "background", backgrounds=_join(list(codes)), codes=codes)

    def waiting(self, days: int, points: float) -> ExplanationItem:
        if days < 0:
            return _item("waiting", points, "", days=None)
        return _item("waiting", points, "waiting", days=days)

    def distance(self, km: float, points: float) -> ExplanationItem:
        return _item("distance", points, "distance", km=km)


def _column(build: Callable[[Any, float], ExplanationItem], keys: list[Any], points: list[float]) -> list[ExplanationItem]:
    """Items for one criterion; each distinct (key, points) is built once."""
    cache: dict[tuple[Any, float], ExplanationItem] = {}
    out = []
    for pair in zip(keys, points, strict=True):
        item = cache.get(pair)
        if item is None:
            item = cache[pair] = build(*pair)
        out.append(item)
    return out


def _shared_words(left: np.ndarray, right: np.ndarray) -> list[Any]:
    shared = left & right
    if shared.shape[1] == 1:
        return shared[:, 0].tolist()
    return [tuple(row) for row in shared.tolist()]


def explain_pairs(enc: EncodedProblem, learner: Ints, mentor: Ints, score: Ints) -> list[MatchedPair]:
    """One :class:`MatchedPair` per (learner, mentor) row, in the given order."""
    if learner.size == 0:
        return []
    terms = pair_terms(enc, learner, mentor)
    L, M, w = enc.learners, enc.mentors, enc.criteria.weights
    x = _PairExplainer(enc)
    rounded = {name: np.round(values, 2).tolist() for name, values in terms.points.items()}
    columns: list[list[ExplanationItem]] = []
    if w.distance:
        columns.append(_column(x.distance, np.round(terms.km, 1).tolist(), rounded["distance"]))
    if w.language:
        columns.append(_column(x.language, _shared_words(L.languages[learner], M.languages[mentor]), rounded["language"]))
    if w.expertise:
        columns.append(_column(x.expertise, _shared_words(L.needs[learner], M.expertise[mentor]), rounded["expertise"]))
    if w.availability:
        columns.append(_column(x.availability, (L.slots[learner] & M.slots[mentor]).tolist(), rounded["availability"]))
    if w.gender:
        columns.append(_column(x.gender, L.preference[learner].tolist(), rounded["gender"]))
    if w.age:
        columns.append(_column(x.age, terms.gap.tolist(), rounded["age"]))
    if w.background:
        shared = _shared_words(L.background[learner], M.background[mentor])
        columns.append(_column(x.background, shared, rounded["background"]))
    if w.waiting:
        columns.append(_column(x.waiting, L.waiting_days[learner].tolist(), rounded["waiting"]))
    learner_ids = [L.ids[i] for i in learner.tolist()]
    mentor_ids = [M.ids[i] for i in mentor.tolist()]
    scores = (score / SCALE).tolist()
    return [
        MatchedPair(learner_id=lid, mentor_id=mid, score=sc, items=tuple(items))
        for lid, mid, sc, *items in zip(learner_ids, mentor_ids, scores, *columns, strict=True)
    ]


def _limit_phrases(enc: EncodedProblem, row: int) -> dict[str, dict[str, Any]]:
    """Per limit, the parameters that describe it for one learner."""
    L, limits = enc.learners, enc.criteria.limits
    languages = enc.languages.decode(L.languages[row])
    preference = int(L.preference[row])
    codes = enc.genders.codes
    gender = gender_name(codes[preference]) if 0 <= preference < len(codes) else "of the gender asked for"
    return {
        "language": {"languages": _join([language_name(c) for c in languages], "or") or "a language the learner speaks"},
        "availability": {"slots": limits.min_shared_slots},
        "gender": {"gender": gender},
        "age": {"years": limits.max_age_gap},
        "excluded": {},
    }


def _reason(enc: EncodedProblem, row: int, survivors: list[int], free: int = 0, proved: bool = True) -> UnmatchedLearner:
    """Name the hard limit that removed the last mentors, or say they were taken.

    "Taken" (matching this learner would cost another learner or score) is
    said only when every suitable mentor is full and the optimum is proved;
    full mentors without a proof are "full", and a suitable mentor with a free
    place is never hidden ("unplaced").
    """
    learner_id = enc.learners.ids[row]
    km = enc.criteria.limits.max_distance_km
    if survivors[-1] > 0:
        count = survivors[-1]
        if free:
            params = _params(count=count, free=free)
            return UnmatchedLearner(learner_id=learner_id, reason="unplaced", limit=None,
                                    text=template("reason.unplaced", count).format(**params), params=params)
        code = "taken" if proved else "full"
        params = _params(count=count)
        return UnmatchedLearner(learner_id=learner_id, reason=code, limit=None,
                                text=template(f"reason.{code}", count).format(**params), params=params)
    if len(enc.mentors) == 0:
        return UnmatchedLearner(learner_id=learner_id, reason="no_mentors", limit=None,
                                text=TEMPLATES["reason.no_mentors"], params=_params())
    if survivors[0] == 0:
        params = _params(km=km)
        return UnmatchedLearner(learner_id=learner_id, reason="limit", limit="distance",
                                text=TEMPLATES["reason.distance"].format(km=f"{km:g}"), params=params)
    phrases = _limit_phrases(enc, row)
    failed = next(i for i, count in enumerate(survivors) if count == 0)
    limit = LIMITS[failed]
    count = survivors[failed - 1]
    subject = (template("subject.within", count).format(count=count, km=f"{km:g}") if km is not None
               else template("subject", count).format(count=count))
    slots = enc.criteria.limits.min_shared_slots
    # The limits that were passed before the failing one describe the mentors left.
    passed = [
        template(f"qualifier.{name}", slots if name == "availability" else None).format(**phrases[name])
        for name, before, now in zip(LIMITS[1:failed], survivors[:failed - 1], survivors[1:failed], strict=True)
        if before != now
    ]
    if passed:
        subject = f"{subject} {_join(passed)}"
    if limit == "excluded":
        text = template("reason.excluded", count).format(subject=subject)
    else:
        predicate = template(f"predicate.{limit}", slots if limit == "availability" else None).format(**phrases[limit])
        text = TEMPLATES["reason.limit"].format(subject=subject, predicate=predicate)
    params = _params(limit=limit, count=count, km=km, **phrases[limit])
    return UnmatchedLearner(learner_id=learner_id, reason="limit", limit=limit,
                            text=text,
                            params=params)


def explain_unmatched(enc: EncodedProblem, rows: Ints, *, load: Ints | None = None, proved: bool = True,
                      pairs_per_batch: int = 1_000_000) -> list[UnmatchedLearner]:
    """Reasons for unmatched learners, from every mentor in range, limit by limit.

    ``load`` (learners per mentor in the final solution) lets every "taken"
    be checked: a suitable mentor with a free place is reported, not hidden.
    """
    if rows.size == 0:
        return []
    room = enc.mentors.capacity - (np.zeros(len(enc.mentors), dtype=np.int64) if load is None else load)
    if len(enc.mentors) == 0:
        return [_reason(enc, int(row), [0] * len(LIMITS)) for row in rows.tolist()]
    tree = cKDTree(enc.mentors.xyz)
    radius = _search_radius(enc)
    in_range = _estimated_pairs(tree, enc.learners.xyz[rows], radius) / rows.size
    batch = max(1, min(256, int(pairs_per_batch / max(in_range, 1.0))))
    reasons: list[UnmatchedLearner] = []
    for start in range(0, rows.size, batch):
        part = rows[start : start + batch]
        local, mentor = _ball(tree, enc.learners.xyz[part], radius)
        terms = pair_terms(enc, part[local], mentor)
        alive = terms.passes["distance"].copy()
        counts = [np.bincount(local[alive], minlength=part.size)]
        for name in LIMITS[1:]:
            alive &= terms.passes[name]
            counts.append(np.bincount(local[alive], minlength=part.size))
        table = np.stack(counts, axis=1).tolist()
        free = np.bincount(local[alive & (room[mentor] > 0)], minlength=part.size).tolist() if load is not None \
            else [0] * part.size
        reasons.extend(_reason(enc, int(row), survivors, spare, proved)
                       for row, survivors, spare in zip(part.tolist(), table, free, strict=True))
    return reasons
