"""The signed-in user's own settings, and switching language (signed in or not)."""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import extensions, selectors, services
from tandem.core.accounts import describe_browser, posture
from tandem.core.forms import AccountForm
from tandem.core.http import AuthenticatedHttpRequest
from tandem.core.middleware import idle_minutes
from tandem.core.models import User
from tandem.core.paging import paginate
from tandem.core.versioning import submit_edit, touch

SUPPORTED = {code for code, _name in settings.LANGUAGES}
# The account page pages through the log-in history (kept LOGIN_HISTORY_DAYS) in short pages: it
# is one card among others.
LOGINS_PER_PAGE = 20


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language: on the account when signed in, in a cookie always."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in SUPPORTED:
        if request.user.is_authenticated:
            user = cast(User, request.user)
            user.language = language
            # A new version, so an account form opened before this click cannot undo it.
            touch(User.objects.filter(pk=user.pk), language=language)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600,
                            samesite="Lax")
    return response


@require_http_methods(["GET", "POST"])
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = AccountForm.for_user(user, request.POST or None)
    if request.method == "POST" and form.is_valid() and submit_edit(
        form,
        lambda: services.account_update(user=user, expected_version=form.expected_version,
                                        **form.cleaned_data),
        saved=AccountForm.for_user,
    ):
        user.refresh_from_db()
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your settings were saved."))
        response = redirect("core:account")
        if user.language:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, user.language)
        return response
    from allauth.mfa.models import Authenticator

    history = paginate(request, selectors.login_history(user=user), per_page=LOGINS_PER_PAGE,
                       param="logins")
    for event in history:
        event.browser = describe_browser(event.user_agent)
    return render(
        request, "core/account.html",
        {
            "form": form,
            "history": history,
            "second_factors": sorted(
                {str(a.get_type_display()) for a in Authenticator.objects.filter(user=user)
                 .exclude(type=Authenticator.Type.RECOVERY_CODES)}
            ),
            "posture": posture(user),
            "mfa_required": settings.TANDEM_MFA_REQUIRED,
            "idle_minutes": idle_minutes(user),
            "account_links": extensions.account_links(request=request),
        },
    )
