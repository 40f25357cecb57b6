"""The data migrations of the vocabularies: rows written before them stay valid and readable."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("core", "0004_postal_codes"), ("intake", "0001_initial"), ("onboarding", "0001_initial")]
AFTER = [("core", "0005_fields_vocabulary"), ("intake", "0002_needs_and_levels_per_country"),
         ("onboarding", "0002_expertise_as_field_codes")]


@pytest.mark.django_db(transaction=True)
def test_free_text_expertise_becomes_codes_and_generic_levels_the_countrys(django_db_serialized_rollback: Any) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    org = old.get_model("core", "Organisation").objects.create(name="SES", slug="ses", country="DE")
    programme = old.get_model("core", "Programme").objects.create(
        organisation=org, name="VerA", slug="vera", country="DE", languages=["de", "tr"])
    Person = old.get_model("core", "Person")
    mentor = Person.objects.create(organisation=org, given_name="Dieter", family_name="Weber")
    pupil = Person.objects.create(organisation=org, given_name="Emre", family_name="Demir")
    old.get_model("onboarding", "Volunteer").objects.create(
        programme=programme, person=mentor, expertise=["Mathe", "Kfz-Mechatroniker", "Imkerei"])
    old.get_model("intake", "Learner").objects.create(programme=programme, person=pupil, level="apprenticeship")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    volunteer = new.get_model("onboarding", "Volunteer").objects.get()
    assert volunteer.expertise == ["maths", "mechanic", "imkerei"]
    fields = new.get_model("core", "Field").objects.filter(programme_id=programme.pk)
    assert fields.get(code="maths").label_de == "Mathematik" and fields.get(code="imkerei").label_en == "Imkerei"
    assert new.get_model("intake", "Learner").objects.get().level == "berufsschule"
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
