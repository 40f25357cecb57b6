"""Permissions of the journal (autodiscovered by ``rules``).

They say which roles may open a kind of page at all; which pair and which notes a reader sees is
decided by ``selectors.pair_roles`` (their part in the pair) and ``models.READERS``.
"""

import rules

from tandem.core.roles import (
    is_coordinator,
    is_guardian,
    is_learner,
    is_mentor,
    is_supervisor,
)

rules.add_perm("journal.view_journal", is_coordinator | is_mentor | is_learner | is_guardian | is_supervisor)
# Goals and meetings: the pair's mentor (and coordinators, who may correct anything).
rules.add_perm("journal.write_journal", is_coordinator | is_mentor)
# Notes around a meeting: the mentor's and the supervisor's (each writes their own kinds).
rules.add_perm("journal.write_notes", is_coordinator | is_mentor | is_supervisor)
# The mentor's own notes page (preparation).
rules.add_perm("journal.prepare", is_mentor)
rules.add_perm("journal.supervise", is_coordinator | is_supervisor)
rules.add_perm("journal.agree_goal", is_learner | is_guardian)
rules.add_perm("journal.rate_meeting", is_learner)
rules.add_perm("journal.manage_journal", is_coordinator)
