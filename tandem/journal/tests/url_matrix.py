"""URL x role classification of the journal's URLs (merged by core's test_url_matrix).

The pair is the world's mentor and learner personas; its readers are the coordinators, its
mentor, its learner, the learner's guardian and the supervisor at the learner's school. Partner
contacts and observers see nothing of it (403), outsiders 404.
"""

from __future__ import annotations

from typing import Any

from tandem.core.testing import (
    COORDINATORS,
    EVERYONE,
    OK,
    Access,
    programme_kwargs,
    redirect_to,
)
from tandem.journal.models import Goal, GoalCategory, LearnerLink, Meeting

PAIR_READERS = COORDINATORS | {"mentor", "learner", "guardian", "supervisor"}
WRITERS = COORDINATORS | {"mentor"}
TO_PAIR = redirect_to("journal:pair", "pk")
TO_MEETING = redirect_to("journal:meeting", "pk", "meeting")


def _match(world: Any) -> Any:
    from tandem.journal.tests.factories import persona_match

    return persona_match(world)


def _pair(world: Any) -> dict[str, Any]:
    return {**programme_kwargs(world), "pk": _match(world).pk}


def _goal(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import goal

    match = _match(world)
    found = Goal.objects.filter(match=match, state="active").first() or goal(world, match)
    return {**programme_kwargs(world), "pk": match.pk, "goal": found.pk}


def _meeting(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import meeting

    match = _match(world)
    found = Meeting.objects.filter(match=match).order_by("starts_at").first() or meeting(match)
    return {**programme_kwargs(world), "pk": match.pk, "meeting": found.pk}


def _category(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import category

    category(world)
    return {**programme_kwargs(world), "category": GoalCategory.objects.filter(programme=world.programme).first().pk}


def _link(world: Any) -> dict[str, Any]:
    from tandem.journal.tests.factories import link

    match = _match(world)
    found = LearnerLink.objects.filter(match=match, revoked_at__isnull=True).first() or link(match)
    return {"token": found.token}


MATRIX: dict[str, Access] = {
    "journal:overview": Access(COORDINATORS | {"supervisor"}, "programme", kwargs=programme_kwargs),
    "journal:settings": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "journal:category_edit": Access(COORDINATORS, "programme", kwargs=_category),
    "journal:pair": Access(PAIR_READERS, "programme", kwargs=_pair),
    "journal:goal_create": Access(WRITERS, "programme", kwargs=_pair),
    "journal:goal_edit": Access(WRITERS, "programme", kwargs=_goal),
    # Posted empty: nothing to note, back to the pair's page with the message.
    "journal:goal_progress": Access(WRITERS, "programme", method="POST", kwargs=_goal, expect=TO_PAIR),
    "journal:goal_close": Access(WRITERS, "programme", kwargs=_goal),
    "journal:goal_agree": Access(frozenset({"learner", "guardian"}), "programme", method="POST", kwargs=_goal,
                                 expect=TO_PAIR),
    "journal:learner_link": Access(WRITERS, "programme", method="POST", kwargs=_pair, expect=TO_PAIR),
    "journal:meeting_plan": Access(WRITERS, "programme", kwargs=_pair),
    "journal:meeting": Access(PAIR_READERS, "programme", kwargs=_meeting),
    "journal:meeting_ics": Access(PAIR_READERS, "programme", kwargs=_meeting),
    "journal:meeting_edit": Access(WRITERS, "programme", kwargs=_meeting),
    "journal:meeting_log": Access(WRITERS, "programme", kwargs=_meeting),
    # The log page posts what is typed as it is typed; an empty post keeps nothing.
    "journal:meeting_draft": Access(WRITERS, "programme", method="POST", kwargs=_meeting, expect=OK),
    "journal:preparation": Access(frozenset({"mentor"}), "programme", kwargs=_meeting),
    "journal:note_add": Access(WRITERS | {"supervisor"}, "programme", method="POST", kwargs=_meeting,
                               expect=TO_MEETING),
    "journal:rate": Access(frozenset({"learner"}), "programme", method="POST", kwargs=_meeting, expect=TO_PAIR),
    "journal:link": Access(EVERYONE, "public", kwargs=_link),
}
