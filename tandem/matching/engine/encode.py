"""Turn a :class:`Problem` into flat numpy arrays the vectorised code works on.

Sets of codes (languages, fields, backgrounds) become bitsets of shape
``(n, words)`` of ``uint64``: one word holds 64 codes, which covers every real
programme, and more words are used when a vocabulary is larger. Learners and
mentors are put in id order here, so that every later step — candidate
generation, the solver's arc order, tie-breaking — follows ids, and the same
input in any order gives the same result.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from .geo import unit_vectors
from .model import Criteria, Learner, Mentor, Problem
from .slots import slot_mask

_WORD_MASK = (1 << 64) - 1

Bits = NDArray[np.uint64]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    codes: tuple[str, ...]

    @property
    def words(self) -> int:
        return max(1, -(-len(self.codes) // 64))

    def decode(self, row: Sequence[int] | NDArray[np.uint64]) -> tuple[str, ...]:
        """Codes set in one bitset row (one uint64 per word)."""
        found: list[str] = []
        for word_index, word in enumerate(row):
            value = int(word)
            while value:
                low = value & -value
                found.append(self.codes[word_index * 64 + low.bit_length() - 1])
                value ^= low
        return tuple(found)


@dataclass(frozen=True, slots=True, kw_only=True)
class LearnerArrays:
    ids: tuple[str, ...]
    xyz: Floats
    # The same coordinates as three contiguous rows: faster to gather from.
    axes: Floats
    languages: Bits
    language_count: Ints
    needs: Bits
    need_count: Ints
    slots: NDArray[np.uint64]
    # Index into the gender vocabulary, -1 for "no preference".
    preference: NDArray[np.int64]
    age: Floats  # NaN when unknown
    background: Bits
    waiting_days: Ints  # -1 when unknown
    # Waiting-priority points, the same for every pair of the learner.
    waiting_points: Floats

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class MentorArrays:
    ids: tuple[str, ...]
    xyz: Floats
    axes: Floats
    languages: Bits
    expertise: Bits
    slots: NDArray[np.uint64]
    gender: NDArray[np.int64]  # -1 when not given
    age: Floats
    background: Bits
    capacity: Ints

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True, slots=True, kw_only=True)
class EncodedProblem:
    problem: Problem
    criteria: Criteria
    learners: LearnerArrays
    mentors: MentorArrays
    # Position in problem.learners / problem.mentors of each encoded row.
    learner_order: Ints
    mentor_order: Ints
    languages: Vocabulary
    fields: Vocabulary
    backgrounds: Vocabulary
    genders: Vocabulary
    # Excluded pairs as sorted keys learner * n_mentors + mentor, and which
    # learners have any (so that most pairs skip the lookup).
    excluded: Ints
    has_exclusion: NDArray[np.bool_]
    as_of: date | None


@dataclass(frozen=True, slots=True)
class _Column:
    """A column of code tuples as distinct tuples plus, per row, which one it is.

    Lists repeat a lot ("nl", "en"): each row is hashed once, here, and all
    later work is per distinct tuple or a numpy gather.
    """

    distinct: list[tuple[str, ...]]
    rows: Ints

    @classmethod
    def of(cls, values: Iterable[tuple[str, ...]]) -> "_Column":
        seen: dict[tuple[str, ...], int] = {}
        rows = [seen.setdefault(value, len(seen)) for value in values]
        return cls(list(seen), np.asarray(rows, dtype=np.int64))


def _vocabulary(*columns: _Column) -> Vocabulary:
    codes: set[str] = set()
    for column in columns:
        codes.update(*column.distinct)
    return Vocabulary(tuple(sorted(codes)))


def _bitsets(column: _Column, vocabulary: Vocabulary) -> Bits:
    """One bitset row per entity; each distinct tuple is encoded once."""
    index = {code: i for i, code in enumerate(vocabulary.codes)}
    masks = [sum(1 << index[code] for code in set(value)) for value in column.distinct]
    table = np.zeros((len(masks), vocabulary.words), dtype=np.uint64)
    for word in range(vocabulary.words):
        table[:, word] = [(m >> (64 * word)) & _WORD_MASK for m in masks]
    return table[column.rows]


def popcount(bits: Bits) -> Ints:
    """Number of set bits per row of a ``(n, words)`` bitset."""
    return np.bitwise_count(bits).sum(axis=-1, dtype=np.int64)


def _slot_masks(column: _Column) -> NDArray[np.uint64]:
    table = np.array([slot_mask(value) for value in column.distinct], dtype=np.uint64)
    return table[column.rows] if column.rows.size else np.zeros(0, dtype=np.uint64)


def _codes(values: Sequence[str | None], vocabulary: Vocabulary) -> NDArray[np.int64]:
    index = {code: i for i, code in enumerate(vocabulary.codes)}
    return np.fromiter(
        (-1 if v is None else index.get(v, len(index)) for v in values),
        dtype=np.int64,
        count=len(values),
    )


def _ages(values: Sequence[int | None]) -> Floats:
    return np.fromiter(
        (np.nan if v is None else float(v) for v in values), dtype=np.float64, count=len(values)
    )


def _xyz(people: Sequence[Learner] | Sequence[Mentor]) -> Floats:
    lat = np.fromiter((p.latitude for p in people), dtype=np.float64, count=len(people))
    lon = np.fromiter((p.longitude for p in people), dtype=np.float64, count=len(people))
    return unit_vectors(lat, lon)


def round_date(problem: Problem) -> date | None:
    """The date waiting time is counted to: the problem's, else the latest sign-up."""
    if problem.as_of is not None:
        return problem.as_of
    dates = [lrn.waiting_since for lrn in problem.learners if lrn.waiting_since is not None]
    return max(dates) if dates else None


