"""Permissions of the matching app (autodiscovered by ``rules``).

Object-level visibility (whose matches a mentor, guardian or supervisor sees) is decided by
``selectors.visible_matches``; these permissions say which roles may open a kind of page at all.
"""

import rules

from tandem.core.roles import (
    is_coordinator,
    is_guardian,
    is_learner,
    is_mentor,
    is_observer,
    is_supervisor,
)

rules.add_perm("matching.manage_matching", is_coordinator)
# Mentors, learners, guardians and supervisors see the matches that concern them.
rules.add_perm("matching.view_matches", is_coordinator | is_mentor | is_learner | is_guardian | is_supervisor)
rules.add_perm("matching.answer_match", is_mentor | is_learner | is_guardian)
rules.add_perm("matching.view_community", is_coordinator | is_mentor)
# Closure report: coordinators in full, observers as suppressed aggregates.
rules.add_perm("matching.view_reports", is_coordinator | is_observer)
