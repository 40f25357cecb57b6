"""JSON in and out: the problem file ``tandem-match solve`` reads and the result it writes.

Reading is strict — an unknown field is a typo until proven otherwise — and
every error names the item: ``mentors[3] (mentor 'M4'): unknown field
'lattitude'``, ``learners[0].languages (learner 'L1'): expected a list of
strings, got int``. Meaning (ids twice, capacities, slot codes) is checked
afterwards by :mod:`.validate`.
"""

import dataclasses
import json
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from .errors import ProblemError
from .model import (
    Criteria,
    Edge,
    Exclusion,
    FieldLabel,
    Learner,
    Limits,
    Mentor,
    PairsProblem,
    Problem,
    Weights,
)
from .result import Result
from .validate import check_pairs_problem, check_problem

Parser = Callable[[Any], Any]


class _Bad(Exception):
    """A value of the wrong type; the caller adds the path (built only on failure)."""

    def __init__(self, expected: str, value: Any) -> None:
        super().__init__(expected)
        self.expected = expected
        self.value = value


def _type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _fail(path: str, expected: str, value: Any) -> ProblemError:
    return ProblemError(f"{path}: expected {expected}, got {_type_name(value)}")


def _string(value: Any) -> str:
    if type(value) is not str:
        raise _Bad("a string", value)
    return value


def _number(value: Any) -> float:
    kind = type(value)
    if kind is float or kind is int:
        return float(value)
    raise _Bad("a number", value)


def _integer(value: Any) -> int:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise _Bad("a whole number", value)


def _boolean(value: Any) -> bool:
    if type(value) is not bool:
        raise _Bad("true or false", value)
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if type(value) is list:
        try:
            "".join(value)  # C-speed check that every item is a string
            return tuple(value)
        except TypeError:
            pass
    bad = next((v for v in value if type(v) is not str), value) if type(value) is list else value
    raise _Bad("a list of strings", bad)


def _date(value: Any) -> date:
    text = _string(value)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _Bad("a date like 2026-09-01", text) from None


def _optional(parse: Parser) -> Parser:
    def parse_optional(value: Any) -> Any:
        return None if value is None else parse(value)

    return parse_optional


def _parse(path: str, parse: Parser, value: Any) -> Any:
    try:
        return parse(value)
    except _Bad as bad:
        got = f"'{bad.value}'" if bad.expected.startswith("a date") else _type_name(bad.value)
        raise ProblemError(f"{path}: expected {bad.expected}, got {got}") from None


MENTOR_FIELDS: dict[str, Parser] = {
    "id": _string, "latitude": _number, "longitude": _number, "languages": _strings,
    "expertise": _strings, "availability": _strings, "capacity": _integer,
    "gender": _optional(_string), "age": _optional(_integer), "background": _strings,
}
LEARNER_FIELDS: dict[str, Parser] = {
    "id": _string, "latitude": _number, "longitude": _number, "languages": _strings,
    "needs": _strings, "availability": _strings, "gender_preference": _optional(_string),
    "age": _optional(_integer), "waiting_since": _optional(_date), "background": _strings,
}
REQUIRED = ("id", "latitude", "longitude")
WEIGHT_FIELDS: dict[str, Parser] = dict.fromkeys(Weights.__slots__, _number)
LIMIT_FIELDS: dict[str, Parser] = {
    "max_distance_km": _optional(_number), "require_shared_language": _boolean,
    "min_shared_slots": _integer, "honour_gender_preference": _boolean, "max_age_gap": _optional(_integer),
}
CRITERIA_FIELDS: dict[str, Parser] = {
    "distance_reach_km": _number, "availability_target_slots": _integer,
    "age_gap_reach": _number, "waiting_horizon_days": _integer,
}


