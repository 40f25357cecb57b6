"""The privacy registry (``tandem/core/privacy.py``): every model that holds personal data says
whose it is, what kind, on what basis, for how long, how it is exported and how it is erased.

A model must be declared (``privacy = Personal(...)`` or ``NotPersonal("why")`` on the model, or
``tandem.core.privacy.register`` for another package's) when it has a link to a person or to
anything that holds personal data, a file field, or a free-text field. Declarations must name
fields and paths that exist, so a renamed field cannot silently drop out of exports or erasure.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from django.utils.functional import Promise

from tandem.core.models import Person, User
from tandem.core.privacy import (
    AfterEnd,
    Age,
    Anonymise,
    Days,
    Delete,
    NotPersonal,
    Period,
    Personal,
    declaration,
    path_models,
    registry,
    target,
)
from tandem.core.roles import Role


def _holds_people() -> set[type[models.Model]]:
    return {Person, User} | {model for model, _declared in registry()}


def _why_declared(model: type[models.Model]) -> list[str]:
    reasons = []
    people = _holds_people()
    for field in model._meta.get_fields():
        if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one) \
                and field.related_model in people:
            reasons.append(f"{field.name} → {field.related_model._meta.label}")
        if isinstance(field, models.FileField):
            reasons.append(f"{field.name} is a file")
        if isinstance(field, models.TextField):
            reasons.append(f"{field.name} is free text")
    return reasons


def test_every_model_holding_or_linking_personal_data_is_declared() -> None:
    undeclared = []
    for model in apps.get_models():
        if declaration(model) is None and (reasons := _why_declared(model)):
            undeclared.append(f"{model._meta.label}: {', '.join(reasons)}")
    assert not undeclared, (
        "declare what these models hold (privacy = Personal(...) or NotPersonal('why'), see "
        "tandem/core/privacy.py and docs/architecture.md, 'Privacy'):\n" + "\n".join(undeclared))


def test_the_known_personal_data_is_registered() -> None:
    labels = {model._meta.label for model, _declared in registry()}
    assert {
        "core.Person", "core.User", "core.LoginEvent", "core.MailLimit", "core.FormSubmission",
        "core.AuditEvent", "intake.Learner", "intake.SensitiveProfile", "intake.GuardianConsent",
        "onboarding.Volunteer", "matching.Match", "matching.ExitSurvey", "account.EmailAddress",
        "mfa.Authenticator", "sessions.Session", "django_tasks_database.DBTaskResult",
    } <= labels
    assert "needs" in registry_export("intake.Learner")
    assert "first_meeting_held_on" in {name for link in _links("matching.Match")
                                       for name in (link.export or ())}


def registry_export(label: str) -> tuple[str, ...]:
    return {m._meta.label: d for m, d in registry()}[label].export


def _links(label: str) -> Any:
    return {m._meta.label: d for m, d in registry()}[label].links


def _field_names(model: type[models.Model]) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.concrete} | {
        f.attname for f in model._meta.concrete_fields}


def _label_is_translated(model: type[models.Model], declared: Personal, name: str) -> bool:
    if name in declared.labels:
        return True
    if name in getattr(model, "audit_keys", {}) and model.audit_keys[name].label:  # type: ignore[attr-defined]
        return True
    return isinstance(model._meta.get_field(name).verbose_name, Promise)


def test_every_declaration_names_what_exists() -> None:
    problems = []
    for model, declared in registry():
        label = model._meta.label
        fields = _field_names(model)
        for link in declared.links:
            try:
                target(model, link)
            except (ValueError, LookupError, Exception) as exc:
                problems.append(f"{label}: link {link.path!r}: {exc}")
            names = link.export if link.export is not None else declared.export
            for name in names:
                if name not in fields:
                    problems.append(f"{label}: exports unknown field {name!r}")
                elif not _label_is_translated(model, declared, name):
                    problems.append(f"{label}.{name}: give it a verbose_name (the export's label)")
            erase = declared.erasure(link)
            if isinstance(erase, Anonymise):
                problems += [f"{label}: anonymises unknown field {n!r}" for n in erase.values
                             if n not in fields]
        problems += [f"{label}: mentions unknown field {n!r}" for n in declared.mentions
                     if n not in fields]
        if isinstance(declared.staff_only, tuple):
            problems += [f"{label}: staff-only field {n!r} is not exported" for n in
                         declared.staff_only if n not in declared.export]
        for rule in declared.retention_rules:
            if isinstance(rule, AfterEnd | Age) and rule.period not in Period.values:
                problems.append(f"{label}: unknown period {rule.period!r}")
            for name in getattr(rule, "fields", ()):
                if name not in fields:
                    problems.append(f"{label}: retention clears unknown field {name!r}")
            if isinstance(rule, Days | Age) and rule.field not in fields:
                problems.append(f"{label}: retention dates from unknown field {rule.field!r}")
            if isinstance(rule, Age) and "programme" not in fields:
                problems.append(f"{label}: Age needs a programme to read the period from")
        if declared.record is not None:
            record = declared.record
            if record.role not in Role.values:
                problems.append(f"{label}: record role {record.role!r} is not a role")
            state = model._meta.get_field(record.state_field)
            problems += [f"{label}: {s!r} is not a state" for s in record.ended
                         if s not in dict(state.flatchoices)]  # type: ignore[union-attr]
            problems += [f"{label}: {p!r} is not a period" for p in record.ended.values()
                         if p not in Period.values]
            history = path_models(model, record.transitions)[-1][1]
            if "at" not in _field_names(history):
                problems.append(f"{label}: {record.transitions} has no 'at' to date the end from")
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                erase_all = [declared.erasure(link) for link in declared.links]
                if not all(isinstance(e, Delete) or (isinstance(e, Anonymise)
                                                     and field.name in e.values)
                           for e in erase_all):
                    problems.append(f"{label}.{field.name}: a file must be deleted on erasure")
    assert not problems, "\n".join(problems)


def test_every_link_to_a_person_is_followed() -> None:
    """A foreign key to a person that no link follows would leave that person's rows out of
    their export and their erasure."""
    problems = []
    for model, declared in registry():
        followed = {link.path.split("__")[0] for link in declared.links if link.path}
        for field in model._meta.get_fields():
            if field.concrete and field.is_relation and field.related_model is Person \
                    and field.name not in followed and model is not Person:
                problems.append(f"{model._meta.label}.{field.name}")
    assert not problems, f"add a Link for these links to a person: {problems}"


def test_models_that_are_not_personal_say_why() -> None:
    for model in apps.get_models():
        found = declaration(model)
        if isinstance(found, NotPersonal):
            assert found.reason.strip(), model._meta.label


def test_every_registered_model_is_named_in_the_readers_language() -> None:
    """The export's section titles: a model's verbose_name_plural, or the declaration's title."""
    untranslated = [model._meta.label for model, declared in registry()
                    if not isinstance(declared.title or model._meta.verbose_name_plural, Promise)]
    assert not untranslated, f"give these a verbose_name_plural (or a title): {untranslated}"
