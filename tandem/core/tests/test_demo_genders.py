"""The demo's people are ones a coordinator would believe, in all six programmes: a volunteer's
gender and a learner's declared gender fit their first name (Samira Saleh was "male" on VerA's
volunteer list), a learner asks for a mentor of their own gender if of one, the programmes keep
their share of women among volunteers, and every learner is at a school or training place of
their level and age (Dylan, 15, havo, was at Albeda mbo, a VET provider with no teacher to
supervise his pair) — last school year's cohort too."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.core import demo, demo_names
from tandem.core.models import Person, Programme
from tandem.intake import demo as intake_demo
from tandem.intake.models import Learner, SensitiveProfile
from tandem.onboarding.demo import BACKGROUND
from tandem.onboarding.models import Volunteer

KINDS = ("young", "adult", "senior")


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


def test_every_first_name_is_a_woman_s_or_a_man_s_of_every_generation() -> None:
    for country, groups in demo_names.GROUPS.items():
        women = demo_names.women_of(country)
        for key, group in groups.items():
            for kind in KINDS:
                # Both kinds in every generation of every background, to draw from.
                assert group.first_names(kind, "female") and group.first_names(kind, "male"), (country, key, kind)
                assert set(group.first_names(kind, "female")) | set(group.first_names(kind, "male")) \
                    == set(getattr(group, kind))
                # A name given to both in one background is not a man's name in another.
                assert not set(group.first_names(kind, "male")) & women, (country, key, kind)
    assert demo_names.gender_of("Samira", "DE") == "female"
    assert demo_names.gender_of("Khaled", "DE") == "male"
    assert demo_names.gender_of("Dana", "BE") == ""  # the coordinator's: not one of the lists


def _this_year(programme: Programme) -> Any:
    # Last school year's cohort comes from outcomes' demo (``_last_year``).
    return Learner.objects.filter(programme=programme).exclude(source=Learner.Source.COORDINATOR)


def _last_year(programme: Programme) -> Any:
    return Learner.objects.filter(programme=programme, source=Learner.Source.COORDINATOR)


def test_volunteers_are_of_the_gender_of_their_name_and_programmes_keep_their_share_of_women(
        seeded: None) -> None:
    for programme in Programme.objects.all():
        volunteers = list(Volunteer.objects.filter(programme=programme).select_related("person"))
        for volunteer in volunteers:
            name = demo_names.gender_of(volunteer.person.given_name, programme.country)
            assert name, (programme.slug, volunteer.person.given_name)
            assert volunteer.gender in ("", "other", name), \
                (programme.slug, volunteer.person.given_name, volunteer.gender)
        declared = Counter(v.gender for v in volunteers)
        women = declared["female"] / (declared["female"] + declared["male"])
        assert abs(women - BACKGROUND[programme.slug][2]) < 0.2, (programme.slug, declared)


def test_learners_declare_and_ask_for_the_gender_of_their_name(seeded: None) -> None:
    for programme in Programme.objects.all():
        learners = list(_this_year(programme).select_related("person"))
        profiles = dict(SensitiveProfile.objects.filter(learner__in=learners).values_list("learner_id", "gender"))
        assert profiles, programme.slug
        for learner in learners:
            name = demo_names.gender_of(learner.person.given_name, programme.country)
            assert name, (programme.slug, learner.person.given_name)
            assert profiles.get(learner.pk, "") in ("", "other", name), (programme.slug, learner.person.given_name)
            assert learner.gender_preference in ("", "any", name), (programme.slug, learner.person.given_name)


def test_learners_are_at_a_school_or_training_place_of_their_level(seeded: None) -> None:
    today = timezone.localdate()
    for programme in Programme.objects.all():
        has_primary = programme.partners.filter(kind="primary_school").exists()
        for learner in _this_year(programme).select_related("person", "institution"):
            person, where = learner.person, programme.slug
            assert learner.institution is not None, (where, person.given_name)
            assert intake_demo.fits(learner.level, learner.institution.kind), \
                (where, person.given_name, learner.level, learner.institution.name)
            if has_primary:  # under 12: at primary school; from 12: at secondary school
                age = Person.age_on(person, today)
                assert (learner.level == "primary") == (age is not None and age < 12), \
                    (where, person.given_name, age, learner.level)


def test_mentoren_op_zuid_pupils_are_at_a_school_with_a_supervising_teacher(seeded: None) -> None:
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    with_teacher = set(programme.memberships.filter(role="supervisor").values_list("institution_id", flat=True))
    for learner in _this_year(programme).select_related("institution", "person"):
        assert learner.institution is not None
        assert learner.institution.kind in ("primary_school", "secondary_school"), learner.person.given_name
        assert learner.institution_id in with_teacher, (learner.person.given_name, learner.institution.name)


def test_last_year_s_learners_declare_the_gender_of_their_name(seeded: None) -> None:
    profiles = SensitiveProfile.objects.filter(learner__source=Learner.Source.COORDINATOR) \
        .select_related("learner__person", "learner__programme")
    assert profiles
    for profile in profiles:
        person, country = profile.learner.person, profile.learner.programme.country
        assert profile.gender in ("", "other", demo_names.gender_of(person.given_name, country)), person.given_name
    assert {p.gender for p in profiles} >= {"female", "male"}


def test_last_year_s_learners_were_at_a_school_of_their_level_and_age_in_their_city(seeded: None) -> None:
    """Last school year's learners were at a place drawn at random (a 9-year-old doing havo at
    Albeda mbo, a pupil at Hogeschool Gent); now as this year's: a place of their level in their
    city, the level of their age when their year began, in Mentoren op Zuid a school with a
    supervising teacher."""
    for programme in Programme.objects.all():
        low, high = next(spec.learner_ages for spec in demo.SPECS if spec.slug == programme.slug)
        has_primary = programme.partners.filter(kind="primary_school").exists()
        with_teacher = set(programme.memberships.filter(role="supervisor").values_list("institution_id", flat=True))
        past = _last_year(programme).select_related("person", "institution")
        assert past.count() >= 20, programme.slug
        for learner in past:
            person, where = learner.person, programme.slug
            began = learner.matches.get().cycle_start
            assert began is not None
            age = Person.age_on(person, began)
            # Of the programme's ages when the school year began (mid-September).
            assert low <= (Person.age_on(person, began.replace(day=15, month=9)) or 0) <= high, \
                (where, person.given_name, age)
            assert age is not None
            assert learner.institution is not None, (where, person.given_name)
            assert learner.institution.city == person.city, (where, person.given_name, learner.institution.name)
            assert intake_demo.fits(learner.level, learner.institution.kind), \
                (where, person.given_name, learner.level, learner.institution.name)
            if has_primary:  # under 12: at primary school; from 12: at secondary school
                assert (learner.level == "primary") == (age < 12), (where, person.given_name, age, learner.level)
            if programme.slug == "mentoren-op-zuid":
                assert learner.institution_id in with_teacher, (person.given_name, learner.institution.name)
