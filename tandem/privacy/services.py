"""Erasure over the privacy registry (GDPR art. 17), for a request or when a retention period
is over (``tandem.privacy.retention``).

Erasing a person applies, to every registered model, through every link that finds their rows,
what the model declares: delete the rows, anonymise named fields, or keep rows that identify
nobody once the person is anonymised (a closed match stays counted). Their full name, e-mail
addresses and phone number are then removed from other people's text (audit entries, notes,
queued e-mails), their log-in is deleted unless another organisation's person shares it, and the
person's row stays as "Erased person" so that counts and other records still add up. What is
kept: that an erasure happened, when, why and by whom (``Erasure`` and an audit entry).
"""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.audit import audit_record
from tandem.core.models import (
    AuditEvent,
    GuardianLink,
    ImportBatch,
    Membership,
    Person,
    Programme,
    Role,
    User,
)
from tandem.core.privacy import (
    Anonymise,
    Delete,
    EraseRule,
    Keep,
    Subject,
    mention_filter,
    personal,
    record_models,
    registry,
    rows,
    scrub,
    through_record,
)
from tandem.core.text import label_value, semicolons
from tandem.privacy.models import Erasure, PrivacyReason

Reason = Erasure.Reason


def _delete_files(model: type[models.Model], queryset: QuerySet[Any], names: set[str] | None) -> None:
    """Remove from storage the files of ``queryset``'s file fields (``names``: only these), once
    the erasure is committed (a rolled-back erasure keeps them)."""
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField) and (names is None or field.name in names):
            for stored in queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                if stored:
                    transaction.on_commit(partial(field.storage.delete, stored))


def apply_rule(model: type[models.Model], rule: EraseRule, queryset: QuerySet[Any]) -> int:
    """Erase the rows of ``queryset`` as ``rule`` says; how many rows it touched. The files of
    the rows' file fields go too."""
    if isinstance(rule, Keep):
        return 0
    if isinstance(rule, Delete):
        _delete_files(model, queryset, None)
        deleted, _by_model = queryset.delete()
        return deleted
    assert isinstance(rule, Anonymise)
    values = rule.values
    _delete_files(model, queryset, set(values))
    if not any(callable(v) for v in values.values()):
        return queryset.update(**values)
    touched = 0
    for row in list(queryset):
        model._default_manager.filter(pk=row.pk).update(
            **{name: value(row) if callable(value) else value for name, value in values.items()})
        touched += 1
    return touched


def organisation_path(model: type[models.Model]) -> str | None:
    """How ``model``'s rows reach their organisation (None: rows of no organisation)."""
    declared = personal(model)
    if declared.organisation:
        return declared.organisation
    names = {f.name for f in model._meta.get_fields()}
    if "organisation" in names:
        return "organisation"
    if "programme" in names:
        return "programme__organisation"
    for link in declared.links:
        if link.find is None and link.path:
            from tandem.core.privacy import target

            if target(model, link) == "person":
                return f"{link.path}__organisation"
    return None


def scrub_mentions(*, values: list[str], loose: list[str], organisation_id: int) -> int:
    """Remove ``values`` (and, where a model asks, ``loose`` ones) from the text fields that
    may name other people, in the organisation's rows (and in rows of no organisation)."""
    touched = 0
    for model, declared in registry():
        if not declared.mentions:
            continue
        wanted = [*values, *(loose if declared.loose_mentions else [])]
        if not wanted:
            continue
        found = model._default_manager.filter(mention_filter(declared.mentions, wanted))
        path = organisation_path(model)
        if path is not None:
            found = found.filter(**{path: organisation_id})
        for row in list(found):
            changed = {}
            for name in declared.mentions:
                before = getattr(row, name)
                after = scrub(before, wanted)
                if after != before:
                    changed[name] = after
            if changed:
                model._default_manager.filter(pk=row.pk).update(**changed)
                touched += 1
    return touched


