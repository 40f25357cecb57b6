"""Erasure (GDPR art. 17): after erasing a person seeded into every registered model, a full
dump of the database and of the media folder holds none of her identifying values; others'
records and the programme's figures stay right; the erasure itself is recorded."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent, GuardianLink, Person, User
from tandem.intake.models import GuardianConsent, Learner
from tandem.matching.models import ExitSurvey, Match
from tandem.onboarding.models import Registration, Volunteer
from tandem.privacy import services
from tandem.privacy.models import Erasure
from tandem.privacy.tests.seed import EMAIL, GIVEN, seed


def full_dump(media_root: Path) -> str:
    """Every table of every app, and every file under MEDIA_ROOT, as one text."""
    out = io.StringIO()
    # django_rq's dashboard is an unmanaged model without a table.
    call_command("dumpdata", "--natural-foreign", "--exclude", "django_rq", stdout=out)
    files = [p.read_bytes().decode("utf-8", "replace") for p in media_root.rglob("*") if p.is_file()]
    return "\n".join([out.getvalue(), *files])


def _variants(value: str) -> set[str]:
    """The value as it may be stored: as typed, JSON-escaped, case-folded."""
    escaped = json.dumps(value)[1:-1]
    return {value.casefold(), escaped.casefold()}


def _leaks(dump: str, values: list[str]) -> list[str]:
    folded = dump.casefold()
    return [value for value in values if any(v in folded for v in _variants(value))]


def test_after_erasure_no_dump_holds_her(world: World, settings: Any, tmp_path: Path,
                                        django_capture_on_commit_callbacks: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    ctx = seed(world)
    assert not _leaks("", ctx.identifying)
    before = full_dump(tmp_path)
    assert set(_leaks(before, ctx.identifying)) >= {GIVEN, EMAIL, "1990-07-19", "Zq-notes-zomer-marker"}
    closed_before = Match.objects.filter(programme=world.programme, state="closed").count()
    admin = world.users["org_admin"]

    # Files (receipts) are removed once the erasure commits: run those callbacks too.
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.person_erase(person=ctx.person, actor=admin, programme=world.programme)

    leaks = _leaks(full_dump(tmp_path), ctx.identifying)
    assert not leaks, f"still in the dump after the erasure: {leaks}"
    assert counts["mentions"] >= 2  # her name in another person's audit entry and survey
    # She stays a row everybody else's records can point at, without anything about her.
    person = Person.objects.get(pk=ctx.person.pk)
    assert person.erased_at is not None and person.full_name == "Erased person"
    assert not person.memberships.exists() and person.user_id is None
    assert not User.objects.filter(pk=ctx.user.pk).exists()
    # The programme's figures: her closed match is still counted, her workshop attended, the
    # survey's rating kept (the comment is gone).
    assert Match.objects.filter(programme=world.programme, state="closed").count() == closed_before
    assert Registration.objects.filter(volunteer__person=person, attended=True).count() == 1
    surveys = ExitSurvey.objects.filter(match=ctx.mentor_match)
    assert {s.rating for s in surveys} == {5} and {s.comment for s in surveys} == {"", "Thank you …!"}
    assert Volunteer.objects.get(pk=ctx.volunteer.pk).state == "alumni"  # type: ignore[union-attr]
    # Other people's records are intact: the child she is guardian of keeps the consent she gave.
    kiki = Person.objects.get(given_name="Kiki")
    assert Learner.objects.get(person=kiki).state == "waiting"
    assert GuardianConsent.objects.get(learner__person=kiki).is_given
    assert not GuardianLink.objects.filter(guardian=person).exists()
    assert Person.objects.filter(given_name="Aylin", erased_at__isnull=True).exists()
    # What is kept: that she was erased, when, and by whom.
    erasure = Erasure.objects.get(person=person, scope="person")
    assert erasure.by == admin and erasure.reason == "request"
    events = AuditEvent.objects.filter(person=person)
    assert [e.action for e in events] == ["erased"] and events[0].actor == admin


def test_erasure_is_refused_while_she_still_takes_part(world: World) -> None:
    ctx = seed(world)
    Volunteer.objects.filter(pk=ctx.volunteer.pk).update(state="active")  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="still takes part"):
        services.person_erase(person=ctx.person, actor=world.users["org_admin"])
    assert Person.objects.get(pk=ctx.person.pk).erased_at is None


def test_nobody_erases_themselves(world: World) -> None:
    coordinator = world.people["coordinator"]
    with pytest.raises(ValidationError, match="yourself"):
        services.person_erase(person=coordinator, actor=world.users["coordinator"])


def test_the_coordinator_confirms_by_typing_the_name(world: World) -> None:
    mentor = world.people["mentor"]
    Volunteer.objects.create(programme=world.programme, person=mentor, state="alumni")
    client = world.client_for("coordinator")
    url = reverse("privacy:person_erase", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug, "pk": mentor.pk})
    page = client.get(url)
    assert page.status_code == 200 and "Type the person" in page.content.decode()
    wrong = client.post(url, {"confirm": "Someone Else"})
    assert wrong.status_code == 200 and "not the person" in wrong.content.decode()
    assert Person.objects.get(pk=mentor.pk).erased_at is None
    done = client.post(url, {"confirm": "  mentor   TESTER "})
    assert done.status_code == 302
    assert done["Location"] == reverse("core:people", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug})
    assert Person.objects.get(pk=mentor.pk).erased_at is not None
    people = client.get(done["Location"]).content.decode()
    assert "Mentor Tester" not in people
    # Sent twice (a double click): the second lands on the same page, nothing more happens.
    again = client.post(url, {"confirm": "Mentor Tester"})
    assert again.status_code == 302 and again["Location"] == done["Location"]
    assert Erasure.objects.filter(person=mentor).count() == 1
    # Another coordinator opening the erased person's address finds nothing.
    assert world.client_for("org_admin").get(url).status_code == 404


def test_a_restored_backup_is_erased_again(world: World, settings: Any, tmp_path: Path,
                                           django_capture_on_commit_callbacks: Any) -> None:
    """The erasure log lives outside the database: replayed after a restore, it erases again
    who was erased since the backup, and running it twice changes nothing."""
    settings.ERASURE_LOG = str(tmp_path / "erasures.jsonl")
    mentor = world.people["mentor"]
    Volunteer.objects.create(programme=world.programme, person=mentor, state="alumni")
    with django_capture_on_commit_callbacks(execute=True):
        services.person_erase(person=mentor, actor=world.users["coordinator"])
    log = (tmp_path / "erasures.jsonl").read_text()
    assert "Mentor" not in log and str(mentor.pk) in log
    # The backup is restored: she is back, with her name.
    Person.objects.filter(pk=mentor.pk).update(erased_at=None, given_name="Mentor",
                                               family_name="Tester", email="mentor@zuid.example")
    Erasure.objects.all().delete()
    out = io.StringIO()
    call_command("replay_erasures", stdout=out)
    assert "1 people" in out.getvalue()
    assert Person.objects.get(pk=mentor.pk).erased_at is not None
    assert Person.objects.get(pk=mentor.pk).email == ""
    out = io.StringIO()
    call_command("replay_erasures", stdout=out)
    assert "0 people" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_erasing_rows_removes_their_files_from_storage(settings: Any, tmp_path: Path) -> None:
    """No model stores files yet; the first that does gets this for free (a registered file
    field must be deleted or anonymised, test_privacy_registry)."""
    from django.core.files.base import ContentFile
    from django.db import connection, models
    from django.test.utils import isolate_apps

    from tandem.core.privacy import Anonymise, Delete

    settings.MEDIA_ROOT = str(tmp_path)
    with isolate_apps("tandem.privacy"):
        class Attachment(models.Model):
            file = models.FileField(upload_to="attachments/", blank=True)

            class Meta:
                app_label = "privacy"

            def __str__(self) -> str:
                return self.file.name

        with connection.schema_editor() as editor:
            editor.create_model(Attachment)
        try:
            gone = Attachment.objects.create(file=ContentFile(b"Zq secret", name="a.txt"))
            emptied = Attachment.objects.create(file=ContentFile(b"Zq secret", name="b.txt"))
            kept = Attachment.objects.create(file=ContentFile(b"other", name="c.txt"))
            files = {a.pk: tmp_path / a.file.name for a in (gone, emptied, kept)}
            assert all(path.exists() for path in files.values())
            services.apply_rule(Attachment, Delete(), Attachment.objects.filter(pk=gone.pk))
            services.apply_rule(Attachment, Anonymise(file=""),
                                Attachment.objects.filter(pk=emptied.pk))
            assert not files[gone.pk].exists() and not files[emptied.pk].exists()
            assert files[kept.pk].exists()
            assert Attachment.objects.get(pk=emptied.pk).file.name == ""
            assert "Zq secret" not in full_dump(tmp_path)
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(Attachment)
