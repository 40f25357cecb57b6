"""The results app's periodic job (run by ``manage.py run_scheduler``, see core.periodic)."""

from __future__ import annotations

from datetime import timedelta

from tandem.core.periodic import register


@register("send_survey_reminders", every=timedelta(days=1))
def send_survey_reminders() -> str:
    """One reminder per unanswered invitation of an open wave, five days after it was sent
    (idempotent: claimed with a conditional update)."""
    from tandem.outcomes.services import reminders_send

    return f"{reminders_send()} survey reminders"
