"""Bad input is answered with a message, never with a server error (docs/security.md, "Bad
input"): strict ids, NUL refused, sensible ranges, translated constraint messages, races turned
into messages, and imports that read what spreadsheets write."""

from __future__ import annotations

import codecs
import io
import threading
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test import Client
from django.utils import timezone, translation

from conftest import World
from tandem.core import services
from tandem.core.importing import ImportBatch, decode_text
from tandem.core.inputs import parse_id, parse_ids, validate_latitude
from tandem.core.integrity import save_checked
from tandem.core.models import Invitation, Person, Site, User
from tandem.core.requirements import validate_requirements
from tandem.onboarding.models import Registration, Volunteer, Workshop


def _prog(world: World) -> str:
    return f"/o/{world.organisation.slug}/p/{world.programme.slug}"


# --- Ids ----------------------------------------------------------------------------------------


def test_ids_are_ascii_digits_that_fit_a_database_id() -> None:
    assert parse_ids(["3", "²", "١٢", "-1", "0", "1e3", "1_0", " 4", "4", "9" * 30, "", "12"]) == [3, 4, 12]
    assert parse_id("²") is None and parse_id("9" * 18) == int("9" * 18) and parse_id("9" * 19) is None
    assert "²".isdigit()  # why str.isdigit() is not enough: int("²") raises


def test_ids_like_superscript_two_are_refused_politely(world: World) -> None:
    client = world.client_for("coordinator")
    person = Person.objects.create(organisation=world.organisation, given_name="Vera", family_name="V",
                                   email="vera@example.org")
    volunteer = Volunteer.objects.create(programme=world.programme, person=person, state="applied")
    workshop = Workshop.objects.create(programme=world.programme, title="Basics", place="Zuid",
                                       starts_at=timezone.now() + timedelta(days=2), capacity=3,
                                       hours=Decimal(2))
    base = f"{_prog(world)}/volunteers"
    bulk = client.post(f"{base}/bulk/", {"volunteers": ["²", str(volunteer.pk)], "to_state": "screening"})
    assert bulk.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.state == "screening"  # the valid id still counts
    booking = client.post(f"{base}/training/{workshop.pk}/register/", {"volunteer": "²"})
    assert booking.status_code == 302 and not Registration.objects.exists()
    attendance = client.post(f"{base}/training/{workshop.pk}/attendance/", {"attended": ["²", "9" * 40]})
    assert attendance.status_code == 302
    batch = client.post(f"{base}/import/", {"batch": "²"})
    assert batch.status_code == 302
    conflicts = client.get(f"{_prog(world)}/matching/conflicts/?learner=²&volunteer=9999999999999999999999")
    assert conflicts.status_code == 200


# --- NUL ----------------------------------------------------------------------------------------


def test_a_nul_character_anywhere_is_answered_400(world: World) -> None:
    client = world.client_for("coordinator")
    assert client.get(f"{_prog(world)}/people/?q=a%00b").status_code == 400
    response = client.post(f"{_prog(world)}/sites/", {"name": "Zuid\x00", "city": "Rotterdam"})
    assert response.status_code == 400 and "could not be read" in response.content.decode()
    assert client.get("/invite/abc%00def/").status_code == 400
    assert not Site.objects.filter(name__startswith="Zuid").exists()


def test_a_cookie_with_a_nul_is_ignored(world: World) -> None:
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert client.get("/accounts/login/").status_code == 200


# --- Ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["999", "1e25", "-91", "nan", "inf"])
def test_a_latitude_off_the_globe_is_refused(world: World, value: str) -> None:
    client = world.client_for("coordinator")
    response = client.post(f"{_prog(world)}/sites/", {"name": "Noord", "city": "Rotterdam",
                                                       "latitude": value, "longitude": "4.4"})
    assert response.status_code == 200 and "has-error" in response.content.decode()
    assert not Site.objects.filter(name="Noord").exists()


