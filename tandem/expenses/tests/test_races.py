"""No claim is paid twice, even when two coordinators make payment files at the same moment (two
database connections on PostgreSQL, released together; see core/tests/test_races.py)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import connection

from conftest import World
from tandem.core.tests.test_races import race
from tandem.expenses import services
from tandem.expenses.models import Claim, PaymentBatch
from tandem.expenses.tests.factories import bank, claim, mentor_volunteer, paying_policy

ROUNDS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="two connections writing at once need PostgreSQL"),
]


def test_concurrent_exports_never_pay_a_claim_twice(world: World) -> None:
    volunteer = mentor_volunteer(world)
    paying_policy(world)
    bank(volunteer)
    coordinators = (world.users["coordinator"], world.users["org_admin"])
    for _round in range(ROUNDS):
        for _i in range(5):
            claim(volunteer, state="approved")

        def export(user: Any) -> Any:
            try:
                return services.batch_create(programme=world.programme, actor=user)
            finally:
                connection.close()

        results = race(lambda: export(coordinators[0]), lambda: export(coordinators[1]))
        made = [r for r in results if isinstance(r, PaymentBatch)]
        assert len(made) >= 1, results
        assert not Claim.objects.filter(state="approved", batch__isnull=True).exists()
        for batch in made:
            services.batch_mark_paid(batch=batch, actor=coordinators[0])
    per_claim = Counter(Claim.objects.values_list("batch", flat=True))
    assert Claim.objects.filter(state="paid").count() == 5 * ROUNDS
    assert sum(per_claim.values()) == 5 * ROUNDS
    assert sum(b.count for b in PaymentBatch.objects.all()) == 5 * ROUNDS
