"""Permissions of support and safeguarding (autodiscovered by ``rules``).

They say which roles may open a kind of page at all; which pair, concern or meeting a reader
sees is decided in ``selectors`` (a safeguarding concern: only the programme's leads)."""

import rules

from tandem.core.roles import (
    is_coordinator,
    is_guardian,
    is_learner,
    is_mentor,
    is_partner_contact,
    is_supervisor,
)

rules.add_perm("support.manage", is_coordinator)
# The risk list: coordinators (every pair), supervisors (their pairs).
rules.add_perm("support.view_risks", is_coordinator | is_supervisor)
rules.add_perm("support.raise_concern",
               is_coordinator | is_mentor | is_learner | is_guardian | is_supervisor | is_partner_contact)
rules.add_perm("support.pulse", is_mentor | is_learner)
rules.add_perm("support.exchange", is_coordinator | is_mentor)