def test_the_service_refuses_what_the_form_would(world: World) -> None:
    for latitude in (float("nan"), float("inf"), 1e25, 90.5):
        with pytest.raises(ValidationError, match="latitude"):
            services.site_create(programme=world.programme, actor=None, name=f"S{latitude}",
                                 city="X", latitude=latitude)
    with pytest.raises(ValidationError):
        validate_latitude(float("nan"))


@pytest.mark.parametrize(("born", "message"), [
    ("2030-01-01", "cannot be in the future"), ("0001-01-01", "before 1900"),
])
def test_a_date_of_birth_must_be_plausible(world: World, born: str, message: str) -> None:
    client = world.client_for("coordinator")
    person = world.people["learner"]
    response = client.post(f"{_prog(world)}/people/{person.pk}/edit/", {
        "given_name": "Lea", "family_name": "L", "language": "nl", "date_of_birth": born,
        "version": person.version,
    })
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.date_of_birth is None


def test_a_learner_is_between_4_and_30(world: World) -> None:
    client = world.client_for("coordinator")
    too_young = (timezone.localdate() - timedelta(days=365)).isoformat()
    response = client.post(f"{_prog(world)}/referrals/new/", {
        "given_name": "Baby", "family_name": "B", "date_of_birth": too_young, "language": "nl",
        "guardian_language": "nl", "institution": world.school.pk, "gender_preference": "any",
    })
    assert "between 4 and 30 years old" in response.content.decode()


@pytest.mark.parametrize(("capacity", "message"), [
    ("0", "At least 1."), ("2147483648", "At most 1000."), ("1001", "At most 1000."),
])
def test_workshop_capacity_is_checked_in_words(world: World, capacity: str, message: str) -> None:
    client = world.client_for("coordinator")
    response = client.post(f"{_prog(world)}/volunteers/training/", {
        "title": "Basics", "starts_at": "2026-12-01T18:00", "place": "Zuid", "capacity": capacity,
        "hours": "2",
    })
    html = response.content.decode()
    assert message in html and "Constraint" not in html and "workshop_capacity" not in html
    assert not Workshop.objects.exists()


def test_an_event_in_the_year_1_is_refused_before_any_date_arithmetic(world: World) -> None:
    client = world.client_for("coordinator")
    person = Person.objects.create(organisation=world.organisation, given_name="Vera", family_name="V",
                                   email="vera@example.org")
    volunteer = Volunteer.objects.create(programme=world.programme, person=person)
    response = client.post(f"{_prog(world)}/volunteers/{volunteer.pk}/interview/plan/",
                           {"planned_at": "0001-01-01T00:00", "version": volunteer.version}, follow=True)
    assert response.status_code == 200 and "between the years 1900 and 2100" in response.content.decode()


def test_programme_requirements_stay_in_sensible_ranges() -> None:
    validate_requirements({"mentor_capacity": 6, "max_distance_km": 25.5})
    for key, value in (("mentor_capacity", 0), ("mentor_capacity", 5000), ("max_distance_km", -1)):
        with pytest.raises(ValidationError, match="must be between"):
            validate_requirements({key: value})


def test_huge_ids_in_urls_are_not_found(world: World) -> None:
    client = world.client_for("coordinator")
    huge = "9" * 30
    for path in (f"/people/{huge}/", f"/volunteers/{huge}/", f"/learners/{huge}/",
                 f"/matches/{huge}/", f"/matching/rounds/{huge}/", f"/volunteers/training/{huge}/"):
        assert client.get(_prog(world) + path).status_code == 404, path


# --- Constraints in words -----------------------------------------------------------------------


def _project_constraints() -> list[tuple[str, models.BaseConstraint]]:
    return [
        (model._meta.label, constraint)
        for model in apps.get_models() if model.__module__.startswith("tandem.")
        for constraint in model._meta.constraints
    ]


