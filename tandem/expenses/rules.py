"""Permissions of the expenses app (autodiscovered by ``rules``). Which claims a mentor sees is
decided by the views: their own only."""

import rules

from tandem.core.roles import is_coordinator, is_mentor

# A volunteer's own claims, bank details and attestations.
rules.add_perm("expenses.claim", is_mentor)
# Review, approve, pay, the policy and the exports.
rules.add_perm("expenses.manage", is_coordinator)
# The receipt of a claim and a claim's page: its volunteer or a coordinator.
rules.add_perm("expenses.view_claim", is_mentor | is_coordinator)
