"""Test support shared by every app's tests: how a URL's access is classified for the
URL x role matrix (``tandem/core/tests/test_url_matrix.py``), and how a list page is checked for
queries that grow with its rows (``assert_queries_do_not_grow``).

Each app lists its URLs in ``tandem/<app>/tests/url_matrix.py`` as ``MATRIX: dict[str, Access]``;
the matrix test merges them and fails on any URL that nobody classified.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

PERSONAS = (
    "org_admin", "coordinator", "mentor", "learner", "guardian", "supervisor",
    "partner_contact", "observer",
)
ALL_PERSONAS = (*PERSONAS, "outsider", "anonymous")
COORDINATORS = frozenset({"org_admin", "coordinator"})
MEMBERS = frozenset(PERSONAS)
EVERYONE = frozenset(ALL_PERSONAS)

# Where a redirect leads, from the ``world`` fixture and the kwargs the URL was reversed with.
Location = Callable[[Any, dict[str, Any]], str]


def _no_kwargs(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Expect:
    """The exact answer an allowed role gets: a status and, for a redirect, its exact target."""

    status: int = 200
    location: Location | None = None

    def describe(self, world: Any, kwargs: dict[str, Any]) -> str:
        target = f" → {self.location(world, kwargs)}" if self.location else ""
        return f"{self.status}{target}"


OK = Expect(200)


def redirect_to(name: str, *keys: str) -> Expect:
    """A 302 to URL ``name`` reversed with the request's ``org`` and ``prog`` (when it has them)
    and the given further ``keys`` of its kwargs, e.g. ``redirect_to("intake:learner", "pk")``
    after an action on ``/learners/<pk>/…``."""

    def location(world: Any, kwargs: dict[str, Any]) -> str:
        wanted = [k for k in ("org", "prog") if k in kwargs] + list(keys)
        return reverse(name, kwargs={k: kwargs[k] for k in wanted})

    return Expect(302, location)


def redirect_to_url(url: str | Callable[[Any], str]) -> Expect:
    """A 302 to a fixed URL, or to one computed from the ``world`` fixture."""
    return Expect(302, lambda world, kwargs: url(world) if callable(url) else url)


@dataclass(frozen=True)
class Access:
    """Who may use a URL, and exactly what they get.

    ``scope`` says what others get: for "programme" and "organisation" pages an outsider (another
    organisation) gets 404 and a member without the role 403; "public" pages answer everyone;
    "user" pages answer any signed-in user. Anonymous visitors of non-public pages are sent to
    the log-in page with ``?next=`` the URL.

    Allowed roles get ``expect``: by default 200 for a GET page. A POST action must state what it
    answers (``expect=redirect_to(...)`` for the usual redirect after a POST, or ``OK`` when it
    renders a page). ``expect_for`` overrides it for single personas (an anonymous visitor sees
    the log-in form where a signed-in user is redirected). ``ok_statuses`` lists further exact
    statuses that are right for an allowed role; keep it empty unless the URL really answers
    differently depending on data the matrix cannot fix.
    ``kwargs(world)`` builds the URL's arguments from the ``world`` fixture (conftest.World).
    "own" pages concern the signed-in user's own things (a security key, an authenticator app):
    users without one get 404.
    """

    allowed: frozenset[str]
    scope: str
    method: str = "GET"
    kwargs: Callable[[Any], dict[str, Any]] = _no_kwargs
    expect: Expect | None = None
    expect_for: Mapping[str, Expect] = field(default_factory=dict)
    ok_statuses: frozenset[int] = field(default_factory=frozenset)

    def expected(self, persona: str) -> Expect:
        """What ``persona`` (one of ``allowed``, or anyone on a public page) must get."""
        if persona in self.expect_for:
            return self.expect_for[persona]
        if self.expect is not None:
            return self.expect
        if self.method == "GET":
            return OK
        raise AssertionError(
            "a POST action must state what it answers: expect=redirect_to(...) or expect=OK"
        )


def programme_kwargs(world: Any) -> dict[str, Any]:
    return {"org": world.organisation.slug, "prog": world.programme.slug}


# --- What every form that posts does: the registry of test_concurrent_edits -----------------
# Each app lists, in ``tandem/<app>/tests/post_forms.py`` as ``FORMS``, every URL of its own that
# takes a POST, as one (or a tuple) of the kinds below; test_concurrent_edits merges them and
# fails on a POST URL nobody classified, so a new edit form cannot ship without the one
# optimistic-concurrency mechanism (``tandem.core.versioning``), nor a create form without its
# one-time token (``tandem.core.once``).

Kwargs = Callable[[Any], dict[str, Any]]
Posted = Mapping[str, str | list[str]]
# What a browser changes in the form: fixed, or built from the world and the URL's kwargs.
Change = Posted | Callable[[Any, dict[str, Any]], Posted]


@dataclass(frozen=True)
class Edit:
    """A form that edits a stored row. Opened in two browsers (``personas``) at once, the first
    saves ``first``, then the second — still showing the old version — saves ``second``: it is
    refused (HTTP 200, nothing written), its page shows the two versions (``shown``: how the
    first's and the second's value read there) and keeps what was typed; saved once more it
    wins (``again=False`` where the first save ends what the form is for, e.g. closing a match).
    ``kwargs`` builds the URL's arguments (default: the URL matrix's)."""

    first: Change
    second: Change
    shown: tuple[str, str]
    kwargs: Kwargs | None = None
    personas: tuple[str, str] = ("coordinator", "org_admin")
    again: bool = True


@dataclass(frozen=True)
class StaleAction:
    """A button that changes a versioned row without anything typed (the review of a round):
    clicked on two pages loaded at once, the second click is refused with a message and writes
    nothing. ``posts(world, kwargs)`` gives both posts, without the version (read from the
    page)."""

    posts: Callable[[Any, dict[str, Any]], tuple[Posted, Posted]]
    kwargs: Kwargs | None = None


@dataclass(frozen=True)
class Create:
    """A form that creates: its page gives it a one-time token; sent twice with that token it
    creates one record (``count`` goes up by one) and both posts land on the same page.
    ``on_page=False``: the page shows the form only in a state the test does not build (a
    fresh token is used)."""

    data: Callable[[Any], Posted]
    count: Callable[[], int]
    kwargs: Kwargs | None = None
    persona: str = "coordinator"
    on_page: bool = True


@dataclass(frozen=True)
class NotAnEdit:
    """A POST that neither edits a row through a form nor creates from one; ``why`` says what
    keeps it from overwriting or repeating (a conditional update, a row lock, a constraint…)."""

    why: str


FormKind = Edit | StaleAction | Create | NotAnEdit


# --- Query counts ----------------------------------------------------------------------------


def count_queries(fetch: Callable[[], Any]) -> tuple[int, list[str]]:
    """Run ``fetch`` (typically a client request) and return how many queries it made."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fetch()
    return len(context.captured_queries), [q["sql"] for q in context.captured_queries]


