"""The certificate prints every name as written: Turkish, Polish, Vietnamese, Greek, Cyrillic,
Arabic. Checked on the text a PDF reader extracts from the real file (pypdf).

What is compared: the extracted text after Unicode NFKC normalisation. Arabic letters are drawn
in their joined shapes, which Unicode encodes as "presentation forms" (e.g. ﻣ for medial م);
NFKC maps them back to the letters a person types. pypdf returns a right-to-left run in reading
order, so the name must appear exactly as entered.
"""

from __future__ import annotations

import io
import unicodedata
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from conftest import World
from tandem.core.models import Organisation, Person
from tandem.onboarding.models import TrainingCertificate
from tandem.onboarding.pdf import certificate_pdf
from tandem.onboarding.tests.helpers import volunteer

NAMES = [
    ("Işık", "Yılmaz"),  # Turkish dotless ı and ş: printed as "Is?k Y?lmaz" before
    ("Łukasz", "Żółć"),  # Polish
    ("Nguyễn Thị", "Hương"),  # Vietnamese (Latin Extended Additional)
    ("Ελένη", "Παπαδοπούλου"),  # Greek
    ("Дмитрий", "Иванов"),  # Cyrillic
    ("محمد", "علي"),  # Arabic: printed as "????" before
    ("صلاح", "الدين"),  # Arabic with the lam-alef ligature
]


def _pdf_text(content: bytes) -> str:
    return unicodedata.normalize("NFKC", PdfReader(io.BytesIO(content)).pages[0].extract_text())


def _fonts(content: bytes) -> set[str]:
    resources = PdfReader(io.BytesIO(content)).pages[0]["/Resources"]["/Font"]
    return {str(font.get_object()["/BaseFont"]) for font in resources.values()}


@pytest.mark.parametrize(("given_name", "family_name"), NAMES)
def test_certificate_prints_the_name_as_written(world: World, given_name: str, family_name: str) -> None:
    v = volunteer(world, language="en")
    v.person.given_name, v.person.family_name = given_name, family_name
    v.person.save()
    certificate = TrainingCertificate.objects.create(volunteer=v, hours=Decimal(2),
                                                     issued_on=timezone.localdate())
    content = certificate_pdf(certificate)
    text = _pdf_text(content)
    assert f"{given_name} {family_name}" in text
    assert "?" not in text.replace("?code=", "")  # nothing replaced by question marks
    assert "Certificate of training" in text and certificate.code in text
    # Only the embedded DejaVu Sans (subsets named like "AAAAAA+DejaVuSans"), no built-in fonts.
    assert {name.split("+")[-1] for name in _fonts(content)} == {"DejaVuSans", "DejaVuSans-Bold"}


def test_downloaded_certificate_in_greek_programme_and_arabic_organisation(world: World) -> None:
    Organisation.objects.filter(pk=world.organisation.pk).update(name="جمعية التوجيه")
    v = volunteer(world, language="de")
    Person.objects.filter(pk=v.person.pk).update(given_name="Ζωή", family_name="Öztürk-Şahin")
    # (the download page reads the certificate, its volunteer and person afresh)
    certificate = TrainingCertificate.objects.create(volunteer=v, hours=Decimal("2.5"),
                                                     issued_on=timezone.localdate())
    response = Client().get(f"/certificates/download/{certificate.download_token}/")
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Ζωή Öztürk-Şahin" in text and "جمعية التوجيه" in text
    assert "Schulungszertifikat" in text  # in the volunteer's language
