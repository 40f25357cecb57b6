"""Audit entries and state histories are stored as codes and read in the reader's language."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import models
from django.utils import translation

from conftest import World
from tandem.core import history
from tandem.core import services as core_services
from tandem.core.audit import audit_record
from tandem.core.models import AuditEvent, Because


def _rows(event: AuditEvent, language: str) -> dict[str, tuple[str | None, str | None]]:
    with translation.override(language):
        return {c.label: (c.old, c.new) for c in history.audit_changes(event)}


def test_a_person_edit_reads_with_field_labels_and_local_values(world: World) -> None:
    learner = world.people["learner"]
    core_services.person_update(person=learner, actor=world.users["coordinator"], programme=world.programme,
                                expected_version=learner.version, date_of_birth=date(2012, 3, 4),
                                language="de")
    event = AuditEvent.objects.filter(person=learner, action="updated").get()
    assert event.changes == {"date_of_birth": [None, "2012-03-04"], "language": ["en", "de"]}  # codes stored
    assert _rows(event, "nl") == {"Geboortedatum": (None, "4 maart 2012"),
                                  "Voorkeurstaal": ("Engels", "Duits")}
    assert _rows(event, "de")["Geburtsdatum"] == (None, "4. März 2012")
    assert _rows(event, "en")["Date of birth"] == (None, "4 March 2012")


def test_states_booleans_times_and_requirements_read_as_words(world: World) -> None:
    programme = world.programme
    event = audit_record(
        organisation=world.organisation, programme=programme, actor=None, action="updated",
        subject=f"programme:{programme.pk}",
        changes={"is_active": [True, False], "meeting_cadence": ["weekly", "fortnightly"],
                 "requirements": [{}, {"interview_required": False, "max_distance_km": 12.5}]},
    )
    rows = _rows(event, "de")
    assert rows["Aktiv"] == ("ja", "nein")
    assert rows["Häufigkeit der Treffen"] == ("Wöchentlich", "Alle zwei Wochen")
    assert rows["Voraussetzungen"][1] == "Gespräch erforderlich: nein; größte Entfernung in km: 12,5"
    match_event = audit_record(
        organisation=world.organisation, programme=programme, actor=None, action="updated",
        subject="match:1", changes={"state": ["introduced", "active"],
                                    "first_meeting_at": [None, "2026-11-29T15:30:00+01:00"]},
    )
    assert _rows(match_event, "fr") == {"Statut": ("Première rencontre prévue", "Actif"),
                                        "Première rencontre": (None, "29 novembre 2026 15:30")}


def test_a_key_nobody_declared_is_shown_as_stored(world: World) -> None:
    event = audit_record(organisation=world.organisation, actor=None, action="updated",
                         subject="nothing:1", changes={"mystery_key": [None, "x"]})
    assert _rows(event, "nl") == {"Mystery_key": (None, "x")}


def test_system_reasons_are_codes_shown_in_the_readers_language() -> None:
    assert history.reason_text(Because.IMPORTED) == "Imported from a file"
    with translation.override("nl"):
        assert history.reason_text("imported") == "Geïmporteerd uit een bestand"
        assert history.reason_text("Woont te ver weg") == "Woont te ver weg"  # typed: as typed


def test_a_reason_code_cannot_mean_two_things() -> None:
    class Clash(models.TextChoices):
        IMPORTED = "imported", "Something else"

    with pytest.raises(ValueError, match="imported"):
        history.reasons(Clash)


def test_audit_table_renders_words(world: World, settings: Any) -> None:
    learner = world.people["learner"]
    core_services.person_update(person=learner, actor=world.users["coordinator"], programme=world.programme,
                                expected_version=learner.version, date_of_birth=date(2012, 3, 4))
    user = world.users["coordinator"]
    user.language = "nl"
    user.save()
    client = world.client_for("coordinator")
    page = client.get(f"/o/{world.organisation.slug}/p/{world.programme.slug}/people/{learner.pk}/").content.decode()
    assert "Geboortedatum: " in page and "4 maart 2012" in page
    assert "date_of_birth" not in page and "2012-03-04" not in page


def test_the_log_says_what_kind_of_record_each_entry_is_about(world: World) -> None:
    """A learner's record and their match both name the learner: the log tells them apart, and an
    entry about no person (a matching round) says what it is about instead of a dash."""
    programme = world.programme
    learner = world.people["learner"]
    for subject in ("match:1", "learner:1", "matching_round:1"):
        audit_record(organisation=world.organisation, programme=programme, actor=None, action="created",
                     subject=subject, person=None if subject.startswith("matching_round") else learner)
    user = world.users["coordinator"]
    user.language = "de"
    user.save()
    page = world.client_for("coordinator").get(
        f"/o/{world.organisation.slug}/p/{programme.slug}/audit/").content.decode()
    for kind in ("Tandem", "Mentee", "Vermittlungsrunde"):
        assert f'<span class="details muted">{kind}</span>' in page
    with translation.override("fr"):
        assert history.subject_kind("match:3") == "Binôme"
        assert history.subject_kind("person:3") == ""  # the entry names the person already
        assert history.subject_kind("nothing:3") == ""


def test_a_matchs_dates_read_as_labels_not_half_sentences(world: World) -> None:
    """'Première rencontre tenue le : 12 novembre' read oddly: a label names the date."""
    event = audit_record(
        organisation=world.organisation, programme=world.programme, actor=None, action="updated",
        subject="match:1", changes={"first_meeting_held_on": [None, "2026-11-12"],
                                    "mentor_answered_at": [None, "2026-11-03T10:00:00+01:00"],
                                    "learner_answered_at": [None, "2026-11-04T10:00:00+01:00"]})
    labels = {language: list(_rows(event, language)) for language in ("fr", "nl", "de")}
    assert labels["fr"] == ["Date de la première rencontre", "Date de la réponse du mentor",
                            "Date de la réponse du jeune"]
    assert labels["nl"] == ["Datum van de eerste ontmoeting", "Datum van het antwoord van de mentor",
                            "Datum van het antwoord van de leerling"]
    assert labels["de"] == ["Datum des ersten Treffens", "Datum der Antwort der Mentor:in",
                            "Datum der Antwort der:des Mentee"]
    assert _rows(event, "fr")["Date de la première rencontre"] == (None, "12 novembre 2026")
