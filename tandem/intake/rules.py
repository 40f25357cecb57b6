"""Loaded by ``rules.apps.AutodiscoverRulesConfig``: the intake app's permissions."""

import rules

from tandem.core.roles import is_coordinator, is_partner_contact

# Partner contacts (teachers, counsellors, VET providers, employers) refer learners and follow
# their own institution's referrals; everything else about learners is the coordinator's.
rules.add_perm("intake.refer", is_partner_contact | is_coordinator)
rules.add_perm("intake.view_referrals", is_partner_contact | is_coordinator)
rules.add_perm("intake.manage_learners", is_coordinator)
# Special-category data (migration background, first generation): coordinators only, ever.
rules.add_perm("intake.view_sensitive", is_coordinator)
