"""An access request's answer in French: the values Tandem joins itself (an audit entry's
changes "field: old → new", a section's retention rules) take a no-break space before ":" and
";", as the catalogue's sentences around them do; in English they do not."""

from __future__ import annotations

import re

import pytest

from conftest import World
from tandem.privacy import exports
from tandem.privacy.tests.seed import seed

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def _joined(export: exports.Export) -> tuple[list[str], list[str]]:
    changes = [value for section in export.sections if section.model == "core.auditevent"
               for row in section.words for label, value in row if ":" in value and "→" in value]
    retention = [section.retention for section in export.sections if ";" in section.retention]
    return changes, retention


def test_french_puts_a_no_break_space_before_the_colon_and_the_semicolon(world: World) -> None:
    ctx = seed(world)
    changes, retention = _joined(exports.person_export(ctx.person, language="fr"))
    assert changes and retention
    for value in changes + retention:
        assert not re.search(r"[^\u00a0][:;] ", value), value
    assert any(f"{NBSP}: " in value for value in changes)
    assert any(f"{NBSP}; " in value for value in retention)


def test_english_does_not(world: World) -> None:
    ctx = seed(world)
    changes, retention = _joined(exports.person_export(ctx.person, language="en"))
    assert changes and retention
    assert not any(NBSP in value for value in changes + retention)


def test_questionnaire_answers_read_as_questions_and_answers_not_codes(world: World) -> None:
    """A person's export showed their questionnaire as "q1 : 3 ; q2 : 3 …; positive : 15.0"."""
    from tandem.outcomes.instruments import instrument, pick

    ctx = seed(world)
    export = exports.person_export(ctx.person, language="fr")
    rows = [dict(row) for section in export.sections if section.model == "outcomes.surveyresponse"
            for row in section.words]
    assert rows
    labels = {label for row in rows for label in row}
    answers = next(value for row in rows for label, value in row.items() if "q1" in value or "D'accord" in value)
    first = pick(instrument("rses", 1).items[0].text, "fr")
    assert f"{first}{NBSP}: D'accord" in answers and "q1" not in answers
    subscores = next(value for row in rows for value in row.values() if "Valeur de soi" in value)
    assert f"Valeur de soi{NBSP}: 15,0" in subscores and "positive" not in subscores
    assert labels
