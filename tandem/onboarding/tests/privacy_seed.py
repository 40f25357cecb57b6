"""Onboarding's rows for the privacy tests' subject (see tandem/privacy/tests/seed.py): her
self-declared background as a volunteer."""

from __future__ import annotations

from typing import Any

from tandem.onboarding.models import VolunteerDeclaration


def seed(ctx: Any) -> None:
    assert ctx.volunteer is not None
    VolunteerDeclaration.objects.create(volunteer=ctx.volunteer, migration_background=True,
                                        first_generation=False)
