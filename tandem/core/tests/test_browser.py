"""End-to-end: a real Chromium clicking through the journeys people take."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tandem.core import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page: Any, email: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_demo_coordinator_logs_in_switches_to_dutch_and_opens_a_programme(
    page: Any, settings: Any
) -> None:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    demo.seed(seed=42, scale=1)
    _log_in(page, demo.MAIN_COORDINATOR, demo.DEMO_PASSWORD)
    page.get_by_role("heading", name="Your programmes").wait_for()

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("heading", name="Jouw programma’s").wait_for()
    assert page.locator("html").get_attribute("lang") == "nl"

    page.get_by_role("link", name="Mentoren op Zuid").click()
    page.get_by_role("heading", name="Mentoren op Zuid", level=1).wait_for()
    assert page.get_by_role("heading", name="Mensen in dit programma").is_visible()

    # Live search on the people page (htmx swaps only the results).
    page.get_by_role("link", name="Mensen", exact=True).click()
    rows_before = page.locator("#results tbody tr").count()
    page.get_by_label("Zoeken").fill("Peeters")
    page.wait_for_url(re.compile(r"q=Peeters"))
    page.wait_for_function(
        "n => document.querySelectorAll('#results tbody tr').length < n", arg=rows_before
    )
    assert page.locator("#results").get_by_role("link", name="Dana Peeters").is_visible()


def test_pages_fit_a_phone_screen(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    demo.seed(seed=42, scale=1)
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    page = context.new_page()
    _log_in(page, demo.MAIN_COORDINATOR, demo.DEMO_PASSWORD)
    page.get_by_role("link", name="AFEV – Accompagnement des apprentis").click()
    page.get_by_role("heading", level=1).wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page is {width}px wide on a 375px phone"
    # Keyboard: the first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    context.close()
