"""Remove a user's second factors (authenticator app, recovery codes, security keys), e.g. after
they lost their phone and their recovery codes. Staff must set up a new one at their next
log-in. Check who is asking before running it: this is the way around the second factor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core import services
from tandem.core.models import User


class Command(BaseCommand):
    help = "Remove a user's second factors so they can set up new ones (lost phone)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The user's log-in e-mail address.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No log-in with the address {options['email']!r}.")
        removed = services.second_factors_remove(user=user)
        self.stdout.write(f"Removed {removed} second factor(s) of {user.email}.")
