"""Inviting people into a programme by e-mail, and accepting an invitation."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tandem.core import selectors, services
from tandem.core.accounts import LOGIN_METHOD_ATTR
from tandem.core.forms import InvitationForm, SignUpForm
from tandem.core.models import Invitation, Programme, User
from tandem.core.once import create_once
from tandem.core.paging import paginate
from tandem.core.scoping import programme_view


@require_http_methods(["GET", "POST"])
@programme_view("core.manage_invitations")
def invitation_list(request: HttpRequest, programme: Programme) -> HttpResponse:
    # The invitee most likely speaks the programme's language, not necessarily the inviter's.
    form = InvitationForm(request.POST or None,
                          initial={"language": programme.interface_language() or get_language()})
    if request.method == "POST" and form.is_valid() and (response := create_once(
        request, form,
        lambda: services.invitation_create(programme=programme, actor=request.user,
                                           **form.cleaned_data),
        message=lambda invitation: _("Invitation sent to %(email)s.") % {"email": invitation.email},
        then=lambda invitation: redirect("core:invitations", org=programme.organisation.slug,
                                         prog=programme.slug),
    )):
        return response
    return render(
        request, "core/invitations.html",
        {
            "programme": programme, "form": form,
            "pending": paginate(request, selectors.pending_invitations(programme=programme)),
            "done": paginate(request, selectors.answered_invitations(programme=programme),
                             param="answered"),
        },
    )


@require_POST
@programme_view("core.manage_invitations")
def invitation_revoke(request: HttpRequest, programme: Programme, pk: int) -> HttpResponse:
    invitation = programme.invitations.filter(pk=pk).first()
    if invitation is None:
        raise Http404
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation withdrawn."))
    return redirect("core:invitations", org=programme.organisation.slug, prog=programme.slug)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Accept an invitation. Only its addressee can: signed in with the invited address, or
    anonymous creating the log-in for it (or logging in to the existing one first). Anyone else
    is refused and nothing changes: the link still works for the right person."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("programme__organisation"), token=token
    )
    context: dict[str, object] = {"invitation": invitation, "programme": invitation.programme}
    if not invitation.is_usable:
        return render(request, "core/invitation_invalid.html", context, status=410)
    if request.user.is_authenticated:
        user = cast(User, request.user)
        try:
            services.invitation_check_invitee(invitation=invitation, user=user)
        except services.WrongInvitee as exc:
            context["refusal"] = " ".join(exc.messages)
            return render(request, "core/invitation_wrong_user.html", context, status=403)
        if request.method == "POST":
            return _accept(request, invitation, user)
        return render(request, "core/invitation_accept.html", context)
    if User.objects.filter(email__iexact=invitation.email).exists():
        # They already have a log-in: sign in first (with their second factor), then come back.
        context["login_needed"] = True
        return render(request, "core/invitation_accept.html", context)
    form = SignUpForm(request.POST or None, email=invitation.email)
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                # The address is proven: the link was only ever sent to it.
                user = services.user_create(
                    email=invitation.email, password=form.cleaned_data["password"],
                    full_name=form.cleaned_data["full_name"], language=invitation.language,
                    email_verified=True,
                )
                response = _accept(request, invitation, user)
        except IntegrityError:
            # The same link accepted in two browsers at once: the other one created the
            # log-in first (the e-mail address is unique). One wins; this one logs in.
            messages.info(request, _("This invitation was just accepted, perhaps in another "
                                     "window. Log in with your e-mail address and password."))
            return redirect("login")
        return response
    return render(request, "core/invitation_accept.html", context)


def _accept(request: HttpRequest, invitation: Invitation, user: User) -> HttpResponse:
    try:
        services.invitation_accept(invitation=invitation, user=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("core:home") if request.user.is_authenticated else redirect("login")
    if not request.user.is_authenticated:
        setattr(request, LOGIN_METHOD_ATTR, "invitation")
        login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
    messages.success(
        request, _("Welcome to %(programme)s.") % {"programme": invitation.programme}
    )
    return redirect(invitation.programme.get_absolute_url())