def assert_queries_do_not_grow(
    fetch: Callable[[], Any], add_rows: Callable[[int], Any], *, few: int = 3, many: int = 9
) -> None:
    """A list page must not make a query per row (N+1).

    ``add_rows(n)`` adds ``n`` more rows to the list; ``fetch()`` renders the page (and should
    assert that the rows are shown). The page is rendered with ``few`` rows and again with
    ``many``; the second rendering may not make more queries than the first.
    """
    add_rows(few)
    fetch()  # warm up: sessions, caches and content types are read once per process or client
    small, _ = count_queries(fetch)
    add_rows(many - few)
    large, sql = count_queries(fetch)
    assert large <= small, (
        f"{large} queries with {many} rows, {small} with {few}: a query per row?\n" + "\n".join(sql)
    )


def assert_list_page_queries_do_not_grow(
    client: Any, url: str, add_row: Callable[[int], str], *, few: int = 3, many: int = 9
) -> None:
    """``assert_queries_do_not_grow`` for a page listing rows: ``add_row(i)`` creates the i-th
    row and returns a text the page must show for it (so the page is checked to list them all,
    not only to answer)."""
    shown: list[str] = []

    def add_rows(n: int) -> None:
        shown.extend(add_row(len(shown)) for _ in range(n))

    def fetch() -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        missing = [text for text in shown if text not in body]
        assert not missing, f"{url} does not show {missing}"

    assert_queries_do_not_grow(fetch, add_rows, few=few, many=many)


