"""Writing and reading the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models

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
        note=note[:300],
    )
