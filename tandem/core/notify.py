"""E-mail notifications: rendered in the recipient's language by a background task, enqueued
only after the transaction that caused them commits (so a rolled-back change e-mails nobody).

Usage from a service::

    notify(to="a@b.example", language="fr",
           template="onboarding/email/application_received",
           context={"name": "Camille", "programme": "AFEV"})

``template`` names two templates: ``<template>_subject.txt`` (one line) and ``<template>.txt``.
The context must be JSON-serialisable (ids and strings): tasks take data, not model objects. Text
that depends on the reader's language goes in lazy (``gettext_lazy``, ``lazy(f, str)(…)``): it is
made in the recipient's language before the task is queued.

Every link in an e-mail (and on a printed certificate) is built by :func:`site_url`, from the
``SITE_URL`` setting: a background task has no request to take the host from.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template import Context
from django.template.loader import get_template
from django.utils import translation
from django.utils.functional import Promise


def site_url(path: str = "") -> str:
    """The absolute address of ``path`` (e.g. from ``reverse``) on this site, for e-mails."""
    base = settings.SITE_URL.rstrip("/")
    if not path:
        return base
    return base + ("" if path.startswith("/") else "/") + path


def render_text(template_name: str, context: dict[str, Any]) -> str:
    """A plain-text template rendered as text: nothing HTML-escaped.

    An e-mail is not a web page: with Django's autoescaping, "l'école", "O'Brien" and "Tom & Lea"
    arrived as "l&#x27;école", "O&#x27;Brien" and "Tom &amp; Lea" in every notification."""
    return get_template(template_name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


@task()
def send_notification(to: list[str], language: str, template: str, context: dict[str, Any]) -> int:
    with translation.override(language):
        context = {**context, "site_url": site_url()}
        subject = " ".join(render_text(f"{template}_subject.txt", context).split())
        body = render_text(f"{template}.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def notify(*, to: str | list[str], language: str, template: str, context: dict[str, Any]) -> None:
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return  # e.g. a pupil without an e-mail address: nothing to send
    # A lazy translation in the context (``gettext_lazy``, ``lazy(f, str)(…)``) becomes text in the
    # recipient's language here: a task takes data, and text made by the sender's language (a
    # daily command's English, a Dutch coordinator's click) would reach a French reader as it is.
    with translation.override(language):
        context = {key: str(value) if isinstance(value, Promise) else value for key, value in context.items()}
    transaction.on_commit(
        lambda: send_notification.enqueue(recipients, language, template, context)
    )
