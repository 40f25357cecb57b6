"""A published round whose mentors are all taken: the "make a pair by hand" card says so in a
sentence, in the reader's language, instead of an empty mentor list."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.matching.tests.factories import persona_pair, pupil
from tandem.matching.tests.test_matching import publish, run_round

pytestmark = pytest.mark.django_db

SENTENCE = {
    "en": "No mentor has a free place.",
    "nl": "Geen enkele mentor heeft een vrije plaats.",
    "fr": "Aucun mentor n’a de place libre.",
    "de": "Kein:e Mentor:in hat einen freien Platz.",
}


def test_no_free_mentor_gives_a_sentence_not_an_empty_list(world: World, run_tasks: Any,
                                                          django_capture_on_commit_callbacks: Any) -> None:
    persona_pair(world)  # one mentor with one place
    pupil(world, "Far", km_east=-60)  # waits on, out of reach: the manual form has a learner
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    url = reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": matching_round.pk})
    client = world.client_for("coordinator")
    before = client.get(url).content.decode()
    assert 'id="manual-volunteer"' in before and SENTENCE["en"] not in before  # a place is free
    matches, _problems = publish(world, matching_round)
    assert len(matches) == 1  # the only mentor's only place is taken
    for language, sentence in SENTENCE.items():
        client.post(reverse("core:set_language"), {"language": language, "next": "/"})
        page = client.get(url)
        assert page.status_code == 200
        html = unescape(page.content.decode())
        assert sentence in html, language
        assert 'id="manual-volunteer"' not in html and 'id="manual-learner"' not in html


def test_no_waiting_learner_gives_a_sentence_not_an_empty_list(world: World, run_tasks: Any,
                                                               django_capture_on_commit_callbacks: Any) -> None:
    """The other side: mentors have places, but every learner was proposed and published."""
    volunteer, _learner = persona_pair(world)
    volunteer.capacity = 3
    volunteer.save()
    matching_round = run_round(world, run_tasks, django_capture_on_commit_callbacks)
    url = reverse("matching:round", kwargs={"org": "zuid", "prog": "moz", "pk": matching_round.pk})
    client = world.client_for("coordinator")
    publish(world, matching_round)
    for language, sentence in {"en": "No learner is waiting to be matched.",
                               "nl": "Er wacht geen enkele leerling om gekoppeld te worden."}.items():
        client.post(reverse("core:set_language"), {"language": language, "next": "/"})
        html = unescape(client.get(url).content.decode())
        assert 'id="manual-no-learner"' in html and sentence in html, language
        assert 'id="manual-learner"' not in html and 'id="manual-volunteer"' not in html
