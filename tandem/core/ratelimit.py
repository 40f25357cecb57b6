"""Keeping public forms from being used to spam people.

Two tools:

* :func:`public_form_limit` — per client IP and per e-mail address typed into a public form
  (the volunteer application, the learner self-registration), counted in Django's cache in fixed
  windows. Over the limit, the visitor gets a calm "please wait" page (HTTP 429) and nothing is
  stored or sent. The limits are settings (``PUBLIC_FORM_LIMIT_PER_IP`` per hour,
  ``PUBLIC_FORM_LIMIT_PER_ADDRESS`` per day). The cache is per process unless ``REDIS_URL`` points
  every web process at one Redis (see ``settings.CACHES``).
* :func:`mail_once_per` — a stored time stamp per purpose and address (``MailLimit``), for
  e-mails a stranger can trigger to somebody else's address: a guardian's consent request goes to
  the same address at most once a day, however many registrations name it. It lives in the
  database, so it holds across processes and restarts, and it is claimed in the same transaction
  as the change that sends the e-mail.

Addresses are kept only as SHA-256 digests (never the address itself), and only while they matter.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tandem.core.models import MailLimit

HOUR = 3600
DAY = 24 * HOUR


def digest(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def client_ip(request: HttpRequest) -> str:
    """The visitor's IP address. Behind ``ALLAUTH_TRUSTED_PROXY_COUNT`` trusted reverse proxies
    (environment ``TRUSTED_PROXY_COUNT``, shared with the log-in rate limits) it is taken from
    ``X-Forwarded-For`` (the entry the nearest proxy added), else from the connection."""
    proxies = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if proxies and forwarded:
        return forwarded[-min(proxies, len(forwarded))]
    return str(request.META.get("REMOTE_ADDR", ""))


def hit(key: str, *, limit: int, period: int, now: float | None = None) -> tuple[bool, int]:
    """Count one use of ``key`` in the current window of ``period`` seconds.

    Returns ``(allowed, seconds until the window ends)``; allowed while the count is at most
    ``limit``."""
    now = time.time() if now is None else now
    window = int(now // period)
    cache_key = f"tandem:rl:{key}:{window}"
    left = max(1, math.ceil((window + 1) * period - now))
    if cache.add(cache_key, 1, timeout=period):
        count = 1
    else:
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=period)
            count = 1
    return count <= limit, left


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request, "429.html", {"retry_minutes": max(1, math.ceil(retry_after / 60))}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def public_form_limit(
    request: HttpRequest, *, form: str, addresses: Iterable[str] = ()
) -> HttpResponse | None:
    """``None`` when this submission of the public form ``form`` is within the limits, else the
    429 page. Call it once per POST without ``addresses`` (counts the connection), and once
    more for a valid form, with the e-mail addresses it would write to (each counted)."""
    addresses = {a.strip().lower() for a in addresses if a and a.strip()}
    if not addresses:
        allowed, wait = hit(f"{form}:ip:{client_ip(request)}",
                            limit=settings.PUBLIC_FORM_LIMIT_PER_IP, period=HOUR)
        return None if allowed else too_many(request, wait)
    for address in sorted(addresses):
        allowed, wait = hit(f"{form}:address:{digest(address)}",
                            limit=settings.PUBLIC_FORM_LIMIT_PER_ADDRESS, period=DAY)
        if not allowed:
            return too_many(request, wait)
    return None


def mail_once_per(
    *, purpose: str, address: str, period: timedelta = timedelta(days=1),
    now: datetime | None = None,
) -> bool:
    """Claim the right to e-mail ``address`` for ``purpose`` now: ``True`` at most once per
    ``period``. Run it inside the transaction that sends the e-mail, so a rolled-back change
    gives the claim back."""
    now = now or timezone.now()
    key = digest(address)
    with transaction.atomic():
        claimed = MailLimit.objects.filter(
            purpose=purpose, address_hash=key, last_sent__lte=now - period
        ).update(last_sent=now)
        if claimed:
            return True
        try:
            with transaction.atomic():
                MailLimit.objects.create(purpose=purpose, address_hash=key, last_sent=now)
        except IntegrityError:
            return False  # e-mailed within the period (or by a concurrent request just now)
        # Stale stamps are of no use: keep the table to the addresses that matter now.
        MailLimit.objects.filter(last_sent__lt=now - max(period, timedelta(days=7))).delete()
    return True
