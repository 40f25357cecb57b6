"""People are told apart: every list and picker names a person with their school or city and age,
so two "Marie Yıldız" are two different choices. And the templates stay free of inline script and
style, ready for a Content-Security-Policy without 'unsafe-inline'."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from conftest import World
from tandem.core.models import Membership, Person, Role
from tandem.core.naming import person_details, person_label
from tandem.intake.models import Learner
from tandem.matching.forms import ConflictForm
from tandem.matching.tests.factories import mentor, pupil

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)


def _namesake(world: World, *, born: date, city: str) -> Person:
    return Person.objects.create(organisation=world.organisation, given_name="Marie", family_name="Yıldız",
                                 date_of_birth=born, city=city)


def test_a_label_names_the_school_else_the_city_and_the_age(world: World) -> None:
    at_school = pupil(world, "Marie", person=_namesake(world, born=date(2011, 3, 1), city="Rotterdam"))
    elsewhere = _namesake(world, born=date(1990, 12, 1), city="Schiedam")
    with translation.override("en"):
        assert person_label(at_school, today=TODAY) == "Marie Yıldız (De Globetrotter, 15 years)"
        assert person_label(elsewhere, today=TODAY) == "Marie Yıldız (Schiedam, 35 years)"
        assert person_details(elsewhere, role="Guardian", today=TODAY) == ["Guardian", "Schiedam", "35 years"]
    with translation.override("de"):
        assert person_label(at_school, today=TODAY) == "Marie Yıldız (De Globetrotter, 15 Jahre)"
    bare = Person.objects.create(organisation=world.organisation, given_name="Anouk", family_name="Martina")
    assert person_label(bare) == "Anouk Martina"


def test_namesakes_are_different_choices_in_the_conflict_picker(world: World) -> None:
    pupil(world, "Marie", person=_namesake(world, born=date(2011, 3, 1), city="Rotterdam"))
    other = pupil(world, "Marie", person=_namesake(world, born=date(2012, 5, 1), city="Schiedam"))
    Learner.objects.filter(pk=other.pk).update(institution=None)
    mentor(world, "Anouk", person=Person.objects.create(
        organisation=world.organisation, given_name="Anouk", family_name="Martina", city="Delft"))
    with translation.override("en"):
        form = ConflictForm(programme=world.programme)
        learners = [label for _value, label in form.fields["learner"].choices if "Yıldız" in str(label)]
        mentors = [label for _value, label in form.fields["volunteer"].choices if "Martina" in str(label)]
    assert len(learners) == 2 and len(set(learners)) == 2
    assert any("De Globetrotter" in label for label in learners) and any("Schiedam" in label for label in learners)
    assert mentors == ["Anouk Martina (Delft)"]


def test_lists_show_what_tells_namesakes_apart_without_a_query_per_person(
        world: World, django_assert_max_num_queries: Any) -> None:
    for year in (2010, 2011, 2012, 2013):
        person = _namesake(world, born=date(year, 1, 1), city="Rotterdam")
        Membership.objects.create(person=person, organisation=world.organisation, programme=world.programme,
                                  role=Role.LEARNER)
        pupil(world, "Marie", person=person)
    client = world.client_for("coordinator")
    url = reverse("intake:learners", kwargs={"org": "zuid", "prog": "moz"})
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert page.count("De Globetrotter, ") >= 4
    people = client.get(reverse("core:people", kwargs={"org": "zuid", "prog": "moz"})).content.decode()
    assert people.count('<span class="details">Rotterdam, ') >= 4


# A JSON data block (``type="application/json"``) is data, never run: allowed.
INLINE = re.compile(r"""\sstyle=|\son[a-z]+=|<style|<script(?![^>]*(\ssrc=|type="application/json"))""",
                    re.IGNORECASE)


def test_templates_have_no_inline_script_style_or_event_handlers() -> None:
    offenders = []
    for path in Path(settings.BASE_DIR, "tandem").rglob("templates/**/*.html"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if INLINE.search(line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()[:80]}")
    assert not offenders, "inline script or style (put it in tandem.js / tandem.css):\n" + "\n".join(offenders)
