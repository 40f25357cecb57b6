"""After restoring a database backup: erase again everyone erased since the backup was made.

Every erasure is appended to ``ERASURE_LOG`` (ids only) outside the database. Run this right
after a restore, before Tandem is opened again:

    .venv/bin/python manage.py replay_erasures            # reads ERASURE_LOG
    .venv/bin/python manage.py replay_erasures /backup/erasures.jsonl

Safe to run twice: who is erased already is skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.privacy.services import erasures_replay


class Command(BaseCommand):
    help = "Erase again, after restoring a backup, everyone in the erasure log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("log", nargs="?", default=None, help="The log (default ERASURE_LOG).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["log"] or settings.ERASURE_LOG)
        if not path.is_file():
            raise CommandError(f"no erasure log at {path}")
        done = erasures_replay(lines=path.read_text(encoding="utf-8").splitlines())
        self.stdout.write(f"erasures replayed: {done['people']} people, {done['records']} records")
