"""Permissions of the onboarding app (autodiscovered by ``rules``)."""

import rules

from tandem.core.roles import is_coordinator, is_member, is_mentor

rules.add_perm("onboarding.manage_volunteers", is_coordinator)
# Any member may open "my volunteering"; it shows their own record, if they have one.
rules.add_perm("onboarding.view_own_volunteering", is_member)
# A workshop as a one-off .ics: coordinators, and mentors registered on it (else 404).
rules.add_perm("onboarding.workshop_calendar", is_coordinator | is_mentor)
