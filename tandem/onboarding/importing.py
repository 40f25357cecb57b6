"""Import and export of a programme's volunteers (CSV/XLSX) through core's import machinery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tandem.core.importing import (
    FAMILY_NAME_ALIASES,
    GIVEN_NAME_ALIASES,
    Choices,
    Column,
    ImportSpec,
    fields_column,
    languages_column,
    parse_email,
    slots_column,
)
from tandem.core.models import Because, Person, Programme
from tandem.core.places import geocode
from tandem.core.services import person_update
from tandem.onboarding import services
from tandem.onboarding.models import Volunteer, VolunteerState

# States a new row may start in: *ready* and *active* need screening first, so a file cannot
# skip the checks.
NEW_ROW_STATES = ("applied", "screening", "training", "paused", "withdrawn", "rejected", "alumni")
PERSON_COLUMNS = ("given_name", "family_name", "phone", "postcode", "city")


def _person(name: str) -> Any:
    return Person._meta.get_field(name)


class VolunteerSpec(ImportSpec):
    key = "email"
    preview_columns = ("given_name", "family_name", "email")

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        states = Choices(VolunteerState.choices)
        self.columns = [
            Column("given_name", label=pgettext_lazy("file column", "Given name"), required=True,
                   field=_person("given_name"), aliases=GIVEN_NAME_ALIASES),
            Column("family_name", label=pgettext_lazy("file column", "Family name"), required=True,
                   field=_person("family_name"), aliases=FAMILY_NAME_ALIASES),
            Column("email", label=pgettext_lazy("file column", "E-mail"), required=True,
                   parse=parse_email, field=_person("email")),
            Column("phone", label=pgettext_lazy("file column", "Phone"), field=_person("phone")),
            Column("postcode", label=pgettext_lazy("file column", "Postcode"),
                   field=_person("postcode")),
            Column("city", label=pgettext_lazy("file column", "City"), field=_person("city")),
            languages_column(),
            fields_column(programme, "expertise", pgettext_lazy("file column", "Expertise"),
                          ("electrician", "maths")),
            slots_column("availability", ("mon-evening", "sat-morning")),
            Column("state", label=pgettext_lazy("file column", "Status"), parse=states.parse,
                   write=states.write, example=states.example(NEW_ROW_STATES[:2], ellipsis=True)),
        ]

    def find_existing(self, values: dict[str, Any]) -> Volunteer | None:
        return (
            Volunteer.objects.filter(programme=self.programme).filter(person__email__iexact=values["email"])
            .select_related("person", "programme__organisation")
            .first()
        )

    def find_existing_many(self, rows: Sequence[dict[str, Any]]) -> list[Volunteer | None]:
        """``find_existing`` for a whole file in one query."""
        emails = {values["email"].lower() for values in rows}
        by_email: dict[str, Volunteer] = {}
        if emails:
            found = (
                Volunteer.objects.filter(programme=self.programme)
                .annotate(email_lower=Lower("person__email")).filter(email_lower__in=emails)
                .select_related("person", "programme__organisation")
            )
            for volunteer in found:
                by_email.setdefault(volunteer.person.email.lower(), volunteer)
        return [by_email.get(values["email"].lower()) for values in rows]

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
        """Through the same services as the forms, so every change is in the audit trail."""
        person_data = {k: values.get(k) or "" for k in PERSON_COLUMNS}
        coordinates = geocode(postcode=person_data["postcode"], city=person_data["city"],
                              programme=self.programme)
        lists = {k: values.get(k) or [] for k in ("languages", "expertise", "availability")}
        if existing is None:
            location: dict[str, float | None] = (
                {"latitude": coordinates[0], "longitude": coordinates[1]} if coordinates else {})
            languages = [code for code in self.programme.languages if code in ("en", "nl", "fr", "de")]
            services.volunteer_create(
                programme=self.programme, actor=actor, state=values.get("state") or "applied",
                reason=Because.IMPORTED, **lists, **location,
                person={**person_data, "email": values["email"],
                        "language": languages[0] if languages else "en"},
            )
            return
        person = existing.person
        moved = (person.postcode, person.city) != (person_data["postcode"], person_data["city"])
        changed = {k: v for k, v in person_data.items() if getattr(person, k) != v}
        if changed:
            person_update(person=person, actor=actor, programme=self.programme,
                          expected_version=person.version, **changed)
        # A new address moves the point, or clears it when it cannot be placed (the volunteer is
        # flagged); an unchanged one keeps the point a coordinator may have typed.
        location = {}
        if moved or existing.latitude is None:
            location = {"latitude": coordinates[0] if coordinates else None,
                        "longitude": coordinates[1] if coordinates else None}
        services.volunteer_update(volunteer=existing, actor=actor, expected_version=None, **lists,
                                  **location)
        state = values.get("state")
        if state and state != existing.state:
            services.volunteer_transition(
                volunteer=existing, to_state=state, actor=actor, reason=Because.IMPORTED
            )

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
