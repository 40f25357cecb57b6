"""Nightly: remove what the retention periods no longer allow to keep (docs/privacy.md).

Idempotent: erased records are marked, cleared fields are empty and deleted rows are gone, so a
second run the same night does nothing. Cron, every night at 03:15:

    15 3 * * *  cd /srv/tandem && .venv/bin/python manage.py apply_retention

A scheduler that runs Python can call ``tandem.privacy.retention.apply_retention()`` instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tandem.privacy.retention import apply_retention


class Command(BaseCommand):
    help = "Apply the retention periods: erase, clear and delete what is due (run nightly)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="Only report what would be removed.")
        parser.add_argument("--now", default=None,
                            help="Pretend it is this moment (ISO 8601), e.g. to check a date.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: not an ISO 8601 moment: {options['now']!r}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        report = apply_retention(now=now, dry_run=options["dry_run"])
        for line in report.lines():
            self.stdout.write(line)
