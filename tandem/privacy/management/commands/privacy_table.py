"""Print the privacy registry as Markdown, or write it into docs/privacy.md (``--write``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from tandem.privacy.docs import replace_in_document, table

DOCUMENT = Path(settings.BASE_DIR) / "docs" / "privacy.md"


class Command(BaseCommand):
    help = "The privacy registry as a Markdown table (docs/privacy.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true",
                            help="Replace the table in docs/privacy.md.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["write"]:
            DOCUMENT.write_text(replace_in_document(DOCUMENT.read_text(encoding="utf-8")),
                                encoding="utf-8")
            self.stdout.write(f"written: {DOCUMENT}")
        else:
            self.stdout.write(table())
