"""Roles as named predicates (the ``rules`` package), shared by views, templates, the API and tests.

A user's roles in a programme, and their person in its organisation, are read once per request and
cached on the user object, so a page that asks ten questions about roles costs one query.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from tandem.core.models import Membership, Organisation, Person, Programme, Role

_CACHE_ATTR = "_tandem_roles"
_PERSON_CACHE_ATTR = "_tandem_person"


def roles_for(user: Any, programme: Programme) -> frozenset[str]:
    """The roles ``user`` holds in ``programme`` (organisation admins hold theirs everywhere)."""
    if user is None or not user.is_authenticated:
        return frozenset()
    # getattr/setattr, not user.__dict__: request.user is a lazy proxy whose own __dict__ is not
    # the user's, and permission checks receive the user itself; both must share one cache.
    cache: dict[int, frozenset[str]] | None = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _CACHE_ATTR, cache)
    if programme.pk not in cache:
        cache[programme.pk] = frozenset(
            Membership.objects.filter(person__user=user, organisation_id=programme.organisation_id)
            .filter(Q(programme=programme) | Q(programme__isnull=True, role=Role.ORG_ADMIN))
            .values_list("role", flat=True)
        )
    return cache[programme.pk]


def reads_as_learner(roles: frozenset[str]) -> bool:
    """Whether the reader of a page shared by several roles is a learner and nothing else (not
    also a mentor, a guardian or staff): French then says *tu*, through the msgctxt "to a
    learner" variant of the page's strings (docs/architecture.md, "How Tandem addresses people")."""
    return Role.LEARNER in roles and not roles - {Role.LEARNER}


def person_of(user: Any, organisation_id: int) -> Person | None:
    """``user``'s person in the organisation, read once per request like the roles (the
    programme's page, its panels and the apps' selectors all ask). Only a person found is kept:
    one linked later in the same request (an invitation accepted) is found then."""
    if user is None or not user.is_authenticated:
        return None
    cache: dict[int, Person] | None = getattr(user, _PERSON_CACHE_ATTR, None)
    if cache is None:
        cache = {}
        setattr(user, _PERSON_CACHE_ATTR, cache)
    if organisation_id not in cache:
        person = Person.objects.filter(organisation_id=organisation_id, user=user).first()
        if person is None:
            return None
        cache[organisation_id] = person
    return cache[organisation_id]


def forget_roles(user: Any) -> None:
    """Drop the cached roles (and person), e.g. after a role was granted in the same request."""
    if getattr(user, _CACHE_ATTR, None) is not None:
        setattr(user, _CACHE_ATTR, None)
    if getattr(user, _PERSON_CACHE_ATTR, None) is not None:
        setattr(user, _PERSON_CACHE_ATTR, None)


def is_member_of_organisation(user: Any, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(person__user=user, organisation=organisation).exists()


def _has_role(*wanted: str) -> rules.Predicate:
    def predicate(user: Any, programme: Programme | None) -> bool:
        if not isinstance(programme, Programme):
            return False
        return bool(roles_for(user, programme) & set(wanted))

    predicate.__name__ = "is_" + "_or_".join(wanted)
    return rules.predicate(predicate)


is_org_admin = _has_role(Role.ORG_ADMIN)
# An organisation admin can do everything a coordinator can in every programme of theirs.
is_coordinator = _has_role(Role.COORDINATOR, Role.ORG_ADMIN)
is_mentor = _has_role(Role.MENTOR)
is_learner = _has_role(Role.LEARNER)
is_guardian = _has_role(Role.GUARDIAN)
is_supervisor = _has_role(Role.SUPERVISOR)
is_partner_contact = _has_role(Role.PARTNER_CONTACT)
is_observer = _has_role(Role.OBSERVER)
is_member = _has_role(*Role.values)


@rules.predicate
def is_admin_of_organisation(user: Any, organisation: Organisation | None) -> bool:
    if not isinstance(organisation, Organisation) or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        person__user=user, organisation=organisation, role=Role.ORG_ADMIN
    ).exists()


# Permissions: the one vocabulary views, templates ({% has_perm %}) and tests use.
rules.add_perm("core.view_programme", is_member)
rules.add_perm("core.manage_programme", is_coordinator)
rules.add_perm("core.view_people", is_coordinator)
rules.add_perm("core.manage_people", is_coordinator)
rules.add_perm("core.view_audit", is_coordinator)
rules.add_perm("core.manage_invitations", is_coordinator)
rules.add_perm("core.manage_partners", is_coordinator)
rules.add_perm("core.view_aggregates", is_coordinator | is_observer)
rules.add_perm("core.manage_organisation", is_admin_of_organisation)
