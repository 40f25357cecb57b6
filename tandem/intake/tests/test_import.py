"""Learners in and out of CSV/XLSX through core's shared import: preview, all-or-nothing."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import World
from tandem.core.importing import build_preview, read_table, to_csv
from tandem.core.models import AuditEvent
from tandem.intake.importing import LearnerSpec
from tandem.intake.models import Learner

HEADER = "given_name,family_name,email,date_of_birth,institution,level,languages,postcode,city,reasons,availability,guardian_email\n"


def _url(world: World, name: str) -> str:
    return reverse(name, kwargs={"org": world.organisation.slug, "prog": world.programme.slug})


def _upload(world: World, text: str) -> tuple[int, str]:
    client = world.client_for("coordinator")
    response = client.post(_url(world, "intake:learner_import"),
                           {"file": SimpleUploadedFile("learners.csv", text.encode())})
    body = response.content.decode()
    if response.status_code == 200 and 'name="batch"' in body:
        batch = body.split('name="batch" value="')[1].split('"')[0]
        confirm = client.post(_url(world, "intake:learner_import"), {"batch": batch})
        return confirm.status_code, body
    return response.status_code, body


def test_import_creates_and_updates_by_email_or_name_and_birth_date(world: World) -> None:
    rows = (
        HEADER
        + "Noor,Bakker,,2013-02-03,De Globetrotter,primary,\"nl, ar\",3073,Rotterdam,study_skills,\"mon-afternoon; wed-afternoon\",ouder.bakker@example.org\n"
        + "Daan,Visser,daan@example.org,2008-01-01,,havo,nl,3082,Rotterdam,motivation,,\n"
    )
    status, preview = _upload(world, rows)
    assert status == 302, preview
    noor = Learner.objects.get(person__family_name="Bakker")
    assert noor.source == "import" and noor.state == "referred" and noor.institution == world.school
    assert noor.availability == ["mon-afternoon", "wed-afternoon"] and noor.latitude is not None
    assert noor.person.guardian_links.get().guardian.email == "ouder.bakker@example.org"
    # Same rows again with changes: recognised, updated, nothing duplicated.
    status, preview = _upload(world, rows.replace("study_skills", "exam_preparation").replace(",havo,", ",vwo,"))
    assert status == 302 and "2 to update" in preview
    assert Learner.objects.count() == 2
    assert Learner.objects.get(pk=noor.pk).reasons == ["exam_preparation"]
    assert Learner.objects.get(person__email="daan@example.org").level == "vwo"


def test_one_bad_row_imports_nothing(world: World) -> None:
    status, body = _upload(world, HEADER
                           + "Noor,Bakker,,2013-02-03,,primary,nl,,,,,\n"
                           + "Sem,Jansen,,2012-01-01,Unknown School,,nl,,,flying,,\n"
                           + "Lotte,Jansen,,2012-01-01,,,nl,,,,sun-night,\n"
                           + "Mees,Smit,,2012-01-01,,gymnasium,nl,,,,,\n")
    assert status == 400 and not Learner.objects.exists()
    assert "Unknown School" in body and "sun-night" in body and "flying" in body and "gymnasium" in body


def test_export_round_trips(world: World) -> None:
    _upload(world, HEADER + "Noor,Bakker,,2013-02-03,De Globetrotter,primary,nl,3073,Rotterdam,motivation,sat-morning,g@example.org\n")
    spec = LearnerSpec(world.programme)
    data = to_csv(spec=spec, rows=spec.export_rows())
    preview = build_preview(spec=spec, rows=read_table(data, "learners.csv"))
    assert [r.action for r in preview.rows] == ["update"]
    assert preview.rows[0].values["date_of_birth"] == date(2013, 2, 3)
    assert preview.rows[0].values["guardian_email"] == "g@example.org"
    template = world.client_for("coordinator").get(_url(world, "intake:learner_template"), {"format": "csv"})
    assert template.content.decode("utf-8-sig").startswith("Given name,Family name,E-mail,Date of birth")


def test_every_imported_change_is_in_the_audit_trail(world: World) -> None:
    row = "Daan,Visser,daan@example.org,2008-01-01,,havo,nl,3082,Rotterdam,motivation,,{guardian}\n"
    assert _upload(world, HEADER + row.format(guardian=""))[0] == 302
    daan = Learner.objects.get(person__email="daan@example.org")
    changed = row.replace("Visser", "Visser-Smit").replace(",havo,", ",vwo,")
    assert _upload(world, HEADER + changed.format(guardian="ouder@example.org"))[0] == 302
    events = AuditEvent.objects.filter(person=daan.person, action="updated")
    assert all(e.actor == world.users["coordinator"] for e in events)
    person_changes = [e.changes for e in events.filter(subject=f"person:{daan.person.pk}")]
    assert {"family_name": ["Visser", "Visser-Smit"]} in person_changes
    assert {"guardian": [None, "ouder@example.org"]} in person_changes
    assert events.get(subject=f"learner:{daan.pk}").changes["level"] == ["havo", "vwo"]


def test_a_file_with_only_the_header_row_says_there_is_nothing_to_import(world: World) -> None:
    status, body = _upload(world, HEADER)
    assert status == 400 and not Learner.objects.exists()
    assert "The file has a header row but no rows to import." in body and "Missing columns" not in body
    status, body = _upload(world, "\n\n")
    assert status == 400 and "The file has only blank lines" in body
    client = world.client_for("coordinator")
    empty = client.post(_url(world, "intake:learner_import"), {"file": SimpleUploadedFile("learners.csv", b"")})
    assert empty.status_code == 400 and "The file is empty" in empty.content.decode()
    # The form is still there to upload the corrected file.
    assert 'type="file"' in body


def test_imported_learners_and_their_guardians_read_the_programme_s_language(world: World) -> None:
    # A file has no language column: pupils and the guardians linked to them were stored as
    # English, and Dutch parents got their consent and match e-mails in English.
    world.programme.languages = ["nl", "tr"]
    world.programme.save(update_fields=["languages"])
    rows = HEADER + "Yusuf,Demir,,2014-02-03,,primary,\"nl, tr\",3072,Rotterdam,motivation,,ouders.demir@example.org\n"
    status, _body = _upload(world, rows)
    assert status == 302
    learner = Learner.objects.get(person__given_name="Yusuf")
    assert learner.person.language == "nl"
    assert learner.person.guardian_links.get().guardian.language == "nl"
