"""End-to-end in Chromium: under the strict Content-Security-Policy (no inline script or style)
the main pages, their htmx live searches, the forms and the second-factor pages load without a
single violation."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from conftest import PASSWORD, make_member
from tandem.core import demo
from tandem.core.models import Organisation, Programme, Role
from tandem.core.testing import give_totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium reports every blocked inline script, style or handler as a `securitypolicyviolation`
# event (and a console error); both are collected before any page script runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watch:
    """Console errors and CSP violation events of one browser page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", lambda msg: self.console.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.console.append(str(error)))

    def assert_clean(self, where: str) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        csp_messages = [m for m in self.console if "Content Security Policy" in m]
        assert not violations and not csp_messages, (where, violations, csp_messages)
        assert not self.console, (where, self.console)

    def visit(self, url: str, heading_level: int = 1) -> None:
        self.page.goto(url)
        self.page.get_by_role("heading", level=heading_level).first.wait_for()
        self.assert_clean(url)


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()


def test_main_pages_and_live_searches_load_without_a_csp_violation(page: Any, settings: Any) -> None:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    demo.seed(seed=42, scale=1)
    watch = Watch(page)
    watch.visit(reverse("login"))
    assert "unsafe-inline" not in (page.request.get(reverse("login")).headers["content-security-policy"])

    _log_in(page, demo.MAIN_COORDINATOR, demo.DEMO_PASSWORD)
    page.get_by_role("heading", name="Your programmes").wait_for()
    watch.assert_clean("home")

    programme = Programme.objects.get(slug="mentoren-op-zuid")
    kwargs = {"org": programme.organisation.slug, "prog": programme.slug}
    for name in ("core:programme", "onboarding:board", "intake:learners", "matching:home",
                 "core:programme_edit", "intake:referral_create", "core:invitations"):
        watch.visit(reverse(name, kwargs=kwargs))
    watch.visit(reverse("onboarding:apply", kwargs=kwargs))

    # htmx live searches swap in results (and push the address) without inline styles.
    for name, query in (("core:people", "Peeters"), ("onboarding:board", "a")):
        watch.visit(reverse(name, kwargs=kwargs))
        with page.expect_response(lambda r: "q=" in r.url):
            page.get_by_label("Search").fill(query)
        page.wait_for_timeout(300)  # let htmx settle the swap
        watch.assert_clean(f"{name} live search")
    # htmx keeps no copy of the signed-in pages in localStorage.
    assert page.evaluate("window.localStorage.getItem('htmx-history-cache')") is None

    # The menu toggle and the language auto-submit are tandem.js, not inline handlers.
    watch.visit(reverse("core:programme", kwargs=kwargs))
    with page.expect_navigation():
        page.locator("#language-select").select_option("nl")
    page.get_by_role("heading", level=1).first.wait_for()
    watch.assert_clean("language switch")


def test_second_factor_set_up_and_log_in_load_without_a_csp_violation(page: Any) -> None:
    organisation = Organisation.objects.create(name="Mentoren Zuid", slug="zuid", country="NL")
    programme = Programme.objects.create(
        organisation=organisation, name="Mentoren op Zuid", slug="moz", country="NL"
    )
    email = "coordinator@zuid.example"
    user, _person = make_member(organisation, programme, Role.COORDINATOR, email)
    Authenticator.objects.filter(user=user).delete()
    watch = Watch(page)

    _log_in(page, email, PASSWORD)
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    assert qr.is_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")  # allowed by img-src data:
    assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 0
    watch.assert_clean("second-factor set-up")

    give_totp(user)
    page.context.clear_cookies()
    _log_in(page, email, PASSWORD)
    page.get_by_role("heading", name="Second step: your code").wait_for()
    watch.assert_clean("second-factor log-in")

    # The watch does see a violation: an injected inline script is refused and reported.
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.append(s);
    }""")
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran") is None
    assert any("script-src" in v for v in page.evaluate("window.__cspViolations"))
