"""Smoke test of a running production stack (scripts/production-check.sh starts one).

    python scripts/smoke_test.py --base http://127.0.0.1:PORT --worker-log worker.log --web-log web.log

Runs with the stack's environment (it reads the database to give the demo coordinator an
authenticator app, as a coordinator would set one up) and talks to gunicorn over HTTP only, as a
reverse proxy that ends TLS would (``X-Forwarded-Proto: https``). Checks: the health check,
security headers, a static file with a content-hashed name in Brotli and gzip, log-in with the
second factor, the busiest pages, an invitation e-mailed by the Redis worker, and JSON log lines
that carry the request ids and no e-mail address. Exits 1 on the first failure.
"""

from __future__ import annotations

import argparse
import gzip
import http.cookiejar
import json
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any


class Failed(Exception):
    pass


def check(condition: object, what: str) -> None:
    if not condition:
        raise Failed(what)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Response:
    def __init__(self, status: int, headers: Any, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.origin = "https://" + urllib.parse.urlsplit(self.base).netloc
        # Secure cookies go over this loopback connection too: the proxy in front ends TLS.
        self.jar = http.cookiejar.CookieJar(
            policy=http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.request_ids: list[str] = []

    def request(self, method: str, path: str, data: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        all_headers = {"X-Forwarded-Proto": "https", "Accept-Language": "en", **(headers or {})}
        if method == "POST":
            all_headers.update({"Origin": self.origin, "Referer": self.origin + path})
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=all_headers)
        try:
            with self.opener.open(req, timeout=60) as answer:
                response = Response(answer.status, answer.headers, answer.read())
        except urllib.error.HTTPError as error:
            response = Response(error.code, error.headers, error.read())
        if response.headers.get("X-Request-ID") and not path.startswith("/static/"):
            self.request_ids.append(response.headers["X-Request-ID"])
        return response

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def form(self, path: str, fields: dict[str, str], page: Response | None = None) -> Response:
        """Post the page's first post form with its hidden fields (CSRF, once token) and ``fields``."""
        page = page or self.get(path)
        check(page.status == 200, f"GET {path} answered {page.status}")
        form = re.search(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page.text, re.S | re.I)
        check(form, f"no form on {path}")
        assert form is not None
        data = dict(re.findall(
            r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form.group(1)))
        data.update(fields)
        return self.request("POST", path, data)


def prepare(secret: str) -> dict[str, str]:
    """The demo coordinator sets up an authenticator app; the URLs of their busiest pages."""
    import django

    django.setup()
    from allauth.mfa.models import Authenticator
    from django.urls import reverse

    from tandem.core import demo
    from tandem.core.models import Programme, User
    from tandem.core.testing import give_totp

    user = User.objects.get(email=demo.MAIN_COORDINATOR)
    Authenticator.objects.filter(user=user).delete()
    give_totp(user, secret)
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    return {
        "programme name": programme.name,
        "start page": reverse("core:home"),
        "programme overview": reverse("core:programme", kwargs=kw),
        "people": reverse("core:people", kwargs=kw),
        "volunteers": reverse("onboarding:board", kwargs=kw),
        "learners": reverse("intake:learners", kwargs=kw),
        "waiting list": reverse("intake:waiting_list", kwargs=kw),
        "matching": reverse("matching:home", kwargs=kw),
        "matches": reverse("matching:matches", kwargs=kw),
        "audit log": reverse("core:audit", kwargs=kw),
        "invitations": reverse("core:invitations", kwargs=kw),
        "login": reverse("login"),
        "email": demo.MAIN_COORDINATOR,
        "password": demo.DEMO_PASSWORD,
    }


def totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def wait_for(what: str, seconds: float, probe: Any) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise Failed(f"{what}: not within {seconds:.0f} s")


def run(args: argparse.Namespace) -> None:
    import base64

    secret = base64.b32encode(secrets.token_bytes(20)).decode()
    urls = prepare(secret)
    browser = Browser(args.base)

    health = browser.get("/healthz/")
    check(health.status == 200, f"/healthz/ answered {health.status}: {health.text}")
    checks = json.loads(health.text)["checks"]
    check(checks["tasks"]["backend"] == "redis", f"task backend is {checks['tasks']['backend']}")
    print(f"ok  /healthz/ 200: database, cache and task queue ({checks['tasks']['backend']}) fine")

    plain = Browser(args.base)
    plain_answer = plain.request("GET", urls["login"], headers={"X-Forwarded-Proto": "http"})
    check(plain_answer.status == 301 and plain_answer.headers["Location"].startswith("https://"),
          f"plain HTTP is not redirected to HTTPS ({plain_answer.status})")
    print("ok  plain HTTP is redirected to HTTPS")

    login = browser.get(urls["login"])
    check(login.status == 200, f"log-in page answered {login.status}")
    for header in ("Content-Security-Policy", "Strict-Transport-Security", "X-Request-ID",
                   "Permissions-Policy"):
        check(login.headers.get(header), f"log-in page lacks {header}")
    print("ok  log-in page 200 with Content-Security-Policy, HSTS, Permissions-Policy, X-Request-ID")

    css = re.search(r'href="(/static/[^"]+\.([0-9a-f]{12})\.css)"', login.text)
    check(css, "no stylesheet with a content-hashed name on the log-in page")
    assert css is not None
    original = browser.get(css.group(1))
    for encoding in ("br", "gzip"):
        static = browser.get(css.group(1), headers={"Accept-Encoding": encoding})
        check(static.status == 200, f"{css.group(1)} answered {static.status}")
        check(static.headers.get("Content-Encoding") == encoding,
              f"{css.group(1)} not served with {encoding} ({static.headers.get('Content-Encoding')})")
        check("immutable" in static.headers.get("Cache-Control", ""),
              f"{css.group(1)} is not cached forever ({static.headers.get('Cache-Control')})")
        if encoding == "gzip":
            check(gzip.decompress(static.body) == original.body, "gzip copy differs")
        print(f"ok  {css.group(1)}: {encoding}, {len(static.body):,} of {len(original.body):,} bytes, "
              f"Cache-Control {static.headers['Cache-Control']}")

    answer = browser.form(urls["login"], {"login": urls["email"], "password": urls["password"]}, login)
    check(answer.status == 302 and "/2fa/authenticate/" in answer.headers["Location"],
          f"log-in did not ask for the second factor ({answer.status} {answer.headers.get('Location')})")
    answer = browser.form(answer.headers["Location"], {"code": totp(secret)})
    check(answer.status == 302, f"second factor refused ({answer.status})")
    print(f"ok  logged in as {urls['email']} with password and authenticator code")

    for label in ("start page", "programme overview", "people", "volunteers", "learners",
                  "waiting list", "matching", "matches", "audit log"):
        started = time.perf_counter()
        page = browser.get(urls[label])
        took = (time.perf_counter() - started) * 1000
        check(page.status == 200, f"{label} ({urls[label]}) answered {page.status}")
        check(urls["programme name"] in page.text or label == "start page",
              f"{label} does not name the programme")
        print(f"ok  {label:<19} 200 in {took:5.0f} ms  {urls[label]}")

    address = f"smoke-{secrets.token_hex(4)}@example.org"
    answer = browser.form(urls["invitations"], {"email": address, "role": "mentor", "language": "nl"})
    check(answer.status == 302, f"invitation not saved ({answer.status}): {answer.text[:300]}")
    worker_log = Path(args.worker_log)
    wait_for("the invitation e-mail from the Redis worker", 60,
             lambda: address in worker_log.read_text(errors="replace"))
    log = worker_log.read_text(errors="replace")
    check("Uitnodiging" in log, "the invitation e-mail is not in Dutch")
    print(f"ok  invitation to {address} e-mailed by the Redis worker (in Dutch)")
    # The worker's lines about that e-mail carry the id of the request that asked for it.
    posted = answer.headers["X-Request-ID"]
    task_lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    task_lines = [e for e in task_lines if "send_invitation_email" in str(e.get("task", ""))]
    check(any(e.get("request_id") == posted for e in task_lines),
          f"no worker line for the invitation e-mail carries the request id {posted}")
    print(f"ok  worker log: the invitation task's lines carry the request id of the form's post ({posted})")

    web_log = Path(args.web_log).read_text(errors="replace")
    entries = [json.loads(line) for line in web_log.splitlines() if line.startswith("{")]
    logged_ids = {entry.get("request_id") for entry in entries}
    check(set(browser.request_ids) <= logged_ids,
          f"{len(set(browser.request_ids) - logged_ids)} request ids missing from the web log")
    check("@" not in web_log.replace("[e-mail]", ""), "an e-mail address is in the web log")
    check(not [line for line in web_log.splitlines() if line.strip() and not line.startswith("{")],
          "the web log has lines that are not JSON")
    print(f"ok  web log: {len(entries)} JSON lines, every request id of this test in it, no e-mail address")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--worker-log", required=True)
    parser.add_argument("--web-log", required=True)
    try:
        run(parser.parse_args())
    except Failed as failure:
        print(f"FAILED  {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
