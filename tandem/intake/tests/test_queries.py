"""Intake's list pages make the same number of queries for 3 rows as for 9: no query per row."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.models import PartnerInstitution
from tandem.core.testing import assert_list_page_queries_do_not_grow, assert_queries_do_not_grow
from tandem.intake.importing import LearnerSpec
from tandem.intake.models import ConsentText, Learner
from tandem.intake.tests.factories import learner, publish_text


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _learner(world: World, i: int, **update: object) -> Learner:
    # Every other one a minor (consent asked of the guardian), every third without a date of birth.
    made = learner(world, age=None if i % 3 == 0 else (12 if i % 2 else 19),
                   guardian_email=f"parent{i}@example.org", languages=["nl", "tr"] if i % 2 else ["nl"])
    if update:
        Learner.objects.filter(pk=made.pk).update(**update)
    return made


@pytest.mark.parametrize("persona", ["coordinator", "partner_contact"])
def test_referrals(world: World, persona: str) -> None:
    def add(i: int) -> str:
        return _learner(world, i).person.full_name

    assert_list_page_queries_do_not_grow(world.client_for(persona), _url(world, "intake:referrals"), add)


def test_learners(world: World) -> None:
    states = ["referred", "intake", "waiting", "matched"]

    def add(i: int) -> str:
        return _learner(world, i, state=states[i % len(states)],
                        waiting_since=timezone.localdate()).person.full_name

    assert_list_page_queries_do_not_grow(world.client_for("coordinator"), _url(world, "intake:learners"), add)


def test_waiting_list(world: World) -> None:
    publish_text(world)
    today = timezone.localdate()

    def add(i: int) -> str:
        return _learner(world, i, state="waiting", waiting_since=today - timedelta(days=10 * i),
                        latitude=None if i % 4 == 0 else 51.9).person.full_name

    assert_list_page_queries_do_not_grow(
        world.client_for("coordinator"), _url(world, "intake:waiting_list"), add
    )


def test_consent_texts(world: World) -> None:
    def add(i: int) -> str:
        text = f"Version {i + 1}: I agree that my child takes part."
        ConsentText.objects.create(programme=world.programme, version=i + 1, language="en", text=text)
        ConsentText.objects.create(programme=world.programme, version=i + 1, language="nl",
                                   text=f"Versie {i + 1}: ik ga akkoord.")
        return text

    assert_list_page_queries_do_not_grow(
        world.client_for("coordinator"), _url(world, "intake:consent_texts"), add
    )


def test_export(world: World) -> None:
    client: Client = world.client_for("coordinator")
    names: list[str] = []

    def add(n: int) -> None:
        names.extend(_learner(world, len(names)).person.family_name for _ in range(n))

    def fetch() -> None:
        response = client.get(_url(world, "intake:learner_export"), {"format": "csv"})
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert names and all(name in text for name in names) and "parent1@example.org" in text

    assert_queries_do_not_grow(fetch, add)


def test_import_preview(world: World) -> None:
    """The preview of an upload sorts every row into new or update without a query per row."""
    client = world.client_for("coordinator")
    header = "given_name,family_name,email,date_of_birth,institution,languages,city\n"
    lines: list[str] = []
    expected = {"new": 0, "update": 0}

    def add(n: int) -> None:
        for _ in range(n):
            i = len(lines)
            if i % 3 == 2:
                lines.append(f"New{i},Learner,new{i}@example.org,2012-03-01,De Globetrotter,nl,Rotterdam\n")
                expected["new"] += 1
                continue
            known = learner(world, age=12, guardian_email="")
            person = known.person
            email = f"known{i}@example.org" if i % 3 == 0 else ""  # else recognised by name and birth
            if email:
                person.email = email
                person.save()
            lines.append(f"{person.given_name},{person.family_name},{email},{person.date_of_birth},"
                         "De Globetrotter,nl,Rotterdam\n")
            expected["update"] += 1

    def fetch() -> None:
        upload = SimpleUploadedFile("learners.csv", (header + "".join(lines)).encode())
        response = client.post(_url(world, "intake:learner_import"), {"file": upload})
        body = response.content.decode()
        assert response.status_code == 200 and 'name="batch"' in body, body
        assert f"{expected['new']} new · {expected['update']} to update · 0 with errors" in body

    assert_queries_do_not_grow(fetch, add)


def test_looking_a_file_up_at_once_finds_what_one_row_at_a_time_finds(world: World) -> None:
    by_mail = learner(world, age=12, guardian_email="")
    by_mail.person.email = "Known@Example.org"
    by_mail.person.save()
    by_birth = learner(world, age=15, guardian_email="")
    other = PartnerInstitution.objects.create(programme=world.other_programme, name="Elders", kind="other")
    Learner.objects.create(programme=world.other_programme, person=by_birth.person, institution=other)
    born = by_birth.person.date_of_birth
    rows = [
        {"email": "known@example.ORG", "given_name": "X", "family_name": "Y", "date_of_birth": None},
        {"email": "", "given_name": "sem", "family_name": by_birth.person.family_name.upper(),
         "date_of_birth": born},
        {"email": "", "given_name": "Sem", "family_name": by_birth.person.family_name, "date_of_birth": None},
        {"email": "nobody@example.org", "given_name": "Sem", "family_name": "Z", "date_of_birth": born},
        {"email": "", "given_name": "Sem", "family_name": "Other", "date_of_birth": born},
    ]
    spec = LearnerSpec(world.programme)
    one_by_one = [spec.find_existing(values) for values in rows]
    assert one_by_one == [by_mail, by_birth, None, None, None]
    assert spec.find_existing_many(rows) == one_by_one
