"""The demo's people and pairs are ones a coordinator would believe, in all six programmes: every
pair (proposed, active, declined, closed, this year's and last year's) is one the matching engine
could have made (same area, within the distance limit, a shared language and free moment, the
mentor's gender as asked); nobody's full name occurs twice in a programme and a pair's first names
differ; first names fit the person's generation; e-mail addresses are ASCII."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.core import demo_names
from tandem.core.models import Person, Programme, User
from tandem.matching import problem as adapter
from tandem.matching.models import Match
from tandem.onboarding.models import Volunteer


@pytest.fixture
def seeded(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=StringIO())


def _age(person: Person, today: date) -> int | None:
    return Person.age_on(person, today)


def test_generations_have_names_of_their_own() -> None:
    for country in demo_names.GROUPS:
        young, adult, senior = (demo_names.names_of(country, kind) for kind in ("young", "adult", "senior"))
        assert not (young & senior) and not (young & adult) and not (adult & senior), country
    assert demo_names.ascii_slug("Jonas.Yıldız", country="DE") == "jonas.yildiz"
    assert demo_names.ascii_slug("Sophie.Müller", country="DE") == "sophie.mueller"
    assert demo_names.ascii_slug("Amira.El Idrissi", country="NL") == "amira.elidrissi"
    assert demo_names.ascii_slug("Lejla.Hadžić", country="DE") == "lejla.hadzic"


def test_every_demo_pair_is_one_the_engine_could_have_made(seeded: None) -> None:
    today = timezone.localdate()
    matches = Match.objects.select_related("programme", "volunteer__person", "volunteer__programme",
                                           "learner__person", "learner__programme")
    seen: Counter[str] = Counter()
    for match in matches:
        check = adapter.check_pair(programme=match.programme, volunteer=match.volunteer, learner=match.learner,
                                   today=today)
        # A declined pair, and one whose relationship did not work, is excluded from now on: that
        # is the only limit it may break.
        never_again = match.state == "declined" or match.closure_reason == "relationship_did_not_work"
        broken = [limit for limit in check.broken if not (never_again and limit == "excluded")]
        where = (match.programme.slug, match.state, match.volunteer.person.city, match.learner.person.city)
        assert broken == [], where
        assert match.volunteer.person.given_name != match.learner.person.given_name, where
        assert match.volunteer.person.family_name != match.learner.person.family_name, where  # not siblings
        seen[match.state] += 1
    assert {"proposed", "active", "declined", "closed"} <= set(seen)


def test_names_are_unique_per_programme_fit_the_generation_and_mail_is_ascii(seeded: None) -> None:
    today = timezone.localdate()
    for programme in Programme.objects.all():
        # Everyone on the programme's organisation's records: staff, mentors, applicants,
        # learners (this year's and last year's), guardians.
        people = list(Person.objects.filter(organisation=programme.organisation))
        assert len(people) > 60, programme.slug
        full = Counter((p.given_name, p.family_name) for p in people)
        assert [name for name, n in full.items() if n > 1] == [], programme.slug
        country = programme.country
        young, senior = demo_names.names_of(country, "young"), demo_names.names_of(country, "senior")
        for person in people:
            age = _age(person, today)
            if age is not None and age < 25:
                assert person.given_name not in senior, (programme.slug, person.given_name, age)
            if age is not None and age >= 60:
                assert person.given_name not in young, (programme.slug, person.given_name, age)
            if person.email:
                local = person.email.split("@")[0]
                assert re.fullmatch(r"[a-z0-9.-]+", local), person.email
    vera = Programme.objects.get(slug="vera")
    seniors = [v.person for v in Volunteer.objects.filter(programme=vera).select_related("person")
               if (_age(v.person, today) or 0) >= 60]
    assert len(seniors) > 10
    assert not [p.given_name for p in seniors if p.given_name in demo_names.names_of("DE", "young")]


def test_last_years_learners_have_a_level_and_needs_like_this_years(seeded: None) -> None:
    """Last school year's learners had no school level, no reason for a mentor and no needs: the
    page of a closed pair's learner showed empty facts."""
    from django.test import Client
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.testing import give_totp
    from tandem.intake.models import Learner

    today = timezone.localdate()
    this_year = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    for programme in Programme.objects.all():
        past = Learner.objects.filter(programme=programme, matches__state="closed",
                                      matches__closed_at__date__lt=this_year).distinct()
        assert past.count() >= 20, programme.slug
        assert not past.filter(level="").exists(), programme.slug
        assert not past.filter(reasons=[]).exists() and not past.filter(needs=[]).exists(), programme.slug
        levels = set(Learner.objects.filter(programme=programme).exclude(pk__in=past).values_list("level", flat=True))
        assert set(past.values_list("level", flat=True)) <= levels, programme.slug
    # The coordinator reads them on the learner's page (VerA, in German).
    vera = Programme.objects.get(slug="vera")
    learner = Learner.objects.filter(programme=vera, matches__closed_at__date__lt=this_year).order_by("pk").first()
    assert learner is not None and learner.level == "berufsschule" and learner.employer
    coordinator = User.objects.get(email=demo.role_email("coordinator", vera.slug))
    give_totp(coordinator)  # staff use a second factor
    client = Client()
    client.force_login(coordinator)
    response = client.get(reverse("intake:learner", kwargs={"org": vera.organisation.slug, "prog": vera.slug,
                                                            "pk": learner.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Berufsschule" in page and learner.employer in page



def test_last_year_s_cohort_has_names_of_its_own(seeded: None) -> None:
    """Names are unique per programme across this year's people and last school year's cohort
    (its learners and their parents): none of last year's is anyone else's."""
    from tandem.core.models import GuardianLink
    from tandem.intake.models import Learner

    for programme in Programme.objects.all():
        past = Person.objects.filter(learner_records__programme=programme,
                                     learner_records__source=Learner.Source.COORDINATOR)
        parents = Person.objects.filter(pk__in=GuardianLink.objects.filter(learner__in=past).values("guardian"))
        cohort = {(p.given_name, p.family_name) for p in [*past, *parents]}
        assert len(cohort) == past.count() + parents.count() >= 20, programme.slug
        others = Person.objects.filter(organisation=programme.organisation).exclude(pk__in=past) \
            .exclude(pk__in=parents.values("pk"))
        assert not cohort & {(p.given_name, p.family_name) for p in others}, programme.slug


def test_last_year_s_minors_had_their_guardian_s_consent(seeded: None) -> None:
    """A minor of last school year's cohort showed an empty guardian-consent block on their page:
    each one who was under the age of consent when their pair began has a parent (living with
    them, of their family) who consented before the learner joined the waiting list."""
    from tandem.core.models import GuardianLink
    from tandem.intake import selectors as intake_selectors
    from tandem.intake.models import GuardianConsent, Learner, LearnerTransition

    minors = 0
    for learner in Learner.objects.filter(source=Learner.Source.COORDINATOR).select_related("person", "programme"):
        match = learner.matches.get()
        assert match.cycle_start is not None
        if not intake_selectors.needs_consent(learner, today=match.cycle_start):
            assert match.learner_answered_as == "learner"
            continue
        minors += 1
        assert match.learner_answered_as == "guardian"
        link = GuardianLink.objects.select_related("guardian").get(learner=learner.person)
        guardian = link.guardian
        assert guardian.family_name == learner.person.family_name
        assert (guardian.city, guardian.postcode) == (learner.person.city, learner.person.postcode)
        assert guardian.memberships.filter(programme=learner.programme, role="guardian").exists()
        consent = GuardianConsent.objects.get(learner=learner, guardian=guardian)
        waiting = LearnerTransition.objects.get(learner=learner, to_state="waiting")
        assert consent.given_at is not None and consent.withdrawn_at is None
        assert consent.requested_at < consent.given_at < waiting.at, learner.programme.slug
    assert minors >= 20  # Mentoren op Zuid's pupils, most of SIRIUS's, a few in Flanders
    # The Mentoren op Zuid coordinator reads it on the pupil's page (in Dutch).
    from django.test import Client
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.testing import give_totp

    moz = Programme.objects.get(slug="mentoren-op-zuid")
    pupil = Learner.objects.filter(programme=moz, source=Learner.Source.COORDINATOR).order_by("pk").first()
    assert pupil is not None
    guardian = GuardianLink.objects.get(learner=pupil.person).guardian
    coordinator = User.objects.get(email=demo.role_email("coordinator", moz.slug))
    give_totp(coordinator)
    client = Client()
    client.force_login(coordinator)
    page = client.get(reverse("intake:learner", kwargs={"org": moz.organisation.slug, "prog": moz.slug,
                                                        "pk": pupil.pk})).content.decode()
    block = page[page.index('id="h-consent"'):]
    block = block[:block.index("</section>")]
    assert guardian.full_name in block and "Geldige toestemming" in block, block
