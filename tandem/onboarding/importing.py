"""Import and export of a programme's volunteers (CSV/XLSX) through core's import machinery."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.availability import SLOTS
from tandem.core.importing import Column, ImportSpec, parse_choice, parse_email, parse_list
from tandem.core.models import Because, Person, Programme
from tandem.core.places import geocode
from tandem.onboarding import services
from tandem.onboarding.models import Volunteer, VolunteerState, VolunteerTransition

# States a new row may start in: *ready* and *active* need screening first, so a file cannot
# skip the checks.
NEW_ROW_STATES = ("applied", "screening", "training", "paused", "withdrawn", "rejected", "alumni")


def _parse_languages(value: str) -> list[str]:
    codes = [c.lower() for c in parse_list(value)]
    for code in codes:
        if not (2 <= len(code) <= 3 and code.isalpha()):
            raise ValidationError(_("“%(code)s” is not a language code.") % {"code": code})
    return codes


def _parse_availability(value: str) -> list[str]:
    slots = [s.lower() for s in parse_list(value)]
    unknown = [s for s in slots if s not in SLOTS]
    if unknown:
        raise ValidationError(
            _("Unknown availability %(slots)s (use e.g. mon-evening, sat-morning).")
            % {"slots": ", ".join(unknown)}
        )
    return slots


class VolunteerSpec(ImportSpec):
    key = "email"

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        self.columns = [
            Column("given_name", required=True),
            Column("family_name", required=True),
            Column("email", required=True, parse=parse_email),
            Column("phone"),
            Column("postcode"),
            Column("city"),
            Column("languages", parse=_parse_languages, example="nl, tr, ar"),
            Column("expertise", parse=parse_list, example="electrician, maths"),
            Column("availability", parse=_parse_availability, example="mon-evening, sat-morning"),
            Column("state", parse=parse_choice(VolunteerState.values), example="applied, screening…"),
        ]

    def find_existing(self, values: dict[str, Any]) -> Volunteer | None:
        return (
            Volunteer.objects.filter(programme=self.programme).filter(person__email__iexact=values["email"])
            .select_related("person", "programme__organisation")
            .first()
        )

    def validate(self, values: dict[str, Any], existing: Volunteer | None) -> list[str]:
        state = values.get("state") or ""
        if existing is None:
            if state and state not in NEW_ROW_STATES:
                return [_("A new volunteer cannot start as “%(state)s”: they need screening first.")
                        % {"state": VolunteerState(state).label}]
            return []
        if state and state != existing.state:
            return services.transition_errors(
                volunteer=existing, to_state=state, today=timezone.localdate()
            )
        return []

    def apply(self, values: dict[str, Any], existing: Volunteer | None, actor: Any) -> None:
        person_data = {k: values.get(k) or "" for k in ("given_name", "family_name", "phone",
                                                         "postcode", "city")}
        coordinates = geocode(country=self.programme.country, postcode=person_data["postcode"],
                              city=person_data["city"])
        lists = {k: values.get(k) or [] for k in ("languages", "expertise", "availability")}
        if existing is None:
            self._create(values, person_data, lists, coordinates, actor)
            return
        person = existing.person
        for key, value in person_data.items():
            setattr(person, key, value)
        person.full_clean()
        person.version += 1
        person.save()
        location = {"latitude": coordinates[0], "longitude": coordinates[1]} if coordinates else {}
        services.volunteer_update(volunteer=existing, actor=actor, **lists, **location)
        state = values.get("state")
        if state and state != existing.state:
            services.volunteer_transition(
                volunteer=existing, to_state=state, actor=actor, reason=Because.IMPORTED
            )

    def _create(self, values: dict[str, Any], person_data: dict[str, str],
                lists: dict[str, list[str]], coordinates: tuple[float, float] | None,
                actor: Any) -> None:
        programme = self.programme
        person = Person.objects.filter(
            organisation=programme.organisation, email__iexact=values["email"]
        ).first()
        if person is None:
            person = Person(organisation=programme.organisation, email=values["email"],
                            language=programme.languages[0] if programme.languages and
                            programme.languages[0] in ("en", "nl", "fr", "de") else "en",
                            **person_data)
            person.full_clean()
            person.save()
        volunteer = Volunteer(
            programme=programme, person=person, state=values.get("state") or "applied",
            capacity=programme.requirement("mentor_capacity"),
            latitude=coordinates[0] if coordinates else None,
            longitude=coordinates[1] if coordinates else None, **lists,
        )
        volunteer.full_clean()
        volunteer.save()
        VolunteerTransition.objects.create(
            volunteer=volunteer, from_state="", to_state=volunteer.state,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            reason=Because.IMPORTED,
        )
        services.audit_volunteer(volunteer, actor, {"state": [None, volunteer.state]},
                                 note=Because.IMPORTED)

    def export_rows(self) -> Iterable[dict[str, Any]]:
        for volunteer in Volunteer.objects.filter(programme=self.programme).select_related("person"):
            person = volunteer.person
            yield {
                "given_name": person.given_name, "family_name": person.family_name,
                "email": person.email, "phone": person.phone, "postcode": person.postcode,
                "city": person.city, "languages": volunteer.languages,
                "expertise": volunteer.expertise, "availability": volunteer.availability,
                "state": volunteer.state,
            }
