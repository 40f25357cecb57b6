"""Labels joined in a sentence: commas and one final conjunction, in the reader's language
(``core.text.and_list``). A field whose German label has "und" in it read "Coaching und Motivation
und Elektrotechnik" in the matching explanation: two fields or three?"""

from __future__ import annotations

import pytest
from django.utils import translation

from conftest import World
from tandem.core.fields import vocabulary
from tandem.core.text import and_list
from tandem.matching import explanations, friendly


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "A, B and C"), ("de", "A, B und C"), ("fr", "A, B et C"), ("nl", "A, B en C"),
])
def test_commas_and_one_final_conjunction(language: str, expected: str) -> None:
    with translation.override(language):
        assert and_list(["A", "B", "C"]) == expected
        assert and_list(["B", "C"]) == expected.replace("A, ", "")
        assert and_list(["A"]) == "A" and and_list([]) == ""


@pytest.mark.parametrize(("language", "fields", "expected"), [
    ("de", ["Coaching und Motivation", "Elektrotechnik"], "Coaching und Motivation sowie Elektrotechnik"),
    ("de", ["Mathematik", "Coaching und Motivation", "Elektrotechnik"],
     "Mathematik, Coaching und Motivation sowie Elektrotechnik"),
    ("en", ["coaching and motivation", "electrical work"], "coaching and motivation, and electrical work"),
    ("fr", ["accompagnement et motivation", "électricité"], "accompagnement et motivation, et électricité"),
    ("nl", ["coaching en motivatie", "elektrotechniek"], "coaching en motivatie, en elektrotechniek"),
    # The word inside another word is no conjunction ("Bauunternehmen", "tentoonstelling").
    ("de", ["Bauunternehmen", "Elektrotechnik"], "Bauunternehmen und Elektrotechnik"),
    ("nl", ["tentoonstelling", "bouw"], "tentoonstelling en bouw"),
])
def test_a_label_with_the_conjunction_in_it_keeps_the_items_apart(language: str, fields: list[str],
                                                                  expected: str) -> None:
    with translation.override(language):
        assert and_list(fields) == expected


@pytest.mark.django_db
def test_the_shared_fields_explanation_in_german(world: World) -> None:
    fields = vocabulary(world.programme)
    item = {"criterion": "expertise", "points": 20, "text": "", "params": {"fields": ["coaching", "electrician"]}}
    with translation.override("de"):
        text = explanations.item_text(item, fields=fields)
    assert "Coaching und Motivation sowie Elektrotechnik" in text
    assert "Motivation und Elektrotechnik" not in text


@pytest.mark.django_db
def test_the_learners_page_joins_the_same_way(world: World) -> None:
    """The friendly match page (the learner's and guardian's) says what the mentor can help with."""
    from tandem.matching.tests.url_matrix import _match

    match = _match(world)
    match.items = [{"criterion": "expertise", "points": 20, "text": "",
                    "params": {"fields": ["maths", "coaching", "electrician"]}}]
    match.save(update_fields=["items"])
    with translation.override("de"):
        page = friendly.friendly_match(match, reader="learner")
    reasons = " ".join(page.reasons)
    assert "Mathematik, Coaching und Motivation sowie Elektrotechnik" in reasons, reasons
