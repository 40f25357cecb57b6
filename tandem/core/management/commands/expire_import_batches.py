"""Delete the stored files of import uploads never confirmed (run hourly or daily).

Idempotent: a batch expires once; confirmed and already expired batches are left alone. How long
an upload waits for its confirmation is ``IMPORT_BATCH_VALID_HOURS`` (default 24).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.core.importing import import_batches_expire


class Command(BaseCommand):
    help = "Delete the files of import uploads left unconfirmed longer than IMPORT_BATCH_VALID_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = import_batches_expire()
        if options["verbosity"]:
            self.stdout.write(f"import uploads: {expired} expired")
