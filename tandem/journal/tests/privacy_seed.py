"""The journal's rows for the privacy tests' subject (see tandem/privacy/tests/seed.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tandem.journal.models import (
    Goal,
    GoalCategory,
    GoalProgress,
    GoalTransition,
    LearnerLink,
    Meeting,
    MeetingDraft,
    Note,
    ReminderItem,
    ReminderMail,
)


def seed(ctx: Any) -> None:
    now = timezone.now()
    for side, match in (("mentor", ctx.mentor_match), ("learner", ctx.learner_match)):
        assert match is not None
        category, _ = GoalCategory.objects.get_or_create(
            programme=match.programme, code=f"zq-{side}", defaults={"label_en": "Homework"})
        goal = Goal.objects.create(match=match, category=category,
                                   description=ctx.mark(f"journal-goal-{side}"),
                                   success=ctx.mark(f"journal-success-{side}"))
        GoalTransition.objects.create(goal=goal, from_state="", to_state=Goal.State.ACTIVE,
                                      reason=ctx.mark(f"journal-goal-step-{side}"))
        meeting = Meeting.objects.create(
            match=match, starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2, hours=-1),
            place=ctx.mark(f"journal-place-{side}"), state=Meeting.State.HELD, duration_minutes=60,
            activities=ctx.mark(f"journal-activities-{side}"), note=ctx.mark(f"journal-note-{side}"),
            logged_at=now)
        meeting.goals.add(goal)
        GoalProgress.objects.create(goal=goal, meeting=meeting, author=ctx.person,
                                    note=ctx.mark(f"journal-progress-{side}"))
        Note.objects.create(meeting=meeting, kind=Note.Kind.REFLECTION, author=ctx.person,
                            text=ctx.mark(f"journal-reflection-{side}"))
        if side == "learner":
            LearnerLink.objects.create(match=match, expires_at=now + timedelta(days=30))
        else:
            MeetingDraft.objects.create(meeting=meeting, user=ctx.user,
                                        data={"activities": ctx.mark("journal-draft")})
    mail = ReminderMail.objects.create(person=ctx.person, day=timezone.localdate(), items=1)
    ReminderItem.objects.create(person=ctx.person, key=f"unlogged:{ctx.mentor_match.pk}", mail=mail)
