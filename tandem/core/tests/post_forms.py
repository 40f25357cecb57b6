"""What each of core's POST URLs does, for test_concurrent_edits (see ``core.testing.Edit``)."""

from __future__ import annotations

from typing import Any

from tandem.core.models import Field, Invitation, Membership, Person, Programme, Site
from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs


def _person_kwargs(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": world.people["learner"].pk}


def _field_kwargs(world: Any) -> dict[str, Any]:
    field = Field.objects.create(programme=world.programme, code="chess", label_en="chess",
                                 synonyms={"en": ["checkmate"]})
    return {**programme_kwargs(world), "pk": field.pk}


FORMS: dict[str, FormKind] = {
    "core:set_language": NotAnEdit(
        "One click sets one's own interface language; it moves the account's version on, so an "
        "account form opened before it is refused."),
    # Two browsers of the same user.
    "core:account": Edit(first={"full_name": "Corrie Koster"}, second={"language": "nl"},
                         shown=("Corrie Koster", "Dutch"), personas=("coordinator", "coordinator")),
    "core:invitation_accept": NotAnEdit(
        "Accepted once: the invitation is claimed by a conditional update (test_invitations)."),
    "core:programme_create": Create(
        data=lambda w: {"name": "Zomerkamp", "slug": "zomerkamp"}, count=Programme.objects.count,
        kwargs=lambda w: {"org": w.organisation.slug}, persona="org_admin"),
    "core:programme_edit": Edit(first={"commitment": "Two hours a week for a school year"},
                                second={"session_minutes": "90"},
                                shown=("Two hours a week for a school year", "90")),
    "core:fields": Create(data=lambda w: {"label_en": "Chess", "synonyms_nl": "schaken"},
                          count=Field.objects.count),
    "core:field_edit": Edit(first={"label_nl": "schaken"}, second={"synonyms_en": "checkmate, draughts"},
                            shown=("schaken", "checkmate, draughts"), kwargs=_field_kwargs),
    "core:person_create": Create(
        data=lambda w: {"given_name": "Ayla", "family_name": "Demir", "role": "mentor"},
        count=Person.objects.count),
    "core:person_edit": Edit(first={"city": "Delft"}, second={"phone": "+31 10 123 4567"},
                             shown=("Delft", "+31 10 123 4567"), kwargs=_person_kwargs),
    "core:person_role_add": Create(data=lambda w: {"role": "observer"}, count=Membership.objects.count,
                                   kwargs=_person_kwargs),
    "core:person_role_remove": NotAnEdit(
        "Removes a role: the second of two clicks finds nothing left to remove."),
    "core:sites": Create(data=lambda w: {"name": "Charlois", "city": "Rotterdam"}, count=Site.objects.count),
    "core:partners": Create(data=lambda w: {"name": "Zuiderpark College", "kind": "secondary_school"},
                            count=lambda: Programme.objects.get(slug="moz").partners.count()),
    "core:invitations": Create(data=lambda w: {"email": "new-mentor@zuid.example", "role": "mentor"},
                               count=Invitation.objects.count),
    "core:invitation_revoke": NotAnEdit("A conditional update: revoking twice revokes once."),
    "core:calendar_renew": NotAnEdit(
        "One's own calendar link: one row per user (a unique key), so a second click replaces the "
        "link made by the first; there is nothing two people could edit at once."),
    "core:calendar_stop": NotAnEdit("Deletes one's own calendar link: the second click finds none."),
}