def test_every_constraint_speaks_the_users_language() -> None:
    """A violated constraint shows its violation_error_message: never its name."""
    constraints = _project_constraints()
    assert len(constraints) > 20
    for label, constraint in constraints:
        message = constraint.violation_error_message
        assert message != constraint.default_violation_error_message, (label, constraint.name)
        assert constraint.name not in str(message)
        with translation.override("nl"):
            dutch = str(message)
        assert dutch != str(message), (label, constraint.name, "not translated into Dutch")


def test_a_duplicate_site_is_refused_with_a_sentence(world: World) -> None:
    with pytest.raises(ValidationError) as error:
        services.site_create(programme=world.programme, actor=None, name="Feijenoord", city="Rotterdam")
    assert error.value.messages == ["The programme already has a site with this name."]


def test_a_race_lost_in_the_database_becomes_the_same_sentence(world: World) -> None:
    # What the second of two simultaneous requests meets: its full_clean() passed before the
    # first one's row existed, so only the database notices.
    twin = Site(programme=world.programme, name="Feijenoord", city="Rotterdam")
    with pytest.raises(ValidationError) as error:
        save_checked(twin)
    assert error.value.messages == ["The programme already has a site with this name."]
    assert Site.objects.filter(name="Feijenoord").count() == 1


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


@pytest.mark.django_db(transaction=True)
def test_a_site_created_twice_at_the_same_moment(world: World) -> None:
    """Two coordinators at once: one site, and the other one is told so (on PostgreSQL the
    second INSERT waits for the first transaction and then fails; SQLite serialises them)."""
    if not _postgresql():
        pytest.skip("two connections at once need PostgreSQL")
    from django.db import close_old_connections, transaction

    inserted, release = threading.Event(), threading.Event()

    def first() -> None:
        with transaction.atomic():
            Site.objects.create(programme=world.programme, name="Charlois", city="Rotterdam")
            inserted.set()
            release.wait(5)
        close_old_connections()

    thread = threading.Thread(target=first)
    thread.start()
    inserted.wait(5)
    timer = threading.Timer(0.5, release.set)
    timer.start()
    with pytest.raises(ValidationError) as error:
        services.site_create(programme=world.programme, actor=None, name="Charlois", city="Rotterdam")
    thread.join()
    assert error.value.messages == ["The programme already has a site with this name."]
    assert Site.objects.filter(name="Charlois").count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_invitation_accepted_in_two_browsers_at_once(world: World) -> None:
    if not _postgresql():
        pytest.skip("two connections at once need PostgreSQL")
    from django.db import close_old_connections, transaction

    invitation = Invitation.objects.create(programme=world.programme, email="twice@example.org",
                                           role="mentor")
    inserted, release = threading.Event(), threading.Event()

    def other_browser() -> None:
        with transaction.atomic():
            User.objects.create_user("twice@example.org", "a long enough password")
            inserted.set()
            release.wait(5)
        close_old_connections()

    thread = threading.Thread(target=other_browser)
    thread.start()
    inserted.wait(5)
    threading.Timer(0.5, release.set).start()
    response = Client().post(f"/invite/{invitation.token}/", {
        "full_name": "Twice", "password": "correct-horse-battery-staple"}, follow=True)
    thread.join()
    assert response.status_code == 200 and "just accepted" in response.content.decode()
    assert User.objects.filter(email="twice@example.org").count() == 1


# --- Imports ------------------------------------------------------------------------------------

HEADER = "given_name,family_name,email"


def _upload(client: Client, world: World, content: bytes, name: str) -> Any:
    return client.post(f"{_prog(world)}/volunteers/import/", {"file": _file(content, name)})


