"""Every URL pattern the project defines, walked with every role and an outsider.

Adding a URL without classifying it here fails ``test_every_url_is_classified``: decide who may
see it before it ships. Outsiders (another organisation) must get 404, members without the right
role 403, anonymous visitors the log-in page (with ``?next=`` the URL), and the roles allowed
exactly the answer their entry states: 200 for a page, a 302 to a stated URL for a POST action
(see ``tandem.core.testing.Access``). "Anything under 400" is not an answer.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import World
from tandem.core.models import Field, Invitation
from tandem.core.testing import (
    ALL_PERSONAS,
    COORDINATORS,
    EVERYONE,
    MEMBERS,
    OK,
    Access,
    Expect,
    redirect_to,
    redirect_to_url,
)


def _prog(w: World) -> dict[str, Any]:
    return {"org": w.organisation.slug, "prog": w.programme.slug}


def _person(w: World) -> dict[str, Any]:
    return {**_prog(w), "pk": w.people["learner"].pk}


def _membership(w: World) -> dict[str, Any]:
    learner = w.people["learner"]
    return {**_person(w), "membership": learner.memberships.get().pk}


def _invitation(w: World) -> dict[str, Any]:
    invitation = Invitation.objects.create(programme=w.programme, email="x@y.example", role="mentor")
    return {**_prog(w), "pk": invitation.pk}


def _field(w: World) -> dict[str, Any]:
    field = Field.objects.create(programme=w.programme, code="chess", label_en="chess")
    return {**_prog(w), "pk": field.pk}


def _calendar_token(w: World) -> dict[str, Any]:
    from tandem.core import services

    return {"token": services.calendar_feed_renew(user=w.users["mentor"])}


def _token(w: World) -> dict[str, Any]:
    invitation = Invitation.objects.create(programme=w.programme, email="new@y.example", role="mentor")
    return {"token": invitation.token}


MATRIX: dict[str, Access] = {
    "login": Access(
        EVERYONE, "public", expect=redirect_to_url("/"), expect_for={"anonymous": OK}
    ),
    "logout": Access(
        EVERYONE, "public", method="POST", expect=redirect_to_url(lambda w: reverse("account_login"))
    ),
    "core:healthz": Access(EVERYONE, "public"),
    "core:set_language": Access(
        EVERYONE, "public", method="POST", expect=redirect_to_url("/")
    ),
    # Signed-in personas are not the invitee (new@y.example): refused with 403, nothing changes.
    "core:invitation_accept": Access(
        EVERYONE, "public", kwargs=_token,
        expect_for={p: Expect(403) for p in EVERYONE if p != "anonymous"},
    ),
    # Someone with one programme goes straight to it; an organisation admin (two programmes
    # here) chooses on the page.
    "core:home": Access(
        MEMBERS | {"outsider"}, "user",
        expect=redirect_to_url(lambda w: w.programme.get_absolute_url()),
        expect_for={
            "org_admin": OK,
            "outsider": redirect_to_url(lambda w: w.foreign_programme.get_absolute_url()),
        },
    ),
    "core:account": Access(MEMBERS | {"outsider"}, "user"),
    "core:calendar": Access(MEMBERS | {"outsider"}, "user"),
    # Posted without a confirmation, "stop" changes nothing and says so on the calendar page.
    "core:calendar_renew": Access(
        MEMBERS | {"outsider"}, "user", method="POST",
        expect=redirect_to_url(lambda w: reverse("core:calendar")),
    ),
    "core:calendar_stop": Access(
        MEMBERS | {"outsider"}, "user", method="POST",
        expect=redirect_to_url(lambda w: reverse("core:calendar")),
    ),
    # The feed has no log-in: its token is the key (unknown or stopped: 404, test_calendar).
    "core:calendar_feed": Access(EVERYONE, "public", kwargs=_calendar_token),
    "core:organisation": Access(
        frozenset({"org_admin"}), "organisation", kwargs=lambda w: {"org": w.organisation.slug}
    ),
    "core:programme_create": Access(
        frozenset({"org_admin"}), "organisation", kwargs=lambda w: {"org": w.organisation.slug}
    ),
    "core:programme": Access(MEMBERS, "programme", kwargs=_prog),
    "core:programme_edit": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:fields": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:field_edit": Access(COORDINATORS, "programme", kwargs=_field),
    "core:people": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:person_create": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:person": Access(COORDINATORS, "programme", kwargs=_person),
    "core:person_edit": Access(COORDINATORS, "programme", kwargs=_person),
    # Without a role chosen: back to the person's page, with the error as a message.
    "core:person_role_add": Access(
        COORDINATORS, "programme", method="POST", kwargs=_person,
        expect=redirect_to("core:person", "pk"),
    ),
    # The learner's only role here: removing it takes them out of the programme, so the
    # coordinator lands on the people list.
    "core:person_role_remove": Access(
        COORDINATORS, "programme", method="POST", kwargs=_membership,
        expect=redirect_to("core:people"),
    ),
    "core:sites": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:partners": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:invitations": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:invitation_revoke": Access(
        COORDINATORS, "programme", method="POST", kwargs=_invitation,
        expect=redirect_to("core:invitations"),
    ),
    "core:audit": Access(COORDINATORS, "programme", kwargs=_prog),
}


def _webauthn_key(w: World) -> dict[str, Any]:
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.create(
        user=w.users["coordinator"], type=Authenticator.Type.WEBAUTHN,
        data={"name": "Test key", "credential": {}},
    )
    return {"pk": key.pk}


# django-allauth's pages (accounts/): log-in steps and password reset are public; the rest are
# the signed-in user's own account. Staff personas hold an authenticator app and recovery codes
# (conftest.make_member), the others none.
WITH_APP = COORDINATORS | {"outsider"}
SIGNED_IN = MEMBERS | {"outsider"}
HOME = redirect_to_url("/")
TO_LOGIN = redirect_to_url(lambda w: reverse("account_login"))
TO_REAUTHENTICATE = redirect_to_url(lambda w: reverse("account_reauthenticate"))


def reauthenticate_first(name: str) -> Expect:
    """A sensitive step (a new factor, the recovery codes) asks for the password again first."""
    return Expect(302, lambda w, kwargs: reverse("account_reauthenticate") + "?next="
                  + quote(reverse(name, kwargs=kwargs), safe=""))


# Anonymous visitors see the log-in and sign-up pages; signed-in users are sent home. A log-in
# step (a code, the second factor) without a log-in in progress sends visitors back to log in.
ACCOUNT_MATRIX: dict[str, Access] = {
    "account_login": Access(EVERYONE, "public", expect=HOME, expect_for={"anonymous": OK}),
    "account_logout": Access(EVERYONE, "public", method="POST", expect=TO_LOGIN),
    "account_inactive": Access(EVERYONE, "public"),
    # closed: accounts come from invitations only (the page says so)
    "account_signup": Access(EVERYONE, "public", expect=HOME, expect_for={"anonymous": OK}),
    "account_email_verification_sent": Access(EVERYONE, "public"),
    "account_confirm_email": Access(
        EVERYONE, "public", kwargs=lambda w: {"key": "not-a-real-key"}
    ),
    "account_reset_password": Access(EVERYONE, "public"),
    "account_reset_password_done": Access(EVERYONE, "public"),
    "account_reset_password_from_key": Access(
        EVERYONE, "public", kwargs=lambda w: {"uidb36": "1", "key": "bad-key"}
    ),
    "account_reset_password_from_key_done": Access(EVERYONE, "public"),
    "account_confirm_login_code": Access(
        EVERYONE, "public", expect=HOME, expect_for={"anonymous": TO_LOGIN}
    ),
    "mfa_authenticate": Access(EVERYONE, "public", expect=HOME, expect_for={"anonymous": TO_LOGIN}),
    "account_email": Access(SIGNED_IN, "user"),
    "account_change_password": Access(SIGNED_IN, "user"),
    # everyone here has a password: setting one is changing it
    "account_set_password": Access(
        SIGNED_IN, "user", expect=redirect_to_url(lambda w: reverse("account_change_password"))
    ),
    "account_reauthenticate": Access(SIGNED_IN, "user"),
    "mfa_index": Access(SIGNED_IN, "user"),
    # with an authenticator app: type a code; without one: the password page
    "mfa_reauthenticate": Access(
        SIGNED_IN, "user", expect=TO_REAUTHENTICATE, expect_for=dict.fromkeys(WITH_APP, OK)
    ),
    "mfa_activate_totp": Access(SIGNED_IN, "user", expect=reauthenticate_first("mfa_activate_totp")),
    "mfa_generate_recovery_codes": Access(
        SIGNED_IN, "user", expect=reauthenticate_first("mfa_generate_recovery_codes")
    ),
    "mfa_list_webauthn": Access(SIGNED_IN, "user"),
    "mfa_add_webauthn": Access(SIGNED_IN, "user", expect=reauthenticate_first("mfa_add_webauthn")),
    "mfa_reauthenticate_webauthn": Access(SIGNED_IN, "user", expect=TO_REAUTHENTICATE),
    "mfa_deactivate_totp": Access(
        WITH_APP, "own", expect=reauthenticate_first("mfa_deactivate_totp")
    ),
    "mfa_view_recovery_codes": Access(
        WITH_APP, "own", expect=reauthenticate_first("mfa_view_recovery_codes")
    ),
    "mfa_download_recovery_codes": Access(
        WITH_APP, "own", expect=reauthenticate_first("mfa_download_recovery_codes")
    ),
    # Re-authentication is asked first; test_accounts checks another user's key is then 404.
    "mfa_edit_webauthn": Access(
        SIGNED_IN, "user", kwargs=_webauthn_key, expect=reauthenticate_first("mfa_edit_webauthn")
    ),
    "mfa_remove_webauthn": Access(
        SIGNED_IN, "user", kwargs=_webauthn_key, expect=reauthenticate_first("mfa_remove_webauthn")
    ),
}
MATRIX.update(ACCOUNT_MATRIX)


def _app_matrices() -> dict[str, Access]:
    """Merge every app's ``tests/url_matrix.py`` into one matrix."""
    merged: dict[str, Access] = {}
    tandem_dir = Path(__file__).resolve().parents[2]
    for module_path in sorted(tandem_dir.glob("*/tests/url_matrix.py")):
        module = importlib.import_module(f"tandem.{module_path.parts[-3]}.tests.url_matrix")
        overlap = merged.keys() & module.MATRIX.keys()
        assert not overlap, f"URL classified twice: {overlap}"
        merged.update(module.MATRIX)
    return merged


