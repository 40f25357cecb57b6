"""Accounts: invitations bound to their address, lockout, the second factor required for staff,
idle sessions, password reset and change, and the log-in history. Real log-ins through the real
pages (no force_login) wherever the log-in itself is what is tested."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, World, make_member
from tandem.core import services
from tandem.core.middleware import LAST_SEEN_KEY
from tandem.core.models import AuditEvent, Invitation, LoginEvent, Membership, Role, User
from tandem.core.testing import fresh_totp_code, totp_code

LOGIN = "/accounts/login/"
SECOND_STEP = "/accounts/2fa/authenticate/"


def password_step(client: Client, email: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"login": email, "password": password})


def log_in(client: Client, user: User, *, lands_home: bool = True) -> None:
    """Log in like a person would: password, then the code from the app if they have one."""
    response = password_step(client, user.email)
    assert response.status_code == 302, response.content.decode()[:500]
    if response["Location"] == SECOND_STEP:
        response = client.post(SECOND_STEP, {"code": fresh_totp_code(user)})
        assert response.status_code == 302, response.content.decode()[:500]
    if lands_home:
        assert client.get(reverse("core:account")).status_code == 200


@pytest.fixture
def post_and_send(django_capture_on_commit_callbacks: Any, run_tasks: Any) -> Any:
    """POST, commit, and let the background worker send the e-mails it caused."""

    def post(client: Client, url: str, data: dict[str, str]) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        run_tasks()
        return response

    return post


def errors(response: Any) -> str:
    return " ".join(re.findall(r'class="errors"[^>]*>(.*?)</div>', response.content.decode(), re.S))


# --- 1. Invitations are bound to their address ---------------------------------------------


@pytest.fixture
def invitation(world: World) -> Invitation:
    """The coordinator invites jan.peeters@example.org as coordinator (as in the report)."""
    return services.invitation_create(
        programme=world.programme, email="Jan.Peeters@example.org", role=Role.COORDINATOR,
        actor=world.users["coordinator"], language="nl",
    )


def _accept_url(invitation: Invitation) -> str:
    return reverse("core:invitation_accept", kwargs={"token": invitation.token})


def _nothing_changed(invitation: Invitation, world: World) -> None:
    invitation.refresh_from_db()
    assert invitation.accepted is None and invitation.is_usable
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.INVITATION_ACCEPTED).exists()
    assert not Membership.objects.filter(role=Role.COORDINATOR, programme=world.programme)\
        .exclude(person=world.people["coordinator"]).exists()


@pytest.mark.parametrize("persona", ["foreign_mentor", "outsider", "mentor", "coordinator"])
def test_a_signed_in_stranger_is_refused_and_nothing_changes(
    world: World, invitation: Invitation, persona: str
) -> None:
    """A mentor of another organisation (the report's case), that organisation's coordinator,
    or a member of the same programme opens the link: a clear refusal naming the invited address
    only in part; no role, no person, no audit entry; the coordinator still sees it pending."""
    if persona == "foreign_mentor":
        user, _person = make_member(world.foreign_programme.organisation, world.foreign_programme,
                                    Role.MENTOR, "mentor@afev.example")
        client = Client()
        client.force_login(user)
    else:
        client = world.client_for(persona)
    page = client.get(_accept_url(invitation))
    assert page.status_code == 403
    text = page.content.decode()
    assert "This invitation was sent to j…@example.org." in text
    assert "jan.peeters" not in text.lower()
    assert client.post(_accept_url(invitation)).status_code == 403
    _nothing_changed(invitation, world)
    if persona != "coordinator":
        people = reverse("core:people", kwargs={"org": "zuid", "prog": "moz"})
        expected = 403 if persona == "mentor" else 404
        assert client.get(people).status_code == expected
    pending = world.client_for("coordinator").get(
        reverse("core:invitations", kwargs={"org": "zuid", "prog": "moz"})
    ).content.decode()
    assert "jan.peeters@example.org" in pending


def test_the_refusal_offers_to_log_out_and_come_back(world: World, invitation: Invitation) -> None:
    client = world.client_for("outsider")
    client.get(_accept_url(invitation))
    response = client.post(reverse("logout"), {"next": _accept_url(invitation)})
    assert response["Location"] == _accept_url(invitation)
    page = client.get(response["Location"]).content.decode()
    assert "Create your log-in for jan.peeters@example.org" in page


def test_the_service_refuses_another_user_too(world: World, invitation: Invitation) -> None:
    with pytest.raises(services.WrongInvitee):
        services.invitation_accept(invitation=invitation, user=world.outsider)
    _nothing_changed(invitation, world)


def test_after_a_refusal_the_invitee_still_accepts_and_the_address_is_verified(
    world: World, invitation: Invitation
) -> None:
    world.client_for("outsider").post(_accept_url(invitation))
    anonymous = Client()
    page = anonymous.get(_accept_url(invitation)).content.decode()
    assert "jan.peeters@example.org" in page  # the invitee sees their own address
    response = anonymous.post(
        _accept_url(invitation), {"full_name": "Jan Peeters", "password": "a-long-passphrase-42"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="jan.peeters@example.org")
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()
    assert Membership.objects.filter(
        person__user=user, programme=world.programme, role=Role.COORDINATOR
    ).exists()
    event = LoginEvent.objects.get(user=user)
    assert (event.outcome, event.method) == ("logged_in", "invitation")
    # A new coordinator is sent to set up the second factor before anything else.
    assert anonymous.get(world.programme.get_absolute_url())["Location"] == reverse(
        "mfa_activate_totp"
    )


def test_anonymous_with_an_existing_log_in_must_log_in_first(world: World) -> None:
    invitation = services.invitation_create(
        programme=world.programme, email=world.outsider.email, role=Role.SUPERVISOR,
        actor=world.users["coordinator"], language="en",
    )
    anonymous = Client()
    page = anonymous.get(_accept_url(invitation)).content.decode()
    assert "You already have a log-in" in page
    anonymous.post(_accept_url(invitation), {"full_name": "X", "password": "a-long-passphrase-42"})
    invitation.refresh_from_db()
    assert invitation.accepted is None
    # Logged in as that address (password and second factor), the invitee accepts.
    log_in(anonymous, world.outsider)
    assert anonymous.post(_accept_url(invitation)).status_code == 302
    assert world.outsider.persons.filter(organisation=world.organisation).exists()


def test_the_address_matches_whatever_its_case(world: World) -> None:
    invitation = services.invitation_create(
        programme=world.programme, email="MENTOR@Zuid.Example", role=Role.OBSERVER,
        actor=world.users["coordinator"], language="en",
    )
    client = world.client_for("mentor")
    assert client.post(_accept_url(invitation)).status_code == 302
    assert Membership.objects.filter(person=world.people["mentor"], role=Role.OBSERVER).exists()


# --- 2. Lockout ----------------------------------------------------------------------------


def test_thirty_wrong_passwords_then_the_right_one_is_refused(world: World) -> None:
    """From one address: the account and the address are both locked."""
    mentor = world.users["mentor"]
    client = Client()
    for _attempt in range(30):
        assert password_step(client, mentor.email, "wrong-password").status_code == 200
    response = password_step(client, mentor.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get(reverse("core:account")).status_code == 302  # not logged in


def test_thirty_wrong_passwords_from_thirty_addresses_lock_the_account(world: World) -> None:
    """A spread-out guessing attack: the account itself is locked, whatever the address."""
    mentor = world.users["mentor"]
    for attempt in range(30):
        client = Client(REMOTE_ADDR=f"198.51.100.{attempt + 1}")
        assert password_step(client, mentor.email, "wrong-password").status_code == 200
    client = Client(REMOTE_ADDR="203.0.113.9")
    response = password_step(client, mentor.email)
    assert response.status_code == 200
    assert "Too many failed login attempts" in errors(response)
    assert client.get(reverse("core:account")).status_code == 302
    outcomes = list(LoginEvent.objects.filter(user=mentor).values_list("outcome", flat=True))
    assert outcomes.count("wrong_password") == 5  # then the account is locked, not tried
    assert outcomes.count("locked") == 1  # 26 refusals, recorded once a minute
    assert "logged_in" not in outcomes


def test_password_reset_requests_are_limited(world: World, post_and_send: Any) -> None:
    client = Client()
    url = reverse("account_reset_password")
    for _attempt in range(3):
        assert post_and_send(client, url, {"email": world.users["mentor"].email}).status_code == 302
    assert len(mail.outbox) == 3
    response = post_and_send(client, url, {"email": world.users["mentor"].email})
    assert len(mail.outbox) == 3
    assert response.status_code in (200, 429)


def test_five_wrong_codes_lock_the_second_step(world: World) -> None:
    coordinator = world.users["coordinator"]
    client = Client()
    assert password_step(client, coordinator.email)["Location"] == SECOND_STEP
    for _attempt in range(5):
        response = client.post(SECOND_STEP, {"code": "000000"})
        assert response.status_code == 200 and "Incorrect code" in response.content.decode()
    response = client.post(SECOND_STEP, {"code": fresh_totp_code(coordinator)})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("core:account")).status_code == 302
    outcomes = list(LoginEvent.objects.filter(user=coordinator).values_list("outcome", flat=True))
    assert outcomes.count("wrong_code") == 5 and outcomes.count("locked") == 1


# --- 3. The second factor --------------------------------------------------------------------


def test_staff_log_in_with_password_and_code_and_the_history_says_so(world: World) -> None:
    coordinator = world.users["coordinator"]
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                    REMOTE_ADDR="203.0.113.77")
    log_in(client, coordinator)
    event = LoginEvent.objects.filter(user=coordinator, outcome="logged_in").get()
    assert event.method == "password+totp"
    assert event.ip_network == "203.0.113.0/24"  # never the full address
    page = client.get(reverse("core:account")).content.decode()
    assert "Recent log-ins" in page and "203.0.113.0/24" in page and "Firefox · Linux" in page


def test_the_log_in_history_is_a_list_that_becomes_cards_on_a_phone(world: World) -> None:
    """Four columns of dates, networks and browsers ran 80 px past a 390 px screen: the history
    is a table.list, each cell labelled, so on a phone every log-in is a small card."""
    coordinator = world.users["coordinator"]
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
                    REMOTE_ADDR="203.0.113.77")
    log_in(client, coordinator)
    page = client.get(reverse("core:account")).content.decode()
    table = page[page.index('id="login-history"') - 30:]
    table = table[:table.index("</table>")]
    assert 'class="list"' in table
    assert '<td data-label="Network">203.0.113.0/24</td>' in table
    assert '<td data-label="Browser">Firefox · Linux</td>' in table


def test_a_code_works_only_once(world: World) -> None:
    coordinator = world.users["coordinator"]
    first = Client()
    password_step(first, coordinator.email)
    code = fresh_totp_code(coordinator)
    assert first.post(SECOND_STEP, {"code": code}).status_code == 302
    second = Client()
    password_step(second, coordinator.email)
    assert "Incorrect code" in second.post(SECOND_STEP, {"code": code}).content.decode()


def test_a_recovery_code_replaces_the_app(world: World) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    coordinator = world.users["coordinator"]
    codes = RecoveryCodes(
        Authenticator.objects.get(user=coordinator, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    client = Client()
    password_step(client, coordinator.email)
    assert client.post(SECOND_STEP, {"code": codes[0]}).status_code == 302
    assert client.get(reverse("core:account")).status_code == 200


def _staff_without_second_factor(world: World) -> User:
    user, _person = make_member(world.organisation, world.programme, Role.COORDINATOR,
                                "new-coordinator@zuid.example")
    assert user is not None
    Authenticator.objects.filter(user=user).delete()
    return user


def test_staff_must_set_up_the_app_before_anything_else(world: World) -> None:
    user = _staff_without_second_factor(world)
    client = Client()
    log_in(client, user, lands_home=False)  # password only: there is no second factor yet
    setup = reverse("mfa_activate_totp")
    for url in (world.programme.get_absolute_url(), reverse("core:home"),
                reverse("core:people", kwargs={"org": "zuid", "prog": "moz"})):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == setup, url
    htmx = client.get(reverse("core:home"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == setup
    page = client.get(setup)
    assert page.status_code == 200
    assert "Set up an authenticator app to continue" in page.content.decode()
    secret = client.session["mfa.totp.secret"]
    response = client.post(setup, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(world.programme.get_absolute_url()).status_code == 200
    # The last app cannot be removed while the role needs it (even after re-authenticating).
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    deactivate = client.post(reverse("mfa_deactivate_totp"))
    assert deactivate.status_code == 200
    assert "you cannot remove your last one" in deactivate.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_others_may_use_a_second_factor_but_need_not(world: World) -> None:
    client = Client()
    log_in(client, world.users["mentor"])
    assert client.get(world.programme.get_absolute_url()).status_code == 200


def test_the_demo_switch_makes_it_optional(world: World, settings: Any) -> None:
    settings.TANDEM_MFA_REQUIRED = False
    user = _staff_without_second_factor(world)
    client = Client()
    log_in(client, user)
    assert client.get(world.programme.get_absolute_url()).status_code == 200


def test_changing_second_factors_asks_for_the_password_again(world: World) -> None:
    client = Client()
    log_in(client, world.users["coordinator"])
    response = client.get(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_someone_elses_security_key_is_not_found(world: World) -> None:
    key = Authenticator.objects.create(
        user=world.users["coordinator"], type=Authenticator.Type.WEBAUTHN,
        data={"name": "Key", "credential": {}},
    )
    client = Client()
    log_in(client, world.users["mentor"])
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        assert client.get(reverse(name, kwargs={"pk": key.pk})).status_code == 404


# --- 4. Sessions end after inactivity ------------------------------------------------------


def _idle(client: Client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - minutes * 60
    session.save()


def test_sessions_expire_after_inactivity_sooner_for_staff(world: World) -> None:
    coordinator, mentor = Client(), Client()
    log_in(coordinator, world.users["coordinator"])
    log_in(mentor, world.users["mentor"])
    assert coordinator.session.get_expiry_age() == 30 * 60
    assert mentor.session.get_expiry_age() == 8 * 60 * 60

    _idle(coordinator, 31)
    _idle(mentor, 31)
    response = coordinator.get(world.programme.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    page = coordinator.get(response["Location"]).content.decode()
    assert "logged out after 30 minutes without activity" in page
    assert mentor.get(world.programme.get_absolute_url()).status_code == 200

    _idle(mentor, 8 * 60 + 1)
    assert mentor.get(world.programme.get_absolute_url()).status_code == 302


def test_idle_limits_come_from_the_settings(world: World, settings: Any) -> None:
    settings.SESSION_IDLE_MINUTES = 20
    client = Client()
    log_in(client, world.users["mentor"])
    assert client.session.get_expiry_age() == 20 * 60
    _idle(client, 21)
    assert client.get(reverse("core:account")).status_code == 302


# --- 5. Password reset and change, verification, no sign-up -------------------------------


def test_password_reset_by_e_mail(world: World, post_and_send: Any) -> None:
    world.users["mentor"].language = "de"
    world.users["mentor"].save()
    client = Client()
    post_and_send(client, reverse("account_reset_password"), {"email": "MENTOR@zuid.example"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "[Tandem] Wähle ein neues Passwort"  # the user's language
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", mail.outbox[0].body)
    assert link is not None
    path = link.group(0).split("testserver", 1)[-1]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"},
    )
    assert response.status_code == 302
    assert password_step(Client(), "mentor@zuid.example", "a-brand-new-passphrase").status_code == 302
    assert password_step(Client(), "mentor@zuid.example", PASSWORD).status_code == 200
    assert "This link no longer works" in Client().get(path, follow=True).content.decode()


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    db: Any, post_and_send: Any
) -> None:
    response = post_and_send(
        Client(), reverse("account_reset_password"), {"email": "nobody@x.example"}
    )
    assert response.status_code == 302 and mail.outbox == []


def test_password_change_ends_the_other_sessions(world: World) -> None:
    client, elsewhere = Client(), Client()
    log_in(client, world.users["mentor"])
    log_in(elsewhere, world.users["mentor"])
    response = client.post(reverse("account_change_password"), {
        "oldpassword": PASSWORD, "password1": "another-long-passphrase",
        "password2": "another-long-passphrase",
    })
    assert response.status_code == 302
    assert client.get(reverse("core:account")).status_code == 200  # this session stays
    assert elsewhere.get(reverse("core:account")).status_code == 302  # the other one ends
    assert password_step(Client(), "mentor@zuid.example", "another-long-passphrase").status_code == 302


def test_a_password_reset_lifts_the_lock(world: World, post_and_send: Any) -> None:
    for _attempt in range(5):
        password_step(Client(REMOTE_ADDR="198.51.100.1"), "mentor@zuid.example", "wrong")
    assert "Too many" in errors(password_step(Client(), "mentor@zuid.example"))
    client = Client()
    post_and_send(client, reverse("account_reset_password"), {"email": "mentor@zuid.example"})
    path = re.search(r"/accounts/password/reset/key/\S+/", mail.outbox[0].body).group(0)  # type: ignore[union-attr]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"password1": "a-brand-new-passphrase", "password2": "a-brand-new-passphrase"})
    assert password_step(Client(), "mentor@zuid.example", "a-brand-new-passphrase").status_code == 302


def test_an_unverified_address_must_be_confirmed_before_logging_in(
    db: Any, post_and_send: Any
) -> None:
    user = services.user_create(email="admin@x.example", password=PASSWORD)  # e.g. by an admin
    client = Client()
    response = post_and_send(client, LOGIN, {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("core:account")).status_code == 302
    assert len(mail.outbox) == 1 and "/accounts/confirm-email/" in mail.outbox[0].body


def test_nobody_signs_up_without_an_invitation(db: Any) -> None:
    client = Client()
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200 and "Log-ins are by invitation" in page.content.decode()
    client.post(reverse("account_signup"), {"email": "new@x.example", "password1": "long-pass-123"})
    assert not User.objects.exists()


# --- 6. Every account page in four languages ---------------------------------------------


def _texts(html: str) -> set[str]:
    """The visible phrases of a page's main part (two words or more)."""
    main = html.split('<main id="main"', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    pieces = (re.sub(r"\s+", " ", piece).strip() for piece in re.split(r"<[^>]+>", main))
    return {piece for piece in pieces if len(piece.split()) >= 2 and re.search(r"[^\W\d_]", piece)}


@pytest.mark.parametrize("language", ["nl", "fr", "de"])
def test_account_pages_read_wholly_in_each_language(world: World, language: str) -> None:
    staff = _staff_without_second_factor(world)
    anonymous_pages = [reverse(name) for name in (
        "login", "account_reset_password", "account_reset_password_done", "account_signup",
        "account_reset_password_from_key_done", "account_email_verification_sent",
    )]
    signed_in_pages = [reverse(name) for name in (
        "core:account", "account_change_password", "account_email", "mfa_list_webauthn",
    )]
    setup_pages = [reverse(name) for name in ("mfa_index", "mfa_activate_totp")]

    def page(client: Client, url: str) -> set[str]:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return _texts(response.content.decode())

    def pages(lang: str) -> list[set[str]]:
        anonymous = Client(headers={"Accept-Language": lang})
        found = [page(anonymous, url) for url in anonymous_pages]
        password_step(anonymous, world.users["coordinator"].email)
        found.append(page(anonymous, SECOND_STEP))
        mentor = world.users["mentor"]
        for user in (mentor, staff):
            user.language = lang
            user.save(update_fields=["language"])
        client = Client()
        log_in(client, mentor)
        found += [page(client, url) for url in signed_in_pages]
        client = Client()
        log_in(client, staff, lands_home=False)  # must set up the app: no re-authentication
        found += [page(client, url) for url in setup_pages]
        return found

    english = pages("en")
    translated = pages(language)
    for english_texts, texts in zip(english, translated, strict=True):
        assert english_texts, "no text found on a page"
        untranslated = english_texts & texts - {"new-coordinator@zuid.example"}
        assert not untranslated, (language, untranslated)


def test_a_lost_phone_is_reset_by_command_and_the_app_set_up_again(world: World) -> None:
    from io import StringIO

    from django.core.management import call_command

    coordinator = world.users["coordinator"]
    client = Client()
    log_in(client, coordinator)
    out = StringIO()
    call_command("reset_second_factor", "COORDINATOR@zuid.example", stdout=out)
    assert "Removed 2 second factor(s)" in out.getvalue()  # the app and the recovery codes
    assert not Authenticator.objects.filter(user=coordinator).exists()
    assert client.get(reverse("core:account")).status_code == 302  # logged out everywhere
    log_in(client, coordinator, lands_home=False)
    assert client.get(reverse("core:home"))["Location"] == reverse("mfa_activate_totp")
