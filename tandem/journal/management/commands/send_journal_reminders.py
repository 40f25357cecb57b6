"""Daily: remind mentors of unlogged meetings and send supervisors their digest.

Safe to run twice, or every hour: a person gets at most one e-mail a day, is never reminded twice
of the same thing, and nothing already done is sent (see ``journal.services.send_reminders``).
Cron, every morning at 7:

    0 7 * * *  cd /srv/tandem && .venv/bin/python manage.py send_journal_reminders
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tandem.journal import services


class Command(BaseCommand):
    help = "Send the journal's reminders and the supervisors' digest (at most one e-mail per person a day)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                            help="Run as if it were this moment (ISO, e.g. 2026-10-14T07:00).")

    def handle(self, *args: Any, **options: Any) -> None:
        now = options["now"]
        if now is not None and timezone.is_naive(now):
            now = timezone.make_aware(now)
        run = services.send_reminders(now=now)
        self.stdout.write(f"journal reminders: {run.mails} e-mails, {run.items} things reminded of")
