"""Permissions of the onboarding app (autodiscovered by ``rules``)."""

import rules

from tandem.core.roles import is_coordinator, is_member

rules.add_perm("onboarding.manage_volunteers", is_coordinator)
# Any member may open "my volunteering"; it shows their own record, if they have one.
rules.add_perm("onboarding.view_own_volunteering", is_member)
