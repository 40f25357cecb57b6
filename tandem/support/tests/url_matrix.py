"""URL x role classification of support's URLs (merged by core's test_url_matrix).

The pair is the world's mentor and learner personas. The concern page is opened on a
**safeguarding** concern of which the coordinator persona is the programme's safeguarding lead:
only they read it; the organisation admin, a coordinator too but not a lead, gets 403.
"""

from __future__ import annotations

from typing import Any

from tandem.core.testing import COORDINATORS, Access, programme_kwargs, redirect_to

RAISERS = COORDINATORS | {"mentor", "learner", "guardian", "supervisor", "partner_contact"}
RISK_READERS = COORDINATORS | {"supervisor"}
EXCHANGE = COORDINATORS | {"mentor"}
TO_PAIR = redirect_to("support:pair", "pk")
TO_EXCHANGE = redirect_to("support:exchange", "pk")


def _pair(world: Any) -> dict[str, Any]:
    from tandem.support.tests.factories import pair

    return {**programme_kwargs(world), "pk": pair(world).pk}


def _safeguarding(world: Any) -> dict[str, Any]:
    from tandem.support.models import Concern
    from tandem.support.tests.factories import concern, make_lead

    make_lead(world)
    found = Concern.objects.filter(programme=world.programme, kind="safeguarding").first() or concern(
        world, kind="safeguarding", description="Ik maak me zorgen over thuis")
    return {**programme_kwargs(world), "pk": found.pk}


def _exchange(world: Any) -> dict[str, Any]:
    from tandem.support.models import ExchangeMeeting
    from tandem.support.tests.factories import exchange

    found = ExchangeMeeting.objects.filter(programme=world.programme).first() or exchange(world)
    return {**programme_kwargs(world), "pk": found.pk}


MATRIX: dict[str, Access] = {
    "support:overview": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "support:risks": Access(RISK_READERS, "programme", kwargs=programme_kwargs),
    "support:settings": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    # Posted empty: nobody chosen, back to the settings with the message.
    "support:lead": Access(COORDINATORS, "programme", method="POST", kwargs=programme_kwargs,
                           expect=redirect_to("support:settings")),
    "support:pair": Access(RISK_READERS, "programme", kwargs=_pair),
    "support:check_in": Access(COORDINATORS, "programme", kwargs=_pair),
    "support:pause": Access(COORDINATORS, "programme", method="POST", kwargs=_pair, expect=TO_PAIR),
    "support:pulse": Access(frozenset({"mentor", "learner"}), "programme", kwargs=_pair),
    "support:concerns": Access(COORDINATORS, "programme", kwargs=programme_kwargs),
    "support:concern": Access(frozenset({"coordinator"}), "programme", kwargs=_safeguarding),
    "support:raise": Access(RAISERS, "programme", kwargs=programme_kwargs),
    "support:mine": Access(RAISERS, "programme", kwargs=programme_kwargs),
    "support:exchanges": Access(EXCHANGE, "programme", kwargs=programme_kwargs),
    "support:exchange": Access(EXCHANGE, "programme", kwargs=_exchange),
    "support:exchange_edit": Access(COORDINATORS, "programme", kwargs=_exchange),
    "support:exchange_ics": Access(EXCHANGE, "programme", kwargs=_exchange),
    # Posted empty: nobody ticked, back to the meeting with the message.
    "support:exchange_invite": Access(COORDINATORS, "programme", method="POST", kwargs=_exchange,
                                      expect=TO_EXCHANGE),
    "support:exchange_attendance": Access(COORDINATORS, "programme", method="POST", kwargs=_exchange,
                                          expect=TO_EXCHANGE),
    "support:exchange_answer": Access(frozenset({"mentor"}), "programme", method="POST", kwargs=_exchange,
                                      expect=TO_EXCHANGE),
}
