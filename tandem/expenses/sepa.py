"""The SEPA credit transfer file (pain.001.001.03) of a payment batch, built with ``sepaxml`` and
validated with ``lxml`` against the XSD that ``sepaxml`` ships (ISO 20022 message definition)
before anyone is offered it."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

import sepaxml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from lxml import etree
from sepaxml import SepaTransfer

from tandem.core.text import semicolons
from tandem.expenses import money
from tandem.expenses.models import Claim, PaymentBatch, Policy

SCHEMA = "pain.001.001.03"


@cache
def schema() -> etree.XMLSchema:
    path = Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def validate(xml: bytes) -> None:
    """Raise ``ValidationError`` unless ``xml`` is valid against the pain.001 XSD."""
    document = etree.fromstring(xml)
    if not schema().validate(document):
        errors = semicolons(str(e.message) for e in list(schema().error_log)[:3])
        raise ValidationError(_("The payment file is not valid: %(errors)s") % {"errors": errors})


def _latin(text: str, length: int) -> str:
    """SEPA's character set: Latin letters without accents, digits and a little punctuation."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
    return "".join(c for c in plain if c in allowed).strip()[:length] or "Tandem"


def pain001(*, policy: Policy, batch: PaymentBatch, claims: list[Claim]) -> bytes:
    if not policy.debtor_iban:
        raise ValidationError(_("Enter the account the programme pays from (expense policy) first."))
    config: dict[str, Any] = {
        "name": _latin(policy.debtor_name or policy.programme.organisation.name, 70),
        "IBAN": policy.debtor_iban, "BIC": policy.debtor_bic or "NOTPROVIDED",
        "batch": True, "currency": policy.currency,
    }
    if not policy.debtor_bic:
        config.pop("BIC")
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    # The batch's own reference, so the bank's answer can be matched to the batch.
    transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = batch.message_id
    for claim in claims:
        bank = claim.volunteer.person.bank_details
        payment: dict[str, Any] = {
            "name": _latin(bank.holder, 70), "IBAN": bank.iban, "amount": money.as_cents_int(claim.amount),
            "execution_date": batch.execution_date,
            "description": _latin(f"Tandem {claim.spent_on:%Y-%m-%d} {claim.pk}", 140),
            "endtoend_id": f"TANDEM-CLAIM-{claim.pk}",
        }
        if bank.bic:
            payment["BIC"] = bank.bic
        transfer.add_payment(payment)
    xml: bytes = transfer.export(validate=False)
    validate(xml)
    return xml
