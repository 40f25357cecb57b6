"""Learners in and out of CSV/XLSX, through core's shared import mechanism.

Which row is which learner: the e-mail address when the row has one, else given name, family
name and date of birth together (pupils often have no e-mail address). ``key`` is "email", so a
file with the same address twice is refused; rows without one are matched on the name and date
of birth. New rows enter intake as *referred* (source "import"), so the coordinator reviews them
like any referral. No special-category data is ever imported or exported here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tandem.core.availability import SLOTS
from tandem.core.importing import (
    Column,
    ImportSpec,
    parse_choice,
    parse_date,
    parse_email,
    parse_list,
)
from tandem.core.inputs import validate_learner_age
from tandem.core.models import GuardianLink, Person, Programme
from tandem.core.services import person_update
from tandem.intake import services
from tandem.intake.models import Learner, Level, Reason


def _person(name: str) -> Any:
    return Person._meta.get_field(name)


class LearnerSpec(ImportSpec):
    key = "email"

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.columns = [
            Column("given_name", required=True, field=_person("given_name")),
            Column("family_name", required=True, field=_person("family_name")),
            Column("email", parse=parse_email, field=_person("email")),
            Column("date_of_birth", parse=parse_date, help="YYYY-MM-DD",
                   field=_person("date_of_birth")),
            Column("institution", help=_("name of a partner institution")),
            Column("level", parse=parse_choice(Level.values), help=", ".join(Level.values)),
            Column("languages", parse=parse_list, help="nl, tr, ar"),
            Column("postcode", field=_person("postcode")),
            Column("city", field=_person("city")),
            Column("reasons", parse=parse_list, help=", ".join(Reason.values)),
            Column("availability", parse=parse_list, help="mon-afternoon, sat-morning"),
            Column("guardian_email", parse=parse_email, field=_person("email")),
        ]
        self._institutions = {p.name.lower(): p for p in programme.partners.all()}

    def find_existing(self, values: dict[str, Any]) -> Learner | None:
        learners = Learner.objects.filter(programme=self.programme).select_related("person")
        if values.get("email"):
            return learners.filter(person__email__iexact=values["email"]).first()
        if values.get("date_of_birth") is None:
            return None
        return learners.filter(
            person__given_name__iexact=values["given_name"],
            person__family_name__iexact=values["family_name"],
            person__date_of_birth=values["date_of_birth"],
        ).first()

    def validate(self, values: dict[str, Any], existing: Any) -> list[str]:
        errors = []
        if not values.get("email") and values.get("date_of_birth") is None:
            errors.append(_("Give an e-mail address or a date of birth, so the row can be "
                            "recognised next time."))
        name = values.get("institution") or ""
        if name and name.lower() not in self._institutions:
            errors.append(_("“%(name)s” is not a partner institution of this programme.")
                          % {"name": name})
        bad = [r for r in values.get("reasons", []) if r not in Reason.values]
        if bad:
            errors.append(_("Unknown reasons: %(reasons)s.") % {"reasons": ", ".join(bad)})
        slots = [s for s in values.get("availability", []) if s not in SLOTS]
        if slots:
            errors.append(_("Unknown time slots: %(slots)s.") % {"slots": ", ".join(slots)})
        if values.get("guardian_email") and values.get("guardian_email") == values.get("email"):
            errors.append(_("The guardian's e-mail address is the learner's own."))
        if existing is None:
            try:
                validate_learner_age(values.get("date_of_birth"))
            except ValidationError as exc:
                errors.extend(exc.messages)
        return errors

    def _profile(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"level": values.get("level", ""), "languages": [c.lower() for c in values.get("languages", [])],
                "reasons": values.get("reasons", []), "availability": values.get("availability", [])}

    def apply(self, values: dict[str, Any], existing: Learner | None, actor: Any) -> None:
        """Through the same services as the forms, so every change is in the audit trail."""
        institution = self._institutions.get((values.get("institution") or "").lower())
        guardian = {"email": values.get("guardian_email", "")}
        if existing is None:
            services.learner_create(
                programme=self.programme, actor=actor, institution=institution,
                source=Learner.Source.IMPORT, guardian=guardian, profile=self._profile(values),
                person={k: values.get(k) for k in ("given_name", "family_name", "email",
                                                   "date_of_birth", "postcode", "city")},
            )
            return
        person = existing.person
        person_fields = {k: values[k] for k in ("given_name", "family_name", "email",
                                                 "date_of_birth", "postcode", "city")
                         if k in values and values[k] is not None and getattr(person, k) != values[k]}
        if person_fields:
            person_update(person=person, actor=actor, programme=self.programme,
                          expected_version=person.version, **person_fields)
        services.learner_update(
            learner=existing, actor=actor, expected_version=existing.version,
            institution=institution or existing.institution, **self._profile(values),
        )
        if guardian["email"]:
            services.guardian_link(learner_person=person, guardian=guardian, actor=actor,
                                   programme=self.programme)

    def export_rows(self) -> Iterable[dict[str, Any]]:
        learners = Learner.objects.filter(programme=self.programme).select_related("person", "institution").order_by(
            "person__family_name", "person__given_name", "pk")
        links = GuardianLink.objects.filter(
            learner__learner_records__programme=self.programme
        ).values_list("learner_id", "guardian__email")
        guardian_email: dict[int, str] = {}
        for learner_id, email in links:
            if email:
                guardian_email.setdefault(learner_id, email)
        for learner in learners:
            person: Person = learner.person
            yield {
                "given_name": person.given_name, "family_name": person.family_name,
                "email": person.email, "date_of_birth": person.date_of_birth,
                "institution": learner.institution.name if learner.institution else "",
                "level": learner.level, "languages": learner.languages,
                "postcode": person.postcode, "city": person.city, "reasons": learner.reasons,
                "availability": learner.availability,
                "guardian_email": guardian_email.get(person.pk, ""),
            }
