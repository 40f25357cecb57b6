"""Equal participation from a small known data set, computed by hand: learners' and mentors'
migration background, first generation and gender per school year, the observer's suppressed view
and the gap to each target; and the supervisors' questionnaire on the dashboard.

School year 2025-2026, 15 matches (one learner and one mentor each), all started 1 Sept 2025.
Every count is 0 or at least 5, so an observer sees the same as the coordinator:

===================  ===  ===  ==================================  ===========  =============
measure              yes  no   not declared / prefer not to say    share        target: gap
===================  ===  ===  ==================================  ===========  =============
mentors, migration     5    5  5 (declared only first generation)  5/10 = 50 %  35: +15
mentors, first gen.    6    9  0                                   6/15 = 40 %  45: 5 below
mentors, women        10    5  0                                   10/15 = 67 % 50: +17
learners, migration    6    9  0                                   6/15 = 40 %  45: 5 below
learners, first gen.   5    5  5 (prefer not to say)               5/10 = 50 %  50: +0
learners, girls        5    5  5 (prefer not to say); no = 4 male  5/10 = 50 %  none
                               and 1 non-binary
===================  ===  ===  ==================================  ===========  =============
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.suppression import T, exposed, protect
from tandem.intake.models import SensitiveProfile
from tandem.matching.models import Match
from tandem.onboarding.models import VolunteerDeclaration
from tandem.outcomes import report, selectors
from tandem.outcomes.models import OutcomeSettings, SurveyInvitation

pytestmark = pytest.mark.django_db

CYCLE = "2025-2026"
TARGETS = {"mentor_migration": 35, "mentor_first_generation": 45, "mentor_female": 50, "learner_migration": 45,
           "learner_first_generation": 50,
           # The population the programme serves (its schools' own figures), beside the targets.
           "population_learner_migration": 52, "population_mentor_female": 67,
           "population_mentor_first_generation": 41}
# Per pair: mentor (gender, migration, first generation; None = not said; "-" = no declaration),
# learner (profile? , migration, first generation, gender).
MENTORS = ([("female", True, True)] * 5 + [("female", False, False)] * 5 + [("male", None, True)]
           + [("male", None, False)] * 4)
LEARNERS = ([(True, True, True, "female")] * 5 + [(True, True, False, "male")] + [(True, False, False, "male")] * 3
            + [(True, False, False, "other")] + [(True, False, None, "")] * 5)


def _pairs(world: World, *, start: date, mentors: list[tuple], learners: list[tuple], tag: str) -> None:
    from tandem.matching.tests.factories import mentor, pupil, relax

    relax(world)
    for i, ((gender, migration, first), (profile, l_migration, l_first, l_gender)) in enumerate(
            zip(mentors, learners, strict=True)):
        volunteer = mentor(world, f"M{tag}{i}", gender=gender)
        if migration != "-":
            VolunteerDeclaration.objects.create(volunteer=volunteer, migration_background=migration,
                                                first_generation=first)
        learner = pupil(world, f"L{tag}{i}")
        if profile:
            SensitiveProfile.objects.create(learner=learner, migration_background=l_migration,
                                            first_generation=l_first, gender=l_gender, declared_by="learner",
                                            consent=True)
        Match.objects.create(programme=world.programme, volunteer=volunteer, learner=learner, slot=1, capacity=1,
                             state="active", cycle_start=start)


def _known(world: World) -> None:
    OutcomeSettings.objects.update_or_create(programme=world.programme, defaults={"targets": TARGETS})
    _pairs(world, start=date(2025, 9, 1), mentors=MENTORS, learners=LEARNERS, tag="a")


def test_the_counts_by_hand(world: World) -> None:
    assert len(MENTORS) == len(LEARNERS) == 15
    _known(world)
    data = selectors.participation(programme=world.programme)
    assert data == {
        "learner_migration": {CYCLE: {"yes": 6, "no": 9}},
        "learner_first_generation": {CYCLE: {"yes": 5, "no": 5, "unknown": 5}},
        "learner_female": {CYCLE: {"yes": 5, "no": 5, "unknown": 5}},
        "mentor_migration": {CYCLE: {"yes": 5, "no": 5, "unknown": 5}},
        "mentor_first_generation": {CYCLE: {"yes": 6, "no": 9}},
        "mentor_female": {CYCLE: {"yes": 10, "no": 5}},
    }


def test_the_observer_sees_shares_against_the_targets(world: World) -> None:
    _known(world)
    settings = selectors.outcome_settings(world.programme)
    sections = {s.key: s for s in report.participation_sections(
        selectors.participation(programme=world.programme), settings=settings, suppress=True)}
    assert list(sections) == ["learner_migration", "mentor_migration", "learner_first_generation",
                              "mentor_first_generation", "learner_female", "mentor_female"]

    def row(key: str) -> tuple[str, str, list[str], bool]:
        [found] = sections[key].rows
        return found.value, found.n, found.extra, found.below

    # Every cell is 0 or at least 5: nothing is suppressed; every base is at least 10.
    assert row("mentor_migration") == ("50%", "15", ["declared: 10", "", "gap to the target: +15 points"], False)
    assert row("mentor_first_generation") == (  # one point: singular
        "40%", "15", ["declared: 15", "1 point below the population served", "5 points below the target"], True)
    assert row("mentor_female") == ("67%", "15", ["declared: 15", "as in the population served", "gap to the target: +17 points"], False)
    assert row("learner_migration") == (
        "40%", "15", ["declared: 15", "12 points below the population served", "5 points below the target"], True)
    assert row("learner_first_generation") == ("50%", "15", ["declared: 10", "", "gap to the target: +0 points"], False)
    assert row("learner_female") == ("50%", "15", ["declared: 10", "", ""], False)
    assert sections["learner_female"].note == "No target set."
    assert sections["learner_migration"].note == (
        "Target: 45% of those who declared. In the population the programme serves: 52%.")


def test_a_small_school_year_is_suppressed_and_cannot_be_recovered(world: World) -> None:
    """Three more pairs in 2024-2025: mentors' migration background yes 2, no 1. Counts 1–4 are
    hidden, and secondary suppression keeps them from following from the totals."""
    _known(world)
    _pairs(world, start=date(2024, 9, 1), mentors=[("female", True, None), ("male", True, None),
                                                   ("male", False, None)],
           learners=[(False, None, None, "")] * 3, tag="b")
    data = selectors.participation(programme=world.programme)
    assert data["mentor_migration"] == {"2024-2025": {"yes": 2, "no": 1},
                                        CYCLE: {"yes": 5, "no": 5, "unknown": 5}}
    settings = selectors.outcome_settings(world.programme)
    cols = ["yes", "no", "unknown"]
    table = protect({c: {k: v.get(k, 0) for k in cols} for c, v in data["mentor_migration"].items()},
                    cols=cols, threshold=5)
    hidden = {key for key, shown in table.cells.items() if shown.suppressed}
    assert {("2024-2025", "yes"), ("2024-2025", "no"), ("2024-2025", T)} <= hidden
    assert exposed(table.rows, table.cols, hidden) == []
    [small, _large] = next(s for s in report.participation_sections(
        data, settings=settings, suppress=True) if s.key == "mentor_migration").rows
    assert (small.value, small.n, small.extra[0]) == ("hidden", "hidden", "declared: hidden")
    # The coordinator sees the exact figures.
    [small, _large] = next(s for s in report.participation_sections(
        data, settings=settings, suppress=False) if s.key == "mentor_migration").rows
    assert (small.value, small.n, small.extra[0]) == ("67%", "3", "declared: 3")


def test_the_page_and_the_funder_report_show_mentors_and_learners(world: World) -> None:
    _known(world)
    kwargs = {"org": world.organisation.slug, "prog": world.programme.slug}
    page = world.client_for("observer").get(reverse("outcomes:participation", kwargs=kwargs)).content.decode()
    assert "Mentors with a migration background" in page and "Learners who are girls or women" in page
    assert 'class="gap-below"' in page and "5 points below the target" in page
    xlsx = world.client_for("coordinator").get(reverse("outcomes:report_xlsx", kwargs=kwargs))
    assert xlsx.status_code == 200
    import io

    import openpyxl

    cells = [c for r in openpyxl.load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
             for c in r if c.value is not None]
    assert "Mentors who are first-generation students" in [c.value for c in cells]
    assert any(c.value == 0.4 and c.number_format == "0%" for c in cells)  # 40 %, as a number


def test_the_targets_form_holds_the_mentors_targets(world: World) -> None:
    client = world.client_for("coordinator")
    url = reverse("outcomes:settings", kwargs={"org": world.organisation.slug, "prog": world.programme.slug})
    page = client.get(url).content.decode()
    assert "Target: mentors with a migration background (%)" in page
    row = selectors.outcome_settings(world.programme)
    response = client.post(url, {"version": row.version, "threshold": 5, "min_denominator": 10,
                                 "early_leaving": row.early_leaving, "target_mentor_migration": 30,
                                 "target_learner_female": 50, "target_mentor_first_generation": 101})
    assert response.status_code == 200  # 101 % is refused, nothing saved
    assert selectors.outcome_settings(world.programme).targets == {}
    client.post(url, {"version": row.version, "threshold": 5, "min_denominator": 10,
                      "early_leaving": row.early_leaving, "target_mentor_migration": 30,
                      "target_learner_female": 50, "population_learner_migration": 61})
    assert selectors.outcome_settings(world.programme).targets == {
        "mentor_migration": 30, "learner_female": 50, "population_learner_migration": 61}
    page = client.get(url).content.decode()
    assert "In the population the programme serves: Learners with a migration background (%)" in page
    assert 'name="population_learner_migration" value="61"' in page


# --- Supervisors ---------------------------------------------------------------------------------

def test_a_supervisors_wave_is_answered_through_the_link_and_shows_on_the_dashboard(world: World) -> None:
    from tandem.outcomes import services
    from tandem.outcomes.instruments import SUPERVISOR_PROGRESS, instrument

    assert instrument("supervisor-progress", 1) is SUPERVISOR_PROGRESS
    # 4 items of 1-4 plus s5 reversed: answers 3,3,4,2 and s5 = 1 (reversed: 4) → mean 16/5 = 3.2.
    given = {"s1": 3, "s2": 3, "s3": 4, "s4": 2, "s5": 1}
    assert SUPERVISOR_PROGRESS.score(given) == pytest.approx(3.2)
    assert SUPERVISOR_PROGRESS.score(given, subscale="pair") == pytest.approx((4 + 2 + 4) / 3)
    today = timezone.localdate()
    coordinator = world.users["coordinator"]
    with pytest.raises(ValidationError):  # a learners' questionnaire is not asked of supervisors
        services.wave_create(programme=world.programme, actor=coordinator, instrument="rses@1",
                             audience="supervisor", kind="intake", opens_on=today, closes_on=today, anonymous=False)
    wave = services.wave_create(programme=world.programme, actor=coordinator, instrument="supervisor-progress@1",
                                audience="supervisor", kind="mid", opens_on=today - timedelta(days=1),
                                closes_on=today + timedelta(days=10), anonymous=False)
    services.invitations_send(wave=wave, actor=coordinator)
    invitation = SurveyInvitation.objects.get(wave=wave)
    assert invitation.person == world.people["supervisor"] and invitation.match is None
    link = reverse("outcomes:survey", kwargs={"token": services.link_token(invitation)})
    client = world.client_for("anonymous")
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "De koppels spreken regelmatig af en bereiden hun afspraken voor." in page
    assert client.post(link, {k: str(v) for k, v in given.items()}).status_code == 302
    [survey] = selectors.figures(programme=world.programme).surveys
    assert (survey.audience, survey.waves) == ("supervisor", [("mid", 1, pytest.approx(3.2))])
    dashboard = world.client_for("coordinator").get(reverse("outcomes:dashboard", kwargs={
        "org": world.organisation.slug, "prog": world.programme.slug})).content.decode()
    assert "The pairs' progress (supervisors)" in dashboard or "The pairs&#x27; progress (supervisors)" in dashboard
