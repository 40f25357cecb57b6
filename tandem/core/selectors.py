"""Reads of the core domain. Every function takes the programme (or organisation) it reads
through, so nothing here can return another organisation's rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from tandem.core.models import (
    AuditEvent,
    Invitation,
    LoginEvent,
    Membership,
    Organisation,
    PartnerInstitution,
    Person,
    Programme,
    Role,
)
from tandem.core.suppression import Shown, T, protect

#: Roles whose members are protected by suppression: the people a programme serves and their
#: families. Staff (coordinators, observers, partner contacts, supervisors) are contacts by name on
#: the same page, so hiding their number protects no one.
PROTECTED_ROLES = frozenset({Role.MENTOR, Role.LEARNER, Role.GUARDIAN})


def hidden_word() -> str:
    """What every figure an observer is not shown reads, on every page and report."""
    return _("hidden")


def protected_note(threshold: int) -> str:
    """The one explanation of :func:`hidden_word` on an observer's page of counts, every one
    protected by :mod:`tandem.core.suppression` under the programme's threshold
    (``extensions.observer_threshold``): a larger count can be hidden too because a small one
    would follow from it."""
    return _("Hidden: groups smaller than %(n)s are not shown, nor figures from which they could be "
             "worked out.") % {"n": threshold}


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


def person_audit(*, person: Person, viewed: bool = False) -> QuerySet[AuditEvent]:
    """The person's history of changes, newest first; with ``viewed``, who opened or exported the
    record."""
    events = AuditEvent.objects.filter(person=person, organisation_id=person.organisation_id)
    if viewed:
        events = events.filter(action__in=AuditEvent.ACCESS)
    else:
        events = events.exclude(action__in=AuditEvent.ACCESS)
    return events.select_related("actor", "programme")


def _zero_counts() -> dict[str, int]:
    return {role: 0 for role in Role.values if role != Role.ORG_ADMIN}


def role_counts(*, programme: Programme) -> dict[str, int]:
    rows = programme.memberships.values("role").annotate(n=Count("id"))
    counts = _zero_counts()
    counts.update({row["role"]: row["n"] for row in rows})
    return counts


def organisation_programmes(*, organisation: Organisation) -> list[tuple[Programme, dict[str, int]]]:
    """The organisation's programmes, each with its ``role_counts`` (two queries in all)."""
    programmes = list(organisation.programmes.all())
    counts: dict[int, dict[str, int]] = {programme.pk: _zero_counts() for programme in programmes}
    rows = (
        Membership.objects.filter(programme__in=programmes)
        .values_list("programme_id", "role").annotate(n=Count("id")).order_by()
    )
    for programme_id, role, n in rows:
        counts[programme_id][role] = n
    return [(programme, counts[programme.pk]) for programme in programmes]


@dataclass(frozen=True)
class RoleCount:
    """One role's count as an observer may read it (``value`` None: hidden)."""

    shown: Shown

    @property
    def value(self) -> int | None:
        return self.shown.value

    @property
    def suppressed(self) -> bool:
        return self.shown.suppressed

    @property
    def plural_n(self) -> int:
        """The number the role's noun agrees with: a hidden count reads in the plural, so the
        grammar never tells that it is one person."""
        return 2 if self.shown.value is None else self.shown.value


def aggregate_counts(*, programme: Programme, threshold: int) -> dict[str, RoleCount]:
    """Observers' counts per role: mentors, learners and guardians through
    :func:`tandem.core.suppression.protect` under ``threshold`` (the programme's, as on every
    observer's page), staff counted as they are (their names and e-mails are on the same page).
    The page publishes no total of people (``unpublished``): one would be an equation from which
    a hidden count could be worked out."""
    counts = role_counts(programme=programme)
    people = [role for role in counts if role in PROTECTED_ROLES]
    table = protect({role: counts[role] for role in people}, threshold=threshold, unpublished=[(T, "n"), (T, T)])
    return {role: RoleCount(table.cell(role, "n") if role in PROTECTED_ROLES else Shown(n))
            for role, n in counts.items()}


def programmes_for_user(user: Any) -> list[tuple[Programme, frozenset[str]]]:
    """Every programme the user holds a role in, with the roles (as ``roles_for`` gives them:
    the programme's memberships, plus organisation admin everywhere in their organisations),
    in two queries however many programmes there are."""
    memberships = Membership.objects.filter(person__user=user).select_related(
        "programme__organisation", "organisation"
    )
    admin_orgs = {m.organisation_id for m in memberships if m.role == Role.ORG_ADMIN}
    programmes: dict[int, Programme] = {}
    roles: dict[int, set[str]] = {}
    for m in memberships:
        if m.programme is not None:
            programmes[m.programme.pk] = m.programme
            roles.setdefault(m.programme.pk, set()).add(m.role)
    for programme in Programme.objects.filter(organisation_id__in=admin_orgs).select_related(
        "organisation"
    ):
        programmes.setdefault(programme.pk, programme)
        roles.setdefault(programme.pk, set()).add(Role.ORG_ADMIN)
    ordered = sorted(programmes.values(), key=lambda p: (p.organisation.name, p.name))
    return [(programme, frozenset(roles[programme.pk])) for programme in ordered]


def organisations_administered(user: Any) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        memberships__person__user=user, memberships__role=Role.ORG_ADMIN
    ).distinct()


def person_for_user(*, programme: Programme, user: Any) -> Person | None:
    from tandem.core.roles import person_of

    return person_of(user, programme.organisation_id)  # read once per request


def pending_invitations(*, programme: Programme) -> QuerySet[Invitation]:
    return programme.invitations.filter(accepted__isnull=True, revoked__isnull=True).select_related(
        "invited_by"
    ).order_by("-created", "-pk")


def answered_invitations(*, programme: Programme) -> QuerySet[Invitation]:
    """The invitations accepted or withdrawn, latest first."""
    return programme.invitations.exclude(accepted__isnull=True, revoked__isnull=True).order_by(
        "-created", "-pk"
    )


def programme_partners(*, programme: Programme) -> QuerySet[PartnerInstitution]:
    """The partner institutions with their site and contact people (three queries in all)."""
    return programme.partners.select_related("site").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("person"))
    ).order_by("name", "pk")


def programme_audit(*, programme: Programme) -> QuerySet[AuditEvent]:
    """The programme's audit log, newest first (the model's ordering), with who and about whom."""
    return programme.audit_events.select_related("actor", "person")


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


def login_history(*, user: Any) -> QuerySet[LoginEvent]:
    """The user's own log-ins and failed attempts (kept ``LOGIN_HISTORY_DAYS``), newest first:
    the account page pages through them."""
    return LoginEvent.objects.filter(user=user).order_by("-at", "-pk")


def calendar_feed_by_token(token: str) -> Any:
    """The working calendar link whose token is ``token`` (with its user), or ``None``: an
    unknown, replaced or stopped token, or the link of a log-in that was deactivated."""
    import re

    from tandem.core.calendar import token_digest
    from tandem.core.models import CalendarFeed

    if not re.fullmatch(r"[A-Za-z0-9_-]{20,100}", token):
        return None
    return (CalendarFeed.objects.select_related("user")
            .filter(token_hash=token_digest(token), user__is_active=True).first())
