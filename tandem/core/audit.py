"""Writing and reading the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models
from django.utils import timezone

from tandem.core.models import AuditEvent, Organisation, Person, Programme


def _plain(value: Any) -> Any:
    """A JSON-safe, human-readable form of a field value for the audit log."""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after[key])]
        for key in after
        if before.get(key) != after[key]
    }


def audit_record(
    *,
    organisation: Organisation,
    actor: Any,
    action: str,
    subject: str,
    person: Person | None = None,
    programme: Programme | None = None,
    changes: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        organisation=organisation,
        programme=programme,
        person=person,
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        subject=subject,
        changes=changes or {},
        note=note[:300],  # a summary: the record audited keeps the whole text
        at=timezone.now(),
    )


# Opening a record is logged at most once per viewer, person and record per hour: enough to
# answer "who saw my child's record?" without flooding the log.
VIEW_LOG_INTERVAL_MINUTES = 60


def record_view(*, user: Any, programme: Programme, person: Person, subject: str = "") -> None:
    """Log that ``user`` opened a record about ``person`` (special-category, safeguarding and
    minors' records: the person's, a volunteer's, a learner's, a referral, a match)."""
    from datetime import timedelta

    from django.utils import timezone

    subject = subject or f"person:{person.pk}"
    recent = AuditEvent.objects.filter(
        person=person, actor=user, action=AuditEvent.Action.VIEWED, subject=subject,
        at__gte=timezone.now() - timedelta(minutes=VIEW_LOG_INTERVAL_MINUTES),
    ).exists()
    if not recent:
        audit_record(
            organisation=programme.organisation, programme=programme, actor=user, person=person,
            action=AuditEvent.Action.VIEWED, subject=subject,
        )


def recent_views(*, person: Person, limit: int = 20) -> list[AuditEvent]:
    """Who opened the person's records or exported their data, newest first."""
    return list(
        AuditEvent.objects.filter(person=person, organisation_id=person.organisation_id,
                                  action__in=AuditEvent.ACCESS)
        .select_related("actor", "programme")[:limit]
    )
