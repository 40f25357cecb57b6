"""Accessibility (WCAG 2.1 AA, as the EU Web Accessibility Directive asks of our funders): every
demo persona's most used pages pass axe-core's WCAG 2.0/2.1 level A and AA rules, on a phone
(390 px, menu opened) and on a laptop (1280 px) in their own language, and on the phone in
a second language (English, German or French). About 40 pages, 120 checks.

axe-core is Deque's engine, bundled by the `axe-playwright-python` test dependency (no download
at test time). A violation of impact "serious" or "critical" fails the test; every one found is
printed with its page, width, language, rule, target and help text. No rule is switched off.

axe cannot judge everything: the second test checks what it leaves out and WCAG 2.1 AA still
asks — a focus ring that can be seen (2.4.7, and 3:1 against what is around it, 1.4.11) and
form-field borders of 3:1 (1.4.11)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import PASSWORD, World
from tandem.core import demo
from tandem.core.models import Membership, Programme, Role
from tandem.core.testing import browser_log_in
from tandem.journal.models import Meeting
from tandem.matching.models import Match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
PROGRAMME = "mentoren-op-zuid"  # Dutch by default; the walk adds English, German and French
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
FAILING_IMPACTS = {"serious", "critical"}


@dataclass
class Audit:
    axe: Any
    problems: list[str] = field(default_factory=list)
    checked: int = 0

    def run(self, page: Any, where: str) -> None:
        """axe on the page as it is now, with closed <details> opened (their contents count too)."""
        page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
        self.checked += 1
        for violation in self.axe.run(page, options=AXE_OPTIONS).response["violations"]:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            for node in violation["nodes"]:
                self.problems.append(
                    f"{where}: [{violation['impact']}] {violation['id']} at "
                    f"{' '.join(node['target'])}: {violation['help']} ({violation['helpUrl']})\n"
                    f"      {node['html'][:160]}"
                )

    def page(self, page: Any, url: str, where: str, *, submit_empty: bool = False,
             laptop: bool = True) -> None:
        """One page on a phone (menu opened) and, with laptop, on a laptop; with submit_empty,
        its main form is sent empty first so the errors are on screen (the browser's own
        required-field bubbles are switched off)."""
        page.set_viewport_size(LAPTOP if laptop else PHONE)
        response = page.goto(url)
        assert response is not None and response.status == 200, f"{url}: {response and response.status}"
        if submit_empty:
            form = page.locator("main form[method=post]").last
            form.evaluate("f => { f.noValidate = true; }")
            with page.expect_navigation():
                form.locator("button[type=submit]").last.click()
            assert page.locator("main .errorlist, main .errors").count(), f"{url}: no errors shown"
            where += " (errors shown)"
        if laptop:
            self.run(page, f"{where} @1280")
            page.set_viewport_size(PHONE)
        if page.locator(".menu-button").is_visible():
            page.locator(".menu-button").click()  # the folded menu is checked too
        self.run(page, f"{where} @390")


@pytest.fixture
def programme(db: Any, settings: Any, monkeypatch: Any) -> Iterator[Programme]:
    # One demo programme (every app's part of it) keeps the seeding to a few seconds.
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    monkeypatch.setattr(demo, "SPECS", [s for s in demo.SPECS if s.slug == PROGRAMME])
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    yield Programme.objects.select_related("organisation").get(slug=PROGRAMME)


def _switch_language(page: Any, language: str) -> None:
    page.set_viewport_size(LAPTOP)
    with page.expect_navigation():
        page.locator("#language-select").select_option(language)
    assert page.locator("html").get_attribute("lang") == language


def _walk(chromium: Any, base_url: str, audit: Audit, email: str | None, languages: list[str],
          pages: list[tuple[str, str, bool]]) -> None:
    context = chromium.new_context(base_url=base_url, viewport=LAPTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    who = email.split("@")[0] if email else "visitor"
    if email:
        browser_log_in(page, email, demo.DEMO_PASSWORD)
    for n, language in enumerate(languages):
        if email:
            _switch_language(page, language)
        for url, name, submit_empty in pages:
            # The persona's own language at both widths; another on the phone, where longer words
            # are likelier to collide (and which keeps the walk short).
            audit.page(page, url, f"{who} [{language}] {name}", submit_empty=submit_empty,
                       laptop=n == 0)
    context.close()


def test_every_persona_s_main_pages_pass_axe_wcag_2_1_aa(chromium: Any, live_server: Any,
                                                          programme: Programme) -> None:
    from axe_playwright_python.sync_playwright import Axe

    audit = Audit(axe=Axe())
    org, prog = programme.organisation.slug, programme.slug

    def url(name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"org": org, "prog": prog, **kwargs})

    def email(role: str) -> str:
        return demo.role_email(role, prog)

    match = Match.objects.filter(programme=programme,
                                 learner__person__user__email=email("learner")).first()
    assert match is not None
    meeting = Meeting.objects.filter(match=match).order_by("pk").first()
    school = Membership.objects.get(programme=programme, role=Role.SUPERVISOR,
                                    person__user__email=email("supervisor")).institution_id
    supervised = Match.objects.filter(programme=programme, learner__institution_id=school).first()
    assert meeting is not None and supervised is not None
    learner_pk = match.learner_id
    volunteer_pk = match.volunteer_id
    coordinator = [
        (url("core:programme"), "overview", False),
        (url("intake:learners"), "learners", False),
        (url("intake:learner", pk=learner_pk), "learner", False),
        (url("onboarding:board"), "volunteers", False),
        (url("onboarding:volunteer", pk=volunteer_pk), "volunteer", False),
        (url("matching:matches"), "matches", False),
        (url("matching:match", pk=match.pk), "match", False),
        (url("core:person_create"), "new person", True),
        (url("journal:overview"), "journals", False),
        (url("journal:pair", pk=match.pk), "journal", False),
        (url("support:overview"), "support", False),
        (url("expenses:review"), "expenses to review", False),
        (url("outcomes:dashboard"), "results", False),
    ]
    mentor = [
        (url("core:programme"), "overview", False),
        (url("matching:match", pk=match.pk), "match", False),
        (url("journal:pair", pk=match.pk), "journal", False),
        (url("journal:meeting", pk=match.pk, meeting=meeting.pk), "meeting", False),
        (url("expenses:mine"), "expenses", False),
        (url("expenses:claim_new"), "new claim", True),
    ]
    learner = [
        (url("core:programme"), "overview", False),
        (url("matching:matches"), "matches", False),
        (url("journal:pair", pk=match.pk), "journal", False),
        (url("support:mine"), "support", False),
        (url("support:raise"), "raise a concern", True),
    ]
    guardian = [
        (url("core:programme"), "overview", False),
        (url("matching:match", pk=match.pk), "match", False),
        (url("journal:pair", pk=match.pk), "journal", False),
    ]
    supervisor = [
        (url("core:programme"), "overview", False),
        (url("journal:overview"), "journals", False),
        (url("journal:pair", pk=supervised.pk), "journal", False),
        (url("support:risks"), "attention", False),
    ]
    observer = [
        (reverse("core:home"), "home", False),
        (url("core:programme"), "overview", False),
        (url("outcomes:dashboard"), "results", False),
    ]
    admin = [
        (reverse("core:home"), "home", False),
        (reverse("core:organisation", kwargs={"org": org}), "organisation", False),
        (reverse("outcomes:organisation", kwargs={"org": org}), "results", False),
        (reverse("core:programme_create", kwargs={"org": org}), "new programme", True),
    ]
    base = live_server.url
    _walk(chromium, base, audit, None, ["en"], [("/accounts/login/", "log in", True)])
    _walk(chromium, base, audit, email("coordinator"), ["nl", "en"], coordinator)
    _walk(chromium, base, audit, email("mentor"), ["nl", "de"], mentor)
    _walk(chromium, base, audit, email("learner"), ["nl", "fr"], learner)
    _walk(chromium, base, audit, email("guardian"), ["nl", "de"], guardian)
    _walk(chromium, base, audit, email("supervisor"), ["nl", "en"], supervisor)
    _walk(chromium, base, audit, email("observer"), ["nl", "fr"], observer)
    _walk(chromium, base, audit, demo.admin_email(org), ["nl", "en"], admin)
    assert audit.checked > 100, audit.checked
    assert not audit.problems, (
        f"{len(audit.problems)} accessibility violations (WCAG 2.1 AA, axe-core):\n  "
        + "\n  ".join(audit.problems)
    )


# What axe leaves out. Tabbing through the page, every focused control shows an outline of at
# least 2 px whose colour has 3:1 against the background around it (WCAG 2.4.7 and 1.4.11), and
# every text field's and list's border has 3:1 against its background (1.4.11).
CONTRAST = """
const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
const luminance = c => {
  const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
    .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
};
const backgroundOf = el => {
  for (let e = el; e; e = e.parentElement) {
    const c = getComputedStyle(e).backgroundColor, a = rgb(c);
    if (a.length < 4 || a[3] > 0) return c;
  }
  return "rgb(255, 255, 255)";
};
const describe = el => `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}> ${(el.name || el.textContent || "").replace(/\\s+/g, " ").trim().slice(0, 30)}`;
"""
FOCUSED = "() => {" + CONTRAST + """
  const el = document.activeElement;
  // (Leaving Chromium's date field, focus passes through a moment where it is on no part of it.)
  if (!el || el === document.body || !el.matches(":focus")) return null;
  const s = getComputedStyle(el);
  const width = s.outlineStyle === "none" ? 0 : parseFloat(s.outlineWidth);
  const around = backgroundOf(el.parentElement);
  return {what: describe(el), width, contrast: width ? ratio(s.outlineColor, around) : 0};
}"""
BORDERS = "() => {" + CONTRAST + """
  const problems = [];
  for (const el of document.querySelectorAll("input:not([type=hidden],[type=checkbox],[type=radio],[type=submit]), select, textarea")) {
    if (!el.offsetParent) continue;
    const s = getComputedStyle(el);
    const contrast = Math.max(ratio(s.borderTopColor, backgroundOf(el.parentElement)), ratio(s.borderTopColor, backgroundOf(el)));
    if (parseFloat(s.borderTopWidth) < 1 || contrast < 3) problems.push(`${describe(el)}: border ${s.borderTopColor} has ${contrast.toFixed(2)}:1`);
  }
  return problems;
}"""


def _tab_through(page: Any, presses: int) -> list[str]:
    problems = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and (focused["width"] < 2 or focused["contrast"] < 3):
            problems.append(f"{focused['what']}: outline {focused['width']}px at {focused['contrast']:.2f}:1")
    return problems


def test_the_focus_ring_and_field_borders_can_be_seen(chromium: Any, live_server: Any,
                                                     world: World) -> None:
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP)
    page = context.new_page()
    page.goto("/accounts/login/")
    problems = [f"log in: {p}" for p in _tab_through(page, 8) + page.evaluate(BORDERS)]
    browser_log_in(page, world.users["coordinator"].email, PASSWORD)
    for url in (reverse("core:programme", kwargs={"org": "zuid", "prog": "moz"}),
                reverse("core:person_create", kwargs={"org": "zuid", "prog": "moz"})):
        for viewport in (LAPTOP, PHONE):
            page.set_viewport_size(viewport)
            page.goto(url)
            problems += [f"{url} @{viewport['width']}: {p}"
                         for p in _tab_through(page, 25) + page.evaluate(BORDERS)]
    context.close()
    assert not problems, "\n".join(problems)
