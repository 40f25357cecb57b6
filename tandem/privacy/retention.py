"""Retention: nothing is kept longer than the programme's periods (``manage.py apply_retention``).

Four kinds of rule, all read from the registry (``tandem.core.privacy``), run in this order:

1. **records** — a participation record (a volunteer's, a learner's time in a programme) that
   ended (rejected, withdrawn, declined, completed, left, alumni) is erased the period after its
   last state change (applicants not accepted: ``applicants``; former volunteers and learners:
   ``volunteers`` / ``learners``), with everything that hangs on it; the person too when
   nothing else keeps them known (``services.record_erase``).
   **guardians** — then a guardian with no child left known is erased too.
2. **fields** — ``AfterEnd(period, fields)``: the criminal-record check, special-category data,
   notes and other free text are cleared sooner, the period after the record ended; the same
   values in the record's audit entries become "…".
3. **age** — ``Age(period, field)``: rows older than the programme's period (who opened a
   record).
4. **technical** — ``Days(field, days)``: log-in history, e-mail limits, one-time form tokens,
   finished e-mails, unconfirmed uploads, expired sessions.

:func:`plan` lists what is due by a day without changing anything (``--dry-run``, and the
coordinators' "to be removed next month" page); :func:`apply_retention` does it. Running it
twice does nothing more the second time: erased records are marked (``Erasure``), cleared fields
are empty, deleted rows are gone.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tandem.core.history import field_key
from tandem.core.models import AuditEvent, Membership, Person, Programme, Role
from tandem.core.privacy import (
    REMOVED,
    AfterEnd,
    Age,
    Anonymise,
    Days,
    EraseRule,
    Period,
    Personal,
    Record,
    period_months,
    record_models,
    registry,
    through_record,
)
from tandem.core.text import grouped
from tandem.privacy import services
from tandem.privacy.models import Erasure

PHASES = ("records", "guardians", "fields", "age", "technical")


def months_after(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_before(day: date, months: int) -> date:
    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Due:
    """Something the retention rules will remove: what, whose, by when."""

    phase: str
    what: str
    due_on: date
    count: int
    run: Callable[[], int]
    programme: Programme | None = None
    person: Person | None = None
    period: str = ""

    @property
    def period_label(self) -> str:
        return str(Period(self.period).label) if self.period else ""


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- 1. Participation records -------------------------------------------------------------------


def _erased_pks(model: type[models.Model]) -> set[int]:
    prefix = f"{model._meta.label_lower}:"
    return {int(r.split(":")[1]) for r in Erasure.objects.filter(
        scope=Erasure.Scope.RECORD, record__startswith=prefix).values_list("record", flat=True)}


def ended_records(model: type[models.Model], record: Record, *,
                  programme: Programme | None = None) -> list[Any]:
    """Records in an end state not erased yet, each with ``ended_on`` (the day of its last state
    change) and ``period``."""
    found = model._default_manager.filter(**{f"{record.state_field}__in": list(record.ended)})
    if programme is not None:
        found = found.filter(programme=programme)
    found = found.annotate(ended_at=Coalesce(Max(f"{record.transitions}__at"), "created"))
    erased = _erased_pks(model)
    rows = [row for row in found.select_related("person", "programme__organisation")
            if row.pk not in erased]
    for row in rows:
        row.ended_on = timezone.localdate(row.ended_at)
        row.period = record.ended[getattr(row, record.state_field)]
    return rows


def _erase_record(row: Any) -> Callable[[], int]:
    return lambda: sum(services.record_erase(record=row).values())


def _records_due(horizon: date, programme: Programme | None) -> list[Due]:
    dues = []
    for model, _declared, record in record_models():
        for row in ended_records(model, record, programme=programme):
            due_on = months_after(row.ended_on, period_months(row.programme, row.period))
            if due_on > horizon:
                continue
            dues.append(Due(
                phase="records", due_on=due_on, count=1, programme=row.programme,
                person=row.person, period=row.period,
                what=_("%(record)s erased, with all that hangs on it") % {
                    "record": capfirst(str(model._meta.verbose_name))},
                run=_erase_record(row),
            ))
    return dues


def _erase_person(person: Person) -> Callable[[], int]:
    return lambda: sum(services.person_erase(person=person, actor=None,
                                             reason=Erasure.Reason.RETENTION).values())


def _guardians_due(today: date, programme: Programme | None) -> list[Due]:
    """A guardian is erased with their last ward: a guardian's role and no child left."""
    roles = Membership.objects.filter(role=Role.GUARDIAN, person__erased_at__isnull=True)
    if programme is not None:
        roles = roles.filter(programme=programme)
    orphans = Person.objects.filter(pk__in=roles.values("person_id"), ward_links__isnull=True)
    return [Due(phase="guardians", due_on=today, count=1, programme=programme, person=person,
                what=_("Guardian erased: no child of theirs is known any more"),
                run=_erase_person(person))
            for person in orphans.select_related("organisation")
            if not services.still_involved(person)]


