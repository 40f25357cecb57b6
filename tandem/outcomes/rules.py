"""Permissions of the results app (autodiscovered by ``rules``).

Coordinators see exact figures and manage waves, indicators and settings; observers (funders) see
the same dashboards and reports, every number suppressed (``report.build(suppress=True)``) and no
name anywhere. Organisation admins count as coordinators everywhere in their organisation and
also see the cross-programme dashboard."""

import rules

from tandem.core.roles import is_coordinator, is_observer

rules.add_perm("outcomes.view_results", is_coordinator | is_observer)
rules.add_perm("outcomes.manage_results", is_coordinator)
