"""End-to-end in Chromium on a 390 px phone, in Dutch, in Mentoren op Zuid: the mentor writes a
preparation, the teacher gives feedback on it, the mentor logs the held meeting with its goal in a
handful of taps (an interruption in the middle: the draft comes back), the teacher records the
intervision, and the pupil — who has no log-in — rates the meeting through their personal link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD, World
from tandem.core.models import User
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.core.tests.test_every_page_language import _rename
from tandem.core.tests.wording import Findings
from tandem.journal import services
from tandem.journal.models import Goal, Meeting, Note
from tandem.journal.tests.factories import category, persona_match

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(chromium: Any, live_server: Any) -> Iterator[Any]:
    """A new phone (browser context) per person, in Dutch."""
    contexts = []

    def open_phone(viewport: dict[str, int] = PHONE) -> Any:
        context = chromium.new_context(base_url=live_server.url, viewport=viewport, locale="nl-NL")
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def _tap(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def _double_tap(page: Any, selector: str, *, leaving: str) -> None:
    """Two quick taps on a submit button; wait until the browser has left the form for good."""
    page.locator(selector).first.dblclick()
    # Polls the address: the first tap's navigation may be aborted by the second's.
    expect(page).not_to_have_url(re.compile(re.escape(leaving)), timeout=15_000)
    page.wait_for_load_state("networkidle")


def _fits(page: Any) -> None:
    """No sideways scrolling and no word broken inside itself (core's phone check)."""
    result = page.evaluate(CHECK)
    assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide on a phone"
    assert not result["problems"], f"{page.url}: {result['problems']}"


def _in_language(page: Any, language: str) -> None:
    """Nothing on the page but the reader's language: no English text, code, field name or ISO date."""
    findings = Findings(language=language)
    findings.check(page.url, page.content())
    assert not findings.problems, "\n".join(findings.problems)


def test_preparation_feedback_log_intervision_and_the_pupils_face(world: World, phone: Any) -> None:
    match = persona_match(world)
    programme = world.programme
    programme.requirements = {**programme.requirements, "supervisor_feedback_per_session": True}
    programme.save()
    User.objects.update(language="nl")
    goal = services.goal_create(match=match, actor=world.users["mentor"], category=category(world),
                                description="Ik wil breuken snappen")
    soon = timezone.now() + timedelta(minutes=20)
    meeting = services.meeting_plan(match=match, actor=world.users["mentor"], starts_at=soon,
                                    place="De Globetrotter")
    pair_url = f"/o/zuid/p/moz/matches/{match.pk}/journal/"
    meeting_url = f"{pair_url}meetings/{meeting.pk}/"

    # The mentor writes the preparation, from the pair's page.
    mentor = phone()
    browser_log_in(mentor, world.users["mentor"].email, PASSWORD)
    mentor.goto(pair_url)
    assert mentor.locator("#h-next").inner_text() == "Volgende bijeenkomst"
    _fits(mentor)
    _tap(mentor, "#prepare")
    mentor.locator("#id_text").fill("We oefenen breuken met pizzapunten.")
    _tap(mentor, "#save-preparation")
    assert "We oefenen breuken met pizzapunten." in mentor.locator("#notes").inner_text()

    # The teacher reads it and gives feedback; the mentor will see it.
    teacher = phone()
    browser_log_in(teacher, world.users["supervisor"].email, PASSWORD)
    teacher.goto("/o/zuid/p/moz/journal/")
    assert teacher.locator("#pairs").get_by_text("1 voorbereiding").is_visible()
    _fits(teacher)
    teacher.goto(meeting_url)
    teacher.locator("#id_comment_text").fill("Mooi plan. Laat haar zelf de stappen noemen.")
    _tap(teacher, "#write-comment button[type=submit]")
    assert Note.objects.filter(meeting=meeting, kind="comment").count() == 1

    # The mentor logs the meeting: open it, tap the goal, save. An interruption in the middle:
    # what was typed comes back from the server.
    mentor.goto(meeting_url)
    assert "Laat haar zelf de stappen noemen." in mentor.locator("#notes").inner_text()
    _tap(mentor, "#log")
    _fits(mentor)
    assert mentor.locator("input[name=state][value=held]").is_checked()  # the default
    mentor.locator("#id_activities").fill("Pizzabreuken gesneden en opgeteld")
    mentor.locator("#draft-status").get_by_text("Concept bewaard").wait_for()
    mentor.reload()
    assert mentor.locator("#id_activities").input_value() == "Pizzabreuken gesneden en opgeteld"
    mentor.locator("#goal-choices label", has_text="Ik wil breuken snappen").click()
    _tap(mentor, "#save-log")
    meeting.refresh_from_db()
    assert meeting.state == "held" and list(meeting.goals.all()) == [goal]
    assert meeting.duration_minutes == programme.session_minutes and meeting.activities == "Pizzabreuken gesneden en opgeteld"

    # The mentor makes the pupil's personal link.
    mentor.goto(pair_url)
    _tap(mentor, "#new-link")
    link = mentor.locator("#link-url").inner_text().strip()
    assert "/journal/l/" in link

    # The teacher writes the intervision, for supervisors and coordinators only.
    teacher.goto(meeting_url)
    teacher.locator("#id_intervision_text").fill("Besproken: open vragen stellen.")
    teacher.locator("#write-intervision label", has_text="Privé").click()
    _tap(teacher, "#write-intervision button[type=submit]")
    intervision = Note.objects.get(meeting=meeting, kind="intervision")
    assert intervision.visibility == "private"

    # The pupil, without a log-in, opens the link and taps a face.
    pupil = phone()
    pupil.goto(urlsplit(link).path)  # the address is built from SITE_URL, for e-mails and print
    assert pupil.locator("#h-rate").inner_text() == "Hoe was jullie bijeenkomst?"
    _fits(pupil)
    _tap(pupil, f"#rate-{meeting.pk} button[value='5']")
    assert Meeting.objects.get(pk=meeting.pk).rating == 5
    assert pupil.locator(f"#rate-{meeting.pk} button[value='5']").get_attribute("aria-pressed") == "true"
    assert "Besproken" not in pupil.content() and "Mooi plan" not in pupil.content()


def _demo_pages(programme: Any) -> list[str]:
    from django.urls import reverse

    from tandem.matching.models import Match

    kw = {"org": programme.organisation.slug, "prog": programme.slug}
    match = (Match.objects.filter(programme=programme, state="active", meetings__notes__isnull=False)
             .order_by("pk").first())
    assert match is not None
    held = match.meetings.filter(state="held", notes__isnull=False).first()
    planned = match.meetings.filter(state="planned").first()
    goal = match.goals.first()
    category = programme.goal_categories.first()
    assert held and planned and goal and category
    pair = {**kw, "pk": match.pk}
    return [reverse(name, kwargs=args) for name, args in [
        ("journal:overview", kw), ("journal:settings", kw), ("journal:category_edit", {**kw, "category": category.pk}),
        ("journal:pair", pair), ("journal:goal_create", pair), ("journal:goal_close", {**pair, "goal": goal.pk}),
        ("journal:meeting", {**pair, "meeting": held.pk}), ("journal:meeting_log", {**pair, "meeting": planned.pk}),
        ("journal:meeting_plan", pair), ("journal:meeting_edit", {**pair, "meeting": planned.pk}),
    ]]


@pytest.mark.parametrize("language", ["de", "nl"])
def test_the_coordinators_journal_pages_fit_a_phone(chromium: Any, live_server: Any, db: Any, settings: Any,
                                                    language: str) -> None:
    """On the demo data (Mentoren op Zuid: supervision, every kind of note), in the longest words."""
    from django.core.management import call_command

    from tandem.core import demo
    from tandem.core.models import Programme

    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    programme = Programme.objects.get(slug="mentoren-op-zuid")
    User.objects.filter(email=demo.MAIN_COORDINATOR).update(language=language)
    context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
    page = context.new_page()
    browser_log_in(page, demo.MAIN_COORDINATOR, demo.DEMO_PASSWORD)
    for url in _demo_pages(programme):
        response = page.goto(url)
        assert response is not None and response.status == 200, url
        _fits(page)
        _in_language(page, language)
    context.close()
    # The demo learner and their parent read their pair's page (its goal to agree to).
    from tandem.matching.models import Match

    own = Match.objects.get(programme=programme, learner__person__user__email=demo.role_email("learner", programme.slug),
                            state__in=("introduced", "active"))
    for role in ("learner", "guardian"):
        User.objects.filter(email=demo.role_email(role, programme.slug)).update(language=language)
        context = chromium.new_context(base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        browser_log_in(page, demo.role_email(role, programme.slug), demo.DEMO_PASSWORD)
        page.goto(f"/o/{programme.organisation.slug}/p/{programme.slug}/matches/{own.pk}/journal/")
        assert page.locator("button.agree").is_visible()
        _fits(page)
        context.close()


def test_a_french_mentor_sets_a_goal_and_logs_a_meeting_once_in_their_language(world: World, phone: Any) -> None:
    """AFEV's mentor, in French on a phone: the empty form and a target date gone by are refused
    in French, a double tap makes one goal, and the held meeting is logged with it in a few taps."""
    _rename(world)
    match = persona_match(world)
    User.objects.update(language="fr")
    category(world)
    past = services.meeting_plan(match=match, actor=world.users["mentor"],
                                 starts_at=timezone.now() - timedelta(days=1), place="Médiathèque")
    pair_url = f"/o/zuid/p/moz/matches/{match.pk}/journal/"
    mentor = phone()
    browser_log_in(mentor, world.users["mentor"].email, PASSWORD)

    mentor.goto(pair_url + "goals/new/")
    _in_language(mentor, "fr")
    _tap(mentor, "#save-goal")
    assert mentor.locator(".has-error").count() >= 2 and not Goal.objects.exists()
    _in_language(mentor, "fr")
    mentor.locator("#goal-form label", has_text="Devoirs").click()
    mentor.locator("#id_description").fill("Je veux organiser mes révisions")
    mentor.locator("#id_target_date").fill("2001-01-01")
    _tap(mentor, "#save-goal")
    assert not Goal.objects.exists() and mentor.locator("#id_description").input_value() == "Je veux organiser mes révisions"
    mentor.locator("#id_target_date").fill("")
    _double_tap(mentor, "#save-goal", leaving="/goals/new/")
    assert Goal.objects.filter(match=match).count() == 1  # the double tap made one goal
    _fits(mentor)
    _in_language(mentor, "fr")

    mentor.goto(pair_url + f"meetings/{past.pk}/log/")
    _fits(mentor)
    _in_language(mentor, "fr")
    assert mentor.locator("#state-choices label", has_text="Annulée").is_visible()
    mentor.locator("#goal-choices label", has_text="Je veux organiser mes révisions").click()
    mentor.locator("#id_activities").fill("Planning de révisions fait ensemble")
    _double_tap(mentor, "#save-log", leaving="/log/")
    past.refresh_from_db()
    assert past.state == "held" and past.goals.count() == 1
    assert mentor.locator("body").inner_text().count("Planning de révisions fait ensemble") == 1
    _in_language(mentor, "fr")


@pytest.mark.parametrize("width", [390, 1280])
def test_two_people_editing_a_goal_at_once_keep_what_they_typed(world: World, phone: Any, width: int) -> None:
    """In German: the mentor and the coordinator open the same goal; the mentor saves first. The
    coordinator's save is refused with both versions side by side, and the form keeps what she typed."""
    _rename(world)
    match = persona_match(world)
    User.objects.update(language="de")
    aim = services.goal_create(match=match, actor=world.users["mentor"], category=category(world),
                               description="Ich will Brüche verstehen")
    url = f"/o/zuid/p/moz/matches/{match.pk}/journal/goals/{aim.pk}/edit/"
    viewport = {"width": width, "height": 900}
    mentor, coordinator = phone(viewport), phone(viewport)
    browser_log_in(mentor, world.users["mentor"].email, PASSWORD)
    browser_log_in(coordinator, world.users["coordinator"].email, PASSWORD)
    mentor.goto(url)
    coordinator.goto(url)
    mentor.locator("#id_description").fill("Ich will Brüche sicher rechnen")
    _tap(mentor, "#save-goal")
    coordinator.locator("#id_description").fill("Ich will Brüche im Alltag nutzen")
    _tap(coordinator, "#save-goal")
    assert coordinator.locator(".conflict").is_visible()
    assert coordinator.locator("#id_description").input_value() == "Ich will Brüche im Alltag nutzen"
    assert "Ich will Brüche sicher rechnen" in coordinator.locator(".conflict").inner_text()
    _fits(coordinator)
    _in_language(coordinator, "de")
    aim.refresh_from_db()
    assert aim.description == "Ich will Brüche sicher rechnen"
    _tap(coordinator, "#save-goal")  # she keeps hers
    aim.refresh_from_db()
    assert aim.description == "Ich will Brüche im Alltag nutzen"
