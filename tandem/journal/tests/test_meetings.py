"""Meetings: planned from the cadence, logged in a few taps (with a draft that survives an
interruption), the important flag, the learner's face from their page or their personal link."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import World
from tandem.core.services import EditConflict
from tandem.journal import selectors, services
from tandem.journal.models import LearnerLink, Meeting, MeetingDraft
from tandem.journal.tests.factories import goal, link, meeting, persona_match
from tandem.matching.models import Match

pytestmark = pytest.mark.django_db


def _kw(world: World, **extra: object) -> dict[str, object]:
    return {"org": world.organisation.slug, "prog": world.programme.slug, **extra}


def test_the_next_slot_follows_the_cadence_at_the_same_local_time(world: World) -> None:
    match = persona_match(world, weeks=3)
    first = timezone.localtime(match.first_meeting_at)
    starts, _place = selectors.next_slot(match=match)
    local = timezone.localtime(starts)
    assert local.weekday() == first.weekday() and local.time() == time(15)
    assert timezone.now() < starts <= timezone.now() + timedelta(days=7)
    # Fortnightly: two weeks on from the last meeting.
    world.programme.meeting_cadence = "fortnightly"
    world.programme.save()
    match.refresh_from_db()
    last = meeting(match, days=-1)
    starts, place = selectors.next_slot(match=match)
    assert timezone.localdate(starts) == timezone.localdate(last.starts_at) + timedelta(days=14)
    assert place == "De Globetrotter"
    # A meeting already planned ahead: the next one comes a cadence after it, not at its time.
    ahead = meeting(match, days=3)
    starts, _place = selectors.next_slot(match=match)
    assert timezone.localdate(starts) == timezone.localdate(ahead.starts_at) + timedelta(days=14)


def test_at_school_the_place_is_the_learners_school(world: World) -> None:
    match = persona_match(world)
    world.programme.requirements = {**world.programme.requirements, "meet_at_school": True}
    world.programme.save()
    match.refresh_from_db()
    assert selectors.next_slot(match=match)[1] == world.school.name


def test_without_a_first_meeting_the_slot_comes_from_their_free_time(world: World) -> None:
    match = persona_match(world)
    Match.objects.filter(pk=match.pk).update(first_meeting_at=None)
    match.refresh_from_db()
    starts = timezone.localtime(selectors.next_slot(match=match)[0])
    # Both are free on Monday, Wednesday and Thursday afternoons (the factories' slots).
    assert starts.weekday() in (0, 2, 3) and starts.hour == 15 and starts > timezone.now()


def test_log_a_held_meeting_with_its_goal(world: World) -> None:
    match = persona_match(world)
    aim = goal(world, match)
    item = meeting(match, days=-1)
    logged = services.meeting_log(meeting=item, actor=world.users["mentor"], expected_version=item.version,
                                  state="held", goals=[aim], activities="Breuken met pizza")
    assert logged.state == "held" and logged.duration_minutes == 60 and list(logged.goals.all()) == [aim]
    with pytest.raises(EditConflict):
        services.meeting_log(meeting=item, actor=None, expected_version=item.version, state="held")
    with pytest.raises(ValidationError):
        services.meeting_log(meeting=logged, actor=None, expected_version=logged.version, state="cancelled")


def test_a_meeting_ahead_cannot_be_held_and_goals_must_be_the_pairs(world: World) -> None:
    match = persona_match(world)
    ahead = meeting(match, days=3)
    with pytest.raises(ValidationError):
        services.meeting_log(meeting=ahead, actor=None, expected_version=ahead.version, state="held")
    services.meeting_log(meeting=ahead, actor=None, expected_version=ahead.version, state="cancelled",
                         missed_by="school", missed_reason="Studiedag")


def test_important_tells_the_coordinators(world: World, django_capture_on_commit_callbacks: Any,
                                          run_tasks: Any) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_log(meeting=item, actor=world.users["mentor"], expected_version=item.version,
                             state="no_show", missed_by="learner", important=True)
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.people["coordinator"].email]]
    assert "important" in mail.outbox[0].subject.lower()


def test_the_log_form_in_a_few_taps(world: World) -> None:
    match = persona_match(world)
    aim = goal(world, match)
    item = meeting(match, days=-1)
    client = world.client_for("mentor")
    url = reverse("journal:meeting_log", kwargs=_kw(world, pk=match.pk, meeting=item.pk))
    page = client.get(url).content.decode()
    assert 'value="held"' in page and 'checked' in page and 'value="60"' in page  # the defaults
    response = client.post(url, {"version": item.version, "state": "held", "duration_minutes": "60",
                                 "goals": [aim.pk]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "held" and list(item.goals.all()) == [aim]


def test_a_meeting_still_ahead_opens_its_log_on_cancelled(world: World) -> None:
    # Its page offers "Log this meeting"; the form opened on "It took place", which saving refused
    # ("A meeting that is still ahead cannot be logged as held") — calling it off is what one can do.
    match = persona_match(world)
    item = meeting(match, days=3)
    url = reverse("journal:meeting_log", kwargs=_kw(world, pk=match.pk, meeting=item.pk))
    page = world.client_for("mentor").get(url).content.decode()
    assert re.search(r'value="cancelled"[^>]*checked', page) and not re.search(r'value="held"[^>]*checked', page)


def test_a_cancelled_log_needs_who_and_keeps_what_was_typed(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1)
    url = reverse("journal:meeting_log", kwargs=_kw(world, pk=match.pk, meeting=item.pk))
    response = world.client_for("mentor").post(url, {"version": item.version, "state": "cancelled",
                                                     "missed_reason": "Ziek"})
    assert response.status_code == 200 and "Ziek" in response.content.decode()
    item.refresh_from_db()
    assert item.state == "planned"


def test_the_draft_survives_an_interruption_and_goes_once_the_log_is_saved(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1)
    client = world.client_for("mentor")
    kw = _kw(world, pk=match.pk, meeting=item.pk)
    answer = client.post(reverse("journal:meeting_draft", kwargs=kw),
                         {"state": "held", "activities": "Half getypt verslag", "csrfmiddlewaretoken": "x",
                          "version": "1"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Draft kept" in answer.content.decode()
    draft = MeetingDraft.objects.get()
    assert draft.data == {"state": "held", "activities": "Half getypt verslag"}
    page = client.get(reverse("journal:meeting_log", kwargs=kw)).content.decode()
    assert "Half getypt verslag" in page and 'id="draft-restored"' in page
    # Someone else's draft is theirs alone.
    assert "Half getypt verslag" not in world.client_for("coordinator").get(
        reverse("journal:meeting_log", kwargs=kw)).content.decode()
    client.post(reverse("journal:meeting_log", kwargs=kw), {"version": item.version, "state": "held",
                                                             "duration_minutes": "45"})
    assert not MeetingDraft.objects.exists()


def test_plan_once_however_often_it_is_sent(world: World) -> None:
    match = persona_match(world)
    client = world.client_for("mentor")
    page = client.get(reverse("journal:pair", kwargs=_kw(world, pk=match.pk))).content.decode()
    token = page.split('name="once" value="')[1].split('"')[0]
    when = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT15:00")
    url = reverse("journal:meeting_plan", kwargs=_kw(world, pk=match.pk))
    for _ in range(2):
        assert client.post(url, {"starts_at": when, "place": "Bieb", "minutes": "60", "once": token}).status_code == 302
    assert Meeting.objects.filter(match=match).count() == 1


def test_the_learner_rates_with_one_tap_on_their_page(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1, state="held")
    url = reverse("journal:rate", kwargs=_kw(world, pk=match.pk, meeting=item.pk))
    assert world.client_for("learner").post(url, {"rating": "4"}).status_code == 302
    item.refresh_from_db()
    assert item.rating == 4 and item.rated_via == "page"
    world.client_for("learner").post(url, {"rating": "9"})  # not a face: nothing changes
    item.refresh_from_db()
    assert item.rating == 4
    old = meeting(match, days=-60, state="held")
    with pytest.raises(ValidationError):
        services.meeting_rate(meeting=old, rating=5, via="page")


def test_the_personal_link_rates_agrees_and_stops_working(world: World) -> None:
    match = persona_match(world)
    aim = goal(world, match, "Beter plannen")
    item = meeting(match, days=-1, state="held", activities="Agenda gemaakt")
    personal = link(match)
    client = world.client_for("anonymous")
    url = reverse("journal:link", kwargs={"token": personal.token})
    page = client.get(url).content.decode()
    assert "Beter plannen" in page and "Agenda gemaakt" in page and "Tester" not in page  # first names only
    assert client.post(url, {"action": "rate", "meeting": item.pk, "rating": "5"}).status_code == 302
    assert client.post(url, {"action": "agree", "goal": aim.pk}).status_code == 302
    item.refresh_from_db()
    aim.refresh_from_db()
    assert item.rating == 5 and item.rated_via == "link" and aim.agreed_as == "learner"
    services.learner_link_revoke(match=match, actor=world.users["mentor"])
    assert client.get(url).status_code == 410
    assert client.get(reverse("journal:link", kwargs={"token": "not-a-token"})).status_code == 404


def test_a_new_link_replaces_the_old_and_links_expire(world: World) -> None:
    match = persona_match(world)
    first = services.learner_link_create(match=match, actor=world.users["mentor"])
    second = services.learner_link_create(match=match, actor=world.users["mentor"])
    first.refresh_from_db()
    assert not first.usable and second.usable
    assert second.expires_at.date() >= match.cycle_end
    LearnerLink.objects.filter(pk=second.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert world.client_for("anonymous").get(reverse("journal:link", kwargs={"token": second.token})).status_code == 410


def test_the_personal_link_is_rate_limited(world: World) -> None:
    from tandem.journal.views import public

    match = persona_match(world)
    item = meeting(match, days=-1, state="held")
    url = reverse("journal:link", kwargs={"token": link(match).token})
    client = world.client_for("anonymous")
    answers = [client.post(url, {"action": "rate", "meeting": item.pk, "rating": "3"}).status_code
               for _ in range(public.POSTS_PER_HOUR + 1)]
    assert answers[:-1] == [302] * public.POSTS_PER_HOUR and answers[-1] == 429
    misses = [client.get(reverse("journal:link", kwargs={"token": f"guess-{i}"})).status_code
              for i in range(public.MISSES_PER_HOUR + 1)]
    assert misses[-1] == 429 and set(misses[:-1]) == {404}


def test_the_supervisor_comments_the_mentor_is_told_and_replies(world: World, django_capture_on_commit_callbacks: Any,
                                                              run_tasks: Any) -> None:
    match = persona_match(world)
    world.programme.requirements = {**world.programme.requirements, "supervisor_feedback_per_session": True}
    world.programme.save()
    item = meeting(match, days=2)
    kw = _kw(world, pk=match.pk, meeting=item.pk)
    mentor = world.client_for("mentor")
    assert mentor.post(reverse("journal:preparation", kwargs=kw), {"text": "Breuken met pizza", "version": "0"}).status_code == 302
    supervisor = world.client_for("supervisor")
    page = supervisor.get(reverse("journal:meeting", kwargs=kw)).content.decode()
    assert "Breuken met pizza" in page and 'value="comment"' in page
    with django_capture_on_commit_callbacks(execute=True):
        supervisor.post(reverse("journal:note_add", kwargs=kw), {"kind": "comment", "text": "Neem echte pizza mee"})
    run_tasks()
    assert [m.to for m in mail.outbox] == [[world.people["mentor"].email]]
    comment = item.notes.get(kind="comment")
    mentor.post(reverse("journal:note_add", kwargs=kw), {"kind": "reply", "text": "Doe ik!", "parent": comment.pk})
    assert item.notes.get(kind="reply").parent == comment
    # A mentor cannot write a supervisor's kind of note, nor a supervisor a preparation.
    mentor.post(reverse("journal:note_add", kwargs=kw), {"kind": "intervision", "text": "Zelf"})
    assert not item.notes.filter(kind="intervision").exists()
    assert supervisor.get(reverse("journal:preparation", kwargs=kw)).status_code == 403


def test_a_pair_without_a_supervisor_is_promised_no_feedback_on_its_preparation(world: World) -> None:
    # The demo's Mentoren op Zuid mentor was told "your supervisor reads it and gives feedback"
    # for a pair no supervisor could open (none at the learner's school).
    match = persona_match(world)
    item = meeting(match, days=2)
    kw = _kw(world, pk=match.pk, meeting=item.pk)
    mentor = world.client_for("mentor")
    url = reverse("journal:preparation", kwargs=kw)
    assert "Your supervisor reads it" in mentor.get(url).content.decode()  # the school's supervisor
    match.learner.institution = None
    match.learner.save(update_fields=["institution"])
    page = mentor.get(url).content.decode()
    assert "Your supervisor reads it" not in page and "No supervisor is linked to your pair yet" in page
    response = mentor.post(url, {"text": "Breuken met pizza", "version": "0"}, follow=True)
    assert "Your preparation is saved." in response.content.decode()
    assert "Your supervisor can now give feedback" not in response.content.decode()


def test_a_private_note_is_marked_and_offered_only_where_the_kind_allows(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1, state="held")
    kw = _kw(world, pk=match.pk, meeting=item.pk)
    supervisor = world.client_for("supervisor")
    supervisor.post(reverse("journal:note_add", kwargs=kw), {"kind": "intervision", "text": "Alleen voor ons",
                                                              "visibility": "private"})
    supervisor.post(reverse("journal:note_add", kwargs=kw), {"kind": "intervision", "text": "Met de klas",
                                                              "visibility": "pair"})  # not for intervision
    assert list(item.notes.values_list("text", "visibility")) == [("Alleen voor ons", "private")]



def test_a_note_sent_twice_is_saved_once(world: World) -> None:
    match = persona_match(world)
    item = meeting(match, days=-1, state="held")
    kw = _kw(world, pk=match.pk, meeting=item.pk)
    supervisor = world.client_for("supervisor")
    page = supervisor.get(reverse("journal:meeting", kwargs=kw)).content.decode()
    form = page.split('id="write-observation"')[1]
    token = form.split('name="once" value="')[1].split('"')[0]
    data = {"kind": "observation", "text": "Goed luisteren", "visibility": "team", "once": token}
    for _ in range(2):
        assert supervisor.post(reverse("journal:note_add", kwargs=kw), data).status_code == 302
    assert item.notes.filter(kind="observation").count() == 1


def test_the_supervisor_tells_a_pair_not_yet_under_way_apart(world: World) -> None:
    """Supervisors read pairs by first names only: two "Rayan ⟷ Lars" must differ by their state
    (a proposed pair has no meetings yet, an active one does)."""
    persona_match(world, state="proposed")
    supervisor = world.client_for("supervisor")
    kw = {"org": world.organisation.slug, "prog": world.programme.slug}
    for url in (reverse("journal:overview", kwargs=kw), reverse("core:programme", kwargs=kw)):
        page = supervisor.get(url).content.decode()
        assert '<span class="badge">Proposed</span>' in page, url


def test_observation_and_intervision_wait_until_the_meeting_has_taken_place(world: World) -> None:
    """README: observation and intervision are recorded "afterwards" — not offered on a meeting still
    to come, and a post ahead of it is refused with a clear message (no note, no error page)."""
    match = persona_match(world)
    ahead = meeting(match, days=2)
    kw = _kw(world, pk=match.pk, meeting=ahead.pk)
    supervisor = world.client_for("supervisor")
    page = supervisor.get(reverse("journal:meeting", kwargs=kw)).content.decode()
    assert 'id="write-observation"' not in page and 'id="write-intervision"' not in page
    assert "An observation or intervision is written once the meeting has taken place." in page
    for kind in ("observation", "intervision"):
        response = supervisor.post(reverse("journal:note_add", kwargs=kw),
                                   {"kind": kind, "text": "Te vroeg", "visibility": "team"}, follow=True)
        assert response.status_code == 200
        assert "An observation or intervision is written once the meeting has taken place." in \
            response.content.decode()
    assert not ahead.notes.exists()
    # Once its time has come, both are offered.
    past = meeting(match, days=-1)
    page = supervisor.get(reverse("journal:meeting", kwargs=_kw(world, pk=match.pk, meeting=past.pk))).content.decode()
    assert 'id="write-observation"' in page and 'id="write-intervision"' in page
    assert "once the meeting has taken place" not in page


def test_a_past_meeting_nobody_logged_reads_not_logged_yet_not_planned(world: World) -> None:
    """The pair's timeline said "Not logged yet" for last week's meeting while its own page said
    "Planned" (and offered to add it to a calendar): both say what the supervisor must know."""
    match = persona_match(world)
    past, ahead = meeting(match, days=-3), meeting(match, days=3)
    for role in ("supervisor", "mentor", "coordinator"):
        client = world.client_for(role)
        page = client.get(reverse("journal:meeting", kwargs=_kw(world, pk=match.pk, meeting=past.pk))).content.decode()
        state = re.search(r'<dd id="meeting-state">(.*?)</dd>', page, re.S)
        assert state and state.group(1).startswith("Not logged yet"), (role, state)
        assert 'id="meeting-ics"' not in page
        page = client.get(reverse("journal:meeting", kwargs=_kw(world, pk=match.pk, meeting=ahead.pk))).content.decode()
        state = re.search(r'<dd id="meeting-state">(.*?)</dd>', page, re.S)
        assert state and state.group(1).startswith("Planned"), (role, state)
        assert 'id="meeting-ics"' in page
