"""Shared test fixtures: personas for every role in one organisation, plus an outsider from
another organisation, built on the real database (SQLite or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation

from tandem.core import services
from tandem.core.accounts import STAFF_ROLES
from tandem.core.models import (
    GuardianLink,
    Membership,
    Organisation,
    PartnerInstitution,
    Person,
    Programme,
    Role,
    Site,
    User,
)
from tandem.core.testing import PERSONAS, give_totp

PASSWORD = "correct-horse-battery"


def _reset_process_state() -> None:
    """What a request or a test may leave behind in this process for the next test: the active
    language and time zone (middleware activates them per request and never deactivates), and
    anything in Django's caches (rate limits, counters, cached fragments)."""
    translation.activate(django_settings.LANGUAGE_CODE)
    timezone.deactivate()
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: Any) -> Any:
    """Every test starts from the same state and leaves none behind, so the suite passes in any
    order (pytest-randomly shuffles it; see README, "Tests")."""
    # A fast hasher keeps the suite quick; the real one is tested by Django itself.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests that erase someone write no erasure log into var/ (test_erasure sets its own).
    settings.ERASURE_LOG = ""
    _reset_process_state()
    yield
    _reset_process_state()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """The seed of the random order, also under ``-q`` (which hides pytest-randomly's header)."""
    seed = getattr(config.option, "randomly_seed", None)
    if isinstance(seed, int) and config.pluginmanager.hasplugin("randomly"):
        terminalreporter.write_line(
            f"Tests ran in random order; repeat this order with -p randomly --randomly-seed={seed}"
        )


@dataclass
class World:
    organisation: Organisation
    programme: Programme
    other_programme: Programme  # same organisation, where the personas hold no role
    site: Site
    school: PartnerInstitution
    users: dict[str, User]
    people: dict[str, Person]
    outsider: User  # coordinator of another organisation
    foreign_programme: Programme

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        user = self.outsider if persona == "outsider" else self.users[persona]
        client.force_login(user)
        return client


def make_user(email: str, **extra: Any) -> User:
    """A log-in whose address is verified, as if it had accepted an invitation."""
    return services.user_create(email=email, password=PASSWORD, email_verified=True, **extra)


def make_member(
    organisation: Organisation, programme: Programme | None, role: str, email: str,
    *, institution: PartnerInstitution | None = None, with_user: bool = True, **person: Any,
) -> tuple[User | None, Person]:
    user = make_user(email, full_name=email.split("@")[0].title()) if with_user else None
    p = Person.objects.create(
        organisation=organisation, user=user, given_name=person.pop("given_name", email[:6]),
        family_name=person.pop("family_name", "Tester"), email=email, **person,
    )
    Membership.objects.create(
        person=p, organisation=organisation,
        programme=None if role == Role.ORG_ADMIN else programme, role=role,
        institution=institution,
    )
    if user is not None and role in STAFF_ROLES:
        give_totp(user)  # staff must use a second factor (tandem.core.accounts)
    return user, p


@pytest.fixture
def world(db: Any) -> World:
    org = Organisation.objects.create(name="Mentoren Zuid", slug="zuid", country="NL")
    programme = Programme.objects.create(
        organisation=org, name="Mentoren op Zuid", slug="moz", country="NL", cycle_weeks=20
    )
    other = Programme.objects.create(organisation=org, name="Zomerschool", slug="zomer", country="NL")
    site = Site.objects.create(programme=programme, name="Feijenoord", city="Rotterdam")
    school = PartnerInstitution.objects.create(
        programme=programme, name="De Globetrotter", kind="primary_school", city="Rotterdam"
    )
    users: dict[str, User] = {}
    people: dict[str, Person] = {}
    for persona in PERSONAS:
        institution = school if persona in ("partner_contact", "supervisor") else None
        user, person = make_member(
            org, programme, persona, f"{persona.replace('_', '-')}@zuid.example",
            institution=institution, given_name=persona.title(),
        )
        assert user is not None
        users[persona], people[persona] = user, person
    GuardianLink.objects.create(learner=people["learner"], guardian=people["guardian"])

    foreign_org = Organisation.objects.create(name="AFEV", slug="afev", country="FR")
    foreign = Programme.objects.create(
        organisation=foreign_org, name="Accompagnement", slug="acc", country="FR"
    )
    outsider, _ = make_member(foreign_org, foreign, Role.COORDINATOR, "outsider@afev.example")
    assert outsider is not None
    make_member(foreign_org, None, Role.ORG_ADMIN, "admin@afev.example")
    return World(
        organisation=org, programme=programme, other_programme=other, site=site, school=school,
        users=users, people=people, outsider=outsider, foreign_programme=foreign,
    )


@pytest.fixture(autouse=True)
def _task_backend(settings: Any) -> None:
    """``TASKS_BACKEND=redis pytest …`` runs the tests' background tasks on Redis (CI does so
    for the task tests); each test then starts with an empty queue of its own."""
    if os.environ.get("TASKS_BACKEND", "").strip().lower() == "redis":
        from tandem.core.testing import use_task_backend

        use_task_backend(settings, "redis")


@pytest.fixture
def run_tasks(db: Any, monkeypatch: Any) -> Any:
    """Run every queued background task through the real worker of the configured backend
    (``manage.py run_worker --batch``), then return."""
    from tandem.core import taskqueue

    if taskqueue.backend_kind() == taskqueue.REDIS:
        from django_rq.management.commands import rqworker

        # As below: the worker must not close the connection that holds the test's data; and it
        # runs each task in this process (no fork), which shares that connection.
        monkeypatch.setattr(rqworker, "reset_db_connections", lambda: None)
        return lambda: call_command("run_worker", "--batch", "--no-fork", verbosity=0)

    from django_tasks_db.management.commands import db_worker

    # The worker recycles database connections between tasks; inside a test's transaction that
    # would close the very connection holding the test data, so keep it for the test's length.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("run_worker", "--batch", verbosity=0)

    return run


# --- Browser tests -------------------------------------------------------------------------
# Debian's Chromium driven by Playwright. Never `playwright install`: the browser comes from
# apt (`.ci/run` installs it). Without it the browser tests are skipped, loudly; with
# TANDEM_REQUIRE_BROWSER=1 (set by CI) a missing browser is a failure instead.

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")


def pytest_report_header(config: Any) -> str:
    if Path(CHROMIUM).exists():
        return f"browser tests: Chromium at {CHROMIUM}"
    return f"browser tests: SKIPPED — no Chromium at {CHROMIUM} (apt-get install chromium)"


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("TANDEM_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium not found at {CHROMIUM}, and TANDEM_REQUIRE_BROWSER=1")
        pytest.skip(f"browser test skipped: no Chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself are still synchronous, so allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield browser
        browser.close()


def _serialise_the_live_server_on_sqlite() -> None:
    """On SQLite the test database lives in memory and the live server's threads share its one
    connection: two requests at once (a double click) would use it concurrently ("bad parameter
    or other API misuse"). Serve one request at a time there; Django then closes each connection
    after its response. PostgreSQL keeps the threaded server, one connection per thread."""
    from django.conf import settings
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        # The live server thread itself holds the shared connection: nothing to hand over.
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        LiveServerThread.server_class = OneAtATime


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def pytest_sessionstart(session: Any) -> None:
    _serialise_the_live_server_on_sqlite()
