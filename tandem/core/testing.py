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
