"""On a phone (390 px wide), in Chromium: every page of the main journeys fits the screen — no
horizontal scrolling, and no word broken inside itself because its box was too narrow (the
"Ehrenamtli-che" and letter-by-letter names of narrow table cells). On a laptop (1366 px) the
German menu shows every item. The menu folds behind a button on the phone.

The coordinator's pages are checked in German and Dutch (the longest words) on the demo data; the
learner's and the guardian's match page too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from conftest import PASSWORD, World
from tandem.core import demo
from tandem.core.models import Person, Programme
from tandem.core.testing import browser_log_in
from tandem.intake.models import Learner
from tandem.matching.models import Match, MatchingRound
from tandem.onboarding.models import Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
PROGRAMME = "mentoren-op-zuid"

# Every word (split at hyphens, dashes and slashes, where a line may break) must sit on one line
# and inside the screen; no box may scroll sideways. Hyphenation is switched off first: a
# dictionary-hyphenated word is fine typography, but it would hide a box that is too narrow.
# Closed <details> are opened, so explanations and alternatives are checked too. E-mail addresses
# and other codes marked .breakable may break anywhere.
CHECK = """() => {
  const style = document.createElement("style");
  style.textContent = "* { hyphens: manual !important; -webkit-hyphens: manual !important; }";
  document.head.append(style);
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const problems = [];
  const hidden = el => {
    for (let e = el; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e), r = e.getBoundingClientRect();
      if (s.display === "none" || s.visibility === "hidden" || (r.width <= 1 && r.height <= 1)) return true;
    }
    return false;
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node; (node = walker.nextNode());) {
    const el = node.parentElement;
    if (!el || el.closest(".breakable, script, style, select, option, textarea") || hidden(el)) continue;
    for (const m of node.textContent.matchAll(/[^\\s\\-–—\\/]+[\\-–—\\/]*/g)) {
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const rects = [...range.getClientRects()].filter(r => r.width > 0);
      if (!rects.length) continue;
      if (new Set(rects.map(r => Math.round(r.top))).size > 1) problems.push(`"${m[0]}" is split across lines`);
      if (Math.max(...rects.map(r => r.right)) > innerWidth + 1) problems.push(`"${m[0]}" is off the screen`);
    }
  }
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest(".breakable, select, input, textarea") || hidden(el)) continue;
    const s = getComputedStyle(el);
    if (["auto", "scroll", "hidden"].includes(s.overflowX) && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
      problems.push(`<${el.tagName.toLowerCase()} class="${el.className}"> scrolls sideways`);
  }
  return {width: document.scrollingElement.scrollWidth, viewport: innerWidth, problems: problems.slice(0, 10)};
}"""


@pytest.fixture
def demo_data(db: Any, settings: Any) -> Iterator[Programme]:
    # The whole demo, every app's part of it: volunteers, learners, a reviewed round, matches.
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    yield Programme.objects.get(slug=PROGRAMME)


def _log_in(page: Any, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    browser_log_in(page, email, password)


def _switch_language(page: Any, language: str) -> None:
    if page.locator(".menu-button").is_visible():
        page.locator(".menu-button").click()
    with page.expect_navigation():
        page.locator("#language-select").select_option(language)


def _assert_fits(page: Any, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{url} is {result['width']}px wide on a {result['viewport']}px phone"
    assert not result["problems"], f"{url}: {result['problems']}"


def _kw(programme: Programme, **extra: Any) -> dict[str, Any]:
    return {"org": programme.organisation.slug, "prog": programme.slug, **extra}


def _coordinator_pages(programme: Programme) -> list[str]:
    matching_round = MatchingRound.objects.filter(programme=programme, status="done").latest("created")
    match = Match.objects.filter(programme=programme, state="introduced").first()
    learner = Learner.objects.filter(programme=programme).first()
    volunteer = Volunteer.objects.filter(programme=programme).first()
    person = Person.objects.filter(memberships__programme=programme).first()
    assert match and learner and volunteer and person
    return [reverse(name, kwargs=_kw(programme, **extra)) for name, extra in [
        ("core:programme", {}), ("core:people", {}), ("core:person", {"pk": person.pk}),
        ("onboarding:board", {}), ("onboarding:volunteer", {"pk": volunteer.pk}), ("onboarding:workshops", {}),
        ("intake:learners", {}), ("intake:learner", {"pk": learner.pk}), ("intake:referrals", {}),
        ("intake:waiting_list", {}), ("matching:home", {}), ("matching:round", {"pk": matching_round.pk}),
        ("matching:matches", {}), ("matching:conflicts", {}), ("matching:match", {"pk": match.pk}),
        ("matching:report", {}), ("core:invitations", {}), ("core:partners", {}), ("core:audit", {}),
    ]] + [reverse("core:account")]


@pytest.mark.parametrize("language", ["de", "nl"])
def test_every_coordinator_page_fits_a_phone(chromium: Any, live_server: Any, demo_data: Programme,
                                             language: str) -> None:
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    _log_in(page, demo.MAIN_COORDINATOR)
    _switch_language(page, language)
    for url in _coordinator_pages(demo_data):
        _assert_fits(page, url)
    context.close()


def test_the_learner_and_the_guardian_read_their_match_page_on_a_phone(
        chromium: Any, live_server: Any, demo_data: Programme) -> None:
    match = Match.objects.filter(programme=demo_data,
                                 learner__person__user__email=demo.role_email("learner", PROGRAMME)).first()
    assert match is not None
    for role in ("learner", "guardian"):
        context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        _log_in(page, demo.role_email(role, PROGRAMME))
        _switch_language(page, "de")
        _assert_fits(page, reverse("core:programme", kwargs=_kw(demo_data)))
        _assert_fits(page, reverse("matching:matches", kwargs=_kw(demo_data)))
        _assert_fits(page, reverse("matching:answer", kwargs=_kw(demo_data, pk=match.pk)))
        _assert_fits(page, reverse("matching:match", kwargs=_kw(demo_data, pk=match.pk)))
        assert page.locator("#friendly-match").is_visible() and page.locator("#when-where").is_visible()
        assert "Punkte" not in page.content() and "harte Grenze" not in page.content()
        _assert_fits(page, reverse("core:calendar"))
        with page.expect_navigation():
            page.locator("#calendar-renew").click()  # the new link (one long word) is shown once
        assert page.locator("#calendar-url").is_visible()
        result = page.evaluate(CHECK)
        assert result["width"] <= result["viewport"] and not result["problems"], result
        context.close()


def test_the_menu_folds_behind_a_button_on_a_phone_and_shows_whole_in_german_on_a_laptop(
        chromium: Any, live_server: Any, world: World) -> None:
    context = chromium.new_context(base_url=live_server.url, viewport=LAPTOP)
    page = context.new_page()
    _log_in(page, world.users["coordinator"].email, PASSWORD)
    _switch_language(page, "de")
    page.goto(reverse("core:programme", kwargs={"org": "zuid", "prog": "moz"}))
    assert page.locator(".menu-button").is_hidden()
    nav = page.locator("#programme-menu")
    assert nav.evaluate("n => n.scrollWidth <= n.clientWidth")
    links = nav.locator("a")
    assert links.count() >= 10
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"], links.nth(i).inner_text()
    assert page.get_by_role("link", name="Einstellungen").is_visible()

    page.set_viewport_size(PHONE)
    button = page.locator(".menu-button")
    assert button.is_visible() and nav.is_hidden() and button.get_attribute("aria-expanded") == "false"
    button.click()
    assert nav.is_visible() and button.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="Personen", exact=True).click()
    page.get_by_role("heading", name="Personen", level=1).wait_for()
    assert page.locator("#programme-menu").is_hidden()  # a new page starts folded
    page.locator(".menu-button").click()
    page.keyboard.press("Escape")
    assert page.locator("#programme-menu").is_hidden()
    context.close()


def test_why_a_pair_fits_stays_inside_its_card_on_a_phone(chromium: Any, live_server: Any,
                                                          demo_data: Programme) -> None:
    # A VerA pair free on Thursday afternoons: "beide frei: Donnerstagnachmittag" beside its
    # criterion and points was wider than the card, and pushed the points off the screen.
    vera = Programme.objects.get(slug="vera")
    match = Match.objects.filter(programme=vera).exclude(items=[]).first()
    assert match is not None
    match.items = [
        {"criterion": "distance", "points": 28.37, "text": "1.4 km apart", "params": {"km": 1.4}},
        {"criterion": "language", "points": 10.0, "text": "both speak Arabic and German",
         "params": {"languages": "Arabic and German", "codes": ["ar", "de"]}},
        {"criterion": "expertise", "points": 0.0, "text": "no matching field", "params": {"fields": []}},
        {"criterion": "availability", "points": 5.0, "text": "Thu afternoon free",
         "params": {"slots": "Thu afternoon", "mask": 1024}},
    ]
    match.save(update_fields=["items"])
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    _log_in(page, demo.MAIN_COORDINATOR)
    _switch_language(page, "de")
    _assert_fits(page, reverse("matching:match", kwargs=_kw(vera, pk=match.pk)))
    assert "Donnerstagnachmittag" in page.locator("table.explanation").inner_text()
    context.close()


@pytest.mark.parametrize(("slug", "language"), [("community-builders", "de"), ("rolmodel-mentoring", "nl")])
def test_a_profile_in_a_third_of_a_laptop_keeps_each_word_whole(chromium: Any, live_server: Any,
                                                                 demo_data: Programme, slug: str,
                                                                 language: str) -> None:
    # The learner's profile card is a third of the page at 1280 px: its labels beside the values
    # left ~150 px, and "Zugehörigkeitsgefühl", "Ingenieurwissenschaften" and
    # "Loopbaanoriëntatie" broke inside. A narrow card now puts each label above its value.
    programme = Programme.objects.get(slug=slug)
    learners = Learner.objects.filter(programme=programme).exclude(reasons=[]).order_by("pk")[:5]
    volunteer = Volunteer.objects.filter(programme=programme).first()
    assert learners and volunteer
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, demo.MAIN_COORDINATOR)
    _switch_language(page, language)
    for learner in learners:
        _assert_fits(page, reverse("intake:learner", kwargs=_kw(programme, pk=learner.pk)))
    _assert_fits(page, reverse("onboarding:volunteer", kwargs=_kw(programme, pk=volunteer.pk)))
    context.close()


def test_a_rounds_proposals_fit_their_card_on_a_laptop_in_german(chromium: Any, live_server: Any,
                                                                  demo_data: Programme) -> None:
    # "Ablehnen Interessenkonflikt …" side by side in the last column pushed the proposals table
    # 22 px past its card at 1280 px: "Interessenkonflikt …" was cut at the card's edge.
    programme = Programme.objects.get(slug="community-builders")
    matching_round = MatchingRound.objects.filter(programme=programme, status="done").latest("created")
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _log_in(page, demo.MAIN_COORDINATOR)
    _switch_language(page, "de")
    page.goto(reverse("matching:round", kwargs=_kw(programme, pk=matching_round.pk)))
    assert page.locator("#proposals .conflict-link").count() > 0
    wrap = page.locator(".table-wrap:has(#proposals)")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
    context.close()