def _file(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(("encoded", "name"), [
    (("\ufeff" + HEADER + "\nZoë,Çelik,zoe@example.org\n").encode("utf-8"), "v.csv"),
    ((HEADER + "\nZoë,Çelik,zoe@example.org\n").encode("utf-8"), "v.csv"),
    # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated.
    (("\ufeff" + HEADER.replace(",", "\t") + "\nZoë\tÇelik\tzoe@example.org\n").encode("utf-16-le"), "v.txt"),
    (codecs.BOM_UTF16_BE + (HEADER + "\nZoë,Çelik,zoe@example.org\n").encode("utf-16-be"), "v.csv"),
    ((HEADER + "\nZoë,Çelik,zoe@example.org\n").encode("utf-16-le"), "v.csv"),  # no mark
])
def test_imports_read_utf8_and_utf16(world: World, encoded: bytes, name: str) -> None:
    response = _upload(world.client_for("coordinator"), world, encoded, name)
    html = response.content.decode()
    assert response.status_code == 200, html
    assert "Windows-1252" not in html and ImportBatch.objects.count() == 1
    assert "Çelik" in decode_text(encoded)[0]


def test_windows_1252_is_read_with_a_warning(world: World) -> None:
    content = (HEADER + "\nZoë,Çelik,zoe@example.org\n").encode("cp1252")
    text, warnings = decode_text(content)
    assert "Çelik" in text and warnings
    response = _upload(world.client_for("coordinator"), world, content, "v.csv")
    assert response.status_code == 200 and "Windows-1252" in response.content.decode()


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b"])
def test_a_control_character_is_refused_with_its_row_and_column(world: World, bad: str) -> None:
    content = (HEADER + f"\nAna,Ok,ana@example.org\nBo{bad}b,Smit,bob@example.org\n").encode()
    response = _upload(world.client_for("coordinator"), world, content, "v.csv")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Given name contains invisible control characters" in html and '<td data-label="Line">3</td>' in html
    assert not ImportBatch.objects.exists() and not Volunteer.objects.exists()


def test_the_confirmation_checks_the_stored_file_again(world: World) -> None:
    client = world.client_for("coordinator")
    _upload(client, world, (HEADER + "\nAna,Ok,ana@example.org\n").encode(), "v.csv")
    batch = ImportBatch.objects.get()
    # Whatever happened to the stored file since, the same checks run before anything is written.
    ImportBatch.objects.filter(pk=batch.pk).update(content=(HEADER + "\nA\x00na,Ok,ana@example.org\n").encode())
    response = client.post(f"{_prog(world)}/volunteers/import/", {"batch": batch.pk})
    assert response.status_code == 400 and "control characters" in response.content.decode()
    assert not Volunteer.objects.exists()
    ImportBatch.objects.filter(pk=batch.pk).update(applied=None, content=b"\xff\xfe\x00")
    response = client.post(f"{_prog(world)}/volunteers/import/", {"batch": batch.pk})
    assert response.status_code == 400


def test_an_export_survives_control_characters_stored_before(world: World) -> None:
    # (SQLite also stored NUL before imports refused it; PostgreSQL never accepts NUL.)
    person = Person.objects.create(organisation=world.organisation, given_name="Bo\x07b\x1b",
                                   family_name="Smit", email="bob@example.org")
    Volunteer.objects.create(programme=world.programme, person=person)
    response = world.client_for("coordinator").get(f"{_prog(world)}/volunteers/export/?format=xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None and sheet["A2"].value == "Bob"


def test_a_learner_date_of_birth_out_of_range_is_marked_in_the_preview(world: World) -> None:
    content = ("given_name,family_name,email,date_of_birth\n"
               "Ana,Ok,ana@example.org,2030-01-01\nBo,Ok,bo@example.org,0001-01-01\n"
               f"Cy,Ok,cy@example.org,{date.today().year - 60}-01-01\n").encode()
    response = world.client_for("coordinator").post(f"{_prog(world)}/learners/import/",
                                                     {"file": _file(content, "l.csv")})
    html = response.content.decode()
    assert response.status_code == 400
    assert "cannot be in the future" in html and "before 1900" in html
    assert "between 4 and 30 years old" in html
