"""Reads of the core domain. Every function takes the programme (or organisation) it reads
through, so nothing here can return another organisation's rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tandem.core.models import (
    AuditEvent,
    Invitation,
    LoginEvent,
    Membership,
    Organisation,
    Person,
    Programme,
    Role,
)
from tandem.core.roles import roles_for

# Observers see counts only; a group smaller than this is shown as "fewer than 5" so nobody can
# be singled out (the usual small-cell suppression of official statistics).
SMALL_GROUP = 5


def programme_people(
    *, programme: Programme, query: str = "", role: str = ""
) -> QuerySet[Person]:
    memberships = programme.memberships.all()
    if role:
        memberships = memberships.filter(role=role)
    people = Person.objects.filter(
        organisation_id=programme.organisation_id,
        pk__in=memberships.values("person_id"),
    )
    for word in query.split():
        people = people.filter(
            Q(given_name__icontains=word) | Q(family_name__icontains=word)
            | Q(email__icontains=word) | Q(city__icontains=word)
        )
    return people.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.filter(programme=programme).select_related("institution"),
            to_attr="programme_memberships",
        )
    ).select_related("user")


def programme_person(*, programme: Programme, pk: int) -> Person:
    """A person who holds a role in this programme; ``Person.DoesNotExist`` otherwise."""
    return Person.objects.filter(
        organisation_id=programme.organisation_id, memberships__programme=programme
    ).distinct().get(pk=pk)


def person_audit(*, person: Person, limit: int = 100) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(person=person, organisation_id=person.organisation_id)
        .select_related("actor", "programme")[:limit]
    )


def role_counts(*, programme: Programme) -> dict[str, int]:
    rows = programme.memberships.values("role").annotate(n=Count("id"))
    counts = {role: 0 for role in Role.values if role != Role.ORG_ADMIN}
    counts.update({row["role"]: row["n"] for row in rows})
    return counts


@dataclass(frozen=True)
class SuppressedCount:
    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < SMALL_GROUP


def aggregate_counts(*, programme: Programme) -> dict[str, SuppressedCount]:
    return {role: SuppressedCount(n) for role, n in role_counts(programme=programme).items()}


def programmes_for_user(user: Any) -> list[tuple[Programme, frozenset[str]]]:
    """Every programme the user holds a role in, with the roles."""
    memberships = Membership.objects.filter(person__user=user).select_related(
        "programme__organisation", "organisation"
    )
    admin_orgs = {m.organisation_id for m in memberships if m.role == Role.ORG_ADMIN}
    programmes = {m.programme.pk: m.programme for m in memberships if m.programme is not None}
    for programme in Programme.objects.filter(organisation_id__in=admin_orgs).select_related(
        "organisation"
    ):
        programmes[programme.pk] = programme
    ordered = sorted(programmes.values(), key=lambda p: (p.organisation.name, p.name))
    return [(programme, roles_for(user, programme)) for programme in ordered]


def organisations_administered(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__person__user=user, memberships__role=Role.ORG_ADMIN
    ).distinct()


def person_for_user(*, programme: Programme, user: Any) -> Person | None:
    return Person.objects.filter(organisation_id=programme.organisation_id, user=user).first()


def pending_invitations(*, programme: Programme) -> QuerySet[Invitation]:
    return programme.invitations.filter(accepted__isnull=True, revoked__isnull=True).select_related(
        "invited_by"
    )


def wards_of(*, guardian: Person, programme: Programme) -> QuerySet[Person]:
    return Person.objects.filter(
        guardian_links__guardian=guardian,
        memberships__programme=programme,
        memberships__role=Role.LEARNER,
    ).distinct()


def coordinators_of(*, programme: Programme) -> QuerySet[Person]:
    return Person.objects.filter(
        memberships__programme=programme, memberships__role=Role.COORDINATOR
    ).distinct()


def recent_programme_audit(*, programme: Programme, limit: int = 8) -> list[AuditEvent]:
    return list(
        programme.audit_events.exclude(action=AuditEvent.Action.VIEWED)
        .select_related("actor", "person")[:limit]
    )


def login_history(*, user: Any, limit: int = 20) -> list[LoginEvent]:
    """The user's own recent log-ins and failed attempts, newest first."""
    return list(LoginEvent.objects.filter(user=user)[:limit])