def _record(path: str, value: Any, fields: Mapping[str, Parser], label: str = "",
            required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parse one JSON object against its field table."""
    if type(value) is not dict:
        raise _fail(path, "an object", value)
    keys = value.keys()
    if not keys <= fields.keys() or not keys >= set(required):
        where = f"{path} ({label})" if label else path
        for key in value:
            if key not in fields:
                raise ProblemError(f"{where}: unknown field '{key}'")
        missing = next(key for key in required if key not in value)
        raise ProblemError(f"{where}: missing field '{missing}'")
    try:
        return {key: fields[key](item) for key, item in value.items()}
    except _Bad:
        # Find the field again, now spending time on a helpful path.
        suffix = f" ({label})" if label else ""
        return {key: _parse(f"{path}.{key}{suffix}", fields[key], item) for key, item in value.items()}


def _people[T](data: dict[str, Any], key: str, kind: str, fields: Mapping[str, Parser], build: Callable[..., T]) -> tuple[T, ...]:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise _fail(key, "a list", items)
    people = []
    for i, item in enumerate(items):
        try:
            people.append(build(**_record("", item, fields, "", REQUIRED)))
        except ProblemError:
            # Again, slowly, for a message that names the item by index and id.
            label = f"{kind} '{item['id']}'" if isinstance(item, dict) and isinstance(item.get("id"), str) else ""
            _record(f"{key}[{i}]", item, fields, label, REQUIRED)
            raise
    return tuple(people)


def _criteria(value: Any) -> Criteria:
    fields = {**CRITERIA_FIELDS, "weights": lambda v: Weights(**_record("criteria.weights", v, WEIGHT_FIELDS)),
              "limits": lambda v: Limits(**_record("criteria.limits", v, LIMIT_FIELDS))}
    return Criteria(**_record("criteria", value, fields))


def _exclusions(value: Any) -> tuple[Exclusion, ...]:
    if not isinstance(value, list):
        raise _fail("exclusions", "a list", value)
    fields: dict[str, Parser] = {"learner": _string, "mentor": _string, "reason": _string}
    out = []
    for i, item in enumerate(value):
        record = _record(f"exclusions[{i}]", item, fields, required=("learner", "mentor"))
        out.append(Exclusion(learner_id=record["learner"], mentor_id=record["mentor"],
                             reason=record.get("reason", "excluded")))
    return tuple(out)


def _field_labels(value: Any) -> dict[str, FieldLabel]:
    if not isinstance(value, dict):
        raise _fail("fields", "an object", value)
    parsers: dict[str, Parser] = {"mentor": _string, "learner": _string}
    return {code: FieldLabel(**_record(f"fields.{code}", label, parsers, required=("mentor", "learner")))
            for code, label in value.items()}


PROBLEM_KEYS = ("mentors", "learners", "criteria", "exclusions", "as_of", "fields")
PAIRS_KEYS = ("edges", "capacities", "learners")


def problem_from_dict(data: Any) -> Problem | PairsProblem:
    """A problem from parsed JSON; the pairs form is recognised by its ``edges``."""
    if not isinstance(data, dict):
        raise _fail("problem", "a JSON object", data)
    if "edges" in data:
        return _pairs_from_dict(data)
    for key in data:
        if key not in PROBLEM_KEYS:
            raise ProblemError(f"problem: unknown field '{key}' (expected {', '.join(PROBLEM_KEYS)})")
    # An empty round must say so: a file without them is more likely the wrong file.
    for key in ("mentors", "learners"):
        if key not in data:
            raise ProblemError(f"problem: missing field '{key}' (a list, empty if there are none; "
                               "or 'edges' for the pairs form)")
    problem = Problem(
        mentors=_people(data, "mentors", "mentor", MENTOR_FIELDS, Mentor),
        learners=_people(data, "learners", "learner", LEARNER_FIELDS, Learner),
        criteria=_criteria(data["criteria"]) if "criteria" in data else Criteria(),
        exclusions=_exclusions(data["exclusions"]) if "exclusions" in data else (),
        as_of=_parse("as_of", _optional(_date), data.get("as_of")),
        fields=_field_labels(data["fields"]) if "fields" in data else {},
    )
    check_problem(problem)
    return problem


def _pairs_from_dict(data: dict[str, Any]) -> PairsProblem:
    for key in data:
        if key not in PAIRS_KEYS:
            raise ProblemError(f"problem: unknown field '{key}' (the pairs form has {', '.join(PAIRS_KEYS)})")
    edges_value = data["edges"]
    if not isinstance(edges_value, list):
        raise _fail("edges", "a list", edges_value)
    edges = []
    for i, item in enumerate(edges_value):
        path = f"edges[{i}]"
        if isinstance(item, list):
            if len(item) != 3:
                raise ProblemError(f"{path}: expected [learner, mentor, score], got {len(item)} items")
            learner, mentor, score = item
        elif isinstance(item, dict):
            record = _record(path, item, {"learner": _string, "mentor": _string, "score": _number},
                             required=("learner", "mentor", "score"))
            learner, mentor, score = record["learner"], record["mentor"], record["score"]
        else:
            raise _fail(path, "[learner, mentor, score]", item)
        edges.append(Edge(_parse(f"{path}.learner", _string, learner), _parse(f"{path}.mentor", _string, mentor),
                          _parse(f"{path}.score", _number, score)))
    capacities_value = data.get("capacities", {})
    if not isinstance(capacities_value, dict):
        raise _fail("capacities", "an object of mentor id to capacity", capacities_value)
    capacities = {key: _parse(f"capacities.{key}", _integer, value) for key, value in capacities_value.items()}
    problem = PairsProblem(
        edges=tuple(edges),
        capacities=capacities,
        learners=_parse("learners", _strings, data.get("learners", [])),
    )
    check_pairs_problem(problem)
    return problem


# Longer integers are never a real id, capacity or age (and Python refuses to read 4,300+ digits).
MAX_DIGITS = 30


def _parse_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise ProblemError(f"a number with {digits:,} digits (at most {MAX_DIGITS})")
    return int(text)


def parse_json(text: str, source: str = "problem") -> Any:
    """Parse JSON text; every way it can fail is one ProblemError naming ``source``."""
    try:
        return json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as error:
        raise ProblemError(f"{source}: not valid JSON ({error.msg} at line {error.lineno} column {error.colno})") from None
    except RecursionError:
        raise ProblemError(f"{source}: not valid JSON (nested too deeply)") from None
    except ProblemError as error:
        raise ProblemError(f"{source}: {error}") from None


def read_problem(path: str | Path) -> Problem | PairsProblem:
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        raise ProblemError(f"{path}: cannot read ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProblemError(f"{path}: not UTF-8 text (byte 0x{raw[error.start]:02x} at position {error.start})") from None
    return problem_from_dict(parse_json(text, str(path)))


def _plain(value: Any) -> Any:
    """JSON-ready copy: dates as ISO strings, tuples as lists, mappings as objects."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _drop_defaults(record: dict[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k in REQUIRED or defaults.get(k, object()) != v}


_MENTOR_DEFAULTS = {"languages": (), "expertise": (), "availability": (), "capacity": 1, "gender": None,
                    "age": None, "background": ()}
_LEARNER_DEFAULTS = {"languages": (), "needs": (), "availability": (), "gender_preference": None,
                     "age": None, "waiting_since": None, "background": ()}


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON form of a problem, as :func:`problem_from_dict` reads it."""
    def record(item: Any, defaults: Mapping[str, Any]) -> dict[str, Any]:
        values = {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}
        return _plain(_drop_defaults(values, defaults))

    criteria = problem.criteria
    return {
        "as_of": _plain(problem.as_of),
        "criteria": {
            "weights": _plain(dataclasses.asdict(criteria.weights)),
            "limits": _plain(dataclasses.asdict(criteria.limits)),
            **{name: getattr(criteria, name) for name in CRITERIA_FIELDS},
        },
        "fields": {code: {"mentor": label.mentor, "learner": label.learner} for code, label in problem.fields.items()},
        "mentors": [record(m, _MENTOR_DEFAULTS) for m in problem.mentors],
        "learners": [record(lrn, _LEARNER_DEFAULTS) for lrn in problem.learners],
        "exclusions": [{"learner": e.learner_id, "mentor": e.mentor_id, "reason": e.reason} for e in problem.exclusions],
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    stats = result.statistics
    return {
        "matched": result.matched,
        "total_score": result.total_score,
        "pairs": [
            {
                "learner": pair.learner_id,
                "mentor": pair.mentor_id,
                "score": pair.score,
                "explanation": pair.text,
                "items": [
                    {"criterion": i.criterion, "points": i.points, "text": i.text, "params": _plain(i.params)}
                    for i in pair.items
                ],
            }
            for pair in result.pairs
        ],
        "unmatched": [
            {"learner": u.learner_id, "reason": u.reason, "limit": u.limit, "text": u.text, "params": _plain(u.params)}
            for u in result.unmatched
        ],
        "statistics": {**dataclasses.asdict(stats), "total_seconds": stats.total_seconds},
        "certificate": None if result.certificate is None else {
            **dataclasses.asdict(result.certificate), "status": result.certificate.status,
        },
    }
