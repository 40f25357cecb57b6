"""Test support shared by every app's tests: how a URL's access is classified for the
URL x role matrix (``tandem/core/tests/test_url_matrix.py``).

Each app lists its URLs in ``tandem/<app>/tests/url_matrix.py`` as ``MATRIX: dict[str, Access]``;
the matrix test merges them and fails on any URL that nobody classified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "org_admin", "coordinator", "mentor", "learner", "guardian", "supervisor",
    "partner_contact", "observer",
)
ALL_PERSONAS = (*PERSONAS, "outsider", "anonymous")
COORDINATORS = frozenset({"org_admin", "coordinator"})
MEMBERS = frozenset(PERSONAS)
EVERYONE = frozenset(ALL_PERSONAS)


def _no_kwargs(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Access:
    """Who may use a URL.

    ``scope`` says what others get: for "programme" and "organisation" pages an outsider (another
    organisation) gets 404 and a member without the role 403; "public" pages answer everyone
    (``ok_statuses`` lists non-error answers beyond 2xx/3xx, e.g. 410 for a used link); "user"
    pages answer any signed-in user.
    ``kwargs(world)`` builds the URL's arguments from the ``world`` fixture (conftest.World).
    "own" pages concern the signed-in user's own things (a security key, an authenticator app):
    users without one get 404. ``redirects_to_login`` marks a step of the log-in (the second
    factor, a code) that sends anyone without a log-in in progress back to the log-in page.
    """

    allowed: frozenset[str]
    scope: str
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    ok_statuses: frozenset[int] = field(default_factory=frozenset)
    redirects_to_login: bool = False


def programme_kwargs(world: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug}


# --- Second factor in tests ----------------------------------------------------------------
# An independent RFC 6238 implementation, so the tests would notice if allauth's were
# misconfigured (digits, period, algorithm).

TOTP_PERIOD = 30
_used_codes: set[tuple[int, str]] = set()


def totp_code(secret: str, *, at: float | None = None, step: int = 0) -> str:
    """The 6-digit code an authenticator app shows for ``secret`` (``step`` periods later)."""
    import base64
    import hashlib
    import hmac
    import struct
    import time

    counter = int((time.time() if at is None else at) // TOTP_PERIOD) + step
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_totp_code(user: Any) -> str:
    """A valid code for ``user``'s authenticator that this test run has not used yet (a code
    works once); Tandem accepts the neighbouring 30-second steps for clock drift."""
    from allauth.mfa.models import Authenticator

    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    for step in (0, 1, -1):
        code = totp_code(secret, step=step)
        if (user.pk, code) not in _used_codes:
            _used_codes.add((user.pk, code))
            return code
    raise AssertionError("no unused TOTP code left in this 90-second window")


def give_totp(user: Any, secret: str | None = None) -> str:
    """Set up an authenticator app for ``user`` as if they had scanned the QR code."""
    import base64
    import secrets as _secrets

    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    secret = secret or base64.b32encode(_secrets.token_bytes(20)).decode()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": secret})
    RecoveryCodes.activate(user)  # allauth hands out recovery codes with the app
    return secret


def browser_log_in(page: Any, email: str, password: str) -> None:
    """Log in through the real pages, typing the second-factor code when it is asked for."""
    from tandem.core.models import User

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    if "/2fa/authenticate/" in page.url:
        page.locator("#id_code").fill(fresh_totp_code(User.objects.get(email=email)))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
