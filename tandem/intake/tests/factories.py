"""Small builders for the intake tests, on top of conftest's ``world``."""

from __future__ import annotations

from datetime import date
from typing import Any

from conftest import World
from tandem.core.models import PartnerInstitution, Person
from tandem.intake import services
from tandem.intake.models import Learner

TODAY = date(2026, 11, 2)


def publish_text(world: World, text: str = "I agree that my child takes part.") -> int:
    return services.consent_text_publish(programme=world.programme, actor=world.users["coordinator"],
                                         texts={"en": text, "nl": "Ik ga akkoord."})


def learner(world: World, *, age: int | None = 12, guardian_email: str = "ouder@example.org",
            institution: PartnerInstitution | None = None, **profile: Any) -> Learner:
    born = None if age is None else date(TODAY.year - age, 1, 1)
    return services.learner_create(
        programme=world.programme, actor=world.users["coordinator"],
        institution=institution or world.school, referrer=world.people["partner_contact"],
        person={"given_name": "Sem", "family_name": f"Pupil{Learner.objects.count()}",
                "date_of_birth": born, "language": "nl", "city": "Rotterdam"},
        profile={"languages": ["nl"], "availability": ["mon-afternoon", "wed-afternoon"], **profile},
        guardian={"email": guardian_email, "given_name": "Fatima", "language": "nl"}
        if guardian_email else None,
    )


def guardian_of(learner: Learner) -> Person:
    return Person.objects.get(ward_links__learner=learner.person)


def second_school(world: World) -> tuple[PartnerInstitution, Any]:
    """Another school in the same programme, with its own partner contact."""
    from conftest import make_member

    school = PartnerInstitution.objects.create(programme=world.programme, name="Zuidrandcollege",
                                               kind="secondary_school")
    user, _person = make_member(world.organisation, world.programme, "partner_contact",
                                "teacher@zuidrand.example", institution=school)
    return school, user


