"""Tandem's side of django-allauth: who must use a second factor, the adapters that keep
accounts invitation-only, and the log-in history.

Allauth does the log-in, password reset and change, e-mail verification, rate limits and the
second factor (TOTP, recovery codes, security keys). What Tandem adds lives here and in
``middleware.AccountSecurityMiddleware``; docs/security.md explains the whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm as AllauthAuthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from tandem.core import services
from tandem.core.models import LoginEvent, Membership, Role, User

# Roles that see minors' data across a programme and must log in with a second factor.
# (A "safeguarding lead" role would join them; the project has none yet.)
STAFF_ROLES = frozenset({Role.ORG_ADMIN, Role.COORDINATOR})
# A second factor that counts: recovery codes alone are a fallback, not a factor.
STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# Set by a view that logs a user in itself (e.g. after accepting an invitation) for the history.
LOGIN_METHOD_ATTR = "tandem_login_method"
_POSTURE_ATTR = "_tandem_posture"


@dataclass(frozen=True)
class Posture:
    """What the account-security rules need to know about a signed-in user."""

    staff: bool  # holds an organisation-admin or coordinator role somewhere (or is a superuser)
    has_second_factor: bool

    @property
    def must_set_up_second_factor(self) -> bool:
        return settings.TANDEM_MFA_REQUIRED and self.staff and not self.has_second_factor


def posture(user: Any) -> Posture:
    """``user``'s posture, read with one query and kept for the rest of the request."""
    cached = user.__dict__.get(_POSTURE_ATTR)
    if cached is None:
        row = (
            User.objects.filter(pk=user.pk)
            .annotate(
                staff=Exists(
                    Membership.objects.filter(person__user=OuterRef("pk"), role__in=STAFF_ROLES)
                ),
                mfa=Exists(
                    Authenticator.objects.filter(user=OuterRef("pk"), type__in=STRONG_TYPES)
                ),
            )
            .values_list("staff", "mfa", "is_superuser")
            .first()
        )
        staff, mfa, superuser = row or (False, False, False)
        cached = Posture(staff=bool(staff or superuser), has_second_factor=bool(mfa))
        user.__dict__[_POSTURE_ATTR] = cached
    return cached


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by accepting an invitation, never by signing up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Allauth asks for the password again before second-factor changes. Not for staff
        sent to set up their first second factor right after logging in with it."""
        from allauth.core import context

        request = context.request
        if (
            app == "allauth.mfa" and request is not None and request.user.is_authenticated
            and posture(request.user).must_set_up_second_factor
            and _seconds_since_log_in(request) < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
        ):
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def login(self, request: HttpRequest, user: Any) -> None:
        """Log in, and speak the user's own language from this response on (the page was in the
        browser's language while they were anonymous)."""
        super().login(request, user)
        if getattr(user, "language", ""):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Allauth's e-mails, in the recipient's language, signed with Tandem's address, and
        sent by the background worker after the request's transaction commits, like every
        Tandem e-mail (the reset page does not wait for the mail server, so its answer time
        says little about whether an address has a log-in)."""
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        from tandem.core.tasks import send_email

        user = context.get("user") or User.objects.filter(email__iexact=email).first()
        language = getattr(user, "language", "") or translation.get_language()
        request = allauth_context.request
        with translation.override(language):
            message = self.render_mail(template_prefix, email, {
                "request": request, "email": email, "current_site": get_current_site(request),
                "site_url": settings.SITE_URL, **context,
            })
        subject, body, to = str(message.subject), str(message.body), list(message.to)
        transaction.on_commit(lambda: send_email.enqueue(subject, body, to))

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            _record(request, _user_for(credentials), LoginEvent.Outcome.LOCKED, "password")
            raise


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role needs a second factor, so you cannot remove your last one. Add another "
            "(an app or a security key) first."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Staff may not remove their last second factor while it is required."""
        if authenticator.type not in STRONG_TYPES or not settings.TANDEM_MFA_REQUIRED:
            return True
        user = authenticator.user
        if not posture(user).staff:
            return True
        return (
            Authenticator.objects.filter(user=user, type__in=STRONG_TYPES)
            .exclude(pk=authenticator.pk)
            .exists()
        )


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """Allauth's set-up form, with Tandem's wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from the app")
        self.fields["code"].widget.attrs.update(inputmode="numeric", placeholder="")


class AuthenticateForm(AllauthAuthenticateForm):
    """Allauth's second-step form; a refusal for too many wrong codes enters the history."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code from the app, or a recovery code")
        self.fields["code"].widget.attrs.update(autofocus=True, placeholder="")
        # The page offers a security key only to those who added one.
        self.has_security_key = Authenticator.objects.filter(
            user=self.user, type=Authenticator.Type.WEBAUTHN
        ).exists()

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except ValidationError as exc:
            if exc.code == "too_many_login_attempts":
                from allauth.core import context

                _record(context.request, self.user, LoginEvent.Outcome.LOCKED, "second factor")
            raise


