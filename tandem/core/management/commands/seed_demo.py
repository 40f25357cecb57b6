"""Create the demo programmes with synthetic people; safe to run again (existing ones are kept)."""

from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from tandem.core import demo


class Command(BaseCommand):
    help = ("Create the six demo programmes (five seeds; the fifth is VerA and AFEV) with believable "
            "synthetic people and print log-ins.")
    # `make demo` runs `migrate` (which checks the project) just before: checking again here
    # would cost the demo's start two seconds of importing every view for nothing.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--scale", type=int, default=1,
            help="Create N times more mentors and learners, for load and benchmark work.",
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo organisations first."
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print log-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] < 1:
            self.stderr.write("--scale must be 1 or more.")
            raise SystemExit(2)
        with transaction.atomic():
            if options["reset"]:
                demo.reset()
            created = demo.seed(seed=options["seed"], scale=options["scale"])
            for app in apps.get_app_configs():
                if not app.name.startswith("tandem.") or app.name == "tandem.core":
                    continue
                try:
                    module = importlib.import_module(f"{app.name}.demo")
                except ModuleNotFoundError:
                    continue
                for ctx in created:
                    module.seed_demo(ctx)
        if created:
            names = ", ".join(ctx.programme.name for ctx in created)
            self.stdout.write(self.style.SUCCESS(f"Created demo programmes: {names}"))
        else:
            self.stdout.write("Demo data already present; nothing to add (use --reset to rebuild).")
        if not options["quiet_logins"]:
            self.print_logins()

    def print_logins(self) -> None:
        rows = demo.login_table()
        width = max(len(email) for _p, _r, email in rows)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Demo log-ins (password for every account: {demo.DEMO_PASSWORD})"
        ))
        if settings.TANDEM_MFA_REQUIRED:
            self.stdout.write(
                "Organisation admins and coordinators set up an authenticator app at their first "
                "log-in (`make demo` skips this: TANDEM_DEMO_MFA_OPTIONAL=1)."
            )
        else:
            self.stdout.write(
                "Second factor optional on this demo server (TANDEM_DEMO_MFA_OPTIONAL=1); set one "
                "up under Your account → Two-factor authentication to try it."
            )
        current = None
        for programme, role, email in rows:
            if programme != current:
                self.stdout.write(f"\n  {programme if programme != '*' else 'Start here'}")
                current = programme
            self.stdout.write(f"    {email.ljust(width)}  {role}")
        self.stdout.write("")
