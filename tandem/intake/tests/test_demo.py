"""Demo data: every state in every seed programme, minors with and without consent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from tandem.core import demo
from tandem.core.models import GuardianLink, Programme
from tandem.intake import selectors
from tandem.intake.models import ConsentText, GuardianConsent, Learner, SensitiveProfile


def test_every_programme_has_learners_in_every_state(db: Any) -> None:
    call_command("seed_demo", "--quiet-logins", stdout=None)
    today = timezone.localdate()
    minors_with = minors_without = 0
    assert Programme.objects.count() == len(demo.SPECS)
    for programme in Programme.objects.all():
        states = set(Learner.objects.filter(programme=programme).values_list("state", flat=True))
        assert states == set(Learner.State.values), programme.slug
        assert ConsentText.objects.filter(programme=programme, version=1).exists()
        assert Learner.objects.filter(programme=programme, source="referral", referred_by__isnull=False).exists()
        for learner in Learner.objects.filter(programme=programme).select_related("person", "programme"):
            if selectors.needs_consent(learner, today=today):
                if selectors.has_valid_consent(learner):
                    minors_with += 1
                else:
                    minors_without += 1
        # Everyone waiting is matchable: minors on the list have consent.
        waiting = Learner.objects.filter(programme=programme, state="waiting").count()
        assert selectors.matchable_learners(programme=programme, today=today).count() == waiting
    assert minors_with and minors_without
    # Special-category data: a minor's guardian declares it, an adult learner themselves (last
    # year's learners declared it when their year began: a minor then may be an adult now).
    declared = {SensitiveProfile.DeclaredBy.GUARDIAN: 0, SensitiveProfile.DeclaredBy.LEARNER: 0}
    for profile in SensitiveProfile.objects.select_related("learner__person", "learner__programme"):
        if selectors.needs_consent(profile.learner, today=today):
            assert profile.declared_by == "guardian", profile.learner
        if not selectors.needs_consent(profile.learner, today=today - timedelta(days=730)):
            assert profile.declared_by == "learner", profile.learner
        declared[profile.declared_by] += 1
    assert all(declared.values()), declared
    assert GuardianConsent.objects.filter(withdrawn_at__isnull=False).exists()

    account = Learner.objects.get(person__user__email=demo.role_email("learner", "mentoren-op-zuid"))
    guardian = GuardianLink.objects.get(learner=account.person).guardian
    # The matching demo pairs the demo learner with the demo mentor (matched), else waiting.
    assert account.state in ("waiting", "matched") and selectors.has_valid_consent(account)
    assert guardian.user is not None and guardian.user.email == demo.role_email("guardian", "mentoren-op-zuid")
