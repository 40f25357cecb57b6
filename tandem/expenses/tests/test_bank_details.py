"""Bank details as the form holds them are as they are stored: the IBAN compact, the BIC found
from the IBAN when left empty. So Save sent twice (a double tap) lands like once, and an edit
from another tab is still shown side by side with what was saved meanwhile."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import World
from tandem.core.models import AuditEvent
from tandem.core.testing import programme_kwargs
from tandem.expenses import services
from tandem.expenses.forms import BankDetailsForm, PolicyForm
from tandem.expenses.models import BankDetails
from tandem.expenses.tests.factories import IBAN_FR, IBAN_NL, bank, mentor_volunteer

pytestmark = pytest.mark.django_db


def _url(world: World) -> str:
    return reverse("expenses:bank", kwargs=programme_kwargs(world))


def _audited(row: BankDetails) -> int:
    return AuditEvent.objects.filter(subject=f"bank_details:{row.pk}").count()


def test_the_form_holds_the_account_as_it_is_stored() -> None:
    form = BankDetailsForm({"version": "1", "holder": "Anna", "iban": "fr14 2004 1010 0505 0001 3m02 606", "bic": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iban"] == IBAN_FR and form.cleaned_data["bic"] == "PSSTFRPP"
    typed = BankDetailsForm({"version": "1", "holder": "Anna", "iban": IBAN_NL, "bic": "abnanl2a"})
    assert typed.is_valid() and typed.cleaned_data["bic"] == "ABNANL2A"  # a BIC typed is kept (compact)


def test_a_bad_iban_or_bic_is_an_error_on_its_field() -> None:
    form = BankDetailsForm({"version": "1", "holder": "Anna", "iban": "DE89370400440532013001", "bic": "NOTABIC!"})
    assert not form.is_valid()
    assert "This is not a valid IBAN. Check it on your bank card or statement." in form.errors["iban"]
    assert "This is not a valid BIC." in form.errors["bic"]


@pytest.mark.parametrize("iban", [IBAN_FR, "FR14 2004 1010 0505 0001 3M02 606"])
def test_a_double_tap_with_the_bic_left_empty_saves_once(world: World, iban: str) -> None:
    row = bank(mentor_volunteer(world))
    client = world.client_for("mentor")
    data = {"version": str(row.version), "holder": "Anna de Vries", "iban": iban, "bic": ""}
    first = client.post(_url(world), data)
    row.refresh_from_db()
    stored = (row.version, row.iban, row.bic, _audited(row))
    again = client.post(_url(world), data)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    row.refresh_from_db()
    assert (row.version, row.iban, row.bic, _audited(row)) == stored == (2, IBAN_FR, "PSSTFRPP", 1)


def test_another_account_from_an_older_tab_is_still_refused(world: World) -> None:
    row = bank(mentor_volunteer(world))
    client = world.client_for("mentor")
    data = {"version": str(row.version), "holder": "Anna de Vries", "bic": ""}
    assert client.post(_url(world), {**data, "iban": IBAN_FR}).status_code == 302
    refused = client.post(_url(world), {**data, "iban": IBAN_NL})
    assert refused.status_code == 200
    body = refused.content.decode()
    assert "Someone else saved this while you were editing" in body
    assert "PSSTFRPP" in body and "ABNANL2A" in body  # each BIC as its IBAN gives it, side by side
    row.refresh_from_db()
    assert (row.iban, row.version) == (IBAN_FR, 2)


def test_the_programmes_account_is_completed_by_its_form_too(world: World) -> None:
    policy = services.policy_for(world.programme)
    initial: dict[str, Any] = {name: getattr(policy, name) for name in PolicyForm._meta.fields or ()}
    form = PolicyForm({**{k: "" if v is None else v for k, v in initial.items()}, "version": str(policy.version),
                       "no_mixing": "on" if policy.no_mixing else "", "debtor_iban": "NL91 ABNA 0417 1643 00",
                       "debtor_bic": ""}, instance=policy)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["debtor_iban"], form.cleaned_data["debtor_bic"]) == (IBAN_NL, "ABNANL2A")
