"""Request types for views behind the log-in (LoginRequiredMiddleware guarantees a user)."""

from __future__ import annotations

from django.http import HttpRequest

from tandem.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
