"""Receipts: type by content, size limit, private storage, served only to the volunteer and the
coordinators, removed with the claim."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import World
from tandem.core.testing import programme_kwargs
from tandem.expenses import services
from tandem.expenses.tests.factories import mentor_volunteer, pdf_file, photo


@pytest.fixture(autouse=True)
def _private(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PRIVATE_MEDIA_ROOT = ""


def _create(world: World, upload: Any) -> Any:
    return services.claim_create(volunteer=mentor_volunteer(world), actor=None, kind="transport",
                                 spent_on=date(2025, 6, 1), amount="9.80", receipt=upload)


def test_a_photo_and_a_pdf_are_kept_privately_under_a_random_name(world: World, tmp_path: Path) -> None:
    item = _create(world, photo("Zyxandra ticket.jpg"))
    assert item.receipt_type == "image/jpeg"
    path = Path(item.receipt.path)
    assert path.is_relative_to(tmp_path / "private") and "Zyxandra" not in path.name
    assert _create(world, pdf_file()).receipt_type == "application/pdf"


def test_a_file_that_only_claims_to_be_a_photo_is_refused(world: World) -> None:
    fake = SimpleUploadedFile("ticket.jpg", b"MZ\x90\x00 this is a program", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="photo"):
        _create(world, fake)
    html = SimpleUploadedFile("ticket.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")
    with pytest.raises(ValidationError):
        _create(world, html)


def test_a_receipt_too_large_is_refused(world: World, settings: Any) -> None:
    settings.EXPENSES_RECEIPT_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="too large"):
        _create(world, photo(size=(400, 400)))


def test_the_receipt_is_served_to_its_volunteer_and_coordinators_only(world: World) -> None:
    item = _create(world, photo())
    url = reverse("expenses:receipt", kwargs={**programme_kwargs(world), "pk": item.pk})
    for persona in ("mentor", "coordinator", "org_admin"):
        response = world.client_for(persona).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert world.client_for("learner").get(url).status_code == 403
    assert world.client_for("outsider").get(url).status_code == 404


def test_the_claim_and_its_file_are_removed_under_retention(world: World, settings: Any,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from tandem.expenses.models import Claim
    from tandem.privacy.retention import apply_retention

    item = _create(world, photo())
    path = Path(item.receipt.path)
    Claim.objects.filter(pk=item.pk).update(created=timezone.now() - timedelta(days=8 * 366))
    kept = _create(world, photo())
    with django_capture_on_commit_callbacks(execute=True):
        apply_retention()
    assert not Claim.objects.filter(pk=item.pk).exists() and not path.exists()
    assert Claim.objects.filter(pk=kept.pk).exists() and Path(kept.receipt.path).exists()


def test_a_claim_without_receipt_is_sent_with_a_plain_dutch_note(world: World) -> None:
    from django.utils import timezone

    from tandem.expenses.tests.url_matrix import _mentor

    client = world.client_for("mentor")
    client.post(reverse("core:set_language"), {"language": "nl", "next": "/"})
    response = client.post(reverse("expenses:claim_new", kwargs=_mentor(world)), {
        "kind": "transport", "spent_on": timezone.localdate().isoformat(), "amount": "4.60",
        "description": "Tram naar school"}, follow=True)
    page = response.content.decode()
    assert "Je declaratie is verstuurd. Na te kijken: Geen bonnetje — de coördinator beslist." in page
    assert "Ze gaat over" not in page
