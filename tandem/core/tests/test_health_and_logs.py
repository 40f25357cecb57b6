"""/healthz/ checks the database, the cache and the task queue; logs carry a request id and
context to debug with, and no personal data."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse
from django.views.decorators.csrf import csrf_exempt

from conftest import World
from tandem.core.observability import ContextFilter, JsonFormatter
from tandem.core.tests.test_deploy import production_env

ROOT = Path(__file__).resolve().parents[3]


# --- /healthz/ ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_200_with_each_check(client: Client) -> None:
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["oldest_waiting_seconds"] is None  # nothing waiting
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_503_when_the_cache_does_not(client: Client) -> None:
    # A Redis cache on a port where nothing listens: a real refused connection.
    broken = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=broken):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"]["ok"] is False and checks["cache"]["error"] == "ConnectionError"
    assert checks["database"]["ok"] is True and checks["tasks"]["ok"] is True


def test_healthz_answers_503_when_the_database_does_not(tmp_path: Path) -> None:
    """A separate process whose database (and cache) are on ports where nothing listens."""
    code = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz/'); print(r.status_code, json.dumps(r.json()))"
    )
    env = {**production_env(tmp_path), "TANDEM_ENV": "development", "SECURE_SSL_REDIRECT": "0",
           "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nothing",
           "CACHE_URL": "redis://127.0.0.1:1/0", "ALLOWED_HOSTS": "testserver"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    checks = json.loads(body)["checks"]
    assert status == "503"
    assert checks["database"]["ok"] is False and checks["database"]["error"] == "OperationalError"
    assert checks["cache"]["ok"] is False
    assert checks["tasks"]["ok"] is False  # the task queue lives in the database


# --- Request ids and logs ----------------------------------------------------------------------


@pytest.fixture
def json_log() -> Iterator[StringIO]:
    """What the production log handler writes (ContextFilter + JsonFormatter), one JSON a line."""
    out = StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    levels = {name: logging.getLogger(name).level for name in ("tandem", "django")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield out
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def lines(out: StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client: Client) -> None:
    made = client.get(reverse("login"))["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get(reverse("login"))["X-Request-ID"] != made
    # A proxy's id is kept, so its access log and Tandem's lines match up.
    kept = client.get(reverse("login"), headers={"X-Request-ID": "proxy-abc-123456"})
    assert kept["X-Request-ID"] == "proxy-abc-123456"
    # Anything else is replaced (no line breaks or markup smuggled into the logs).
    for bad in ("short", "with space 12345", "x" * 129, "a\u00e9bcdefghij"):
        replaced = client.get(reverse("login"), headers={"X-Request-ID": bad})["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", replaced), bad


def test_request_lines_name_the_url_pattern_not_the_path(
    world: World, json_log: StringIO, settings: Any
) -> None:
    settings.LOG_REQUESTS = True
    client = world.client_for("coordinator")
    person = world.people["learner"]
    url = reverse("core:person", kwargs={"org": world.organisation.slug,
                                         "prog": world.programme.slug, "pk": person.pk})
    response = client.get(url + "?q=learner@zuid.example")
    assert response.status_code == 200
    [line] = [entry for entry in lines(json_log) if entry["logger"] == "tandem.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert line["route"] == "/o/<slug:org>/p/<slug:prog>/people/<int:pk>/"
    assert line["view"] == "core:person"
    assert line["method"] == "GET" and line["status_code"] == 200
    assert line["user_id"] == world.users["coordinator"].pk
    assert isinstance(line["duration_ms"], float)
    assert "zuid.example" not in json_log.getvalue()


@pytest.mark.django_db
def test_a_not_found_line_does_not_repeat_a_token_from_the_path(json_log: StringIO) -> None:
    secret = "s3cr3t-t0ken-that-must-not-be-logged"
    response = Client().get(reverse("core:invitation_accept", kwargs={"token": secret}))
    assert response.status_code == 404
    assert secret not in json_log.getvalue()
    [line] = [entry for entry in lines(json_log) if entry["logger"] == "django.request"]
    assert line["message"] == "Not Found: /invite/<str:token>/"
    assert line["request_id"] == response["X-Request-ID"]


# A page that fails with what the visitor typed in its exception, for the next test.
@csrf_exempt
@login_not_required
def fail_with_personal_data(request: HttpRequest, pk: int) -> HttpResponse:
    name, email = request.POST["name"], request.POST["email"]
    raise ValueError(f"cannot save {name} <{email}>")


urlpatterns = [
    path("test-failure/<int:pk>/", fail_with_personal_data),
    path("", include("tandem.urls")),
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_an_error_is_logged_with_context_and_without_personal_data(json_log: StringIO) -> None:
    client = Client(raise_request_exception=False)
    response = client.post("/test-failure/7/?email=zoe.kwartel@example.org",
                           {"name": "Zoë Kwartelkoning", "email": "zoe.kwartel@example.org"})
    assert response.status_code == 500
    output = json_log.getvalue()
    for personal in ("Kwartelkoning", "Zoë", "zoe.kwartel", "example.org"):
        assert personal not in output, personal
    [error] = [entry for entry in lines(json_log) if entry["level"] == "ERROR"]
    assert error["request_id"] == response["X-Request-ID"]
    assert error["message"] == "Internal Server Error: /test-failure/<int:pk>/"
    assert (error["method"], error["route"], error["status_code"]) == (
        "POST", "/test-failure/<int:pk>/", 500)
    assert error["exception"]["type"] == "builtins.ValueError"
    assert any("in fail_with_personal_data: raise ValueError" in frame
               for frame in error["exception"]["stack"])


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
@pytest.mark.parametrize(("language", "heading", "back"), [
    ("en", "Something went wrong", "Back to the start page"),
    ("nl", "Er ging iets mis", "Terug naar de startpagina"),
    ("fr", "Une erreur s’est produite", "Retour à la page d’accueil"),
    ("de", "Etwas ist schiefgelaufen", "Zurück zur Startseite"),
])
def test_a_server_error_answers_with_tandems_page_in_the_readers_language(
        language: str, heading: str, back: str) -> None:
    """Not Django's bare English "Server Error (500)": a page of its own, standing alone (no user,
    no query: the database may be what failed), in the language the request asked for."""
    client = Client(raise_request_exception=False, headers={"accept-language": language})
    response = client.post("/test-failure/7/", {"name": "A", "email": "a@example.org"})
    assert response.status_code == 500
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert back in page
    assert "Server Error" not in page


@pytest.mark.django_db
def test_database_errors_are_logged_with_their_sqlstate_not_the_values(json_log: StringIO) -> None:
    from django.db import IntegrityError, connection, transaction

    from tandem.core.models import Organisation

    taken, name = "same-slug", "Zoë Kwartelkoning"
    Organisation.objects.create(name="A", slug=taken, country="NL")
    try:
        with transaction.atomic():
            Organisation.objects.create(name=name, slug=taken, country="NL")
    except IntegrityError:
        logging.getLogger("tandem.test").exception("could not save an organisation")
    [line] = lines(json_log)
    assert line["exception"]["type"] == "django.db.utils.IntegrityError"
    if connection.vendor == "postgresql":
        assert line["exception"]["sqlstate"] == "23505"  # unique_violation
        assert line["exception"]["constraint"]
    assert "same-slug" not in json_log.getvalue() and "Kwartelkoning" not in json_log.getvalue()


def test_production_writes_json_logs_and_serves_hashed_compressed_static_files(tmp_path: Path) -> None:
    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.LOGGING['handlers']['console']['formatter'], settings.LOG_REQUESTS, "
        "settings.STORAGES['staticfiles']['BACKEND'], "
        "settings.MIDDLEWARE[0], settings.MIDDLEWARE[2])"
    )
    result = subprocess.run([sys.executable, "-c", code], env=production_env(tmp_path), cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "json", "True", "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "tandem.core.observability.RequestIdMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [
    ("en", "This form has expired"),
    ("nl", "Dit formulier is verlopen"),
    ("fr", "Ce formulaire a expiré"),
    ("de", "Dieses Formular ist abgelaufen"),
])
def test_a_form_sent_without_a_valid_token_says_it_expired_in_plain_words(
        world: World, language: str, heading: str) -> None:
    """A form sent from a page left open too long (or after logging in again in another tab) gets
    a page in the reader's language that says nothing was saved and what to do, not Django's
    "CSRF verification failed"."""
    client = Client(enforce_csrf_checks=True, headers={"accept-language": language})
    client.force_login(world.users["coordinator"])
    url = reverse("core:person_create", kwargs={"org": world.organisation.slug,
                                                  "prog": world.programme.slug})
    response = client.post(url, {"given_name": "Ada", "family_name": "Tester"})
    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "CSRF verification" not in page and "CSRF-" not in page