def _waiting_days(learners: Sequence[Learner], as_of: date | None) -> Ints:
    if as_of is None:
        return np.full(len(learners), -1, dtype=np.int64)
    return np.fromiter(
        (-1 if lrn.waiting_since is None else max(0, (as_of - lrn.waiting_since).days) for lrn in learners),
        dtype=np.int64,
        count=len(learners),
    )


def _waiting_points(days: Ints, criteria: Criteria) -> Floats:
    share = np.clip(days / max(criteria.waiting_horizon_days, 1), 0.0, 1.0)
    return np.where(days < 0, 0.0, share * criteria.weights.waiting)


def _id_order(ids: Sequence[str]) -> Ints:
    return np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)


def encode(problem: Problem) -> EncodedProblem:
    """Arrays for a validated problem (see :func:`.validate.check_problem`)."""
    learner_order = _id_order([lrn.id for lrn in problem.learners])
    mentor_order = _id_order([m.id for m in problem.mentors])
    learners = [problem.learners[i] for i in learner_order]
    mentors = [problem.mentors[i] for i in mentor_order]

    learner_cols = {name: _Column.of([getattr(lrn, name) for lrn in learners])
                    for name in ("languages", "needs", "availability", "background")}
    mentor_cols = {name: _Column.of([getattr(m, name) for m in mentors])
                   for name in ("languages", "expertise", "availability", "background")}
    languages = _vocabulary(learner_cols["languages"], mentor_cols["languages"])
    fields = _vocabulary(learner_cols["needs"], mentor_cols["expertise"])
    backgrounds = _vocabulary(learner_cols["background"], mentor_cols["background"])
    genders = Vocabulary(tuple(sorted(
        {m.gender for m in mentors if m.gender is not None}
        | {lrn.gender_preference for lrn in learners if lrn.gender_preference is not None}
    )))
    as_of = round_date(problem)

    learner_xyz, mentor_xyz = _xyz(learners), _xyz(mentors)
    learner_languages = _bitsets(learner_cols["languages"], languages)
    needs = _bitsets(learner_cols["needs"], fields)
    waiting_days = _waiting_days(learners, as_of)
    learner_arrays = LearnerArrays(
        ids=tuple(lrn.id for lrn in learners),
        xyz=learner_xyz,
        axes=np.ascontiguousarray(learner_xyz.T),
        languages=learner_languages,
        language_count=popcount(learner_languages),
        needs=needs,
        need_count=popcount(needs),
        slots=_slot_masks(learner_cols["availability"]),
        preference=_codes([lrn.gender_preference for lrn in learners], genders),
        age=_ages([lrn.age for lrn in learners]),
        background=_bitsets(learner_cols["background"], backgrounds),
        waiting_days=waiting_days,
        waiting_points=_waiting_points(waiting_days, problem.criteria),
    )
    mentor_arrays = MentorArrays(
        ids=tuple(m.id for m in mentors),
        xyz=mentor_xyz,
        axes=np.ascontiguousarray(mentor_xyz.T),
        languages=_bitsets(mentor_cols["languages"], languages),
        expertise=_bitsets(mentor_cols["expertise"], fields),
        slots=_slot_masks(mentor_cols["availability"]),
        gender=_codes([m.gender for m in mentors], genders),
        age=_ages([m.age for m in mentors]),
        background=_bitsets(mentor_cols["background"], backgrounds),
        capacity=np.fromiter((m.capacity for m in mentors), dtype=np.int64, count=len(mentors)),
    )
    excluded = _excluded_keys(problem, learner_arrays.ids, mentor_arrays.ids)
    return EncodedProblem(
        problem=problem,
        criteria=problem.criteria,
        learners=learner_arrays,
        mentors=mentor_arrays,
        learner_order=learner_order,
        mentor_order=mentor_order,
        languages=languages,
        fields=fields,
        backgrounds=backgrounds,
        genders=genders,
        excluded=excluded,
        has_exclusion=np.bincount(excluded // max(len(mentors), 1), minlength=len(learners)) > 0,
        as_of=as_of,
    )


def _excluded_keys(problem: Problem, learner_ids: Sequence[str], mentor_ids: Sequence[str]) -> Ints:
    learner_index = {lid: i for i, lid in enumerate(learner_ids)}
    mentor_index = {mid: i for i, mid in enumerate(mentor_ids)}
    n_mentors = len(mentor_ids)
    keys = {
        learner_index[e.learner_id] * n_mentors + mentor_index[e.mentor_id]
        for e in problem.exclusions
    }
    return np.asarray(sorted(keys), dtype=np.int64)
