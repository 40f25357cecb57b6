"""Reads of the privacy app, always through the programme or organisation they belong to."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core.models import AuditEvent, Organisation, Person, Programme, Role
from tandem.core.privacy import record_models
from tandem.core.roles import roles_for

COORDINATING = {Role.COORDINATOR, Role.ORG_ADMIN}


def _takes_part(programme_ids: Any) -> Q:
    """People with a role in these programmes, or a participation record there (an applicant
    has no role yet)."""
    found = Q(memberships__programme__in=programme_ids)
    for model, declared, _record in record_models():
        person_field = model._meta.get_field(declared.links[0].path)
        assert isinstance(person_field, models.ForeignKey)
        related = person_field.related_query_name()
        found |= Q(**{f"{related}__programme__in": programme_ids})
    return found


def programme_person(*, programme: Programme, pk: int) -> Person:
    """A person (not erased) who takes part in the programme; ``Person.DoesNotExist`` else."""
    return Person.objects.filter(
        _takes_part([programme.pk]), organisation_id=programme.organisation_id,
        erased_at__isnull=True,
    ).select_related("user", "organisation").distinct().get(pk=pk)


def person_programmes(person: Person) -> list[Programme]:
    """Every programme of the organisation the person takes part in."""
    ids = set(person.memberships.exclude(programme=None).values_list("programme_id", flat=True))
    for model, declared, _record in record_models():
        ids.update(model._default_manager.filter(**{declared.links[0].path: person})
                   .values_list("programme_id", flat=True))
    return list(Programme.objects.filter(pk__in=ids, organisation_id=person.organisation_id))


def may_act_on(user: Any, person: Person) -> bool:
    """A coordinator may export or erase a person who takes part only in programmes they
    coordinate; organisation admins may for anyone of their organisation."""
    programmes = person_programmes(person)
    if not programmes:
        return user.has_perm("privacy.audit_access", person.organisation)
    return all(roles_for(user, programme) & COORDINATING for programme in programmes)


def access_log(*, organisation: Organisation, person: str = "", user: str = "",
               since: date | None = None, until: date | None = None) -> QuerySet[AuditEvent]:
    """Who opened whose record, or exported whose data, across the organisation; newest first."""
    events = AuditEvent.objects.filter(organisation=organisation, action__in=AuditEvent.ACCESS)
    for word in person.split():
        events = events.filter(Q(person__given_name__icontains=word)
                               | Q(person__family_name__icontains=word)
                               | Q(person__email__icontains=word))
    for word in user.split():
        events = events.filter(Q(actor__full_name__icontains=word) | Q(actor__email__icontains=word))
    if since is not None:
        events = events.filter(at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until is not None:
        events = events.filter(at__lte=timezone.make_aware(datetime.combine(until, time.max)))
    return events.select_related("actor", "person", "programme")
