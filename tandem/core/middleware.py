"""Request-wide rules: the signed-in user's language, account security (idle sessions end;
staff set up a second factor before anything else), refusing NUL characters, and security
headers on every response.

``UserLanguageMiddleware``: use the language a signed-in user chose; otherwise LocaleMiddleware's
pick (cookie, then the browser's Accept-Language) stands."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect


class UserLanguageMiddleware:
    """Use the language a signed-in user chose; otherwise LocaleMiddleware's pick (cookie, then
    the browser's Accept-Language) stands."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# Pages a user who must still set up a second factor may open: the set-up itself (with the
# confirmation of their address and the re-authentication it may ask for), log-out, language.
SECOND_FACTOR_SETUP_PAGES = frozenset({
    "mfa_index", "mfa_activate_totp", "mfa_reauthenticate", "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes", "mfa_download_recovery_codes", "mfa_list_webauthn",
    "mfa_add_webauthn", "mfa_reauthenticate_webauthn", "account_reauthenticate",
    "account_email", "account_email_verification_sent", "account_confirm_email",
    "login", "account_login", "logout", "account_logout", "set_language", "healthz",
})
LAST_SEEN_KEY = "tandem_last_seen"
# A session's expiry is pushed forward at most once a minute, not on every request.
REFRESH_SECONDS = 60


def idle_minutes(user: Any) -> int:
    """How long ``user``'s session survives without a request."""
    from tandem.core.accounts import posture

    if posture(user).staff:
        return settings.SESSION_IDLE_MINUTES_STAFF
    return settings.SESSION_IDLE_MINUTES


class AccountSecurityMiddleware:
    """Ends sessions left idle (shorter for staff) and keeps organisation admins and
    coordinators on the second-factor set-up until they have one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._expire_or_refresh(request, user)
        return self.get_response(request)

    def _expire_or_refresh(self, request: HttpRequest, user: Any) -> None:
        now = int(time.time())
        idle = idle_minutes(user)
        last_seen = request.session.get(LAST_SEEN_KEY)
        if isinstance(last_seen, int) and now - last_seen > idle * 60:
            logout(request)
            messages.info(
                request,
                ngettext(
                    "You were logged out after %(minutes)d minute without activity.",
                    "You were logged out after %(minutes)d minutes without activity.",
                    idle,
                ) % {"minutes": idle},
            )
            return
        if not isinstance(last_seen, int) or now - last_seen >= REFRESH_SECONDS:
            request.session[LAST_SEEN_KEY] = now
            request.session.set_expiry(idle * 60)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        from tandem.core.accounts import posture

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in SECOND_FACTOR_SETUP_PAGES:
            return None
        if not posture(user).must_set_up_second_factor:
            return None
        messages.warning(
            request,
            _(
                "Your role lets you see personal data of learners, many of them minors, so "
                "your account needs a second factor. Set up an authenticator app to continue."
            ),
        )
        target = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request"):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


class RefuseNulMiddleware:
    """Answer 400 to a request carrying a NUL character in its path, query or form fields.

    No person types NUL; PostgreSQL refuses it in text (a server error wherever it reached a
    query) and SQLite stores it and breaks the spreadsheet export later. Forms already refuse it
    in text fields; this catches it everywhere else (search boxes, ids, tokens in URLs). A
    cookie carrying it is dropped instead (the visitor then looks logged out, nothing more).
    A malformed multipart body, which Django cannot parse, is answered 400 here too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if "\x00" in value]:
            del request.COOKIES[name]
        try:
            fields = [*request.GET.lists(), *request.POST.lists()]
        except (MultiPartParserError, UnreadablePostError):
            return bad_request(request)
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in fields
        ):
            return bad_request(request)
        return self.get_response(request)


def bad_request(request: HttpRequest) -> HttpResponse:
    # This runs before LocaleMiddleware: pick the visitor's language the same way it would.
    translation.activate(translation.get_language_from_request(request))
    return render(request, "400.html", status=400)



class SecurityHeadersMiddleware:
    """Adds ``Permissions-Policy`` (settings.PERMISSIONS_POLICY) to every response, and keeps
    every page a signed-in user sees out of browser and proxy caches (``Cache-Control:
    no-store, private``, ``Vary: Cookie``): a shared or lent computer must not show a learner's
    details from its cache or its back button after log-out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
            patch_vary_headers(response, ("Cookie",))
        return response
