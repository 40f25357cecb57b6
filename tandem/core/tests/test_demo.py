"""The demo data: five seed programmes, believable, deterministic, safe to load twice."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from tandem.core import demo, demo_names
from tandem.core.models import GuardianLink, Membership, Organisation, Person, Programme, User


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_the_seed_programmes_and_prints_log_ins(db: Any) -> None:
    output = _seed()
    assert Programme.objects.count() == 6  # the fifth seed is VerA (DE) and AFEV (FR)
    assert set(Programme.objects.values_list("country", flat=True)) == {"BE", "NL", "DE", "FR"}
    assert Programme.objects.filter(format="group").exists()
    assert demo.MAIN_COORDINATOR in output and demo.DEMO_PASSWORD in output
    assert User.objects.get(email=demo.MAIN_COORDINATOR).check_password(demo.DEMO_PASSWORD)
    for programme in Programme.objects.all():
        roles = set(Membership.objects.filter(programme=programme).values_list("role", flat=True))
        assert roles >= {"coordinator", "mentor", "learner", "guardian", "supervisor", "partner_contact", "observer"}
    assert GuardianLink.objects.exists()


def test_running_twice_adds_nothing(db: Any) -> None:
    _seed()
    counts = (Person.objects.count(), User.objects.count(), Organisation.objects.count())
    assert "already present" in _seed()
    assert (Person.objects.count(), User.objects.count(), Organisation.objects.count()) == counts


def test_same_seed_same_people_and_scale_multiplies(db: Any) -> None:
    _seed("--seed", "7")
    first = sorted(Person.objects.values_list("given_name", "family_name", "city"))
    _seed("--seed", "7", "--reset")
    assert sorted(Person.objects.values_list("given_name", "family_name", "city")) == first
    mentors_1 = Membership.objects.filter(role="mentor").count()
    _seed("--scale", "3", "--reset")
    assert Membership.objects.filter(role="mentor").count() > 2.5 * mentors_1


def test_local_names_per_country(db: Any) -> None:
    _seed()
    afev = Person.objects.filter(organisation__slug="afev")
    french = {name for kind in ("young", "adult", "senior") for name in demo_names.names_of("FR", kind)}
    assert afev.filter(given_name__in=french).count() > afev.count() * 0.9
    assert set(Person.objects.filter(organisation__slug="emi-rotterdam-zuid").values_list("city", flat=True)) <= {"Rotterdam", ""}


def test_demo_texts_are_in_each_programmes_own_language(db: Any) -> None:
    """What people typed in the demo (titles, notes, reasons, wishes) is in the programme's
    language; what the system recorded is a code every reader sees in their own language."""
    from tandem.core.history import reason_text
    from tandem.intake import demo as intake_demo
    from tandem.intake.models import Learner, LearnerTransition
    from tandem.matching import demo as matching_demo
    from tandem.matching.models import DeclinedPair, LearningCommunity, Match
    from tandem.onboarding import demo as onboarding_demo
    from tandem.onboarding.models import VolunteerTransition, Workshop

    _seed()
    for spec in demo.SPECS:
        language = spec.ui_language
        programme = Programme.objects.get(slug=spec.slug)

        def typed(texts: dict[str, dict[str, list[str]]], kind: str) -> set[str]:
            return {"", *texts[kind][language]}  # noqa: B023 - used at once, in this iteration

        assert set(Workshop.objects.filter(programme=programme).values_list("title", flat=True)) == {
            onboarding_demo.WORKSHOP_TITLE[language]}
        learners = Learner.objects.filter(programme=programme)
        assert set(learners.values_list("mentor_wishes", flat=True)) <= typed(intake_demo.TEXTS, "wishes")
        assert {r for r in learners.values_list("state_reason", flat=True) if reason_text(r) == r} <= (
            typed(intake_demo.TEXTS, "left") | typed(intake_demo.TEXTS, "declined"))
        # A "no" keeps its reason; a pair that did not work, the closure's note.
        assert set(DeclinedPair.objects.filter(programme=programme).values_list("note", flat=True)) <= typed(
            matching_demo.TEXTS, "declined") | typed(matching_demo.TEXTS, "note")
        assert set(Match.objects.filter(programme=programme).values_list("closure_note", flat=True)) <= typed(
            matching_demo.TEXTS, "note")
        assert not LearningCommunity.objects.filter(programme=programme).exclude(name="").exists()
        reasons = {*LearnerTransition.objects.filter(learner__programme=programme).values_list("reason", flat=True),
                   *VolunteerTransition.objects.filter(volunteer__programme=programme).values_list("reason", flat=True)}
        typed_reasons = {r for r in reasons if reason_text(r) == r}  # not a system code
        assert typed_reasons <= typed(intake_demo.TEXTS, "left") | typed(intake_demo.TEXTS, "declined"), spec.slug
