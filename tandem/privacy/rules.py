"""Loaded by ``rules.apps.AutodiscoverRulesConfig``: the privacy app's permissions."""

import rules

from tandem.core.roles import is_admin_of_organisation, is_coordinator

# Answering access requests, erasing people and setting retention periods: coordinators (and
# organisation admins, who coordinate every programme). Whether a coordinator may act on one
# person also depends on where else that person takes part (selectors.may_act_on).
rules.add_perm("privacy.manage", is_coordinator)
# Auditing who opened which record across the organisation: organisation admins.
rules.add_perm("privacy.audit_access", is_admin_of_organisation)