def _open_records(person: Person) -> list[str]:
    """The person's participation records that have not ended, as words."""
    found = []
    for model, declared, record in record_models():
        path = declared.links[0].path
        for row in model._default_manager.filter(**{path: person}).exclude(
                **{f"{record.state_field}__in": list(record.ended)}):
            state = getattr(row, f"get_{record.state_field}_display")()
            found.append(label_value(row._meta.verbose_name, state))
    return found


def erase_errors(*, person: Person, actor: Any) -> list[str]:
    """Why ``person`` cannot be erased now (empty: they can)."""
    errors = []
    if person.erased_at is not None:
        errors.append(_("This person has already been erased."))
    if actor is not None and person.user_id is not None and person.user_id == actor.pk:
        errors.append(_("You cannot erase yourself; ask another coordinator."))
    if person.memberships.filter(role=Role.ORG_ADMIN).exists() and not Membership.objects.filter(
            organisation_id=person.organisation_id, role=Role.ORG_ADMIN).exclude(
            person=person).exists():
        errors.append(_("An organisation needs at least one organisation admin."))
    still = _open_records(person)
    if still:
        errors.append(_("%(name)s still takes part (%(what)s): end their participation first, "
                        "then erase.") % {"name": person.full_name, "what": semicolons(still)})
    return errors


def _log_erasure(erasure: Erasure) -> None:
    """Append the erasure to ``ERASURE_LOG`` once the transaction commits: ids only, so that a
    restored backup can be erased again (``manage.py replay_erasures``)."""
    path = settings.ERASURE_LOG
    if not path:
        return
    line = json.dumps({"organisation": erasure.organisation_id, "person": erasure.person_id,
                       "scope": erasure.scope, "record": erasure.record,
                       "reason": erasure.reason, "at": erasure.at.isoformat()})

    def write() -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")

    transaction.on_commit(write)


def person_erase(*, person: Person, actor: Any, reason: str = Reason.REQUEST,
                 programme: Programme | None = None, replay: bool = False) -> Counter[str]:
    """Erase everything about ``person`` (see the module's docstring); what it touched, per
    model. A request is refused (``ValidationError``) while they still take part; ``replay``
    (after restoring a backup) erases whoever was erased before, whatever they do now."""
    with transaction.atomic():
        # Only the person's row is locked (its log-in may be missing: no outer join locked).
        person = Person.objects.select_for_update(of=("self",)).select_related(
            "organisation", "user").get(pk=person.pk)
        errors = erase_errors(person=person, actor=actor) if (
            reason == Reason.REQUEST and not replay) else (
            [_("This person has already been erased.")] if person.erased_at else [])
        if errors:
            raise ValidationError(" ".join(errors))
        subject = Subject.of_person(person)
        values = subject.identifying_values()
        loose = [v for v in (person.given_name.strip(), person.family_name.strip()) if len(v) >= 2]
        counts: Counter[str] = Counter()
        for model, declared in registry():
            for link in declared.links:
                if model in (Person, User) and not link.path and link.find is None:
                    continue  # the person and the log-in themselves: last
                counts[model._meta.label] += apply_rule(
                    model, declared.erasure(link), rows(model, link, subject))
        counts["mentions"] = scrub_mentions(values=values, loose=loose,
                                            organisation_id=person.organisation_id)
        # An upload waiting for its confirmation may list the person: it must be uploaded again.
        counts["imports"] = ImportBatch.objects.filter(
            programme__organisation_id=person.organisation_id, applied__isnull=True,
            expired__isnull=True).update(content=b"", expired=timezone.now())
        if subject.user is not None:
            counts["core.User"] = apply_rule(User, personal(User).erase,
                                             User.objects.filter(pk=subject.user.pk))
        erase = personal(Person).erase
        assert isinstance(erase, Anonymise)
        Person.objects.filter(pk=person.pk).update(
            **erase.values, erased_at=timezone.now(), version=F("version") + 1)
        counts["core.Person"] = 1
        _log_erasure(Erasure.objects.create(
            organisation=person.organisation, programme=programme, person=person,
            scope=Erasure.Scope.PERSON, reason=reason,
            by=actor if getattr(actor, "is_authenticated", False) else None,
        ))
        audit_record(
            organisation=person.organisation, programme=programme, actor=actor, person=person,
            action=AuditEvent.Action.ERASED, subject=f"person:{person.pk}",
            note=PrivacyReason.RETENTION_OVER if reason == Reason.RETENTION else "",
        )
    return counts


