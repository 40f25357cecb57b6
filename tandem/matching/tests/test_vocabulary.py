"""Matching on field codes: words typed in any language meet, and explanations read in the
reader's language only."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.fields import DEFAULT_FIELDS, parse_fields, vocabulary
from tandem.matching import explanations, services
from tandem.matching import problem as adapter
from tandem.matching.tests.factories import mentor, pupil, relax


def test_a_learner_needing_rekenen_meets_a_mentor_who_wrote_mathe(world: World) -> None:
    relax(world)
    programme = world.programme
    # Typed in a German file and a Dutch one: both are the field "maths".
    jonas = mentor(world, "Jonas", km_east=3, languages=("de", "nl"), expertise=tuple(parse_fields(programme, "Mathe")))
    mentor(world, "Eva", languages=("nl",), expertise=tuple(parse_fields(programme, "Pflege")))
    noor = pupil(world, "Noor", reasons=(), needs=parse_fields(programme, "rekenen"))
    assert jonas.expertise == noor.needs == ["maths"]
    best = adapter.best_mentors(programme=programme, learner=noor, today=noor.waiting_since, count=2)
    assert best[0]["volunteer"] == jonas.pk
    items = best[0]["items"]
    with translation.override("nl"):
        line = explanations.line(items, fields=vocabulary(programme))
    assert "kent wiskunde" in line and "woensdagmiddag" in line and "maths" not in line
    with translation.override("de"):
        assert "Mathematik" in explanations.line(items, fields=vocabulary(programme))


def test_explanations_in_dutch_contain_no_english_field_words(world: World) -> None:
    items = [{"criterion": "expertise", "points": 20, "text": "career orientation ↔ maths",
              "params": {"fields": ["career", "maths"]}},
             {"criterion": "availability", "points": 10, "text": "Tue afternoon free", "params": {"mask": 1 << 4}}]
    fields = vocabulary(world.programme)
    with translation.override("nl"):
        line = explanations.line(items, fields=fields)
    assert line == "kent loopbaanoriëntatie en wiskunde, zoals nodig · allebei vrij op dinsdagmiddag"
    english = {labels["en"] for _code, labels, _words in DEFAULT_FIELDS}
    assert not any(word in line for word in english)


def test_a_rounds_review_page_names_fields_in_the_readers_language(world: World) -> None:
    relax(world)
    mentor(world, "Anna", expertise=("electrician",))
    pupil(world, "Sem", reasons=(), mentor_wishes="Ik wil elektricien worden")
    matching_round = services.round_start(programme=world.programme, actor=world.users["coordinator"],
                                          background=False)
    assert matching_round.status == "done", matching_round.error
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    page = world.client_for("coordinator").get(reverse("matching:round", kwargs={
        "org": "zuid", "prog": "moz", "pk": matching_round.pk})).content.decode()
    assert "kent elektrotechniek" in page and "electric" not in page
