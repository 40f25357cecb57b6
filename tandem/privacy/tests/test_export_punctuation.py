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
