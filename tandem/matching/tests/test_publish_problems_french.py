"""A pair that cannot be published is named in the message with the reason after a colon; in
French the colon takes a no-break space before it ("Ada : …" never breaks before the colon)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from conftest import World
from tandem.matching.tests.factories import mentor, pupil, relax
from tandem.matching.tests.test_matching import publish, run_round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "separator"), [("en", ": "), ("fr", "\u00a0: ")])
def test_a_problem_names_the_learner_then_the_reason(world: World, run_tasks: Any,
                                                     django_capture_on_commit_callbacks: Any,
                                                     language: str, separator: str) -> None:
    relax(world)
    mentor(world, "Only")
    ada = pupil(world, "Ada")
    # Two rounds proposed the same mentor for Ada: the second cannot be published.
    first = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    second = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    assert publish(world, first)[0]
    with translation.override(language):
        published, [problem] = publish(world, second)
    assert not published
    assert problem.startswith(ada.person.full_name + separator), problem
