"""What each of support's POST URLs does, for core's test_concurrent_edits."""

from __future__ import annotations

from typing import Any

from tandem.core.testing import Create, Edit, FormKind, NotAnEdit, programme_kwargs
from tandem.support.models import CheckIn, Concern, ExchangeMeeting, PulseRating
from tandem.support.tests.url_matrix import _exchange, _pair, _safeguarding


def _active_pair(world: Any) -> dict[str, Any]:
    """The pair with a meeting held (so the "does this fit?" question is asked)."""
    from tandem.journal.tests.factories import meeting

    kwargs = _pair(world)
    from tandem.matching.models import Match

    meeting(Match.objects.get(pk=kwargs["pk"]), days=-2, state="held")
    return kwargs


FORMS: dict[str, FormKind | tuple[FormKind, ...]] = {
    "support:settings": Edit(first={"no_meeting_days": "30"}, second={"no_meeting_days": "14"},
                             shown=("30", "14"), kwargs=programme_kwargs),
    "support:lead": NotAnEdit(
        "Sets or clears one flag (a row with a unique key): a second click leaves the same flag."),
    "support:check_in": Create(
        data=lambda w: {"on": "2026-01-05", "with_whom": "mentor", "how": "phone", "minutes": "10",
                        "notes": "Gaat goed"},
        count=CheckIn.objects.count, kwargs=_pair),
    "support:pause": NotAnEdit(
        "At most one open pause per pair (a unique constraint); lifting is a conditional update of the "
        "open pause: a second click changes nothing."),
    "support:pulse": Create(data=lambda w: {"score": "4", "word": "leuk"}, count=PulseRating.objects.count,
                            kwargs=_active_pair, persona="mentor"),
    "support:concern": Edit(first={"to_state": "triaged", "what": "Gebeld met de ouder"},
                            second={"to_state": "action", "what": "Gesprek op school gepland"},
                            shown=("Gebeld met de ouder", "Gesprek op school gepland"), kwargs=_safeguarding,
                            personas=("coordinator", "coordinator"), again=False),
    "support:raise": Create(data=lambda w: {"kind": "question", "description": "Mag het ook online?"},
                            count=Concern.objects.count, kwargs=programme_kwargs, persona="guardian"),
    "support:exchanges": Create(
        data=lambda w: {"kind": "exchange", "topic": "Ervaringen delen", "starts_at": "2026-12-15T19:00",
                        "minutes": "90", "place": "Buurthuis"},
        count=ExchangeMeeting.objects.count, kwargs=programme_kwargs),
    "support:exchange_edit": Edit(first={"topic": "Lastige gesprekken voeren"}, second={"place": "De bibliotheek"},
                                  shown=("Lastige gesprekken voeren", "De bibliotheek"), kwargs=_exchange),
    "support:exchange_invite": NotAnEdit(
        "Invitations have a unique key per meeting and mentor: inviting again adds nobody twice."),
    "support:exchange_attendance": NotAnEdit(
        "Sets who attended to exactly what was ticked, under a row lock: a second click sets the same."),
    "support:exchange_answer": NotAnEdit(
        "A mentor's own answer, set under a row lock; a second click sets the same answer."),
}
