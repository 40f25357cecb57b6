"""Every URL pattern the project defines, walked with every role and an outsider.

Adding a URL without classifying it here fails ``test_every_url_is_classified``: decide who may
see it before it ships. Outsiders (another organisation) must get 404, members without the right
role 403, anonymous visitors the log-in page.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import World
from tandem.core.models import Invitation
from tandem.core.testing import ALL_PERSONAS, COORDINATORS, MEMBERS, Access


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


def _token(w: World) -> dict[str, Any]:
    invitation = Invitation.objects.create(programme=w.programme, email="new@y.example", role="mentor")
    return {"token": invitation.token}


MATRIX: dict[str, Access] = {
    "login": Access(frozenset(ALL_PERSONAS), "public"),
    "logout": Access(frozenset(ALL_PERSONAS), "public", method="POST"),
    "core:healthz": Access(frozenset(ALL_PERSONAS), "public"),
    "core:set_language": Access(frozenset(ALL_PERSONAS), "public", method="POST"),
    # Signed-in personas are not the invitee (new@y.example): refused with 403, nothing changes.
    "core:invitation_accept": Access(
        frozenset(ALL_PERSONAS), "public", kwargs=_token, ok_statuses=frozenset({403, 410})
    ),
    "core:home": Access(MEMBERS | {"outsider"}, "user"),
    "core:account": Access(MEMBERS | {"outsider"}, "user"),
    "core:organisation": Access(
        frozenset({"org_admin"}), "organisation", kwargs=lambda w: {"org": w.organisation.slug}
    ),
    "core:programme_create": Access(
        frozenset({"org_admin"}), "organisation", kwargs=lambda w: {"org": w.organisation.slug}
    ),
    "core:programme": Access(MEMBERS, "programme", kwargs=_prog),
    "core:programme_edit": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:people": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:person_create": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:person": Access(COORDINATORS, "programme", kwargs=_person),
    "core:person_edit": Access(COORDINATORS, "programme", kwargs=_person),
    "core:person_role_add": Access(COORDINATORS, "programme", method="POST", kwargs=_person),
    "core:person_role_remove": Access(
        COORDINATORS, "programme", method="POST", kwargs=_membership
    ),
    "core:sites": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:partners": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:invitations": Access(COORDINATORS, "programme", kwargs=_prog),
    "core:invitation_revoke": Access(
        COORDINATORS, "programme", method="POST", kwargs=_invitation
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
ACCOUNT_MATRIX: dict[str, Access] = {
    "account_login": Access(frozenset(ALL_PERSONAS), "public"),
    "account_logout": Access(frozenset(ALL_PERSONAS), "public", method="POST"),
    "account_inactive": Access(frozenset(ALL_PERSONAS), "public"),
    "account_signup": Access(frozenset(ALL_PERSONAS), "public"),  # closed: invitations only
    "account_email_verification_sent": Access(frozenset(ALL_PERSONAS), "public"),
    "account_confirm_email": Access(
        frozenset(ALL_PERSONAS), "public", kwargs=lambda w: {"key": "not-a-real-key"}
    ),
    "account_reset_password": Access(frozenset(ALL_PERSONAS), "public"),
    "account_reset_password_done": Access(frozenset(ALL_PERSONAS), "public"),
    "account_reset_password_from_key": Access(
        frozenset(ALL_PERSONAS), "public", kwargs=lambda w: {"uidb36": "1", "key": "bad-key"}
    ),
    "account_reset_password_from_key_done": Access(frozenset(ALL_PERSONAS), "public"),
    "account_confirm_login_code": Access(
        frozenset(ALL_PERSONAS), "public", redirects_to_login=True
    ),
    "mfa_authenticate": Access(frozenset(ALL_PERSONAS), "public", redirects_to_login=True),
    "account_email": Access(SIGNED_IN, "user"),
    "account_change_password": Access(SIGNED_IN, "user"),
    "account_set_password": Access(SIGNED_IN, "user"),
    "account_reauthenticate": Access(SIGNED_IN, "user"),
    "mfa_index": Access(SIGNED_IN, "user"),
    "mfa_reauthenticate": Access(SIGNED_IN, "user"),
    "mfa_activate_totp": Access(SIGNED_IN, "user"),
    "mfa_generate_recovery_codes": Access(SIGNED_IN, "user"),
    "mfa_list_webauthn": Access(SIGNED_IN, "user"),
    "mfa_add_webauthn": Access(SIGNED_IN, "user"),
    "mfa_reauthenticate_webauthn": Access(SIGNED_IN, "user"),
    "mfa_deactivate_totp": Access(WITH_APP, "own"),
    "mfa_view_recovery_codes": Access(WITH_APP, "own"),
    "mfa_download_recovery_codes": Access(WITH_APP, "own"),
    # Re-authentication is asked first; test_accounts checks another user's key is then 404.
    "mfa_edit_webauthn": Access(SIGNED_IN, "user", kwargs=_webauthn_key),
    "mfa_remove_webauthn": Access(SIGNED_IN, "user", kwargs=_webauthn_key),
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
    url = reverse(name, kwargs=access.kwargs(world))
    client = world.client_for(persona)
    response = client.post(url) if access.method == "POST" else client.get(url)
    expected = expected_status(access, persona)
    if expected == "ok":
        assert response.status_code < 400 or response.status_code in access.ok_statuses, (
            name, persona, response.status_code,
        )
        if response.status_code == 302 and name not in ("logout", "account_logout"):
            # A log-in step without a log-in in progress sends visitors to the log-in page
            # (signed-in users home); nothing else public may.
            to_login = response["Location"].startswith(reverse("login"))
            expected_to_login = access.redirects_to_login and persona == "anonymous"
            assert to_login == expected_to_login, (name, persona, response["Location"])
    elif expected == "login":
        assert response.status_code == 302, (name, persona, response.status_code)
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == int(expected), (name, persona, response.status_code)


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
