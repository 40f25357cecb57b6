"""Access requests (GDPR art. 15): a person seeded into every registered model gets every
registered value back, in JSON, and in a PDF in their language."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import models
from django.urls import reverse
from pypdf import PdfReader

from conftest import World
from tandem.core.models import AuditEvent, Person
from tandem.core.privacy import Subject, registry, rows
from tandem.privacy import exports
from tandem.privacy.tests.seed import EMAIL, FAMILY, GIVEN, PHONE, seed


def _kwargs(world: World, person: Person) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, "pk": person.pk}


def _same(stored: Any, exported: Any) -> bool:
    """Does ``exported`` (a JSON value) say what ``stored`` (the model's value) says? Read
    independently of the exporter: related rows by name, dates and times as ISO 8601."""
    if stored is None or exported is None:
        return stored is None and exported is None
    if isinstance(stored, models.Model):
        return exported == str(stored)
    if isinstance(stored, datetime):
        return datetime.fromisoformat(exported) == stored
    if isinstance(stored, date):
        return date.fromisoformat(exported) == stored
    if isinstance(stored, Decimal):
        return Decimal(exported) == stored
    return bool(exported == stored)


def test_every_registered_model_is_seeded(world: World) -> None:
    """The seed must reach every model and link of the registry, or the tests below would
    prove nothing about it: a newly registered model gets its row in
    tandem/<app>/tests/privacy_seed.py (see tandem/privacy/tests/seed.py)."""
    ctx = seed(world)
    subject = Subject.of_person(ctx.person)
    missing = [f"{model._meta.label} ({link.label or link.path or 'found by a function'})"
               for model, declared in registry() for link in declared.links
               if not rows(model, link, subject).exists()]
    assert not missing, f"seed a row of these for the subject: {missing}"


def test_the_export_holds_every_registered_value(world: World) -> None:
    ctx = seed(world)
    export = exports.person_export(ctx.person)
    data = json.loads(json.dumps(export.as_json(), ensure_ascii=False))
    assert data["format"] == "tandem-personal-data/1" and data["language"] == "nl"
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in data["sections"]:
        sections.setdefault(section["model"], []).extend(section["rows"])
    subject = Subject.of_person(ctx.person)
    checked = 0
    for model, declared in registry():
        for link in declared.links:
            names = declared.export_fields(link, self_service=False)
            exported = sections.get(model._meta.label_lower, [])
            for row in rows(model, link, subject):
                wanted = {name: getattr(row, name) for name in names}
                assert any(all(_same(value, got.get(name)) for name, value in wanted.items())
                           for got in exported), (model._meta.label, link.label, wanted)
                checked += 1
    assert checked > 60
    text = json.dumps(data, ensure_ascii=False)
    for value in (GIVEN, FAMILY, EMAIL, PHONE, "1990-07-19", *ctx.marks):
        if "huiswerk" in value:
            continue  # that participation was erased before: nothing of it is left to export
        assert value in text, value
    # Who opened her record, and what she did herself, are in it too.
    audit = [s for s in data["sections"] if s["model"] == "core.auditevent"]
    assert len(audit) == 3
    assert any(r["action"] == "viewed" and r["actor"] for s in audit for r in s["rows"])


def test_the_pdf_reads_in_her_language(world: World) -> None:
    ctx = seed(world)
    # She takes part in two programmes: the organisation admin (coordinator of both) answers.
    client = world.client_for("org_admin")
    response = client.get(reverse("privacy:person_export_pdf", kwargs=_kwargs(world, ctx.person)))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert f"Persoonsgegevens over {GIVEN} {FAMILY}" in text  # Dutch: her language
    for expected in (EMAIL, "Zq-background-marker", "Zq-notes-zomer-marker", "19 juli 1990"):
        assert expected in text, expected
    # The download is in her history: who exported her data, and when.
    assert AuditEvent.objects.filter(person=ctx.person, action="exported",
                                     actor=world.users["org_admin"]).exists()


def test_a_coordinator_of_one_of_her_programmes_is_sent_to_an_organisation_admin(
        world: World) -> None:
    ctx = seed(world)
    client = world.client_for("coordinator")
    kwargs = _kwargs(world, ctx.person)
    page = client.get(reverse("privacy:person", kwargs=kwargs))
    assert page.status_code == 200 and "organisation admin" in page.content.decode()
    for name in ("privacy:person_export_pdf", "privacy:person_export_json", "privacy:person_erase"):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    assert not AuditEvent.objects.filter(person=ctx.person, action="exported").exists()


def test_the_json_download_is_the_same_data(world: World) -> None:
    ctx = seed(world)
    client = world.client_for("org_admin")
    response = client.get(reverse("privacy:person_export_json", kwargs=_kwargs(world, ctx.person)))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["name"] == f"{GIVEN} {FAMILY}"
    assert "Zq-interview-marker" in response.content.decode()


@pytest.mark.parametrize("fmt", ["json", "pdf"])
def test_a_person_downloads_their_own_data_from_their_account(world: World, fmt: str) -> None:
    ctx = seed(world)
    from django.test import Client

    client = Client()
    client.force_login(ctx.user)
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    response = client.get(reverse(f"privacy:my_data_{fmt}"))
    assert response.status_code == 200
    if fmt == "json":
        body = response.content.decode()
        data = json.loads(body)
        models_in = {s["model"] for s in data["sections"]}
        assert {"core.loginevent", "core.person", "onboarding.volunteer", "mfa.authenticator"} <= models_in
        # Coordinators' notes and special-category data come from the coordinator's answer.
        assert "intake.sensitiveprofile" not in models_in
        assert "Zq-background-marker" not in body and "Zq-notes-moz" not in body
        assert "Zq-interview-marker" not in body
        assert "Zq-motivation-marker" in body and "192.0.2.0/24" in body
        from allauth.mfa.models import Authenticator

        secret = Authenticator.objects.get(user=ctx.user, type="totp").data["secret"]
        assert secret not in body  # the second factor's secret is never exported
    else:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
        assert GIVEN in " ".join(text.split()) and "Zq-background-marker" not in text
