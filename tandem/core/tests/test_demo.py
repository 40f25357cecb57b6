"""The demo data: five seed programmes, believable, deterministic, safe to load twice."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from tandem.core import demo
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
    assert afev.filter(given_name__in=demo.NAMES["FR"][0]).count() > afev.count() * 0.5
    assert set(Person.objects.filter(organisation__slug="emi-rotterdam-zuid").values_list("city", flat=True)) <= {"Rotterdam", ""}