# --- 2. Fields cleared sooner -------------------------------------------------------------------


def _empty(field: models.Field[Any, Any]) -> Any:
    if field.null:
        return None
    if isinstance(field, models.JSONField):
        return field.get_default()
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return field.get_default()


def _cleared(model: type[models.Model], declared: Personal, row: Any,
             fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields' values once cleared (as the declaration anonymises them, else empty) where
    that changes anything."""
    values = declared.erase.values if isinstance(declared.erase, Anonymise) else {}
    changed = {}
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        value = values.get(name, _empty(field))
        value = value(row) if callable(value) else value
        current = getattr(row, field.attname)
        if isinstance(field, models.ForeignKey):
            value = getattr(value, "pk", value)
        if current != value:
            changed[field.attname] = value
    return changed


def _audit_to_hide(model: type[models.Model], pks: list[int],
                   fields: tuple[str, ...]) -> dict[int, list[AuditEvent]]:
    """The audit entries about these rows that still show a value of ``fields``."""
    subject = getattr(model, "audit_subject", "")
    if not subject or not pks:
        return {}
    found: dict[int, list[AuditEvent]] = {}
    events = AuditEvent.objects.filter(subject__in=[f"{subject}:{pk}" for pk in pks])
    for event in events.filter(Q(*[Q(changes__has_key=name) for name in fields], _connector=Q.OR)):
        if any(name in event.changes and event.changes[name] != [REMOVED, REMOVED]
               for name in fields):
            found.setdefault(int(event.subject.partition(":")[2]), []).append(event)
    return found


def _hide_in_audit(events: list[AuditEvent], fields: tuple[str, ...]) -> None:
    for event in events:
        changes = {key: ([REMOVED, REMOVED] if key in fields else value)
                   for key, value in event.changes.items()}
        AuditEvent.objects.filter(pk=event.pk).update(changes=changes)


def _field_rules() -> list[tuple[type[models.Model], Personal, AfterEnd]]:
    return [(model, declared, rule) for model, declared in registry()
            for rule in declared.retention_rules if isinstance(rule, AfterEnd)]


def _fields_due(horizon: date, programme: Programme | None) -> list[Due]:
    dues: list[Due] = []
    ended = {model: {row.pk: row for row in ended_records(model, record, programme=programme)}
             for model, _declared, record in record_models()}
    for model, declared, rule in _field_rules():
        for link in declared.links:
            for record_model, records in ended.items():
                prefix = through_record(model, link, record_model)
                if prefix is None or not records:
                    continue
                found = model._default_manager.filter(**{f"{prefix or 'pk'}__in": list(records)})
                if link.when is not None:
                    found = found.filter(link.when)
                candidates = list(found.annotate(_record=models.F(prefix or "pk")))
                audit = _audit_to_hide(model, [c.pk for c in candidates], rule.fields)
                for row in candidates:
                    record = records[row._record]
                    due_on = months_after(record.ended_on, period_months(record.programme,
                                                                         rule.period))
                    if due_on > horizon:
                        continue
                    due = _field_due(model, declared, link, rule, row, record, due_on,
                                     audit.get(row.pk, []))
                    if due is not None:
                        dues.append(due)
    return dues


def _attname(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    return field.attname if isinstance(field, models.Field) else name


def _field_due(model: type[models.Model], declared: Personal, link: Any, rule: AfterEnd,
               row: Any, record: Any, due_on: date, events: list[AuditEvent]) -> Due | None:
    common = {"phase": "fields", "due_on": due_on, "count": 1, "programme": record.programme,
              "person": record.person, "period": rule.period}
    if not rule.fields:
        def erase_row() -> int:
            return services.apply_rule(model, declared.erasure(link),
                                       model._default_manager.filter(pk=row.pk))

        return Due(what=_("%(what)s deleted") % {"what": capfirst(str(model._meta.verbose_name))},
                   run=erase_row, **common)
    changed = _cleared(model, declared, row, rule.fields)
    if not changed and not events:
        return None
    labels = ", ".join(str(field_key(model, name).label) for name in rule.fields
                       if _attname(model, name) in changed) or str(
        _("their earlier values in the history"))

    def clear() -> int:
        model._default_manager.filter(pk=row.pk).update(**changed)
        _hide_in_audit(events, rule.fields)
        return 1

    return Due(what=_("%(fields)s cleared") % {"fields": capfirst(labels)}, run=clear, **common)


# --- 3. Rows older than the programme's period -------------------------------------------------


def _delete(found: QuerySet[Any]) -> Callable[[], int]:
    return lambda: found.delete()[0]


def _erase(model: type[models.Model], erase: EraseRule, found: QuerySet[Any]) -> Callable[[], int]:
    return lambda: services.apply_rule(model, erase, found)


def _age_due(today: date, horizon: date, programme: Programme | None) -> list[Due]:
    dues = []
    programmes = [programme] if programme is not None else list(
        Programme.objects.select_related("organisation"))
    for model, declared in registry():
        for rule in declared.retention_rules:
            if not isinstance(rule, Age):
                continue
            for each in programmes:
                cutoff = _start_of(months_before(horizon, period_months(each, rule.period)))
                found = model._default_manager.filter(programme=each, **{f"{rule.field}__lt": cutoff})
                if rule.when is not None:
                    found = found.filter(rule.when)
                count = found.count()
                if count:
                    first = found.order_by(rule.field).values_list(rule.field, flat=True).first()
                    assert first is not None
                    dues.append(Due(
                        phase="age", programme=each, period=rule.period, count=count,
                        due_on=max(today, months_after(timezone.localdate(first),
                                                       period_months(each, rule.period))),
                        what=ngettext("%(n)s entry of “%(what)s” deleted",
                                      "%(n)s entries of “%(what)s” deleted", count)
                        % {"n": grouped(count), "what": Period(rule.period).label},
                        run=_delete(found),
                    ))
    return dues


# --- 4. Technical tables ------------------------------------------------------------------------


def _technical_due(now: datetime) -> list[Due]:
    dues = []
    for model, declared in registry():
        for rule in declared.retention_rules:
            if not isinstance(rule, Days):
                continue
            span = timedelta(hours=rule.amount()) if rule.unit == "hours" else timedelta(
                days=rule.amount())
            found = model._default_manager.filter(**{f"{rule.field}__lt": now - span})
            if rule.when is not None:
                found = found.filter(rule.when)
            count = found.count()
            if count:
                erase = rule.erase or declared.erase
                dues.append(Due(
                    phase="technical", due_on=timezone.localdate(now), count=count,
                    what=f"{model._meta.label}: {count}",
                    run=_erase(model, erase, found),
                ))
    return dues


# --- Planning and applying ----------------------------------------------------------------------


def plan(*, today: date | None = None, horizon: date | None = None,
         programme: Programme | None = None, phases: tuple[str, ...] = PHASES,
         now: datetime | None = None) -> list[Due]:
    """What is due by ``horizon`` (default: ``today``), without changing anything."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    horizon = horizon or today
    dues: list[Due] = []
    if "records" in phases:
        dues += _records_due(horizon, programme)
    if "guardians" in phases:
        dues += _guardians_due(today, programme)
    if "fields" in phases:
        dues += _fields_due(horizon, programme)
    if "age" in phases:
        dues += _age_due(today, horizon, programme)
    if "technical" in phases and programme is None:
        dues += _technical_due(now)
    return sorted(dues, key=lambda d: (d.due_on, d.phase, d.what))


def upcoming(*, programme: Programme, today: date | None = None) -> list[Due]:
    """What the rules will remove in the programme within a month (overdue items first)."""
    today = today or timezone.localdate()
    return plan(today=today, horizon=months_after(today, 1), programme=programme,
                phases=("records", "guardians", "fields", "age"))


@dataclass
class Report:
    dry_run: bool
    done: Counter[str]

    def lines(self) -> list[str]:
        verb = "would remove" if self.dry_run else "removed"
        if not self.done:
            return ["retention: nothing is due"]
        return [f"retention: {phase}: {verb} {n}" for phase, n in sorted(self.done.items())]


def apply_retention(*, now: datetime | None = None, dry_run: bool = False) -> Report:
    """Apply every retention rule that is due (see the module's docstring); what it did. The
    production scheduler may call this directly; ``manage.py apply_retention`` wraps it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done: Counter[str] = Counter()
    for phase in PHASES:
        for due in plan(today=today, phases=(phase,), now=now):
            if dry_run:
                done[phase] += due.count
                continue
            with transaction.atomic():
                if due.run():
                    done[phase] += due.count
    return Report(dry_run=dry_run, done=done)
