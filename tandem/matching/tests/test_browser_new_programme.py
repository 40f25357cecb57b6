"""The whole journey of a NEW programme, in Dutch, as new people click it on a freshly seeded demo:
EMI Rotterdam Zuid's organisation admin creates "Huiswerkmaatjes Feijenoord" (format, languages,
cycle, cadence) and invites a coordinator; the coordinator accepts in a second browser as a new
person, sets the matching criteria, imports volunteers (the template downloaded from the page;
a bad row first: nothing imported, then fixed), screens and trains them to ready, imports two
minor pupils, accepts them, publishes a consent text and records the guardians' paper consent,
runs a first matching round, publishes it, plans and holds the first meeting, records both
answers and sees the pair active with its journal. The empty programme's overview lists these
first steps in order (docs/matches.md) until the first match. Every page is read for English words, codes
and field names (``Findings``); key pages must fit a 390 px phone. See docs/matches.md, "A new programme's journey"."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from tandem.core import demo
from tandem.core.models import Invitation, Programme, User
from tandem.core.testing import browser_log_in
from tandem.core.tests.test_browser_phone import CHECK
from tandem.core.tests.wording import Findings
from tandem.intake.models import Learner
from tandem.matching.models import Match
from tandem.onboarding.models import Volunteer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ORG = "emi-rotterdam-zuid"
P = f"/o/{ORG}/p/huiswerkmaatjes/"
COORDINATOR = "sanne.devries@voorbeeld.nl"
PASSWORD = "Huiswerk-2026-maatjes"


def _context(chromium: Any, live_server: Any) -> Any:
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900},
                                   locale="nl-NL", extra_http_headers={"Accept-Language": "nl"},
                                   accept_downloads=True)
    context.set_default_timeout(20_000)
    return context


def _read(page: Any, findings: Findings, phone: bool = False) -> None:
    """No English, code or field name on the page; on a phone, nothing wider than the screen."""
    findings.check(page.url, page.content())
    assert not findings.problems, "\n".join(findings.problems)
    if phone:
        page.set_viewport_size({"width": 390, "height": 844})
        result = page.evaluate(CHECK)
        assert result["width"] <= result["viewport"], f"{page.url} is {result['width']}px wide on a phone"
        page.set_viewport_size({"width": 1280, "height": 900})


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _submit(page: Any, action_end: str) -> None:
    with page.expect_navigation():
        page.locator(f"main form[action$='{action_end}'] button[type=submit]").first.click()


def _file(rows: list[list[str]], header: list[str], path: Path) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_new_programme_from_creation_to_an_active_pair_in_dutch(
        chromium: Any, live_server: Any, settings: Any, run_tasks: Any, tmp_path: Path) -> None:
    settings.TANDEM_MFA_REQUIRED = False  # as `make demo` runs it (TANDEM_DEMO_MFA_OPTIONAL)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    findings = Findings(language="nl")

    # 1. The organisation admin creates the programme; a short name with a space is refused in
    # Dutch and what was typed stays.
    admin = _context(chromium, live_server).new_page()
    browser_log_in(admin, demo.admin_email(ORG), demo.DEMO_PASSWORD)
    admin.goto(f"/o/{ORG}/")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Nieuw programma").click()
    admin.fill("#id_name", "Huiswerkmaatjes Feijenoord")
    admin.fill("#id_slug", "huiswerk maatjes")
    admin.fill("#id_description", "Studenten helpen leerlingen uit groep 8 met hun huiswerk.")
    admin.check("input[name=languages][value=nl]")
    admin.check("input[name=languages][value=tr]")
    admin.fill("#id_commitment", "1 uur per week, een schooljaar lang")
    admin.fill("#id_cycle_start", "2026-09-01")
    admin.fill("#id_cycle_end", "2027-06-30")
    admin.fill("#id_cycle_weeks", "30")
    admin.select_option("#id_meeting_cadence", label="Om de twee weken")
    _click(admin, "Opslaan")
    assert "alleen letters, cijfers, koppeltekens" in admin.locator("main").inner_text()
    assert admin.locator("#id_name").input_value() == "Huiswerkmaatjes Feijenoord"
    _read(admin, findings, phone=True)
    admin.fill("#id_slug", "huiswerkmaatjes")
    _click(admin, "Opslaan")
    assert admin.url.endswith(P)
    programme = Programme.objects.get(slug="huiswerkmaatjes")
    assert programme.languages == ["nl", "tr"] and programme.cycle_weeks == 30
    # An empty programme says where to start (it said nothing before).
    expect(admin.locator("#first-steps")).to_contain_text("Eerste stappen")
    _read(admin, findings, phone=True)

    # 2. The admin invites a coordinator.
    with admin.expect_navigation():
        admin.get_by_role("link", name="Iemand uitnodigen").click()
    admin.fill("main input[name=email]", COORDINATOR)
    admin.select_option("main select[name=role]", label="Coördinator")
    _click(admin, "Uitnodiging versturen")
    expect(admin.locator("main")).to_contain_text(f"Uitnodiging verstuurd naar {COORDINATOR}")
    _read(admin, findings)
    invitation = Invitation.objects.get(email=COORDINATOR, programme=programme)

    # 3. The coordinator accepts in another browser, as a new person: a too short password is
    # refused in Dutch (it read in English), the name stays.
    coordinator = _context(chromium, live_server).new_page()
    coordinator.goto(invitation.get_accept_url())
    coordinator.fill("main input[name=full_name]", "Sanne de Vries")
    coordinator.fill("main input[name=password]", "kort")
    _click(coordinator, "Uitnodiging accepteren")
    expect(coordinator.locator("main")).to_contain_text("Dit wachtwoord is te kort.")
    assert coordinator.locator("main input[name=full_name]").input_value() == "Sanne de Vries"
    _read(coordinator, findings, phone=True)
    coordinator.fill("main input[name=password]", PASSWORD)
    _click(coordinator, "Uitnodiging accepteren")
    assert coordinator.url.endswith(P)
    assert User.objects.filter(email=COORDINATOR).exists()
    _read(coordinator, findings)

    # 4. Matching criteria, from the first steps: at most 10 km apart.
    with coordinator.expect_navigation():
        coordinator.locator("#first-steps li").first.get_by_role("link").click()
    assert coordinator.url.endswith(P + "matching/criteria/")
    coordinator.locator("main input[type=number]").first.fill("10")
    _click(coordinator, "Opslaan")
    expect(coordinator.locator("main")).to_contain_text("De koppelcriteria zijn opgeslagen.")
    _read(coordinator, findings, phone=True)

    # 5. Volunteers from the page's own template: a bad row first, nothing imported; then fixed.
    coordinator.goto(P + "volunteers/import/")
    with coordinator.expect_download() as download:
        coordinator.locator("main a[href$='?format=csv']").first.click()
    header = next(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")),
                             delimiter=";"))
    assert header[:3] == ["Voornaam", "Achternaam", "E-mail"]
    rows = [["Daan", "Bakker", "daan.bakker@voorbeeld.nl", "", "3071 AB", "Rotterdam", "Nederlands, Engels",
             "wiskunde", "woensdagmiddag", "Aangemeld"],
            ["Elif", "Yılmaz", "elif.yilmaz-voorbeeld.nl", "", "3072 CD", "Rotterdam", "Nederlands, Turks",
             "huiswerkbegeleiding", "dinsdagmiddag, donderdagmiddag", "Aangemeld"],
            ["Kofi", "Mensah", "kofi.mensah@voorbeeld.nl", "", "3073 EF", "Rotterdam", "Nederlands",
             "rekenen", "woensdagmiddag", "Aangemeld"]]
    coordinator.set_input_files("main input[type=file]", _file(rows, header, tmp_path / "vrijwilligers.csv"))
    _click(coordinator, "Bestand controleren")
    main = coordinator.locator("main").inner_text()
    assert "Er is niets geïmporteerd" in main and "Voer een geldig e-mailadres in." in main
    assert not Volunteer.objects.filter(programme=programme).exists()
    _read(coordinator, findings, phone=True)
    rows[1][2] = "elif.yilmaz@voorbeeld.nl"
    coordinator.set_input_files("main input[type=file]", _file(rows, header, tmp_path / "vrijwilligers.csv"))
    _click(coordinator, "Bestand controleren")
    _click(coordinator, "3 rijen importeren")
    assert Volunteer.objects.filter(programme=programme).count() == 3

    # 6. Screening (interview, reference, VOG) and the 2-hour training, then ready.
    for volunteer in Volunteer.objects.filter(programme=programme):
        coordinator.goto(P + f"volunteers/{volunteer.pk}/")
        coordinator.select_option("main form[action$='transition/'] select[name=to_state]", label="Screening")
        _submit(coordinator, "transition/")
        coordinator.fill("main form[action$='/interview/'] input[name=held_on]", "2026-11-20")
        _submit(coordinator, "/interview/")
        coordinator.fill("main form[action$='references/'] input[name=received]", "1")
        _submit(coordinator, "references/")
        coordinator.fill("main form[action$='certificate/'] input[name=seen_on]", "2026-11-25")
        coordinator.fill("main form[action$='certificate/'] input[name=issued_on]", "2026-11-10")
        _submit(coordinator, "certificate/")
    _read(coordinator, findings, phone=True)
    coordinator.goto(P + "volunteers/training/")
    coordinator.fill("main input[name=title]", "Basistraining huiswerkbegeleiding")
    coordinator.fill("main input[name=starts_at]", "2026-11-20T18:00")
    coordinator.fill("main input[name=place]", "Buurthuis Feijenoord")
    coordinator.fill("main input[name=capacity]", "12")
    coordinator.fill("main input[name=trainer]", "Sanne de Vries")
    coordinator.fill("main input[name=hours]", "2")
    _click(coordinator, "Workshop toevoegen")
    for _ in range(3):
        _submit(coordinator, "register/")
    for box in coordinator.locator("main input[name=attended]").all():
        box.check()
    _click(coordinator, "Aanwezigheid opslaan")
    _read(coordinator, findings, phone=True)
    coordinator.goto(P + "volunteers/")
    for box in coordinator.locator("main input[type=checkbox]").all():
        if box.is_visible():
            box.check()
    coordinator.select_option("main select[name=to_state]", label="Klaar")
    _click(coordinator, "Verplaatsen")
    assert set(Volunteer.objects.filter(programme=programme).values_list("state", flat=True)) == {"ready"}

    # 7. Two pupils of 12 from a file (a wrong date first), accepted, consent text, paper consent.
    coordinator.goto(P + "learners/import/")
    with coordinator.expect_download() as download:
        coordinator.locator("main a[href$='?format=csv']").first.click()
    header = next(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig")),
                             delimiter=";"))
    rows = [["Yusuf", "Demir", "", "31-02-2014", "", "Basisschool", "Nederlands, Turks", "3072 AB",
             "Rotterdam", "Motivatie", "huiswerk", "dinsdagmiddag", "ouders.demir@voorbeeld.nl"],
            ["Noa", "Jansen", "", "12-05-2014", "", "Basisschool", "Nederlands", "3071 XY", "Rotterdam",
             "Motivatie", "wiskunde", "woensdagmiddag", "ouders.jansen@voorbeeld.nl"]]
    coordinator.set_input_files("main input[type=file]", _file(rows, header, tmp_path / "leerlingen.csv"))
    _click(coordinator, "Bestand controleren")
    assert "is geen datum" in coordinator.locator("main").inner_text()
    assert not Learner.objects.filter(programme=programme).exists()
    _read(coordinator, findings)
    rows[0][3] = "03-02-2014"
    coordinator.set_input_files("main input[type=file]", _file(rows, header, tmp_path / "leerlingen.csv"))
    _click(coordinator, "Bestand controleren")
    _click(coordinator, "2 rijen importeren")
    coordinator.goto(P + "learners/consent-texts/")
    coordinator.fill("main textarea[name=text_nl]", "Ik geef toestemming dat mijn kind meedoet aan "
                     "Huiswerkmaatjes en dat het programma de gegevens daarvoor gebruikt.")
    _click(coordinator, "Publiceren")
    for learner in Learner.objects.filter(programme=programme):
        coordinator.goto(P + f"learners/{learner.pk}/")
        _click(coordinator, "Accepteren")
        # Accepted, waiting for consent: the page says what is next, not "Accept" again.
        expect(coordinator.locator("#accepted-waiting")).to_be_visible()
        assert coordinator.get_by_role("button", name="Accepteren", exact=True).count() == 0
        _read(coordinator, findings, phone=True)
        # The pupil's one guardian (known by the file's address only) is chosen already.
        guardian = coordinator.locator("main form[action$='consent/request/'] select")
        assert guardian.input_value() and "@voorbeeld.nl" in guardian.locator("option:checked").inner_text()
        _click(coordinator, "Ondertekend papieren formulier vastleggen")
        expect(coordinator.locator("main")).to_contain_text("Wachtlijst")
    assert set(Learner.objects.filter(programme=programme).values_list("state", flat=True)) == {"waiting"}

    # 8. The first matching round (the worker runs it), reviewed and published.
    coordinator.goto(P + "matching/")
    _click(coordinator, "Ronde starten")
    run_tasks()
    # The pupils' guardians came from the file with an address only: they read Dutch e-mails.
    to_parents = [m for m in mail.outbox if m.to[0].startswith("ouders.")]
    assert to_parents and not [m.subject for m in to_parents if "your consent" in m.subject]
    coordinator.reload()
    expect(coordinator.locator("main")).to_contain_text("Elke leerling kreeg een voorstel.")
    _read(coordinator, findings, phone=True)
    _click(coordinator, "Publiceer de gekozen voorstellen (alle als er niets gekozen is)")
    assert Match.objects.filter(programme=programme).count() == 2
    coordinator.goto(P)
    assert coordinator.locator("#first-steps").count() == 0  # done with: the first pairs exist

    # 9. First meeting planned and held, both answers recorded: the pair is active.
    match = Match.objects.filter(programme=programme).order_by("pk").first()
    assert match is not None
    coordinator.goto(P + f"matches/{match.pk}/")
    coordinator.fill("main input[name=at]", "2026-11-24T15:30")
    coordinator.fill("main input[name=place]", "OBS De Klimop, Feijenoord")
    _click(coordinator, "Plan de eerste ontmoeting")
    _click(coordinator, "Eerste ontmoeting als gehouden markeren")
    _read(coordinator, findings, phone=True)
    for side in ("mentor", "learner"):
        coordinator.goto(P + f"matches/{match.pk}/answer/record/{side}/")
        coordinator.locator("input[name=answer][value=yes]").check()
        coordinator.locator("main input[type=radio]:not([name=answer])").first.check()
        with coordinator.expect_navigation():
            coordinator.locator("#save-recorded").click()
    match.refresh_from_db()
    assert match.state == "active"
    expect(coordinator.locator("main h1")).to_contain_text("Actief")
    _read(coordinator, findings, phone=True)
    with coordinator.expect_navigation():
        coordinator.get_by_role("link", name="De weken samen: doelen en bijeenkomsten").click()
    expect(coordinator.locator("main")).to_contain_text("Week 1 van 30")
    _read(coordinator, findings, phone=True)
