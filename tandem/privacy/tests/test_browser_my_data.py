"""A parent on a phone opens "Your data" in Dutch: whom to write to for a correction or an erasure
is there, every e-mail address wraps inside the screen, and nothing on the page is wider than it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import PASSWORD, World
from tandem.core.models import User
from tandem.core.testing import browser_log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_parent_on_a_phone_finds_whom_to_write_to(world: World, chromium: Any, live_server: Any) -> None:
    User.objects.filter(pk=world.users["guardian"].pk).update(language="nl")
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844},
                                   locale="nl")
    context.set_default_timeout(15_000)
    page = context.new_page()
    browser_log_in(page, world.users["guardian"].email, PASSWORD)
    page.goto("/account/data/")
    heading = page.locator("#correct-or-erase")
    assert heading.inner_text() == "Klopt er iets niet, of wil je dat het gewist wordt?"
    link = page.locator(f"a[href^='mailto:{world.people['coordinator'].email}']")
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    context.close()