def record_label(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def still_involved(person: Person) -> bool:
    """Whether ``person`` still has a reason to be known: a participation record not erased,
    a role other than a guardian's, or a ward who is still known."""
    for model, declared, _record in record_models():
        records = model._default_manager.filter(**{declared.links[0].path: person})
        erased = Erasure.objects.filter(person=person, scope=Erasure.Scope.RECORD).values_list(
            "record", flat=True)
        if any(record_label(r) not in set(erased) for r in records):
            return True
    for membership in person.memberships.all():
        if membership.role != Role.GUARDIAN:
            return True
    return GuardianLink.objects.filter(guardian=person, learner__erased_at__isnull=True).exists()


def record_erase(*, record: models.Model, reason: str = Reason.RETENTION,
                 actor: Any = None) -> Counter[str]:
    """Erase one participation record (a volunteer's or a learner's time in one programme) and
    what hangs on it; then the person too when nothing else keeps them known."""
    model = type(record)
    declared = personal(model)
    assert declared.record is not None
    counts: Counter[str] = Counter()
    with transaction.atomic():
        person: Person = getattr(record, declared.links[0].path)
        programme: Programme = record.programme  # type: ignore[attr-defined]
        for other, other_declared in registry():
            for link in other_declared.links:
                prefix = through_record(other, link, model)
                if prefix is None:
                    continue
                found = other._default_manager.filter(**{prefix: record} if prefix else {"pk": record.pk})
                if link.when is not None:
                    found = found.filter(link.when)
                counts[other._meta.label] += apply_rule(other, other_declared.erasure(link), found)
        counts["core.Membership"] += Membership.objects.filter(
            person=person, programme=programme, role=declared.record.role).delete()[0]
        subject = getattr(model, "audit_subject", "")
        if subject:
            counts["core.AuditEvent"] += AuditEvent.objects.filter(
                organisation_id=programme.organisation_id, subject=f"{subject}:{record.pk}").delete()[0]
        _log_erasure(Erasure.objects.create(
            organisation_id=programme.organisation_id, programme=programme, person=person,
            scope=Erasure.Scope.RECORD, record=record_label(record), reason=reason,
            by=actor if getattr(actor, "is_authenticated", False) else None,
        ))
        audit_record(
            organisation=programme.organisation, programme=programme, actor=actor, person=person,
            action=AuditEvent.Action.ERASED,
            subject=f"{subject}:{record.pk}" if subject else f"person:{person.pk}",
            note=PrivacyReason.RETENTION_OVER if reason == Reason.RETENTION else "",
        )
        if person.erased_at is None and not still_involved(person):
            counts += person_erase(person=person, actor=actor, reason=reason, programme=programme)
    return counts


def erasures_replay(*, lines: list[str]) -> Counter[str]:
    """After restoring a backup: erase again every person and record the log names that the
    restored database still holds (``manage.py replay_erasures``). Safe to run twice."""
    from django.apps import apps

    done: Counter[str] = Counter()
    for line in lines:
        if not line.strip():
            continue
        entry = json.loads(line)
        if entry["scope"] == Erasure.Scope.RECORD:
            label, _sep, pk = entry["record"].rpartition(":")
            model = apps.get_model(label)
            record = model._default_manager.filter(pk=int(pk)).first()
            if record is not None and not Erasure.objects.filter(record=entry["record"]).exists():
                record_erase(record=record, reason=entry["reason"])
                done["records"] += 1
            continue
        person = Person.objects.filter(pk=entry["person"], organisation_id=entry["organisation"],
                                       erased_at__isnull=True).first()
        if person is not None:
            person_erase(person=person, actor=None, reason=entry["reason"], replay=True)
            done["people"] += 1
    return done
