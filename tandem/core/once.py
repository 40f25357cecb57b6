"""Create forms that create once, however often they are sent.

A double click, a slow connection clicked again, or a reload that re-posts would otherwise send a
create form twice and make two people, two sites, two workshops. Every create form carries a
one-time token (:class:`OnceFormMixin`, a hidden field the shared form template renders). The view
saves through :func:`submit_once`: the first post claims the token by inserting a
``FormSubmission`` row in the same transaction as the record it creates; any later post with the
same token (even one arriving at the same moment: the database's unique index makes it wait, then
fail) creates nothing and is sent to the first post's result page, without an error.

A post that does not succeed (the form shows its errors, or ``save`` calls :func:`give_back`)
gives the token back, so the corrected form can be sent. Tokens are kept for a day.

Usage in a view (:func:`create_once` is the whole create step)::

    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.site_create(programme=programme, actor=request.user, **form.cleaned_data),
        message=_("Site added."),
        then=lambda site: redirect("core:sites", ...),
    )):
        return response
    return render(...)  # the form again, with the service's refusal on it

:func:`submit_once` is the primitive underneath, for a save that is more than one service call
with a message (the round review's manual pair, which may ask for a confirmation first).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.models import FormSubmission
from tandem.core.versioning import add_error

FIELD = "once"
KEEP = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class OnceFormMixin(forms.Form):
    """Adds the hidden one-time token. It never reaches ``cleaned_data`` (so
    ``**form.cleaned_data`` still fits a service); the view reads ``form.once_token``."""

    once = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[FIELD].initial = new_token()
        self.once_token = ""

    def full_clean(self) -> None:
        super().full_clean()
        cleaned = getattr(self, "cleaned_data", None)
        if cleaned is not None:
            token = cleaned.pop(FIELD, "") or ""
            # A malformed token is no token: the form still works, without the guard.
            self.once_token = token if _TOKEN.fullmatch(token) else ""


# Set while submit_once runs a save(): give_back() marks the claim to be given back.
_claim: ContextVar[list[bool] | None] = ContextVar("tandem_once_claim", default=None)


def give_back() -> None:
    """Called inside ``save`` when it answers with a redirect although nothing was saved (an
    error shown as a message on the next page): the token stays usable for another try.
    Outside :func:`submit_once` it does nothing."""
    claim = _claim.get()
    if claim is not None:
        claim[0] = True


class _AlreadySent(Exception):
    pass


def _is_success(response: HttpResponse | None) -> bool:
    return response is not None and response.status_code in (301, 302, 303)


def _replay(request: HttpRequest, submission: FormSubmission) -> HttpResponse:
    messages.info(request, _("This form had already been sent; it was saved once."))
    return redirect(submission.result_url or request.path)


def submit_once(
    request: HttpRequest, form: Any, save: Callable[[], HttpResponse | None]
) -> HttpResponse | None:
    """Run ``save`` (which returns a redirect on success, ``None`` or a page to show the form
    again) at most once per form token; a repeat gets the first result page."""
    token = getattr(form, "once_token", "")
    if not token:
        return save()
    user = request.user if request.user.is_authenticated else None
    done = FormSubmission.objects.filter(token=token).first()
    if done is not None:
        if done.user_id != getattr(user, "pk", None):
            form.add_error(None, _("Please send the form again."))
            form.data = form.data.copy()
            form.data[form.add_prefix(FIELD)] = new_token()
            return None
        return _replay(request, done)
    given_back = [False]
    reset = _claim.set(given_back)
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    FormSubmission.objects.create(token=token, user=user)
            except IntegrityError:
                # The same form, sent a moment earlier, has just been saved.
                raise _AlreadySent from None
            response = save()
            if given_back[0] or not _is_success(response):
                transaction.set_rollback(True)  # nothing was saved: the token stays usable
                return response
            assert response is not None
            location = response["Location"]
            FormSubmission.objects.filter(token=token).update(
                result_url=location if len(location) <= 500 else ""  # else: the form's page
            )
            FormSubmission.objects.filter(created__lt=timezone.now() - KEEP).delete()
            return response
    except _AlreadySent:
        return _replay(request, FormSubmission.objects.get(token=token))
    finally:
        _claim.reset(reset)


def create_once[T](
    request: HttpRequest, form: Any, create: Callable[[], T], *,
    message: str | Callable[[T], str] | None, then: Callable[[T], HttpResponse],
    back: HttpResponse | None = None,
) -> HttpResponse | None:
    """The create step of a view, once per form token: ``create()`` (one service call), then a
    success ``message`` and the page ``then(record)`` leads to. A repeat of the same token
    creates nothing and goes to the first post's page (:func:`submit_once`). ``message=None``:
    the page ``then`` leads to says enough.

    When the service refuses (``ValidationError``) nothing is created and the token stays
    usable: the refusal goes on the form and ``None`` is returned (the view shows the form
    again) — or, for a form that lives on another page (``back``: where it posts from), it
    becomes an error message there and ``back`` is returned."""
    def save() -> HttpResponse | None:
        try:
            record = create()
        except ValidationError as error:
            if back is None:
                add_error(form, error)
                return None
            give_back()
            messages.error(request, " ".join(error.messages))
            return back
        if message is not None:
            messages.success(request, message(record) if callable(message) else message)
        return then(record)

    return submit_once(request, form, save)
