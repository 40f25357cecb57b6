"""A claim's state reads in its own words: "Rejected" alone is also a volunteer's state, and the
merged catalogue gave the claim that translation ("Refusé" beside "Approuvée", "Payée")."""

from __future__ import annotations

from django.utils import translation

from tandem.expenses.models import Claim


def test_a_rejected_claim_agrees_with_the_other_claim_states_in_french() -> None:
    with translation.override("fr"):
        labels = {state: str(state.label) for state in Claim.State}
    assert labels[Claim.State.APPROVED] == "Approuvée"
    assert labels[Claim.State.PAID] == "Payée"
    assert labels[Claim.State.REJECTED] == "Refusée"


def test_the_rejected_claim_still_reads_in_dutch_and_german() -> None:
    for language, word in (("nl", "Afgewezen"), ("de", "Abgelehnt"), ("en", "Rejected")):
        with translation.override(language):
            assert str(Claim.State.REJECTED.label) == word
