"""End-to-end in Chromium: a coordinator is made to set up an authenticator app, logs out and in
again with a code computed here, and five wrong codes lock the second step."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator

from conftest import PASSWORD, make_member
from tandem.core.models import Organisation, Programme, Role
from tandem.core.testing import totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "coordinator@zuid.example"


def _submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _password_step(page: Any) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    _submit(page, "Log in")


def _log_out(page: Any) -> None:
    _submit(page, "Log out")
    page.get_by_role("heading", name="Log in to Tandem").wait_for()


def test_coordinator_sets_up_the_app_logs_in_with_a_code_and_is_locked_after_five_wrong(
    page: Any,
) -> None:
    organisation = Organisation.objects.create(name="Mentoren Zuid", slug="zuid", country="NL")
    programme = Programme.objects.create(
        organisation=organisation, name="Mentoren op Zuid", slug="moz", country="NL"
    )
    user, _person = make_member(organisation, programme, Role.COORDINATOR, EMAIL)
    Authenticator.objects.filter(user=user).delete()  # a new coordinator: no second factor yet
    used: set[str] = set()

    def fresh_code(secret: str) -> str:
        code = next(c for c in (totp_code(secret, step=s) for s in (0, 1, -1)) if c not in used)
        used.add(code)
        return code

    # 1. Logging in with the password lands on the set-up, whatever page was asked for.
    _password_step(page)
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert page.get_by_text("your account needs a second factor").is_visible()
    page.goto("/o/zuid/p/moz/people/")
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert page.get_by_role("img", name="QR code for your authenticator app").is_visible()

    # 2. "Scan" the QR code: read the secret and compute the app's code.
    secret = page.get_by_label("Secret, if you cannot scan the code").input_value()
    page.get_by_label("Code from the app").fill(fresh_code(secret))
    _submit(page, "Activate")
    page.get_by_role("heading", name="Recovery codes").wait_for()
    assert page.locator("#recovery_codes li").count() == 10
    page.get_by_role("link", name="Continue to Tandem").click()
    page.get_by_role("heading", name="Mentoren op Zuid", level=1).wait_for()  # home: the only programme
    page.goto("/o/zuid/p/moz/people/")
    page.get_by_role("heading", name="People", exact=False).first.wait_for()
    assert "/2fa/" not in page.url

    # 3. Log out and in again: password, then the code.
    _log_out(page)
    _password_step(page)
    page.get_by_role("heading", name="Second step: your code").wait_for()
    page.get_by_label("Code from the app, or a recovery code").fill(fresh_code(secret))
    _submit(page, "Log in")
    page.get_by_role("heading", name="Mentoren op Zuid", level=1).wait_for()  # home: the only programme

    # 4. Five wrong codes lock the second step: the right code is refused afterwards.
    _log_out(page)
    _password_step(page)
    page.get_by_role("heading", name="Second step: your code").wait_for()
    valid = {totp_code(secret, step=s) for s in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    for _attempt in range(5):
        page.get_by_label("Code from the app, or a recovery code").fill(wrong)
        _submit(page, "Log in")
        page.get_by_text("Incorrect code.").wait_for()
    page.get_by_label("Code from the app, or a recovery code").fill(fresh_code(secret))
    _submit(page, "Log in")
    page.get_by_text("Too many failed login attempts").wait_for()
    page.goto("/account/")  # not logged in: sent back to the unfinished second step
    page.get_by_role("heading", name="Second step: your code").wait_for()
    assert page.url.endswith("/accounts/2fa/authenticate/")
