"""Payment: the pain.001 file is valid against the XSD, the CSV/XLSX are formula-safe, a batch is
paid once, IBANs are validated and masked."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import etree

from conftest import World
from tandem.core.testing import programme_kwargs
from tandem.expenses import exports, selectors, sepa, services
from tandem.expenses.models import Claim
from tandem.expenses.tests.factories import (
    IBAN_BE,
    IBAN_FR,
    approved_batch,
    bank,
    claim,
    mentor_volunteer,
)


def test_the_pain001_file_is_valid_against_the_xsd(world: World) -> None:
    batch = approved_batch(world, n=3)
    claims = selectors.batch_claims(batch)
    xml = sepa.pain001(policy=services.policy_for(world.programme), batch=batch, claims=claims)
    document = etree.fromstring(xml)
    assert sepa.schema().validate(document)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    assert document.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) == batch.message_id
    assert document.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns) == "3"
    assert Decimal(document.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns)) == batch.total == Decimal("37.50")


def test_an_invalid_file_is_never_offered() -> None:
    with pytest.raises(ValidationError, match="not valid"):
        sepa.validate(b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><Nope/></Document>')


def test_a_claim_is_paid_once(world: World) -> None:
    batch = approved_batch(world, n=2)
    with pytest.raises(ValidationError, match="no approved claims"):
        services.batch_create(programme=world.programme, actor=world.users["coordinator"])
    assert services.batch_mark_paid(batch=batch, actor=world.users["coordinator"]) == 2
    assert services.batch_mark_paid(batch=batch, actor=world.users["coordinator"]) == 0
    assert set(Claim.objects.values_list("state", flat=True)) == {"paid"}
    with pytest.raises(ValidationError):
        services.batch_cancel(batch=batch, actor=world.users["coordinator"])


def test_a_refused_file_is_cancelled_and_its_claims_paid_in_a_new_one(world: World) -> None:
    batch = approved_batch(world, n=2)
    assert services.batch_cancel(batch=batch, actor=world.users["coordinator"]) == 2
    again = services.batch_create(programme=world.programme, actor=world.users["coordinator"])
    assert again.count == 2


def test_csv_and_xlsx_exports_are_formula_safe(world: World) -> None:
    volunteer = mentor_volunteer(world)
    batch = approved_batch(world)
    bank(volunteer, holder="=HYPERLINK(\"http://evil\")")
    rows = exports.payment_rows(selectors.batch_claims(batch), "EUR", batch.message_id)
    text = exports.write("csv", exports.PAYMENT_COLUMNS, rows, "p").decode("utf-8-sig")
    record = next(csv.DictReader(io.StringIO(text)))
    assert record["account_holder"].startswith("'=") and record["amount"] == "12.50"
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(exports.write("xlsx", exports.PAYMENT_COLUMNS, rows, "p"))).active
    assert sheet["D2"].data_type == "s"
    assert Decimal(str(sheet["H2"].value)) == Decimal("12.50")


def test_iban_and_bic_are_validated(world: World) -> None:
    person = mentor_volunteer(world).person
    with pytest.raises(ValidationError):
        services.bank_details_save(person=person, actor=None, expected_version=None, holder="A",
                                   iban="DE89370400440532013001")
    with pytest.raises(ValidationError):
        services.bank_details_save(person=person, actor=None, expected_version=None, holder="A",
                                   iban=IBAN_BE, bic="NOTABIC!")
    saved = services.bank_details_save(person=person, actor=None, expected_version=None, holder="A",
                                       iban="fr14 2004 1010 0505 0001 3m02 606")
    assert saved.iban == IBAN_FR and saved.bic == "PSSTFRPP" and saved.masked_iban == "FR14 •••• 2606"


def test_the_iban_is_masked_except_to_the_volunteer(world: World) -> None:
    volunteer = mentor_volunteer(world)
    batch = approved_batch(world)
    kwargs = programme_kwargs(world)
    coordinator_page = world.client_for("coordinator").get(
        reverse("expenses:batch", kwargs={**kwargs, "pk": batch.pk})).content.decode()
    assert "DE89 •••• 3000" in coordinator_page and "0532013000" not in coordinator_page
    mine = world.client_for("mentor").get(reverse("expenses:mine", kwargs=kwargs)).content.decode()
    assert volunteer.person.bank_details.formatted_iban in mine


def test_the_yearly_allowance_list(world: World) -> None:
    from datetime import date

    volunteer = mentor_volunteer(world)
    claim(volunteer, kind="flat_meeting", amount="5.00", state="approved", day=date(2025, 3, 1))
    claim(volunteer, kind="flat_meeting", amount="5.00", state="approved", day=date(2025, 3, 8))
    claim(volunteer, kind="flat_meeting", amount="5.00", state="rejected", day=date(2025, 3, 9))
    claim(volunteer, kind="transport", amount="9.00", state="approved", day=date(2025, 3, 9))
    rows = selectors.yearly_allowances(programme=world.programme, year=2025)
    assert [r["year_total"] for r in rows] == [Decimal("5.00"), Decimal("10.00")]
    response = world.client_for("coordinator").get(
        reverse("expenses:allowances", kwargs={**programme_kwargs(world), "fmt": "xlsx"}), {"year": "2025"})
    assert response.status_code == 200 and response.content[:2] == b"PK"


@pytest.mark.parametrize("fmt", ["xml", "csv", "xlsx"])
def test_a_payment_file_is_named_in_the_readers_language(world: World, fmt: str) -> None:
    batch = approved_batch(world, n=1)
    url = reverse("expenses:batch_file", kwargs={**programme_kwargs(world), "pk": batch.pk, "fmt": fmt})
    client = world.client_for("coordinator")
    reference = batch.message_id.lower()
    german = client.get(url, HTTP_ACCEPT_LANGUAGE="de")
    assert german["Content-Disposition"] == f'attachment; filename="zahlungen-moz-{reference}.{fmt}"'
    dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert dutch["Content-Disposition"] == f'attachment; filename="betalingen-moz-{reference}.{fmt}"'