def _user_for(credentials: dict[str, Any]) -> User | None:
    email = credentials.get("email") or credentials.get("username") or ""
    if not isinstance(email, str) or not email:
        return None
    return User.objects.filter(email__iexact=email.strip()).first()


def _client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    try:
        return get_account_adapter().get_client_ip(request)
    except (PermissionDenied, ValueError):
        return ""


def _record(request: HttpRequest | None, user: Any, outcome: str, method: str) -> None:
    if user is None or not getattr(user, "pk", None):
        return
    services.login_event_record(
        user=user, outcome=outcome, method=method, ip=_client_ip(request),
        user_agent=request.headers.get("user-agent", "") if request is not None else "",
    )


def _authentication_records(request: HttpRequest) -> list[dict[str, Any]]:
    """Allauth's record of the steps taken to log in during this session."""
    session = getattr(request, "session", None)
    return list(session.get("account_authentication_methods", [])) if session is not None else []


def _seconds_since_log_in(request: HttpRequest) -> float:
    import time

    times = [record.get("at", 0) for record in _authentication_records(request)]
    return time.time() - max(times) if times else float("inf")


def _methods_used(request: HttpRequest) -> str:
    """How this log-in was proven: allauth's records of the steps taken in this session."""
    steps: list[str] = []
    for record in _authentication_records(request):
        step = record.get("type") if record.get("method") == "mfa" else record.get("method")
        if step and step not in steps:
            steps.append(str(step))
    return "+".join(steps) or getattr(request, LOGIN_METHOD_ATTR, "")


@receiver(auth_signals.user_logged_in, dispatch_uid="tandem_login_history")
def _on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None:
        return
    _record(request, user, LoginEvent.Outcome.LOGGED_IN, _methods_used(request))


@receiver(auth_signals.user_login_failed, dispatch_uid="tandem_login_history_failed")
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    _record(request, _user_for(credentials), LoginEvent.Outcome.WRONG_PASSWORD, "password")


@receiver(mfa_signals.authentication_failed, dispatch_uid="tandem_login_history_mfa")
def _on_second_factor_failed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    _record(request, user, LoginEvent.Outcome.WRONG_CODE, str(authenticator.type))


@receiver(mfa_signals.authenticator_added, dispatch_uid="tandem_totp_counts_as_reauthentication")
def _on_second_factor_added(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Authenticator,
    **kwargs: Any,
) -> None:
    """Typing the new app's code proves it is the user: the recovery codes shown next need no
    second confirmation."""
    if request is not None and authenticator.type == Authenticator.Type.TOTP:
        from allauth.account.internal.flows.login import record_authentication

        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=str(authenticator.type),
            reauthenticated=True,
        )


def describe_browser(user_agent: str) -> str:
    """"Firefox · Linux" from a user-agent string; the raw string when nothing is recognised."""
    ua = user_agent.lower()
    browser = next(
        (name for key, name in (
            ("edg/", "Edge"), ("opr/", "Opera"), ("firefox/", "Firefox"),
            ("chromium/", "Chromium"), ("chrome/", "Chrome"), ("safari/", "Safari"),
        ) if key in ua),
        "",
    )
    system = next(
        (name for key, name in (
            ("android", "Android"), ("iphone", "iOS"), ("ipad", "iOS"), ("windows", "Windows"),
            ("mac os", "macOS"), ("linux", "Linux"),
        ) if key in ua),
        "",
    )
    summary = " · ".join(part for part in (browser, system) if part)
    return summary or user_agent[:80]
