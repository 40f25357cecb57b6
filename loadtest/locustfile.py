"""Tandem's load test: coordinators, mentors and learners of the demo walking their busiest pages.

Run by ``make loadtest`` (loadtest/run.py), which seeds the demo at ``--scale 20``, writes the
log-ins (loadtest/prepare.py) and starts the servers. By hand, against a server you started::

    TANDEM_LOADTEST_ACCOUNTS=accounts.json locust -f loadtest/locustfile.py --headless \\
        -u 20 -r 4 --run-time 60s --host http://127.0.0.1:8000

Each simulated person logs in through the real pages (password, then an authenticator code for
coordinators), then opens a page every 1–2 seconds, chosen by how often that person would.
Requests go through loopback only, as a reverse proxy that ends TLS would send them
(``X-Forwarded-Proto: https``, and ``X-Forwarded-For`` with an address of 127.0.0.0/8 per person,
for the log-in rate limit per address). A page that is not a 200 (a redirect to the log-in page,
an error) counts as a failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
from http.cookiejar import DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["TANDEM_LOADTEST_ACCOUNTS"]).read())  # noqa: SIM115
PASSWORD = DATA["password"]
ACCOUNTS: dict[str, list[dict[str, Any]]] = DATA["accounts"]
# Each run takes its coordinators from its own slice: a second-factor code works only once.
OFFSET = int(os.environ.get("TANDEM_LOADTEST_OFFSET", "0"))
_next = {role: itertools.count(OFFSET if role == "coordinator" else 0) for role in ACCOUNTS}
_addresses = itertools.count(1)
# The simulated browsers talk to the server as the TLS-ending proxy would, over plain HTTP on
# loopback: let them send the Secure cookies (session, CSRF) there too. (requests copies the
# session's cookies into a jar with the default policy for each request, so the policy class
# itself is changed, in this load-generating process only.)
DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True  # type: ignore[method-assign]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# Measured: from the moment the last simulated person has logged in, for SECONDS; then Locust
# stops (loadtest/run.py sets both). The log-ins' own times are written to LOGINS first.
USERS = int(os.environ.get("TANDEM_LOADTEST_USERS", "0"))
SECONDS = int(os.environ.get("TANDEM_LOADTEST_SECONDS", "0"))
LOGINS = os.environ.get("TANDEM_LOADTEST_LOGINS", "")
_logged_in = itertools.count(1)


def logged_in(environment: Any) -> None:
    if next(_logged_in) != USERS:
        return
    stats = environment.stats
    if LOGINS:
        with open(LOGINS, "w") as f:
            json.dump({name: {"requests": entry.num_requests, "errors": entry.num_failures,
                              "p50": entry.get_response_time_percentile(0.5),
                              "p95": entry.get_response_time_percentile(0.95)}
                       for (name, _method), entry in stats.entries.items() if name.startswith("log in")}, f)
    stats.reset_all()
    if SECONDS:
        gevent.spawn_later(SECONDS, environment.runner.quit)


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 code (30-second steps, 6 digits, SHA-1), as an authenticator app shows it."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Person(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 2)

    def on_start(self) -> None:
        pool = ACCOUNTS[self.role]
        self.account = pool[next(_next[self.role]) % len(pool)]
        n = next(_addresses)
        # What the browser saw: https behind the proxy (production), http from runserver.
        scheme = os.environ.get("TANDEM_LOADTEST_SCHEME", "https")
        origin = f"{scheme}://" + self.host.split("://", 1)[1].rstrip("/")
        self.client.headers.update({
            "X-Forwarded-Proto": "https", "X-Forwarded-For": f"127.1.{n // 250}.{n % 250 + 1}",
            "Origin": origin, "Accept-Language": "en",
        })
        self.log_in()

    def post_form(self, page: Any, url: str, data: dict[str, str], name: str) -> Any:
        token = CSRF.search(page.text)
        data = {"csrfmiddlewaretoken": token.group(1) if token else "", **data}
        return self.client.post(url, data=data, name=name,
                                headers={"Referer": self.client.headers["Origin"] + url})

    def log_in(self) -> None:
        login = self.client.get("/accounts/login/", name="log in: page")
        answer = self.post_form(login, "/accounts/login/",
                                {"login": self.account["email"], "password": PASSWORD}, "log in: password")
        for attempt in range(3):
            if "/2fa/authenticate/" not in answer.url:
                break
            # A code refused (it waited in the server's queue past its 30 seconds) is typed again,
            # as a person would.
            path = answer.url.split(self.host.rstrip("/"), 1)[-1]
            answer = self.post_form(answer, path, {"code": totp(self.account["totp"])},
                                    "log in: authenticator code" + (" (typed again)" if attempt else ""))
        if "/accounts/" in answer.url:  # still on a log-in page: counted as a failed request
            self.environment.events.request.fire(
                request_type="LOGIN", name="log in: failed", response_time=0, response_length=0,
                exception=RuntimeError(f"{self.account['email']}: {answer.status_code} {answer.url}"),
                context={})
        logged_in(self.environment)

    def page(self, label: str, url: str) -> None:
        with self.client.get(url, name=f"{self.role}: {label}", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            elif urlsplit(response.url).path != urlsplit(url).path:  # sent elsewhere (log-in)
                response.failure(f"redirected to {urlsplit(response.url).path}")

    def pick(self, key: str) -> str:
        value = self.account["pages"][key]
        return random.choice(value) if isinstance(value, list) else value


class Coordinator(Person):
    role = "coordinator"
    weight = 2

    @task(4)
    def overview(self) -> None:
        self.page("programme overview", self.pick("overview"))

    @task(3)
    def people(self) -> None:
        self.page("people list", self.pick("people"))

    @task(3)
    def people_search(self) -> None:
        self.page("people search", self.pick("people search"))

    @task(3)
    def person(self) -> None:
        self.page("person page", self.pick("person"))

    @task(3)
    def volunteers(self) -> None:
        self.page("volunteer board", self.pick("volunteers"))

    @task(2)
    def volunteer(self) -> None:
        self.page("volunteer page", self.pick("volunteer"))

    @task(3)
    def learners(self) -> None:
        self.page("learner list", self.pick("learners"))

    @task(2)
    def waiting(self) -> None:
        self.page("waiting list", self.pick("waiting list"))

    @task(2)
    def learner(self) -> None:
        self.page("learner page", self.pick("learner"))

    @task(2)
    def matching(self) -> None:
        self.page("matching", self.pick("matching"))

    @task(2)
    def matches(self) -> None:
        self.page("match list", self.pick("matches"))

    @task(2)
    def match(self) -> None:
        self.page("match page", self.pick("match"))

    @task(1)
    def audit(self) -> None:
        self.page("audit log", self.pick("audit log"))

    @task(1)
    def invite(self) -> None:
        """A write: an invitation, e-mailed by the task worker."""
        url = self.pick("invitations")
        form = self.client.get(url, name="coordinator: invitations")
        once = re.search(r'name="once" value="([^"]+)"', form.text)
        data = {"email": f"invitee-{random.getrandbits(48):x}@loadtest.example", "role": "mentor",
                "language": random.choice(["en", "nl", "fr", "de"])}
        if once:
            data["once"] = once.group(1)
        token = CSRF.search(form.text)
        with self.client.post(url, data={"csrfmiddlewaretoken": token.group(1) if token else "", **data},
                              name="coordinator: send an invitation", catch_response=True,
                              headers={"Referer": self.client.headers["Origin"] + url}) as answer:
            # Saved: sent back to the invitations page (a refused form answers 200 on its own URL
            # too, but without the redirect).
            if answer.status_code != 200 or not answer.history or urlsplit(answer.url).path != url:
                answer.failure(f"{answer.status_code} {answer.url}")


class Mentor(Person):
    role = "mentor"
    weight = 1

    @task(2)
    def overview(self) -> None:
        self.page("programme overview", self.pick("overview"))

    @task(2)
    def mine(self) -> None:
        self.page("my volunteering", self.pick("my volunteering"))

    @task(3)
    def match(self) -> None:
        self.page("my match", self.pick("match"))


class Learner(Person):
    role = "learner"
    weight = 1

    @task(2)
    def overview(self) -> None:
        self.page("programme overview", self.pick("overview"))

    @task(3)
    def match(self) -> None:
        self.page("my match", self.pick("match"))
