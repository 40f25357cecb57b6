"""Learners in and out of CSV/XLSX, through core's shared import mechanism.

Which row is which learner: the e-mail address when the row has one, else given name, family
name and date of birth together (pupils often have no e-mail address). ``key`` is "email", so a
file with the same address twice is refused; rows without one are matched on the name and date
of birth. New rows enter intake as *referred* (source "import"), so the coordinator reviews them
like any referral. No special-category data is ever imported or exported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.core.importing import (
    FAMILY_NAME_ALIASES,
    GIVEN_NAME_ALIASES,
    Choices,
    Column,
    ImportSpec,
    date_pattern,
    fields_column,
    languages_column,
    parse_date,
    parse_email,
    slots_column,
)
from tandem.core.inputs import validate_learner_age
from tandem.core.models import GuardianLink, Person, Programme
from tandem.core.services import person_update
from tandem.intake import services
from tandem.intake.levels import Level, country_levels, parse_level
from tandem.intake.models import Learner, Reason


def _person(name: str) -> Any:
    return Person._meta.get_field(name)


class LearnerSpec(ImportSpec):
    key = "email"
    preview_columns = ("given_name", "family_name", "email")

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self._institutions = {p.name.lower(): p for p in programme.partners.all()}
        levels = Choices([(code, label) for code, label in Level.choices
                          if code in country_levels(programme.country)])
        reasons = Choices(Reason.choices)
        self.columns = [
            Column("given_name", label=pgettext_lazy("file column", "Given name"), required=True,
                   field=_person("given_name"), aliases=GIVEN_NAME_ALIASES),
            Column("family_name", label=pgettext_lazy("file column", "Family name"), required=True,
                   field=_person("family_name"), aliases=FAMILY_NAME_ALIASES),
            Column("email", label=pgettext_lazy("file column", "E-mail"), parse=parse_email,
                   field=_person("email")),
            Column("date_of_birth", label=pgettext_lazy("file column", "Date of birth"),
                   parse=parse_date, example=date_pattern(), field=_person("date_of_birth")),
            Column("institution", label=pgettext_lazy("file column", "Institution"),
                   parse=self._parse_institution, help=_("name of a partner institution")),
            Column("level", label=pgettext_lazy("file column", "Level"),
                   parse=parse_level(programme.country), write=levels.write,
                   example=levels.example()),
            languages_column(),
            Column("postcode", label=pgettext_lazy("file column", "Postcode"),
                   field=_person("postcode")),
            Column("city", label=pgettext_lazy("file column", "City"), field=_person("city")),
            Column("reasons", label=pgettext_lazy("file column", "Reasons"),
                   parse=reasons.parse_many, write=reasons.write,
                   example=reasons.example(("motivation", "exam_preparation"))),
            fields_column(programme, "needs", pgettext_lazy("file column", "Needs"),
                          ("maths", "electrician")),
            slots_column("availability", ("mon-afternoon", "sat-morning")),
            Column("guardian_email", label=pgettext_lazy("file column", "Parents' e-mail"),
                   parse=parse_email, field=_person("email")),
        ]

    def _parse_institution(self, text: str) -> str:
        name = text.strip()
        if name and name.lower() not in self._institutions:
            raise ValidationError(_("“%(name)s” is not a partner institution of this programme.")
                                  % {"name": name})
        return name

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

    def find_existing_many(self, rows: Sequence[dict[str, Any]]) -> list[Learner | None]:
        """``find_existing`` for a whole file in two queries: by e-mail, else by name and date
        of birth (the first match in the model's order, as ``first()`` takes it)."""
        learners = Learner.objects.filter(programme=self.programme).select_related("person")
        emails = {values["email"].lower() for values in rows if values.get("email")}
        births = {values["date_of_birth"] for values in rows
                  if not values.get("email") and values.get("date_of_birth") is not None}
        by_email: dict[str, Learner] = {}
        by_name: dict[tuple[str, str, Any], Learner] = {}
        if emails:
            for by_mail in learners.annotate(email_lower=Lower("person__email")).filter(email_lower__in=emails):
                by_email.setdefault(by_mail.person.email.lower(), by_mail)
        if births:
            for found in learners.filter(person__date_of_birth__in=births):
                person = found.person
                by_name.setdefault((person.given_name.lower(), person.family_name.lower(), person.date_of_birth),
                                   found)
        result: list[Learner | None] = []
        for values in rows:
            if values.get("email"):
                result.append(by_email.get(values["email"].lower()))
            elif values.get("date_of_birth") is None:
                result.append(None)
            else:
                result.append(by_name.get((values["given_name"].lower(), values["family_name"].lower(),
                                           values["date_of_birth"])))
        return result

    def validate(self, values: dict[str, Any], existing: Any) -> list[str]:
        errors = []
        if not values.get("email") and values.get("date_of_birth") is None:
            errors.append(_("Give an e-mail address or a date of birth, so the row can be "
                            "recognised next time."))
        bad = [r for r in values.get("reasons", []) if r not in Reason.values]
        if bad:
            errors.append(_("Unknown reasons: %(reasons)s.") % {"reasons": ", ".join(bad)})
        if values.get("guardian_email") and values.get("guardian_email") == values.get("email"):
            errors.append(_("The guardian's e-mail address is the learner's own."))
        if existing is None:
            try:
                validate_learner_age(values.get("date_of_birth"))
            except ValidationError as exc:
                errors.extend(exc.messages)
        return errors

    def _profile(self, values: dict[str, Any]) -> dict[str, Any]:
        return {"level": values.get("level", ""), "languages": values.get("languages", []),
                "reasons": values.get("reasons", []), "needs": values.get("needs", []),
                "availability": values.get("availability", [])}

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
        # The address goes through learner_update, which places the learner again.
        person_fields = {k: values[k] for k in ("given_name", "family_name", "email",
                                                 "date_of_birth")
                         if k in values and values[k] is not None and getattr(person, k) != values[k]}
        if person_fields:
            person_update(person=person, actor=actor, programme=self.programme,
                          expected_version=person.version, **person_fields)
        services.learner_update(
            learner=existing, actor=actor, expected_version=existing.version,
            postcode=values.get("postcode"), city=values.get("city"),
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
                "needs": learner.needs, "availability": learner.availability,
                "guardian_email": guardian_email.get(person.pk, ""),
            }
