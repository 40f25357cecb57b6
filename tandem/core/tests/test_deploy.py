"""Production settings: `check --deploy` passes with no warning, and every response carries the
security headers (Content-Security-Policy, Permissions-Policy, HSTS, no caching when signed in)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from tandem.settings import proxy_ssl_header_from_env

ROOT = Path(__file__).resolve().parents[3]
# Every variable this project reads that could change the outcome is replaced, so the developer's
# own environment cannot make the test pass or fail.
SCRUBBED = {
    "SECRET_KEY", "TANDEM_ENV", "DATABASE_URL", "SITE_URL", "ALLOWED_HOSTS", "DEBUG",
    "EMAIL_BACKEND", "EMAIL_HOST", "TANDEM_DEMO_MFA_OPTIONAL", "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "CSRF_TRUSTED_ORIGINS",
    # Set in this process by the browser tests' fixture; never in a deployment (async.E001).
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The variables README's "Production" section documents, with a throw-away database."""
    clean = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "tandem.settings",
        "TANDEM_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "tandem.example.org",
        "SITE_URL": "https://tandem.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "EMAIL_HOST": "smtp.example.org",
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _setting(tmp_path: Path, expression: str, **extra: str) -> str:
    result = _run(
        ["-c", f"import django; from django.conf import settings; django.setup(); print({expression})"],
        production_env(tmp_path, **extra),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_passes_check_deploy_without_a_single_warning(tmp_path: Path) -> None:
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path)
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_production_defaults_turn_on_https_only(tmp_path: Path) -> None:
    assert _setting(
        tmp_path,
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SECURE_PROXY_SSL_HEADER",
    ) == "True 31536000 True True True True None"


def test_https_settings_come_from_the_environment(tmp_path: Path) -> None:
    assert _setting(
        tmp_path,
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_PRELOAD, settings.SECURE_PROXY_SSL_HEADER, settings.CSRF_TRUSTED_ORIGINS",
        SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="3600", SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        CSRF_TRUSTED_ORIGINS="https://tandem.example.org,https://www.tandem.example.org",
    ) == (
        "False 3600 False ('HTTP_X_FORWARDED_PROTO', 'https') "
        "['https://tandem.example.org', 'https://www.tandem.example.org']"
    )


def test_development_sends_no_hsts_and_does_not_redirect(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    result = _run(
        ["-c", "import django; from django.conf import settings; django.setup(); "
               "print(settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS)"],
        {**env, "DJANGO_SETTINGS_MODULE": "tandem.settings",
         "DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False 0"


@pytest.mark.parametrize(("value", "expected"), [
    ("", None),
    ("HTTP_X_FORWARDED_PROTO,https", ("HTTP_X_FORWARDED_PROTO", "https")),
    ("X-Forwarded-Proto, https", ("HTTP_X_FORWARDED_PROTO", "https")),
    ("x-forwarded-ssl,on", ("HTTP_X_FORWARDED_SSL", "on")),
])
def test_proxy_ssl_header_is_parsed(value: str, expected: Any) -> None:
    assert proxy_ssl_header_from_env(value) == expected


@pytest.mark.parametrize("value", ["X-Forwarded-Proto", "X-Forwarded-Proto,", ",https", "a,b,c"])
def test_a_malformed_proxy_ssl_header_is_refused(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECURE_PROXY_SSL_HEADER"):
        proxy_ssl_header_from_env(value)


def test_a_malformed_proxy_header_stops_production_start_up(tmp_path: Path) -> None:
    result = _run(
        ["-c", "import django; django.setup()"],
        production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"),
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be" in result.stderr


@pytest.mark.django_db
def test_every_page_has_a_strict_content_security_policy(client: Any) -> None:
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_every_response_refuses_camera_microphone_and_location(client: Any) -> None:
    for url in (reverse("login"), reverse("core:healthz"), "/no-such-page/"):
        policy = client.get(url)["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, (url, policy)


def test_pages_of_a_signed_in_user_are_never_cached(world: Any) -> None:
    client = world.client_for("coordinator")
    url = reverse("core:programme", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug})
    response = client.get(url)
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_hsts_and_https_redirect_when_configured(client: Any, settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"

    plain = client.get(reverse("login"))
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
    # Load balancers probe the health check over plain HTTP.
    assert client.get(reverse("core:healthz")).status_code == 200


@pytest.mark.django_db
def test_a_trusted_proxy_header_counts_as_https(client: Any, settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client.get(reverse("login"), headers={"x-forwarded-proto": "https"}).status_code == 200
    assert client.get(reverse("login"), headers={"x-forwarded-proto": "http"}).status_code == 301