MATRIX.update(_app_matrices())


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, ns)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else "", str(pattern.pattern)


def all_url_names() -> set[str]:
    names = set()
    for name, route in _walk(get_resolver().url_patterns):
        assert name, f"URL pattern {route!r} has no name, so it cannot be classified"
        names.add(name)
    return names


def test_every_url_is_classified() -> None:
    names = all_url_names()
    unclassified = names - MATRIX.keys()
    assert not unclassified, f"classify these URLs in MATRIX: {sorted(unclassified)}"
    stale = MATRIX.keys() - names
    assert not stale, f"these URLs no longer exist: {sorted(stale)}"


def expected_status(access: Access, persona: str) -> str:
    if access.scope == "public":
        return "ok"
    if persona == "anonymous":
        return "login"
    if persona in access.allowed:
        return "ok"
    if persona == "outsider" and access.scope in ("programme", "organisation"):
        return "404"
    if access.scope == "own":
        return "404"
    return "403"


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_access(world: World, name: str, persona: str) -> None:
    access = MATRIX[name]
    kwargs = access.kwargs(world)
    url = reverse(name, kwargs=kwargs)
    client = world.client_for(persona)
    response = client.post(url) if access.method == "POST" else client.get(url)
    expected = expected_status(access, persona)
    got = (name, persona, response.status_code, response.get("Location"))
    if expected == "ok":
        expect = access.expected(persona)
        assert response.status_code == expect.status or response.status_code in access.ok_statuses, (
            *got, f"expected {expect.describe(world, kwargs)}",
        )
        if response.status_code in (301, 302, 303, 307, 308):
            assert expect.location is not None, (*got, "state where the redirect leads")
            assert response["Location"] == expect.location(world, kwargs), (
                *got, f"expected {expect.describe(world, kwargs)}",
            )
    elif expected == "login":
        assert response.status_code == 302, got
        assert response["Location"] == redirect_to_login(url)["Location"], got
    else:
        assert response.status_code == int(expected), got


