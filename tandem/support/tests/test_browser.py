"""End-to-end in Chromium.

(a) On a 390 px phone, in French: a guardian raises a safeguarding concern; the safeguarding lead
triages it and pauses the pair; a coordinator who is not a lead cannot read it; once resolved,
the pair leaves the risk list.
(b) In German: the coordinator plans an exchange meeting, the mentor accepts, attendance is
ticked, and the volunteer's record shows the meeting and its hours.
(c) In German, on a phone: a double click on Save moves a concern once; a second coordinator who
chose the same step meanwhile is told who moved it, keeps the note and saves it with the next step.
(d) In German, on a phone: a 1,000-character note, double-clicked, is one step that shows it whole."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD, World
from tandem.core.models import User
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.support.models import (
    Concern,
    ConcernStep,
    ExchangeInvitation,
    ExchangeMeeting,
    MatchPause,
)
from tandem.support.tests.factories import concern, make_lead, pair

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
SECRET = "Il a peur de rentrer chez lui le mardi."


@pytest.fixture
def device(chromium: Any, live_server: Any) -> Iterator[Any]:
    contexts = []

    def open_device(locale: str, viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_device
    for context in contexts:
        context.close()


def _tap(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _fits(page: Any) -> None:
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide on a phone"
    assert not result["problems"], f"{page.url}: {result['problems']}"


def test_a_guardian_raises_a_safeguarding_concern_in_french(world: World, device: Any) -> None:
    match = pair(world, weeks=1)  # a healthy pair: only the concern puts it on the risk list
    make_lead(world)
    User.objects.update(language="fr")
    base = "/o/zuid/p/moz/support/"

    guardian = device("fr-FR")
    browser_log_in(guardian, world.users["guardian"].email, PASSWORD)
    guardian.goto(base + "mine/")
    assert guardian.locator("h1").inner_text() == "Soutien et questions"
    _tap(guardian, "#raise")
    _fits(guardian)
    guardian.locator("input[name=kind][value=safeguarding]").check()
    guardian.locator("#id_description").fill(SECRET)
    _tap(guardian, "#send-concern")
    assert "Inquiétude pour la sécurité ou le bien-être de quelqu’un" in guardian.locator("#my-concerns").inner_text()
    assert "Signalé" in guardian.locator("#my-concerns").inner_text()
    _fits(guardian)
    item = Concern.objects.get(kind="safeguarding")

    lead = device("fr-FR")
    browser_log_in(lead, world.users["coordinator"].email, PASSWORD)
    lead.goto(base + "attention/")
    assert lead.locator(f'tr[data-match="{match.pk}"] [data-risk="concern"]').count() == 1
    lead.goto(base + "concerns/")
    _tap(lead, f'a[href="{base}concerns/{item.pk}/"]')
    assert SECRET in lead.locator("#description").inner_text()
    _fits(lead)
    lead.locator("input[name=to_state][value=triaged]").check()
    lead.locator("#id_what").fill("Appel à la mère, rendez-vous avec l'école demain.")
    _tap(lead, "#move")
    _tap(lead, "#pause-match")
    assert lead.locator("#paused").is_visible()
    assert MatchPause.objects.filter(match=match, lifted_at__isnull=True).exists()

    other = device("fr-FR")
    browser_log_in(other, world.users["org_admin"].email, PASSWORD)
    response = other.goto(f"{base}concerns/{item.pk}/")
    assert response.status == 403 and SECRET not in other.content()
    other.goto(f"/o/zuid/p/moz/matches/{match.pk}/support/")
    assert other.locator("#hidden-concerns").is_visible() and SECRET not in other.content()
    other.goto(base + "concerns/")
    assert f"concerns/{item.pk}/" not in other.content()

    lead.goto(f"{base}concerns/{item.pk}/")
    lead.locator("input[name=to_state][value=resolved]").check()
    lead.locator("#id_what").fill("Situation clarifiée avec la famille et l'école.")
    _tap(lead, "#move")
    lead.goto(base + "attention/")
    assert lead.locator(f'tr[data-match="{match.pk}"]').count() == 0


def test_the_vera_coordinator_plans_an_exchange_meeting_in_german(world: World, device: Any) -> None:
    pair(world, weeks=4)
    User.objects.update(language="de")
    base = "/o/zuid/p/moz/support/"
    coordinator = device("de-DE", DESK)
    browser_log_in(coordinator, world.users["coordinator"].email, PASSWORD)
    coordinator.goto(base + "exchange/")
    assert coordinator.locator("#h-exchange-new").inner_text() == "Austauschtreffen planen"
    coordinator.locator("#id_kind").select_option("exchange")
    coordinator.locator("#id_topic").fill("Konflikte im Betrieb ansprechen")
    when = timezone.localtime() + timedelta(days=7)
    coordinator.locator("#id_starts_at").fill(when.strftime("%Y-%m-%dT19:00"))
    coordinator.locator("#id_place").fill("IHK Köln, Raum 2")
    _tap(coordinator, "#plan-exchange")
    meeting = ExchangeMeeting.objects.get()
    coordinator.locator(f"#invite-form input[value='{world.people['mentor'].pk}']").check()
    _tap(coordinator, "#send-invitations")
    assert "keine Antwort" in coordinator.locator("#invited").inner_text()

    mentor = device("de-DE")
    browser_log_in(mentor, world.users["mentor"].email, PASSWORD)
    mentor.goto(base + "mine/")
    _tap(mentor, f'a[href="{base}exchange/{meeting.pk}/"]')
    _fits(mentor)
    _tap(mentor, "#answer-yes")
    assert mentor.locator("#my-answer").inner_text() == "Zusage"
    assert ExchangeInvitation.objects.get().answer == "yes"

    # The evening comes: the meeting has started, the coordinator ticks who came.
    ExchangeMeeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    coordinator.goto(f"{base}exchange/{meeting.pk}/")
    coordinator.locator("#attendance-form input[name=attended]").check()
    _tap(coordinator, "#save-attendance")
    assert ExchangeInvitation.objects.get().attended

    volunteer = world.people["mentor"].volunteering.get()
    coordinator.goto(f"/o/zuid/p/moz/volunteers/{volunteer.pk}/")
    record = coordinator.locator("#person-exchanges").inner_text()
    assert "Konflikte im Betrieb ansprechen" in record and "1,5 Stunden" in record


def test_the_reason_and_state_filters_fit_a_french_phone(world: World, device: Any) -> None:
    """"Appréciations différentes du mentor et du jeune (2)" sat in the label column of the phone's
    filter grid, which grew as wide as that link: the risk list ran 52 px past a 390 px screen."""
    pair(world, weeks=1)
    make_lead(world)
    User.objects.update(language="fr")
    base = "/o/zuid/p/moz/support/"
    coordinator = device("fr-FR")
    browser_log_in(coordinator, world.users["coordinator"].email, PASSWORD)
    for path in ("attention/", "attention/?reason=rating_gap", "concerns/"):
        coordinator.goto(base + path)
        assert coordinator.locator("nav.filters").is_visible()
        _fits(coordinator)
    coordinator.goto("/account/")  # the log-in history: a table.list, one card per log-in
    _fits(coordinator)


def test_a_double_click_moves_a_concern_once_and_a_second_coordinator_is_told_in_german(
        world: World, device: Any) -> None:
    item = concern(world, match=pair(world, weeks=1))
    User.objects.update(language="de")
    url = f"/o/zuid/p/moz/support/concerns/{item.pk}/"
    mine, theirs = device("de-DE"), device("de-DE", DESK)
    browser_log_in(mine, world.users["coordinator"].email, PASSWORD)
    browser_log_in(theirs, world.users["org_admin"].email, PASSWORD)
    mine.goto(url)
    theirs.goto(url)

    mine.locator("input[name=to_state][value=triaged]").check()
    mine.locator("#id_what").fill("Mit der Mutter telefoniert.")
    mine.locator("#move").dblclick()
    mine.wait_for_load_state("networkidle")
    assert mine.locator("#h-concern").inner_text() == "Eingeschätzt"
    assert mine.locator(".errors, .conflict").count() == 0
    assert ConcernStep.objects.filter(concern=item).count() == 1

    theirs.locator("input[name=to_state][value=triaged]").check()
    theirs.locator("#id_what").fill("Mit der Schule gesprochen.")
    _tap(theirs, "#move")
    told = theirs.locator("#move-form .errors").inner_text()
    assert f"{world.users['coordinator'].full_name} hat diese Meldung auf „Eingeschätzt“ gesetzt" in told
    assert theirs.locator("#id_what").input_value() == "Mit der Schule gesprochen."
    assert theirs.locator("input[name=to_state][value=triaged]").count() == 0  # not offered again
    _fits(theirs)
    # In the narrow side card of a laptop's page the table of both versions stays inside its
    # notice (side by side, three columns of long German words ran past the card's edge).
    box, table = (theirs.locator(".conflict").bounding_box(), theirs.locator(".conflict table").bounding_box())
    assert table["x"] + table["width"] <= box["x"] + box["width"] + 0.5, (table, box)
    assert ConcernStep.objects.filter(concern=item).count() == 1

    theirs.locator("input[name=to_state][value=action]").check()
    _tap(theirs, "#move")
    assert theirs.locator("#h-concern").inner_text() == "Maßnahme läuft"
    last = ConcernStep.objects.filter(concern=item).order_by("-at", "-pk").first()
    assert last is not None and last.actor == world.users["org_admin"]
    assert last.reason == "Mit der Schule gesprochen."


LONG_NOTE = " ".join(f"Gespräch {i} mit der Mutter, der Mentorin und der Klassenlehrerin geführt." for i in range(1, 20))
LONG_NOTE = (LONG_NOTE[:990] + " ENDE.").strip()


def test_a_long_note_double_clicked_is_one_step_shown_whole_on_a_german_phone(
        world: World, device: Any) -> None:
    """The step kept 300 of the 4,000 characters the form takes, and the second click of a double
    click read as a conflict with oneself. Now: one step, the whole note on it and on the page."""
    item = concern(world, match=pair(world, weeks=1))
    User.objects.update(language="de")
    page = device("de-DE")
    browser_log_in(page, world.users["coordinator"].email, PASSWORD)
    page.goto(f"/o/zuid/p/moz/support/concerns/{item.pk}/")
    page.locator("input[name=to_state][value=triaged]").check()
    page.locator("#id_what").fill(LONG_NOTE)
    page.locator("#move").dblclick()
    page.wait_for_load_state("networkidle")
    assert page.locator("#h-concern").inner_text() == "Eingeschätzt"
    assert page.locator(".errors, .conflict").count() == 0
    [step] = ConcernStep.objects.filter(concern=item)
    assert step.reason == LONG_NOTE and len(LONG_NOTE) > 900
    assert "ENDE." in page.locator("#steps").inner_text()
    _fits(page)


@pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["390", "1280"])
def test_a_resolved_concern_reads_its_outcome_once_and_reopens_behind_a_summary(
        world: World, device: Any, viewport: dict[str, int]) -> None:
    """In German: the resolving note is read once (under "Was getan wurde", not again as the
    step); reopening is folded away, asks why, and without a reason says so with the box open."""
    item = concern(world)
    User.objects.update(language="de")
    lead = device("de-DE", viewport)
    browser_log_in(lead, world.users["coordinator"].email, PASSWORD)
    url = f"/o/zuid/p/moz/support/concerns/{item.pk}/"
    lead.goto(url)
    lead.locator("input[name=to_state][value=resolved]").check()
    lead.locator("#id_what").fill("Planung gemeinsam geklärt.")
    _tap(lead, "#move")
    body = lead.locator("main").inner_text()
    assert body.count("Planung gemeinsam geklärt.") == 1
    assert not lead.locator("#id_what").is_visible()  # folded: a secondary action
    assert lead.locator("input[name=to_state][type=radio]").count() == 0
    lead.locator("#reopen summary").click()
    assert lead.locator("#id_what").is_visible() and "Warum öffnest du die Meldung wieder?" in lead.content()
    _fits(lead)
    _tap(lead, "#move")
    assert lead.locator("#id_what").is_visible()  # still open, with the error
    assert "Sage, warum du die Meldung wieder öffnest." in lead.locator("#reopen").inner_text()
    item.refresh_from_db()
    assert item.state == "resolved"
