"""Writes of the core domain: keyword-only functions, one transaction each, audited.

Views call these; they never take a request. They raise ``ValidationError`` with a message a
coordinator understands.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record, diff
from tandem.core.integrity import save_checked
from tandem.core.models import (
    AuditEvent,
    Invitation,
    Membership,
    Organisation,
    PartnerInstitution,
    Person,
    Programme,
    Role,
    Site,
    User,
)
from tandem.core.requirements import validate_requirements
from tandem.core.roles import forget_roles

PERSON_FIELDS = (
    "given_name", "family_name", "email", "phone", "date_of_birth", "language", "postcode", "city",
)
PROGRAMME_FIELDS = (
    "name", "description", "format", "country", "languages", "cycle_start", "cycle_end",
    "cycle_weeks", "meeting_cadence", "session_minutes", "commitment", "requirements",
    "is_active",
)

Action = AuditEvent.Action


class EditConflict(ValidationError):
    """Someone else saved the same record since the editor loaded it."""


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}


def person_create(
    *, organisation: Organisation, actor: Any, programme: Programme | None = None, **data: Any
) -> Person:
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        person = Person(organisation=organisation, **data)
        person.full_clean()
        save_checked(person)
        audit_record(
            organisation=organisation, programme=programme, actor=actor, person=person,
            action=Action.CREATED, subject=f"person:{person.pk}",
            changes=diff({}, {k: v for k, v in _snapshot(person, PERSON_FIELDS).items() if v}),
        )
    return person


def person_update(
    *, person: Person, actor: Any, expected_version: int, programme: Programme | None = None,
    **data: Any,
) -> Person:
    """Save ``data`` on ``person`` unless someone else saved it since ``expected_version``."""
    unknown = set(data) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"unknown person fields: {sorted(unknown)}")
    with transaction.atomic():
        current = Person.objects.select_for_update().get(pk=person.pk)
        if current.version != expected_version:
            raise EditConflict(
                _(
                    "Someone else changed this person while you were editing. Your changes were "
                    "not saved; the form shows them next to the current values."
                ),
                code="conflict",
            )
        before = _snapshot(current, PERSON_FIELDS)
        for key, value in data.items():
            setattr(current, key, value)
        current.full_clean()
        changes = diff(before, _snapshot(current, PERSON_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save()
        audit_record(
            organisation=current.organisation, programme=programme, actor=actor, person=current,
            action=Action.UPDATED, subject=f"person:{current.pk}", changes=changes,
        )
    return current


def membership_grant(
    *,
    person: Person,
    role: str,
    actor: Any,
    programme: Programme | None = None,
    institution: PartnerInstitution | None = None,
) -> Membership:
    if role == Role.ORG_ADMIN:
        programme = None
    elif programme is None:
        raise ValidationError(_("This role is held in a programme; choose the programme."))
    if programme is not None and programme.organisation_id != person.organisation_id:
        raise ValidationError(_("This person belongs to another organisation."))
    if institution is not None and institution.programme_id != getattr(programme, "pk", None):
        raise ValidationError(_("That institution is not a partner of this programme."))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            person=person, programme=programme, role=role,
            defaults={"organisation": person.organisation, "institution": institution},
        )
        if not created:
            raise ValidationError(
                _("%(person)s already has this role.") % {"person": person.full_name}
            )
        audit_record(
            organisation=person.organisation, programme=programme, actor=actor, person=person,
            action=Action.ROLE_GRANTED, subject=f"membership:{membership.pk}",
            changes={"role": [None, role], "institution": [None, str(institution or "")]},
        )
    if actor is not None:
        forget_roles(actor)
    return membership


def membership_revoke(*, membership: Membership, actor: Any, reason: str = "") -> None:
    with transaction.atomic():
        if (
            membership.role == Role.ORG_ADMIN
            and Membership.objects.filter(
                organisation=membership.organisation, role=Role.ORG_ADMIN
            ).count()
            == 1
        ):
            raise ValidationError(_("An organisation needs at least one organisation admin."))
        audit_record(
            organisation=membership.organisation, programme=membership.programme, actor=actor,
            person=membership.person, action=Action.ROLE_REVOKED,
            subject=f"membership:{membership.pk}", changes={"role": [membership.role, None]},
            note=reason,
        )
        membership.delete()
    if actor is not None:
        forget_roles(actor)


def programme_update(
    *, programme: Programme, actor: Any, expected_version: int, **data: Any
) -> Programme:
    unknown = set(data) - set(PROGRAMME_FIELDS)
    if unknown:
        raise TypeError(f"unknown programme fields: {sorted(unknown)}")
    if "requirements" in data:
        validate_requirements(data["requirements"])
    with transaction.atomic():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        if current.version != expected_version:
            raise EditConflict(
                _("Someone else changed this programme while you were editing. Reload and retry."),
                code="conflict",
            )
        before = _snapshot(current, PROGRAMME_FIELDS)
        for key, value in data.items():
            setattr(current, key, value)
        current.full_clean()
        changes = diff(before, _snapshot(current, PROGRAMME_FIELDS))
        if changes:
            current.version += 1
            current.save()
            audit_record(
                organisation=current.organisation, programme=current, actor=actor,
                action=Action.UPDATED, subject=f"programme:{current.pk}", changes=changes,
            )
    return current


def programme_create(*, organisation: Organisation, actor: Any, **data: Any) -> Programme:
    with transaction.atomic():
        programme = Programme(organisation=organisation, **data)
        programme.full_clean()
        save_checked(programme)
        audit_record(
            organisation=organisation, programme=programme, actor=actor, action=Action.CREATED,
            subject=f"programme:{programme.pk}", changes={"name": [None, programme.name]},
        )
    return programme


def site_create(*, programme: Programme, actor: Any, **data: Any) -> Site:
    with transaction.atomic():
        site = Site(programme=programme, **data)
        site.full_clean()
        # Two coordinators adding the same site at once: the second gets the unique
        # constraint's message ("already has a site with this name"), not a server error.
        save_checked(site)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"site:{site.pk}", changes={"name": [None, site.name]},
        )
    return site


def partner_create(*, programme: Programme, actor: Any, **data: Any) -> PartnerInstitution:
    with transaction.atomic():
        partner = PartnerInstitution(programme=programme, **data)
        partner.full_clean()
        save_checked(partner)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor,
            action=Action.CREATED, subject=f"partner:{partner.pk}",
            changes={"name": [None, partner.name]},
        )
    return partner


def invitation_create(
    *,
    programme: Programme,
    email: str,
    role: str,
    actor: Any,
    language: str,
    person: Person | None = None,
) -> Invitation:
    from tandem.core.tasks import send_invitation_email

    email = email.strip().lower()
    if role == Role.ORG_ADMIN:
        raise ValidationError(_("Organisation admins are appointed by another admin, not invited."))
    with transaction.atomic():
        invitation = Invitation(
            programme=programme, email=email, role=role, person=person, invited_by=actor,
            language=language,
        )
        invitation.full_clean()
        save_checked(invitation)
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor, person=person,
            action=Action.INVITED, subject=f"invitation:{invitation.pk}",
            changes={"email": [None, email], "role": [None, role]},
        )
        pk = invitation.pk
        transaction.on_commit(lambda: send_invitation_email.enqueue(pk))
    return invitation


def invitation_revoke(*, invitation: Invitation, actor: Any) -> None:
    with transaction.atomic():
        Invitation.objects.filter(pk=invitation.pk, revoked__isnull=True).update(
            revoked=timezone.now()
        )
        audit_record(
            organisation=invitation.programme.organisation, programme=invitation.programme,
            actor=actor, person=invitation.person, action=Action.UPDATED,
            subject=f"invitation:{invitation.pk}", changes={"revoked": [None, True]},
        )


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the programme: link (or create) the user's person in the organisation and grant
    the role. The token works once: claiming it is a conditional update."""
    organisation = invitation.programme.organisation
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted__isnull=True, revoked__isnull=True,
            expires__gt=timezone.now(),
        ).update(accepted=timezone.now())
        if claimed != 1:
            # Another tab or person used, revoked or outlived it first.
            raise ValidationError(_("This invitation is no longer valid."))
        person = invitation.person or Person.objects.filter(
            organisation=organisation, user=user
        ).first()
        if person is None:
            given, _sep, family = (user.full_name or user.email.split("@")[0]).partition(" ")
            person = Person.objects.create(
                organisation=organisation, user=user, given_name=given, family_name=family,
                email=user.email, language=invitation.language,
            )
        elif person.user_id is None:
            person.user = user
            try:
                person.save(update_fields=["user"])
            except IntegrityError as exc:
                raise ValidationError(
                    _("Your log-in is already linked to someone else in this organisation.")
                ) from exc
        audit_record(
            organisation=organisation, programme=invitation.programme, actor=user, person=person,
            action=Action.INVITATION_ACCEPTED, subject=f"invitation:{invitation.pk}",
        )
        existing = Membership.objects.filter(
            person=person, programme=invitation.programme, role=invitation.role
        ).first()
        if existing is not None:
            return existing
        return membership_grant(
            person=person, programme=invitation.programme, role=invitation.role, actor=user
        )
