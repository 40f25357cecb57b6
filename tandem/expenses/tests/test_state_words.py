"""A claim's state reads in its own words: "Rejected" alone is also a volunteer's state, and the
merged catalogue gave the claim that translation ("Refusé" beside "Approuvée", "Payée")."""

from __future__ import annotations

import re

from django.utils import translation

from conftest import World
from tandem.expenses import services
from tandem.expenses.models import Claim
from tandem.expenses.tests.factories import claim, mentor_volunteer


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


def test_the_review_pages_tab_says_refusee_too(world: World) -> None:
    """The coordinator's tabs ("Approuvée 6 · Payée 5 · Refusé 4") named the state on their own."""
    world.users["coordinator"].language = "fr"
    world.users["coordinator"].save(update_fields=["language"])
    response = world.client_for("coordinator").get("/o/zuid/p/moz/expenses/review/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Refusée" in html and "Refusé " not in html and "Refusé<" not in html


def test_the_claims_reject_button_says_refuser(world: World) -> None:
    """The button read "Rejeter" (the matching proposals' word) above a state "Refusée"."""
    item = claim(mentor_volunteer(world))
    world.users["coordinator"].language = "fr"
    world.users["coordinator"].save(update_fields=["language"])
    html = world.client_for("coordinator").get(
        f"/o/zuid/p/moz/expenses/claims/{item.pk}/").content.decode()
    assert 'value="reject">Refuser</button>' in html


def test_what_is_left_reads_with_a_french_colon(world: World) -> None:
    """"Votre limite ce mois-ci: 27,96 €": French puts a (non-breaking) space before the colon."""
    from decimal import Decimal

    volunteer = mentor_volunteer(world)
    policy = services.policy_for(world.programme)
    policy.limit_month = Decimal("30.00")
    policy.save()
    user = volunteer.person.user
    user.language = "fr"
    user.save(update_fields=["language"])
    client = world.client_for("mentor")
    for path in ("/o/zuid/p/moz/expenses/", "/o/zuid/p/moz/expenses/new/"):
        html = client.get(path).content.decode()
        assert "Votre limite ce mois-ci\u00a0:" in html, path
        assert "ce mois-ci:" not in html, path


def test_what_is_left_says_it_is_what_is_left_not_the_limit(world: World) -> None:
    """"Encore possible — Votre limite ce mois-ci : 34,26 €" read as a limit of 34,26 € (it was
    what is left of 65 €); the page says "34,26 € restants", as the claim form does."""
    from decimal import Decimal

    volunteer = mentor_volunteer(world)
    policy = services.policy_for(world.programme)
    policy.limit_month = Decimal("30.00")
    policy.save()
    expected = {"fr": r"30,00\s€ restants", "nl": r"nog €\s30,00", "de": r"noch 30,00\s€", "en": r"€30\.00 left"}
    user = volunteer.person.user
    client = world.client_for("mentor")
    for language, words in expected.items():
        user.language = language
        user.save(update_fields=["language"])
        html = client.get("/o/zuid/p/moz/expenses/").content.decode()
        section = html[html.find('id="h-headroom"'):html.find("</section>", html.find('id="h-headroom"'))]
        assert re.search(f"<strong>{words}</strong>", section), (language, section)
