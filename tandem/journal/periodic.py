"""The journal's periodic jobs (run by ``manage.py run_scheduler``, see core.periodic)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from tandem.core.periodic import register


@register("send_journal_reminders", every=timedelta(days=1))
def send_journal_reminders() -> str:
    """Unlogged meetings, preparations waiting for feedback, intervision to write (idempotent:
    at most one e-mail per person a day, nobody reminded twice of the same thing)."""
    out = StringIO()
    call_command("send_journal_reminders", stdout=out)
    return out.getvalue().strip()
