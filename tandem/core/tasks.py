"""Background tasks of the core app. Tasks take ids, re-read their rows, and send e-mails in the
recipient's language; they are enqueued only after the database transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.core.models import Invitation
from tandem.core.notify import site_url


@task()
def send_invitation_email(invitation_id: int) -> bool:
    invitation = (
        Invitation.objects.select_related("programme__organisation", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not invitation.is_usable:
        return False  # revoked, used or expired since it was enqueued: nothing to send
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "programme": invitation.programme,
            "accept_url": site_url(invitation.get_accept_url()),
        }
        subject = _("Invitation to join %(programme)s") % {"programme": invitation.programme}
        body = render_to_string("core/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


@task()
def send_email(subject: str, body: str, to: list[str]) -> int:
    """Send an e-mail rendered by the request that caused it (log-in and password e-mails from
    django-allauth, see ``accounts.AccountAdapter.send_mail``)."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