def test_every_post_action_states_its_answer() -> None:
    """A POST entry without ``expect`` would fail only when run; say so up front, by name."""
    silent = sorted(n for n, a in MATRIX.items() if a.method == "POST" and a.expect is None
                    and not set(a.allowed) <= set(a.expect_for))
    assert not silent, f"state what these POST actions answer (expect=...): {silent}"


@pytest.mark.parametrize("name", sorted(n for n, a in MATRIX.items() if a.scope == "programme"))
def test_member_of_one_programme_gets_404_in_a_sibling_programme(world: World, name: str) -> None:
    """The personas hold no role in the organisation's other programme: it does not exist for
    them (organisation admins excepted, who hold their role everywhere)."""
    access = MATRIX[name]
    kwargs = {**access.kwargs(world), "prog": world.other_programme.slug}
    client = world.client_for("mentor")
    url = reverse(name, kwargs=kwargs)
    response = client.post(url) if access.method == "POST" else client.get(url)
    assert response.status_code == 404


def test_coordinator_cannot_reach_a_person_of_another_organisation(world: World) -> None:
    foreign_person = world.foreign_programme.memberships.first().person  # type: ignore[union-attr]
    url = reverse("core:person", kwargs={**_prog(world), "pk": foreign_person.pk})
    assert world.client_for("coordinator").get(url).status_code == 404
