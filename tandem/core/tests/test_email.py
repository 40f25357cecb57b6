"""E-mail configuration from the environment and links built from SITE_URL.

The SMTP test runs a tiny SMTP server on a local port and sends a real invitation through the
background worker and Django's SMTP backend, configured exactly as the environment would.
"""

from __future__ import annotations

import base64
import email
import email.policy
import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from conftest import World
from tandem.core.models import Invitation
from tandem.core.notify import site_url
from tandem.settings import mailers_from_env

SMTP = "django.core.mail.backends.smtp.EmailBackend"


class _FakeSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    server: _FakeSMTPServer

    def _reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self._reply("220 fake.smtp ESMTP")
        lines: list[bytes] | None = None  # not None while reading a message (after DATA)
        while line := self.rfile.readline():
            if lines is not None:
                if line == b".\r\n":
                    self.server.messages.append(b"".join(lines))
                    lines = None
                    self._reply("250 queued")
                else:
                    lines.append(line[1:] if line.startswith(b"..") else line)
                continue
            command = line.strip().split(b" ")
            verb = command[0].upper()
            if verb == b"EHLO":
                self._reply("250-fake.smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            elif verb == b"AUTH":
                self.server.logins.append(base64.b64decode(command[2]).split(b"\0")[1:])
                self._reply("235 accepted")
            elif verb == b"DATA":
                lines = []
                self._reply("354 end with .")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                self._reply("250 ok")


class _FakeSMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeSMTPHandler)
        self.messages: list[bytes] = []
        self.logins: list[list[bytes]] = []


@pytest.fixture
def smtp_server() -> Iterator[_FakeSMTPServer]:
    server = _FakeSMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _invite(world: World, capture: Any, run_tasks: Any, email_address: str) -> Invitation:
    client = world.client_for("coordinator")
    url = reverse("core:invitations", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    with capture(execute=True):
        assert client.post(url, {"email": email_address, "role": "mentor", "language": "en"}).status_code == 302
    run_tasks()
    return Invitation.objects.get(email=email_address)


def test_invitation_link_starts_with_site_url(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any, run_tasks: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8101/"  # what `make demo PORT=8101` sets
    invitation = _invite(world, django_capture_on_commit_callbacks, run_tasks, "new@example.org")
    link = "http://127.0.0.1:8101" + invitation.get_accept_url()
    assert link in mail.outbox[0].body
    assert "127.0.0.1:8000" not in mail.outbox[0].body
    assert site_url("/x/") == site_url("x/") == "http://127.0.0.1:8101/x/"


def test_smtp_from_the_environment_delivers_the_invitation(
    world: World, settings: Any, smtp_server: _FakeSMTPServer,
    django_capture_on_commit_callbacks: Any, run_tasks: Any,
) -> None:
    settings.MAILERS = mailers_from_env({
        "EMAIL_BACKEND": "smtp", "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.server_address[1]),
        "EMAIL_HOST_USER": "tandem", "EMAIL_HOST_PASSWORD": "s3cret", "EMAIL_TIMEOUT": "5",
    })
    settings.DEFAULT_FROM_EMAIL = "Tandem <mentoring@zuid.example>"
    settings.SITE_URL = "https://tandem.zuid.example"
    invitation = _invite(world, django_capture_on_commit_callbacks, run_tasks, "mentor@example.org")
    assert smtp_server.logins == [[b"tandem", b"s3cret"]]
    assert len(smtp_server.messages) == 1
    message = email.message_from_bytes(smtp_server.messages[0], policy=email.policy.default)
    assert message["To"] == "mentor@example.org"
    assert message["From"] == "Tandem <mentoring@zuid.example>"
    body = message.get_body(("plain",))
    assert body is not None
    assert "https://tandem.zuid.example" + invitation.get_accept_url() in body.get_content()  # type: ignore[attr-defined]


def test_email_backend_names_and_smtp_options() -> None:
    assert mailers_from_env({}) == {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
    assert mailers_from_env({"EMAIL_BACKEND": "Console"})["default"]["BACKEND"].endswith("console.EmailBackend")
    custom = "anymail.backends.postmark.EmailBackend"
    assert mailers_from_env({"EMAIL_BACKEND": custom}) == {"default": {"BACKEND": custom}}
    # The README's dotted path and the shorthand give the same, complete SMTP configuration.
    dotted = mailers_from_env({"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example", "EMAIL_USE_TLS": "true"})
    assert dotted == mailers_from_env({"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "mail.example", "EMAIL_USE_TLS": "1"})
    assert dotted["default"]["OPTIONS"] == {
        "host": "mail.example", "username": "", "password": "", "use_tls": True, "use_ssl": False,
        "timeout": 30,
    }
    # EMAIL_HOST alone means SMTP; the port is given or follows TLS/SSL (Django: 25/587/465).
    implicit = mailers_from_env({"EMAIL_HOST": "mail.example", "EMAIL_USE_SSL": "yes", "EMAIL_PORT": "2465"})
    assert implicit["default"]["BACKEND"] == SMTP
    assert implicit["default"]["OPTIONS"]["port"] == 2465 and implicit["default"]["OPTIONS"]["use_ssl"]
    with pytest.raises(ImproperlyConfigured, match="not both"):
        mailers_from_env({"EMAIL_BACKEND": "smtp", "EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"})


def test_smtp_backend_is_built_from_the_options(settings: Any) -> None:
    settings.MAILERS = mailers_from_env({"EMAIL_BACKEND": SMTP, "EMAIL_HOST": "mail.example",
                                         "EMAIL_USE_SSL": "1", "EMAIL_HOST_USER": "u"})
    backend = mail.mailers.default  # type: ignore[attr-defined]
    assert (backend.host, backend.port, backend.use_ssl, backend.username, backend.timeout) == (
        "mail.example", 465, True, "u", 30)


def test_a_notification_is_plain_text_not_html(django_capture_on_commit_callbacks: Any, run_tasks: Any) -> None:
    """Notifications are plain text: 'l'école', "O'Brien" and 'Tom & Lea' arrived as
    'l&#x27;école', 'O&#x27;Brien' and 'Tom &amp; Lea' (the templates were HTML-escaped)."""
    from tandem.core.notify import notify

    with django_capture_on_commit_callbacks(execute=True):
        notify(to="coordination@afev.example", language="fr", template="intake/email/referral_received",
               context={"recipient": "Maëlle O'Brien", "institution": "Lycée de l'Est & CFA",
                        "learner": "Inès d'Almeida", "programme": "AFEV – l'accompagnement",
                        "url": "https://tandem.example/o/afev/p/x/learners/7/?a=1&b=2"})
    run_tasks()
    [message] = mail.outbox
    assert "Inès d'Almeida" in message.subject and "l'accompagnement" in message.subject
    assert "Maëlle O'Brien" in message.body and "Lycée de l'Est & CFA" in message.body
    assert "?a=1&b=2" in message.body
    assert "&#x27;" not in message.body + message.subject and "&amp;" not in message.body