def assert_paged_list_constant_queries(
    client: Any, url: str, add_row: Callable[[int], str], *, few: int = 10, many: int = 200,
) -> list[str]:
    """A paged list (``core.paging``) costs the same number of queries whatever its length.

    ``add_row(i)`` creates the i-th row and returns a text the list shows for it. With ``few``
    rows the page shows them all on one page; with ``many`` it is paged, and every page —
    reached by following the pagers' *next* links, as a person would — makes exactly as many
    queries as the page of ``few`` rows, and together the pages show every row. Returns the
    addresses of the pages walked."""
    import html
    import re
    import warnings
    from urllib.parse import urlsplit

    from django.core.paginator import UnorderedObjectListWarning

    shown: list[str] = []
    path = urlsplit(url).path

    def add_rows(n: int) -> None:
        shown.extend(add_row(len(shown)) for _ in range(n))

    def get(address: str) -> tuple[int, str]:
        response = None

        def fetch() -> None:
            nonlocal response
            # A paged list needs an order, or a row can show on two pages and another on none.
            with warnings.catch_warnings():
                warnings.simplefilter("error", UnorderedObjectListWarning)
                response = client.get(address)

        n, _sql = count_queries(fetch)
        assert response is not None and response.status_code == 200, (address, response)
        return n, response.content.decode()

    add_rows(few)
    get(url)  # warm up: sessions, caches and content types are read once per process or client
    small, body = get(url)
    missing = [text for text in shown if html.escape(text) not in body and text not in body]
    assert not missing, f"{url} does not show {missing} of {few} rows"
    add_rows(many - few)
    walked, queue, bodies = [url], [url], []
    while queue:
        address = queue.pop(0)
        n, body = get(address)
        assert n == small, f"{address}: {n} queries with {many} rows, {small} with {few}"
        bodies.append(body)
        for link in re.findall(r'rel="next" href="([^"]+)"', body):
            target = path + html.unescape(link)
            if target not in walked:
                assert len(walked) < 60, "too many pages: is the list paged at all?"
                walked.append(target)
                queue.append(target)
    assert len(walked) > 1, f"{url} shows {many} rows without paging them"
    everything = "".join(bodies)
    missing = [text for text in shown if html.escape(text) not in everything and text not in everything]
    assert not missing, f"the pages of {url} do not show {missing}"
    return walked


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


# --- Task backends in tests (tandem/core/taskqueue.py) ---------------------------------------
# Tests run background tasks on the database backend; with TASKS_BACKEND=redis (CI runs the task
# tests a second time so) or in tests parametrised over both backends, on Redis through
# django-tasks-rq. Each pytest-xdist worker uses its own Redis database, emptied before each test.
# Redis unreachable: the Redis variant is skipped, or fails with TANDEM_REQUIRE_REDIS=1 (CI).

TEST_REDIS_DB = 12  # + the xdist worker's number; 0-11 are left to the application and others


def test_redis_url(base: str) -> str:
    import os
    from urllib.parse import urlsplit, urlunsplit

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    # TANDEM_TEST_REDIS_DB: another first database, for test runs side by side on one Redis.
    first = int(os.environ.get("TANDEM_TEST_REDIS_DB") or TEST_REDIS_DB)
    number = first + (int(worker) if worker.isdigit() else 0)
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


def use_task_backend(settings: Any, kind: str) -> None:
    """Switch the ``default`` task backend to ``database`` or ``redis`` for one test."""
    import os

    import pytest
    import redis

    backend = settings.TASKS_BACKENDS[kind]
    if kind == "redis":
        url = test_redis_url(settings.TASKS_REDIS_URL)
        try:
            redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
        except redis.exceptions.ConnectionError as exc:
            if os.environ.get("TANDEM_REQUIRE_REDIS") == "1":
                pytest.fail(f"Redis at {url} unreachable ({exc}), and TANDEM_REQUIRE_REDIS=1")
            pytest.skip(f"Redis test skipped: no Redis at {url}")
        settings.RQ_QUEUES = {
            name: {**config, "URL": url} for name, config in settings.RQ_QUEUES.items()
        }
    if settings.TASKS["default"]["BACKEND"] != backend:
        settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": backend}}
